"""The managers' home counts of the programs, and one's mentor sessions coming up."""
from datetime import timedelta

from cohorts.mentoring.models import SessionRequest
from cohorts.reports import today
from tests.cohorts.conftest import NOW
from tests.cohorts.factories import make_application
from tests.cohorts.mentoring.factories import make_mentor, make_session
from tests.helpers import login
from tests.spaces.conftest import make_person
from tests.totem.factories import PASSWORD
from totem import clock, demo


def test_applications_and_open_requests_are_counted_for_the_programs_manager(client, db, accelerator):
    scene = accelerator.scene
    make_application(db, cohort=accelerator.cohort, now=NOW, startup_name="Posidonia", founder_email="a@p.fr")
    make_application(db, cohort=accelerator.cohort, now=NOW, startup_name="Marée", founder_email="b@m.fr")
    db.add(SessionRequest(organisation_id=scene.oceanwatt_id, requested_by=scene.nadia.id, topic="Pricing",
                          status="open", created_at=NOW, updated_at=NOW))
    db.add(SessionRequest(organisation_id=scene.oceanwatt_id, requested_by=scene.nadia.id, topic="Hiring",
                          status="scheduled", created_at=NOW, updated_at=NOW))
    other = make_person(db, email="other@cite-innovation.fr", role="manager")
    db.commit()

    mine = today.attention(db, actor=scene.manager, now=NOW)
    theirs = today.attention(db, actor=other, now=NOW)

    assert (mine.undecided, mine.open_requests) == (2, 1)
    assert [row.cohort.name for row in mine.cohorts] == ["Promo 2027"]
    assert theirs.undecided == 0 and theirs.cohorts == []  # not a manager of this program
    login(client, scene.manager.email, PASSWORD)
    assert 'href="/applications">2<' in client.get("/").text


def test_mentors_and_members_see_their_sessions_coming_up_day_by_day(client, db, accelerator):
    scene = accelerator.scene
    mentor = make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)
    make_session(db, scene, mentor, starts_at=NOW + timedelta(hours=2), topic="Port logistics")
    make_session(db, scene, mentor, starts_at=NOW + timedelta(days=1), topic="Tomorrow's topic", in_room=False)
    make_session(db, scene, mentor, starts_at=NOW + timedelta(days=9), topic="Far ahead", in_room=False)
    db.commit()

    for email in ("yves@mentors.fr", scene.nadia.email, scene.karim.email):  # Karim: a colleague at OceanWatt
        login(client, email, PASSWORD)
        home = client.get("/").text
        assert "Port logistics" in home and "Tomorrow&#39;s topic" in home, email
        assert home.index("Port logistics") < home.index("Tomorrow&#39;s topic")
        assert "Far ahead" not in home  # the home shows the next seven days; the week view goes further
        client.cookies.clear()


def test_the_overall_overdue_and_missing_counts_lead_to_the_cohorts_table(client, db):
    demo.load_demo(db, clock.now())
    db.commit()
    login(client, "lea.martin@cite-innovation.fr", demo.DEMO_PASSWORD)
    home = client.get("/").text
    assert 'id="cohorts-attention"' in home
    assert home.count('href="#cohorts-attention"') == 2  # the demo has overdue milestones and late figures
