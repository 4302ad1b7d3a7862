"""The demo's speed-meeting day: a draft plan for the running cohort on two open days about two weeks ahead,
nine mentors, six rooms, a few preferences on both sides and one must-meet pair; left unsolved, for a manager
(or the browser test) to build the timetable.

Derived from `now` and fixed tables; everything goes through the services.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.programs.models import Cohort, Program
from cohorts.speed_meeting import plans, preferences
from spaces.venues import queries as venue_queries
from spaces.venues.models import Space, Venue
from spaces.venues.rules import local_time, public_holiday
from totem.identity.models import Organisation, User

COHORT, PROGRAM = "Promo 2026", "Accélérateur Métropole"
ROOMS = ("Borély", "Endoume", "Vallon des Auffes", "Major", "Frioul", "Estaque")
MENTORS = ("yves.roux@mentors-sud.fr", "claire.dubois@mentors-sud.fr", "sofia.marchetti@mentors.example",
           "karim.haddad@mentors.example", "emma.laurent@mentors.example", "james.oconnor@mentors.example",
           "lucia.fernandez@mentors.example", "anna.schmidt@mentors.example", "chiara.rossi@mentors.example")
# (start-up, its ranked mentors, the one it must meet)
STARTUP_WISHES = (
    ("OceanWatt", ("yves.roux@mentors-sud.fr", "sofia.marchetti@mentors.example", "anna.schmidt@mentors.example"),
     "yves.roux@mentors-sud.fr"),
    ("Kelp Studio", ("claire.dubois@mentors-sud.fr", "emma.laurent@mentors.example", "karim.haddad@mentors.example"),
     None),
    ("UrbaFlux", ("lucia.fernandez@mentors.example", "james.oconnor@mentors.example",
                  "chiara.rossi@mentors.example"), None),
)
MENTOR_WISHES = (
    ("yves.roux@mentors-sud.fr", ("OceanWatt", "Kelp Studio")),
    ("claire.dubois@mentors-sud.fr", ("Kelp Studio", "UrbaFlux")),
    ("james.oconnor@mentors.example", ("UrbaFlux", "OceanWatt")),
)


def load_demo(db: Session, *, manager: User, venue: Venue, now: datetime) -> None:
    """Plan the running cohort's speed-meeting day once (its plan marks it as loaded)."""
    cohort = db.scalar(select(Cohort).join(Program).where(Cohort.name == COHORT, Program.name == PROGRAM))
    if cohort is None or plans.find_plan(db, cohort.id) is not None:
        return
    rooms = list(db.scalars(select(Space.id).where(Space.name.in_(ROOMS))))
    days = _two_open_days(db, venue, local_time(now, venue).date() + timedelta(days=14))
    plans.save_plan(db, actor=manager, cohort_id=cohort.id, now=now, data=plans.PlanData(
        days=days, slot_minutes=20, changeover_minutes=10, starts_at=time(9), ends_at=time(12, 30), room_ids=rooms))
    mentors = dict(db.execute(select(User.email, User.id).where(User.email.in_(MENTORS))).tuples().all())
    plans.set_mentors(db, actor=manager, cohort_id=cohort.id, mentor_ids=list(mentors.values()), now=now)
    startups = dict(db.execute(select(Organisation.name, Organisation.id)).tuples().all())
    for name, ranked, must in STARTUP_WISHES:
        if name in startups:
            preferences.set_preferences(
                db, actor=manager, cohort_id=cohort.id, side="startup", who=startups[name], now=now,
                ranked=[mentors[email] for email in ranked if email in mentors],
                must_meet=[mentors[must]] if must in mentors else [])
    for email, ranked_names in MENTOR_WISHES:
        if email in mentors:
            preferences.set_preferences(
                db, actor=manager, cohort_id=cohort.id, side="mentor", who=mentors[email], now=now,
                ranked=[startups[name] for name in ranked_names if name in startups], must_meet=[])


def _two_open_days(db: Session, venue: Venue, from_day: date) -> list[date]:
    """The first Tuesday from `from_day` on which the venue is open that day and the next."""
    day = from_day + timedelta(days=(1 - from_day.weekday()) % 7)
    while not (_is_open(db, venue, day) and _is_open(db, venue, day + timedelta(days=1))):
        day += timedelta(days=7)
    return [day, day + timedelta(days=1)]


def _is_open(db: Session, venue: Venue, day: date) -> bool:
    hours = venue_queries.get_opening_hours(db, venue.id, day.weekday())
    return (hours is not None and hours.opens_at <= time(9) and hours.closes_at >= time(12, 30)
            and venue_queries.get_closure(db, venue.id, day) is None
            and not (venue.observes_public_holidays and public_holiday(day)))
