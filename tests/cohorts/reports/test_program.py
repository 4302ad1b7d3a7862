"""A program's report on a small hand-counted quarter: mentor hours, sessions, no-shows, feedback, milestones,
KPI growth and credits; its page, charts and CSV; and who may read it."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from cohorts.mentoring.models import MentorSession, SessionFeedback
from cohorts.programs.models import Enrolment
from cohorts.reports import exports
from cohorts.reports import program_report as reports
from cohorts.startups import kpis as startup_kpis
from cohorts.startups import service as startups
from cohorts.startups.models import KpiReport, Milestone, MilestoneProgress, StartupProfile
from spaces.credits import service as credits
from spaces.credits.models import CreditEntry
from tests.cohorts.conftest import NOW
from tests.cohorts.mentoring.factories import make_mentor
from tests.helpers import login
from tests.spaces.conftest import make_person
from tests.totem.factories import PASSWORD
from totem.identity.models import User

FIRST, LAST = date(2027, 1, 4), date(2027, 3, 31)  # Promo 2027's first quarter
QUERY = {"from": FIRST.isoformat(), "to": LAST.isoformat()}


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=UTC)


@pytest.fixture
def quarter(db, accelerator):  # type: ignore[no-untyped-def]
    """OceanWatt (track Mer) and Kelp Studio (Industries créatives) in Promo 2027, from 4 January 2027.

    Sessions in the quarter: Yves–OceanWatt 60 min and 90 min completed (start-up rates 5 and 4, Yves rates the
    first 4); Claire–Kelp 30 min awaiting attendance (Claire rates 3); Claire–Kelp missed by the start-up
    (Claire rates 1: not a session held, not counted); Yves–Kelp cancelled. Outside: a completed session in April,
    and one of OceanWatt with no cohort or track (another program's business).
    Milestones: Mer due 18 January (done), 5 March (in progress), 4 May (done, after the quarter); Industries
    créatives due 3 February (to do).
    KPIs: OceanWatt Dec (outside) 3 people; Jan 4 / 10,000 €; Feb 5 / 12,000 € / raised 50,000 €; Mar 7 / 15,000 €.
    Kelp Feb 2 / 3,000 €; Mar 3 / 4,500 € / raised 20,000 €.
    Credits of OceanWatt: +40 allowance, -10 booking, +2 refund, -5 expired, +10 top-up; -3 in December (outside).
    """
    scene, cohort = accelerator.scene, accelerator.cohort
    mer, creative = sorted(accelerator.program.tracks, key=lambda t: t.name != "Mer")
    yves = make_mentor(db, venue=scene.venue, email="yves@mentors.fr", now=NOW)
    claire = make_mentor(db, venue=scene.venue, email="claire@mentors.fr", now=NOW)
    ocean = Enrolment(cohort_id=cohort.id, organisation_id=scene.oceanwatt_id, track_id=mer.id, status="active",
                      enrolled_on=date(2026, 12, 10), created_at=NOW)
    kelp = Enrolment(cohort_id=cohort.id, organisation_id=scene.kelp_id, track_id=creative.id, status="active",
                     enrolled_on=date(2026, 12, 10), created_at=NOW)
    db.add_all([ocean, kelp])
    db.flush()

    def session(mentor, organisation_id, track, day, minutes, status, no_show=None, in_cohort=True):  # type: ignore[no-untyped-def]
        row = MentorSession(mentor_id=mentor.user_id, organisation_id=organisation_id, topic="Topic",
                            starts_at=_at(day), ends_at=_at(day) + timedelta(minutes=minutes), mode="online",
                            status=status, no_show=no_show, created_at=NOW,
                            cohort_id=cohort.id if in_cohort else None, track_id=track.id if in_cohort else None)
        db.add(row)
        db.flush()
        return row

    def rate(row, side, rating):  # type: ignore[no-untyped-def]
        db.add(SessionFeedback(session_id=row.id, side=side, rating=rating, created_at=row.ends_at))

    first = session(yves, scene.oceanwatt_id, mer, "2027-01-12", 60, "completed")
    rate(first, "startup", 5)
    rate(first, "mentor", 4)
    rate(session(yves, scene.oceanwatt_id, mer, "2027-02-09", 90, "completed"), "startup", 4)
    rate(session(claire, scene.kelp_id, creative, "2027-03-30", 30, "awaiting_attendance"), "mentor", 3)
    rate(session(claire, scene.kelp_id, creative, "2027-02-16", 60, "no_show", no_show="startup"), "mentor", 1)
    session(yves, scene.kelp_id, creative, "2027-03-02", 60, "cancelled")
    session(yves, scene.oceanwatt_id, mer, "2027-04-06", 60, "completed")
    session(yves, scene.oceanwatt_id, mer, "2027-02-10", 60, "completed", in_cohort=False)

    for track, offset, title, progress in ((mer, 14, "Pitch", {ocean: "done"}), (mer, 60, "Pilot", {ocean: "in_progress"}),
                                           (mer, 120, "Round", {ocean: "done"}), (creative, 30, "Prototype", {})):
        milestone = Milestone(track_id=track.id, title=title, due_offset_days=offset, created_at=NOW)
        db.add(milestone)
        db.flush()
        for enrolment, status in progress.items():
            db.add(MilestoneProgress(milestone_id=milestone.id, enrolment_id=enrolment.id, status=status,
                                     updated_at=NOW))

    for organisation_id, month, headcount, revenue, raised in (
            (scene.oceanwatt_id, "2026-12", 3, 9_000, 0), (scene.oceanwatt_id, "2027-01", 4, 10_000, 0),
            (scene.oceanwatt_id, "2027-02", 5, 12_000, 50_000), (scene.oceanwatt_id, "2027-03", 7, 15_000, 0),
            (scene.kelp_id, "2027-02", 2, 3_000, 0), (scene.kelp_id, "2027-03", 3, 4_500, 20_000)):
        db.add(KpiReport(organisation_id=organisation_id, month=date.fromisoformat(f"{month}-01"),
                         headcount=headcount, revenue_eur=revenue, funds_raised_eur=raised, customers=1,
                         submitted_at=NOW))

    account = credits.account_for(db, scene.oceanwatt_id)
    for at, amount, reason in (("2026-12-20", -3, "booking"), ("2027-01-04", 40, "allowance"),
                               ("2027-01-20", -10, "booking"), ("2027-01-22", 2, "refund"),
                               ("2027-02-01", -5, "expiry"), ("2027-02-03", 10, "adjustment")):
        db.add(CreditEntry(account_id=account.id, at=_at(at), amount=amount, reason=reason))
    db.commit()
    return accelerator


def _report(db, accelerator):  # type: ignore[no-untyped-def]
    manager = accelerator.scene.manager
    period = reports.parse_period(db, actor=manager, program_id=accelerator.program.id, first=FIRST.isoformat(),
                                  last=LAST.isoformat(), today=NOW.date())
    return reports.program_report(db, period, actor=manager)


def test_the_quarter_matches_the_hand_counted_figures(db, quarter):
    report = _report(db, quarter)

    assert [(h.name, h.sessions, h.minutes) for h in report.by_track] == [
        ("Mer", 2, 150), ("Industries créatives", 1, 30)]
    names = dict(db.execute(select(User.email, User.name).where(User.email.like("%@mentors.fr"))).tuples().all())
    assert [(h.name, h.sessions, h.hours) for h in report.by_mentor] == [
        (names["yves@mentors.fr"], 2, 2.5), (names["claire@mentors.fr"], 1, 0.5)]
    assert [(h.name, h.minutes) for h in report.by_cohort] == [("Promo 2027", 180)]
    assert report.hours == 3.0
    s = report.sessions
    assert (s.held, s.no_shows, s.startup_no_shows, s.mentor_no_shows, s.cancelled) == (3, 1, 1, 0, 1)
    assert s.no_show_rate == 0.25
    assert (s.startup_rating, s.mentor_rating, s.ratings) == (4.5, 3.5, 4)  # the missed session's 1 is left out
    assert [(m.track, m.due, m.done) for m in report.milestones] == [("Industries créatives", 1, 0), ("Mer", 2, 1)]
    assert report.milestones_total.rate == pytest.approx(1 / 3)

    (kpis,) = report.kpis
    assert (kpis.startups, kpis.reporting, kpis.headcount_start, kpis.headcount_end, kpis.jobs_created) == (
        2, 2, 6, 10, 4)
    assert (kpis.revenue_eur, kpis.funds_raised_eur, kpis.revenue_growth) == (44_500, 70_000, 0.5)
    assert [(m.month, m.headcount, m.revenue_eur) for m in report.months] == [
        (date(2027, 1, 1), 4, 10_000), (date(2027, 2, 1), 7, 15_000), (date(2027, 3, 1), 10, 19_500)]

    ocean, kelp = sorted(report.startups, key=lambda row: row.name != "OceanWatt")
    assert (ocean.credits.given, ocean.credits.used, ocean.credits.expired) == (50, 8, 5)
    assert (ocean.sessions, ocean.minutes, ocean.milestones_due, ocean.milestones_done, ocean.headcount) == (
        2, 150, 2, 1, 7)
    assert (kelp.credits.used, kelp.sessions, kelp.headcount, kelp.funds_raised_eur) == (0, 1, 3, 20_000)


def test_the_page_charts_and_exports_for_the_programs_manager(client, db, quarter):
    login(client, quarter.scene.manager.email, PASSWORD)
    base = f"/admin/reports/programs/{quarter.program.id}"

    assert client.get("/admin/reports/programs").status_code == 200
    page = client.get(base, params=QUERY)
    assert page.status_code == 200
    assert f'href="{base}/funders?from=2027-01-04&amp;to=2027-03-31"' in page.text
    funders = client.get(f"{base}/funders", params=QUERY)
    assert funders.status_code == 200 and "OceanWatt" in funders.text and "style=" not in funders.text
    for chart in ("tracks", "mentors", "milestones", "months", "credits"):
        svg = client.get(f"{base}/charts/{chart}.svg", params=QUERY)
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml"), chart
    tracks = client.get(f"{base}/report.csv", params={**QUERY, "table": "tracks"})
    assert tracks.text.splitlines() == ["track,sessions,minutes,hours", "Mer,2,150,2.5",
                                        "Industries créatives,1,30,0.5"]
    kpis = client.get(f"{base}/report.csv", params={**QUERY, "table": "kpis"}).text.splitlines()
    assert kpis[1] == "Promo 2027,2,2,6,10,4,44500,70000,0.5000"
    for table in exports.CSV_TABLES:
        assert client.get(f"{base}/report.csv", params={**QUERY, "table": table}).status_code == 200, table
    assert client.get(f"{base}/report.csv", params={**QUERY, "table": "nope"}).status_code == 422
    refused = client.get(base, params={"from": "2027-03-31", "to": "2027-01-04"})
    assert refused.status_code == 422 and "The last day must not be before the first." in refused.text


@pytest.mark.parametrize("who", ["member", "mentor", "other manager"])
def test_members_mentors_and_other_programs_managers_get_403(client, db, quarter, who):
    email = {"member": quarter.scene.nadia.email, "mentor": "yves@mentors.fr", "other manager": "paul@metropole.fr"}[who]
    if who == "other manager":
        make_person(db, email=email, role="manager")
        db.commit()
    login(client, email, PASSWORD)
    base = f"/admin/reports/programs/{quarter.program.id}"

    for path in (base, f"{base}/funders", f"{base}/charts/tracks.svg", f"{base}/report.csv"):
        assert client.get(path, params=QUERY).status_code == 403, path
    assert client.get("/admin/reports/programs").status_code == (200 if who == "other manager" else 403)


def test_figures_that_count_differently_say_why_and_the_team_has_one_source(client, db, quarter):
    """The months add up who reported for them (4, 7, 10) beside the cohort's 6 → 10; the start-ups' milestones
    are those due in the period (OceanWatt 1 / 2) beside its page's every milestone of the track (2 of 3): each
    page says so. The team is the latest monthly headcount (7), on the start-up's page as in the report."""
    scene = quarter.scene
    report = _report(db, quarter)
    assert [(m.headcount, m.reporting) for m in report.months] == [(4, 1), (7, 2), (10, 2)]
    login(client, scene.manager.email, PASSWORD)
    funders = client.get(f"/admin/reports/programs/{quarter.program.id}/funders", params=QUERY).text
    assert "Each month adds up the start-ups that reported for it" in funders
    assert "Milestones: done out of those due within the period" in funders

    db.add(StartupProfile(organisation_id=scene.oceanwatt_id, team_size=9, updated_at=NOW))
    db.commit()
    ocean = next(row for row in report.startups if row.name == "OceanWatt")
    login(client, scene.nadia.email, PASSWORD)
    own = client.get(f"/startups/{scene.oceanwatt_id}").text
    assert f"{ocean.headcount} people" in own and "headcount of the monthly figures, March 2027" in own
    assert "9 people" not in own
    # A reader the figures are not for (another program's manager) gets the team as the profile declares it.
    startup = startups.get_startup(db, actor=scene.manager, organisation_id=scene.oceanwatt_id)
    assert startup_kpis.team_size(db, startup, with_figures=False) == startup_kpis.TeamSize(9, None)
    assert startup_kpis.team_size(db, startup, with_figures=True) == startup_kpis.TeamSize(ocean.headcount, date(2027, 3, 1))
