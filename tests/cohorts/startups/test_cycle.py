"""The whole cycle over HTTP: a public application, two reviews, acceptance, the founder's invitation and first
login, the enrolment's credits in `spaces`, phases moved by the job, and at `alumni` the loss of space rights."""
import re
from datetime import date

from sqlalchemy import select

from cohorts.programs import service as programs
from cohorts.programs.models import Enrolment
from cohorts.startups.models import Application
from spaces.venues import access
from tests.cohorts.conftest import Accelerator
from tests.helpers import api_token, form_post, login
from tests.spaces.conftest import make_person, paris
from tests.spaces.factories import make_rule, make_space
from tests.totem.factories import PASSWORD
from totem import clock
from totem.identity.models import Organisation
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.notifications.models import OutboxMessage
from totem.i18n import shown

FORM = {"startup_name": "Seabird", "founder_name": "Inès Garcia", "founder_email": "ines@seabird.io",
        "website": "seabird.io", "country": "SN", "stage": "prototype", "sector": "Biodiversité", "team_size": "4",
        "pitch": "Des drones qui comptent les oiseaux marins.", "problem": "Compter à la main est lent.",
        "traction": "Deux pilotes avec des parcs marins.", "expectations": "Des clients publics."}


def _mails_to(db, address):  # type: ignore[no-untyped-def]
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                           .order_by(OutboxMessage.id)))


def test_a_start_up_goes_from_the_public_form_to_alumni(client, db, session_factory, accelerator: Accelerator,
                                                         monkeypatch):
    scene, cohort = accelerator.scene, accelerator.cohort
    # Phone booths are open to start-ups holding a grant for them: the program gives one.
    booth = make_space(db, floor=scene.floor, name="Cabine 1", kind="phone_booth", capacity=1)
    make_rule(db, venue=scene.venue, space_kind="phone_booth", allowed_roles=(), open_to_grant_holders=True)
    marc = make_person(db, role="manager", email="marc@cite-innovation.fr")
    programs.update_program(db, actor=scene.manager, program_id=accelerator.program.id, now=clock.now(),
                            data=programs.ProgramData(name="Accélérateur Métropole", venue_id=scene.venue.id,
                                                      monthly_credits=40, space_kinds=("phone_booth", "meeting_room"),
                                                      manager_ids=(scene.manager.id, marc.id)))
    db.commit()
    mer = next(track for track in accelerator.program.tracks if track.name == "Mer")

    # 1. Anyone applies on the public page, without an account.
    page = client.get(f"/apply/{cohort.id}")
    assert page.status_code == 200 and "Seabird" not in page.text
    sent = form_post(client, f"/apply/{cohort.id}", f"/apply/{cohort.id}", {**FORM, "track_id": str(mer.id)})
    assert sent.status_code == 303 and sent.headers["location"] == f"/apply/{cohort.id}/thanks"
    application = db.scalars(select(Application)).one()
    assert (application.status, application.track_id, application.country) == ("submitted", mer.id, "SN")
    assert application.answers["traction"] == "Deux pilotes avec des parcs marins."
    assert [m.subject for m in _mails_to(db, "ines@seabird.io")] == ["Nous avons bien reçu la candidature de Seabird"]

    # 2. Two managers of the program review it on the rubric.
    for email, scores in (("lea@cite-innovation.fr", ("4", "3", "5", "4")), ("marc@cite-innovation.fr",
                                                                              ("5", "4", "4", "5"))):
        client.cookies.clear()
        login(client, email, PASSWORD)
        reviewed = form_post(client, f"/applications/{application.id}", f"/applications/{application.id}/review",
                             dict(zip(("team", "market", "product", "fit"), scores)) | {"comment": "Bien"})
        assert reviewed.status_code == 303
    queue = client.get(f"/cohorts/{cohort.id}/applications")
    assert queue.status_code == 200 and "17 / 20" in queue.text  # (16 + 18) / 2

    # 3. Marc accepts it: the start-up is enrolled with the program's rights, the founder invited.
    accepted = form_post(client, f"/applications/{application.id}", f"/applications/{application.id}/decision",
                         {"decision": "accept"})
    assert accepted.status_code == 303
    seabird = db.scalars(select(Organisation).where(Organisation.name == "Seabird")).one()
    enrolment = db.scalars(select(Enrolment)).one()
    assert (enrolment.organisation_id, enrolment.track_id, enrolment.status) == (seabird.id, mer.id, "active")
    assert access.holds_grant(db, organisation_id=seabird.id, venue_id=scene.venue.id, kind="phone_booth",
                              day=date(2027, 1, 4))
    mails = _mails_to(db, "ines@seabird.io")
    assert [m.subject for m in mails[1:]] == ["Seabird est acceptée dans Promo 2027", "Vous êtes invité·e sur Totem"]
    link = re.search(r"http://testserver(/invitations/\S+)", mails[2].body_text).group(1)

    # 4. The founder chooses a password through the link, and finds their start-up.
    client.cookies.clear()
    chosen = form_post(client, link, link, {"password": "seabird-2027!", "password_again": "seabird-2027!"})
    assert chosen.status_code == 303
    own = client.get("/startups", follow_redirects=True)
    assert own.status_code == 200 and "Seabird" in own.text and "Mer" in own.text
    founder = api_token(client, "ines@seabird.io", "seabird-2027!")
    assert client.get(f"/api/v1/startups/{seabird.id}/credits", headers=founder).json()["balance"] == 0

    # 5. The job moves the phases by date; at the start the first month's credits arrive.
    job = collect_jobs()["cohorts.advance_phases"]
    assert shown(run_fire(session_factory, job, paris("2026-12-07", 0, 10)).summary, "en") == (
        "moved 1 cohort (Promo 2027: applications_open -> selection)")
    run_fire(session_factory, job, paris("2027-01-04", 0, 10))
    credits = client.get(f"/api/v1/startups/{seabird.id}/credits", headers=founder).json()
    assert (credits["balance"], [e["reason"] for e in credits["entries"]]) == (40, ["adjustment"])
    monkeypatch.setattr(clock, "now", lambda: paris("2027-06-28", 9))
    booked = client.post("/api/v1/bookings", headers=founder, json={
        "space_id": booth.id, "starts_at": paris("2027-06-30", 10).isoformat(),
        "ends_at": paris("2027-06-30", 10, 30).isoformat()})
    assert booked.status_code == 201, booked.text

    # 6. The day after its last day the cohort is alumni: its start-ups have lost the rights it gave.
    run_fire(session_factory, job, paris("2027-06-10", 0, 10))
    assert shown(run_fire(session_factory, job, paris("2027-07-01", 0, 10)).summary, "en") == (
        "moved 1 cohort (Promo 2027: demo_day -> alumni)")
    db.expire_all()
    assert (db.get(Enrolment, enrolment.id).status, db.get(Enrolment, enrolment.id).ended_on) == (
        "ended", date(2027, 6, 30))
    refused = client.post("/api/v1/bookings", headers=founder, json={
        "space_id": booth.id, "starts_at": paris("2027-07-01", 10).isoformat(),
        "ends_at": paris("2027-07-01", 10, 30).isoformat()})
    assert refused.status_code == 403
    assert shown(run_fire(session_factory, job, paris("2027-07-02", 0, 10)).summary, "en") == "moved 0 cohorts"
