"""The speed-meeting day's pages: the managers' plan with its timetable grid (build, pin, remove, swap, publish),
the printable timetables, and the preferences page where a start-up ranks mentors and a mentor start-ups."""
from collections import defaultdict
from datetime import date, time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from cohorts.programs.labels import SOLVER_STATUS_LABELS
from cohorts.speed_meeting import plans, preferences, publishing, timetable
from spaces.venues.forms import calendar_day, clock_time, whole
from spaces.venues.models import Venue
from totem import clock
from totem.errors import DomainError, Invalid, NotFound
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.permissions import is_staff, member_organisation_ids
from totem.web.context import check_csrf, get_db, require_user
from totem.web.forms import posted, requiring, save
from totem.web.pages import form_error, render


router = APIRouter(dependencies=[Depends(check_csrf)])
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages
PLAN_FIELDS = ("day_1", "day_2", "day_3", "slot_minutes", "changeover_minutes", "starts_at", "ends_at")
PRINT_BY = {"startup": N_("Timetable per start-up"), "mentor": N_("Timetable per mentor"),
            "room": N_("Timetable per room")}


def _base(cohort_id: int) -> str:
    return f"/admin/cohorts/{cohort_id}/speed-meeting"


# -- the plan page --------------------------------------------------------------------------------


def _plan_values(details: plans.Plan | None) -> dict[str, Any]:
    if details is None:
        return {"day_1": "", "day_2": "", "day_3": "", "slot_minutes": "20", "changeover_minutes": "5",
                "starts_at": "09:00", "ends_at": "17:00", "room_ids": []}
    plan = details.plan
    days = [day.isoformat() for day in details.days] + ["", "", ""]
    return {"day_1": days[0], "day_2": days[1], "day_3": days[2], "slot_minutes": str(plan.slot_minutes),
            "changeover_minutes": str(plan.changeover_minutes), "starts_at": f"{plan.starts_at:%H:%M}",
            "ends_at": f"{plan.ends_at:%H:%M}", "room_ids": [str(room_id) for room_id in plan.room_ids]}


def _grid(details: plans.Plan) -> list[dict[str, Any]]:
    """Per day, its slots as rows and the plan's rooms as columns; a cell holds a meeting or nothing."""
    cells = {(row.day, row.meeting.slot, row.meeting.room_id): row for row in timetable.rows(details)}
    return [{"day": day, "slots": [{"start": start, "end": end,
                                    "cells": [cells.get((day, slot, room.id)) for room in details.rooms]}
                                   for slot, start, end in timetable.slot_times(details)]}
            for day in details.days]


def _preference_lists(details: plans.Plan) -> dict[str, dict[int, list[tuple[str, bool]]]]:
    """Each ranker's choices in order, (name, must meet), for the summary tables."""
    lists: dict[str, dict[int, list[tuple[str, bool]]]] = {"startup": defaultdict(list), "mentor": defaultdict(list)}
    ordered = sorted(details.preferences, key=lambda p: (p.rank is None, p.rank or 0))
    for p in ordered:
        if p.side == "startup":
            lists["startup"][p.organisation_id].append((details.mentors.get(p.mentor_id, ""), p.must_meet))
        else:
            lists["mentor"][p.mentor_id].append((details.startups.get(p.organisation_id, ""), p.must_meet))
    return lists


def _page(request: Request, db: Session, actor: User, cohort_id: int, values: dict[str, Any] | None = None,
          error: DomainError | None = None) -> Response:
    cohort = plans.managed_cohort(db, actor=actor, cohort_id=cohort_id)
    details = plans.load(db, cohort)
    venue = details.venue if details else db.get_one(Venue, cohort.program.venue_id)
    locale = actor.locale
    context: dict[str, Any] = {
        "cohort": cohort, "details": details, "base": _base(cohort.id),
        "values": values or _plan_values(details),
        "rooms": plans.venue_rooms(db, venue),
        "all_mentors": plans.venue_mentors(db, venue),
        "startup_count": len(plans.startup_names(db, cohort.id)), "solver_labels": SOLVER_STATUS_LABELS,
    }
    if details is not None:
        rows = timetable.rows(details)
        context |= {
            "grid": _grid(details), "rows": rows, "preferences": _preference_lists(details),
            "problems": [translate(locale, timetable.problem_message(p), **p["params"])
                         for p in details.plan.problems],
            "draft": details.plan.status == "draft",
            "per_startup": {s: sum(1 for row in rows if row.meeting.organisation_id == s) for s in details.startups},
        }
    if error is not None:
        return form_error(request, "cohorts/speed_meeting/speed_meeting.html", error, context)
    return render(request, "cohorts/speed_meeting/speed_meeting.html", context)


