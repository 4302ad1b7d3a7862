"""Importing and exporting start-ups, members and mentors: round trips, refusals, dry runs, re-runs, invitations."""
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import cohorts.mentoring.importing  # noqa: F401  (registers the kind of mentors)
import cohorts.startups.importing  # noqa: F401  (registers the kinds of start-ups and members)
from cohorts.mentoring.models import ExpertiseTag, MentorProfile, expertise_tag_track, mentor_expertise
from cohorts.programs.models import Enrolment
from cohorts.startups.models import StartupProfile
from spaces.credits.models import CreditAccount, CreditEntry
from spaces.venues.models import AccessGrant, DeskAllocation
from tests.cohorts.conftest import Accelerator
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import NOW
from tests.totem.factories import PASSWORD
from totem.app import create_app
from totem.audit.models import AuditEntry
from totem.identity import service as identity
from totem.identity.models import Membership, Organisation, User, UserRole
from totem.importing import ImportResult, Options, export_csv, run_import
from totem.notifications.models import OutboxMessage
from totem.uploads.models import PendingUpload

STARTUPS_CSV = """name;track;cohort;country;website;member_emails
Seabird;Mer;Promo 2027;FR;seabird.fr;ines@seabird.fr|paul@seabird.fr
Atelier Lumen;Industries créatives;Promo 2027;BE;;lina@lumen.be
Solo;;;;;
"""

MEMBERS_CSV = """email,name,startups,locale
ines@seabird.fr,Inès Garcia,Seabird,fr
Paul@Seabird.fr,Paul Martin,Seabird|Atelier Lumen,en
"""

MENTORS_CSV = """email,name,expertise,languages,capacity,company,mode,online_url
yves@mentors.example,Yves Rocher,Fundraising|Maritime logistics,fr|en,6,CMA CGM,either,https://meet.example.com/yves
claire@mentors.example,Claire Dubois,fundraising,fr,4,,in_person,
"""


def _import(db: Session, kind: str, data: str | bytes, *, dry_run: bool = False, actor=None) -> ImportResult:  # type: ignore[no-untyped-def]
    raw = data.encode() if isinstance(data, str) else data
    actor = actor or identity.system_actor(db, now=NOW)  # the command line's
    result = run_import(db, kind=kind, data=raw, dry_run=dry_run, options=Options(actor=actor, now=NOW))
    db.commit()
    return result


def _reasons(result: ImportResult) -> list[tuple[int, str]]:
    return [(refusal.line, refusal.reason.render()) for refusal in result.sorted_refusals()]


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _people(db: Session) -> int:
    """Users who are people: the system, which the command line's imports act as, is none."""
    return db.scalar(select(func.count()).select_from(User).where(~User.is_system)) or 0


def _track(accelerator: Accelerator, name: str) -> int:
    return next(track.id for track in accelerator.program.tracks if track.name == name)


def _delete_people(db: Session, role: str) -> None:
    ids = list(db.scalars(select(UserRole.user_id).where(UserRole.role == role)))
    db.execute(delete(AuditEntry))  # it names its actors
    db.execute(delete(Membership).where(Membership.user_id.in_(ids)))
    db.execute(delete(UserRole).where(UserRole.user_id.in_(ids)))
    db.execute(delete(User).where(User.id.in_(ids)))


def _empty_startups(db: Session) -> None:
    for model in (AccessGrant, DeskAllocation, CreditEntry, CreditAccount, Enrolment, StartupProfile, Membership):
        db.execute(delete(model))
    _delete_people(db, "member")
    db.execute(delete(Organisation))
    db.commit()


def _empty_mentors(db: Session) -> None:
    for table in (mentor_expertise, expertise_tag_track):
        db.execute(delete(table))
    db.execute(delete(MentorProfile))
    db.execute(delete(ExpertiseTag))
    _delete_people(db, "mentor")
    db.commit()


@pytest.fixture
def startups(db: Session, accelerator: Accelerator) -> Accelerator:
    assert not _import(db, "startups", STARTUPS_CSV, actor=accelerator.scene.manager).refused
    return accelerator


