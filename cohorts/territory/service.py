"""The territory's actors: describing one, what it publishes, the building's own start-ups and operators as
actors, and the public directory's search."""
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, distinct, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from cohorts.programs.models import Enrolment, Track
from cohorts.territory import search
from cohorts.territory.enums import ActorKind, ActorSize, ActorStatus, TagSide
from cohorts.territory.labels import KIND_LABELS
from cohorts.territory.models import Actor, ActorSector, ActorTag, ActorTagging, Sector
from spaces.operators.models import Operator
from totem.audit.service import record
from totem.errors import Conflict, Invalid, NotFound
from totem.i18n import N_, said, translate
from totem.identity.models import Organisation, User
from totem.permissions import is_staff, require, rule
from totem.settings import get_settings
from totem.text import bounded, website

NAME_MAX, CITY_MAX, ABOUT_MAX = 200, 100, 2000
LANGUAGES = ("fr", "en", "es", "it", "de", "pt", "ar", "zh")  # what the directory's actors work in
TAGS_MAX = 12
PAGE_SIZE = 25
Word = TypeVar("Word", Sector, ActorTag)


@rule("territory.manage")
def _manage_territory(user: User, _obj: object) -> bool:
    return is_staff(user)


# -- describing an actor ---------------------------------------------------------------------------


@dataclass
class ActorDescription:
    """What a manager (or the actor's contact) says about an actor; codes for the vocabularies."""

    kind: str
    name: str = ""  # for an actor of the territory; the building's start-ups and operators keep their own name
    city: str = ""
    size: str = ""
    about: str = ""
    looking_for: str = ""
    website: str = ""
    languages: Sequence[str] = ()
    sectors: Sequence[str] = ()
    offers: Sequence[str] = ()
    needs: Sequence[str] = ()
    listed: bool = False
    shown: dict[str, bool] = field(default_factory=dict)  # city, size, about, tags, website: default shown


SHOWN_PARTS = ("city", "size", "about", "tags", "website")


@dataclass(frozen=True)
class Vocabulary:
    """The sectors and the tags by code: read once for a whole import rather than once per line."""

    sectors: dict[str, Sector]
    tags: dict[str, ActorTag]

    @classmethod
    def read(cls, db: Session) -> "Vocabulary":
        return cls({sector.code: sector for sector in sectors(db)}, {tag.code: tag for tag in tags(db)})


@dataclass(frozen=True)
class Checked:
    """A description whose every value passed: what `_apply` writes."""

    name: str | None
    description: ActorDescription
    city: str
    about: str
    looking_for: str
    website: str
    sectors: list[Sector]
    offers: list[ActorTag]
    needs: list[ActorTag]


def create_actor(db: Session, *, actor: User, description: ActorDescription, now: datetime) -> Actor:
    """An organisation of the territory, approved at once since a manager adds it."""
    require(actor, "territory.manage")
    created = Actor(created_at=now, status=ActorStatus.APPROVED)
    checked = check(db, created, description, name_taken=name_taken(db, created))
    created.slug = free_slug(db, checked.name or "")
    apply(db, created, checked, by=actor, now=now, fresh=True)
    record(db, actor=actor, action="actor.create", obj=created,
           summary=said(N_("{name} added to the directory"), name=created.display_name), now=now)
    return created


def update_actor(db: Session, *, actor: User, target: Actor, description: ActorDescription, now: datetime,
                 vocabulary: Vocabulary | None = None) -> Actor:
    require(actor, "territory.manage")
    checked = check(db, target, description, vocabulary=vocabulary, name_taken=name_taken(db, target))
    apply(db, target, checked, by=actor, now=now, fresh=False)
    record(db, actor=actor, action="actor.update", obj=target,
           summary=said(N_("{name} changed in the directory"), name=target.display_name), now=now)
    return target


def add_actors(db: Session, *, actor: User, descriptions: Sequence[Checked], now: datetime) -> None:
    """Many new organisations at once (an import, which the audit log records as one): two statements a table."""
    require(actor, "territory.manage")
    slugs = set(db.scalars(select(Actor.slug)))
    created = []
    for checked in descriptions:
        new = Actor(created_at=now, status=ActorStatus.APPROVED, slug=free_slug(db, checked.name or "", slugs))
        slugs.add(new.slug)
        _write(new, checked, by=actor, now=now)
        created.append((new, checked))
    db.add_all(new for new, _checked in created)
    db.flush()
    db.add_all([association for new, checked in created for association in _associations(new, checked)])
    db.flush()


