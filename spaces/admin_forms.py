"""What every managers' page shares: the staff-only guard, reading typed fields, and save-or-show-again."""
from collections.abc import Callable
from datetime import date, time
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from spaces import admin as _admin  # noqa: F401  (registers the "space.manage" rule)
from totem.errors import DomainError, Invalid
from totem.identity.models import User
from totem.permissions import require
from totem.web.context import require_user
from totem.web.pages import form_error, redirect, render

T = TypeVar("T")
# What a successful change answers: where to go, the message (an English msgid) and its parameters.
Done = tuple[str, str, dict[str, Any]]


def manager(user: User = Depends(require_user)) -> User:
    """Members and mentors get a 403 on every managers' page."""
    require(user, "space.manage")
    return user


async def posted(request: Request) -> FormData:
    """The submitted form (already read, and cached, by the CSRF check)."""
    return await request.form()


def text(form: FormData, *fields: str) -> dict[str, str]:
    return {field: str(form.get(field, "")) for field in fields}


def whole(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise Invalid("Enter a whole number.", field=field) from None


def optional_whole(value: str, field: str) -> int | None:
    """Blank means "no limit"."""
    return whole(value, field) if value.strip() else None


def clock_time(value: str, field: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Enter a time such as 09:00.", field=field) from None


def calendar_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Enter a date such as 2026-12-24.", field=field) from None


def save(
    request: Request, db: Session, change: Callable[[], T], done: Callable[[T], Done],
    form_page: Callable[[DomainError], Response],
) -> Response:
    """Run a change; commit and redirect with a message, or roll it all back and show the form again."""
    try:
        result = change()
        url, message, params = done(result)
    except DomainError as error:
        if error.status_code in (403, 404):
            raise  # before the rollback, which would expire the viewer the error page shows
        db.rollback()
        return form_page(error)
    db.commit()
    return redirect(request, url, message, **params)


def page(request: Request, template: str, context: dict[str, Any], error: DomainError | None) -> Response:
    """The page, or the page with a form's error beside its field (422/409)."""
    return form_error(request, template, error, context) if error else render(request, template, context)
