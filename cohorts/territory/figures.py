"""The territory's figures for the Métropole: how many organisations by kind, sector and city."""
from dataclasses import dataclass

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from cohorts.territory import service
from cohorts.territory.enums import ActorStatus
from cohorts.territory.models import Actor, ActorSector, Sector
from totem.identity.models import User
from totem.permissions import require


@dataclass(frozen=True)
class TerritoryFigures:
    """How many approved actors there are by kind, sector and city (all of them, listed or not: counts name
    nobody; a city an actor keeps to itself counts as unknown)."""

    total: int
    listed: int
    by_kind: list[tuple[str, int]]  # kind, count; most first
    by_sector: list[tuple[Sector, int]]
    by_city: list[tuple[str, int]]  # "" for not given or not published


def count_actors(db: Session, *, actor: User) -> TerritoryFigures:
    require(actor, "territory.manage")
    approved = Actor.status == ActorStatus.APPROVED
    total = db.scalar(select(func.count()).where(approved)) or 0
    listed = db.scalar(select(func.count()).where(service.in_directory())) or 0
    count = func.count(Actor.id)
    by_kind = db.execute(select(Actor.kind, count).where(approved).group_by(Actor.kind)
                         .order_by(count.desc(), Actor.kind)).tuples().all()
    by_sector = db.execute(select(Sector, count).join(ActorSector, ActorSector.sector_id == Sector.id)
                           .join(Actor, Actor.id == ActorSector.actor_id).where(approved).group_by(Sector.id)
                           .order_by(count.desc(), Sector.name_fr)).tuples().all()
    city = case((Actor.show_city, Actor.city), else_=literal_column("''"))
    by_city = db.execute(select(city, count).where(approved).group_by(city)
                         .order_by(count.desc(), city)).tuples().all()
    return TerritoryFigures(total=total, listed=listed, by_kind=list(by_kind), by_sector=list(by_sector),
                            by_city=list(by_city))
