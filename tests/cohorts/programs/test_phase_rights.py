"""Credits and space rights follow the cohort's phase: a program's setting per phase, applied by the phase job
(first credits, then a top-up or a take-back of this month's), once; the program's own rules where a phase has
none; the pages, the API and the audit log; a manager of another operator kept out."""
from datetime import date

import pytest
from sqlalchemy import select

from cohorts.programs import cohorts as cohort_service
from cohorts.programs import enrolment, phase_rights, queries
from cohorts.programs.phase_rights import PhaseRightsData
from spaces.credits import service as credits
from spaces.credits.models import CreditEntry
from spaces.venues import access
from tests.cohorts.conftest import Accelerator
from tests.helpers import api_token, form_post, login
from tests.spaces.conftest import NOW, make_person, paris
from tests.spaces.operators.factories import make_operator
from tests.totem.factories import PASSWORD
from totem.audit.models import AuditEntry
from totem.errors import Forbidden, Invalid
from totem.identity.models import Organisation
from totem.jobs.registry import collect_jobs


def _set(db, accelerator: Accelerator, phase: str, monthly_credits: int, *kinds: str) -> None:
    phase_rights.set_phase_rights(db, actor=accelerator.scene.manager, program_id=accelerator.program.id,
                                  phase=phase, data=PhaseRightsData(monthly_credits, kinds), now=NOW)


def _enrol(db, accelerator: Accelerator) -> int:
    oceanwatt = db.get_one(Organisation, accelerator.scene.oceanwatt_id)
    enrolment.enrol_startup(db, actor=accelerator.scene.manager, cohort=accelerator.cohort, organisation=oceanwatt,
                            track=None, now=NOW)
    return oceanwatt.id


def _may_book(db, accelerator: Accelerator, organisation_id: int, kind: str, day: date) -> bool:
    return access.holds_grant(db, organisation_id=organisation_id, venue_id=accelerator.scene.venue.id, kind=kind,
                              day=day)


def _spend(db, accelerator: Accelerator, organisation_id: int, amount: int) -> None:
    credits.adjust(db, actor=accelerator.scene.manager, organisation_id=organisation_id, amount=-amount,
                   note="rooms booked", now=NOW)


def test_credits_and_rights_follow_the_phases_through_the_job_once_each(db, accelerator: Accelerator):
    _set(db, accelerator, "selection", 5, "meeting_room")
    _set(db, accelerator, "running", 30, "meeting_room", "phone_booth")
    _set(db, accelerator, "demo_day", 10)  # every kind: the demo day's event space too
    startup = _enrol(db, accelerator)  # while applications are open: nothing held yet
    assert credits.balance_of(db, startup) == 0
    assert not _may_book(db, accelerator, startup, "meeting_room", date(2026, 12, 6))

    # Selection: its rights from its first day, and the first month's credits at its rate.
    moves = cohort_service.advance_phases(db, now=paris("2026-12-07", 0, 10))
    assert [(m.before, m.after) for m in moves] == [("applications_open", "selection")]
    assert credits.balance_of(db, startup) == 5
    assert _may_book(db, accelerator, startup, "meeting_room", date(2026, 12, 7))
    assert not _may_book(db, accelerator, startup, "phone_booth", date(2026, 12, 7))
    assert cohort_service.advance_phases(db, now=paris("2026-12-07", 9)) == []
    assert credits.balance_of(db, startup) == 5

    # The monthly reset gives the selection's allowance; running tops this month up to the running phase's.
    credits.reset_month(db, month_start=date(2027, 1, 1), now=paris("2027-01-01", 0, 5))
    _spend(db, accelerator, startup, 3)
    assert credits.balance_of(db, startup) == 2
    cohort_service.advance_phases(db, now=paris("2027-01-04", 0, 10))
    assert accelerator.cohort.phase == "running"
    assert credits.balance_of(db, startup) == 2 + 25
    assert _may_book(db, accelerator, startup, "phone_booth", date(2027, 1, 4))
    assert not _may_book(db, accelerator, startup, "event_space", date(2027, 1, 4))
    cohort_service.advance_phases(db, now=paris("2027-01-05", 0, 10))
    assert credits.balance_of(db, startup) == 27
    credits.reset_month(db, month_start=date(2027, 2, 1), now=paris("2027-02-01", 0, 5))
    assert credits.balance_of(db, startup) == 30  # later months: the running phase's allowance

    # Demo day gives fewer: the difference is taken back, never below zero (what was spent stays spent).
    credits.reset_month(db, month_start=date(2027, 6, 1), now=paris("2027-06-01", 0, 5))
    _spend(db, accelerator, startup, 15)
    cohort_service.advance_phases(db, now=paris("2027-06-10", 0, 10))
    assert accelerator.cohort.phase == "demo_day"
    assert credits.balance_of(db, startup) == 0
    assert _may_book(db, accelerator, startup, "event_space", date(2027, 6, 10))
    notes = db.scalars(select(CreditEntry.note).where(CreditEntry.amount == -15, CreditEntry.actor_id.is_not(None))
                       .order_by(CreditEntry.id)).all()
    assert notes[-1] == "Promo 2027: demo_day, 10 credits a month"
    cohort_service.advance_phases(db, now=paris("2027-06-11", 0, 10))
    assert credits.balance_of(db, startup) == 0


