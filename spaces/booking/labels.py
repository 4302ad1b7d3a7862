"""What the pages call the states of a booking, in the users' words."""
from spaces.booking.enums import BookingStatus
from totem.i18n import N_


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
