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
