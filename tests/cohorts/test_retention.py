"""Rejected applications and inactive alumni accounts are purged after their retention periods; a dry run lists."""
import re
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohorts import jobs, retention
from cohorts.programs.models import Enrolment
from cohorts.startups import applications
from cohorts.startups.models import Application
from tests.cohorts.factories import make_application
from tests.spaces.conftest import NOW
from totem.auth.models import AuthSession
from totem.cli import main
from totem.i18n import shown
from totem.identity.models import User
from totem.settings import Settings, get_settings

# Two and a half years later: past both default periods (365 and 730 days) for what ended around NOW.
LATER = NOW + timedelta(days=900)


def _reject(db, accelerator, *, email, at):
    application = make_application(db, cohort=accelerator.cohort, now=at, founder_email=email, founder_name="Ana Reyes")
    applications.decide(db, actor=accelerator.scene.manager, application_id=application.id, decision="reject",
                        settings=get_settings(), now=at)
    return application.id


def _enrol(db, accelerator, organisation_id, *, ended_on):
    db.add(Enrolment(cohort_id=accelerator.cohort.id, organisation_id=organisation_id, enrolled_on=NOW.date(),
                     status="ended" if ended_on else "active", ended_on=ended_on, created_at=NOW))


@pytest.fixture
def due(db, accelerator):
    """OceanWatt's enrolment ended long ago (Nadia idle, Karim signed in lately); Kelp Studio is still enrolled."""
    scene = accelerator.scene
    old = _reject(db, accelerator, email="ana@reyes.example", at=NOW)
    recent = _reject(db, accelerator, email="bo@recent.example", at=LATER - timedelta(days=100))
    _enrol(db, accelerator, scene.oceanwatt_id, ended_on=NOW.date())
    _enrol(db, accelerator, scene.kelp_id, ended_on=None)
    db.add(AuthSession(token_hash="k" * 64, user_id=scene.karim.id, created_at=LATER - timedelta(days=10),
                       last_seen_at=LATER - timedelta(days=10), expires_at=LATER))
    db.commit()
    return old, recent


def _settings() -> Settings:
    return Settings(retention_rejected_applications_days=365, retention_alumni_days=730)


def test_a_dry_run_lists_what_is_due_and_changes_nothing(db, accelerator, due):
    old, _recent = due

    listed = retention.purge(db, now=LATER, settings=_settings(), dry_run=True)

    assert {(item.kind, item.id) for item in listed} == {
        ("rejected application", old), ("alumni account", accelerator.scene.nadia.id)}
    assert any("nadia@oceanwatt.fr" in item.label for item in listed)
    assert db.get(Application, old) is not None and db.get_one(User, accelerator.scene.nadia.id).is_active


def test_the_job_purges_what_is_due_once_and_keeps_the_rest(db, accelerator, due):
    old, recent = due
    scene = accelerator.scene

    summary = jobs.purge_retention(db, LATER)
    db.commit()

    assert shown(summary, "en") == f"deleted 1 rejected applications, erased 1 alumni accounts (users #{scene.nadia.id})"
    assert db.get(Application, old) is None and db.get(Application, recent) is not None
    nadia, karim, hugo = (db.get_one(User, u.id) for u in (scene.nadia, scene.karim, scene.hugo))
    assert nadia.email.endswith("@erased.invalid") and not nadia.is_active
    assert karim.email == "karim@oceanwatt.fr" and hugo.email == "hugo@kelpstudio.fr"
    assert db.scalar(select(func.count()).select_from(User).where(User.id == scene.manager.id, User.is_active))
    assert shown(jobs.purge_retention(db, LATER), "en") == "deleted 0 rejected applications, erased 0 alumni accounts"


def test_the_periods_are_settings(db, accelerator, due):
    longer = Settings(retention_rejected_applications_days=5000, retention_alumni_days=5000)
    assert retention.purge(db, now=LATER, settings=longer, dry_run=True) == []


def test_totem_retention_on_the_command_line(tmp_path, monkeypatch, capsys):
    database = tmp_path / "cli.db"
    monkeypatch.setenv("TOTEM_DATABASE_URL", f"sqlite:///{database}")
    get_settings.cache_clear()
    try:
        assert main(["init", "--demo"]) == 0
        with sqlite3.connect(database) as conn:  # one demo application, rejected three years ago
            conn.execute("update application set status = 'rejected', decided_at = '2020-01-01 00:00:00.000000' "
                         "where founder_email = 'marc@hydrogene-bleu.example'")
        capsys.readouterr()

        assert main(["retention", "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert re.search(r"^rejected application #\d+\t.*marc@hydrogene-bleu.example", out, re.MULTILINE)
        assert out.strip().splitlines()[-1] == "would purge 1 item"
        assert main(["retention"]) == 0
        assert capsys.readouterr().out.strip().splitlines()[-1] == "purged 1 item"
        assert main(["retention", "--dry-run"]) == 0
        assert capsys.readouterr().out.strip() == "would purge 0 items"
    finally:
        get_settings.cache_clear()
