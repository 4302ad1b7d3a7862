"""Fuzzing the JSON API with schemathesis: every operation of /api/v1/openapi.json, as an admin and as a member.

The fuzzer plays in the demo venue (accounts of every role, spaces, bookings,
programs, cohorts, mentors, sessions), loaded once per database with a fixed
clock; each example runs in a savepoint rolled back afterwards, so every one
starts from the same demo and a failure replays the same. Ids in paths,
queries and bodies mostly point at the demo's real objects (the member's own,
mostly, for the member), and dates and times at the weeks around now, so that
calls reach the services' rules rather than stop at a 404. No answer may be a
500, and every answer must be declared: its status, content type and schema,
and an error is JSON `{"detail": ...}`.
"""
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.schemas import BaseSchema
from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session, sessionmaker

from cohorts.mentoring.models import AvailabilityException, MentorProfile, MentorSession, OfficeHours, SessionRequest
from cohorts.programs.models import Cohort, Program, Track
from cohorts.speed_meeting.models import SpeedMeeting
from cohorts.startups.models import Application, Milestone
from spaces.booking.models import Booking
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.series.models import BookingSeries
from spaces.venues.models import Floor, Space, Venue, Zone
from totem import demo
from totem.app import create_app
from totem.auth.service import issue_api_token
from totem.identity.models import Membership, Organisation, User
from totem.settings import Settings

if TYPE_CHECKING:  # imported, pytest would try to collect the class
    from tests.conftest import TestDatabase

# Tuesday 10 March 2026, 10:00 in Marseille: the demo is built around it and the API reads it as now.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
ADMIN, MEMBER = "admin@cite-innovation.fr", "nadia@oceanwatt.fr"


# It serves the schema only: the app that answers the calls is the test's, bound to its database.
SCHEMA_APP = create_app(Settings(database_url="sqlite://", scheduler_enabled=False), sessionmaker())


def _schema(*, coverage: bool, fuzzing_mode: str) -> BaseSchema:
    config = SchemathesisConfig.from_dict({
        # No example database, and each operation's examples derived from its name: the same cases every run.
        "generation": {"deterministic": True, "database": "none"},
        "phases": {
            # The schema declares no links between operations to chain.
            "stateful": {"enabled": False},
            # The boundary values of every field, valid ones only: the invalid ones are mostly FastAPI's 422s,
            # left to the fuzzing phase's mix, and would triple the run. No unlisted methods: FastAPI's 405s.
            "coverage": {"enabled": coverage, "unexpected-methods": [], "generation": {"mode": "positive"}},
            "fuzzing": {"generation": {"mode": fuzzing_mode}},
        },
    })
    # Revoking the token a call uses would log the fuzzer out for the later examples; test_api_auth.py covers it.
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", SCHEMA_APP, config=config).exclude(
        method="POST", path="/auth/revoke")


admin_schema = _schema(coverage=True, fuzzing_mode="all")
# The member's side with valid data (the admin's run sends the invalid): refusals, and their own bookings,
# series, waitlist entries, session requests, sessions and start-up.
member_schema = _schema(coverage=False, fuzzing_mode="positive")

# Invalid data is sent too (the admin's fuzzing phase): its answers must be declared errors, never a 500. But not
# `negative_data_rejection`: a query value is a string whatever the schema's type, so "an object where a string
# is expected" cannot be refused, and the token added to every call undoes the "missing header" cases. (It also
# reports, rightly, that Pydantic reads a number as a Unix time where a date or date-time is expected: `?to=0`.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, ignored_auth]

