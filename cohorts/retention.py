"""Retention: rejected applications and inactive alumni accounts are purged once their periods have passed.

The periods are settings (`TOTEM_RETENTION_REJECTED_APPLICATIONS_DAYS`,
`TOTEM_RETENTION_ALUMNI_DAYS`). An alumni account is a member's whose
start-ups' enrolments all ended before the period and who has not signed in
since: it is erased like any person (`totem.erasure`), its activity kept as
anonymous statistics.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

import cohorts.personal_data  # noqa: F401  (registers the cohorts' eraser)
from cohorts.programs.models import Enrolment
from cohorts.startups.enums import ApplicationStatus
from cohorts.startups.models import Application, ApplicationReview
from totem import audit, erasure
from totem.auth.models import ApiToken, AuthSession
from totem.erasure import Purged
from totem.identity.enums import Role
from totem.i18n import N_, said
from totem.identity.models import Membership, User, UserRole
from totem.identity.service import system_actor
from totem.notifications.models import OutboxMessage
from totem.settings import Settings, get_settings

log = logging.getLogger("cohorts.retention")
REJECTED_APPLICATION = "rejected application"
ALUMNI_ACCOUNT = "alumni account"


def list_expired_applications(db: Session, *, now: datetime, days: int) -> list[Application]:
    """Rejected applications decided more than `days` ago, oldest first."""
    return list(db.scalars(
        select(Application)
        .where(Application.status == ApplicationStatus.REJECTED, Application.decided_at < now - timedelta(days=days))
        .order_by(Application.decided_at, Application.id)
    ))


def list_inactive_alumni(db: Session, *, now: datetime, days: int) -> list[User]:
    """Members (and nothing more) whose start-ups were all enrolled, all ended over `days` ago, and who have
    not signed in since."""
    cutoff = now - timedelta(days=days)
    enrolments_of_user = (
        select(Enrolment.id).join(Membership, Membership.organisation_id == Enrolment.organisation_id)
        .where(Membership.user_id == User.id)
    )
    still_enrolled = enrolments_of_user.where(or_(Enrolment.ended_on.is_(None), Enrolment.ended_on >= cutoff.date()))
    other_role = select(UserRole.user_id).where(UserRole.user_id == User.id, UserRole.role != Role.MEMBER.value)
    signed_in = select(AuthSession.id).where(AuthSession.user_id == User.id, AuthSession.created_at >= cutoff)
    used_api = select(ApiToken.id).where(ApiToken.user_id == User.id,
                                         or_(ApiToken.created_at >= cutoff, ApiToken.last_used_at >= cutoff))
    return list(db.scalars(
        select(User)
        .where(User.created_at < cutoff, User.email.not_like(f"%@{erasure.ERASED_DOMAIN}"),
               exists(enrolments_of_user), ~exists(still_enrolled), ~exists(other_role),
               ~exists(signed_in), ~exists(used_api))
        .order_by(User.id)
    ))


def purge(db: Session, *, now: datetime, settings: Settings, dry_run: bool = False) -> list[Purged]:
    """Delete the expired rejected applications and erase the inactive alumni (or, in a dry run, list them)."""
    due = [
        (Purged(REJECTED_APPLICATION, application.id, f"{application.startup_name} ({application.founder_email}), "
                f"rejected {application.decided_at:%Y-%m-%d}"), lambda a=application: _delete_application(db, a, now))
        for application in list_expired_applications(db, now=now, days=settings.retention_rejected_applications_days)
    ] + [
        (Purged(ALUMNI_ACCOUNT, user.id, f"{user.name} <{user.email}>"),
         lambda u=user: erasure.erase_person(db, actor=system_actor(db, now=now), user=u, now=now))
        for user in list_inactive_alumni(db, now=now, days=settings.retention_alumni_days)
    ]
    if dry_run:
        return [item for item, _ in due]
    purged = []
    for item, purge_one in due:
        try:
            with db.begin_nested():  # one bad row does not sink the run
                purge_one()
        except Exception:
            log.exception("retention: could not purge %s #%s", item.kind, item.id)
            continue
        purged.append(item)
    return purged


def _delete_application(db: Session, application: Application, now: datetime) -> None:
    email, name, application_id = application.founder_email, application.founder_name, application.id
    db.execute(delete(ApplicationReview).where(ApplicationReview.application_id == application_id))
    db.execute(delete(Application).where(Application.id == application_id))
    still_known = db.scalar(select(func.count()).select_from(Application).where(Application.founder_email == email)) \
        or db.scalar(select(func.count()).select_from(User).where(User.email == email))
    if not still_known:
        # The decision mail and the audit line copied the address: they go with the application.
        db.execute(delete(OutboxMessage).where(OutboxMessage.to_address == email, OutboxMessage.user_id.is_(None)))
        erasure.scrub_text(db, email=email, new_email=f"deleted-application-{application_id}@{erasure.ERASED_DOMAIN}",
                           name=name, new_name=f"Deleted applicant #{application_id}")
    audit.record(db, actor=system_actor(db, now=now), action="application.purge", obj=application, now=now,
                 summary=said(N_("deleted rejected application #{id} (retention)"), id=application_id))


def _purge_for_cli(db: Session, now: datetime, dry_run: bool) -> list[Purged]:
    return purge(db, now=now, settings=get_settings(), dry_run=dry_run)


erasure.register_purge(_purge_for_cli)


def describe(purged: list[Purged]) -> str:
    """The job's summary: counts and ids only, never a name (the summary is stored)."""
    applications = [item.id for item in purged if item.kind == REJECTED_APPLICATION]
    accounts = [item.id for item in purged if item.kind == ALUMNI_ACCOUNT]
    if accounts:
        return said(N_("deleted {applications} rejected applications, erased {accounts} alumni accounts (users {ids})"),
                    applications=len(applications), accounts=len(accounts),
                    ids=", ".join(f"#{user_id}" for user_id in accounts))
    return said(N_("deleted {applications} rejected applications, erased {accounts} alumni accounts"),
                applications=len(applications), accounts=len(accounts))


