"""Events in the building's spaces, their tags, the people registered for them and their feedback.

Capacity holds in the database: `Event.seats_taken` counts the registrations that hold a seat (registered or
offered), is changed only with the event's row locked (`SELECT ... FOR UPDATE` on PostgreSQL, the write lock on
SQLite), and a CHECK keeps it within `capacity`.
"""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spaces.events.enums import Audience, EventKind, EventStatus, RegistrationStatus
from spaces.venues.enums import sql_list
from totem.db import Base

if TYPE_CHECKING:
    from spaces.booking.models import Booking
    from spaces.operators.models import Operator
    from spaces.venues.models import Space


class Event(Base):
    """A meetup, workshop, demo day... an operator holds in one of the building's spaces, which it books."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint(f"kind in ({sql_list(EventKind)})", name="kind_known"),
        CheckConstraint(f"audience in ({sql_list(Audience)})", name="audience_known"),
        CheckConstraint(f"status in ({sql_list(EventStatus)})", name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 and seats_taken <= capacity", name="seats_within_capacity"),
        CheckConstraint("registration_closes_at is null or registration_opens_at is null"
                        " or registration_closes_at > registration_opens_at", name="registration_closes_after_opening"),
        Index("ix_event_status_starts_at", "status", "starts_at"),
        Index("ix_event_operator_id_starts_at", "operator_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # In the public address: /events/<slug>.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    # The booking that holds the space for the event (pending while the space's approval waits); kept when
    # the event is cancelled, itself cancelled.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=EventKind.MEETUP)
    audience: Mapped[str] = mapped_column(String(10), default=Audience.PUBLIC)
    status: Mapped[str] = mapped_column(String(10), default=EventStatus.SCHEDULED)
    title: Mapped[str] = mapped_column(String(200))
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    # Registrations holding a seat (registered or offered); see the module's docstring.
    seats_taken: Mapped[int] = mapped_column(default=0)
    # None: open from the event's creation / until the event starts.
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    operator: Mapped["Operator"] = relationship(lazy="raise")
    space: Mapped["Space"] = relationship(lazy="raise")
    booking: Mapped["Booking | None"] = relationship(lazy="raise")
    tags: Mapped[list["EventTag"]] = relationship(lazy="raise", cascade="all, delete-orphan", order_by="EventTag.slug")

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    @property
    def tag_slugs(self) -> list[str]:
        return [tag.slug for tag in self.tags]

    def description(self, locale: str) -> str:
        """The description in the reader's language, or the other one when that one is empty."""
        first, second = (self.description_fr, self.description_en) if locale == "fr" else (
            self.description_en, self.description_fr)
        return first or second


class EventTag(Base):
    """A topic of the event ("mer", "industries-creatives"), matched to a program's track by the slug of its name:
    the spaces part names no track itself (cohorts sit above it)."""

    __tablename__ = "event_tag"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class Registration(Base):
    """One person, without an account, registered (or waiting) for an event; personal data.

    One e-mail registers once per event: `email_key` is the e-mail lower-cased and stripped, unique per event.
    """

    __tablename__ = "event_registration"
    __table_args__ = (
        UniqueConstraint("event_id", "email_key"),
        CheckConstraint(f"status in ({sql_list(RegistrationStatus)})", name="status_known"),
        CheckConstraint(f"status <> '{RegistrationStatus.OFFERED}' or offer_expires_at is not null",
                        name="offer_expires"),
        CheckConstraint(f"checked_in_at is null or status = '{RegistrationStatus.REGISTERED}'",
                        name="checked_in_registered"),
        Index("ix_event_registration_event_status_queued", "event_id", "status", "queued_at"),
        Index("ix_event_registration_status_offer_expires_at", "status", "offer_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # The consent box ticked on the form: when.
    consent_at: Mapped[datetime]
    # The language of the person's e-mails and page: the form's.
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    status: Mapped[str] = mapped_column(String(12), default=RegistrationStatus.REGISTERED)
    # The waiting list's order: when the person joined it (their registration's time).
    queued_at: Mapped[datetime]
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    # Typed at the door or read from the QR code; the e-mails' links carry the longer secret.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    page_token: Mapped[str] = mapped_column(String(43), unique=True)
    checked_in_at: Mapped[datetime | None]
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reminder_sent_at: Mapped[datetime | None]
    feedback_sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    event: Mapped[Event] = relationship(lazy="raise")

    @property
    def holds_seat(self) -> bool:
        return self.status in (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)


class EventFeedback(Base):
    """What an attendee thought of the event, once: a rating from 1 to 5 and a comment."""

    __tablename__ = "event_feedback"
    __table_args__ = (CheckConstraint("rating between 1 and 5", name="rating_1_to_5"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registration.id", ondelete="CASCADE"),
                                                 unique=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
