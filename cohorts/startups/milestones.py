"""Milestones: what managers set per track, due some days after the cohort's start, and where each start-up is."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from cohorts.programs import queries as program_queries
from cohorts.programs.enums import EnrolmentStatus, Phase
from cohorts.programs.models import Cohort, Enrolment, Track
from cohorts.startups import kpis, queries
from cohorts.startups import service as startups
from cohorts.startups.enums import MilestoneStatus
from cohorts.startups.models import Milestone, MilestoneProgress
from spaces.venues.rules import local_time
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import User
from totem.notifications.service import queue_mail
from totem.permissions import is_staff, require
from totem.text import bounded

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
REMIND_DAYS_BEFORE = 7
COHORTS_AT_WORK = (Phase.RUNNING, Phase.DEMO_DAY)
DUE_SUBJECT = N_("{milestone} is due on {day}")
OVERDUE_SUBJECT = N_("{milestone} is overdue")
NOTE_MAX = 500

MILESTONE_HAS_PROGRESS = error_code(
    "milestone_has_progress", "Start-ups have recorded progress on the milestone: it is kept for the reports.")
# The audit log's words for a milestone's progress (the same as the progress page's).
PROGRESS_WORDS = {MilestoneStatus.TODO: N_("To do"), MilestoneStatus.IN_PROGRESS: N_("In progress"),
                  MilestoneStatus.DONE: N_("Done")}


@dataclass(frozen=True)
class StartupMilestone:
    """A milestone as one start-up sees it: its due day (a day of the venue) and its progress."""

    milestone: Milestone
    enrolment: Enrolment
    due_on: date
    status: str
    note: str


def due_on(enrolment: Enrolment, milestone: Milestone) -> date:
    """The cohort's start is a day of the venue, so the due day is one too."""
    return enrolment.cohort.starts_on + timedelta(days=milestone.due_offset_days)


def get_managed_track(db: Session, *, actor: User, track_id: int) -> Track:
    """The track if the actor runs its program; NotFound for members, Forbidden for other programs' managers."""
    track = program_queries.get_track(db, track_id)
    if track is None or not is_staff(actor):
        raise NotFound("No such track.")
    require(actor, "program.manage", track.program)
    return track


def list_milestones(db: Session, track_id: int) -> list[Milestone]:
    return list(db.scalars(select(Milestone).where(Milestone.track_id == track_id)
                           .order_by(Milestone.due_offset_days, Milestone.title)))


def get_managed_milestone(db: Session, *, actor: User, milestone_id: int) -> Milestone:
    """The milestone if the actor runs its track's program; NotFound for members, Forbidden for other managers."""
    milestone = db.get(Milestone, milestone_id)
    if milestone is None or not is_staff(actor):
        raise NotFound("No such milestone.")
    get_managed_track(db, actor=actor, track_id=milestone.track_id)
    return milestone


def _checked_title(db: Session, track_id: int, title: str, due_offset_days: int, *,
                   excluding: int | None = None) -> str:
    title = title.strip()
    if not title:
        raise Invalid("Enter the milestone's title.", field="title")
    if len(title) > TITLE_MAX:
        raise Invalid("Keep the title under {length} characters.", field="title", code=VALUE_OUT_OF_RANGE,
                      length=TITLE_MAX + 1)
    if due_offset_days < 0:
        raise Invalid("The due day cannot be before the cohort's start.", field="due_offset_days")
    if any(m.title.lower() == title.lower() and m.id != excluding for m in list_milestones(db, track_id)):
        raise Conflict("The track already has a milestone called {title}.", field="title", title=title)
    return title


def create_milestone(db: Session, *, actor: User, track_id: int, title: str, description: str,
                     due_offset_days: int, now: datetime) -> Milestone:
    """Managers of the track's program: a new milestone, due that many days after each cohort's start."""
    track = get_managed_track(db, actor=actor, track_id=track_id)
    title = _checked_title(db, track.id, title, due_offset_days)
    description = bounded(description, field="description", longest=DESCRIPTION_MAX)
    milestone = Milestone(track_id=track.id, title=title, description=description,
                          due_offset_days=due_offset_days, created_at=now)
    db.add(milestone)
    db.flush()
    audit.record(db, actor=actor, action="milestone.create", obj=milestone, now=now,
                 summary=said(N_("{milestone} in {track}"), milestone=title, track=track.name))
    return milestone


