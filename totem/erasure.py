"""Erase a person (GDPR article 17): their identity goes, their activity stays as anonymous statistics.

Each package declares an eraser (`register`): a function `(db, user, now)`
that blanks or deletes what that package holds about the user, while the rows
that reports count (bookings, sessions, KPIs) stay, linked to the anonymised
user. The domains declare theirs in their `personal_data` module. The core's
part runs last, once the domains have seen the user's real e-mail: it
anonymises the account, removes its credentials, and replaces every copy of
the name and e-mail left in free text (mail bodies, audit summaries, titles
written by others).

Retention works the same way: each domain declares what it purges past its
period (`register_purge`) in its `retention` module, for `totem retention`.
"""
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from markupsafe import escape
from sqlalchemy import Column, String, delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from totem import audit
from totem.auth.models import ApiToken, AuthSession, LoginFailure, OneTimeLink
from totem.db import Base
from totem.domains import import_domain_modules
from totem.errors import Conflict, error_code
from totem.i18n import N_, said
from totem.identity.enums import Role
from totem.identity.models import User, UserRole
from totem.identity.service import OWN_ACCOUNT
from totem.notifications.models import OutboxMessage
from totem.permissions import require

# (db, user, now, actor): what a package does to erase the user, acting as the one who erases them.
Eraser = Callable[[Session, User, datetime, User], None]

# A reserved top-level domain (RFC 2606): the address is unique and no mail can reach it.
ERASED_DOMAIN = "erased.invalid"
# Shorter names are too likely to be part of other words to be replaced in free text.
MIN_NAME_TO_SCRUB = 5

ALREADY_ERASED = error_code("already_erased", "The person has been erased already.")

_ERASERS: list[Eraser] = []
# Columns that name other people: a homonym's name there is not the erased person's.
_IDENTITY_COLUMNS: set[tuple[str, str]] = {("user_account", "name")}


def register(eraser: Eraser, *, identity_columns: Iterable[InstrumentedAttribute] = ()) -> None:
    """Declare a package's eraser, and the columns that hold other people's names (left alone by the name scrub)."""
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)
    for attribute in identity_columns:
        column = attribute.property.columns[0]
        _IDENTITY_COLUMNS.add((column.table.name, column.name))


def erased_email(user_id: int) -> str:
    return f"deleted-user-{user_id}@{ERASED_DOMAIN}"


def erased_name(user_id: int) -> str:
    return f"Deleted user #{user_id}"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user.id)


def erase_person(db: Session, *, actor: User, user: User, now: datetime) -> None:
    """Anonymise the user everywhere, as `actor` (an admin, or the system for the retention job).

    Bookings, sessions, KPI reports and reliability records stay for the
    statistics; what the person wrote in free text is blanked; their
    sessions, tokens and pending mail are deleted.
    """
    require(actor, "users.manage", user)
    if actor.id == user.id:
        raise Conflict("You cannot erase your own account.", code=OWN_ACCOUNT)
    if is_erased(user):
        raise Conflict("This person has already been erased.", code=ALREADY_ERASED)
    if user.has_role(Role.ADMIN) and not _other_active_admins(db, user):
        raise Conflict("You cannot erase the last admin.")
    import_domain_modules("personal_data")  # each domain registers its eraser there
    email, name = user.email, user.name
    for eraser in _ERASERS:
        eraser(db, user, now, actor)
    _erase_account(db, user, now)
    db.flush()
    scrub_text(db, email=email, new_email=user.email, name=name, new_name=user.name)
    db.expire_all()  # the scrub wrote behind the session's back
    audit.record(db, actor=actor, action="user.erase", obj=user, summary=said(N_("erased user #{id}"), id=user.id), now=now)


def _other_active_admins(db: Session, user: User) -> int:
    return db.scalar(
        select(func.count()).select_from(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True), User.id != user.id)
    ) or 0


def _erase_account(db: Session, user: User, now: datetime) -> None:
    db.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    db.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.execute(delete(OneTimeLink).where(OneTimeLink.user_id == user.id))
    db.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    # Mail to them, sent or not: its bodies are full of their name and their dealings.
    db.execute(delete(OutboxMessage).where(or_(OutboxMessage.user_id == user.id,
                                               OutboxMessage.to_address == user.email)))
    user.name = erased_name(user.id)
    user.email = erased_email(user.id)
    user.password_hash = None
    user.is_active = False
    user.credentials_changed_at = now
    user.calendar_token = secrets.token_urlsafe(32)


def scrub_text(db: Session, *, email: str, new_email: str, name: str | None = None, new_name: str = "") -> None:
    """Replace an e-mail (and a name) wherever rows copied them into text: mail bodies, audit summaries, titles.

    One UPDATE per text column: erasures are rare, and a copy can be anywhere.
    The columns naming other people are left alone by the name (a homonym is
    not the person).
    """
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String) or column.primary_key or column.foreign_keys:
                continue
            pairs = [(email, new_email)]
            if name and len(name.strip()) >= MIN_NAME_TO_SCRUB and (table.name, column.name) not in _IDENTITY_COLUMNS:
                pairs.append((name, new_name))
            _scrub_column(db, column, [(old, new) for old, new in pairs if _fits(column, old)])


def forget_in_mail(db: Session, texts: Iterable[str]) -> None:
    """Cut the free texts a person wrote out of the mail that quoted them to others (one UPDATE per text)."""
    for text in {text.strip() for text in texts if text and len(text.strip()) >= MIN_NAME_TO_SCRUB}:
        pairs = [(text, ""), (str(escape(text)), "")]
        columns = (OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html)
        db.execute(
            update(OutboxMessage)
            .where(or_(*(column.contains(old, autoescape=True) for column in columns for old, _ in pairs)))
            .values({column.key: _replaced(column, pairs) for column in columns})
            .execution_options(synchronize_session=False)
        )


def _replaced(column: object, pairs: list[tuple[str, str]]) -> object:
    value = column
    for old, new in pairs:
        value = func.replace(value, old, new)
    return value


def _fits(column: Column, text: str) -> bool:
    length = column.type.length  # type: ignore[attr-defined]
    return length is None or length >= len(text)


def _scrub_column(db: Session, column: Column, pairs: list[tuple[str, str]]) -> None:
    if not pairs:
        return
    value = column
    for old, new in pairs:
        value = func.replace(value, old, new)
    if column.type.length is not None:  # type: ignore[attr-defined]
        value = func.substr(value, 1, column.type.length)  # type: ignore[attr-defined]
    db.execute(
        update(column.table)
        .where(or_(*(column.contains(old, autoescape=True) for old, _new in pairs)))
        .values({column.name: value})
    )


# --- retention -------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    """One thing purged (or, in a dry run, to purge); `label` is for the operator's screen, never stored."""

    kind: str
    id: int
    label: str


Purge = Callable[[Session, datetime, bool], list[Purged]]
_PURGES: list[Purge] = []


def register_purge(purge: Purge) -> None:
    """Declare `purge(db, now, dry_run)`: what the package deletes or erases past its retention period."""
    if purge not in _PURGES:
        _PURGES.append(purge)


def purge_personal_data(db: Session, *, now: datetime, dry_run: bool) -> list[Purged]:
    """Run every package's retention purge (or only list what it would purge)."""
    import_domain_modules("retention")
    return [item for purge in _PURGES for item in purge(db, now, dry_run)]
