"""The milestone reminders and the monthly KPI requests, run by the job runner: each mail goes once."""
from sqlalchemy import select

from cohorts.programs import cohorts as cohort_service
from cohorts.startups import kpis, milestones
from cohorts.startups.board import cohort_board
from cohorts.startups.models import KpiRequest
from tests.cohorts.conftest import Accelerator
from tests.cohorts.startups.test_milestones import enrol_both
from tests.spaces.conftest import paris
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.notifications.models import OutboxMessage
from totem.i18n import shown


def _running(db, accelerator: Accelerator) -> None:  # type: ignore[no-untyped-def]
    enrol_both(db, accelerator)
    cohort_service.advance_phases(db, now=paris("2026-12-07", 0, 10))
    cohort_service.advance_phases(db, now=paris("2027-01-04", 0, 10))
    db.commit()


def _mails(db, since_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return sorted((m.to_address, m.subject) for m in db.scalars(select(OutboxMessage)
                                                                 .where(OutboxMessage.id > since_id)))


def _last_mail_id(db) -> int:  # type: ignore[no-untyped-def]
    return max([m.id for m in db.scalars(select(OutboxMessage))] or [0])


def test_milestone_reminders_a_week_before_and_overdue_notices_go_once(db, session_factory, accelerator):
    _running(db, accelerator)
    job = collect_jobs()["cohorts.remind_milestones"]
    start = _last_mail_id(db)
    run = run_fire(session_factory, job, paris("2027-01-27", 8))  # "First buoy at sea" is due on 3 February
    assert run.status == "succeeded", run.summary
    assert _mails(db, start) == [("karim@oceanwatt.fr", "First buoy at sea is due on February 3, 2027"),
                                 ("nadia@oceanwatt.fr", "First buoy at sea is due on February 3, 2027")]
    start = _last_mail_id(db)
    assert shown(run_fire(session_factory, job, paris("2027-01-28", 8)).summary, "en") == "sent 0 reminders and 0 overdue notices"

    # Kelp Studio is done with its milestone before the reminder: nothing is sent to it.
    kelp_item = milestones.startup_milestones(db, actor=accelerator.scene.hugo,
                                              organisation_id=accelerator.scene.kelp_id)[0]
    milestones.update_progress(db, actor=accelerator.scene.hugo, organisation_id=accelerator.scene.kelp_id,
                               milestone_id=kelp_item.milestone.id, status="done", note="", now=paris("2027-02-01", 9))
    db.commit()
    run_fire(session_factory, job, paris("2027-02-04", 8))
    run_fire(session_factory, job, paris("2027-03-06", 8))
    assert _mails(db, start) == [("karim@oceanwatt.fr", "First buoy at sea is overdue"),
                                 ("nadia@oceanwatt.fr", "First buoy at sea is overdue")]


def test_kpis_are_asked_on_the_first_and_reminded_until_reported(db, session_factory, accelerator):
    _running(db, accelerator)
    job = collect_jobs()["cohorts.request_kpis"]
    start = _last_mail_id(db)
    # December is before the cohort's start: nobody is asked for it.
    assert shown(run_fire(session_factory, job, paris("2027-01-05", 9)).summary, "en") == "sent 0 KPI requests and 0 reminders"
    run = run_fire(session_factory, job, paris("2027-02-01", 9))
    assert shown(run.summary, "en") == "sent 3 KPI requests and 0 reminders"
    assert ("hugo@kelpstudio.fr", "Your figures for January 2027") in _mails(db, start)
    assert shown(run_fire(session_factory, job, paris("2027-02-02", 9)).summary, "en") == "sent 0 KPI requests and 0 reminders"

    kpis.save_report(db, actor=accelerator.scene.hugo, organisation_id=accelerator.scene.kelp_id,
                     now=paris("2027-02-03", 10), figures=kpis.Figures(paris("2027-01-01", 0).date(), 2, 0, 0, 1))
    db.commit()
    start = _last_mail_id(db)
    run_fire(session_factory, job, paris("2027-02-08", 9))
    run_fire(session_factory, job, paris("2027-02-09", 9))
    assert _mails(db, start) == [("karim@oceanwatt.fr", "Reminder: your figures for January 2027"),
                                 ("nadia@oceanwatt.fr", "Reminder: your figures for January 2027")]
    requests = {r.organisation_id: r.reminders for r in db.scalars(select(KpiRequest))}
    assert requests == {accelerator.scene.oceanwatt_id: 1, accelerator.scene.kelp_id: 0}


def test_the_board_shows_milestone_progress_and_kpi_status(client, db, accelerator: Accelerator):
    _running(db, accelerator)
    scene = accelerator.scene
    kpis.save_report(db, actor=scene.hugo, organisation_id=scene.kelp_id, now=paris("2027-02-03", 10),
                     figures=kpis.Figures(paris("2027-01-01", 0).date(), 2, 0, 0, 1))
    db.commit()
    board = cohort_board(db, cohort_service.get_cohort(db, accelerator.cohort.id), now=paris("2027-02-10", 9))
    cards = {card.organisation.name: card for column in board.columns for card in column.cards}
    ocean, kelp = cards["OceanWatt"], cards["Kelp Studio"]
    assert board.kpi_month == paris("2027-01-01", 0).date()
    assert (ocean.milestones_done, ocean.milestones_total, ocean.milestones_overdue, ocean.kpis_reported) == (
        0, 1, 1, False)  # due on 3 February
    assert (kelp.milestones_total, kelp.milestones_overdue, kelp.kpis_reported) == (1, 0, True)
