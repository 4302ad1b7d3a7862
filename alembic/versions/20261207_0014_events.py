"""The event space's programme: events holding a booked space, their tags, registrations and feedback.

Revision ID: 0014_events
Revises: 0013_visitors
Create Date: 2026-12-07 12:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_events"
down_revision: str | None = "0013_visitors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("event",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=120), nullable=False),
    sa.Column("operator_id", sa.Integer(), nullable=False),
    sa.Column("venue_id", sa.Integer(), nullable=False),
    sa.Column("space_id", sa.Integer(), nullable=False),
    sa.Column("booking_id", sa.Integer(), nullable=True),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("audience", sa.String(length=10), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("description_fr", sa.Text(), nullable=False),
    sa.Column("description_en", sa.Text(), nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("seats_taken", sa.Integer(), nullable=False),
    sa.Column("registration_opens_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("registration_closes_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_by", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("audience in ('public', 'members')", name=op.f("ck_event_audience_known")),
    sa.CheckConstraint("kind in ('meetup', 'workshop', 'demo_day', 'conference', 'community_event')", name=op.f("ck_event_kind_known")),
    sa.CheckConstraint("status in ('scheduled', 'cancelled')", name=op.f("ck_event_status_known")),
    sa.CheckConstraint("capacity > 0", name=op.f("ck_event_capacity_positive")),
    sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_ends_after_start")),
    sa.CheckConstraint("registration_closes_at is null or registration_opens_at is null or registration_closes_at > registration_opens_at", name=op.f("ck_event_registration_closes_after_opening")),
    sa.CheckConstraint("seats_taken >= 0 and seats_taken <= capacity", name=op.f("ck_event_seats_within_capacity")),
    sa.ForeignKeyConstraint(["booking_id"], ["booking.id"], name=op.f("fk_event_booking_id_booking"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["created_by"], ["user_account.id"], name=op.f("fk_event_created_by_user_account"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["operator_id"], ["operator.id"], name=op.f("fk_event_operator_id_operator")),
    sa.ForeignKeyConstraint(["space_id"], ["space.id"], name=op.f("fk_event_space_id_space")),
    sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], name=op.f("fk_event_venue_id_venue"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    sa.UniqueConstraint("booking_id", name=op.f("uq_event_booking_id")),
    sa.UniqueConstraint("slug", name=op.f("uq_event_slug"))
    )
    op.create_index(op.f("ix_event_operator_id_starts_at"), "event", ["operator_id", "starts_at"])
    op.create_index(op.f("ix_event_status_starts_at"), "event", ["status", "starts_at"])

    op.create_table("event_registration",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("event_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("email", sa.String(length=254), nullable=False),
    sa.Column("email_key", sa.String(length=254), nullable=False),
    sa.Column("organisation", sa.String(length=200), nullable=False),
    sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locale", sa.String(length=5), nullable=False),
    sa.Column("status", sa.String(length=12), nullable=False),
    sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("code", sa.String(length=12), nullable=False),
    sa.Column("page_token", sa.String(length=43), nullable=False),
    sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("checked_in_by", sa.Integer(), nullable=True),
    sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("feedback_sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("checked_in_at is null or status = 'registered'", name=op.f("ck_event_registration_checked_in_registered")),
    sa.CheckConstraint("status <> 'offered' or offer_expires_at is not null", name=op.f("ck_event_registration_offer_expires")),
    sa.CheckConstraint("status in ('registered', 'waitlisted', 'offered', 'cancelled')", name=op.f("ck_event_registration_status_known")),
    sa.ForeignKeyConstraint(["checked_in_by"], ["user_account.id"], name=op.f("fk_event_registration_checked_in_by_user_account"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["event_id"], ["event.id"], name=op.f("fk_event_registration_event_id_event"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registration")),
    sa.UniqueConstraint("code", name=op.f("uq_event_registration_code")),
    sa.UniqueConstraint("event_id", "email_key", name=op.f("uq_event_registration_event_id_email_key")),
    sa.UniqueConstraint("page_token", name=op.f("uq_event_registration_page_token"))
    )
    op.create_index(op.f("ix_event_registration_email_key"), "event_registration", ["email_key"])
    op.create_index(op.f("ix_event_registration_event_status_queued"), "event_registration", ["event_id", "status", "queued_at"])
    op.create_index(op.f("ix_event_registration_status_offer_expires_at"), "event_registration", ["status", "offer_expires_at"])

    op.create_table("event_tag",
    sa.Column("event_id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(["event_id"], ["event.id"], name=op.f("fk_event_tag_event_id_event"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("event_id", "slug", name=op.f("pk_event_tag"))
    )
    op.create_index(op.f("ix_event_tag_slug"), "event_tag", ["slug"])

    op.create_table("event_feedback",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("registration_id", sa.Integer(), nullable=False),
    sa.Column("rating", sa.SmallInteger(), nullable=False),
    sa.Column("comment", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rating between 1 and 5", name=op.f("ck_event_feedback_rating_1_to_5")),
    sa.ForeignKeyConstraint(["registration_id"], ["event_registration.id"], name=op.f("fk_event_feedback_registration_id_event_registration"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_event_feedback")),
    sa.UniqueConstraint("registration_id", name=op.f("uq_event_feedback_registration_id"))
    )


def downgrade() -> None:
    op.drop_table("event_feedback")
    op.drop_table("event_tag")
    op.drop_table("event_registration")
    op.drop_table("event")