def test_the_scheduled_job_applies_the_phase_s_credits(db, accelerator: Accelerator):
    _set(db, accelerator, "running", 30)
    startup = _enrol(db, accelerator)
    job = collect_jobs()["cohorts.advance_phases"]
    job.func(db, paris("2027-01-04", 0, 10))
    assert credits.balance_of(db, startup) == 30
    job.func(db, paris("2027-01-04", 0, 10))
    assert credits.balance_of(db, startup) == 30


def test_a_phase_without_a_setting_keeps_the_program_s_rules(db, accelerator: Accelerator):
    _set(db, accelerator, "demo_day", 50, "event_space")
    startup = _enrol(db, accelerator)
    grant = access.find_grant(db, organisation_id=startup, source_key=f"cohort-{accelerator.cohort.id}")
    assert (grant.starts_on, grant.monthly_credits, grant.space_kinds) == (date(2027, 1, 4), 40, [])
    cohort_service.advance_phases(db, now=paris("2026-12-07", 0, 10))  # selection: nothing set, nothing held
    assert credits.balance_of(db, startup) == 0
    cohort_service.advance_phases(db, now=paris("2027-01-04", 0, 10))
    assert credits.balance_of(db, startup) == 40
    cohort_service.advance_phases(db, now=paris("2027-06-10", 0, 10))
    assert credits.balance_of(db, startup) == 50
    assert not _may_book(db, accelerator, startup, "meeting_room", date(2027, 6, 10))

    _program, rights = phase_rights.list_phase_rights(db, actor=accelerator.scene.manager,
                                                      program_id=accelerator.program.id)
    assert [(r.phase, r.monthly_credits, r.is_set) if r else None for r in rights] == [
        None, ("running", 40, False), ("demo_day", 50, True)]


def test_a_manager_s_move_applies_the_phase_s_rights_too(db, accelerator: Accelerator):
    _set(db, accelerator, "running", 12)
    startup = _enrol(db, accelerator)
    cohort_service.force_phase(db, actor=accelerator.scene.manager, cohort_id=accelerator.cohort.id, phase="running",
                               now=NOW)
    assert credits.balance_of(db, startup) == 12


def test_a_setting_is_checked_recorded_and_cleared(db, accelerator: Accelerator):
    with pytest.raises(Invalid) as too_many:
        _set(db, accelerator, "running", 1_000_000)
    assert too_many.value.field == "monthly_credits"
    with pytest.raises(Invalid):
        _set(db, accelerator, "running", 5, "ballroom")
    with pytest.raises(Invalid):
        _set(db, accelerator, "alumni", 5)
    _set(db, accelerator, "running", 12, "meeting_room")
    _set(db, accelerator, "running", 12, "meeting_room")  # unchanged: not recorded twice
    phase_rights.set_phase_rights(db, actor=accelerator.scene.manager, program_id=accelerator.program.id,
                                  phase="running", data=None, now=NOW)
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "program.phase_rights")).all()
    assert len(entries) == 2 and all(entry.actor_id == accelerator.scene.manager.id for entry in entries)
    _program, rights = phase_rights.list_phase_rights(db, actor=accelerator.scene.manager,
                                                      program_id=accelerator.program.id)
    assert rights[1].is_set is False and rights[1].monthly_credits == 40


@pytest.fixture
def other_operators_manager(db, accelerator: Accelerator):  # type: ignore[no-untyped-def]
    admin = make_person(db, role="admin", email="admin@cite.fr")
    ines = make_person(db, role="manager", email="ines@lavande.fr")
    make_operator(db, admin=admin, now=NOW, name="Maison Lavande", kind="corporate_programme", managers=(ines,))
    db.commit()
    return ines


