"""Enrolling start-ups in a cohort, with the space rights its program gives, and ending them when it is over.

Rights go through `spaces.venues.access` under the source key `cohort-<id>`: an access
grant for the cohort's dates with the monthly credits and kinds of space of the
cohort's phase (`phase_rights`), and the program's dedicated desks. The monthly
reset gives the credits of later months; the first month's come here, once,
when the phase the start-up first holds rights in has begun. At each later
phase change the grant takes the new phase's rights and this month's credits
are topped up (or taken back) by the difference.
"""
from datetime import date, datetime

from sqlalchemy.orm import Session

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from cohorts.programs import queries
from cohorts.programs.enums import EnrolmentStatus, Phase
from cohorts.programs.models import Cohort, Enrolment, Track
from cohorts.programs.phase_rights import Rights, has_selection_rights, phase_rights
from spaces.credits import service as credits
from spaces.venues import access
from spaces.venues.rules import local_time
from totem import audit
from totem.errors import Conflict, error_code
from totem.i18n import N_, said
from totem.identity.models import Organisation, User
from totem.permissions import require

# A start-up may join a cohort until it has run its course.
ENROLLING_PHASES = (Phase.DRAFT, Phase.APPLICATIONS_OPEN, Phase.SELECTION, Phase.RUNNING)
STARTED_PHASES = (Phase.RUNNING, Phase.DEMO_DAY)
PHASE_NOTE = "{cohort}: {phase}, {credits} credits a month"

CAPACITY_REACHED = error_code("capacity_reached", "The cohort is full: as many start-ups are enrolled as it takes.")


def source_key(cohort: Cohort) -> str:
    """The key of the rights the cohort gives, in `spaces`."""
    return f"cohort-{cohort.id}"


def today_at(cohort: Cohort, now: datetime) -> date:
    """The day it is at the program's venue."""
    return local_time(now, cohort.program.venue).date()


def enrol_startup(
    db: Session, *, actor: User, cohort: Cohort, organisation: Organisation, track: Track | None, now: datetime,
    application_id: int | None = None,
) -> Enrolment:
    """Enrol the start-up if the cohort has room, checked under the cohort's lock, and grant its space rights.

    `cohort` comes with its program, venue, managers and tracks loaded.
    """
    require(actor, "program.manage", cohort.program)
    # Concurrent enrolments into one cohort wait here for each other (SQLite: the write lock is already held).
    phase, capacity = queries.lock_cohort(db, cohort.id)
    if phase not in ENROLLING_PHASES:
        raise Conflict("This cohort no longer takes start-ups.")
    if queries.get_enrolment(db, cohort.id, organisation.id) is not None:
        raise Conflict("{startup} is already enrolled in this cohort.", startup=organisation.name)
    if queries.count_active_enrolments(db, cohort.id) >= capacity:
        raise Conflict("{cohort} is full: {capacity} start-ups are enrolled.", code=CAPACITY_REACHED,
                       cohort=cohort.name, capacity=capacity)
    today = today_at(cohort, now)
    enrolment = Enrolment(cohort_id=cohort.id, organisation_id=organisation.id, track_id=track.id if track else None,
                          application_id=application_id, status=EnrolmentStatus.ACTIVE, enrolled_on=today,
                          created_at=now)
    db.add(enrolment)
    db.flush()
    _grant_rights(db, actor=actor, cohort=cohort, enrolment=enrolment, now=now)
    if phase_rights(db, cohort.program, phase) is not None:
        give_first_credits(db, actor=actor, cohort=cohort, enrolment=enrolment, now=now)
    audit.record(db, actor=actor, action="cohort.enrol", obj=enrolment, now=now,
                 summary=said(N_("{startup} enrolled in {cohort}"), startup=organisation.name, cohort=cohort.name))
    return enrolment


def rights_start(cohort: Cohort, enrolment: Enrolment) -> date:
    """Desks (and, unless the program gives selection rights, the grant) begin with the cohort, or on the day of a
    late enrolment."""
    return max(cohort.starts_on, enrolment.enrolled_on)


def grant_start(db: Session, cohort: Cohort, enrolment: Enrolment) -> date:
    """The grant begins with the selection when the program gives rights in it, else with the cohort."""
    if has_selection_rights(db, cohort.program):
        return max(cohort.selection_on, enrolment.enrolled_on)
    return rights_start(cohort, enrolment)


def rights_at_enrolment(db: Session, cohort: Cohort) -> Rights:
    """The rights a new grant starts with: its phase's, or, before the rights begin, the first phase's that has
    any (the selection's if it is set, else the running phase's)."""
    phase = Phase(cohort.phase) if cohort.phase in (Phase.SELECTION, *STARTED_PHASES) else Phase.SELECTION
    rights = phase_rights(db, cohort.program, phase) or phase_rights(db, cohort.program, Phase.RUNNING)
    assert rights is not None  # the running phase always has rights: its setting, else the program's
    return rights


