"""Reading applications and their reviews, start-ups' profiles, members, credits and bookings."""
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from cohorts.programs.models import Cohort, Program
from cohorts.programs.queries import running_options
from cohorts.startups.models import Application, ApplicationReview, StartupProfile
from spaces.booking.models import Booking
from spaces.credits.models import CreditAccount
from spaces.venues.models import Floor, Space
from totem.identity.models import Membership, User


def count_applications_by_status(db: Session, cohort_id: int) -> dict[str, int]:
    return dict(db.execute(select(Application.status, func.count()).where(Application.cohort_id == cohort_id)
                           .group_by(Application.status)).tuples().all())


def list_applications(db: Session, *, cohort_id: int, statuses: Iterable[str] | None = None) -> list[Application]:
    """The cohort's applications, oldest first, with their track and reviews."""
    query = (select(Application).where(Application.cohort_id == cohort_id)
             .options(joinedload(Application.track), selectinload(Application.reviews)))
    if statuses is not None:
        query = query.where(Application.status.in_(list(statuses)))
    return list(db.scalars(query.order_by(Application.created_at, Application.id)))


def get_application(db: Session, application_id: int, *, lock: bool = False) -> Application | None:
    """The application with its cohort, program, track and reviews; `lock` serialises its decision."""
    query = select(Application).where(Application.id == application_id).options(
        joinedload(Application.cohort).joinedload(Cohort.program).joinedload(Program.venue),
        *running_options(joinedload(Application.cohort).joinedload(Cohort.program)),
        joinedload(Application.cohort).joinedload(Cohort.program).selectinload(Program.tracks),
        joinedload(Application.track), selectinload(Application.reviews),
    ).execution_options(populate_existing=True)  # its reviews as they are now, after a review was added
    if lock:
        query = query.with_for_update(of=Application)
    return db.scalar(query)


def has_applied(db: Session, cohort_id: int, email: str) -> bool:
    return db.scalar(select(Application.id).where(Application.cohort_id == cohort_id,
                                                  Application.founder_email == email)) is not None


def get_review(db: Session, application_id: int, reviewer_id: int) -> ApplicationReview | None:
    return db.scalar(select(ApplicationReview).where(ApplicationReview.application_id == application_id,
                                                     ApplicationReview.reviewer_id == reviewer_id))


def profiles_of(db: Session, organisation_ids: Iterable[int]) -> dict[int, StartupProfile]:
    ids = list(organisation_ids)
    if not ids:
        return {}
    return {p.organisation_id: p for p in db.scalars(select(StartupProfile)
                                                     .where(StartupProfile.organisation_id.in_(ids)))}


def list_members(db: Session, organisation_id: int) -> list[User]:
    return list(db.scalars(select(User).join(Membership, Membership.user_id == User.id)
                           .where(Membership.organisation_id == organisation_id).order_by(User.name)))


def members_count(db: Session, organisation_ids: Iterable[int]) -> dict[int, int]:
    return dict(db.execute(select(Membership.organisation_id, func.count()).where(
        Membership.organisation_id.in_(list(organisation_ids))).group_by(Membership.organisation_id)).tuples().all())


def credit_balances(db: Session, organisation_ids: Iterable[int]) -> dict[int, int]:
    ids = list(organisation_ids)
    if not ids:
        return {}
    return dict(db.execute(select(CreditAccount.organisation_id, CreditAccount.balance)
                           .where(CreditAccount.organisation_id.in_(ids))).tuples().all())


def list_startup_bookings(db: Session, organisation_id: int, *, since: datetime, limit: int = 8) -> list[Booking]:
    """The start-up's bookings from `since`, by start, with their space."""
    return list(db.scalars(select(Booking).where(Booking.organisation_id == organisation_id, Booking.starts_at >= since)
                           .options(joinedload(Booking.space).joinedload(Space.floor).joinedload(Floor.venue))
                           .order_by(Booking.starts_at).limit(limit)))


def count_startup_bookings(db: Session, organisation_id: int, *, since: datetime, until: datetime) -> int:
    return db.scalar(select(func.count()).select_from(Booking).where(
        Booking.organisation_id == organisation_id, Booking.starts_at >= since, Booking.starts_at < until)) or 0


