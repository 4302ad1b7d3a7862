"""Mentors' profiles and expertise tags, the directory, and which mentors fit a request.

Managers create a mentor's profile for a user with the role `mentor` and keep
the expertise tags, each mapped to the tracks it serves; mentors edit their
own profile. Services flush, never commit.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from cohorts.mentoring import permissions as _permissions  # noqa: F401  (registers the rules checked here)
from cohorts.mentoring.enums import MentorMode
from cohorts.mentoring.models import ExpertiseTag, MentorProfile, SessionRequest
from cohorts.programs import permissions as _program_permissions  # noqa: F401  (registers "program.*")
from cohorts.programs.models import Track
from spaces.venues.models import Venue
from totem import audit
from totem.errors import VALUE_OUT_OF_RANGE, Conflict, Invalid, NotFound
from totem.i18n import N_, said
from totem.identity.enums import Role
from totem.identity.models import User, UserRole
from totem.permissions import is_staff, require
from totem.text import bounded

TAG_MAX = 100
COMPANY_MAX = 200
URL_MAX = 300
BIO_MAX = 2000
MAX_CAPACITY_HOURS = 200


@dataclass(frozen=True)
class ProfileData:
    venue_id: int
    bio: str = ""
    company: str = ""
    expertise: tuple[str, ...] = ()  # tag names
    languages: tuple[str, ...] = ("fr",)
    monthly_capacity_hours: int = 4
    mode: str = MentorMode.EITHER
    online_url: str = ""
    notes_private: bool = False
    is_active: bool = True


@dataclass(frozen=True)
class MentorFilter:
    track_id: int | None = None
    track: str | None = None  # a track's name, any program
    expertise: str | None = None  # a tag's name
    language: str | None = None
    text: str | None = None  # in the name, company or bio
    include_inactive: bool = False


# -- expertise tags -------------------------------------------------------------------------------


def list_tags(db: Session) -> list[ExpertiseTag]:
    """Every tag by name, with the tracks it serves."""
    return list(db.scalars(select(ExpertiseTag).options(selectinload(ExpertiseTag.tracks))
                           .order_by(ExpertiseTag.name)))


def add_tag(db: Session, *, actor: User, name: str, track_ids: Iterable[int] = (), now: datetime) -> ExpertiseTag:
    """A new expertise tag, mapped to tracks; staff only."""
    require(actor, "program.create")
    name = _tag_name(name)
    if db.scalar(select(ExpertiseTag.id).where(ExpertiseTag.name == name)) is not None:
        raise Conflict("There is already a tag called {name}.", field="name", name=name)
    tag = ExpertiseTag(name=name, tracks=_tracks(db, track_ids))
    db.add(tag)
    db.flush()
    audit.record(db, actor=actor, action="expertise_tag.create", obj=tag, now=now, summary=name)
    return tag


def map_tag(db: Session, *, actor: User, tag_id: int, track_ids: Iterable[int], now: datetime) -> ExpertiseTag:
    """Set the tracks a tag serves; staff only."""
    require(actor, "program.create")
    tag = db.scalar(select(ExpertiseTag).where(ExpertiseTag.id == tag_id).options(selectinload(ExpertiseTag.tracks)))
    if tag is None:
        raise NotFound("No such expertise tag.")
    tag.tracks = _tracks(db, track_ids)
    db.flush()
    audit.record(db, actor=actor, action="expertise_tag.map", obj=tag, now=now,
                 summary=said(N_("{tag}: {tracks}"), tag=tag.name, tracks=", ".join(t.name for t in tag.tracks) or "—"))
    return tag


def _tag_name(name: str) -> str:
    name = " ".join(name.split()).lower()
    if not name or len(name) > TAG_MAX:
        raise Invalid("Name the tag in at most {length} characters.", field="name", code=VALUE_OUT_OF_RANGE,
                      length=TAG_MAX)
    return name


def _tracks(db: Session, track_ids: Iterable[int]) -> list[Track]:
    ids = set(track_ids)
    tracks = list(db.scalars(select(Track).where(Track.id.in_(ids)))) if ids else []
    if len(tracks) != len(ids):
        raise Invalid("No such track.", field="track_ids")
    return tracks


def known_tags(db: Session, names: Iterable[str]) -> list[ExpertiseTag]:
    """The tags of these names; Invalid naming the unknown ones."""
    wanted = {" ".join(name.split()).lower() for name in names if name.strip()}
    tags = list(db.scalars(select(ExpertiseTag).where(ExpertiseTag.name.in_(wanted)))) if wanted else []
    unknown = wanted - {tag.name for tag in tags}
    if unknown:
        raise Invalid("Unknown expertise: {names}.", field="expertise", names=", ".join(sorted(unknown)))
    return tags


# -- profiles -------------------------------------------------------------------------------------


def _profile_query() -> Select[tuple[MentorProfile]]:
    return select(MentorProfile).options(
        selectinload(MentorProfile.user), selectinload(MentorProfile.venue),
        selectinload(MentorProfile.expertise).selectinload(ExpertiseTag.tracks),
    )


def find_profile(db: Session, mentor_id: int) -> MentorProfile | None:
    return db.scalar(_profile_query().where(MentorProfile.user_id == mentor_id))


def get_mentor(db: Session, *, actor: User, mentor_id: int) -> MentorProfile:
    """A mentor's profile, for anyone logged in; inactive ones only for staff and themselves."""
    profile = find_profile(db, mentor_id)
    if profile is None or not (profile.is_active or is_staff(actor) or actor.id == mentor_id):
        raise NotFound("No such mentor.")
    return profile


