"""Who holds rights to a venue's spaces: access grants to start-ups, and dedicated desks allocated to them.

Programs give a start-up its grant and desks when it enrols (`cohorts` calls
these functions, keyed by `source_key`, so that it never touches these
tables) and end them when the cohort ends.
"""
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from spaces.venues import permissions as _permissions  # noqa: F401  (registers "access.grant")
from spaces.venues.enums import SpaceKind
from spaces.venues.models import AccessGrant, DeskAllocation, Floor, Space, Venue
from totem import audit
from totem.errors import Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.models import Organisation, User
from totem.permissions import require

EXCLUSION_VIOLATION = "23P01"  # PostgreSQL's SQLSTATE for an exclusion constraint

DESK_ALLOCATED = error_code("desk_allocated", "The dedicated desk is allocated to another start-up on that day.")


# -- access grants --------------------------------------------------------------------------------


def grant_access(
    db: Session, *, actor: User, organisation_id: int, venue_id: int, starts_on: date, ends_on: date, now: datetime,
    space_kinds: Iterable[str] = (), monthly_credits: int = 0, source_key: str | None = None, label: str = "",
    operator_id: int | None = None,
) -> AccessGrant:
    """Give a start-up the right to book the venue's spaces (of `space_kinds`; all if empty) for a period.

    With a `source_key`, granting again updates the same grant instead of adding one. With an `operator_id` (the
    program's operator), the start-up's bookings count against that operator's quotas.
    """
    require(actor, "access.grant")
    kinds = sorted(set(space_kinds))
    if unknown := set(kinds) - {kind.value for kind in SpaceKind}:
        raise Invalid("Unknown kind of space: {kinds}.", field="space_kinds", kinds=", ".join(sorted(unknown)))
    if ends_on < starts_on:
        raise Invalid("The last day must not be before the first.", field="ends_on")
    if monthly_credits < 0:
        raise Invalid("Monthly credits cannot be negative.", field="monthly_credits")
    if db.get(Organisation, organisation_id) is None:
        raise Invalid("No such start-up.", field="organisation_id")
    if db.get(Venue, venue_id) is None:
        raise Invalid("No such venue.", field="venue_id")
    grant = None
    if source_key is not None:
        grant = db.scalar(select(AccessGrant).where(AccessGrant.organisation_id == organisation_id,
                                                    AccessGrant.source_key == source_key))
    if grant is None:
        grant = AccessGrant(organisation_id=organisation_id, source_key=source_key, created_at=now)
        db.add(grant)
    grant.venue_id, grant.space_kinds, grant.starts_on, grant.ends_on = venue_id, kinds, starts_on, ends_on
    grant.monthly_credits, grant.label, grant.operator_id = monthly_credits, label, operator_id
    db.flush()
    audit.record(db, actor=actor, action="access.grant", obj=grant, now=now,
                 summary=said(N_("start-up #{organisation}: {first} to {last} {label}"), organisation=organisation_id,
                              first=starts_on, last=ends_on, label=label or ""))
    return grant


def end_access(
    db: Session, *, actor: User, organisation_id: int, source_key: str, last_day: date, now: datetime
) -> None:
    """End the grant and the desk allocations given under `source_key` after `last_day`."""
    require(actor, "access.grant")
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such start-up.")
    grant = db.scalar(select(AccessGrant).where(AccessGrant.organisation_id == organisation_id,
                                                AccessGrant.source_key == source_key))
    if grant is not None:
        _shorten(db, grant, last_day)
    allocations = db.scalars(select(DeskAllocation).where(DeskAllocation.organisation_id == organisation_id,
                                                          DeskAllocation.source_key == source_key))
    for allocation in allocations:
        _shorten(db, allocation, last_day)
    db.flush()
    audit.record(db, actor=actor, action="access.end", obj=organisation, now=now,
                 summary=said(N_("{organisation}: {source} ends after {day}"), organisation=organisation.name,
                              source=source_key, day=last_day))


def _shorten(db: Session, period: AccessGrant | DeskAllocation, last_day: date) -> None:
    """End a grant or an allocation after `last_day`; one that had not begun is removed."""
    if last_day < period.starts_on:
        db.delete(period)
    elif last_day < period.ends_on:
        period.ends_on = last_day


def find_grant(db: Session, *, organisation_id: int, source_key: str) -> AccessGrant | None:
    """The start-up's grant given under `source_key`, if any."""
    return db.scalar(select(AccessGrant).where(AccessGrant.organisation_id == organisation_id,
                                               AccessGrant.source_key == source_key))


def list_grants(db: Session, *, organisation_id: int | None = None, on: date | None = None) -> list[AccessGrant]:
    query = select(AccessGrant)
    if organisation_id is not None:
        query = query.where(AccessGrant.organisation_id == organisation_id)
    if on is not None:
        query = query.where(AccessGrant.starts_on <= on, AccessGrant.ends_on >= on)
    return list(db.scalars(query.order_by(AccessGrant.starts_on, AccessGrant.id)))