# Which table a parameter so named (in a path, a query or a body) points into.
POOLS = {
    "booking_id": Booking, "space_id": Space, "series_id": BookingSeries, "entry_id": WaitlistEntry,
    "venue_id": Venue, "floor_id": Floor, "zone_id": Zone, "program_id": Program, "track_id": Track,
    "cohort_id": Cohort, "application_id": Application, "milestone_id": Milestone,
    "office_hours_id": OfficeHours, "exception_id": AvailabilityException, "request_id": SessionRequest,
    "session_id": MentorSession, "meeting_id": SpeedMeeting, "user_id": User,
}
LIST_POOLS = {"manager_ids": "user_id", "track_ids": "track_id", "room_ids": "space_id", "mentor_ids": "mentor_id"}
KEPT = 0.25  # the share of ids, dates and times left as the fuzzer made them (mostly a 404, or a 422)
OWN = 0.7  # for the member, the share of the ids aimed at their own objects rather than anyone's
DATETIME = re.compile(r"\d{4}-\d\d-\d\dT.+")
DATE = re.compile(r"\d{4}-\d\d-\d\d")
# Dates that the rules want in this order when a body holds several of them.
DATE_ORDER = (("applications_open_on", "selection_on", "starts_on", "demo_day_on", "ends_on"),
              ("first_day", "last_day"), ("day", "until"))


@dataclass(repr=False)  # Hypothesis prints the test's arguments with a failure: not every id
class World:
    connection: Connection
    app: FastAPI
    ids: dict[str, list[int]]
    tokens: dict[str, str]
    own: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # by e-mail

    def __repr__(self) -> str:
        return "World(the demo venue)"


def _ids(db: Session) -> dict[str, list[int]]:
    ids = {name: list(db.scalars(select(model.id).order_by(model.id))) for name, model in POOLS.items()}
    ids["mentor_id"] = list(db.scalars(select(MentorProfile.user_id).order_by(MentorProfile.user_id)))
    ids["startup_id"] = list(db.scalars(select(Organisation.id).where(Organisation.kind == "startup")
                                        .order_by(Organisation.id)))
    return {name: values for name, values in ids.items() if values}


def _own_ids(db: Session, user: User) -> dict[str, list[int]]:
    startups = list(db.scalars(select(Membership.organisation_id).where(Membership.user_id == user.id)))
    queries = {
        "startup_id": select(Organisation.id).where(Organisation.id.in_(startups)),
        "booking_id": select(Booking.id).where(or_(Booking.user_id == user.id, Booking.organisation_id.in_(startups))),
        "series_id": select(BookingSeries.id).where(or_(BookingSeries.user_id == user.id,
                                                        BookingSeries.organisation_id.in_(startups))),
        "entry_id": select(WaitlistEntry.id).where(WaitlistEntry.user_id == user.id),
        "request_id": select(SessionRequest.id).where(SessionRequest.organisation_id.in_(startups)),
        "session_id": select(MentorSession.id).where(MentorSession.organisation_id.in_(startups)),
        "user_id": select(User.id).where(User.id == user.id),
    }
    own = {name: list(db.scalars(query.order_by(query.selected_columns[0]))) for name, query in queries.items()}
    return {name: values for name, values in own.items() if values}


@pytest.fixture(scope="module")
def world(database: "TestDatabase") -> Iterator[World]:
    """The demo, its ids and a token for the admin and the member; the API reads the clock as NOW."""
    with pytest.MonkeyPatch.context() as patch, database.engine.connect() as connection:
        patch.setattr("totem.clock.now", lambda: NOW)
        outer = connection.begin()
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        with factory() as db:
            demo.load_demo(db, NOW)
            world = World(connection, create_app(Settings(database_url=database.url, scheduler_enabled=False),
                                                 factory), _ids(db), {})
            for email in (ADMIN, MEMBER):
                user = db.scalar(select(User).where(User.email == email))
                world.tokens[email] = issue_api_token(db, user=user, name="fuzz", now=NOW)[1]
                world.own[email] = _own_ids(db, user)
            db.commit()
        yield world
        outer.rollback()


def _aim(rng: random.Random, ids: dict[str, list[int]], own: dict[str, list[int]], values: object) -> None:
    """Point most ids at real objects; the rest stay as the fuzzer made them."""
    if not isinstance(values, dict):
        return
    for name, value in values.items():
        if rng.random() < KEPT:
            continue
        if name in LIST_POOLS and isinstance(value, list) and LIST_POOLS[name] in ids:
            pool = ids[LIST_POOLS[name]]
            values[name] = rng.sample(pool, min(len(pool), rng.randint(0, 3)))
        elif name in ids and _is_integer(value):
            values[name] = rng.choice(own[name] if name in own and rng.random() < OWN else ids[name])


