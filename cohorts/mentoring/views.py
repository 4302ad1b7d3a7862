"""Mentoring pages: the mentor directory and profiles, the member's "ask a mentor" form and sessions, a session's
page and the mentor's home (agenda, requests to answer in one click, attendance, feedback); the managers' view
is `cohorts.mentoring.admin_views`.

Thin handlers over `cohorts.mentoring.mentors`, `session_requests`, `sessions`, `feedback` and `availability`;
plain forms, Post/Redirect/Get; times on the mentor's venue's clock.
"""
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cohorts.mentoring import (
    admin_views,
    availability,
    availability_views,
    mentors,
    reliability_views,
    session_requests,
    sessions,
)
from cohorts.mentoring import feedback as session_feedback
from cohorts.mentoring import forms as shown
from cohorts.mentoring.enums import BUSY_SESSIONS, MentorMode, SessionStatus, Side
from cohorts.mentoring.models import SessionRequest
from cohorts.programs import permissions as _permissions  # noqa: F401  (registers "program.create")
from spaces.venues.forms import whole
from totem import clock
from totem.errors import DomainError
from totem.i18n import N_, translate
from totem.identity import service as identity
from totem.identity.enums import Role
from totem.identity.models import User
from totem.permissions import is_staff, member_organisation_ids, require
from totem.web.context import check_csrf, get_db, require_user
from totem.web.forms import page, posted, save, text
from totem.web.nav import ACCELERATOR, NavItem, register
from totem.web.pages import render


router = APIRouter(dependencies=[Depends(check_csrf)])
router.include_router(admin_views.router)
router.include_router(availability_views.router)
router.include_router(reliability_views.router)
register(
    NavItem("Mentors", "cohorts.mentors", permission="mentoring.ask", order=615, group=ACCELERATOR),
    NavItem("My sessions", "cohorts.my_sessions", permission="mentoring.ask", order=330),
    NavItem("Mentor home", "cohorts.mentor_home", permission="mentoring.mentor_home", order=340),
)
ASK_FIELDS = ("topic", "details", "mentor_id", "urgency", "mode", "language", "duration_minutes", "organisation_id")


# -- the directory ----------------------------------------------------------------------------------