def holds_grant(db: Session, *, organisation_id: int | None, venue_id: int, kind: str, day: date) -> bool:
    """Whether the start-up may book this kind of space of the venue on that day through a grant."""
    if organisation_id is None:
        return False
    grants = db.scalars(select(AccessGrant).where(
        AccessGrant.organisation_id == organisation_id, AccessGrant.venue_id == venue_id,
        AccessGrant.starts_on <= day, AccessGrant.ends_on >= day,
    ))
    return any(not grant.space_kinds or kind in grant.space_kinds for grant in grants)


def monthly_allowances(db: Session, *, on: date) -> dict[int, int]:
    """Each start-up's monthly credits from the grants active on `on`."""
    allowances: dict[int, int] = {}
    for grant in list_grants(db, on=on):
        allowances[grant.organisation_id] = allowances.get(grant.organisation_id, 0) + grant.monthly_credits
    return allowances


# -- dedicated desks ------------------------------------------------------------------------------


def allocate_desk(
    db: Session, *, actor: User, space_id: int, organisation_id: int, starts_on: date, ends_on: date, now: datetime,
    source_key: str | None = None,
) -> DeskAllocation:
    """Give a dedicated desk to one start-up from `starts_on` through `ends_on`."""
    require(actor, "access.grant")
    if ends_on < starts_on:
        raise Invalid("The last day must not be before the first.", field="ends_on")
    space = db.scalar(select(Space).where(Space.id == space_id).with_for_update())
    if space is None or space.kind != SpaceKind.DEDICATED_DESK:
        raise Invalid("Choose a dedicated desk.", field="space_id")
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        raise Invalid("No such start-up.", field="organisation_id")
    clash = _allocation_overlapping(db, space_id, starts_on, ends_on)
    if clash is not None:
        raise _taken(db, space, clash)
    allocation = DeskAllocation(space_id=space_id, organisation_id=organisation_id, starts_on=starts_on,
                                ends_on=ends_on, source_key=source_key, created_at=now, created_by=actor.id)
    try:
        with db.begin_nested():
            db.add(allocation)
            db.flush()
    except IntegrityError as exc:  # a concurrent allocation won (PostgreSQL's constraint)
        if getattr(exc.orig, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        raise Conflict("This desk was just allocated to another start-up.", field="space_id",
                       code=DESK_ALLOCATED) from None
    audit.record(db, actor=actor, action="desk.allocate", obj=allocation, now=now,
                 summary=said(N_("{space} to {organisation}, {first} to {last}"), space=space.name,
                              organisation=organisation.name, first=starts_on, last=ends_on))
    return allocation


def end_allocation(db: Session, *, actor: User, allocation_id: int, last_day: date, now: datetime) -> None:
    """The start-up keeps the desk through `last_day`; an allocation that had not begun is removed."""
    require(actor, "access.grant")
    allocation = db.get(DeskAllocation, allocation_id)
    if allocation is None:
        raise NotFound("No such allocation.")
    summary = said(N_("desk allocation #{allocation} ends after {day}"), allocation=allocation.id, day=last_day)
    _shorten(db, allocation, last_day)
    db.flush()
    audit.record(db, actor=actor, action="desk.end_allocation", obj=allocation, now=now, summary=summary)


def list_allocations(db: Session, *, venue_id: int | None = None, on: date | None = None) -> list[DeskAllocation]:
    """Allocations with their desk and floor; with `on`, those covering that day and later ones."""
    query = (
        select(DeskAllocation)
        .join(Space, Space.id == DeskAllocation.space_id)
        .join(Floor, Floor.id == Space.floor_id)
        .options(joinedload(DeskAllocation.space).joinedload(Space.floor))
    )
    if venue_id is not None:
        query = query.where(Floor.venue_id == venue_id)
    if on is not None:
        query = query.where(DeskAllocation.ends_on >= on)
    return list(db.scalars(query.order_by(Floor.level, Space.name, DeskAllocation.starts_on)))


def allocation_on(db: Session, space_id: int, day: date) -> DeskAllocation | None:
    return _allocation_overlapping(db, space_id, day, day)


def allocated_desk_ids(db: Session, space_ids: Iterable[int], day: date) -> dict[int, int]:
    """For the desks allocated on `day` among `space_ids`: the start-up holding each."""
    rows = db.execute(select(DeskAllocation.space_id, DeskAllocation.organisation_id).where(
        DeskAllocation.space_id.in_(list(space_ids)), DeskAllocation.starts_on <= day, DeskAllocation.ends_on >= day,
    ))
    return {space_id: organisation_id for space_id, organisation_id in rows}


def _allocation_overlapping(db: Session, space_id: int, first: date, last: date) -> DeskAllocation | None:
    return db.scalar(select(DeskAllocation).where(
        DeskAllocation.space_id == space_id, DeskAllocation.starts_on <= last, DeskAllocation.ends_on >= first,
    ).order_by(DeskAllocation.starts_on).limit(1))


def _taken(db: Session, space: Space, clash: DeskAllocation) -> Conflict:
    holder = db.get(Organisation, clash.organisation_id)
    return Conflict("Desk {space} is allocated to {startup} from {first} to {last}.", field="space_id",
                    code=DESK_ALLOCATED, space=space.name, startup=holder.name if holder else "?", first=clash.starts_on.isoformat(),
                    last=clash.ends_on.isoformat())