@router.get("/admin/cohorts/{cohort_id}/speed-meeting", name="cohorts.speed_meeting")
def speed_meeting_page(request: Request, cohort_id: int, actor: User = Depends(staff),
                       db: Session = Depends(get_db)) -> Response:
    """Managers: the cohort's speed-meeting day, its timetable and what the solver proved."""
    return _page(request, db, actor, cohort_id)


def _plan_data(form: FormData) -> plans.PlanData:
    days = [calendar_day(str(form.get(name, "")), "days") for name in ("day_1", "day_2", "day_3")
            if str(form.get(name, "")).strip()]
    rooms = [whole(value, "room_ids") for value in form.getlist("room_ids")]
    return plans.PlanData(
        days=days, slot_minutes=whole(str(form.get("slot_minutes", "")), "slot_minutes"),
        changeover_minutes=whole(str(form.get("changeover_minutes", "")), "changeover_minutes"),
        starts_at=clock_time(str(form.get("starts_at", "")), "starts_at"),
        ends_at=clock_time(str(form.get("ends_at", "")), "ends_at"), room_ids=rooms or None)


@router.post("/admin/cohorts/{cohort_id}/speed-meeting", name="cohorts.save_speed_meeting")
def save_plan(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
              db: Session = Depends(get_db)) -> Response:
    """Create or change the days, slot length, change-over, hours and rooms."""
    values = {name: str(form.get(name, "")) for name in PLAN_FIELDS} | {"room_ids": form.getlist("room_ids")}
    return save(request, db,
                lambda: plans.save_plan(db, actor=actor, cohort_id=cohort_id, data=_plan_data(form),
                                                 now=clock.now()),
                lambda plan: (_base(cohort_id), N_("Speed-meeting day saved."), {}),
                lambda error: _page(request, db, actor, cohort_id, values, error))


def _action(request: Request, db: Session, actor: User, cohort_id: int, change, message: str,
            params=lambda result: {}) -> Response:
    return save(request, db, change, lambda result: (_base(cohort_id), message, params(result)),
                lambda error: _page(request, db, actor, cohort_id, error=error))


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/mentors", name="cohorts.speed_meeting_mentors")
def set_mentors(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
                db: Session = Depends(get_db)) -> Response:
    """The mentors taking part, with their office hours on those days by default."""
    return _action(request, db, actor, cohort_id, lambda: plans.set_mentors(
        db, actor=actor, cohort_id=cohort_id, mentor_ids=[whole(v, "mentor_ids") for v in form.getlist("mentor_ids")],
        now=clock.now()), N_("Mentors saved."))