def lock_profile(db: Session, mentor_id: int) -> MentorProfile:
    """The profile, locked until commit: one mentor's sessions are made one at a time (capacity holds)."""
    profile = db.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor_id).with_for_update())
    if profile is None:
        raise NotFound("No such mentor.")
    return profile


def create_profile(db: Session, *, actor: User, user_id: int, data: ProfileData, now: datetime) -> MentorProfile:
    """Make a user a mentor with this profile; staff only. The user gets the role `mentor` if they lack it."""
    require(actor, "program.create")
    user = db.scalar(select(User).where(User.id == user_id).options(selectinload(User.roles)))
    if user is None or not user.is_active:
        raise Invalid("No such person.", field="user_id")
    if db.get(MentorProfile, user_id) is not None:
        raise Conflict("{name} already has a mentor profile.", name=user.name)
    if not user.has_role(Role.MENTOR):
        db.add(UserRole(user_id=user.id, role=Role.MENTOR))
    profile = MentorProfile(user_id=user.id, created_at=now, updated_at=now)
    _apply(db, profile, data)
    db.add(profile)
    db.flush()
    audit.record(db, actor=actor, action="mentor.create", obj=profile, now=now, summary=user.email)
    return profile


def update_profile(db: Session, *, actor: User, mentor_id: int, data: ProfileData, now: datetime) -> MentorProfile:
    """The mentor edits their own profile; staff edit anyone's."""
    profile = get_mentor(db, actor=actor, mentor_id=mentor_id)
    require(actor, "mentor.edit", profile)
    _apply(db, profile, data)
    profile.updated_at = now
    db.flush()
    audit.record(db, actor=actor, action="mentor.update", obj=profile, now=now, summary=profile.user.email)
    return profile


