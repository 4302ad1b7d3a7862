"""Organisations signing themselves up on the public form, without an account, and the managers' decision.

A sign-up waits unlisted until a manager approves it; the person who sent it agreed to the listing (recorded
with the moment) and is told of the decision by e-mail. A few sign-ups per connection and ten minutes, counted
in the database so that every web process shares the count."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.territory import service
from cohorts.territory.enums import ActorStatus
from cohorts.territory.models import Actor
from totem.audit.service import record
from totem.errors import Conflict, Invalid, TooManyAttempts, error_code
from totem.i18n import N_, said
from totem.identity import service as identity
from totem.identity.models import User
from totem.notifications.service import Recipient, queue_mail
from totem.permissions import require
from totem.text import bounded
from totem.throttle import service as throttle

LISTING_CONSENT = error_code("listing_consent_required", "Signing an organisation up needs the consent to list it.")
NOT_PENDING = error_code("sign_up_decided", "The sign-up was approved or declined already.")
SIGN_UPS_PER_WINDOW = 5
SIGN_UP_WINDOW = timedelta(minutes=10)
RECEIVED_SUBJECT = N_("{organisation} is signed up to the directory")
APPROVED_SUBJECT = N_("{organisation} is in the directory")
DECLINED_SUBJECT = N_("{organisation} is not in the directory")


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    locale: str
    consent: bool


def sign_up(db: Session, *, description: service.ActorDescription, applicant: Applicant, client: str,
            now: datetime, acknowledge: bool = True) -> Actor:
    """A pending organisation, listed once approved; the applicant gets an acknowledgement (the demo's don't)."""
    seconds = throttle.seconds_to_wait(db, bucket="directory.sign_up", key=client, limit=SIGN_UPS_PER_WINDOW,
                                       window=SIGN_UP_WINDOW, now=now)
    if seconds:
        raise TooManyAttempts("Too many sign-ups were sent from your connection. Try again in {minutes} min.",
                              retry_after_seconds=seconds, minutes=-(-seconds // 60))
    name = bounded(applicant.name, field="applicant_name", longest=service.NAME_MAX)
    if not name:
        raise Invalid("Enter your name.", field="applicant_name")
    email = identity.normalize_email(applicant.email)
    if not applicant.consent:
        raise Invalid("Tick the box to agree to the listing.", field="consent", code=LISTING_CONSENT)
    created = Actor(created_at=now, status=ActorStatus.PENDING)
    checked = service.check(db, created, description, name_taken=service.name_taken(db, created))
    created.slug = service.free_slug(db, checked.name or "")
    created.applicant_name, created.applicant_email = name, email
    created.applicant_locale = applicant.locale if applicant.locale in ("fr", "en") else "fr"
    service.apply(db, created, checked, by=None, now=now, fresh=True)
    created.listed, created.listing_consent_at = True, now
    throttle.record(db, bucket="directory.sign_up", key=client, window=SIGN_UP_WINDOW, now=now)
    record(db, actor=None, action="actor.sign_up", obj=created,
           summary=said(N_("{name} signed up to the directory by {email}"), name=checked.name, email=email), now=now)
    if acknowledge:
        _tell(db, created, RECEIVED_SUBJECT, "received", now)
    return created


def pending(db: Session, *, actor: User) -> list[Actor]:
    """The sign-ups waiting for a manager, oldest first."""
    require(actor, "territory.manage")
    return list(db.scalars(select(Actor).where(Actor.status == ActorStatus.PENDING).options(*service.LOADED)
                           .order_by(Actor.created_at, Actor.id)))


def decide(db: Session, *, actor: User, actor_id: int, approve: bool, now: datetime) -> Actor:
    """Approve (the organisation enters the directory) or decline a sign-up; its applicant is told."""
    require(actor, "territory.manage")
    # The row locked first, so that two managers deciding at once decide once.
    if db.scalar(select(Actor.id).where(Actor.id == actor_id).with_for_update()) is None:
        raise service.not_found()
    target = service.get_actor(db, actor_id)
    if target.status != ActorStatus.PENDING:
        raise Conflict("{name} was approved or declined already.", code=NOT_PENDING, name=target.display_name)
    target.status = ActorStatus.APPROVED if approve else ActorStatus.DECLINED
    target.updated_at = now
    record(db, actor=actor, action="actor.approve" if approve else "actor.decline", obj=target, now=now,
           summary=said(N_("{name} approved for the directory") if approve else N_("{name} declined"),
                        name=target.display_name))
    _tell(db, target, APPROVED_SUBJECT if approve else DECLINED_SUBJECT, "approved" if approve else "declined",
          now)
    return target


def _tell(db: Session, target: Actor, subject: str, template: str, now: datetime) -> None:
    if target.applicant_email:
        queue_mail(db, to=Recipient(target.applicant_email, target.applicant_name, target.applicant_locale),
                   subject=subject, template=f"cohorts/territory/emails/{template}", now=now, organisation=target.name,
                   page_url=service.page_url(target))
