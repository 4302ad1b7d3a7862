"""Mentors' office hours: materialised slots on the venue's clock, days away, holidays, and free slots."""
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cohorts.mentoring import availability, days_away
from cohorts.mentoring.availability import OfficeHoursData, Slot
from cohorts.mentoring.jobs import materialise_office_hours
from cohorts.mentoring.models import MentorProfile, MentorSession, OfficeHoursSlot
from tests.cohorts.mentoring.factories import make_mentor
from tests.spaces.conftest import NOW, Scene, paris
from tests.spaces.factories import make_venue
from totem.errors import Conflict, Forbidden, Invalid
from totem.i18n import shown

TUE_THU = [1, 3]


def _mentor(db: Session, scene: Scene, email: str = "yves@mentors.fr") -> MentorProfile:
    """A mentor of the scene's venue, with `user` loaded."""
    profile = make_mentor(db, venue=scene.venue, email=email, now=NOW)
    db.refresh(profile, attribute_names=["user"])
    return profile


def _hours(weekdays: list[int], starts: int, ends: int, first_day: str = "2026-12-01", *, last_day: str | None = None,
           every_weeks: int = 1) -> OfficeHoursData:
    return OfficeHoursData(weekdays=weekdays, starts_at=time(starts), ends_at=time(ends),
                           first_day=date.fromisoformat(first_day),
                           last_day=date.fromisoformat(last_day) if last_day else None, every_weeks=every_weeks)


def _slot_starts(db: Session, mentor_id: int) -> list[datetime]:
    return list(db.scalars(select(OfficeHoursSlot.starts_at).where(OfficeHoursSlot.mentor_id == mentor_id)
                           .order_by(OfficeHoursSlot.starts_at)))


def _session(db: Session, scene: Scene, mentor: MentorProfile, starts_at: datetime, minutes: int = 60,
             status: str = "confirmed") -> MentorSession:
    session = MentorSession(mentor_id=mentor.user_id, organisation_id=scene.oceanwatt_id, topic="Levée de fonds",
                            starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), mode="online",
                            status=status, created_at=NOW)
    db.add(session)
    db.flush()
    return session


def test_office_hours_are_materialised_over_the_horizon_once(db, scene):
    mentor = _mentor(db, scene)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=_hours(TUE_THU, 14, 17),
                                  now=NOW)
    starts = _slot_starts(db, mentor.user_id)
    # Tuesdays and Thursdays from 1 December 2026 through 25 January 2027 (eight weeks from Monday 30 November).
    assert len(starts) == 16
    assert starts[0] == paris("2026-12-01", 14) and starts[-1] == paris("2027-01-21", 14)

    assert availability.materialise(db, now=NOW) == 0
    assert shown(materialise_office_hours(db, NOW), "en") == "added 0 office hours slots"
    assert len(_slot_starts(db, mentor.user_id)) == 16

    # A week later the horizon has moved one week: two more slots, the past ones are left alone.
    assert availability.materialise(db, now=NOW + timedelta(weeks=1)) == 2
    assert availability.materialise(db, now=NOW + timedelta(weeks=1)) == 0
    assert len(_slot_starts(db, mentor.user_id)) == 18


def test_public_holidays_have_no_office_hours_where_the_venue_observes_them(db, scene):
    mentor = _mentor(db, scene)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=_hours([4], 10, 12),
                                  now=NOW)
    days = {moment.astimezone(paris("2026-12-01", 0).tzinfo).date() for moment in _slot_starts(db, mentor.user_id)}
    assert date(2026, 12, 18) in days
    assert date(2026, 12, 25) not in days and date(2027, 1, 1) not in days  # Noël, Jour de l'an

    elsewhere = make_venue(db, name="Coworking sans jours fériés", observes_public_holidays=False)
    other = make_mentor(db, venue=elsewhere, email="claire@mentors.fr", now=NOW)
    db.refresh(other, attribute_names=["user"])
    availability.add_office_hours(db, actor=other.user, mentor_id=other.user_id, data=_hours([4], 10, 12), now=NOW)
    assert paris("2026-12-25", 10) in _slot_starts(db, other.user_id)