def test_startups_are_enrolled_with_their_space_rights_and_members(db: Session, startups: Accelerator) -> None:
    seabird = db.scalars(select(Organisation).where(Organisation.name == "Seabird")).one()
    enrolment = db.scalars(select(Enrolment).where(Enrolment.organisation_id == seabird.id)).one()
    assert enrolment.cohort_id == startups.cohort.id and enrolment.track_id == _track(startups, "Mer")
    # Enrolment goes through the service: the program's space rights come with it.
    grant = db.scalars(select(AccessGrant).where(AccessGrant.organisation_id == seabird.id)).one()
    assert grant.monthly_credits == 40 and grant.starts_on == startups.cohort.starts_on
    profile = db.get_one(StartupProfile, seabird.id)
    assert (profile.country, profile.website) == ("FR", "seabird.fr")
    ines = db.scalars(select(User).where(User.email == "ines@seabird.fr")).one()
    assert ines.role_names == {"member"} and ines.password_hash is None
    assert db.scalar(select(func.count()).select_from(Membership).where(Membership.organisation_id == seabird.id)) == 2


def test_startups_round_trip_through_an_empty_database(db: Session, startups: Accelerator) -> None:
    exported = export_csv(db, "startups")
    assert "Seabird,Mer,Promo 2027,FR,seabird.fr,ines@seabird.fr|paul@seabird.fr,Accélérateur Métropole" in exported
    _empty_startups(db)
    again = _import(db, "startups", exported, actor=startups.scene.manager)
    assert _reasons(again) == [] and len(again.created) == 5  # with the scene's OceanWatt and Kelp Studio
    assert export_csv(db, "startups") == exported


def test_startups_rerun_updates_and_never_duplicates(db: Session, startups: Accelerator) -> None:
    changed = STARTUPS_CSV.replace("Atelier Lumen;Industries créatives", "Atelier Lumen;Mer")
    result = _import(db, "startups", changed, actor=startups.scene.manager)
    assert [line.line for line in result.updated] == [3] and not result.created and result.unchanged == 2
    assert _count(db, Enrolment) == 2 and _count(db, AccessGrant) == 2
    assert db.scalar(select(func.count()).select_from(Organisation).where(Organisation.name == "Atelier Lumen")) == 1
    lumen = db.scalars(select(Enrolment).join(Organisation, Organisation.id == Enrolment.organisation_id)
                       .where(Organisation.name == "Atelier Lumen")).one()
    assert lumen.track_id == _track(startups, "Mer")


def test_the_command_line_enrols_as_the_system(db: Session, accelerator: Accelerator) -> None:
    result = _import(db, "startups", STARTUPS_CSV, actor=None)
    assert _reasons(result) == [] and _count(db, Enrolment) == 2


def test_members_round_trip_through_an_empty_database(db: Session, startups: Accelerator) -> None:
    result = _import(db, "members", MEMBERS_CSV)
    # Inès and Paul came with their start-ups: the file names them and joins Paul to Atelier Lumen too.
    assert _reasons(result) == [] and len(result.updated) == 2 and not result.created
    exported = export_csv(db, "members")
    assert "paul@seabird.fr,Paul Martin,Atelier Lumen|Seabird,en" in exported
    db.execute(delete(Membership))
    _delete_people(db, "member")
    db.commit()
    again = _import(db, "members", exported)
    assert _reasons(again) == [] and len(again.created) == 6
    assert export_csv(db, "members") == exported
    assert not _import(db, "members", exported).updated  # re-run: nothing to change


def test_mentors_round_trip_and_their_new_expertise_is_created(db: Session, accelerator: Accelerator) -> None:
    result = _import(db, "mentors", MENTORS_CSV, actor=accelerator.scene.manager)
    assert _reasons(result) == [] and len(result.created) == 2
    assert "new expertise: fundraising, maritime logistics" in result.created[0].summary
    assert sorted(db.scalars(select(ExpertiseTag.name))) == ["fundraising", "maritime logistics"]
    yves = db.scalars(select(User).where(User.email == "yves@mentors.example")).one()
    assert yves.role_names == {"mentor"} and yves.password_hash is None
    exported = export_csv(db, "mentors")
    assert ("yves@mentors.example,Yves Rocher,fundraising|maritime logistics,fr|en,6,CMA CGM,either,"
            "Cité de l'innovation,https://meet.example.com/yves") in exported
    _empty_mentors(db)
    again = _import(db, "mentors", exported, actor=accelerator.scene.manager)
    assert _reasons(again) == [] and len(again.created) == 2
    assert export_csv(db, "mentors") == exported