def name_taken(db: Session, target: Actor) -> Callable[[str], bool]:
    def taken(name: str) -> bool:
        same_name = select(Actor.id).where(func.lower(Actor.name) == name.lower())
        return db.scalar(same_name.where(Actor.id != target.id) if target.id else same_name) is not None

    return taken


def check(db: Session, target: Actor, description: ActorDescription, *, name_taken: Callable[[str], bool],
          vocabulary: Vocabulary | None = None) -> Checked:
    """Every value of the description checked, before anything is written: a refusal changes nothing."""
    if description.kind not in set(ActorKind):
        raise Invalid("Choose a kind of organisation.", field="kind")
    if description.size and description.size not in set(ActorSize):
        raise Invalid("Choose a size from the list.", field="size")
    if set(description.languages) - set(LANGUAGES):
        raise Invalid("Choose languages from the list.", field="languages")
    name = target.name
    if target.organisation_id is None and target.operator_id is None:
        name = bounded(description.name, field="name", longest=NAME_MAX)
        if not name:
            raise Invalid("Enter the organisation's name.", field="name")
        if name_taken(name):
            raise Conflict("{name} is in the directory already.", field="name", name=name)
    known = vocabulary or Vocabulary.read(db)
    return Checked(
        name=name, description=description, city=bounded(description.city, field="city", longest=CITY_MAX),
        about=bounded(description.about, field="about", longest=ABOUT_MAX),
        looking_for=bounded(description.looking_for, field="looking_for", longest=ABOUT_MAX),
        website=website(description.website),
        sectors=_chosen(known.sectors, description.sectors, field_name="sectors"),
        offers=_chosen(known.tags, description.offers, field_name="offers"),
        needs=_chosen(known.tags, description.needs, field_name="needs"))


def _write(target: Actor, checked: Checked, *, by: User | None, now: datetime) -> None:
    description = checked.description
    target.name, target.kind, target.size = checked.name, description.kind, description.size or None
    target.city, target.about, target.looking_for = checked.city, checked.about, checked.looking_for
    target.website = checked.website
    target.languages = [code for code in LANGUAGES if code in set(description.languages)]
    for part in SHOWN_PARTS:
        setattr(target, f"show_{part}", description.shown.get(part, True))
    if description.listed and not target.listed:
        target.listing_consent_at, target.listing_consent_by_id = now, by.id if by else None
    target.listed = description.listed
    target.updated_at = now
    target.search_document = _document(target, checked.name or target.display_name, checked.sectors,
                                       [*checked.offers, *checked.needs])


def apply(db: Session, target: Actor, checked: Checked, *, by: User | None, now: datetime, fresh: bool) -> None:
    """Write what `check` passed: the actor, its sectors and tags (replaced, unless `fresh`)."""
    _write(target, checked, by=by, now=now)
    db.add(target)
    db.flush()
    if not fresh:
        db.execute(delete(ActorSector).where(ActorSector.actor_id == target.id))
        db.execute(delete(ActorTagging).where(ActorTagging.actor_id == target.id))
    db.add_all(_associations(target, checked))
    db.flush()
    db.expire(target, ["sectors", "taggings"])


def _associations(target: Actor, checked: Checked) -> list[ActorSector | ActorTagging]:
    return [*(ActorSector(actor_id=target.id, sector_id=sector.id) for sector in checked.sectors),
            *(ActorTagging(actor_id=target.id, tag_id=tag.id, side=TagSide.OFFERS) for tag in checked.offers),
            *(ActorTagging(actor_id=target.id, tag_id=tag.id, side=TagSide.NEEDS) for tag in checked.needs)]


def _chosen(known: dict[str, Word], codes: Sequence[str], *, field_name: str) -> list[Word]:
    wanted = list(dict.fromkeys(codes))
    if len(wanted) > TAGS_MAX:
        raise Invalid("Choose at most {count}.", field=field_name, count=TAGS_MAX)
    if any(code not in known for code in wanted):
        raise Invalid("Choose from the list.", field=field_name)
    return [known[code] for code in wanted]