@router.get("/mentors", name="cohorts.mentors")
def directory(request: Request, track: str = "", expertise: str = "", language: str = "", q: str = "",
              user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """Everyone logged in: active mentors by track, expertise, language and words in their name or bio."""
    locale = shown.locale_of(request)
    criteria = mentors.MentorFilter(track_id=int(track) if track.isdigit() else None, expertise=expertise or None,
                                    language=language or None, text=q or None)
    tags = mentors.list_tags(db)
    tracks = sorted({t.id: t.name for tag in tags for t in tag.tracks}.items(), key=lambda item: item[1])
    cards = [{"profile": p, "languages": shown.language_names(p.languages, locale),
              "mode": translate(locale, shown.MODE_LABELS[MentorMode(p.mode)])}
             for p in mentors.search_mentors(db, criteria)]
    return render(request, "cohorts/mentoring/directory.html", {
        "cards": cards, "tracks": tracks, "tags": [tag.name for tag in tags],
        "language_choices": shown.language_options(locale),
        "search": {"track": track, "expertise": expertise, "language": language, "q": q},
        "may_ask": bool(member_organisation_ids(identity.load_memberships(db, user))),
    })


@router.get("/mentors/{mentor_id:int}", name="cohorts.mentor_profile")
def mentor_profile(request: Request, mentor_id: int, user: User = Depends(require_user),
                   db: Session = Depends(get_db)) -> Response:
    """A mentor's bio, expertise, languages and next free hours, with a button to ask them."""
    locale, now = shown.locale_of(request), clock.now()
    profile = mentors.get_mentor(db, actor=user, mentor_id=mentor_id)
    slots = availability.free_slots(db, mentor_id=mentor_id, duration_minutes=60, now=now, until=now + shown.AHEAD)
    return render(request, "cohorts/mentoring/profile.html", {
        "profile": profile, "spoken": shown.language_names(profile.languages, locale),
        "mode": translate(locale, shown.MODE_LABELS[MentorMode(profile.mode)]),
        "slots": [shown.when(slot.starts_at, profile.venue, locale) for slot in slots[:shown.SLOTS_SHOWN * 2]],
        "may_ask": bool(member_organisation_ids(identity.load_memberships(db, user))),
    })


# -- asking -----------------------------------------------------------------------------------------


def _ask_page(request: Request, db: Session, user: User, values: dict[str, Any],
              error: DomainError | None = None) -> Response:
    locale = shown.locale_of(request)
    own = sorted(shown.organisation_names(db, member_organisation_ids(identity.load_memberships(db, user)))
                 .items(), key=lambda item: item[1])
    return page(request, "cohorts/mentoring/ask.html", {
        "values": values, "startups": own, "tags": [tag.name for tag in mentors.list_tags(db)],
        "mentors": [(str(p.user_id), f"{p.user.name} · {p.company}" if p.company else p.user.name)
                    for p in mentors.search_mentors(db)],
        "urgencies": shown.options(request, shown.URGENCY_LABELS), "modes": shown.options(request, shown.MODE_LABELS),
        "language_choices": shown.language_options(locale), "durations": shown.DURATIONS,
    }, error)


@router.get("/sessions/request", name="cohorts.ask_mentor")
def ask_form(request: Request, mentor: str = "", user: User = Depends(require_user),
             db: Session = Depends(get_db)) -> Response:
    """A start-up's member asks for a session, with a mentor or anyone who fits."""
    return _ask_page(request, db, user, {
        "topic": "", "details": "", "expertise": [], "mentor_id": mentor if mentor.isdigit() else "",
        "urgency": "normal", "mode": "either", "language": "", "duration_minutes": "60", "organisation_id": ""})


@router.post("/sessions/request", name="cohorts.send_request")
def send_request(request: Request, form: FormData = Depends(posted), user: User = Depends(require_user),
                 db: Session = Depends(get_db)) -> Response:
    values: dict[str, Any] = {**text(form, *ASK_FIELDS), "expertise": [str(v) for v in form.getlist("expertise")]}

    def create() -> SessionRequest:
        return session_requests.create_request(db, actor=user, now=clock.now(), data=session_requests.RequestData(
            topic=values["topic"], details=values["details"], expertise=tuple(values["expertise"]),
            organisation_id=shown.optional_id(values["organisation_id"], "organisation_id"),
            preferred_mentor_id=shown.optional_id(values["mentor_id"], "preferred_mentor_id"),
            urgency=values["urgency"], mode=values["mode"], language=values["language"] or None,
            duration_minutes=whole(values["duration_minutes"], "duration_minutes")))

    return save(request, db, create,
                lambda made: ("/sessions", N_("Your request is sent: {topic}."), {"topic": made.topic}),
                lambda error: _ask_page(request, db, user, values, error))


# -- the member's sessions --------------------------------------------------------------------------


def _sessions_page(request: Request, db: Session, user: User, error: DomainError | None = None) -> Response:
    locale, now = shown.locale_of(request), clock.now()
    own = member_organisation_ids(identity.load_memberships(db, user))
    found = [s for s in sessions.list_sessions(db, actor=user, mine=True) if s.organisation_id in own]
    upcoming = [s for s in found if s.status in BUSY_SESSIONS and s.ends_at > now]
    past = [s for s in reversed(found) if s not in upcoming]
    requests = [r for r in session_requests.list_requests(db, actor=user) if r.organisation_id in own] if own else []
    return page(request, "cohorts/mentoring/my_sessions.html", {
        "upcoming": shown.session_rows(db, upcoming, locale), "past": shown.session_rows(db, past, locale),
        "requests": shown.request_rows(db, requests, locale), "is_member": bool(own),
    }, error)


@router.get("/sessions", name="cohorts.my_sessions")
def my_sessions(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """The member's start-ups' sessions and requests: pick a proposed time, withdraw, cancel."""
    return _sessions_page(request, db, user)


@router.get("/sessions/requests/{request_id:int}", name="cohorts.session_request")
def session_request(request: Request, request_id: int, user: User = Depends(require_user),
                    db: Session = Depends(get_db)) -> Response:
    """The e-mails' link to a request: its place in the start-up's list, or the mentor's home."""
    found = session_requests.get_request(db, actor=user, request_id=request_id)
    mine = found.organisation_id in member_organisation_ids(identity.load_memberships(db, user))
    return RedirectResponse(f"/sessions#request-{found.id}" if mine or not user.has_role(Role.MENTOR)
                            else "/mentor", status_code=303)


@router.post("/session-requests/{request_id:int}/pick", name="cohorts.pick_time")
def pick_time(request: Request, request_id: int, form: FormData = Depends(posted),
              user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    return save(request, db, lambda: session_requests.pick_time(
        db, actor=user, request_id=request_id, starts_at=shown.moment(str(form.get("starts_at", "")), "starts_at"),
        now=clock.now()),
        lambda session: (f"/sessions/{session.id}", N_("Your session is booked."), {}),
        lambda error: _sessions_page(request, db, user, error))


@router.post("/session-requests/{request_id:int}/withdraw", name="cohorts.withdraw_request")
def withdraw_request(request: Request, request_id: int, user: User = Depends(require_user),
                     db: Session = Depends(get_db)) -> Response:
    return save(request, db, lambda: session_requests.withdraw_request(db, actor=user, request_id=request_id,
                                                               now=clock.now()),
                lambda made: ("/sessions", N_("Request withdrawn: {topic}."), {"topic": made.topic}),
                lambda error: _sessions_page(request, db, user, error))


# -- a session ------------------------------------------------------------------------------------------


def _session_page(request: Request, db: Session, user: User, session_id: int,
                  error: DomainError | None = None) -> Response:
    locale, now = shown.locale_of(request), clock.now()
    session = sessions.get_session(db, actor=user, session_id=session_id)
    own = member_organisation_ids(identity.load_memberships(db, user))
    side = Side.MENTOR if session.mentor_id == user.id else Side.STARTUP if session.organisation_id in own else None
    row = shown.session_rows(db, [session], locale)[0]
    venue = shown.venues_by_id(db, [session.mentor.venue_id])[session.mentor.venue_id]
    over, status = session.ends_at <= now, SessionStatus(session.status)
    took_place = over and status in (SessionStatus.CONFIRMED, SessionStatus.AWAITING_ATTENDANCE,
                                     SessionStatus.COMPLETED, SessionStatus.NO_SHOW)
    mine = next((f for f in session.feedback if f.side == side), None)
    return page(request, "cohorts/mentoring/session.html", {
        "row": row, "session": session, "ends": shown.when(session.ends_at, venue, locale)[-5:],
        "timezone": venue.timezone, "side": side,
        "back": "/mentor" if side == Side.MENTOR else "/admin/mentoring" if is_staff(user) else "/sessions",
        "may_confirm": side == Side.MENTOR and status == SessionStatus.PROPOSED,
        "may_cancel": (side or is_staff(user)) and status in BUSY_SESSIONS and session.starts_at > now,
        "may_record": (side or is_staff(user)) and took_place and (
            status in (SessionStatus.CONFIRMED, SessionStatus.AWAITING_ATTENDANCE) or is_staff(user)),
        "may_give_feedback": side is not None and took_place,
        "feedback": [{"side": translate(locale, shown.SIDE_LABELS[Side(f.side)]), "rating": f.rating,
                      "notes": f.notes, "private": f.private} for f in session_feedback.feedback_for(user, session)],
        "mine": {"rating": str(mine.rating) if mine else "", "notes": mine.notes if mine else "",
                 "private": mine.private if mine else side == Side.MENTOR and session.mentor.notes_private},
        "no_show": translate(locale, shown.NO_SHOW_LABELS[session.no_show]) if session.no_show else "",
    }, error)


@router.get("/sessions/{session_id:int}", name="cohorts.session")
def session_page(request: Request, session_id: int, user: User = Depends(require_user),
                 db: Session = Depends(get_db)) -> Response:
    """Its two sides and staff: when and where, cancelling, attendance once over, feedback."""
    return _session_page(request, db, user, session_id)


@router.get("/mentor/sessions/{session_id:int}", name="cohorts.mentor_session")
def mentor_session_page(request: Request, session_id: int, user: User = Depends(require_user),
                        db: Session = Depends(get_db)) -> Response:
    return _session_page(request, db, user, session_id)


def _session_change(request: Request, db: Session, user: User, session_id: int, change: Any,
                    message: str) -> Response:
    return save(request, db, change, lambda _done: (f"/sessions/{session_id}", message, {}),
                lambda error: _session_page(request, db, user, session_id, error))


@router.post("/sessions/{session_id:int}/cancel", name="cohorts.cancel_session")
def cancel_session(request: Request, session_id: int, form: FormData = Depends(posted),
                   user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    return _session_change(request, db, user, session_id, lambda: sessions.cancel_session(
        db, actor=user, session_id=session_id, reason=str(form.get("reason", "")), now=clock.now()),
        N_("Session cancelled."))


@router.post("/sessions/{session_id:int}/confirm", name="cohorts.confirm_session")
def confirm_session(request: Request, session_id: int, user: User = Depends(require_user),
                    db: Session = Depends(get_db)) -> Response:
    return save(request, db, lambda: sessions.confirm_session(db, actor=user, session_id=session_id,
                                                              now=clock.now()),
                lambda _done: ("/mentor", N_("Session confirmed."), {}),
                lambda error: _mentor_page(request, db, user, error))


@router.post("/sessions/{session_id:int}/attendance", name="cohorts.record_attendance")
def record_attendance(request: Request, session_id: int, form: FormData = Depends(posted),
                      user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    attendance = session_feedback.Attendance(startup_came=shown.checked(form, "startup_came"),
                                             mentor_came=shown.checked(form, "mentor_came"))
    return _session_change(request, db, user, session_id, lambda: session_feedback.record_attendance(
        db, actor=user, session_id=session_id, attendance=attendance, now=clock.now()), N_("Attendance recorded."))


@router.post("/sessions/{session_id:int}/feedback", name="cohorts.give_feedback")
def give_feedback(request: Request, session_id: int, form: FormData = Depends(posted),
                  user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    values = text(form, "rating", "notes")
    return _session_change(request, db, user, session_id, lambda: session_feedback.give_feedback(
        db, actor=user, session_id=session_id, rating=whole(values["rating"] or "0", "rating"),
        notes=values["notes"], private=shown.checked(form, "private"), now=clock.now()),
        N_("Thank you for your feedback."))


# -- the mentor's home ------------------------------------------------------------------------------


def _mentor_page(request: Request, db: Session, user: User, error: DomainError | None = None) -> Response:
    require(user, "mentoring.mentor_home")
    locale, now = shown.locale_of(request), clock.now()
    profile = mentors.find_profile(db, user.id)
    if profile is None:
        return page(request, "cohorts/mentoring/mentor_home.html", {"profile": None}, error)
    mine = dict(actor=user, mine=True, mentor_id=user.id)
    agenda = [s for s in sessions.list_sessions(db, **mine, starts_after=now - timedelta(hours=4))
              if s.status in BUSY_SESSIONS and s.ends_at > now]
    to_record = (sessions.list_sessions(db, **mine, status=SessionStatus.AWAITING_ATTENDANCE)
                 + [s for s in sessions.list_sessions(db, **mine, status=SessionStatus.CONFIRMED, starts_before=now)
                    if s.ends_at <= now])
    feedback = shown.sessions_awaiting_feedback(db, mentor_id=user.id, since=now - timedelta(days=60), now=now)
    used = sessions.month_minutes(db, mentor_id=user.id, month=shown.this_month(now, profile.venue))
    return page(request, "cohorts/mentoring/mentor_home.html", {
        "profile": profile, "timezone": profile.venue.timezone,
        "agenda": shown.session_rows(db, agenda, locale), "to_record": shown.session_rows(db, to_record, locale),
        "to_rate": shown.session_rows(db, feedback, locale),
        "requests": shown.open_request_rows(db, profile, locale, now),
        "hours_used": round(used / 60, 1), "capacity": profile.monthly_capacity_hours,
        "max_times": session_requests.MAX_PROPOSED_TIMES,
    }, error)


@router.get("/mentor", name="cohorts.mentor_home")
def mentor_home(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """Mentors: their agenda, requests to answer, attendance to record, feedback to give, hours this month."""
    return _mentor_page(request, db, user)


@router.post("/mentor/requests/{request_id:int}/accept", name="cohorts.accept_request")
def accept_request(request: Request, request_id: int, form: FormData = Depends(posted),
                   user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    mode = str(form.get("mode", "")) or None
    return save(request, db, lambda: session_requests.accept_request(
        db, actor=user, request_id=request_id, starts_at=shown.moment(str(form.get("starts_at", "")), "starts_at"),
        mode=mode, now=clock.now()),
        lambda session: (f"/sessions/{session.id}", N_("Session booked: {topic}."), {"topic": session.topic}),
        lambda error: _mentor_page(request, db, user, error))


@router.post("/mentor/requests/{request_id:int}/decline", name="cohorts.decline_request")
def decline_request(request: Request, request_id: int, form: FormData = Depends(posted),
                    user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    return save(request, db, lambda: session_requests.decline_request(
        db, actor=user, request_id=request_id, reason=str(form.get("reason", "")), now=clock.now()),
        lambda made: ("/mentor", N_("Request declined: {topic}."), {"topic": made.topic}),
        lambda error: _mentor_page(request, db, user, error))


@router.post("/mentor/requests/{request_id:int}/propose", name="cohorts.propose_times")
def propose_times(request: Request, request_id: int, form: FormData = Depends(posted),
                  user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    def propose() -> SessionRequest:
        venue = availability.get_profile(db, user.id).venue
        times = shown.local_moments(form, (f"time_{n}" for n in range(1, session_requests.MAX_PROPOSED_TIMES + 1)),
                                    venue)
        return session_requests.propose_times(db, actor=user, request_id=request_id, times=times, now=clock.now())

    return save(request, db, propose,
                lambda made: ("/mentor", N_("Times proposed for {topic}."), {"topic": made.topic}),
                lambda error: _mentor_page(request, db, user, error))