def test_days_away_remove_the_slots_and_bring_them_back_when_removed(db, scene):
    mentor = _mentor(db, scene)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=_hours(TUE_THU, 14, 17),
                                  now=NOW)
    away = days_away.add_exception(db, actor=mentor.user, mentor_id=mentor.user_id, first_day=date(2026, 12, 8),
                                      last_day=date(2026, 12, 10), reason="Salon Euromaritime", now=NOW)
    starts = _slot_starts(db, mentor.user_id)
    assert paris("2026-12-08", 14) not in starts and paris("2026-12-10", 14) not in starts
    assert paris("2026-12-03", 14) in starts and len(starts) == 14
    assert availability.is_away(db, mentor_id=mentor.user_id, day=date(2026, 12, 9))
    assert not availability.is_away(db, mentor_id=mentor.user_id, day=date(2026, 12, 11))
    assert availability.free_windows(db, mentor_id=mentor.user_id, starts_at=paris("2026-12-07", 0),
                                     ends_at=paris("2026-12-11", 0)) == []
    assert availability.materialise(db, now=NOW) == 0  # the job does not bring them back

    days_away.remove_exception(db, actor=mentor.user, exception_id=away.id, now=NOW)
    assert paris("2026-12-08", 14) in _slot_starts(db, mentor.user_id)
    assert len(_slot_starts(db, mentor.user_id)) == 16


def test_free_slots_leave_out_the_sessions_that_hold_the_mentors_time(db, scene):
    mentor = _mentor(db, scene)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=_hours(TUE_THU, 14, 17),
                                  now=NOW)
    _session(db, scene, mentor, paris("2026-12-01", 14))
    _session(db, scene, mentor, paris("2026-12-03", 15), status="cancelled")  # frees its time

    slots = availability.free_slots(db, mentor_id=mentor.user_id, duration_minutes=60, now=NOW,
                                    until=paris("2026-12-04", 0))
    assert slots == [Slot(paris("2026-12-01", 15), paris("2026-12-01", 16)),
                     Slot(paris("2026-12-01", 16), paris("2026-12-01", 17)),
                     Slot(paris("2026-12-03", 14), paris("2026-12-03", 15)),
                     Slot(paris("2026-12-03", 15), paris("2026-12-03", 16)),
                     Slot(paris("2026-12-03", 16), paris("2026-12-03", 17))]
    assert availability.is_free(db, mentor_id=mentor.user_id, starts_at=paris("2026-12-01", 15),
                                ends_at=paris("2026-12-01", 17))
    assert not availability.is_free(db, mentor_id=mentor.user_id, starts_at=paris("2026-12-01", 14, 30),
                                    ends_at=paris("2026-12-01", 15, 30))
    assert not availability.is_free(db, mentor_id=mentor.user_id, starts_at=paris("2026-12-01", 16, 30),
                                    ends_at=paris("2026-12-01", 17, 30))  # past the office hours


def test_free_slots_start_at_the_next_quarter_hour_and_adjacent_hours_merge(db, scene):
    mentor = _mentor(db, scene)
    for data in (_hours([1], 9, 12), _hours([1], 12, 13)):
        availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=data, now=NOW)
    now = paris("2026-12-01", 10, 5)
    slots = availability.free_slots(db, mentor_id=mentor.user_id, duration_minutes=90, now=now,
                                    until=paris("2026-12-02", 0))
    assert slots == [Slot(paris("2026-12-01", 10, 15), paris("2026-12-01", 11, 45))]
    assert availability.is_free(db, mentor_id=mentor.user_id, starts_at=paris("2026-12-01", 11, 30),
                                ends_at=paris("2026-12-01", 12, 30))


def test_overlapping_office_hours_are_refused(db, scene):
    mentor = _mentor(db, scene)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=_hours(TUE_THU, 14, 17),
                                  now=NOW)
    with pytest.raises(Conflict) as refused:
        availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id,
                                      data=_hours([2, 3], 16, 18), now=NOW)
    assert refused.value.params == {"day": "2026-12-03", "starts": "14:00", "ends": "17:00"}
    # Another weekday, an adjacent hour, and fortnightly hours that alternate weeks all fit.
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=_hours([2], 16, 18), now=NOW)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=_hours([1], 17, 18), now=NOW)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id,
                                  data=_hours([0], 9, 10, "2026-11-30", every_weeks=2), now=NOW)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id,
                                  data=_hours([0], 9, 10, "2026-12-07", every_weeks=2), now=NOW)
    with pytest.raises(Conflict):
        availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id,
                                      data=_hours([0], 9, 10, "2026-12-14", every_weeks=4), now=NOW)
    assert len(availability.list_office_hours(db, mentor.user_id)) == 5