def free_slug(db: Session, name: str, taken: set[str] | None = None) -> str:
    """The name's words as an address; `-2`, `-3`... after it when taken (`taken`: every slug, else asked)."""
    base = re.sub(r"[^a-z0-9]+", "-", search.fold(name)).strip("-")[:100] or "actor"
    if taken is None:
        taken = set(db.scalars(select(Actor.slug).where(Actor.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _document(target: Actor, name: str, sectors: Sequence[Sector], tags: Sequence[ActorTag]) -> str:
    """The actor's search words, from what it publishes: its name and kind, its sectors, and each part it shows,
    in both languages so that a word of either finds it."""
    parts = [name, *_both_languages(KIND_LABELS[ActorKind(target.kind)])]
    parts += [word for sector in sectors for word in (sector.name_fr, sector.name_en)]
    if target.show_city:
        parts.append(target.city)
    if target.show_about:
        parts += [target.about, target.looking_for]
    if target.show_tags:
        parts += [word for tag in tags for word in (tag.name_fr, tag.name_en)]
    return search.document(*parts)


def _both_languages(msgid: str) -> tuple[str, str]:
    return translate("fr", msgid), msgid


# -- the building's own start-ups and operators ----------------------------------------------------


def link_the_building(db: Session, *, now: datetime) -> int:
    """Give each of the building's start-ups and operators its (unlisted) place among the actors, once: each
    decides to be listed. A start-up takes the sectors named like its tracks. Returns how many were added."""
    added = 0
    sectors_by_name = {sector.name_fr: sector for sector in db.scalars(select(Sector))}
    linked_organisations = select(Actor.organisation_id).where(Actor.organisation_id.is_not(None))
    startups = db.scalars(select(Organisation).where(Organisation.kind == "startup",
                                                     Organisation.id.not_in(linked_organisations))).all()
    for organisation in startups:
        track_names = set(db.scalars(select(Track.name).join(Enrolment, Enrolment.track_id == Track.id)
                                     .where(Enrolment.organisation_id == organisation.id)))
        sectors = [sectors_by_name[name] for name in sorted(track_names) if name in sectors_by_name]
        _link(db, Actor(organisation_id=organisation.id, kind=ActorKind.STARTUP), organisation.name, sectors, now)
        added += 1
    linked_operators = select(Actor.operator_id).where(Actor.operator_id.is_not(None))
    for operator in db.scalars(select(Operator).where(Operator.id.not_in(linked_operators))).all():
        _link(db, Actor(operator_id=operator.id, kind=ActorKind.INCUBATOR), operator.display_name, [], now)
        added += 1
    return added


def _link(db: Session, linked: Actor, name: str, sectors: list[Sector], now: datetime) -> None:
    linked.created_at = linked.updated_at = now
    linked.slug = free_slug(db, name)
    linked.search_document = _document(linked, name, sectors, [])
    db.add(linked)
    db.flush()
    db.add_all(ActorSector(actor_id=linked.id, sector_id=sector.id) for sector in sectors)


# -- reading ---------------------------------------------------------------------------------------

LOADED = (joinedload(Actor.organisation), joinedload(Actor.operator), selectinload(Actor.sectors),
           selectinload(Actor.taggings).joinedload(ActorTagging.tag))


def not_found() -> NotFound:
    return NotFound("No such organisation in the directory.")


def page_url(actor: Actor) -> str:
    """The organisation's page in the public directory (shown once it is approved and listed)."""
    return f"{get_settings().base_url.rstrip('/')}/directory/{actor.slug}"


def get_actor(db: Session, actor_id: int) -> Actor:
    found = db.scalar(select(Actor).where(Actor.id == actor_id).options(*LOADED)
                      .execution_options(populate_existing=True))
    if found is None:
        raise not_found()
    return found


def territory_actors(db: Session) -> list[Actor]:
    """The organisations of the territory (not the building's own start-ups and operators), by name."""
    return list(db.scalars(select(Actor).where(Actor.name.is_not(None)).options(*LOADED)
                           .order_by(func.lower(Actor.name), Actor.id)))


def get_managed_actor(db: Session, *, actor: User, actor_id: int) -> Actor:
    require(actor, "territory.manage")
    return get_actor(db, actor_id)


def in_directory() -> ColumnElement[bool]:
    return (Actor.status == ActorStatus.APPROVED) & Actor.listed


@dataclass(frozen=True)
class PublishedActor:
    """What the directory shows of an actor: its name, kind, sectors and languages, and each part it chose to
    publish (None, or empty, for a part it keeps to itself). Nothing else leaves this module for a public page."""

    slug: str
    name: str
    kind: str
    sectors: list[Sector]
    languages: list[str]
    city: str | None
    size: str | None
    about: str | None
    looking_for: str | None
    website: str | None
    offers: list[ActorTag]
    needs: list[ActorTag]


def published(actor: Actor) -> PublishedActor:
    return PublishedActor(
        slug=actor.slug, name=actor.display_name, kind=actor.kind, sectors=list(actor.sectors),
        languages=list(actor.languages), city=(actor.city or None) if actor.show_city else None,
        size=actor.size if actor.show_size else None,
        about=(actor.about or None) if actor.show_about else None,
        looking_for=(actor.looking_for or None) if actor.show_about else None,
        website=(actor.website or None) if actor.show_website else None,
        offers=actor.tags(TagSide.OFFERS) if actor.show_tags else [],
        needs=actor.tags(TagSide.NEEDS) if actor.show_tags else [],
    )


def get_listed_actor(db: Session, slug: str) -> PublishedActor:
    """An actor's public page: only one approved and listed; any other is as unknown as a wrong address."""
    found = db.scalar(select(Actor).where(Actor.slug == slug[:120], in_directory()).options(*LOADED))
    if found is None:
        raise not_found()
    return published(found)


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    kind: str = ""
    sector: str = ""
    city: str = ""
    offers: str = ""
    needs: str = ""

    @property
    def any(self) -> bool:
        return any((self.query.strip(), self.kind, self.sector, self.city, self.offers, self.needs))


def search_directory(db: Session, filters: DirectoryFilters, *, limit: int = PAGE_SIZE,
                     offset: int = 0) -> tuple[list[PublishedActor], int]:
    """The listed actors that match, by name, with the total; every filter reads only what an actor shows."""
    query = select(Actor).where(in_directory())
    words = search.matches(Actor.search_document, filters.query, db.get_bind().dialect.name)
    if words is not None:
        query = query.where(words)
    if filters.kind:
        query = query.where(Actor.kind == filters.kind)
    if filters.sector:
        query = query.where(Actor.id.in_(select(ActorSector.actor_id).join(Sector)
                                         .where(Sector.code == filters.sector)))
    if filters.city:
        query = query.where(Actor.show_city, func.lower(Actor.city) == filters.city.strip().lower())
    for side, code in ((TagSide.OFFERS, filters.offers), (TagSide.NEEDS, filters.needs)):
        if code:
            query = query.where(Actor.show_tags, Actor.id.in_(
                select(ActorTagging.actor_id).join(ActorTag).where(ActorTagging.side == side, ActorTag.code == code)))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    name = func.lower(func.coalesce(Actor.name, Organisation.name, func.nullif(Operator.branding_name, ""), Operator.name))
    page = (query.outerjoin(Organisation, Actor.organisation_id == Organisation.id)
            .outerjoin(Operator, Actor.operator_id == Operator.id)
            .options(*LOADED).order_by(name, Actor.id).limit(limit).offset(offset))
    return [published(actor) for actor in db.scalars(page).unique()], total


def listed_cities(db: Session) -> list[str]:
    """The cities the listed actors show, for the directory's filter."""
    return list(db.scalars(select(distinct(Actor.city)).where(in_directory(), Actor.show_city, Actor.city != "")
                           .order_by(Actor.city)))


def sectors(db: Session) -> list[Sector]:
    return list(db.scalars(select(Sector).order_by(Sector.name_fr)))


def choices(words: Sequence[Sector] | Sequence[ActorTag], locale: str) -> list[tuple[str, str]]:
    """(code, name) in the reader's language, in its alphabetical order: "Énergie" among the E's, not last."""
    return sorted(((word.code, word.name(locale)) for word in words), key=lambda choice: search.fold(choice[1]))


def tags(db: Session) -> list[ActorTag]:
    return list(db.scalars(select(ActorTag).order_by(ActorTag.name_fr)))

