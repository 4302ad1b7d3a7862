"""Small typed factories for core objects."""
import itertools
from datetime import datetime

from sqlalchemy.orm import Session

from totem import clock
from totem.auth.secrets import hash_password
from totem.identity import service as identity
from totem.identity.models import User

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_user(
    db: Session,
    *,
    role: str = "member",
    email: str | None = None,
    name: str | None = None,
    password: str | None = PASSWORD,
    startup: str | None = None,
    locale: str = "en",
    now: datetime | None = None,
) -> User:
    n = next(_counter)
    now = now or clock.now()
    user = identity.create_user(
        db, actor=None, email=email or f"{role}{n}@example.com", name=name or f"{role.title()} {n}",
        roles=[role], now=now, password_hash=hash_password(password) if password else None, locale=locale,
    )
    if startup:
        organisation = identity.get_or_create_organisation(db, actor=None, name=startup, now=now)
        identity.add_membership(db, actor=None, user=user, organisation=organisation, now=now)
    db.flush()
    return user
