"""What every managers' form shares: a guard per action, the posted fields, save-or-show-again, and for a
button, act-or-say-why.

The typed fields (whole numbers, times, days) are read by `spaces.venues.forms`, whose catalogue translates
their messages.
"""
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from totem.errors import DomainError
from totem.identity.models import User
from totem.permissions import require
from totem.web.context import require_user
from totem.web.pages import form_error, redirect, render

T = TypeVar("T")
# What a successful change answers: where to go, the message (an English msgid) and its parameters.
Done = tuple[str, str, dict[str, Any]]


def requiring(action: str) -> Callable[[User], User]:
    """A dependency that answers 403 to whoever may not do `action` (the package that owns it registers it)."""

    def guard(user: User = Depends(require_user)) -> User:
        require(user, action)
        return user

    guard.__name__ = f"requiring_{action.replace('.', '_')}"
    return guard


async def posted(request: Request) -> FormData:
    """The submitted form (already read, and cached, by the CSRF check)."""
    return await request.form()


def text(form: FormData, *fields: str) -> dict[str, str]:
    return {field: str(form.get(field, "")) for field in fields}


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


def act(
    request: Request, db: Session, change: Callable[[], T], done: Callable[[T], Done], back: str,
) -> Response:
    """A button's change: commit and redirect with its message, or roll it all back and go to `back` saying why."""
    return save(request, db, change, done,
                lambda error: redirect(request, back, error.message, kind="error", **error.params))


def page(request: Request, template: str, context: dict[str, Any], error: DomainError | None) -> Response:
    """The page, or the page with a form's error beside its field (422/409)."""
    return form_error(request, template, error, context) if error else render(request, template, context)
