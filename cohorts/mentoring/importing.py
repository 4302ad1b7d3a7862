"""The mentors' kind of import and export: people with the role `mentor` and their profile.

Registered on import of this module; the columns are documented in the README ("Import and export").
Unknown expertise tags are created, so that a mentors' spreadsheet goes in at once."""
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cohorts import importing as people
from cohorts.mentoring import mentors
from cohorts.mentoring.enums import MentorMode
from cohorts.mentoring.models import ExpertiseTag, MentorProfile
from spaces.venues.models import Venue
from totem.errors import DomainError
from totem.i18n import N_
from totem.identity import service as identity
from totem.identity.enums import Role
from totem.identity.models import User
from totem.importing import ImportResult, Options, Row, read_csv, register_kind, split_list


MENTOR_COLUMNS = ("email", "name", "expertise", "languages", "capacity", "company", "mode", "venue", "online_url")


MODES = {mode.value for mode in MentorMode}


def import_mentors(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    """Mentors keyed by e-mail: the user with the role `mentor` and their profile; unknown expertise tags are created."""
    rows = read_csv(data, required=("email", "name"), optional=MENTOR_COLUMNS)
    venues = {venue.name: venue.id for venue in db.scalars(select(Venue))}
    tags = {tag.name for tag in db.scalars(select(ExpertiseTag))}
    seen: dict[str, int] = {}
    for row in rows:
        email = people.checked_email(row, result, seen)
        if email is None:
            continue
        name = " ".join(row.get("name").split())
        if not name or len(name) > people.NAME_MAX:
            result.refuse(row.line, N_("Give the person's name in at most {length} characters."), length=people.NAME_MAX)
            continue
        values = _mentor_values(row, result, venues)
        if values is None:
            continue
        new_tags = sorted({" ".join(t.split()).lower() for t in values.expertise} - tags)
        savepoint = db.begin_nested()
        try:
            for tag in new_tags:
                mentors.add_tag(db, actor=options.actor, name=tag, now=options.now)
            tags.update(new_tags)
            created, changed = _write_mentor(db, email, name, values, options.actor, options)
        except DomainError as error:
            savepoint.rollback()
            result.refuse(row.line, error.message, **error.params)
            continue
        savepoint.commit()
        summary = f"{name} <{email}>" + (f" (new expertise: {', '.join(new_tags)})" if new_tags else "")
        people.record(result, row.line, summary, created=created, changed=changed)


def _mentor_values(row: Row, result: ImportResult, venues: dict[str, int]) -> mentors.ProfileData | None:
    """The profile the line describes, or None once its refusal is recorded; the service checks the rest."""
    venue_name = row.get("venue")
    if venue_name:
        venue_id = venues.get(venue_name)
        if venue_id is None:
            result.refuse(row.line, N_("Unknown venue {venue}."), venue=venue_name)
            return None
    elif len(venues) == 1:
        venue_id = next(iter(venues.values()))
    else:
        result.refuse(row.line, N_("Name the mentor's venue in the column venue.") if venues
                      else N_("There is no venue yet: import the spaces first."))
        return None
    try:
        capacity = int(row.get("capacity") or 4)
    except ValueError:
        result.refuse(row.line, N_("The capacity is a whole number of hours a month, not {capacity}."),
                      capacity=row.get("capacity"))
        return None
    online_url = row.get("online_url")
    mode = row.get("mode").lower() or (MentorMode.EITHER if online_url else MentorMode.IN_PERSON)
    if mode not in MODES:
        result.refuse(row.line, N_("Unknown mode {mode}: write one of {modes}."), mode=row.get("mode"),
                      modes=", ".join(m.value for m in MentorMode))
        return None
    return mentors.ProfileData(
        venue_id=venue_id, company=row.get("company"), expertise=tuple(split_list(row.get("expertise"))),
        languages=tuple(split_list(row.get("languages").lower())) or ("fr",), monthly_capacity_hours=capacity,
        mode=mode, online_url=online_url)


def _write_mentor(db: Session, email: str, name: str, values: mentors.ProfileData, actor: User,
                  options: Options) -> tuple[bool, bool]:
    """Write one mentor through the mentors' service (its checks apply); (created, changed)."""
    created = identity.get_user_by_email(db, email) is None
    user, changed = people.person(db, email=email, name=name, role=Role.MENTOR, locale="", options=options)
    profile = mentors.find_profile(db, user.id)
    if profile is None:
        mentors.create_profile(db, actor=actor, user_id=user.id, data=values, now=options.now)
        return created, True
    tags = sorted({" ".join(t.split()).lower() for t in values.expertise})
    languages = [language.strip().lower() for language in values.languages]
    current = (profile.venue_id, profile.company, sorted(t.name for t in profile.expertise), profile.languages,
               profile.monthly_capacity_hours, profile.mode, profile.online_url)
    wanted = (values.venue_id, values.company.strip(), tags, sorted(set(languages), key=languages.index),
              values.monthly_capacity_hours, values.mode, values.online_url.strip())
    if current != wanted:
        # What the file does not hold (bio, private notes, active) stays as it was.
        kept = mentors.ProfileData(**{**values.__dict__, "bio": profile.bio, "notes_private": profile.notes_private,
                                      "is_active": profile.is_active})
        mentors.update_profile(db, actor=actor, mentor_id=user.id, data=kept, now=options.now)
        changed = True
    return created, changed


def export_mentors(db: Session) -> Iterator[Sequence[str]]:
    """Every mentor's profile, by e-mail."""
    yield MENTOR_COLUMNS
    venues = {venue.id: venue.name for venue in db.scalars(select(Venue))}
    profiles = db.scalars(select(MentorProfile).join(User, User.id == MentorProfile.user_id)
                          .options(selectinload(MentorProfile.user), selectinload(MentorProfile.expertise))
                          .order_by(User.email))
    for profile in profiles:
        yield (profile.user.email, profile.user.name, "|".join(tag.name for tag in profile.expertise),
               "|".join(profile.languages), str(profile.monthly_capacity_hours), profile.company, profile.mode,
               venues[profile.venue_id], profile.online_url)


register_kind("mentors", import_mentors, export_mentors, label=N_("Mentors"))