def test_a_manager_of_another_operator_neither_reads_nor_sets_the_rights(db, client, accelerator: Accelerator,
                                                                        other_operators_manager):
    with pytest.raises(Forbidden):
        phase_rights.set_phase_rights(db, actor=other_operators_manager, program_id=accelerator.program.id,
                                      phase="running", data=PhaseRightsData(99), now=NOW)
    headers = api_token(client, "ines@lavande.fr", PASSWORD)
    path = f"/api/v1/programs/{accelerator.program.id}/phases"
    assert client.get(path, headers=headers).status_code == 403
    refused = client.put(f"{path}/running", headers=headers, json={"monthly_credits": 99})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    login(client, "ines@lavande.fr", PASSWORD)
    assert client.get(f"/programs/{accelerator.program.id}").status_code == 403
    assert db.scalar(select(AuditEntry.id).where(AuditEntry.action == "program.phase_rights")) is None


def test_the_api_reads_sets_and_clears_a_phase(client, accelerator: Accelerator):
    headers = api_token(client, "lea@cite-innovation.fr", PASSWORD)
    path = f"/api/v1/programs/{accelerator.program.id}/phases"
    put = client.put(f"{path}/selection", headers=headers, json={"monthly_credits": 4, "space_kinds": ["meeting_room"]})
    assert put.status_code == 200, put.text
    assert put.json() == {"phase": "selection", "is_set": True, "holds_rights": True, "monthly_credits": 4,
                          "space_kinds": ["meeting_room"]}
    listed = client.get(path, headers=headers).json()
    assert [(p["phase"], p["monthly_credits"], p["is_set"]) for p in listed] == [
        ("selection", 4, True), ("running", 40, False), ("demo_day", 40, False)]
    assert client.put(f"{path}/alumni", headers=headers, json={"monthly_credits": 4}).status_code == 422
    assert client.put(f"{path}/running", headers=headers, json={"monthly_credits": -1}).status_code == 422
    assert client.delete(f"{path}/selection", headers=headers).status_code == 204
    assert client.get(path, headers=headers).json()[0] == {
        "phase": "selection", "is_set": False, "holds_rights": False, "monthly_credits": 0, "space_kinds": []}
    member = api_token(client, "nadia@oceanwatt.fr", PASSWORD)
    assert client.get(path, headers=member).status_code in (403, 404)


def test_the_program_page_sets_the_phases_and_shows_bad_input_again(client, db, accelerator: Accelerator):
    login(client, "lea@cite-innovation.fr", PASSWORD)
    page = f"/programs/{accelerator.program.id}"
    action = f"{page}/phases"
    assert "Credits and spaces per phase" in client.get(page).text
    wrong = form_post(client, page, action, {"selection_credits": "", "selection_kinds": [],
                                             "running_credits": "lots", "running_kinds": ["meeting_room"],
                                             "demo_day_credits": "8", "demo_day_kinds": []})
    assert wrong.status_code == 422
    assert 'value="lots"' in wrong.text and "Enter a whole number." in wrong.text
    assert queries_of(db, accelerator) == {}
    done = form_post(client, page, action, {"selection_credits": "", "selection_kinds": [],
                                            "running_credits": "25", "running_kinds": ["meeting_room", "phone_booth"],
                                            "demo_day_credits": "8", "demo_day_kinds": []})
    assert (done.status_code, done.headers["location"]) == (303, page)
    assert queries_of(db, accelerator) == {"running": (25, ["meeting_room", "phone_booth"]), "demo_day": (8, [])}
    assert 'name="running_credits" type="number" value="25"' in client.get(page).text


def queries_of(db, accelerator: Accelerator) -> dict[str, tuple[int, list[str]]]:
    db.expire_all()
    return {phase: (row.monthly_credits, sorted(row.space_kinds))
            for phase, row in queries.list_phase_rights(db, accelerator.program.id).items()}


def test_selection_rights_set_after_an_enrolment_open_the_grant_from_the_selection(db, accelerator: Accelerator):
    startup = _enrol(db, accelerator)
    _set(db, accelerator, "selection", 5, "meeting_room")
    cohort_service.advance_phases(db, now=paris("2026-12-07", 0, 10))
    assert credits.balance_of(db, startup) == 5
    assert _may_book(db, accelerator, startup, "meeting_room", date(2026, 12, 7))
