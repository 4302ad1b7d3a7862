"""The cohorts' kinds of import and export: start-ups (enrolled in their cohort), members, mentors.

Registered on import of this module; the columns are documented in the README
("Import and export"). People are created without a password and are not
mailed: a manager invites them with "Invite" on the Import page. An import adds
memberships and roles, never removes one. Each line is written in its own
savepoint, so that a refused line leaves the lines after it a clean database
to be checked against (the whole file is rolled back by `run_import` anyway).
"""
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cohorts import enrolment as enrolments
from cohorts import mentors, queries
from cohorts.enums import EnrolmentStatus, MentorMode, Stage
from cohorts.mentor_models import ExpertiseTag, MentorProfile
from cohorts.models import Cohort, Enrolment, StartupProfile, Track
from spaces.venues.models import Venue
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity import service as identity
from totem.identity.enums import Locale, OrganisationKind, Role
from totem.identity.models import Membership, Organisation, User, UserRole
from totem.importing import ImportResult, Line, Options, Row, read_csv, register_kind, split_list

STARTUP_COLUMNS = ("name", "track", "cohort", "country", "website", "member_emails", "program", "stage", "sector")
MEMBER_COLUMNS = ("email", "name", "startups", "locale")
MENTOR_COLUMNS = ("email", "name", "expertise", "languages", "capacity", "company", "mode", "venue", "online_url")
NAME_MAX, WEBSITE_MAX, SECTOR_MAX = 200, 300, 100
STAGES = {stage.value for stage in Stage}
LOCALES = {locale.value for locale in Locale}
MODES = {mode.value for mode in MentorMode}


def _actor(options: Options) -> User:
    """Who the services act for: the manager on the page; on the command line, the operator as a system admin.

    The system actor is never added to the session: the audit log records it as nobody (the system).
    """
    if options.actor is not None:
        return options.actor
    return User(email="system", name="Totem", is_active=True, roles=[UserRole(role=Role.ADMIN)])


def _email(row: Row, result: ImportResult, seen: dict[str, int]) -> str | None:
    """The line's e-mail, normalised, or None once its refusal is recorded (bad, or already on another line)."""
    try:
        email = identity.normalize_email(row.get("email"))
    except Invalid:
        result.refuse(row.line, N_("Bad e-mail {email}."), email=row.get("email"))
        return None
    if email in seen:
        result.refuse(row.line, N_("Line {line} already describes {email}."), line=seen[email], email=email)
        return None
    seen[email] = row.line
    return email


def _person(db: Session, *, email: str, name: str, role: str, locale: str, options: Options) -> tuple[User, bool]:
    """The user of this e-mail, created without a password (so not mailed) or given the name and role; and
    whether anything changed."""
    user = identity.get_user_by_email(db, email)
    if user is None:
        user = identity.create_user(db, actor=None, email=email, name=name or email.split("@")[0], roles=[role],
                                    now=options.now, locale=locale or Locale.FR)
        return user, True
    changed = False
    if name and user.name != name:
        user.name, changed = name, True
    if locale and user.locale != locale:
        user.locale, changed = locale, True
    if not user.has_role(role):
        user.roles.append(UserRole(role=role))
        changed = True
    return user, changed


def _join(db: Session, user: User, organisation: Organisation, options: Options) -> bool:
    """Make the user a member of the start-up; whether they were not one already."""
    exists = db.scalar(select(Membership.id).where(Membership.user_id == user.id,
                                                   Membership.organisation_id == organisation.id))
    if exists is not None:
        return False
    identity.add_membership(db, actor=options.actor, user=user, organisation=organisation, now=options.now)
    return True


def _record(result: ImportResult, line: int, summary: str, *, created: bool, changed: bool) -> None:
    if created:
        result.created.append(Line(line, summary))
    elif changed:
        result.updated.append(Line(line, summary))
    else:
        result.unchanged += 1


# -- start-ups --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartupLine:
    name: str
    cohort: Cohort | None
    track: Track | None
    profile: dict[str, str | None]  # only the profile columns the file has
    emails: list[str]


