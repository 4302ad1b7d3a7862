"""An admin erases a person: nothing identifying is left in any text column, their activity stays as statistics."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import JSON, String, func, select

from cohorts.mentoring import session_requests, sessions
from cohorts.mentoring.models import MentorSession, OfficeHours, SessionFeedback
from cohorts.startups.models import KpiReport
from spaces.booking.models import Booking
from tests.cohorts.factories import make_application
from tests.cohorts.mentoring.test_sessions import TUESDAY_2PM, mentoring  # noqa: F401  (the fixture)
from tests.helpers import api_token, form_post, login
from tests.spaces.conftest import NOW, PASSWORD, make_person
from tests.spaces.factories import make_booking
from totem import erasure
from totem.audit.models import AuditEntry
from totem.db import Base
from totem.errors import Conflict
from totem.identity import service as identity
from totem.identity.models import User
from totem.personal_data import export

SECRETS = ("Nadia Benali", "nadia@oceanwatt.fr", "our secret port deal", "call me on 0601020304",
           "runway of three months", "My very personal pitch", "Investor call")


def _found_in_text_columns(db, needles) -> list[str]:
    """Every table.column whose text (or JSON) holds one of the needles, case-insensitively."""
    hits = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | JSON)]
        for row in db.execute(select(*columns)) if columns else ():
            for column, value in zip(columns, row, strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                hits += [f"{table.name}.{column.name}: {needle}" for needle in needles if needle.lower() in text.lower()]
    return hits


@pytest.fixture
def nadia_everywhere(db, accelerator, mentoring):  # noqa: F811
    """Nadia booked, asked a mentor, gave feedback, reported KPIs and applied; Hugo's booking names her."""
    scene, (yann, _) = accelerator.scene, mentoring
    nadia = scene.nadia
    nadia.name = "Nadia Benali"
    past = make_booking(db, space=scene.room, user=nadia, starts_at=NOW - timedelta(days=3), status="checked_in",
                        organisation_id=scene.oceanwatt_id, title="Investor call")
    upcoming = make_booking(db, space=scene.room, user=nadia, starts_at=NOW + timedelta(days=1, hours=2))
    make_booking(db, space=scene.room, user=scene.hugo, starts_at=NOW + timedelta(days=2), title="Prep with Nadia Benali")
    request = session_requests.create_request(db, actor=nadia, now=NOW, data=session_requests.RequestData(
        topic="Port logistics", details="About our secret port deal", preferred_mentor_id=yann.user_id))
    session = session_requests.accept_request(db, actor=db.get_one(User, yann.user_id), request_id=request.id,
                                              starts_at=TUESDAY_2PM, now=NOW)
    db.add(SessionFeedback(session_id=session.id, side="startup", author_id=nadia.id, rating=5,
                           notes="Great, call me on 0601020304", created_at=NOW))
    db.add(KpiReport(organisation_id=scene.oceanwatt_id, month=date(2026, 10, 1), headcount=4, revenue_eur=12000,
                     funds_raised_eur=0, customers=3, notes="A runway of three months", submitted_at=NOW,
                     submitted_by=nadia.id))
    make_application(db, cohort=accelerator.cohort, now=NOW, founder_email=nadia.email, founder_name="Nadia Benali",
                     pitch="My very personal pitch")
    admin = make_person(db, role="admin", email="admin@cite-innovation.fr")
    db.commit()
    return nadia, admin, past, upcoming, session


