"""The start-ups' kinds of import and export: start-ups (enrolled in their cohort), and their members.

Registered on import of this module; the columns are documented in the README
("Import and export"). Each line is written in its own
savepoint, so that a refused line leaves the lines after it a clean database
to be checked against (the whole file is rolled back by `run_import` anyway).
"""
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cohorts import importing as people
from cohorts.programs import enrolment as enrolments
from cohorts.programs import queries as program_queries
from cohorts.programs.enums import EnrolmentStatus
from cohorts.programs.models import Cohort, Enrolment, Track
from cohorts.startups import queries
from cohorts.startups.enums import Stage
from cohorts.startups.models import StartupProfile
from totem.errors import DomainError, Invalid
from totem.i18n import N_
from totem.identity import service as identity
from totem.identity.enums import OrganisationKind, Role
from totem.identity.models import Membership, Organisation, User, UserRole
from totem.importing import ImportResult, Options, Row, read_csv, register_kind, split_list

STARTUP_COLUMNS = ("name", "track", "cohort", "country", "website", "member_emails", "program", "stage", "sector")
MEMBER_COLUMNS = ("email", "name", "startups", "locale")
WEBSITE_MAX, SECTOR_MAX = 300, 100
STAGES = {stage.value for stage in Stage}


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
    cohorts = program_queries.list_cohorts(db)
    seen: dict[str, int] = {}
    for row in rows:
        wanted = _startup_line(row, result, cohorts, seen)
        if wanted is None:
            continue
        savepoint = db.begin_nested()
        try:
            created, changed = _write_startup(db, wanted, options.actor, options)
        except DomainError as error:
            savepoint.rollback()
            result.refuse(row.line, error.message, **error.params)
            continue
        savepoint.commit()
        people.record(result, row.line, wanted.name, created=created, changed=changed)
    db.flush()


def _startup_line(row: Row, result: ImportResult, cohorts: list[Cohort], seen: dict[str, int]) -> StartupLine | None:
    """The line's start-up, or None once the line is refused with the reason."""
    name = " ".join(row.get("name").split())
    if not name or len(name) > people.NAME_MAX:
        result.refuse(row.line, N_("Name the start-up in at most {length} characters."), length=people.NAME_MAX)
        return None
    if name.lower() in seen:
        result.refuse(row.line, N_("Line {line} already describes the start-up {startup}."),
                      line=seen[name.lower()], startup=name)
        return None
    seen[name.lower()] = row.line
    placement = _cohort_and_track(row, result, cohorts)
    profile = _profile(row, result) if placement is not None else None
    emails = _member_emails(row, result) if profile is not None else None
    if emails is None:
        return None
    return StartupLine(name, *placement, profile, emails)


def _cohort_and_track(row: Row, result: ImportResult,
                      cohorts: list[Cohort]) -> tuple[Cohort | None, Track | None] | None:
    """The cohort and track the line names (each may be blank), or None once the line is refused."""
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
    return cohort, track


def _profile(row: Row, result: ImportResult) -> dict[str, str | None] | None:
    """The profile columns the file has (country, stage, website, sector), or None once the line is refused."""
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
    return profile


def _member_emails(row: Row, result: ImportResult) -> list[str] | None:
    """The members' e-mails, normalised and once each, or None once the line is refused."""
    emails: list[str] = []
    for value in split_list(row.get("member_emails")):
        try:
            email = identity.normalize_email(value)
        except Invalid:
            result.refuse(row.line, N_("Bad e-mail {email}."), email=value)
            return None
        if email not in emails:
            emails.append(email)
    return emails


def _write_startup(db: Session, wanted: StartupLine, actor: User, options: Options) -> tuple[bool, bool]:
    """Write one start-up; (created, changed). Raises the services' errors (a full cohort, a partner's name)."""
    organisation = program_queries.find_organisation(db, wanted.name)
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
        existing = program_queries.get_enrolment(db, wanted.cohort.id, organisation.id)
        track_id = wanted.track.id if wanted.track else None
        if existing is None:
            enrolments.enrol_startup(db, actor=actor, cohort=wanted.cohort, organisation=organisation,
                                     track=wanted.track, now=options.now)
            changed = True
        elif existing.track_id != track_id:
            existing.track_id, changed = track_id, True
    for email in wanted.emails:
        user, person_changed = people.person(db, email=email, name="", role=Role.MEMBER, locale="", options=options)
        changed = people.join(db, user, organisation, options) or person_changed or changed
    db.flush()
    return created, changed


def export_startups(db: Session) -> Iterator[Sequence[str]]:
    """Every start-up by name, with its current cohort (the active enrolment, else the latest) and its members."""
    yield STARTUP_COLUMNS
    organisations = program_queries.list_startups(db)
    ids = [organisation.id for organisation in organisations]
    profiles = queries.profiles_of(db, ids)
    current: dict[int, Enrolment] = {}
    for enrolment in program_queries.list_enrolments(db, organisation_ids=ids) if ids else []:
        held = current.get(enrolment.organisation_id)
        if held is None or (held.status != EnrolmentStatus.ACTIVE and enrolment.status == EnrolmentStatus.ACTIVE):
            current[enrolment.organisation_id] = enrolment
    cohorts = {c.id: c for c in program_queries.list_cohorts(db)}
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
    startups = {o.name.lower(): o for o in program_queries.list_startups(db)}
    seen: dict[str, int] = {}
    for row in rows:
        email = people.checked_email(row, result, seen)
        if email is None:
            continue
        name, locale = " ".join(row.get("name").split()), row.get("locale").lower()
        if not name or len(name) > people.NAME_MAX:
            result.refuse(row.line, N_("Give the person's name in at most {length} characters."), length=people.NAME_MAX)
            continue
        if locale and locale not in people.LOCALES:
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
            user, changed = people.person(db, email=email, name=name, role=Role.MEMBER, locale=locale, options=options)
            for startup in names:
                changed = people.join(db, user, startups[startup.lower()], options) or changed
            db.flush()
        except DomainError as error:
            savepoint.rollback()
            result.refuse(row.line, error.message, **error.params)
            continue
        savepoint.commit()
        people.record(result, row.line, f"{name} <{email}>", created=created, changed=changed)


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


register_kind("startups", import_startups, export_startups, label=N_("Start-ups"))
register_kind("members", import_members, export_members, label=N_("Members"))