def test_mentors_rerun_updates_and_never_duplicates(db: Session, accelerator: Accelerator) -> None:
    _import(db, "mentors", MENTORS_CSV)
    result = _import(db, "mentors", MENTORS_CSV.replace("fr,4,,in_person", "fr,8,,in_person"))
    assert [line.line for line in result.updated] == [3] and not result.created and result.unchanged == 1
    assert _count(db, MentorProfile) == 2 and _count(db, ExpertiseTag) == 2
    assert db.scalar(select(MentorProfile.monthly_capacity_hours).join(User, User.id == MentorProfile.user_id)
                     .where(User.email == "claire@mentors.example")) == 8


def test_dry_runs_write_nothing(db: Session, accelerator: Accelerator) -> None:
    organisations, users = _count(db, Organisation), _people(db)
    assert len(_import(db, "startups", STARTUPS_CSV, dry_run=True).created) == 3
    assert len(_import(db, "mentors", MENTORS_CSV, dry_run=True).created) == 2
    assert (_count(db, Organisation), _people(db)) == (organisations, users)
    assert _count(db, Enrolment) == 0 and _count(db, AccessGrant) == 0 and _count(db, ExpertiseTag) == 0


BAD_FILES = [
    pytest.param("startups", "name,cohort,track\nSeabird,Promo 2027,Mer\nKelp,Promo 2027,Océan\n",
                 3, "Unknown track Océan in the program Accélérateur Métropole", id="unknown track"),
    pytest.param("startups", "name,cohort\nSeabird,Promo 2030\n", 2, "Unknown cohort Promo 2030", id="unknown cohort"),
    pytest.param("startups", "name,cohort\nA,Promo 2027\nB,Promo 2027\nC,Promo 2027\n",
                 4, "Promo 2027 is full: 2 start-ups are enrolled", id="full cohort"),
    pytest.param("startups", "track,cohort\nMer,Promo 2027\n", 0, "Missing column: name", id="missing column"),
    pytest.param("members", "email,name,startups\nines@seabird.fr,Inès,Atlantis\n",
                 2, "Unknown start-up Atlantis", id="unknown start-up"),
    pytest.param("members", "email,name\nines@seabird.fr,Inès\nINES@seabird.fr,Inès G.\n",
                 3, "Line 2 already describes ines@seabird.fr", id="duplicate e-mail"),
    pytest.param("members", "email,name\nines@seabird,Inès\n", 2, "Bad e-mail ines@seabird", id="bad e-mail"),
    pytest.param("mentors", "email,name,mode\nyves@mentors.example,Yves,online\n",
                 2, "Give the video link of your online sessions", id="online mentor without a link"),
    pytest.param("mentors", "email,name,capacity\nyves@mentors.example,Yves,lots\n",
                 2, "The capacity is a whole number of hours a month", id="bad capacity"),
    pytest.param("mentors", "email,name\nyves@mentors.example,Yves\nyves@mentors.example,Yves\n",
                 3, "Line 2 already describes yves@mentors.example", id="duplicate mentor"),
]


@pytest.mark.parametrize(("kind", "data", "line", "reason"), BAD_FILES)
def test_a_bad_file_gives_its_line_and_reason_and_changes_nothing(
    db: Session, accelerator: Accelerator, kind: str, data: str, line: int, reason: str
) -> None:
    before = (_count(db, Organisation), _people(db), _count(db, Membership), _count(db, Enrolment))
    result = _import(db, kind, data, actor=accelerator.scene.manager)
    assert [refusal.line for refusal in result.refused] == [line]
    assert reason in result.refused[0].reason.render()
    assert not result.is_written
    assert (_count(db, Organisation), _people(db), _count(db, Membership), _count(db, Enrolment)) == before
    assert _count(db, MentorProfile) == 0 and _count(db, AccessGrant) == 0


