"""Build e-mails from outbox messages and hand them to SMTP, or to the log when no server is set."""
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from totem.notifications.models import OutboxMessage

mail_logger = logging.getLogger("totem.mail")

SMTP_TIMEOUT_SECONDS = 20.0
DEFAULT_PORTS = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}
_ICS_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\s*$", re.MULTILINE)


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand `message` over for delivery or raise (smtplib's exceptions, OSError)."""

    def close(self) -> None: ...


def build_email(message: OutboxMessage, *, mail_from: str, now: datetime) -> EmailMessage:
    """The message as text and HTML alternatives, with its invitation attached as `invite.ics`."""
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now)
    # Stable per outbox row: a copy sent twice (see outbox.deliver) can be recognised as one.
    email["Message-ID"] = f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{_domain(mail_from)}>"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    if message.ics:
        email.add_attachment(message.ics, subtype="calendar", filename="invite.ics", params=_ics_params(message.ics))
    return email


def _ics_params(ics: str) -> dict[str, str]:
    found = _ICS_METHOD.search(ics)
    return {"method": found.group(1).upper()} if found else {}


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "totem.localhost"


@dataclass(frozen=True)
class SmtpConfig:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpConfig:
    """`smtp://[user:pass@]host[:port]`, `smtps://` (implicit TLS) or `smtp+starttls://`."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"TOTEM_SMTP_URL must be smtp://, smtps:// or smtp+starttls://host[:port], not {url!r}")
    return SmtpConfig(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class SmtpMailer:
    """Sends over one SMTP connection, opened on the first message and kept until `close()`."""

    def __init__(self, config: SmtpConfig, *, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        self.config = config
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        connection = self._connection or self._open()
        self._connection = connection
        try:
            connection.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
            raise  # the session is still usable for the next message
        except OSError:
            self._discard()
            raise

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.quit()
        except OSError:
            self._discard()
        self._connection = None

    def _open(self) -> smtplib.SMTP:
        config, context = self.config, ssl.create_default_context()
        if config.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(config.host, config.port, timeout=self.timeout)
        try:
            if config.scheme == "smtp+starttls":
                connection.starttls(context=context)
            if config.username:
                connection.login(config.username, config.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def _discard(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None


class LogMailer:
    """Without TOTEM_SMTP_URL: writes each message to the `totem.mail` log, which counts as sent."""

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(("plain",))
        text = body.get_content() if isinstance(body, EmailMessage) else ""
        mail_logger.info("mail to %s: %s\n%s", message["To"], message["Subject"], text)

    def close(self) -> None:
        pass


def make_mailer(smtp_url: str | None) -> Mailer:
    return SmtpMailer(parse_smtp_url(smtp_url)) if smtp_url else LogMailer()


def is_permanent_failure(exc: BaseException) -> bool:
    """The server refused this very message for good (5xx on the recipient or the data)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def is_connection_failure(exc: BaseException) -> bool:
    """The server is unreachable or refuses the session itself: every other message would fail alike."""
    return not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError) and isinstance(exc, OSError)


def describe_failure(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt}: {code} {_text(reply)}" for rcpt, (code, reply) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