def _grant_rights(db: Session, *, actor: User, cohort: Cohort, enrolment: Enrolment, now: datetime) -> None:
    program = cohort.program
    rights = rights_at_enrolment(db, cohort)
    access.grant_access(db, actor=actor, organisation_id=enrolment.organisation_id, venue_id=program.venue_id,
                        starts_on=grant_start(db, cohort, enrolment), ends_on=cohort.ends_on, now=now,
                        space_kinds=rights.space_kinds, monthly_credits=rights.monthly_credits,
                        source_key=source_key(cohort), label=f"{program.name} — {cohort.name}",
                        operator_id=program.operator_id)
    first, last = rights_start(cohort, enrolment), cohort.ends_on
    if program.desks_per_startup:
        desks = _free_desks(db, venue_id=program.venue_id, first=first, last=last)
        if len(desks) < program.desks_per_startup:
            raise Conflict("Only {free} dedicated desks are free for the cohort's dates; the program gives {wanted}.",
                           free=len(desks), wanted=program.desks_per_startup)
        for space_id in desks[:program.desks_per_startup]:
            access.allocate_desk(db, actor=actor, space_id=space_id, organisation_id=enrolment.organisation_id,
                                 starts_on=first, ends_on=last, now=now, source_key=source_key(cohort))


def _free_desks(db: Session, *, venue_id: int, first: date, last: date) -> list[int]:
    """The venue's active dedicated desks allocated to nobody on any day of `[first, last]`, by floor and name."""
    taken = {a.space_id for a in access.list_allocations(db, venue_id=venue_id, on=first) if a.starts_on <= last}
    return [space_id for space_id in queries.list_dedicated_desk_ids(db, venue_id) if space_id not in taken]


def give_first_credits(db: Session, *, actor: User, cohort: Cohort, enrolment: Enrolment, now: datetime) -> bool:
    """Credit the first month's allowance once the cohort has started, unless a monthly reset already did.

    The reset of a month counts the grants that have begun by its first day:
    one that ran after the enrolment, for a month its rights had begun by,
    gave them; otherwise (rights beginning later in the month, or an
    enrolment after this month's reset) the first credits come here.
    """
    if enrolment.first_credits_at is not None or enrolment.status != EnrolmentStatus.ACTIVE:
        return False
    grant = access.find_grant(db, organisation_id=enrolment.organisation_id, source_key=source_key(cohort))
    if grant is None:
        return False
    enrolment.first_credits_at = now
    monthly = grant.monthly_credits
    period_start = queries.credit_period_start(db, enrolment.organisation_id)
    counted_by_reset = (period_start is not None and grant.starts_on <= period_start
                        and queries.has_allowance_since(db, enrolment.organisation_id, enrolment.created_at))
    if not monthly or counted_by_reset:
        db.flush()
        return False
    credits.adjust(db, actor=actor, organisation_id=enrolment.organisation_id, amount=monthly,
                   note=f"{cohort.name}: first month's credits", now=now)
    return True


def follow_phase(db: Session, *, actor: User, cohort: Cohort, enrolment: Enrolment, now: datetime) -> int:
    """Give the start-up the rights of the cohort's (new) phase; returns the credits added (negative: taken back).

    The grant takes the phase's credits and kinds of space. If this month's credits were given already, the
    difference is credited, or taken back as far as the balance goes (what was spent stays spent), so the month
    ends with what the new phase gives, as the monthly reset would; otherwise the first month's credits are given
    at the new rate. A grant that holds the phase's rights already moves nothing, so a second run does nothing.
    """
    rights = phase_rights(db, cohort.program, cohort.phase)
    grant = access.find_grant(db, organisation_id=enrolment.organisation_id, source_key=source_key(cohort))
    if rights is None or grant is None or enrolment.status != EnrolmentStatus.ACTIVE:
        return 0
    before = grant.monthly_credits
    # Selection rights set after the enrolment: the grant, made to begin with the cohort, now begins with them.
    starts_on = min(grant.starts_on, grant_start(db, cohort, enrolment))
    if (before, tuple(sorted(grant.space_kinds)), grant.starts_on) != (rights.monthly_credits, rights.space_kinds,
                                                                       starts_on):
        access.grant_access(db, actor=actor, organisation_id=enrolment.organisation_id, venue_id=grant.venue_id,
                            starts_on=starts_on, ends_on=grant.ends_on, now=now, space_kinds=rights.space_kinds,
                            monthly_credits=rights.monthly_credits, source_key=grant.source_key, label=grant.label,
                            operator_id=grant.operator_id)
    if enrolment.first_credits_at is None:
        given = give_first_credits(db, actor=actor, cohort=cohort, enrolment=enrolment, now=now)
        return rights.monthly_credits if given else 0
    difference = rights.monthly_credits - before
    if difference < 0:
        difference = -min(-difference, credits.balance_of(db, enrolment.organisation_id))
    if difference:
        credits.adjust(db, actor=actor, organisation_id=enrolment.organisation_id, amount=difference, now=now,
                       note=PHASE_NOTE.format(cohort=cohort.name, phase=cohort.phase,
                                              credits=rights.monthly_credits)[:credits.NOTE_MAX_LENGTH])
    return difference


def end_enrolments(db: Session, *, actor: User, cohort: Cohort, last_day: date, now: datetime) -> int:
    """End the space rights and desks of every start-up still enrolled after `last_day`; returns how many."""
    ended = 0
    for enrolment in queries.list_active_enrolments(db, cohort.id):
        access.end_access(db, actor=actor, organisation_id=enrolment.organisation_id, source_key=source_key(cohort),
                          last_day=last_day, now=now)
        enrolment.status, enrolment.ended_on = EnrolmentStatus.ENDED, last_day
        ended += 1
    db.flush()
    return ended