def _hours(form: FormData, mentor_id: int, days: list[date]) -> dict[date, tuple[time, time] | None]:
    hours: dict[date, tuple[time, time] | None] = {}
    for day in days:
        start = str(form.get(f"from-{mentor_id}-{day.isoformat()}", "")).strip()
        end = str(form.get(f"until-{mentor_id}-{day.isoformat()}", "")).strip()
        hours[day] = (clock_time(start, "hours"), clock_time(end, "hours")) if start and end else None
    return hours


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/hours", name="cohorts.speed_meeting_hours")
def set_hours(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
              db: Session = Depends(get_db)) -> Response:
    """Every mentor's hours on each day; blank: not there that day."""
    def change() -> None:
        details = plans.load(db, plans.managed_cohort(db, actor=actor, cohort_id=cohort_id))
        if details is None:
            raise NotFound("This cohort has no speed-meeting day yet.")
        for mentor_id in details.mentors:
            plans.set_hours(db, actor=actor, cohort_id=cohort_id, mentor_id=mentor_id,
                            hours=_hours(form, mentor_id, details.days), now=clock.now())
    return _action(request, db, actor, cohort_id, change, N_("Hours saved."))


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/solve", name="cohorts.solve_speed_meeting")
def solve(request: Request, cohort_id: int, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Build the timetable, around the pinned meetings and without the removed pairs."""
    return _action(request, db, actor, cohort_id,
                   lambda: timetable.solve(db, actor=actor, cohort_id=cohort_id, now=clock.now()),
                   N_("Timetable built: {count} meetings."),
                   lambda plan: {"count": len(plans.load(
                       db, plans.managed_cohort(db, actor=actor, cohort_id=cohort_id)).meetings)})


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/meetings/{meeting_id}/pin",
             name="cohorts.pin_speed_meeting")
def pin(request: Request, cohort_id: int, meeting_id: int, form: FormData = Depends(posted),
        actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Pin or unpin a meeting: pinned, it keeps its slot and room when solving again."""
    pinned = str(form.get("pinned", "1")) == "1"
    return _action(request, db, actor, cohort_id, lambda: timetable.pin_meeting(
        db, actor=actor, cohort_id=cohort_id, meeting_id=meeting_id, pinned=pinned, now=clock.now()),
        N_("Meeting pinned.") if pinned else N_("Meeting unpinned."))


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/meetings/{meeting_id}/remove",
             name="cohorts.remove_speed_meeting")
def remove(request: Request, cohort_id: int, meeting_id: int, actor: User = Depends(staff),
           db: Session = Depends(get_db)) -> Response:
    """Take a meeting out; the pair will not meet when solving again."""
    return _action(request, db, actor, cohort_id, lambda: timetable.remove_meeting(
        db, actor=actor, cohort_id=cohort_id, meeting_id=meeting_id, now=clock.now()), N_("Meeting removed."))


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/restore", name="cohorts.restore_speed_meeting_pair")
def restore(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
            db: Session = Depends(get_db)) -> Response:
    """Let a removed pair meet again at the next solve."""
    return _action(request, db, actor, cohort_id, lambda: timetable.restore_pair(
        db, actor=actor, cohort_id=cohort_id, organisation_id=whole(str(form.get("organisation_id", "")), "pair"),
        mentor_id=whole(str(form.get("mentor_id", "")), "pair"), now=clock.now()), N_("The pair may meet again."))


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/swap", name="cohorts.swap_speed_meetings")
def swap(request: Request, cohort_id: int, form: FormData = Depends(posted), actor: User = Depends(staff),
         db: Session = Depends(get_db)) -> Response:
    """Exchange two meetings' slots and rooms."""
    def change():
        first, other = str(form.get("meeting_id", "")), str(form.get("other_id", ""))
        if not first or not other:
            raise Invalid("Choose the two meetings to swap.", field="other_id")
        return timetable.swap_meetings(db, actor=actor, cohort_id=cohort_id, meeting_id=whole(first, "other_id"),
                                       other_id=whole(other, "other_id"), now=clock.now())
    return _action(request, db, actor, cohort_id, change, N_("Meetings swapped."))