def update_milestone(db: Session, *, actor: User, milestone_id: int, title: str, description: str,
                     due_offset_days: int, now: datetime) -> Milestone:
    """Managers of the program: change a milestone's title, description or due day.

    A new due day is a new date to remind of: the reminder and the overdue
    notice of start-ups that have not finished it go again when it comes.
    """
    milestone = get_managed_milestone(db, actor=actor, milestone_id=milestone_id)
    title = _checked_title(db, milestone.track_id, title, due_offset_days, excluding=milestone.id)
    description = bounded(description, field="description", longest=DESCRIPTION_MAX)
    if due_offset_days != milestone.due_offset_days:
        for row in db.scalars(select(MilestoneProgress).where(MilestoneProgress.milestone_id == milestone.id,
                                                              MilestoneProgress.status != MilestoneStatus.DONE)):
            row.reminder_sent_at = row.overdue_notified_at = None
    before = milestone.title
    milestone.title, milestone.description, milestone.due_offset_days = title, description, due_offset_days
    db.flush()
    audit.record(db, actor=actor, action="milestone.update", obj=milestone, now=now,
                 summary=said(N_("{before} → {milestone}, day {day} of the cohort"), before=before, milestone=title,
                              day=due_offset_days))
    return milestone


def count_recorded_progress(db: Session, milestone_ids: list[int]) -> dict[int, int]:
    """Per milestone, the start-ups that said where they stand on it (begun, done or a note), not the jobs' rows."""
    if not milestone_ids:
        return {}
    rows = db.execute(select(MilestoneProgress.milestone_id, func.count()).where(
        MilestoneProgress.milestone_id.in_(milestone_ids),
        or_(MilestoneProgress.status != MilestoneStatus.TODO, MilestoneProgress.note != ""),
    ).group_by(MilestoneProgress.milestone_id))
    return {milestone_id: count for milestone_id, count in rows}


def delete_milestone(db: Session, *, actor: User, milestone_id: int, now: datetime) -> Milestone:
    """Managers of the program: remove a milestone no start-up has reported progress on.

    Start-ups' progress is what the program reports to its funders, so it is
    never deleted in passing: once a start-up has recorded some, the milestone
    is kept (a Conflict) and may still be renamed or moved.
    """
    milestone = get_managed_milestone(db, actor=actor, milestone_id=milestone_id)
    recorded = count_recorded_progress(db, [milestone.id]).get(milestone.id, 0)
    if recorded:
        raise Conflict("Start-ups have recorded progress on {title}: it is kept for the program's reports. "
                       "Change its title or due day instead.", code=MILESTONE_HAS_PROGRESS, title=milestone.title)
    # Only the jobs' reminder records are left; removed here rather than trusting every database's cascade.
    db.execute(delete(MilestoneProgress).where(MilestoneProgress.milestone_id == milestone.id))
    db.delete(milestone)
    db.flush()
    audit.record(db, actor=actor, action="milestone.delete", obj=milestone, now=now,
                 summary=said(N_("removed {milestone}"), milestone=milestone.title))
    return milestone


def _current_enrolment(startup: startups.Startup) -> Enrolment | None:
    enrolment = startup.current
    return enrolment if enrolment is not None and enrolment.track_id is not None else None


def startup_milestones(db: Session, *, actor: User, organisation_id: int) -> list[StartupMilestone]:
    """The milestones of the start-up's current track, by due day; NotFound for members of other start-ups."""
    startup = startups.get_followed_startup(db, actor=actor, organisation_id=organisation_id)
    enrolment = _current_enrolment(startup)
    return _of_enrolments(db, [enrolment] if enrolment else [])


