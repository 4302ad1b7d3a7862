"""Monthly KPIs: one report per start-up and month, never for a month to come; managers export them as CSV."""
import csv
import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from cohorts import demo as cohorts_demo
from cohorts.programs.models import Cohort, Enrolment
from cohorts.startups.models import KpiReport, Milestone, MilestoneProgress
from tests.cohorts.conftest import Accelerator
from tests.cohorts.startups.test_milestones import enrol_both
from tests.helpers import api_token, assert_refused, form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem import demo

DEMO_NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
FIGURES = {"headcount": 4, "revenue_eur": 12500, "funds_raised_eur": 250000, "customers": 3, "notes": "First port"}


def test_a_member_reports_then_corrects_a_month_through_the_form(client, db, accelerator: Accelerator):
    enrol_both(db, accelerator)
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    page = f"/startups/{accelerator.scene.oceanwatt_id}/kpis"
    form = {"month": "2026-11", "headcount": "4", "revenue_eur": "12000", "funds_raised_eur": "0",
            "customers": "2", "notes": ""}
    assert form_post(client, page, page, form).status_code == 303
    assert form_post(client, page, page, {**form, "revenue_eur": "12500"}).status_code == 303
    report = db.scalars(select(KpiReport)).one()  # re-sending the month updated it
    assert (report.month.isoformat(), report.revenue_eur, report.submitted_by) == (
        "2026-11-01", 12500, accelerator.scene.nadia.id)
    assert "12,500" in client.get(page).text  # in English, grouped


def test_a_month_to_come_is_refused_and_nothing_is_saved(client, db, accelerator: Accelerator):
    enrol_both(db, accelerator)
    headers = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    response = client.put(f"/api/v1/startups/{accelerator.scene.oceanwatt_id}/kpis/2026-12-01", headers=headers,
                          json=FIGURES)
    assert response.status_code == 422
    assert_refused(lambda language: client.put(f"/api/v1/startups/{accelerator.scene.oceanwatt_id}/kpis/2026-12-01",
                                               headers={**headers, **language}, json=FIGURES),
                   422, "month_not_begun", "You can only report a month that has begun.",
                   "Seul un mois commencé peut être renseigné.")
    assert_refused(lambda language: client.put(f"/api/v1/startups/{accelerator.scene.oceanwatt_id}/kpis/2026-11-01",
                                               headers={**headers, **language}, json={**FIGURES, "notes": "x" * 2001}),
                   422, "value_out_of_range", "Keep it under 2001 characters.", "Restez sous les 2001 caractères.")
    login(client, "nadia@oceanwatt.fr", PASSWORD)
    page = f"/startups/{accelerator.scene.oceanwatt_id}/kpis"
    response = form_post(client, page, page, {"month": "2026-12", "headcount": "1", "revenue_eur": "1",
                                              "funds_raised_eur": "1", "customers": "1", "notes": ""})
    assert response.status_code == 422 and "month that has begun" in response.text
    wordy = form_post(client, page, page, {"month": "2026-11", "headcount": "1", "revenue_eur": "1",
                                           "funds_raised_eur": "1", "customers": "1", "notes": "Mer " * 600})
    assert wordy.status_code == 422 and "Keep it under 2001 characters." in wordy.text
    # Nor for another start-up.
    assert client.get(f"/startups/{accelerator.scene.kelp_id}/kpis").status_code == 404
    assert client.put(f"/api/v1/startups/{accelerator.scene.kelp_id}/kpis/2026-11-01", headers=headers,
                      json=FIGURES).status_code == 404
    assert db.scalar(select(func.count()).select_from(KpiReport)) == 0


