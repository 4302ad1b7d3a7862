"""Bad input and clashes: a closed cohort, a full cohort, a second application, a bad form; each writes nothing."""
import pytest
from sqlalchemy import func, select

from cohorts.programs.models import Enrolment
from cohorts.startups import applications
from cohorts.startups.models import Application, ApplicationReview
from spaces.venues.models import AccessGrant
from tests.cohorts.conftest import Accelerator
from tests.cohorts.factories import application_form, make_application
from tests.helpers import api_token, assert_refused, form_post, login
from tests.spaces.conftest import NOW
from tests.totem.factories import PASSWORD
from totem.errors import Conflict, Invalid
from totem.identity.models import Membership, Organisation, User
from totem.notifications.models import OutboxMessage

FORM = {"startup_name": "Seabird", "founder_name": "Inès Garcia", "founder_email": "ines@seabird.io",
        "website": "", "country": "SN", "stage": "prototype", "sector": "", "team_size": "", "pitch": "Des drones.",
        "problem": "", "traction": "", "expectations": ""}


def _state(db):  # type: ignore[no-untyped-def]
    db.expire_all()
    return tuple(db.scalar(select(func.count()).select_from(model)) for model in (
        Application, ApplicationReview, Enrolment, Organisation, User, Membership, AccessGrant, OutboxMessage))


def test_the_public_form_of_a_closed_cohort_answers_409_and_writes_nothing(client, db, accelerator: Accelerator):
    cohort, track_id = accelerator.cohort, str(accelerator.program.tracks[0].id)
    token_page = f"/apply/{cohort.id}"
    token = client.get(token_page)
    assert token.status_code == 200
    applications.get_open_cohort(db, cohort.id)  # open now
    cohort.phase = "selection"
    db.commit()
    before = _state(db)
    closed = form_post(client, "/login", token_page, {**FORM, "track_id": track_id})
    assert closed.status_code == 409
    assert "closed" in closed.text or "closes" in closed.text
    assert _state(db) == before
    assert client.get(token_page).status_code == 409


def test_a_bad_form_is_shown_again_with_what_was_typed(client, db, accelerator: Accelerator):
    track_id = str(accelerator.program.tracks[0].id)
    before = _state(db)
    response = form_post(client, f"/apply/{accelerator.cohort.id}", f"/apply/{accelerator.cohort.id}",
                         {**FORM, "founder_email": "not-an-address", "track_id": track_id})
    assert response.status_code == 422
    assert 'value="Seabird"' in response.text
    assert 'aria-invalid="true" aria-describedby="e-founder_email"' in response.text
    assert _state(db) == before


def test_a_founder_applies_once_per_cohort(client, db, accelerator: Accelerator):
    make_application(db, cohort=accelerator.cohort, now=NOW, founder_email="ines@seabird.io")
    db.commit()
    track_id = accelerator.program.tracks[0].id
    before = _state(db)
    again = {"startup_name": "Seabird bis", "founder_name": "Inès", "founder_email": "INES@seabird.io",
             "country": "SN", "stage": "idea", "pitch": "Encore", "track_id": track_id}
    assert_refused(lambda language: client.post(f"/api/v1/cohorts/{accelerator.cohort.id}/applications", json=again,
                                                headers=language),
                   409, "already_applied", "An application from ines@seabird.io to this cohort already exists.",
                   "Une candidature de ines@seabird.io à cette cohorte existe déjà.")
    assert _state(db) == before


@pytest.mark.parametrize("field, value", [("country", "XX"), ("stage", "unicorn"), ("track_id", "999999"),
                                          ("pitch", " "), ("website", "not a site"), ("team_size", "0")])
def test_each_bad_field_is_refused(db, accelerator: Accelerator, field, value):
    with pytest.raises(Invalid) as refused:
        applications.submit_application(db, cohort_id=accelerator.cohort.id, now=NOW,
                                        form=application_form(accelerator.program, **{field: value}))
    assert refused.value.field == field