@pytest.mark.parametrize(("data", "field"), [
    (_hours([], 14, 17), "weekdays"),
    (_hours([1], 17, 14), "ends_at"),
    (_hours([1], 14, 17, last_day="2026-11-01"), "last_day"),
    (_hours([1], 14, 17, every_weeks=0), "every_weeks"),
    (_hours([5], 14, 17, "2026-12-01", last_day="2026-12-04"), "weekdays"),  # no Saturday in that stretch
])
def test_bad_office_hours_are_refused_with_the_field(db, scene, data, field):
    mentor = _mentor(db, scene)
    with pytest.raises(Invalid) as refused:
        availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id, data=data, now=NOW)
    assert refused.value.field == field
    assert availability.list_office_hours(db, mentor.user_id) == []


def test_a_mentor_cannot_change_another_mentors_availability_but_staff_can(db, scene):
    yves, claire = _mentor(db, scene), _mentor(db, scene, "claire@mentors.fr")
    with pytest.raises(Forbidden):
        availability.add_office_hours(db, actor=claire.user, mentor_id=yves.user_id, data=_hours([1], 9, 10),
                                      now=NOW)
    with pytest.raises(Forbidden):
        days_away.add_exception(db, actor=scene.nadia, mentor_id=yves.user_id, first_day=date(2026, 12, 8),
                                   last_day=date(2026, 12, 8), reason="", now=NOW)
    office_hours = availability.add_office_hours(db, actor=scene.manager, mentor_id=yves.user_id,
                                                 data=_hours([1], 9, 10), now=NOW)
    with pytest.raises(Forbidden):
        availability.remove_office_hours(db, actor=claire.user, office_hours_id=office_hours.id, now=NOW)
    availability.remove_office_hours(db, actor=yves.user, office_hours_id=office_hours.id, now=NOW)
    assert availability.list_office_hours(db, yves.user_id) == [] and _slot_starts(db, yves.user_id) == []


@pytest.mark.parametrize(("first_day", "last_day", "now", "utc_hours"), [
    # Clocks go forward on Sunday 28 March 2027: 14:00 in Paris is 13:00 UTC before, 12:00 UTC after.
    ("2027-03-16", "2027-04-06", datetime(2027, 3, 10, 8, tzinfo=UTC), [13, 13, 12, 12]),
    # And back on Sunday 31 October 2027: 12:00 UTC before, 13:00 UTC after.
    ("2027-10-19", "2027-11-09", datetime(2027, 10, 13, 8, tzinfo=UTC), [12, 12, 13, 13]),
])
def test_office_hours_stay_at_the_same_local_time_across_daylight_saving(db, scene, first_day, last_day, now,
                                                                         utc_hours):
    mentor = _mentor(db, scene)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id,
                                  data=_hours([1], 14, 17, first_day, last_day=last_day), now=now)
    slots = list(db.scalars(select(OfficeHoursSlot).where(OfficeHoursSlot.mentor_id == mentor.user_id)
                            .order_by(OfficeHoursSlot.starts_at)))
    assert [slot.starts_at.hour for slot in slots] == utc_hours
    local = [(slot.starts_at.astimezone(paris(first_day, 0).tzinfo), slot.ends_at.astimezone(paris(first_day, 0).tzinfo))
             for slot in slots]
    assert {(start.time(), end.time()) for start, end in local} == {(time(14), time(17))}
    assert [start.date() - local[0][0].date() for start, _end in local] == [timedelta(weeks=n) for n in range(4)]


def test_materialise_skips_inactive_mentors_and_works_on_what_is_due(db, scene):
    mentor = _mentor(db, scene)
    availability.add_office_hours(db, actor=mentor.user, mentor_id=mentor.user_id,
                                  data=_hours([1], 14, 17, last_day="2026-12-15"), now=NOW)
    assert len(_slot_starts(db, mentor.user_id)) == 3
    # Long after the last day, nothing is made or removed.
    assert availability.materialise(db, now=NOW + timedelta(weeks=10)) == 0
    assert len(_slot_starts(db, mentor.user_id)) == 3

    quiet = _mentor(db, scene, "claire@mentors.fr")
    availability.add_office_hours(db, actor=quiet.user, mentor_id=quiet.user_id, data=_hours([1], 9, 10), now=NOW)
    quiet.is_active = False
    db.flush()
    assert availability.materialise(db, now=NOW + timedelta(weeks=1)) == 0
    assert availability.free_slots(db, mentor_id=quiet.user_id, duration_minutes=60, now=NOW,
                                   until=NOW + timedelta(weeks=2)) == []
    assert db.scalar(select(func.count()).select_from(OfficeHoursSlot)) == 3 + 8
