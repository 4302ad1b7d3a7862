"""Kinds of event, who may see it, and the states of an event and of a registration."""
from enum import StrEnum


class EventKind(StrEnum):
    MEETUP = "meetup"
    WORKSHOP = "workshop"
    DEMO_DAY = "demo_day"
    CONFERENCE = "conference"
    COMMUNITY_EVENT = "community_event"


class Audience(StrEnum):
    PUBLIC = "public"  # on the public agenda and its feed; anyone may register
    MEMBERS = "members"  # shown to logged-in members of the building only


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"  # holds a seat
    WAITLISTED = "waitlisted"  # waits for a seat, in the order of `queued_at`
    OFFERED = "offered"  # a freed seat is held for them until `offer_expires_at`
    CANCELLED = "cancelled"  # by the person, or an offer nobody took, or the event's cancellation


# Registrations in these states take one of the event's seats (`Event.seats_taken` counts them).
SEATED_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)
