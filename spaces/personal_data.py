"""The rows `spaces` holds about a person, for their personal data download (`totem.personal_data`)."""
from spaces.models import Booking, BookingSeries, WaitlistEntry
from totem.personal_data import register

register("bookings", Booking, lambda user: Booking.user_id == user.id)
register("booking_series", BookingSeries, lambda user: BookingSeries.user_id == user.id)
register("waitlist", WaitlistEntry, lambda user: WaitlistEntry.user_id == user.id)