def _aim_times(rng: random.Random, values: object) -> None:
    """Move most dates and times to the weeks around now, in order, where the venue's rules let things happen."""
    if not isinstance(values, dict):
        return
    for name, value in values.items():
        if isinstance(value, list) and value and all(isinstance(item, str) and DATE.fullmatch(item) for item in value):
            values[name] = [_day(rng) for _ in value]
        elif not isinstance(value, str) or rng.random() < KEPT:
            continue
        elif DATETIME.fullmatch(value):
            day = NOW + timedelta(days=rng.randint(-2, 20))
            values[name] = day.replace(hour=rng.randint(6, 18), minute=rng.choice((0, 30))).isoformat()
        elif DATE.fullmatch(value):
            values[name] = _day(rng)
    if all(isinstance(values.get(name), str) and DATETIME.fullmatch(values[name]) for name in ("starts_at", "ends_at")):
        ends = datetime.fromisoformat(values["starts_at"]) + timedelta(minutes=rng.choice((15, 30, 60, 90, 120, 240)))
        values["ends_at"] = ends.isoformat()
    for names in DATE_ORDER:
        present = [name for name in names if isinstance(values.get(name), str) and DATE.fullmatch(values[name])]
        for name, day in zip(present, sorted(values[name] for name in present), strict=True):
            values[name] = day


def _day(rng: random.Random) -> str:
    return (NOW.date() + timedelta(days=rng.randint(-10, 60))).isoformat()


def _is_integer(value: object) -> bool:
    # The coverage phase writes query values as the strings sent.
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.lstrip("-").isdigit())


def _fuzz(world: World, email: str, case: Case) -> None:
    # Seeded by the case, so that a case aims at the same objects run after run (no body: a marker object).
    body = case.body if isinstance(case.body, dict | list | str | int | float | bool) else None
    rng = random.Random(json.dumps([case.operation.label, case.path_parameters, case.query, body], sort_keys=True,
                                   default=str))
    own = world.own[email] if email != ADMIN else {}
    for location, values in ((ParameterLocation.PATH, case.path_parameters), (ParameterLocation.QUERY, case.query),
                             (ParameterLocation.BODY, case.body)):
        # A value made wrong on purpose stays wrong: the API must refuse it.
        if case.meta is None or not case.meta.is_negative_at(location):
            _aim(rng, world.ids, own, values)
            _aim_times(rng, values)
    # Each example starts from the demo as loaded: what the one before changed is rolled back.
    savepoint = world.connection.begin_nested()
    try:
        case.call_and_validate(app=world.app, headers={"Authorization": f"Bearer {world.tokens[email]}"},
                               checks=CHECKS)
    finally:
        savepoint.rollback()  # the applications' rate limit with the rest: it is counted in the database


def _settings(examples: int) -> settings:
    # Bounded: the whole file runs in about a minute per database on two cores. No health check: the timing ones
    # would flake on a busy machine, and the others would stop an operation whose schema filters many draws.
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@admin_schema.parametrize()
@_settings(examples=6)
def test_api_as_admin(world: World, case: Case) -> None:
    _fuzz(world, ADMIN, case)


@member_schema.parametrize()
@_settings(examples=5)
def test_api_as_member(world: World, case: Case) -> None:
    _fuzz(world, MEMBER, case)


def test_an_api_path_that_misses_the_mount_gets_a_json_404() -> None:
    # Found by the fuzzer: the /api/v1 mount's pattern stops at a newline, so the site answered with its HTML page.
    # No database: the answer needs none (and the demo's open transaction would lock SQLite).
    with TestClient(SCHEMA_APP) as client:
        response = client.get("/api/v1/bookings/1%0A")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json" and response.json()["code"] == "not_found"