def test_an_admin_erases_a_member_from_the_users_page(client, db, nadia_everywhere):
    nadia, admin, past, upcoming, session = nadia_everywhere
    nadia_id, token = nadia.id, api_token(client, nadia.email, PASSWORD)
    minutes_before = sessions.month_minutes(db, mentor_id=session.mentor_id, month=date(2026, 12, 1))
    assert _found_in_text_columns(db, SECRETS)  # the scene does hold them
    login(client, admin.email, PASSWORD)
    assert f"/admin/users/{nadia_id}/erase" in client.get("/admin/users").text

    page = f"/admin/users/{nadia_id}/erase"
    wrong = form_post(client, page, page, {"confirm_email": "someone@else.fr"})
    assert wrong.status_code == 422 and db.get_one(User, nadia_id).name == "Nadia Benali"
    response = form_post(client, page, page, {"confirm_email": "Nadia@OceanWatt.fr"})

    assert response.status_code == 303 and response.headers["location"] == "/admin/users"
    db.expire_all()
    assert _found_in_text_columns(db, SECRETS) == []
    erased = db.get_one(User, nadia_id)
    assert (erased.name, erased.email) == (f"Deleted user #{nadia_id}", f"deleted-user-{nadia_id}@erased.invalid")
    assert erased.password_hash is None and not erased.is_active
    # The activity stays, linked to the anonymised person: bookings, the session, its rating, the KPI figures.
    assert db.get_one(Booking, past.id).status == "checked_in" and db.get_one(Booking, past.id).user_id == nadia_id
    assert db.get_one(Booking, upcoming.id).status == "cancelled"  # the room is free again
    assert db.get_one(MentorSession, session.id).attendee_id == nadia_id
    assert db.scalar(select(SessionFeedback.rating).where(SessionFeedback.author_id == nadia_id)) == 5
    assert db.scalar(select(KpiReport.revenue_eur).where(KpiReport.submitted_by == nadia_id)) == 12000
    assert sessions.month_minutes(db, mentor_id=session.mentor_id, month=date(2026, 12, 1)) == minutes_before
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "user.erase", AuditEntry.actor_id == admin.id)) == 1
    document = json.dumps(export(db, erased, NOW), ensure_ascii=False).lower()
    assert not [secret for secret in SECRETS if secret.lower() in document]
    assert "Erased" in client.get("/admin/users").text


def test_only_admins_erase_never_themselves_nor_the_last_admin(client, db, accelerator):
    scene = accelerator.scene
    admin = make_person(db, role="admin", email="admin@cite-innovation.fr")
    other_admin = make_person(db, role="admin", email="ops@cite-innovation.fr")
    db.commit()
    url = f"/api/v1/users/{scene.hugo.id}/erase"

    assert client.post(url, headers=api_token(client, scene.manager.email, PASSWORD)).status_code == 403
    assert client.post("/api/v1/users/999999/erase",
                       headers=api_token(client, scene.nadia.email, PASSWORD)).status_code == 403
    admin_token = api_token(client, admin.email, PASSWORD)
    assert client.post(f"/api/v1/users/{admin.id}/erase", headers=admin_token).status_code == 409
    assert client.post("/api/v1/users/999999/erase", headers=admin_token).status_code == 404
    response = client.post(url, headers=admin_token)
    assert response.status_code == 200 and response.json()["name"] == f"Deleted user #{scene.hugo.id}"
    assert client.post(url, headers=admin_token).status_code == 409  # already erased
    assert client.post(f"/api/v1/users/{other_admin.id}/erase", headers=admin_token).status_code == 200
    with pytest.raises(Conflict):  # the system (retention) cannot erase the last admin either
        erasure.erase_person(db, actor=identity.system_actor(db, now=NOW), user=db.get_one(User, admin.id), now=NOW)


def test_an_erased_mentor_meets_nobody_any_more(db, accelerator, mentoring):  # noqa: F811
    scene, (yann, _) = accelerator.scene, mentoring
    request = session_requests.create_request(db, actor=scene.nadia, now=NOW, data=session_requests.RequestData(
        topic="Port logistics", preferred_mentor_id=yann.user_id))
    session = session_requests.accept_request(db, actor=db.get_one(User, yann.user_id), request_id=request.id,
                                              starts_at=TUESDAY_2PM, now=NOW)
    room = session.booking_id
    db.commit()

    erasure.erase_person(db, actor=identity.system_actor(db, now=NOW), user=db.get_one(User, yann.user_id),
                         now=NOW)
    db.commit()

    assert db.get_one(MentorSession, session.id).status == "cancelled"
    assert room is None or db.get_one(Booking, room).status == "cancelled"
    assert db.scalar(select(func.count()).select_from(OfficeHours).where(OfficeHours.mentor_id == yann.user_id)) == 0
    assert _found_in_text_columns(db, ["yann@mentors.example"]) == []
