"""Keep an uploaded file for its confirmation, and take it back once: only its uploader, within the hour."""
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from totem.auth.secrets import hash_token, new_token
from totem.identity.models import User
from totem.uploads.models import PendingUpload

LIFETIME = timedelta(hours=1)


def keep(db: Session, *, user: User, content: bytes, now: datetime) -> str:
    """Store the file; returns the token the confirmation sends back. Files past their hour are dropped."""
    db.execute(delete(PendingUpload).where(PendingUpload.created_at < now - LIFETIME))
    raw, token_hash = new_token()
    db.add(PendingUpload(token_hash=token_hash, user_id=user.id, content=content, created_at=now))
    db.flush()
    return raw


def take(db: Session, *, user: User, token: str, now: datetime) -> bytes | None:
    """The file, removed in the caller's transaction; None for an unknown, expired or someone else's token."""
    if not token:
        return None
    upload = db.scalar(select(PendingUpload).where(PendingUpload.token_hash == hash_token(token))
                       .with_for_update())
    if upload is None or upload.user_id != user.id or upload.created_at < now - LIFETIME:
        return None
    content = upload.content
    db.delete(upload)
    db.flush()
    return content