def _of_enrolments(db: Session, enrolments: list[Enrolment]) -> list[StartupMilestone]:
    track_ids = {e.track_id for e in enrolments if e.track_id is not None}
    if not track_ids:
        return []
    milestones = list(db.scalars(select(Milestone).where(Milestone.track_id.in_(track_ids))
                                 .order_by(Milestone.due_offset_days, Milestone.title)))
    rows = db.scalars(select(MilestoneProgress).where(
        MilestoneProgress.enrolment_id.in_([e.id for e in enrolments])))
    progress = {(p.milestone_id, p.enrolment_id): p for p in rows}
    found = []
    for enrolment in enrolments:
        for milestone in milestones:
            if milestone.track_id == enrolment.track_id:
                row = progress.get((milestone.id, enrolment.id))
                found.append(StartupMilestone(milestone, enrolment, due_on(enrolment, milestone),
                                              row.status if row else MilestoneStatus.TODO, row.note if row else ""))
    return found


@dataclass(frozen=True)
class Summary:
    """A start-up's milestones at a glance, for its page."""

    done: int
    total: int
    overdue: int
    next: StartupMilestone | None  # the first not done, by due day


def summarise(items: list[StartupMilestone], now: datetime) -> Summary:
    """Overdue counts in the venue's days: a milestone due on the 10th is overdue from the 11th."""
    if not items:
        return Summary(0, 0, 0, None)
    today = local_time(now, items[0].enrolment.cohort.program.venue).date()
    open_items = [item for item in items if item.status != MilestoneStatus.DONE]
    return Summary(len(items) - len(open_items), len(items), sum(item.due_on < today for item in open_items),
                   open_items[0] if open_items else None)


def cohort_milestones(db: Session, cohort_id: int) -> list[StartupMilestone]:
    """Every active start-up's milestones in the cohort (for the board and the jobs)."""
    return _of_enrolments(db, program_queries.list_enrolments(db, cohort_id=cohort_id, status=EnrolmentStatus.ACTIVE))


def update_progress(db: Session, *, actor: User, organisation_id: int, milestone_id: int, status: str, note: str,
                    now: datetime) -> StartupMilestone:
    """The start-up's members (and staff) say where it stands; NotFound for another start-up's milestone."""
    mine = {m.milestone.id: m for m in startup_milestones(db, actor=actor, organisation_id=organisation_id)}
    current = mine.get(milestone_id)
    if current is None:
        raise NotFound("No such milestone.")
    if status not in {s.value for s in MilestoneStatus}:
        raise Invalid("Choose a status.", field="status")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid("Keep the note under {length} characters.", field="note", code=VALUE_OUT_OF_RANGE,
                      length=NOTE_MAX + 1)
    row = db.scalar(select(MilestoneProgress).where(MilestoneProgress.milestone_id == milestone_id,
                                                    MilestoneProgress.enrolment_id == current.enrolment.id))
    if row is None:
        row = MilestoneProgress(milestone_id=milestone_id, enrolment_id=current.enrolment.id)
        db.add(row)
    row.status, row.note, row.updated_at, row.updated_by = status, note, now, actor.id
    db.flush()
    audit.record(db, actor=actor, action="milestone.progress", obj=row, now=now,
                 summary=said(N_("{milestone}: {status}"), milestone=current.milestone.title,
                              status=[PROGRESS_WORDS[MilestoneStatus(status)]]))
    return StartupMilestone(current.milestone, current.enrolment, current.due_on, status, note)


@dataclass(frozen=True)
class Sent:
    reminders: int
    overdue: int


