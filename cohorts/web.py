"""What the cohorts pages share: the staff-only guard (members and mentors get a 403), dates in words."""
from babel.dates import format_date
from fastapi import Depends

from cohorts import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.models import Cohort
from totem.identity.models import User
from totem.permissions import require
from totem.web.context import require_user

PHASE_DATE_FIELDS = ("applications_open_on", "selection_on", "starts_on", "demo_day_on", "ends_on")


def staff(user: User = Depends(require_user)) -> User:
    require(user, "program.create")
    return user


def long_dates(cohort: Cohort, locale: str) -> dict[str, str]:
    """The cohort's dates as a sentence says them: "4 janvier 2027"."""
    return {name: format_date(getattr(cohort, name), format="long", locale=locale) for name in PHASE_DATE_FIELDS}
