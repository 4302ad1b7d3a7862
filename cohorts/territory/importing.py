"""The territory's organisations as a file: `totem import actors FILE` and the Import page, keyed by name.

The building's own start-ups and operators are not in it (they are described where they live); an export
imports back as the same organisations. Each line is written in its own savepoint, so that a refused line
leaves the lines after it a clean database to be checked against (`run_import` rolls the whole file back).
"""
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts import importing as lines
from cohorts.territory import service
from cohorts.territory.enums import TagSide
from cohorts.territory.models import Actor
from totem.errors import DomainError
from totem.i18n import N_
from totem.importing import ImportResult, Options, Row, read_csv, register_kind, split_list

COLUMNS = ("name", "kind", "city", "size", "sectors", "offers", "needs", "languages", "website", "about",
           "looking_for", "listed", "hidden")
YES, NO = ("yes", "oui", "1", "true"), ("no", "non", "0", "false", "")


def import_actors(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    """Changed organisations are updated line by line; the new ones are checked line by line and written at
    once at the end (5,000 in a few seconds)."""
    rows = read_csv(data, required=("name", "kind"), optional=COLUMNS)
    vocabulary = service.Vocabulary.read(db)
    existing = {actor.name.lower(): actor for actor in service.territory_actors(db) if actor.name}
    taken = {name.lower() for name in db.scalars(select(Actor.name).where(Actor.name.is_not(None)))}
    seen: dict[str, int] = {}
    new: list[service.Checked] = []
    for row in rows:
        description = _description(row, result, seen)
        if description is None:
            continue
        target = existing.get(description.name.lower())
        if target is not None and _same(target, description):
            result.unchanged += 1
            continue
        try:
            if target is None:  # checked now, written with the others at the end
                new.append(service.check(db, Actor(), description, vocabulary=vocabulary,
                                         name_taken=lambda name: name.lower() in taken))
            else:
                with db.begin_nested():
                    service.update_actor(db, actor=options.actor, target=target, description=description,
                                         now=options.now, vocabulary=vocabulary)
        except DomainError as error:
            result.refuse(row.line, error.message, **error.params)
            continue
        lines.record(result, row.line, description.name, created=target is None, changed=True)
    if new and not result.refused:
        service.add_actors(db, actor=options.actor, descriptions=new, now=options.now)


def _same(actor: Actor, description: service.ActorDescription) -> bool:
    """Whether the line says what the organisation already is (lists in any order): nothing to write."""
    shown = {part: getattr(actor, f"show_{part}") for part in service.SHOWN_PARTS}
    return (actor.name, actor.kind, actor.city, actor.size or "", actor.website, actor.about, actor.looking_for,
            actor.listed, shown, set(actor.languages), {sector.code for sector in actor.sectors},
            {tag.code for tag in actor.tags(TagSide.OFFERS)}, {tag.code for tag in actor.tags(TagSide.NEEDS)}) == (
        description.name, description.kind, description.city.strip(), description.size, description.website.strip(),
        description.about.strip(), description.looking_for.strip(), description.listed, description.shown,
        set(description.languages), set(description.sectors), set(description.offers), set(description.needs))


def _description(row: Row, result: ImportResult, seen: dict[str, int]) -> service.ActorDescription | None:
    name = " ".join(row.get("name").split())
    if name.lower() in seen:
        result.refuse(row.line, N_("Line {line} already describes {name}."), line=seen[name.lower()], name=name)
        return None
    seen[name.lower()] = row.line
    listed, hidden = row.get("listed").lower(), set(split_list(row.get("hidden").lower()))
    if listed not in YES + NO:
        result.refuse(row.line, N_("Write yes or no in {column}."), column="listed")
        return None
    if hidden - set(service.SHOWN_PARTS):
        result.refuse(row.line, N_("{column} takes {values}."), column="hidden",
                      values="|".join(service.SHOWN_PARTS))
        return None
    return service.ActorDescription(
        kind=row.get("kind").lower(), name=name, city=row.get("city"), size=row.get("size").lower(),
        about=row.get("about"), looking_for=row.get("looking_for"), website=row.get("website"),
        languages=split_list(row.get("languages").lower()), sectors=split_list(row.get("sectors").lower()),
        offers=split_list(row.get("offers").lower()), needs=split_list(row.get("needs").lower()),
        listed=listed in YES, shown={part: part not in hidden for part in service.SHOWN_PARTS})


def _cells(actor: Actor) -> Sequence[str]:
    """An organisation of the territory as a line of the file."""
    hidden = [part for part in service.SHOWN_PARTS if not getattr(actor, f"show_{part}")]
    return (actor.name or "", actor.kind, actor.city, actor.size or "",
            "|".join(sector.code for sector in actor.sectors),
            "|".join(tag.code for tag in actor.tags(TagSide.OFFERS)),
            "|".join(tag.code for tag in actor.tags(TagSide.NEEDS)), "|".join(actor.languages), actor.website,
            actor.about, actor.looking_for, "yes" if actor.listed else "no", "|".join(hidden))


def export_actors(db: Session) -> Iterator[Sequence[str]]:
    """Every organisation of the territory (not the building's own), by name."""
    yield COLUMNS
    for actor in service.territory_actors(db):
        yield _cells(actor)


register_kind("actors", import_actors, export_actors, label=N_("Organisations of the territory"))
