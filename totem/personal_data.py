"""Everything Totem holds about a person, as one JSON document they can download (GDPR articles 15 and 20).

Each package declares the rows it holds about a user (`register`): a
section name, a model, and the condition that selects that user's rows. The
core declares its own here; the domains declare theirs in their
`personal_data` module, which the app factory imports. Secrets (password and
token hashes, the calendar feed's token) are never exported.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.orm import Session

from totem.audit.models import AuditEntry
from totem.auth.models import ApiToken, AuthSession
from totem.identity.models import Membership, Organisation, User, UserRole
from totem.notifications.models import OutboxMessage

FORMAT = "totem-personal-data/1"
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "calendar_token"})


@dataclass(frozen=True)
class Holding:
    section: str
    model: type
    rows_of: Callable[[User], ColumnElement[bool]]


_HOLDINGS: list[Holding] = []


def register(section: str, model: type, rows_of: Callable[[User], ColumnElement[bool]]) -> None:
    """Declare that `model`'s rows matching `rows_of(user)` are personal data of that user, under `section`."""
    if all(h.section != section or h.model is not model for h in _HOLDINGS):
        _HOLDINGS.append(Holding(section, model, rows_of))


def export(db: Session, user: User, now: datetime) -> dict[str, Any]:
    """The document: every declared section, its rows as plain values, oldest first."""
    document: dict[str, Any] = {"format": FORMAT, "exported_at": now.isoformat(), "user_id": user.id}
    for holding in _HOLDINGS:
        columns = [column for column in inspect(holding.model).columns if column.key not in SECRET_COLUMNS]
        primary = inspect(holding.model).primary_key
        rows = db.execute(select(*columns).where(holding.rows_of(user)).order_by(*primary))
        document.setdefault(holding.section, []).extend(
            {column.key: _plain(value) for column, value in zip(columns, row, strict=True)} for row in rows)
    return document


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


register("profile", User, lambda user: User.id == user.id)
register("roles", UserRole, lambda user: UserRole.user_id == user.id)
register("memberships", Membership, lambda user: Membership.user_id == user.id)
register("organisations", Organisation,
         lambda user: Organisation.id.in_(select(Membership.organisation_id).where(Membership.user_id == user.id)))
register("sign_in_sessions", AuthSession, lambda user: AuthSession.user_id == user.id)
register("api_tokens", ApiToken, lambda user: ApiToken.user_id == user.id)
register("emails", OutboxMessage, lambda user: OutboxMessage.user_id == user.id)
register("actions", AuditEntry, lambda user: AuditEntry.actor_id == user.id)
