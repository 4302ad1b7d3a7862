"""Queue e-mails in the outbox, inside the caller's transaction."""
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from totem.i18n import translate
from totem.identity.models import User
from totem.notifications.models import OutboxMessage
from totem.settings import get_settings
from totem.templating import render


@dataclass(frozen=True)
class Recipient:
    """Someone without an account (an applicant, a visitor): what `queue_mail` reads of a user."""

    email: str
    name: str
    locale: str
    id: None = None


def queue_mail(
    db: Session,
    *,
    to: User | Recipient,
    subject: str,
    template: str,
    now: datetime,
    ics: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render `<template>.txt` and `.html` in the recipient's language and queue them.

    `subject` is an English msgid; `context` fills the templates and the
    subject's placeholders. The message leaves after commit, by `outbox.deliver`.
    """
    locale = to.locale
    settings = get_settings()
    values = {"locale": locale, "user": to, "base_url": settings.base_url, **context}
    message = OutboxMessage(
        created_at=now,
        user_id=to.id,
        to_address=to.email,
        subject=translate(locale, subject, **{k: v for k, v in context.items() if isinstance(v, str | int)}),
        body_text=render(f"{template}.txt", **values),
        body_html=render(f"{template}.html", **values),
        ics=ics,
        status="pending",
        attempts=0,
        next_attempt_at=now,
    )
    db.add(message)
    return message
