"""E-mails to applicants and founders, in the language they applied in, queued in the caller's transaction.

An applicant has no account until accepted: their mails go to a `Recipient`,
which has what the outbox needs of a user (no id).
"""
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy.orm import Session

from cohorts.programs.models import Cohort
from cohorts.startups.models import Application
from totem.i18n import N_
from totem.identity.models import User
from totem.notifications.models import OutboxMessage
from totem.notifications.service import Recipient, queue_mail

RECEIVED_SUBJECT = N_("We received the application of {startup}")
ACCEPTED_SUBJECT = N_("{startup} is accepted into {cohort}")
WAITLISTED_SUBJECT = N_("{startup} is on the waiting list of {cohort}")
REJECTED_SUBJECT = N_("Your application to {cohort}")


def applicant(application: Application) -> Recipient:
    return Recipient(application.founder_email, application.founder_name, application.locale)


def long_date(day: date, locale: str) -> str:
    return format_date(day, format="long", locale=locale)


def _queue(db: Session, to: User | Recipient, subject: str, template: str, cohort: Cohort, application: Application,
           now: datetime, **extra: object) -> OutboxMessage:
    return queue_mail(
        db, to=to, subject=subject, template=f"cohorts/startups/emails/{template}", now=now,
        startup=application.startup_name, cohort=cohort.name, program=cohort.program.name,
        starts_on=long_date(cohort.starts_on, to.locale), **extra,
    )


def queue_application_received(db: Session, application: Application, cohort: Cohort, now: datetime) -> OutboxMessage:
    return _queue(db, applicant(application), RECEIVED_SUBJECT, "application_received", cohort, application, now,
                  selection_on=long_date(cohort.selection_on, application.locale))


def queue_accepted(db: Session, founder: User, application: Application, cohort: Cohort, now: datetime, *,
                   invited: bool) -> OutboxMessage:
    return _queue(db, founder, ACCEPTED_SUBJECT, "application_accepted", cohort, application, now, invited=invited)


def queue_waitlisted(db: Session, application: Application, cohort: Cohort, now: datetime) -> OutboxMessage:
    return _queue(db, applicant(application), WAITLISTED_SUBJECT, "application_waitlisted", cohort, application, now)


def queue_rejected(db: Session, application: Application, cohort: Cohort, now: datetime) -> OutboxMessage:
    return _queue(db, applicant(application), REJECTED_SUBJECT, "application_rejected", cohort, application, now)
