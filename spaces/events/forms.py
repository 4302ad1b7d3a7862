"""The staff's event form read into `EventData`: a day and times on the venue's clock, optional registration
window, tags separated by commas."""
from datetime import datetime

from sqlalchemy.orm import Session

from spaces.events.service import EventData
from spaces.venues import queries as venue_queries
from spaces.venues.forms import calendar_day, clock_time, whole
from spaces.venues.rules import local_moment, venue_zone
from totem.errors import Invalid

FIELDS = ("title", "kind", "audience", "operator_id", "space_id", "day", "starts", "ends", "capacity",
          "description_fr", "description_en", "registration_opens", "registration_closes", "tags")
MOST_ID = 2**31 - 1
MIN_YEAR, MAX_YEAR = 2000, 2999  # far from the years whose conversion to UTC overflows


def event_data(db: Session, values: dict[str, str]) -> EventData:
    space_id = _id(values["space_id"], "space_id")
    space = venue_queries.get_space(db, space_id) if space_id else None
    if space is None:
        raise Invalid("Choose the space.", field="space_id")
    venue = space.floor.venue
    day = calendar_day(values["day"], "day")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Invalid("Enter a date such as 2026-12-24.", field="day")
    operator_id = _id(values["operator_id"], "operator_id") if values["operator_id"].strip() else None
    return EventData(
        title=values["title"], kind=values["kind"], audience=values["audience"], space_id=space.id,
        starts_at=local_moment(day, clock_time(values["starts"], "starts"), venue),
        ends_at=local_moment(day, clock_time(values["ends"], "ends"), venue),
        capacity=whole(values["capacity"], "capacity"), description_fr=values["description_fr"],
        description_en=values["description_en"],
        registration_opens_at=_moment(values["registration_opens"], "registration_opens", venue),
        registration_closes_at=_moment(values["registration_closes"], "registration_closes", venue),
        tags=tuple(values["tags"].split(",")[:50]), operator_id=operator_id,
    )


def _id(value: str, field: str) -> int:
    number = whole(value, field) if value.strip() else 0
    if not 0 <= number <= MOST_ID:
        raise Invalid("Choose the space.", field=field)
    return number


def _moment(value: str, field: str, venue):  # type: ignore[no-untyped-def]
    """A `datetime-local` field on the venue's clock; blank: none."""
    if not value.strip():
        return None
    try:
        local = datetime.fromisoformat(value.strip()[:32])
    except ValueError:
        raise Invalid("Enter a date and time such as 2026-12-24 09:00.", field=field) from None
    if not MIN_YEAR <= local.year <= MAX_YEAR:
        raise Invalid("Enter a date and time such as 2026-12-24 09:00.", field=field)
    return local_moment(local.date(), local.time().replace(tzinfo=None), venue)


def form_values(event) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The form filled with the event, on the venue's clock."""
    zone = venue_zone(event.space.floor.venue)
    starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)

    def moment(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""

    return {
        "title": event.title, "kind": event.kind, "audience": event.audience, "operator_id": str(event.operator_id),
        "space_id": str(event.space_id), "day": starts.date().isoformat(), "starts": f"{starts:%H:%M}",
        "ends": f"{ends:%H:%M}", "capacity": str(event.capacity), "description_fr": event.description_fr,
        "description_en": event.description_en, "registration_opens": moment(event.registration_opens_at),
        "registration_closes": moment(event.registration_closes_at), "tags": ", ".join(t.slug for t in event.tags),
    }
