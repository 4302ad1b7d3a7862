"""Record every write made through the services, and read the log back."""
from datetime import datetime

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from totem.audit.models import AuditEntry
from totem.identity.models import User


def record(
    db: Session, *, actor: User | None, action: str, obj: object, summary: str, now: datetime
) -> AuditEntry:
    """Append one line to the audit log, in the caller's transaction."""
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=str(getattr(obj, "id", "")) or None,
        summary=summary[:500],
    )
    db.add(entry)
    return entry


def list_entries(db: Session, *, limit: int = 200, before_id: int | None = None) -> list[tuple[AuditEntry, str | None]]:
    """Newest first, with the actor's e-mail: None for the system (a job, an import, the demo)."""
    query: Select = (
        select(AuditEntry, case((User.is_system, None), else_=User.email))
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [(entry, email) for entry, email in db.execute(query)]
