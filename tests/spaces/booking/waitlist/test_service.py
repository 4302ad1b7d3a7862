"""The waitlist: wait for a taken slot; when it frees, the first in line gets it held, and an e-mail, for a while."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaces.booking import availability, service
from spaces.booking.models import Booking
from spaces.booking.waitlist import service as waitlist
from spaces.booking.waitlist.models import WaitlistEntry
from spaces.credits import service as credits
from spaces.venues import access
from spaces.venues.models import BookingRule, Space
from tests.spaces.conftest import NOW, Scene, paris
from tests.spaces.factories import make_booking
from totem.audit.models import AuditEntry
from totem.errors import Conflict, Invalid, NotFound
from totem.identity.models import User
from totem.jobs.registry import collect_jobs
from totem.jobs.runner import run_fire
from totem.notifications.models import OutboxMessage
from totem.i18n import shown

TUESDAY = "2026-12-01"


def join(db: Session, scene: Scene, person: User, start: datetime, end: datetime, *, now: datetime = NOW,
         space: Space | None = None, **extra) -> WaitlistEntry:  # type: ignore[no-untyped-def]
    return waitlist.join_waitlist(db, actor=person, space_id=(space or scene.room).id, starts_at=start,
                                  ends_at=end, now=now, **extra)


def mails_to(db: Session, person: User) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == person.id)))


def statuses(db: Session, *entries: WaitlistEntry) -> list[str]:
    for entry in entries:
        db.refresh(entry)
    return [entry.status for entry in entries]


@pytest.fixture
def taken(db, scene: Scene) -> Booking:
    """Hugo holds Calanques on Tuesday 10:00–11:00; Nadia, then Karim, wait for that hour."""
    return make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 10),
                        ends_at=paris(TUESDAY, 11), organisation_id=scene.kelp_id)


def test_a_member_joins_the_waitlist_of_a_taken_slot(db, scene, taken):
    entry = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11), title="Board")

    assert (entry.status, entry.user_id, entry.organisation_id) == ("waiting", scene.nadia.id, scene.oceanwatt_id)
    assert (entry.starts_at, entry.ends_at, entry.title) == (paris(TUESDAY, 10), paris(TUESDAY, 11), "Board")
    assert entry.booking_id is None and entry.offer_expires_at is None
    assert shown(db.scalar(select(AuditEntry).where(AuditEntry.action == "waitlist.join")).summary, "fr") == \
        "Calanques, 1 déc. 2026, 10:00–11:00"
    # Part of the hour, or a window that only touches Hugo's buffer, is taken too: one may wait for it.
    assert join(db, scene, scene.karim, paris(TUESDAY, 10, 30), paris(TUESDAY, 11, 30)).status == "waiting"
    assert join(db, scene, scene.karim, paris(TUESDAY, 11, 5), paris(TUESDAY, 12)).status == "waiting"


def test_a_free_slot_is_refused_book_it_instead(db, scene, taken):
    with pytest.raises(Conflict) as refused:
        join(db, scene, scene.nadia, paris(TUESDAY, 14), paris(TUESDAY, 15))

    assert refused.value.message == "{space} is free at that time: book it instead."
    assert refused.value.params == {"space": "Calanques"}
    assert db.scalar(select(func.count()).select_from(WaitlistEntry)) == 0


def test_every_other_booking_rule_still_applies_and_one_waits_once(db, scene, taken):
    with pytest.raises(Invalid, match="The start must be in the future."):
        join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11), now=paris(TUESDAY, 10, 5))
    with pytest.raises(Invalid, match="lasts at most"):
        join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 15))
    join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    with pytest.raises(Conflict, match="You are already on the waitlist for this slot."):
        join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))


def test_a_cancellation_holds_the_slot_for_the_first_in_line_and_mails_them_only(db, scene, taken):
    nadia = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11), title="Board")
    karim = join(db, scene, scene.karim, paris(TUESDAY, 10), paris(TUESDAY, 11), now=NOW + timedelta(minutes=1))
    cancelled_at = NOW + timedelta(hours=1)  # Monday 10:00 in Paris

    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=cancelled_at)

    assert statuses(db, nadia, karim) == ["offered", "waiting"]
    assert nadia.offered_at == cancelled_at and nadia.offer_expires_at == cancelled_at + waitlist.OFFER_TTL
    held = db.get(Booking, nadia.booking_id)
    assert (held.status, held.user_id, held.organisation_id, held.title) == \
        ("offered", scene.nadia.id, scene.oceanwatt_id, "Board")
    assert (held.starts_at, held.ends_at, held.created_by) == (paris(TUESDAY, 10), paris(TUESDAY, 11), None)
    (mail,) = mails_to(db, scene.nadia)
    assert mail.subject == "A slot is free for you: Calanques, Tuesday, December 1, 2026 at 10:00"
    assert "Accept it before 10:30 on Monday, November 30, 2026" in mail.body_text  # the venue's clock
    assert "http://testserver/waitlist" in mail.body_text and "10:00–11:00" in mail.body_text
    assert 'href="http://testserver/waitlist"' in mail.body_html
    assert mails_to(db, scene.karim) == []
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "waitlist.offer")) is not None


def test_the_offer_mail_is_in_the_holders_language(db, scene, taken):
    scene.nadia.locale = "fr"
    join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))

    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)

    (mail,) = mails_to(db, scene.nadia)
    assert mail.subject == "Un créneau s'est libéré pour vous : Calanques, mardi 1 décembre 2026 à 10:00"
    assert "Acceptez-le avant 09:30 le lundi 30 novembre 2026" in mail.body_text


def test_the_held_slot_blocks_other_bookings_and_is_taken_in_availability(db, scene, taken):
    join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)

    with pytest.raises(Conflict, match="already booked"), db.begin_nested():
        service.create_booking(db, actor=scene.hugo, space_id=scene.room.id, starts_at=paris(TUESDAY, 10),
                               ends_at=paris(TUESDAY, 11), now=NOW)
    free = availability.find_available_spaces(db, starts_at=paris(TUESDAY, 10), ends_at=paris(TUESDAY, 11))
    assert scene.room not in free
    assert [(s.starts_at, s.ends_at) for s in availability.list_free_slots(db, space_id=scene.room.id,
                                                                      day=date(2026, 12, 1))] == \
        [(paris(TUESDAY, 8), paris(TUESDAY, 9, 50)), (paris(TUESDAY, 11, 10), paris(TUESDAY, 20))]


def test_each_waiting_window_that_is_wholly_free_gets_an_offer_the_overlapping_ones_wait(db, scene):
    long = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 10),
                        ends_at=paris(TUESDAY, 13))
    first = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    overlapping = join(db, scene, scene.karim, paris(TUESDAY, 10, 30), paris(TUESDAY, 11, 30),
                       now=NOW + timedelta(minutes=1))
    in_the_buffer = join(db, scene, scene.manager, paris(TUESDAY, 11, 5), paris(TUESDAY, 12),
                         now=NOW + timedelta(minutes=2))
    after = join(db, scene, scene.hugo, paris(TUESDAY, 12), paris(TUESDAY, 13), now=NOW + timedelta(minutes=3))

    service.cancel_booking(db, actor=scene.hugo, booking_id=long.id, now=NOW)

    assert statuses(db, first, overlapping, in_the_buffer, after) == ["offered", "waiting", "waiting", "offered"]


def test_accepting_confirms_the_booking_and_debits_the_credits(db, paid_rooms, taken):
    scene = paid_rooms
    entry = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11, 30))  # 1.5 h x 2 = 3 credits
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)

    booking = waitlist.accept_offer(db, actor=scene.nadia, entry_id=entry.id, now=NOW + timedelta(minutes=10))

    assert booking.id == entry.booking_id and booking.status == "confirmed"
    assert entry.status == "booked" and credits.balance_of(db, scene.oceanwatt_id) == 7
    assert credits.charged_for(db, booking.id) == 3
    # Accepting twice changes nothing more.
    assert waitlist.accept_offer(db, actor=scene.nadia, entry_id=entry.id, now=NOW + timedelta(minutes=11)) == booking
    assert credits.balance_of(db, scene.oceanwatt_id) == 7


def test_without_enough_credits_accepting_is_a_conflict_that_changes_nothing(db, paid_rooms, taken):
    scene = paid_rooms
    service.create_booking(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-02", 9),
                           ends_at=paris("2026-12-02", 13), now=NOW)  # 8 of the 10 credits
    entry = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11, 30))  # 3 more
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)

    with pytest.raises(Conflict) as refused, db.begin_nested():
        waitlist.accept_offer(db, actor=scene.nadia, entry_id=entry.id, now=NOW)

    assert refused.value.params == {"startup": "OceanWatt", "balance": 2, "cost": 3}
    assert statuses(db, entry) == ["offered"] and db.get(Booking, entry.booking_id).status == "offered"
    assert credits.balance_of(db, scene.oceanwatt_id) == 2


def test_where_the_rule_wants_approval_accepting_makes_a_pending_request(db, scene, taken):
    db.scalars(select(BookingRule)).one().requires_approval = True
    entry = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)

    assert waitlist.accept_offer(db, actor=scene.nadia, entry_id=entry.id, now=NOW).status == "pending"


def test_an_offer_not_taken_in_time_expires_and_goes_to_the_next_in_line(db, scene, taken):
    nadia = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    karim = join(db, scene, scene.karim, paris(TUESDAY, 10), paris(TUESDAY, 11), now=NOW + timedelta(minutes=1))
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    first_hold = nadia.booking_id
    late = NOW + waitlist.OFFER_TTL

    with pytest.raises(Conflict, match="The offer expired at"), db.begin_nested():
        waitlist.accept_offer(db, actor=scene.nadia, entry_id=nadia.id, now=late)
    assert waitlist.expire_offers(db, now=late) == 1

    assert statuses(db, nadia, karim) == ["expired", "offered"]
    assert db.get(Booking, first_hold).status == "expired"
    assert db.get(Booking, karim.booking_id).status == "offered" and karim.offer_expires_at == late + waitlist.OFFER_TTL
    assert len(mails_to(db, scene.karim)) == 1
    # Running it again changes nothing more.
    assert waitlist.expire_offers(db, now=late + timedelta(seconds=30)) == 0
    assert statuses(db, nadia, karim) == ["expired", "offered"] and len(mails_to(db, scene.karim)) == 1


def test_the_expiry_job_ends_a_lapsed_offer_once(db, session_factory, scene, taken):
    nadia = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    karim = join(db, scene, scene.karim, paris(TUESDAY, 10), paris(TUESDAY, 11), now=NOW + timedelta(minutes=1))
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    db.commit()
    job = collect_jobs()["spaces.expire_waitlist_offers"]

    first = run_fire(session_factory, job, NOW + waitlist.OFFER_TTL)
    again = run_fire(session_factory, job, NOW + waitlist.OFFER_TTL + timedelta(seconds=30))

    assert (first.status, shown(first.summary, "en")) == ("succeeded", "expired 1 waitlist entry")
    assert (again.status, shown(again.summary, "en")) == ("succeeded", "expired 0 waitlist entries")
    db.expire_all()
    assert statuses(db, nadia, karim) == ["expired", "offered"] and len(mails_to(db, scene.karim)) == 1


def test_an_offer_never_outlives_the_slots_start(db, scene):
    soon = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 10))
    entry = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))

    service.cancel_booking(db, actor=scene.hugo, booking_id=soon.id, now=paris(TUESDAY, 9, 50))

    assert entry.offer_expires_at == paris(TUESDAY, 10)


def test_declining_passes_the_slot_to_the_next_in_line(db, scene, taken):
    nadia = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    karim = join(db, scene, scene.karim, paris(TUESDAY, 10), paris(TUESDAY, 11), now=NOW + timedelta(minutes=1))
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    first_hold = nadia.booking_id

    waitlist.decline_offer(db, actor=scene.nadia, entry_id=nadia.id, now=NOW + timedelta(minutes=5))

    assert statuses(db, nadia, karim) == ["withdrawn", "offered"]
    assert db.get(Booking, first_hold).status == "expired"
    assert db.get(Booking, karim.booking_id).user_id == scene.karim.id
    with pytest.raises(Conflict, match="There is no open offer"):
        waitlist.decline_offer(db, actor=scene.nadia, entry_id=nadia.id, now=NOW)


def test_leaving_the_waitlist_gives_up_a_held_slot_too(db, scene, taken):
    nadia = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    karim = join(db, scene, scene.karim, paris(TUESDAY, 10), paris(TUESDAY, 11), now=NOW + timedelta(minutes=1))

    waitlist.withdraw(db, actor=scene.karim, entry_id=karim.id, now=NOW)
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)
    waitlist.withdraw(db, actor=scene.nadia, entry_id=nadia.id, now=NOW)

    assert statuses(db, nadia, karim) == ["withdrawn", "withdrawn"]
    assert db.get(Booking, nadia.booking_id).status == "expired"
    free = availability.find_available_spaces(db, starts_at=paris(TUESDAY, 10), ends_at=paris(TUESDAY, 11))
    assert [space.id for space in free] == [scene.room.id]
    assert waitlist.withdraw(db, actor=scene.nadia, entry_id=nadia.id, now=NOW).status == "withdrawn"  # twice: same


def test_waiting_entries_whose_start_has_passed_expire(db, scene, taken):
    gone = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    later = join(db, scene, scene.karim, paris(TUESDAY, 10, 30), paris(TUESDAY, 11))

    assert waitlist.expire_offers(db, now=paris(TUESDAY, 10, 15)) == 1

    assert statuses(db, gone, later) == ["expired", "waiting"]


def test_a_rejected_request_frees_the_slot_for_the_waitlist(db, scene):
    db.scalars(select(BookingRule)).one().requires_approval = True
    request = service.create_booking(db, actor=scene.hugo, space_id=scene.room.id, starts_at=paris(TUESDAY, 10),
                                     ends_at=paris(TUESDAY, 11), now=NOW)
    entry = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))

    service.reject_booking(db, actor=scene.manager, booking_id=request.id, now=NOW)

    assert statuses(db, entry) == ["offered"]


def test_only_the_person_waiting_and_staff_see_or_answer_an_entry(db, scene, taken):
    entry = join(db, scene, scene.nadia, paris(TUESDAY, 10), paris(TUESDAY, 11))
    service.cancel_booking(db, actor=scene.hugo, booking_id=taken.id, now=NOW)

    for answer in (waitlist.accept_offer, waitlist.decline_offer, waitlist.withdraw):
        with pytest.raises(NotFound):
            answer(db, actor=scene.karim, entry_id=entry.id, now=NOW)  # her colleague, even
    with pytest.raises(NotFound):
        waitlist.get_entry(db, actor=scene.hugo, entry_id=entry.id)
    assert waitlist.get_entry(db, actor=scene.manager, entry_id=entry.id) == entry
    assert waitlist.list_entries(db, actor=scene.karim) == []
    assert statuses(db, entry) == ["offered"]


def test_postgresql_refuses_a_booking_over_an_offered_slot(db, database, scene):
    if database.name != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris(TUESDAY, 10), status="offered")

    with pytest.raises(IntegrityError, match="ex_booking_no_overlap"), db.begin_nested():
        make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris(TUESDAY, 10, 30))


@pytest.fixture
def paid_rooms(db, scene: Scene) -> Scene:
    """Rooms cost 2 credits an hour; OceanWatt's grant gives it 10 a month."""
    db.scalars(select(BookingRule).where(BookingRule.space_kind == "meeting_room")).one().credits_per_hour = 2
    access.grant_access(db, actor=scene.manager, organisation_id=scene.oceanwatt_id, venue_id=scene.venue.id,
                        starts_on=date(2026, 11, 1), ends_on=date(2027, 6, 30), monthly_credits=10, now=NOW,
                        source_key="cohort-7")
    credits.reset_month(db, month_start=date(2026, 11, 1), now=NOW)
    return scene


def test_moving_a_booking_offers_the_slot_it_leaves_to_the_waitlist(db, scene):
    taken = service.create_booking(db, actor=scene.hugo, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                                   ends_at=paris("2026-12-01", 11), now=NOW)
    entry = waitlist.join_waitlist(db, actor=scene.nadia, space_id=scene.room.id, starts_at=paris("2026-12-01", 10),
                                   ends_at=paris("2026-12-01", 11), now=NOW)

    service.move_booking(db, actor=scene.hugo, booking_id=taken.id, starts_at=paris("2026-12-01", 15),
                         ends_at=paris("2026-12-01", 16), now=NOW)

    assert entry.status == "offered" and db.get(Booking, entry.booking_id).status == "offered"
