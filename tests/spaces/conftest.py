"""A venue open Monday to Friday 08:00–20:00 in Paris, its room Calanques, and a fixed clock."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.venues.models import Floor, Space, Venue
from tests.spaces.factories import PARIS, make_floor, make_rule, make_space, make_venue
from tests.totem.factories import PASSWORD, make_user
from totem import clock
from totem.auth.secrets import hash_password
from totem.identity.models import Organisation, User

# Monday 30 November 2026, 09:00 in Paris.
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@dataclass
class Scene:
    venue: Venue
    floor: Floor
    room: Space
    nadia: User  # OceanWatt
    karim: User  # OceanWatt too
    hugo: User  # Kelp Studio
    manager: User
    oceanwatt_id: int
    kelp_id: int


@lru_cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def make_person(db: Session, *, email: str, role: str = "member", startup: str | None = None) -> User:
    """A user who logs in with the factories' PASSWORD, hashed once per run to keep the tests quick."""
    user = make_user(db, email=email, role=role, startup=startup, password=None)
    user.password_hash = _password_hash()
    db.flush()
    return user


def startup_id(db: Session, name: str) -> int:
    return db.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def paris(day: str, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Paris, e.g. paris("2026-12-01", 9)."""
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The API reads `clock.now()`: pin it so that the tests' dates stay in the future."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def scene(db: Session, fixed_clock: datetime) -> Scene:
    venue = make_venue(db, name="Cité de l'innovation")
    floor = make_floor(db, venue=venue, name="1er étage", level=1)
    room = make_space(db, floor=floor, name="Calanques", kind="meeting_room", capacity=8, amenities=["screen"])
    make_rule(db, venue=venue, space_kind="meeting_room", min_minutes=30, max_minutes=240, max_days_ahead=30,
              buffer_minutes=10)
    scene = Scene(
        venue=venue, floor=floor, room=room,
        nadia=make_person(db, email="nadia@oceanwatt.fr", startup="OceanWatt"),
        karim=make_person(db, email="karim@oceanwatt.fr", startup="OceanWatt"),
        hugo=make_person(db, email="hugo@kelpstudio.fr", startup="Kelp Studio"),
        manager=make_person(db, role="manager", email="lea@cite-innovation.fr"),
        oceanwatt_id=startup_id(db, "OceanWatt"),
        kelp_id=startup_id(db, "Kelp Studio"),
    )
    db.commit()
    return scene
