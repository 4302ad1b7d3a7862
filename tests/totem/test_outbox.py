"""The outbox job delivers queued e-mail to a real SMTP server on loopback, with retries and back-off."""
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.totem.factories import make_user
from totem import clock
from totem.auth import service as auth
from totem.jobs.runner import run_fire
from totem.notifications.jobs import MAX_RETRIES, deliver_outbox, deliver_pending, retry_delay
from totem.notifications.mailer import SmtpMailer, parse_smtp_url
from totem.notifications.models import OutboxMessage
from totem.notifications.service import queue_mail
from totem.settings import get_settings
from totem.i18n import shown

MAIL_FROM = "Totem <no-reply@cite-innovation.fr>"


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses recipients with a 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def smtp_server(inbox: Inbox, smtp_port: int) -> Iterator[Inbox]:
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def _mailer(port: int) -> SmtpMailer:
    return SmtpMailer(parse_smtp_url(f"smtp://127.0.0.1:{port}"), timeout=5)


def _invite_french_user(db, settings):
    admin = make_user(db, role="admin")
    invitee = make_user(db, role="member", email="ines@seabird.fr", name="Inès Garcia", password=None, locale="fr")
    auth.invite_user(db, actor=admin, user=invitee, settings=settings, now=clock.now())
    db.commit()
    return db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ines@seabird.fr"))


def test_the_outbox_job_sends_the_invitation_in_french_as_text_and_html(
    smtp_server, smtp_port, session_factory, db, settings, monkeypatch
):
    queued = _invite_french_user(db, settings)
    monkeypatch.setenv("TOTEM_SMTP_URL", f"smtp://127.0.0.1:{smtp_port}")
    monkeypatch.setenv("TOTEM_MAIL_FROM", MAIL_FROM)
    get_settings.cache_clear()

    run = run_fire(session_factory, deliver_outbox, clock.now())

    assert run is not None and run.status == "succeeded" and shown(run.summary, "en") == "sent 1, retrying 0, failed 0"
    [email] = smtp_server.messages
    assert email["To"] == "ines@seabird.fr" and email["Subject"] == "Vous êtes invité·e sur Totem"
    assert email.get_content_type() == "multipart/alternative"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "Bonjour Inès Garcia" in text and "/invitations/" in text
    assert "Bonjour Inès Garcia" in html and "<a href=" in html
    db.refresh(queued)
    assert queued.status == "sent" and queued.attempts == 1 and queued.sent_at is not None

    # A second run finds nothing to send: the message is never sent twice.
    assert shown(run_fire(session_factory, deliver_outbox, clock.now() + timedelta(seconds=30)).summary, "en") == (
        "sent 0, retrying 0, failed 0"
    )
    assert len(smtp_server.messages) == 1
    get_settings.cache_clear()


def test_with_the_server_down_the_message_is_retried_later_then_delivered_once(db, settings, inbox, smtp_port):
    queued = _invite_french_user(db, settings)
    now = clock.now()

    counts = deliver_pending(db, _mailer(smtp_port), now, mail_from=MAIL_FROM)  # nothing listens on the port

    assert (counts.sent, counts.retrying, counts.failed) == (0, 1, 0)
    assert queued.status == "pending" and queued.attempts == 1
    assert queued.next_attempt_at == now + retry_delay(1) and "Connection" in queued.last_error

    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        # Not yet due: the back-off holds the message even though the server is back.
        assert deliver_pending(db, _mailer(smtp_port), now + timedelta(seconds=10), mail_from=MAIL_FROM).sent == 0
        assert deliver_pending(db, _mailer(smtp_port), queued.next_attempt_at, mail_from=MAIL_FROM).sent == 1
        assert deliver_pending(db, _mailer(smtp_port), now + timedelta(hours=2), mail_from=MAIL_FROM).sent == 0
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and queued.status == "sent" and queued.attempts == 2


def test_a_refused_recipient_is_a_permanent_failure(db, settings, smtp_server, smtp_port):
    queued = _invite_french_user(db, settings)
    smtp_server.refuse = True

    counts = deliver_pending(db, _mailer(smtp_port), clock.now(), mail_from=MAIL_FROM)

    assert (counts.sent, counts.failed) == (0, 1)
    assert queued.status == "failed" and "550" in queued.last_error and smtp_server.messages == []


def test_retries_stop_after_the_last_attempt(db, settings, smtp_port):
    queued = _invite_french_user(db, settings)
    for _ in range(MAX_RETRIES + 1):
        deliver_pending(db, _mailer(smtp_port), queued.next_attempt_at, mail_from=MAIL_FROM)
    assert queued.status == "failed" and queued.attempts == MAX_RETRIES + 1


def test_back_off_doubles_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(12) == timedelta(hours=1)


def test_a_calendar_invitation_travels_as_an_ics_attachment(db, smtp_server, smtp_port):
    mentor = make_user(db, role="mentor", locale="en")
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x@totem\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    queue_mail(
        db, to=mentor, subject="You are invited to Totem", template="totem/emails/invitation",
        now=clock.now(), ics=ics, link="https://totem.example/invitations/abc", inviter="Léa Martin", valid_days=7,
    )
    db.flush()

    assert deliver_pending(db, _mailer(smtp_port), clock.now(), mail_from=MAIL_FROM).sent == 1

    [email] = smtp_server.messages
    assert email["Subject"] == "You are invited to Totem"
    [attachment] = list(email.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST" and attachment.get_filename() == "invite.ics"
    assert "UID:x@totem" in attachment.get_content()
