"""Operators with managers and quotas, and start-ups whose grant makes them an operator's, made through the services."""
import itertools
from datetime import date, datetime

from sqlalchemy.orm import Session

from spaces.operators import service as operators
from spaces.operators.models import Operator
from spaces.venues import access
from spaces.venues.models import Venue
from totem.identity.models import User

_counter = itertools.count(1)


def make_operator(
    db: Session, *, admin: User, now: datetime, name: str | None = None, kind: str = "accelerator",
    meeting_room_hours: int | None = None, when_exhausted: str = "refuse", managers: tuple[User, ...] = (),
) -> Operator:
    operator = operators.create_operator(db, actor=admin, now=now, data=operators.OperatorData(
        name=name or f"Operator {next(_counter)}", kind=kind))
    if meeting_room_hours is not None:
        operators.set_quota(db, actor=admin, operator_id=operator.id, space_kind="meeting_room",
                            monthly_hours=meeting_room_hours, when_exhausted=when_exhausted, now=now)
    for manager in managers:
        operators.add_manager(db, actor=admin, operator_id=operator.id, user_id=manager.id, now=now)
    return operators.get_operator(db, actor=admin, operator_id=operator.id)


def join_operator(
    db: Session, *, admin: User, operator: Operator, venue: Venue, organisation_id: int, now: datetime,
    starts_on: date = date(2026, 11, 1), ends_on: date = date(2027, 6, 30),
) -> None:
    """The start-up's access grant from one of the operator's programs, as an enrolment gives it."""
    access.grant_access(db, actor=admin, organisation_id=organisation_id, venue_id=venue.id, starts_on=starts_on,
                        ends_on=ends_on, now=now, source_key=f"test-{operator.id}", operator_id=operator.id)
