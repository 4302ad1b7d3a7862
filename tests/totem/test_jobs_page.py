"""Managers see every job on the Jobs page and in the API, with runs, errors and a "Run now" button."""
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.helpers import api_token, csrf_from, form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem import clock
from totem.app import create_app
from totem.db import make_engine, make_session_factory
from totem.jobs.models import JobRun
from totem.migrations import upgrade
from totem.notifications.models import OutboxMessage
from totem.settings import Settings


def _as(client, db, role):
    user = make_user(db, role=role, locale="en")
    db.commit()
    login(client, user.email, PASSWORD)
    return user


def _failed_message(db):
    user = make_user(db, role="member", email="gone@example.com")
    now = clock.now()
    db.add(OutboxMessage(
        created_at=now, user_id=user.id, to_address="gone@example.com", subject="Your booking", body_text="x",
        body_html="<p>x</p>", status="failed", attempts=1, next_attempt_at=now, last_error="550 5.1.1 No such mailbox",
    ))
    db.commit()


def test_manager_sees_the_jobs_their_next_fire_and_the_failed_emails(client, db):
    _failed_message(db)
    _as(client, db, "manager")
    page = client.get("/jobs")
    assert page.status_code == 200
    assert "outbox.deliver" in page.text and "every 30 seconds" in page.text and "Never run" in page.text
    assert "gone@example.com" in page.text and "550 5.1.1 No such mailbox" in page.text


def test_run_now_records_the_run_and_shows_its_summary(client, db):
    _as(client, db, "manager")
    response = form_post(client, "/jobs", "/jobs/outbox.deliver/run", {})
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "outbox.deliver: sent 0, retrying 0, failed 0" in page.text
    run = db.scalar(select(JobRun).where(JobRun.job == "outbox.deliver"))
    assert run.status == "succeeded" and run.finished_at is not None
    assert "Succeeded" in page.text


def test_run_now_needs_the_csrf_token(client, db):
    _as(client, db, "manager")
    response = client.post("/jobs/outbox.deliver/run", data={"csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403
    assert db.scalar(select(func.count()).select_from(JobRun)) == 0


def test_unknown_job_is_a_404(client, db):
    _as(client, db, "admin")
    token = csrf_from(client.get("/jobs"))
    assert client.post("/jobs/nope/run", data={"csrf_token": token}, follow_redirects=False).status_code == 404


def test_members_and_mentors_may_not_see_or_run_jobs(client, db):
    _as(client, db, "member")
    assert client.get("/jobs").status_code == 403
    token = csrf_from(client.get("/profile"))
    assert client.post("/jobs/outbox.deliver/run", data={"csrf_token": token}).status_code == 403
    assert db.scalar(select(func.count()).select_from(JobRun)) == 0


def test_jobs_in_the_api_for_managers_only(client, db):
    manager = make_user(db, role="manager")
    mentor = make_user(db, role="mentor")
    db.commit()
    listed = client.get("/api/v1/jobs", headers=api_token(client, manager.email, PASSWORD))
    assert listed.status_code == 200
    [outbox] = [job for job in listed.json() if job["name"] == "outbox.deliver"]
    assert outbox["trigger"] == "every 30 s" and outbox["next_fire_time"] is not None
    refused = client.get("/api/v1/jobs", headers=api_token(client, mentor.email, PASSWORD))
    assert refused.status_code == 403 and "detail" in refused.json()


def test_the_app_runs_the_scheduler_during_its_lifespan_unless_turned_off(tmp_path):
    # Its own database: the scheduler's threads must not share the tests' rolled-back connection.
    url = f"sqlite:///{tmp_path / 'lifespan.db'}"
    upgrade(url)
    session_factory = make_session_factory(make_engine(url))
    app = create_app(Settings(database_url=url, scheduler_enabled=True), session_factory)
    with TestClient(app):
        scheduler = app.state.scheduler
        assert scheduler is not None and scheduler.running
    assert not scheduler.running

    app = create_app(Settings(database_url=url, scheduler_enabled=False), session_factory)  # beside a worker
    with TestClient(app):
        assert app.state.scheduler is None


def test_in_french_the_jobs_page_describes_each_job_and_its_schedule_in_french(client, db):
    manager = make_user(db, role="manager", locale="fr")
    db.commit()
    login(client, manager.email, PASSWORD)
    form_post(client, "/jobs", "/jobs/outbox.deliver/run", {})
    page = client.get("/jobs").text
    assert "Envoyer les e-mails en attente" in page and "toutes les 30 secondes" in page
    assert "le lundi à 7\u00a0h" in page  # cohorts.weekly_matching
    assert "envoyés : 0, à réessayer : 0, en échec : 0" in page
    assert "Send queued e-mails" not in page and "sent 0, retrying" not in page
