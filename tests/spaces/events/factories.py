"""An event space with its rule, two operators with a manager each, and events made through the service."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.events import service as events
from spaces.events.models import Event
from spaces.operators import queries as operator_queries
from spaces.operators import service as operators
from spaces.operators.models import DEFAULT_OPERATOR_NAME, Operator
from spaces.venues.models import Space, Venue
from tests.spaces.conftest import make_person
from tests.spaces.factories import make_floor, make_rule, make_space
from tests.spaces.operators.factories import make_operator
from totem.identity.models import User


@dataclass
class Building:
    venue: Venue
    hall: Space  # the event space
    metropole: Operator  # accélérateur M, managed by `lea`
    harbour: Operator  # Blue Harbour, managed by `marc`
    lea: User
    marc: User
    admin: User


def make_building(db: Session, *, venue: Venue, now: datetime) -> Building:
    admin = make_person(db, role="admin", email="admin@cite-innovation.fr")
    lea = make_person(db, role="manager", email="lea.martin@accelerateur-m.fr")
    marc = make_person(db, role="manager", email="marc@blueharbour.fr")
    floor = make_floor(db, venue=venue, name="Rez-de-chaussée", level=0)
    hall = make_space(db, floor=floor, name="La Halle", kind="event_space", capacity=600)
    make_rule(db, venue=venue, space_kind="event_space", allowed_roles=("manager",), max_days_ahead=365)
    # Revision 0012 made it, for the programs that existed before operators.
    metropole = operator_queries.get_operator_by_name(db, DEFAULT_OPERATOR_NAME)
    assert metropole is not None
    operators.add_manager(db, actor=admin, operator_id=metropole.id, user_id=lea.id, now=now)
    metropole = operators.get_operator(db, actor=admin, operator_id=metropole.id)
    harbour = make_operator(db, admin=admin, now=now, name="Blue Harbour", managers=(marc,))
    return Building(venue=venue, hall=hall, metropole=metropole, harbour=harbour, lea=lea, marc=marc, admin=admin)


def event_data(building: Building, *, starts_at: datetime, ends_at: datetime, capacity: int = 100,
               title: str = "Meetup Mer", audience: str = "public", **fields) -> events.EventData:  # type: ignore[no-untyped-def]
    return events.EventData(title=title, starts_at=starts_at, ends_at=ends_at, space_id=building.hall.id,
                            capacity=capacity, audience=audience, **fields)


def make_event(db: Session, building: Building, *, starts_at: datetime, ends_at: datetime, now: datetime,
               actor: User | None = None, **fields) -> Event:  # type: ignore[no-untyped-def]
    return events.create_event(db, actor=actor or building.lea, now=now,
                               data=event_data(building, starts_at=starts_at, ends_at=ends_at, **fields))
