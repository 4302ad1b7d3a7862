"""Mentor sessions written straight to their table (the sessions service is tested on its own), with a room
booked through `spaces.booking.hosted` when in person."""
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cohorts.mentoring.models import MentorProfile, MentorSession
from spaces.booking.hosted import book_room
from tests.spaces.conftest import NOW, Scene


def make_session(
    db: Session, scene: Scene, mentor: MentorProfile, *, starts_at: datetime, minutes: int = 60,
    status: str = "confirmed", in_room: bool = True, created_at: datetime | None = None,
    topic: str = "Port logistics", request_id: int | None = None,
) -> MentorSession:
    """A session of `mentor` with OceanWatt (Nadia attends), in the room Calanques or online."""
    created_at = created_at or NOW - timedelta(days=3)
    ends_at = starts_at + timedelta(minutes=minutes)
    booking_id = None
    if in_room:
        booking_id = book_room(db, actor=scene.manager, holder_id=scene.nadia.id, organisation_id=scene.oceanwatt_id,
                               space_id=scene.room.id, starts_at=starts_at, ends_at=ends_at,
                               title=f"Mentor session: {topic}", now=min(created_at, starts_at)).id
    session = MentorSession(
        request_id=request_id, mentor_id=mentor.user_id, organisation_id=scene.oceanwatt_id,
        attendee_id=scene.nadia.id, topic=topic, starts_at=starts_at, ends_at=ends_at,
        mode="in_person" if in_room else "online", booking_id=booking_id,
        online_url="" if in_room else mentor.online_url, status=status, created_at=created_at,
    )
    db.add(session)
    db.flush()
    return session
