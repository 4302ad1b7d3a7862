"""Who may see and change which booking, and who may book under a rule."""
from typing import Any

from spaces.models import Booking
from spaces.rules import Policy
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


@rule("access.grant")
def _grant_access(user: User, _obj: Any) -> bool:
    """Give start-ups access grants and dedicated desks."""
    return is_staff(user)


@rule("credits.adjust")
def _adjust_credits(user: User, _obj: Any) -> bool:
    """Add or remove credits by hand, and see every start-up's account."""
    return is_staff(user)
