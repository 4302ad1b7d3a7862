"""Feedback after the event: the job asks the attendees checked in, a day after the end, once, in their language;
the page by token takes a rating and a comment once (a second time is the thanks); the staff's figures."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from spaces.events import checkin, feedback, registrations
from spaces.events.models import EventFeedback, Registration
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import NOW, make_person, paris
from tests.spaces.events.factories import make_event
from tests.totem.factories import PASSWORD
from totem import clock
from totem.errors import Invalid, NotFound
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.notifications.models import OutboxMessage

EVENING = (paris("2026-12-08", 17), paris("2026-12-08", 19, 30))
AT_THE_DOOR = paris("2026-12-08", 17, 5)
NEXT_EVENING = paris("2026-12-09", 20)  # a day after the end
AFTER = paris("2026-12-09", 9)


def _register(db, event, n, **fields):  # type: ignore[no-untyped-def]
    applicant = registrations.Applicant(**{"name": f"Person {n}", "email": f"person{n}@example.fr",
                                           "organisation": "Ports", "consent": True, **fields})
    return registrations.register(db, event_id=event.id, applicant=applicant, now=NOW).registration


def _mails(db, address):  # type: ignore[no-untyped-def]
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address,
                                                       OutboxMessage.subject.contains("?"))))


@pytest.fixture
def event(db, building):  # type: ignore[no-untyped-def]
    return make_event(db, building, starts_at=EVENING[0], ends_at=EVENING[1], now=NOW, capacity=3)


@pytest.fixture
def attendees(db, building, event):  # type: ignore[no-untyped-def]
    """Two checked in (one French, one English), one who did not come, one on the waiting list."""
    came = [_register(db, event, 1), _register(db, event, 2, locale="en")]
    _register(db, event, 3), _register(db, event, 4)
    for registration in came:
        checkin.check_in(db, actor=building.lea, event=event, registration=registration, now=AT_THE_DOOR)
    db.commit()
    return came


def test_the_job_asks_those_who_came_a_day_after_once_in_their_language(db, session_factory, event, attendees):
    job = collect_jobs()["spaces.send_event_feedback_requests"]

    assert run_fire(session_factory, job, paris("2026-12-09", 19)).status == "succeeded"  # not yet a day
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.subject.contains("?"))) == 0

    run_fire(session_factory, job, NEXT_EVENING)
    run_fire(session_factory, job, NEXT_EVENING + timedelta(hours=1))  # again: nobody is asked twice

    db.expire_all()
    [french] = _mails(db, "person1@example.fr")
    [english] = _mails(db, "person2@example.fr")
    assert french.subject == "Comment était Meetup Mer ?" and english.subject == "How was Meetup Mer?"
    token = attendees[0].page_token
    assert f"/events/feedback/{token}" in french.body_text and "Merci d'être venu" in french.body_text
    assert f"/events/feedback/{attendees[1].page_token}" in english.body_html
    assert _mails(db, "person3@example.fr") == [] and _mails(db, "person4@example.fr") == []
    assert db.get(Registration, attendees[0].id).feedback_sent_at == NEXT_EVENING


def test_an_event_ended_long_ago_is_not_asked_about(db, event, attendees):
    assert feedback.send_requests(db, now=EVENING[1] + feedback.ASKED_WITHIN + timedelta(minutes=1)) == []


def test_feedback_is_given_once_a_second_time_keeps_the_first(db, event, attendees):
    registration = feedback.get_by_token(db, attendees[0].page_token)

    first = feedback.give(db, registration=registration, rating="4", comment="  Great talks  ", now=AFTER)
    again = feedback.give(db, registration=registration, rating="1", comment="Changed my mind", now=AFTER)

    assert first.is_new and not again.is_new and again.feedback.id == first.feedback.id
    stored = db.scalars(select(EventFeedback)).one()
    assert (stored.rating, stored.comment) == (4, "Great talks")


@pytest.mark.parametrize(("rating", "comment", "field"), [
    ("0", "", "rating"), ("6", "", "rating"), ("", "", "rating"), ("4.5", "", "rating"), ("-1", "", "rating"),
    ("٣", "", "rating"), (None, "", "rating"), ("5", "x" * (feedback.COMMENT_MAX + 1), "comment"),
])
def test_a_bad_rating_or_comment_is_refused(db, event, attendees, rating, comment, field):
    registration = feedback.get_by_token(db, attendees[0].page_token)
    with pytest.raises(Invalid) as refused:
        feedback.give(db, registration=registration, rating=rating, comment=comment, now=AFTER)
    assert refused.value.field == field


def test_only_someone_who_came_has_a_feedback_page(db, event, attendees):
    no_show = db.scalars(select(Registration).where(Registration.email == "person3@example.fr")).one()
    for token in (no_show.page_token, "", "x" * 500, "not-a-token"):
        with pytest.raises(NotFound):
            feedback.get_by_token(db, token)


def test_before_the_end_feedback_waits(db, event, attendees):
    registration = feedback.get_by_token(db, attendees[0].page_token)
    with pytest.raises(Invalid) as refused:
        feedback.give(db, registration=registration, rating="5", comment="", now=AT_THE_DOOR)
    assert refused.value.code == "feedback_not_open"


def test_the_staffs_figures(db, building, event, attendees):
    for registration, rating, comment in ((attendees[0], 5, "Bravo"), (attendees[1], 2, "")):
        feedback.give(db, registration=feedback.get_by_token(db, registration.page_token), rating=rating,
                      comment=comment, now=AFTER)

    _event, summary = feedback.event_summary(db, actor=building.lea, event_id=event.id)

    assert summary.count == 2 and summary.average == 3.5
    assert summary.by_rating == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert [item.comment for item in summary.comments] == ["Bravo"]
    with pytest.raises(NotFound):
        feedback.event_summary(db, actor=building.marc, event_id=event.id)


# -- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def after_the_event(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: AFTER)


def test_the_attendee_gives_feedback_on_the_page_without_an_account(client, db, event, attendees, after_the_event):
    url = f"/events/feedback/{attendees[0].page_token}"
    page = client.get(url, headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and "Votre note" in page.text and "Meetup Mer" in page.text

    refused = form_post(client, url, url, {"rating": "9", "comment": "Hmm"})
    assert refused.status_code == 422 and "Choisissez une note de 1 à 5" in refused.text and "Hmm" in refused.text

    sent = form_post(client, url, url, {"rating": "5", "comment": "Bravo"})
    assert sent.status_code == 303 and sent.headers["location"] == url
    thanks = client.get(url)
    assert "Merci, Person 1" in thanks.text and "5 sur 5" in thanks.text and "<form method=\"post\" action=\"/events/feedback" not in thanks.text

    again = client.post(url, data={"rating": "1", "comment": "Twice", "csrf_token": _csrf(client, "/login")},
                        follow_redirects=False)
    assert again.status_code == 303
    db.expire_all()
    assert [(f.rating, f.comment) for f in db.scalars(select(EventFeedback))] == [(5, "Bravo")]


def _csrf(client, page):  # type: ignore[no-untyped-def]
    return csrf_from(client.get(page))


def test_a_feedback_link_of_someone_who_did_not_come_is_a_404(client, db, event, attendees, after_the_event):
    no_show = db.scalars(select(Registration).where(Registration.email == "person3@example.fr")).one()
    assert client.get(f"/events/feedback/{no_show.page_token}").status_code == 404
    assert client.get("/events/feedback/nope").status_code == 404


def test_the_staff_see_the_figures_and_comments_on_the_attendance_page(client, db, building, event, attendees,
                                                                         after_the_event):
    feedback.give(db, registration=feedback.get_by_token(db, attendees[0].page_token), rating=4,
                  comment="Très bien <script>", now=AFTER)
    db.commit()
    login(client, building.lea.email, PASSWORD)
    page = client.get(f"/staff/events/{event.id}/attendance", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Average rating" in page.text and "4 / 5" in page.text and "Très bien &lt;script&gt;" in page.text
    client.cookies.clear()
    login(client, building.marc.email, PASSWORD)
    assert client.get(f"/staff/events/{event.id}/attendance").status_code == 404
    other = make_person(db, email="camille@oceanwatt.fr")
    db.commit()
    client.cookies.clear()
    login(client, other.email, PASSWORD)
    assert client.get(f"/staff/events/{event.id}/attendance").status_code == 403
