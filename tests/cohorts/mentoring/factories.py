"""Mentoring rows for the tests: mentors (a user with the role `mentor` and a profile, their expertise tags made on
the way), and sessions written straight to their table (the sessions service is tested on its own), with a room
booked through `spaces.booking.hosted` when in person."""
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.mentoring.models import ExpertiseTag, MentorProfile, MentorSession
from cohorts.programs.models import Track
from spaces.booking.hosted import book_room
from spaces.venues.models import Venue
from tests.spaces.conftest import NOW, Scene, make_person


def tag(db: Session, name: str, tracks: Iterable[Track] = ()) -> ExpertiseTag:
    """The tag of that name, created if new; `tracks` are added to those it maps to."""
    found = db.scalar(select(ExpertiseTag).where(ExpertiseTag.name == name))
    if found is None:
        found = ExpertiseTag(name=name, tracks=[])
        db.add(found)
    else:
        db.refresh(found, attribute_names=["tracks"])
    for track in tracks:
        if track not in found.tracks:
            found.tracks.append(track)
    db.flush()
    return found


def make_mentor(
    db: Session, *, venue: Venue, email: str, now: datetime, tags: Iterable[ExpertiseTag] = (),
    languages: tuple[str, ...] = ("fr",), capacity_hours: int = 4, mode: str = "either",
    online_url: str = "https://meet.example.com/mentor", company: str = "", bio: str = "",
) -> MentorProfile:
    user = make_person(db, email=email, role="mentor")
    profile = MentorProfile(
        user_id=user.id, venue_id=venue.id, bio=bio, company=company, languages=list(languages),
        monthly_capacity_hours=capacity_hours, mode=mode, online_url=online_url, created_at=now, updated_at=now,
        expertise=list(tags),
    )
    db.add(profile)
    db.flush()
    return profile


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