def test_accepting_into_a_full_cohort_is_a_conflict_that_writes_nothing(client, db, accelerator: Accelerator,
                                                                         settings):
    cohort, manager = accelerator.cohort, accelerator.scene.manager
    first, second, third = (make_application(db, cohort=cohort, now=NOW) for _ in range(3))
    for application in (first, second):
        applications.decide(db, actor=manager, application_id=application.id, decision="accept", settings=settings,
                            now=NOW)
    db.commit()
    before = _state(db)
    headers = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    full = client.post(f"/api/v1/applications/{third.id}/decision", headers=headers, json={"decision": "accept"})
    assert full.status_code == 409
    assert "full" in full.json()["detail"]
    assert_refused(lambda language: client.post(f"/api/v1/applications/{third.id}/decision",
                                                headers={**headers, **language}, json={"decision": "accept"}),
                   409, "capacity_reached", "Promo 2027 is full: 2 start-ups are enrolled.",
                   "Promo 2027 est complète : 2 start-up sont inscrites.")
    assert _state(db) == before
    assert db.get(Application, third.id).status == "submitted"

    login(client, "lea@cite-innovation.fr", PASSWORD)
    page = form_post(client, f"/applications/{third.id}", f"/applications/{third.id}/decision", {"decision": "accept"})
    assert page.status_code == 409 and "Promo 2027" in page.text
    assert _state(db) == before
    waitlisted = form_post(client, f"/applications/{third.id}", f"/applications/{third.id}/decision",
                           {"decision": "waitlist"})
    assert waitlisted.status_code == 303
    db.expire_all()
    assert db.get(Application, third.id).status == "waitlisted"


def test_a_decided_application_cannot_be_decided_again_nor_reviewed(db, accelerator: Accelerator, settings):
    manager = accelerator.scene.manager
    application = make_application(db, cohort=accelerator.cohort, now=NOW)
    applications.decide(db, actor=manager, application_id=application.id, decision="reject", settings=settings,
                        now=NOW)
    with pytest.raises(Conflict):
        applications.decide(db, actor=manager, application_id=application.id, decision="accept", settings=settings,
                            now=NOW)
    with pytest.raises(Conflict):
        applications.review_application(db, actor=manager, application_id=application.id, comment="",
                                        scores={"team": 3, "market": 3, "product": 3, "fit": 3}, now=NOW)


def test_a_name_taken_by_another_start_up_is_not_handed_to_a_stranger(db, accelerator: Accelerator, settings):
    application = make_application(db, cohort=accelerator.cohort, now=NOW, startup_name="oceanwatt",
                                   founder_email="impostor@example.com")
    with pytest.raises(Conflict):
        applications.decide(db, actor=accelerator.scene.manager, application_id=application.id, decision="accept",
                            settings=settings, now=NOW)


def test_the_api_tells_a_closed_cohort_a_decided_application_and_a_taken_name_apart(client, db,
                                                                                   accelerator: Accelerator, settings):
    cohort, manager = accelerator.cohort, accelerator.scene.manager
    decided = make_application(db, cohort=cohort, now=NOW)
    stranger = make_application(db, cohort=cohort, now=NOW, startup_name="oceanwatt",
                                founder_email="impostor@example.com")
    late = make_application(db, cohort=cohort, now=NOW)
    applications.decide(db, actor=manager, application_id=decided.id, decision="reject", settings=settings, now=NOW)
    db.commit()
    headers = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    scores = {"team": 3, "market": 3, "product": 3, "fit": 3, "comment": ""}

    def post(path: str, body: dict):  # type: ignore[no-untyped-def]
        return lambda language: client.post(path, json=body, headers={**headers, **language})

    assert_refused(post(f"/api/v1/applications/{decided.id}/decision", {"decision": "accept"}), 409,
                   "application_decided", "This application has already been decided.",
                   "Cette candidature a déjà fait l'objet d'une décision.")
    assert_refused(post(f"/api/v1/applications/{decided.id}/reviews", scores), 409, "application_decided",
                   "This application has been decided: reviews are closed.", "les évaluations sont closes")
    assert_refused(post(f"/api/v1/applications/{stranger.id}/decision", {"decision": "accept"}), 409,
                   "startup_name_taken", "A start-up named OceanWatt already exists, and impostor@example.com",
                   "Une start-up nommée OceanWatt existe déjà, et impostor@example.com n'en est pas membre.")
    before = _state(db)
    demo_day = client.post(f"/api/v1/cohorts/{cohort.id}/phase", headers=headers, json={"phase": "demo_day"})
    assert demo_day.status_code == 200
    assert_refused(post(f"/api/v1/applications/{late.id}/decision", {"decision": "accept"}), 409, "decisions_closed",
                   "Decisions are taken while applications are open",
                   "Les décisions se prennent pendant les candidatures")
    assert_refused(lambda language: client.post(f"/api/v1/cohorts/{cohort.id}/applications", headers=language, json={
        "startup_name": "Seabird", "founder_name": "Inès", "founder_email": "ines@seabird.io", "country": "SN",
        "stage": "idea", "pitch": "Des drones.", "track_id": accelerator.program.tracks[0].id}),
        409, "applications_closed", "Applications to Promo 2027 are closed.",
        "Les candidatures à Promo 2027 sont closes.")
    assert _state(db) == before
