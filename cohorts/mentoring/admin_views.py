"""The managers' mentoring page: requests waiting for a mentor, sessions, mentor hours per track and cohort, and
adding mentors and expertise tags. Thin handlers, Post/Redirect/Get.
"""
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.mentoring import mentors, session_requests, sessions
from cohorts.mentoring import forms as shown
from cohorts.mentoring.enums import PENDING_REQUESTS
from cohorts.mentoring.models import MentorProfile
from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from spaces.venues.forms import whole
from totem import clock
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity import service as identity
from totem.identity.models import User
from totem.web.context import check_csrf, get_db
from totem.web.forms import page, posted, requiring, save, text
from totem.web.nav import ACCELERATOR, NavItem, register


router = APIRouter(dependencies=[Depends(check_csrf)])
staff = requiring("program.create")  # members and mentors get a 403 on the managers' pages
register(NavItem("Mentoring", "cohorts.admin_mentoring", permission="program.create", order=620,
                 group=ACCELERATOR))


MENTOR_FIELDS = ("email", "venue_id", "company", "bio", "languages", "monthly_capacity_hours", "mode", "online_url")


# -- the managers' view -----------------------------------------------------------------------------


def _hours_rows(db: Session, actor: User, now: datetime) -> list[dict[str, Any]]:
    found = sessions.mentor_hours(db, actor=actor, starts_after=now - timedelta(days=90), starts_before=now)
    tracks, cohorts, names = shown.track_names(db), shown.cohort_names(db), shown.user_names(
        db, [row.mentor_id for row in found])
    rows = [{"track": tracks.get(row.track_id or 0, "—"), "cohort": cohorts.get(row.cohort_id or 0, "—"),
             "mentor": names.get(row.mentor_id, ""), "sessions": row.sessions, "hours": round(row.minutes / 60, 1)}
            for row in found]
    return sorted(rows, key=lambda row: (row["track"], row["cohort"], row["mentor"]))


def _admin_page(request: Request, db: Session, actor: User, mentor_values: dict[str, Any] | None = None,
                tag_values: dict[str, Any] | None = None, error: DomainError | None = None) -> Response:
    locale, now = shown.locale_of(request), clock.now()
    pending = [r for r in reversed(session_requests.list_requests(db, actor=actor)) if r.status in PENDING_REQUESTS]
    venue = shown.first_venue(db)
    return page(request, "cohorts/mentoring/admin.html", {
        "requests": [{**row, "days": (now - row["request"].created_at).days}
                     for row in shown.request_rows(db, pending, locale)],
        "upcoming": shown.session_rows(db, sessions.list_sessions(db, actor=actor, starts_after=now, limit=50),
                                       locale),
        "recent": shown.session_rows(db, list(reversed(sessions.list_sessions(
            db, actor=actor, starts_after=now - timedelta(days=30), starts_before=now))), locale),
        "hours": _hours_rows(db, actor, now),
        "mentors": [{"profile": p, "languages": shown.language_names(p.languages, locale)}
                    for p in mentors.search_mentors(db, mentors.MentorFilter(include_inactive=True))],
        "tags_all": mentors.list_tags(db), "tracks": shown.tracks_with_programs(db),
        "venues": [(venue.id, venue.name)] if venue else [], "modes": shown.options(request, shown.MODE_LABELS),
        "mentor_values": mentor_values or {"email": "", "venue_id": str(venue.id) if venue else "", "company": "",
                                           "bio": "", "languages": "fr, en", "monthly_capacity_hours": "4",
                                           "mode": "either", "online_url": "", "expertise": []},
        "tag_values": tag_values or {"name": "", "track_ids": []},
    }, error)


@router.get("/admin/mentoring", name="cohorts.admin_mentoring")
def admin_mentoring(request: Request, actor: User = Depends(staff), db: Session = Depends(get_db)) -> Response:
    """Managers: requests waiting for a mentor, sessions, mentor hours per track and cohort, mentors and tags."""
    return _admin_page(request, db, actor)


@router.post("/admin/mentoring/mentors", name="cohorts.create_mentor")
def create_mentor(request: Request, form: FormData = Depends(posted), actor: User = Depends(staff),
                  db: Session = Depends(get_db)) -> Response:
    values: dict[str, Any] = {**text(form, *MENTOR_FIELDS), "expertise": [str(v) for v in form.getlist("expertise")]}

    def create() -> MentorProfile:
        person = identity.get_user_by_email(db, values["email"])
        if person is None:
            raise Invalid("No one has this e-mail address: invite them as a user first.", field="email")
        return mentors.create_profile(db, actor=actor, user_id=person.id, now=clock.now(), data=mentors.ProfileData(
            venue_id=whole(values["venue_id"], "venue_id"), bio=values["bio"], company=values["company"],
            expertise=tuple(values["expertise"]), languages=tuple(values["languages"].replace(",", " ").split()),
            monthly_capacity_hours=whole(values["monthly_capacity_hours"], "monthly_capacity_hours"),
            mode=values["mode"], online_url=values["online_url"]))

    return save(request, db, create,
                lambda profile: ("/admin/mentoring", N_("{name} is now a mentor."), {"name": values["email"]}),
                lambda error: _admin_page(request, db, actor, mentor_values=values, error=error))


@router.post("/admin/mentoring/tags", name="cohorts.create_expertise_tag")
def create_tag(request: Request, form: FormData = Depends(posted), actor: User = Depends(staff),
               db: Session = Depends(get_db)) -> Response:
    values: dict[str, Any] = {"name": str(form.get("name", "")),
                              "track_ids": [str(value) for value in form.getlist("track_ids")]}
    return save(request, db, lambda: mentors.add_tag(
        db, actor=actor, name=values["name"], now=clock.now(),
        track_ids=[whole(value, "track_ids") for value in values["track_ids"]]),
        lambda tag: ("/admin/mentoring", N_("Expertise {name} added."), {"name": tag.name}),
        lambda error: _admin_page(request, db, actor, tag_values=values, error=error))
