"""Visitors are personal data: in the download of the host who registered them and of a person who visited
under their account's e-mail; erased with either."""
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from spaces.visitors.models import Visitor
from totem import erasure
from totem.identity.models import User
from totem.personal_data import register

register("visitors_hosted", Visitor, lambda user: Visitor.host_id == user.id)
register("visits", Visitor, lambda user: Visitor.email == user.email)


def erase_visitors(db: Session, user: User, now: datetime, actor: User) -> None:
    """Their own visits lose name, e-mail and organisation; the guests they still expect are not expected any
    more (nobody would receive them); past visits they hosted stay until the retention purge."""
    db.execute(update(Visitor).where(Visitor.email == user.email)
               .values(name=erasure.erased_name(user.id), email=None, organisation="", reason=""))
    db.execute(update(Visitor).where(Visitor.host_id == user.id, Visitor.expected_at > now,
                                     Visitor.checked_in_at.is_(None), Visitor.cancelled_at.is_(None))
               .values(cancelled_at=now))
    db.execute(update(Visitor).where(Visitor.host_id == user.id).values(reason=""))


# A visitor's name is another person's: a homonym of the erased person keeps theirs.
erasure.register(erase_visitors, identity_columns=[Visitor.name])
