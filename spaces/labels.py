"""What the pages call kinds of space and booking states, in the users' words."""
from spaces.enums import BookingStatus, SpaceKind
from totem.i18n import N_

KIND_LABELS = {
    SpaceKind.HOT_DESK: N_("Hot desk"),
    SpaceKind.DEDICATED_DESK: N_("Dedicated desk"),
    SpaceKind.MEETING_ROOM: N_("Meeting room"),
    SpaceKind.PHONE_BOOTH: N_("Phone booth"),
    SpaceKind.EVENT_SPACE: N_("Event space"),
}
STATUS_LABELS = {
    BookingStatus.PENDING: N_("Awaiting approval"),
    BookingStatus.CONFIRMED: N_("Confirmed"),
    BookingStatus.CHECKED_IN: N_("Checked in"),
    BookingStatus.CANCELLED: N_("Cancelled"),
    BookingStatus.RELEASED: N_("Released"),
    BookingStatus.REJECTED: N_("Rejected"),
    BookingStatus.OFFERED: N_("Offered from the waitlist"),
    BookingStatus.EXPIRED: N_("Offer expired"),
}
