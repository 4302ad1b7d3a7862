"""What every package's report pages share: who may read them, and how their rates read."""
from collections.abc import Callable
from typing import Any

from babel.numbers import format_percent
from fastapi import Depends

from totem.identity.models import User
from totem.permissions import is_staff, require, rule
from totem.web.context import require_user


@rule("reports.read")
def _read_reports(user: User, _obj: Any) -> bool:
    return is_staff(user)


def reader(user: User = Depends(require_user)) -> User:
    """Members and mentors get a 403 on every report."""
    require(user, "reports.read")
    return user


def percent(locale: str) -> Callable[[float | None], str]:
    """A rate as the reader's language writes it ("12 %"), a dash where there is none."""

    def show(value: float | None) -> str:
        return "—" if value is None else format_percent(value, locale=locale)

    return show
