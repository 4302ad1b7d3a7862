"""The door's forms and the feedback form posted with hostile values (`tests.hostile_forms`): refused, never a 5xx,
and no 100 kB text stored. (The site-wide crawl reaches them only once the demo links an event's door.)"""
import pytest
from sqlalchemy import func, select

from spaces.events import checkin, registrations
from spaces.events.models import EventFeedback, Registration
from tests.helpers import api_token, csrf_from, login
from tests.hostile_forms import LONG_TEXT, hostile_posts, read_page
from tests.spaces.conftest import NOW, paris
from tests.spaces.events.factories import make_event
from tests.totem.factories import PASSWORD
from totem import clock

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))
AT_THE_DOOR = paris("2026-12-08", 17, 5)


@pytest.fixture
def door(db, building, monkeypatch, scene):  # type: ignore[no-untyped-def]
    event = make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=5)
    people = [registrations.register(db, event_id=event.id, now=NOW, applicant=registrations.Applicant(
        name=f"Person {n}", email=f"person{n}@example.fr", consent=True)).registration for n in range(2)]
    checkin.check_in(db, actor=building.lea, event=event, registration=people[0], now=AT_THE_DOOR)
    db.commit()
    return event, people


def _post_hostile(client, db, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get(url)
    assert page.status_code == 200, url
    _links, forms = read_page(url, page.text)
    assert forms, f"no form on {url}"
    failures = []
    for form in forms:
        for what, fields in hostile_posts(form):
            token = csrf_from(client.get(url))
            response = client.post(form.action, data={**fields, "csrf_token": token}, follow_redirects=False)
            if response.status_code >= 500:
                failures.append(f"POST {form.action} with {what}: {response.status_code}")
            db.expire_all()
            stored = db.scalar(select(func.count()).select_from(EventFeedback)
                               .where(func.length(EventFeedback.comment) >= len(LONG_TEXT) // 2))
            if stored:
                failures.append(f"POST {form.action} with {what}: the long text was stored")
    return failures


def test_the_door_forms_refuse_hostile_values(client, db, building, door, monkeypatch):
    event, _people = door
    monkeypatch.setattr(clock, "now", lambda: AT_THE_DOOR)
    login(client, building.lea.email, PASSWORD)
    failures = _post_hostile(client, db, f"/staff/events/{event.id}/check-in")
    failures += _post_hostile(client, db, f"/staff/events/{event.id}/registrations")
    assert not failures, "\n".join(failures)


def test_the_feedback_form_refuses_hostile_values(client, db, door, monkeypatch):
    _event, people = door
    monkeypatch.setattr(clock, "now", lambda: paris("2026-12-09", 9))
    failures = _post_hostile(client, db, f"/events/feedback/{people[0].page_token}")
    assert not failures, "\n".join(failures)
    db.expire_all()
    assert db.get(Registration, people[1].id).checked_in_at is None


@pytest.mark.parametrize("code", ["\x00", "%00", "A" * 20_000, "../../etc/passwd", "<script>alert(1)</script>",
                                  "https://evil.example/?code=", "?code=" + "B" * 5000])
def test_hostile_codes_in_the_link_and_the_api(client, db, building, door, monkeypatch, code):
    event, _people = door
    monkeypatch.setattr(clock, "now", lambda: AT_THE_DOOR)
    login(client, building.lea.email, PASSWORD)
    page = client.get(f"/staff/events/{event.id}/check-in", params={"code": code})
    assert page.status_code < 500 and "<script>alert(1)</script>" not in page.text
    answer = client.post(f"/api/v1/events/{event.id}/check-ins", json={"code": code[:200]},
                         headers=api_token(client, building.lea.email, PASSWORD))
    assert answer.status_code in (404, 422) and "code" in answer.json()
