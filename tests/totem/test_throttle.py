"""Rate limits counted in the database: what one process counted, every other process sees."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from totem.throttle import service as throttle
from totem.throttle.models import ThrottleHit

NOW = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


def test_the_limit_holds_across_sessions_and_lifts_when_the_window_passes(db, session_factory):
    wait = {"bucket": "application", "key": "203.0.113.7", "limit": 2, "window": WINDOW}
    throttle.record(db, bucket="application", key="203.0.113.7", window=WINDOW, now=NOW)
    db.commit()
    with session_factory() as other_process:
        assert throttle.seconds_to_wait(other_process, **wait, now=NOW) == 0
        throttle.record(other_process, bucket="application", key="203.0.113.7", window=WINDOW,
                        now=NOW + timedelta(minutes=4))
        other_process.commit()

    assert throttle.seconds_to_wait(db, **wait, now=NOW + timedelta(minutes=5)) == 300
    assert throttle.seconds_to_wait(db, **wait, now=NOW + timedelta(minutes=5, seconds=0.5)) == 300  # rounded up
    assert throttle.seconds_to_wait(db, **wait, now=NOW + timedelta(minutes=10)) == 0  # waiting 300 s was enough
    assert throttle.seconds_to_wait(db, **{**wait, "key": "198.51.100.2"}, now=NOW) == 0  # another client
    assert throttle.seconds_to_wait(db, **{**wait, "bucket": "other"}, now=NOW) == 0
    assert throttle.seconds_to_wait(db, **wait, now=NOW + timedelta(minutes=10, seconds=1)) == 0


def test_counted_attempts_past_the_window_are_dropped(db):
    for minutes in (0, 5, 30):
        throttle.record(db, bucket="application", key=f"client-{minutes}", window=WINDOW,
                        now=NOW + timedelta(minutes=minutes))
    assert db.scalar(select(func.count()).select_from(ThrottleHit)) == 1
