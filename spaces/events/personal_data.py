"""Registrations for events are personal data: in the download of the account with their e-mail, and erased with
it (the name, e-mail and organisation go; the row stays, for the events' attendance counts)."""
from datetime import datetime

from sqlalchemy import String, cast, func, literal, update
from sqlalchemy.orm import Session

from spaces.events.models import Registration
from totem import erasure
from totem.identity.models import User
from totem.personal_data import register

register("event_registrations", Registration, lambda user: Registration.email_key == func.lower(user.email))


def erase_registrations(db: Session, user: User, now: datetime, actor: User) -> None:
    """Their registrations lose name, e-mail and organisation (each its own placeholder, one per event)."""
    placeholder = literal("registration-") + cast(Registration.id, String) + literal(f"@{erasure.ERASED_DOMAIN}")
    db.execute(update(Registration).where(Registration.email_key == user.email.lower()).values(
        name=erasure.erased_name(user.id), organisation="", email=placeholder, email_key=placeholder))


# A registration's name is another person's: a homonym of the erased person keeps theirs.
erasure.register(erase_registrations, identity_columns=[Registration.name])
