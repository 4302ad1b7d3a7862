"""What the pages call the kinds of space, in the users' words."""
from spaces.venues.enums import SpaceKind
from totem.i18n import N_

KIND_LABELS = {
    SpaceKind.HOT_DESK: N_("Hot desk"),
    SpaceKind.DEDICATED_DESK: N_("Dedicated desk"),
    SpaceKind.MEETING_ROOM: N_("Meeting room"),
    SpaceKind.PHONE_BOOTH: N_("Phone booth"),
    SpaceKind.EVENT_SPACE: N_("Event space"),
}

# Amenities are words managers type; the usual ones have a label in each language, any other shows as typed.
AMENITY_LABELS = {
    "screen": N_("screen"),
    "videoconference": N_("videoconference"),
    "video": N_("videoconference"),
    "whiteboard": N_("whiteboard"),
    "sound_system": N_("sound system"),
    "stage": N_("stage"),
    "projector": N_("projector"),
}