def send_reminders(db: Session, *, now: datetime) -> Sent:
    """Remind each start-up of a milestone due within a week, and flag it once overdue; each mail goes once.

    Days are the venue's: a milestone due on the 10th is overdue from the 11th.
    """
    reminders = overdue = 0
    for cohort in program_queries.list_cohorts(db, phases=COHORTS_AT_WORK):
        today = local_time(now, cohort.program.venue).date()
        for item in cohort_milestones(db, cohort.id):
            if item.status == MilestoneStatus.DONE or today < item.due_on - timedelta(days=REMIND_DAYS_BEFORE):
                continue
            row = _progress_row(db, item, now)
            if today > item.due_on and row.overdue_notified_at is None:
                row.overdue_notified_at = now
                overdue += _mail_members(db, item, OVERDUE_SUBJECT, "milestone_overdue", now)
            elif today <= item.due_on and row.reminder_sent_at is None:
                row.reminder_sent_at = now
                reminders += _mail_members(db, item, DUE_SUBJECT, "milestone_due", now)
    db.flush()
    return Sent(reminders, overdue)


def _progress_row(db: Session, item: StartupMilestone, now: datetime) -> MilestoneProgress:
    """The row the job records its mails in; made (still to do) when the start-up has not touched the milestone."""
    row = db.scalar(select(MilestoneProgress).where(MilestoneProgress.milestone_id == item.milestone.id,
                                                    MilestoneProgress.enrolment_id == item.enrolment.id))
    if row is None:
        row = MilestoneProgress(milestone_id=item.milestone.id, enrolment_id=item.enrolment.id,
                                status=MilestoneStatus.TODO, note="", updated_at=now)
        db.add(row)
    return row


def _mail_members(db: Session, item: StartupMilestone, subject: str, template: str, now: datetime) -> int:
    members = queries.list_members(db, item.enrolment.organisation_id)
    for member in members:
        queue_mail(db, to=member, subject=subject, template=f"cohorts/startups/emails/{template}", now=now,
                   milestone=item.milestone.title, day=format_date(item.due_on, format="long", locale=member.locale),
                   link=f"/startups/{item.enrolment.organisation_id}/milestones")
    return len(members)


DEMO_MILESTONES = (
    ("Entretiens clients", "Vingt entretiens avec des clients potentiels.", 14),
    ("Prototype testé", "Un prototype entre les mains de trois utilisateurs.", 45),
    ("Premier client payant", "Une première facture émise.", 90),
    ("Pitch du demo day", "Le pitch répété devant l'équipe du programme.", 140),
)


def load_demo(db: Session, *, manager: User, cohort: Cohort, now: datetime) -> None:
    """The same milestones on every track of the cohort's program, progress that follows their due days, and
    three months of KPIs per start-up: derived from the roster's order, never random; once."""
    track_ids = [track.id for track in cohort.program.tracks]
    if db.scalar(select(Milestone.id).where(Milestone.track_id.in_(track_ids)).limit(1)) is not None:
        return
    for track_id in track_ids:
        for title, description, offset in DEMO_MILESTONES:
            create_milestone(db, actor=manager, track_id=track_id, title=title, description=description,
                             due_offset_days=offset, now=now)
    today = local_time(now, cohort.program.venue).date()
    for n, enrolment in enumerate(program_queries.list_enrolments(db, cohort_id=cohort.id)):
        for item in _of_enrolments(db, [enrolment]):
            late = item.due_on < today
            status = (MilestoneStatus.DONE if late and n % 4 else MilestoneStatus.IN_PROGRESS if late or n % 2
                      else MilestoneStatus.TODO)
            if status != MilestoneStatus.TODO:
                db.add(MilestoneProgress(milestone_id=item.milestone.id, enrolment_id=enrolment.id, status=status,
                                         note="", updated_at=now, updated_by=manager.id))
        month = kpis.previous_month(today)
        for back in range(3):
            if back == 0 and n % 5 == 4:  # a few start-ups are late with last month's figures
                month = kpis.previous_month(month)
                continue
            kpis.save_report(db, actor=manager, organisation_id=enrolment.organisation_id, now=now,
                             figures=kpis.Figures(month, headcount=2 + n % 5 + (2 - back) // 2,
                                                  revenue_eur=(n % 6 + 1) * 1200 * (3 - back),
                                                  funds_raised_eur=150_000 if n % 7 == 3 and back == 1 else 0,
                                                  customers=n % 8 + 2 - back))
            month = kpis.previous_month(month)
    db.flush()
