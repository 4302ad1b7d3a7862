"""Mentors for the tests: a user with the role `mentor` and a profile, their expertise tags made on the way."""
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cohorts.mentoring.models import ExpertiseTag, MentorProfile
from cohorts.programs.models import Track
from spaces.venues.models import Venue
from tests.spaces.conftest import make_person


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