def test_a_manager_of_another_program_sees_the_start_up_but_not_its_figures(client, db, accelerator: Accelerator):
    enrol_both(db, accelerator)
    make_user(db, role="manager", email="marc@other-program.fr")
    db.commit()
    startup = accelerator.scene.oceanwatt_id
    headers = api_token(client, "marc@other-program.fr", PASSWORD)
    assert client.get(f"/api/v1/startups/{startup}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/startups/{startup}/kpis", headers=headers).status_code == 403
    assert client.get(f"/api/v1/startups/{startup}/milestones", headers=headers).status_code == 403
    assert client.put(f"/api/v1/startups/{startup}/kpis/2026-11-01", headers=headers,
                      json=FIGURES).status_code == 403
    login(client, "marc@other-program.fr", PASSWORD)
    page = client.get(f"/startups/{startup}")
    assert page.status_code == 200 and "OceanWatt" in page.text
    assert f"/startups/{startup}/kpis" not in page.text and f"/startups/{startup}/milestones" not in page.text
    assert db.scalar(select(func.count()).select_from(KpiReport)) == 0


def test_managers_export_the_cohorts_kpis_as_csv(client, db, accelerator: Accelerator):
    enrol_both(db, accelerator)
    scene = accelerator.scene
    nadia, hugo = api_token(client, "nadia@oceanwatt.fr", PASSWORD), api_token(client, "hugo@kelpstudio.fr", PASSWORD)
    for month, revenue in (("2026-10-01", 9000), ("2026-11-15", 12500)):
        response = client.put(f"/api/v1/startups/{scene.oceanwatt_id}/kpis/{month}", headers=nadia,
                              json={**FIGURES, "revenue_eur": revenue})
        assert response.status_code == 200, response.text
    client.put(f"/api/v1/startups/{scene.kelp_id}/kpis/2026-11-01", headers=hugo,
               json={**FIGURES, "headcount": 2, "notes": "Expo, Nantes"})
    history = client.get(f"/api/v1/startups/{scene.oceanwatt_id}/kpis", headers=nadia).json()
    assert [(r["month"], r["revenue_eur"]) for r in history] == [("2026-11-01", 12500), ("2026-10-01", 9000)]

    manager = api_token(client, scene.manager.email, PASSWORD)
    response = client.get(f"/api/v1/cohorts/{accelerator.cohort.id}/kpis.csv", headers=manager)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == ["startup", "track", "month", "headcount", "revenue_eur", "funds_raised_eur",
                             "customers", "notes"]
    assert [(r["startup"], r["track"], r["month"], int(r["revenue_eur"]), int(r["headcount"]), r["notes"])
            for r in rows] == [
        ("Kelp Studio", "Industries créatives", "2026-11", 12500, 2, "Expo, Nantes"),
        ("OceanWatt", "Mer", "2026-10", 9000, 4, "First port"),
        ("OceanWatt", "Mer", "2026-11", 12500, 4, "First port"),
    ]
    assert sum(int(r["funds_raised_eur"]) for r in rows) == 750000
    login(client, scene.manager.email, PASSWORD)
    assert client.get(f"/cohorts/{accelerator.cohort.id}/kpis.csv").text == response.text
    assert client.get(f"/api/v1/cohorts/{accelerator.cohort.id}/kpis.csv", headers=nadia).status_code == 404


def test_the_demo_has_milestones_and_three_months_of_kpis(db):
    demo.load_demo(db, DEMO_NOW)  # the core, spaces and cohorts demos
    running = db.scalars(select(Cohort).where(Cohort.name == "Promo 2026")).one()
    reports = db.scalars(select(KpiReport).join(Enrolment, Enrolment.organisation_id == KpiReport.organisation_id)
                         .where(Enrolment.cohort_id == running.id)).all()
    # Three months for twenty start-ups, four of them late with October.
    assert len(reports) == 56 and {r.month.isoformat() for r in reports} == {"2026-08-01", "2026-09-01", "2026-10-01"}
    assert db.scalar(select(func.count()).select_from(Milestone)) == 12  # four on each of the three tracks
    statuses = set(db.scalars(select(MilestoneProgress.status)))
    assert statuses == {"done", "in_progress"}
    cohorts_demo.load_demo(db, DEMO_NOW)  # again: nothing more
    assert db.scalar(select(func.count()).select_from(KpiReport)) == len(reports)
