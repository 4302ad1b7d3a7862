"""Send the notification outbox, retrying temporary SMTP failures with back-off."""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from totem.i18n import N_, said
from totem.jobs.registry import interval_job
from totem.notifications.mailer import (
    Mailer,
    build_email,
    describe_failure,
    is_connection_failure,
    is_permanent_failure,
    make_mailer,
)
from totem.notifications.models import OutboxMessage
from totem.notifications.queries import list_due_messages
from totem.settings import get_settings

logger = logging.getLogger("totem.mail")

BATCH_SIZE = 200
MAX_RETRIES = 8
MAX_BACKOFF = timedelta(hours=1)


@dataclass
class DeliveryCounts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        return said(N_("sent {sent}, retrying {retrying}, failed {failed}"), sent=self.sent, retrying=self.retrying,
                    failed=self.failed)


@dataclass(frozen=True)
class _Failure:
    error: str
    permanent: bool = False
    outage: bool = False


@interval_job(
    "outbox.deliver",
    seconds=30,
    misfire_grace_seconds=300,
    description=N_("Send queued e-mails; retry temporary SMTP failures with back-off"),
)
def deliver_outbox(db: Session, fire_time: datetime) -> str:
    """Send the pending messages due by the fire time, one batch per run."""
    settings = get_settings()
    mailer = make_mailer(settings.smtp_url)
    try:
        return deliver_pending(db, mailer, fire_time, mail_from=settings.mail_from).summary()
    finally:
        mailer.close()


def deliver_pending(
    db: Session, mailer: Mailer, now: datetime, *, mail_from: str, batch_size: int = BATCH_SIZE
) -> DeliveryCounts:
    """Send each due message and record the outcome on its row, in the caller's transaction.

    A row is marked sent only after SMTP accepted it, and the marks are
    committed with the run. A crash between a hand-over and that commit is
    the one way a message goes out twice (its stable Message-ID lets mail
    clients fold the copies); PostgreSQL's row locks keep concurrent runs from
    sending the same rows.
    """
    counts = DeliveryCounts()
    outage: _Failure | None = None
    for message in list_due_messages(db, now, batch_size):
        # Once the server is unreachable the rest of the batch would fail alike: defer it unsent.
        failure = outage or _send(mailer, message, mail_from=mail_from, now=now)
        if failure is not None and failure.outage:
            outage = failure
        counts.add(_record(db, message, failure, now))
    return counts


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after the 1st, 2nd, 3rd, 4th... failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), MAX_BACKOFF)


def _send(mailer: Mailer, message: OutboxMessage, *, mail_from: str, now: datetime) -> _Failure | None:
    try:
        email = build_email(message, mail_from=mail_from, now=now)
    except (ValueError, TypeError) as exc:
        return _Failure(f"cannot build the message: {exc}", permanent=True)
    try:
        mailer.send(email)
    except Exception as exc:
        return _Failure(describe_failure(exc), permanent=is_permanent_failure(exc), outage=is_connection_failure(exc))
    return None


def _record(db: Session, message: OutboxMessage, failure: _Failure | None, now: datetime) -> str:
    """Update the row in a savepoint, so one bad row does not sink the batch; return the count it falls in."""
    message_id = message.id
    try:
        with db.begin_nested():
            _apply_outcome(message, failure, now)
    except SQLAlchemyError:
        logger.exception("outbox message %s: could not record its delivery outcome", message_id)
        return "failed"
    return "retrying" if message.status == "pending" else message.status


def _apply_outcome(message: OutboxMessage, failure: _Failure | None, now: datetime) -> None:
    message.attempts += 1
    if failure is None:
        message.status, message.sent_at, message.last_error = "sent", now, None
    elif failure.permanent or message.attempts > MAX_RETRIES:
        message.status, message.last_error = "failed", failure.error
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        message.last_error = failure.error