def import_startups(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    """Start-ups keyed by name: their profile, their enrolment in the cohort (with its space rights), members."""
    rows = read_csv(data, required=("name",), optional=STARTUP_COLUMNS)
    actor = _actor(options)
    cohorts = queries.list_cohorts(db)
    seen: dict[str, int] = {}
    for row in rows:
        wanted = _startup_line(row, result, cohorts, seen)
        if wanted is None:
            continue
        savepoint = db.begin_nested()
        try:
            created, changed = _write_startup(db, wanted, actor, options)
        except DomainError as error:
            savepoint.rollback()
            result.refuse(row.line, error.message, **error.params)
            continue
        savepoint.commit()
        _record(result, row.line, wanted.name, created=created, changed=changed)
    db.flush()


def _startup_line(row: Row, result: ImportResult, cohorts: list[Cohort], seen: dict[str, int]) -> StartupLine | None:
    name = " ".join(row.get("name").split())
    if not name or len(name) > NAME_MAX:
        result.refuse(row.line, N_("Name the start-up in at most {length} characters."), length=NAME_MAX)
        return None
    if name.lower() in seen:
        result.refuse(row.line, N_("Line {line} already describes the start-up {startup}."),
                      line=seen[name.lower()], startup=name)
        return None
    seen[name.lower()] = row.line
    cohort_name, track_name, program_name = row.get("cohort"), row.get("track"), row.get("program")
    cohort = track = None
    if cohort_name:
        found = [c for c in cohorts if c.name == cohort_name and (not program_name or c.program.name == program_name)]
        if not found:
            result.refuse(row.line, N_("Unknown cohort {cohort}."), cohort=cohort_name)
            return None
        if len(found) > 1:
            result.refuse(row.line, N_("Several cohorts are called {cohort}: add the program column."),
                          cohort=cohort_name)
            return None
        cohort = found[0]
    if track_name:
        if cohort is None:
            result.refuse(row.line, N_("The track {track} needs its cohort in the column cohort."), track=track_name)
            return None
        track = next((t for t in cohort.program.tracks if t.name == track_name), None)
        if track is None:
            result.refuse(row.line, N_("Unknown track {track} in the program {program}."), track=track_name,
                          program=cohort.program.name)
            return None
    profile: dict[str, str | None] = {}
    if "country" in row.cells:
        country = row.get("country").upper()
        if country and (len(country) != 2 or not country.isalpha()):
            result.refuse(row.line, N_("Write the country as a two-letter code (FR, DE...), not {country}."),
                          country=row.get("country"))
            return None
        profile["country"] = country or None
    if "stage" in row.cells:
        stage = row.get("stage").lower()
        if stage and stage not in STAGES:
            result.refuse(row.line, N_("Unknown stage {stage}: write one of {stages}."), stage=row.get("stage"),
                          stages=", ".join(stage.value for stage in Stage))
            return None
        profile["stage"] = stage or None
    for column, longest in (("website", WEBSITE_MAX), ("sector", SECTOR_MAX)):
        if column in row.cells:
            if len(row.get(column)) > longest:
                result.refuse(row.line, N_("Keep {column} under {length} characters."), column=column,
                              length=longest + 1)
                return None
            profile[column] = row.get(column)
    emails = []
    for value in split_list(row.get("member_emails")):
        try:
            email = identity.normalize_email(value)
        except Invalid:
            result.refuse(row.line, N_("Bad e-mail {email}."), email=value)
            return None
        if email not in emails:
            emails.append(email)
    return StartupLine(name, cohort, track, profile, emails)


def _write_startup(db: Session, wanted: StartupLine, actor: User, options: Options) -> tuple[bool, bool]:
    """Write one start-up; (created, changed). Raises the services' errors (a full cohort, a partner's name)."""
    organisation = queries.find_organisation(db, wanted.name)
    created = organisation is None
    if organisation is None:
        organisation = identity.get_or_create_organisation(db, actor=options.actor, name=wanted.name, now=options.now)
    elif organisation.kind != OrganisationKind.STARTUP:
        raise Invalid("{name} is a partner organisation, not a start-up.", name=organisation.name)
    changed = False
    profile = db.get(StartupProfile, organisation.id)
    if profile is None:
        profile = StartupProfile(organisation_id=organisation.id, sector="", website="", description="",
                                 updated_at=options.now)
        db.add(profile)
        changed = True
    for column, value in wanted.profile.items():
        if getattr(profile, column) != value:
            setattr(profile, column, value)
            profile.updated_at, changed = options.now, True
    if wanted.cohort is not None:
        existing = queries.get_enrolment(db, wanted.cohort.id, organisation.id)
        track_id = wanted.track.id if wanted.track else None
        if existing is None:
            enrolments.enrol_startup(db, actor=actor, cohort=wanted.cohort, organisation=organisation,
                                     track=wanted.track, now=options.now)
            changed = True
        elif existing.track_id != track_id:
            existing.track_id, changed = track_id, True
    for email in wanted.emails:
        user, person_changed = _person(db, email=email, name="", role=Role.MEMBER, locale="", options=options)
        changed = _join(db, user, organisation, options) or person_changed or changed
    db.flush()
    return created, changed


def export_startups(db: Session) -> Iterator[Sequence[str]]:
    """Every start-up by name, with its current cohort (the active enrolment, else the latest) and its members."""
    yield STARTUP_COLUMNS
    organisations = queries.list_startups(db)
    ids = [organisation.id for organisation in organisations]
    profiles = queries.profiles_of(db, ids)
    current: dict[int, Enrolment] = {}
    for enrolment in queries.list_enrolments(db, organisation_ids=ids) if ids else []:
        held = current.get(enrolment.organisation_id)
        if held is None or (held.status != EnrolmentStatus.ACTIVE and enrolment.status == EnrolmentStatus.ACTIVE):
            current[enrolment.organisation_id] = enrolment
    cohorts = {c.id: c for c in queries.list_cohorts(db)}
    tracks = {t.id: t.name for t in db.scalars(select(Track))}
    members: dict[int, list[str]] = {}
    for organisation_id, email in db.execute(select(Membership.organisation_id, User.email)
                                             .join(User, User.id == Membership.user_id).order_by(User.email)):
        members.setdefault(organisation_id, []).append(email)
    for organisation in organisations:
        enrolment = current.get(organisation.id)
        cohort = cohorts[enrolment.cohort_id] if enrolment else None
        profile = profiles.get(organisation.id)
        yield (organisation.name,
               tracks.get(enrolment.track_id, "") if enrolment and enrolment.track_id else "",
               cohort.name if cohort else "",
               (profile.country or "") if profile else "", profile.website if profile else "",
               "|".join(members.get(organisation.id, [])),
               cohort.program.name if cohort else "",
               (profile.stage or "") if profile else "", profile.sector if profile else "")


# -- members ----------------------------------------------------------------------------------------


def import_members(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    """Members keyed by e-mail: created with the role `member` (or given it), in the start-ups named."""
    rows = read_csv(data, required=("email", "name"), optional=MEMBER_COLUMNS)
    startups = {o.name.lower(): o for o in queries.list_startups(db)}
    seen: dict[str, int] = {}
    for row in rows:
        email = _email(row, result, seen)
        if email is None:
            continue
        name, locale = " ".join(row.get("name").split()), row.get("locale").lower()
        if not name or len(name) > NAME_MAX:
            result.refuse(row.line, N_("Give the person's name in at most {length} characters."), length=NAME_MAX)
            continue
        if locale and locale not in LOCALES:
            result.refuse(row.line, N_("Unknown language {locale}: write fr or en."), locale=row.get("locale"))
            continue
        names = split_list(row.get("startups"))
        unknown = [startup for startup in names if startup.lower() not in startups]
        if unknown:
            result.refuse(row.line, N_("Unknown start-up {startup}: import it first (startups)."),
                          startup=", ".join(unknown))
            continue
        savepoint = db.begin_nested()
        try:
            created = identity.get_user_by_email(db, email) is None
            user, changed = _person(db, email=email, name=name, role=Role.MEMBER, locale=locale, options=options)
            for startup in names:
                changed = _join(db, user, startups[startup.lower()], options) or changed
            db.flush()
        except DomainError as error:
            savepoint.rollback()
            result.refuse(row.line, error.message, **error.params)
            continue
        savepoint.commit()
        _record(result, row.line, f"{name} <{email}>", created=created, changed=changed)


def export_members(db: Session) -> Iterator[Sequence[str]]:
    """Every user with the role `member`, by e-mail, with their start-ups."""
    yield MEMBER_COLUMNS
    startups: dict[int, list[str]] = {}
    for user_id, name in db.execute(select(Membership.user_id, Organisation.name)
                                    .join(Organisation, Organisation.id == Membership.organisation_id)
                                    .order_by(func.lower(Organisation.name))):
        startups.setdefault(user_id, []).append(name)
    people = db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                        .where(UserRole.role == Role.MEMBER).order_by(User.email))
    for user in people:
        yield user.email, user.name, "|".join(startups.get(user.id, [])), user.locale


# -- mentors ----------------------------------------------------------------------------------------


def import_mentors(db: Session, data: bytes, result: ImportResult, options: Options) -> None:
    """Mentors keyed by e-mail: the user with the role `mentor` and their profile; unknown expertise tags are created."""
    rows = read_csv(data, required=("email", "name"), optional=MENTOR_COLUMNS)
    actor = _actor(options)
    venues = {venue.name: venue.id for venue in db.scalars(select(Venue))}
    tags = {tag.name for tag in db.scalars(select(ExpertiseTag))}
    seen: dict[str, int] = {}
    for row in rows:
        email = _email(row, result, seen)
        if email is None:
            continue
        name = " ".join(row.get("name").split())
        if not name or len(name) > NAME_MAX:
            result.refuse(row.line, N_("Give the person's name in at most {length} characters."), length=NAME_MAX)
            continue
        values = _mentor_values(row, result, venues)
        if values is None:
            continue
        new_tags = sorted({" ".join(t.split()).lower() for t in values.expertise} - tags)
        savepoint = db.begin_nested()
        try:
            for tag in new_tags:
                mentors.add_tag(db, actor=actor, name=tag, now=options.now)
            tags.update(new_tags)
            created, changed = _write_mentor(db, email, name, values, actor, options)
        except DomainError as error:
            savepoint.rollback()
            result.refuse(row.line, error.message, **error.params)
            continue
        savepoint.commit()
        summary = f"{name} <{email}>" + (f" (new expertise: {', '.join(new_tags)})" if new_tags else "")
        _record(result, row.line, summary, created=created, changed=changed)


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
    user, changed = _person(db, email=email, name=name, role=Role.MENTOR, locale="", options=options)
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


register_kind("startups", import_startups, export_startups, label=N_("Start-ups"))
register_kind("members", import_members, export_members, label=N_("Members"))
register_kind("mentors", import_mentors, export_mentors, label=N_("Mentors"))