def test_refusals_are_translated(db: Session, accelerator: Accelerator) -> None:
    result = _import(db, "members", "email,name,startups\nines@seabird.fr,Inès,Atlantis\n")
    assert "Atlantis" in result.refused[0].reason.render("fr")
    assert result.refused[0].reason.render("fr") != result.refused[0].reason.render("en")


def test_nobody_imported_is_mailed_before_a_manager_presses_invite(client, db: Session, startups: Accelerator) -> None:  # type: ignore[no-untyped-def]
    _import(db, "mentors", MENTORS_CSV)
    imported = list(db.scalars(select(User.id).where(User.password_hash.is_(None), ~User.is_system)))
    assert len(imported) == 5  # three members and two mentors
    assert _count(db, OutboxMessage) == 0

    login(client, startups.scene.manager.email, PASSWORD)
    assert "Invite 5 people" in client.get("/import").text
    assert form_post(client, "/import", "/import/invite", {}).status_code == 303
    invited = db.scalars(select(OutboxMessage.user_id)).all()
    assert sorted(invited) == sorted(imported)


def test_managers_preview_and_export_start_ups_on_the_pages(client, db: Session, accelerator: Accelerator) -> None:  # type: ignore[no-untyped-def]
    login(client, accelerator.scene.manager.email, PASSWORD)
    page = client.get("/import")
    preview = client.post("/import", data={"kind": "startups", "csrf_token": csrf_from(page)},
                          files={"file": ("startups.csv", STARTUPS_CSV.encode(), "text/csv")})
    assert preview.status_code == 200 and "Atelier Lumen" in preview.text
    assert _count(db, Enrolment) == 0
    export = client.get("/export/startups.csv")
    assert export.status_code == 200 and export.text.startswith("name,track,cohort,country,website,member_emails")


EVERY_KIND = [
    pytest.param("spaces", "venue;floor;zone;name;kind;capacity;amenities;level;timezone\n"
                 "Cité de l'innovation;1er étage;;Frioul;meeting_room;4;;1;Europe/Paris\n", {}, id="spaces"),
    pytest.param("bookings", "space,starts_at,ends_at,booker_email\n"
                 "Calanques,2026-12-02 09:00,2026-12-02 10:00,nadia@oceanwatt.fr\n", {}, id="bookings"),
    pytest.param("ics", "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//EN\nBEGIN:VEVENT\nUID:one@test\n"
                 "DTSTART;TZID=Europe/Paris:20261208T130000\nDTEND;TZID=Europe/Paris:20261208T140000\n"
                 "SUMMARY:Comité\nLOCATION:Calanques\nEND:VEVENT\nEND:VCALENDAR\n",
                 {"booker": "hugo@kelpstudio.fr"}, id="ics"),
    pytest.param("startups", STARTUPS_CSV, {}, id="startups"),
    pytest.param("members", "email,name,startups\nines@seabird.fr,Inès Garcia,OceanWatt\n", {}, id="members"),
    pytest.param("mentors", MENTORS_CSV, {}, id="mentors"),
]


@pytest.mark.parametrize(("kind", "data", "extra"), EVERY_KIND)
def test_every_kind_of_import_is_confirmed_by_another_web_process(client, db: Session, settings, session_factory,
                                                                   accelerator: Accelerator, kind, data, extra):  # type: ignore[no-untyped-def]
    login(client, accelerator.scene.manager.email, PASSWORD)
    page = client.get("/import")
    preview = client.post("/import", data={"kind": kind, "csrf_token": csrf_from(page), **extra},
                          files={"file": (f"{kind}.txt", data.encode(), "text/plain")})
    assert preview.status_code == 200, preview.text[:300]
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    assert _count(db, PendingUpload) == 1  # the file waits in the database, not in this process

    # Behind a load balancer the confirmation reaches another process: its own app, only the database shared.
    with TestClient(create_app(settings, session_factory), base_url="http://testserver",
                    cookies=client.cookies) as other_process:
        done = other_process.post("/import/confirm", follow_redirects=False, data={
            "kind": kind, "token": token, "csrf_token": csrf_from(other_process.get("/import")), **extra})
        assert done.status_code == 303 and done.headers["location"] == "/import"
        assert re.search(r"Import(ed|é) ?: [1-9]\d* (created|créé)", other_process.get("/import").text)
    assert _count(db, PendingUpload) == 0