def _apply(db: Session, profile: MentorProfile, data: ProfileData) -> None:
    if db.get(Venue, data.venue_id) is None:
        raise Invalid("No such venue.", field="venue_id")
    if data.mode not in set(MentorMode):
        raise Invalid("Choose how you meet start-ups.", field="mode")
    if not 0 <= data.monthly_capacity_hours <= MAX_CAPACITY_HOURS:
        raise Invalid("Give between 0 and {hours} hours a month.", field="monthly_capacity_hours",
                      hours=MAX_CAPACITY_HOURS)
    languages = [language.strip().lower() for language in data.languages if language.strip()]
    if not languages or any(len(language) != 2 or not language.isalpha() for language in languages):
        raise Invalid("Give your languages as two-letter codes (fr, en, es...).", field="languages")
    online_url = data.online_url.strip()
    if online_url and (len(online_url) > URL_MAX or not online_url.startswith(("https://", "http://"))):
        raise Invalid("Give your video link as a web address (https://...).", field="online_url")
    if data.mode != MentorMode.IN_PERSON and not online_url:
        raise Invalid("Give the video link of your online sessions.", field="online_url")
    if len(data.company.strip()) > COMPANY_MAX:
        raise Invalid("Keep the company under {length} characters.", field="company", code=VALUE_OUT_OF_RANGE,
                      length=COMPANY_MAX + 1)
    bio = bounded(data.bio, field="bio", longest=BIO_MAX)
    profile.venue_id = data.venue_id
    profile.bio = bio
    profile.company = data.company.strip()
    profile.expertise = known_tags(db, data.expertise)
    profile.languages = sorted(set(languages), key=languages.index)
    profile.monthly_capacity_hours = data.monthly_capacity_hours
    profile.mode = data.mode
    profile.online_url = online_url
    profile.notes_private = data.notes_private
    profile.is_active = data.is_active


# -- the directory --------------------------------------------------------------------------------


def search_mentors(db: Session, criteria: MentorFilter = MentorFilter()) -> list[MentorProfile]:
    """Mentors by name who match every criterion given; a track matches through the tags mapped to it."""
    query = _profile_query().join(MentorProfile.user).order_by(User.name)
    if not criteria.include_inactive:
        query = query.where(MentorProfile.is_active, User.is_active)
    mentors = list(db.scalars(query))
    track = criteria.track.strip().lower() if criteria.track else None
    expertise = " ".join(criteria.expertise.split()).lower() if criteria.expertise else None
    language = criteria.language.strip().lower() if criteria.language else None
    text = criteria.text.strip().lower() if criteria.text else None

    def matches(profile: MentorProfile) -> bool:
        tracks = {t for tag in profile.expertise for t in tag.tracks}
        if criteria.track_id is not None and criteria.track_id not in {t.id for t in tracks}:
            return False
        if track and track not in {t.name.lower() for t in tracks}:
            return False
        if expertise and expertise not in {tag.name for tag in profile.expertise}:
            return False
        if language and language not in profile.languages:
            return False
        haystack = f"{profile.user.name} {profile.company} {profile.bio}".lower()
        return not text or text in haystack

    # 300 mentors at most on a campus: filtering JSON lists and tags in Python keeps the SQL portable.
    return [profile for profile in mentors if matches(profile)]


def mentors_who_fit(db: Session, request: SessionRequest) -> list[MentorProfile]:
    """Active mentors a request is open to (see `fits`)."""
    if request.preferred_mentor_id is not None:
        profile = find_profile(db, request.preferred_mentor_id)
        return [profile] if profile is not None and fits(profile, request) else []
    return [profile for profile in search_mentors(db, MentorFilter(language=request.language)) if fits(profile, request)]


def fits(profile: MentorProfile, request: SessionRequest) -> bool:
    """The request is open to this mentor: it names them, or asks anyone sharing its expertise (else its track),
    speaking its language and meeting the way it wants; and they are active and have not declined it."""
    if not profile.is_active or profile.user_id in {decline.mentor_id for decline in request.declines}:
        return False
    if request.preferred_mentor_id is not None:
        return request.preferred_mentor_id == profile.user_id
    if request.language and request.language not in profile.languages:
        return False
    if not meets_the_way(profile.mode, request.mode):
        return False
    wanted = {tag.id for tag in request.expertise}
    if wanted:
        return bool(wanted & {tag.id for tag in profile.expertise})
    if request.track_id is not None:
        return request.track_id in {t.id for tag in profile.expertise for t in tag.tracks}
    return True


def meets_the_way(mentor_mode: str, wanted: str) -> bool:
    """A mentor who meets only in person does not fit a request for online only, and the other way round."""
    return MentorMode.EITHER in (mentor_mode, wanted) or mentor_mode == wanted
