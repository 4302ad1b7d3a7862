"""What the directory holds about a person: the listings they consented to (an organisation's record, kept when
they are erased, as their erased account still names who consented), and the sign-ups they sent without an
account (their name and e-mail, blanked when they are erased)."""
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from cohorts.territory.models import Actor
from totem import erasure
from totem.identity.models import User
from totem.personal_data import register

register("directory_listing_consents", Actor, lambda user: Actor.listing_consent_by_id == user.id)
register("directory_sign_ups", Actor, lambda user: Actor.applicant_email == user.email)


def erase_sign_ups(db: Session, user: User, now: datetime, actor: User) -> None:
    db.execute(update(Actor).where(Actor.applicant_email == user.email)
               .values(applicant_name=erasure.erased_name(user.id), applicant_email=None))


erasure.register(erase_sign_ups)
