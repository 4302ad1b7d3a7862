"""Who may see and change which booking, and who may book under a rule."""
from typing import Any

from spaces.booking.models import Booking
from spaces.venues.rules import Policy
from totem.identity.models import User
from totem.permissions import is_staff, member_organisation_ids, rule


@rule("booking.read")
def _read_booking(user: User, booking: Booking) -> bool:
    """Staff see every booking; others their own and their start-ups' (memberships must be loaded)."""
    if is_staff(user) or booking.user_id == user.id:
        return True
    return booking.organisation_id is not None and booking.organisation_id in member_organisation_ids(user)


@rule("booking.change")
def _change_booking(user: User, booking: Booking) -> bool:
    """Cancel or check in: the person who holds the booking, or staff."""
    return is_staff(user) or booking.user_id == user.id


@rule("booking.decide")
def _decide_booking(user: User, _booking: Any) -> bool:
    """Approve or reject a booking that waits for approval."""
    return is_staff(user)


@rule("space.book")
def _book_space(user: User, policy: Policy) -> bool:
    """The space's rule names the roles that may book it; staff always may."""
    return is_staff(user) or bool(user.role_names & policy.allowed_roles)