@router.post("/admin/cohorts/{cohort_id}/speed-meeting/publish", name="cohorts.publish_speed_meeting")
def publish(request: Request, cohort_id: int, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Make every meeting a confirmed session with its room, and send both sides the invitation."""
    return _action(request, db, actor, cohort_id,
                   lambda: publishing.publish(db, actor=actor, cohort_id=cohort_id, now=clock.now()),
                   N_("Timetable published: the start-ups and mentors have their invitations."))


# -- printable timetables -------------------------------------------------------------------------


@router.get("/admin/cohorts/{cohort_id}/speed-meeting/print", name="cohorts.print_speed_meeting")
def print_timetables(request: Request, cohort_id: int, by: str = "startup", actor: User = Depends(staff),
                     db: Session = Depends(get_db)) -> Response:
    """One page per start-up, mentor or room, for printing on A4."""
    if by not in PRINT_BY:
        raise NotFound("No such timetable.")
    cohort = plans.managed_cohort(db, actor=actor, cohort_id=cohort_id)
    details = plans.load(db, cohort)
    if details is None:
        raise NotFound("This cohort has no speed-meeting day yet.")
    rows = timetable.rows(details)
    names = {"startup": details.startups, "mentor": details.mentors,
             "room": {room.id: room.name for room in details.rooms}}[by]
    key = {"startup": lambda row: row.meeting.organisation_id, "mentor": lambda row: row.meeting.mentor_id,
           "room": lambda row: row.meeting.room_id}[by]
    people = [{"name": name, "rows": [row for row in rows if key(row) == who]} for who, name in names.items()]
    return render(request, "cohorts/speed_meeting/speed_meeting_print.html", {
        "cohort": cohort, "details": details, "by": by, "title": PRINT_BY[by], "people": people,
        "base": _base(cohort.id)})


# -- preferences ----------------------------------------------------------------------------------


def _who(db: Session, actor: User, request: Request) -> tuple[str, int]:
    """Whose preferences the page is about: ?startup= or ?mentor=, else the viewer's own."""
    for side in ("startup", "mentor"):
        value = request.query_params.get(side, "")
        if value.isdigit():
            return side, int(value)
    if not is_staff(actor):
        own = sorted(member_organisation_ids(load_memberships(db, actor)))
        if own:
            return "startup", own[0]
    return "mentor", actor.id


def _preferences_page(request: Request, db: Session, actor: User, cohort_id: int, side: str, who: int,
                      error: DomainError | None = None) -> Response:
    details = preferences.plan_for_ranking(db, actor=actor, cohort_id=cohort_id, side=side, who=who)
    names = details.startups if side == "startup" else details.mentors
    if who not in names:
        raise NotFound("No such participant.")
    own = [p for p in details.preferences if p.side == side
           and (p.organisation_id if side == "startup" else p.mentor_id) == who]
    other = (lambda p: p.mentor_id) if side == "startup" else (lambda p: p.organisation_id)
    ranked = [other(p) for p in sorted(own, key=lambda p: p.rank or 0) if p.rank is not None]
    context = {
        "cohort": details.cohort, "details": details, "side": side, "who": who, "name": names[who],
        "choices": details.mentors if side == "startup" else details.startups,
        "ranked": ranked + [None] * (preferences.MAX_RANKED - len(ranked)),
        "must_meet": {other(p) for p in own if p.must_meet}, "draft": details.plan.status == "draft",
        "is_manager": is_staff(actor), "base": _base(cohort_id),
    }
    if error is not None:
        return form_error(request, "cohorts/speed_meeting/speed_meeting_preferences.html", error, context)
    return render(request, "cohorts/speed_meeting/speed_meeting_preferences.html", context)


@router.get("/cohorts/{cohort_id}/speed-meeting/preferences", name="cohorts.speed_meeting_preferences")
def preferences_page(request: Request, cohort_id: int, actor: User = Depends(require_user),
                     db: Session = Depends(get_db)) -> Response:
    """A start-up ranks the mentors it wants to meet, a mentor the start-ups; managers for anyone."""
    side, who = _who(db, actor, request)
    return _preferences_page(request, db, actor, cohort_id, side, who)


@router.post("/cohorts/{cohort_id}/speed-meeting/preferences", name="cohorts.save_speed_meeting_preferences")
def save_preferences(request: Request, cohort_id: int, form: FormData = Depends(posted),
                     actor: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    side, who = _who(db, actor, request)
    ranked = [whole(str(form.get(f"rank_{n}", "")), "ranked") for n in range(1, preferences.MAX_RANKED + 1)
              if str(form.get(f"rank_{n}", "")).strip()]
    must_meet = [whole(value, "must_meet") for value in form.getlist("must_meet")]
    back = f"/cohorts/{cohort_id}/speed-meeting/preferences?{side}={who}"
    return save(request, db,
                lambda: preferences.set_preferences(db, actor=actor, cohort_id=cohort_id, side=side, who=who,
                                                    ranked=ranked, must_meet=must_meet, now=clock.now()),
                lambda plan: (back, N_("Preferences saved."), {}),
                lambda error: _preferences_page(request, db, actor, cohort_id, side, who, error))
