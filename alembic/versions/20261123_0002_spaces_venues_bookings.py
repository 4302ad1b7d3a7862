"""Spaces: venues, opening hours, closure days, floors, zones, spaces, booking rules, bookings.

On PostgreSQL an exclusion constraint (with btree_gist) refuses two active
bookings of one space that overlap.

Revision ID: 0002_spaces
Revises: 0001_core
Create Date: 2026-11-23 09:45:53.284204
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_spaces'
down_revision: str | None = '0001_core'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('venue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('observes_public_holidays', sa.Boolean(), nullable=False),
    sa.Column('check_in_grace_minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue')),
    sa.UniqueConstraint('name', name=op.f('uq_venue_name'))
    )
    op.create_table('closure_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_closure_day_venue_id_venue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_day')),
    sa.UniqueConstraint('venue_id', 'day', name=op.f('uq_closure_day_venue_id_day'))
    )
    op.create_table('floor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('plan_width', sa.Integer(), nullable=False),
    sa.Column('plan_height', sa.Integer(), nullable=False),
    sa.CheckConstraint('plan_width > 0 and plan_height > 0', name=op.f('ck_floor_plan_size_positive')),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_floor_venue_id_venue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_floor')),
    sa.UniqueConstraint('venue_id', 'name', name=op.f('uq_floor_venue_id_name'))
    )
    with op.batch_alter_table('floor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_floor_venue_id'), ['venue_id'], unique=False)

    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_opening_hours_closes_after_opening')),
    sa.CheckConstraint('weekday between 0 and 6', name=op.f('ck_opening_hours_weekday_known')),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_opening_hours_venue_id_venue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening_hours')),
    sa.UniqueConstraint('venue_id', 'weekday', name=op.f('uq_opening_hours_venue_id_weekday'))
    )
    op.create_table('zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('floor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['floor_id'], ['floor.id'], name=op.f('fk_zone_floor_id_floor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone')),
    sa.UniqueConstraint('floor_id', 'name', name=op.f('uq_zone_floor_id_name'))
    )
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zone_floor_id'), ['floor_id'], unique=False)

    op.create_table('booking_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('space_kind', sa.String(length=20), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('allowed_roles', sa.JSON(), nullable=False),
    sa.Column('min_minutes', sa.Integer(), nullable=True),
    sa.Column('max_minutes', sa.Integer(), nullable=True),
    sa.Column('max_days_ahead', sa.Integer(), nullable=True),
    sa.Column('buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('requires_approval', sa.Boolean(), nullable=False),
    sa.Column('credits_per_hour', sa.Integer(), nullable=False),
    sa.CheckConstraint("space_kind in ('hot_desk', 'dedicated_desk', 'meeting_room', 'phone_booth', 'event_space')", name=op.f('ck_booking_rule_space_kind_known')),
    sa.CheckConstraint('(space_kind is null) <> (zone_id is null)', name=op.f('ck_booking_rule_kind_or_zone')),
    sa.CheckConstraint('buffer_minutes >= 0 and credits_per_hour >= 0', name=op.f('ck_booking_rule_amounts_positive')),
    sa.CheckConstraint('max_days_ahead is null or max_days_ahead >= 0', name=op.f('ck_booking_rule_max_days_ahead_positive')),
    sa.CheckConstraint('max_minutes is null or max_minutes >= coalesce(min_minutes, 1)', name=op.f('ck_booking_rule_max_minutes_above_min')),
    sa.CheckConstraint('min_minutes is null or min_minutes > 0', name=op.f('ck_booking_rule_min_minutes_positive')),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_booking_rule_venue_id_venue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_booking_rule_zone_id_zone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_rule')),
    sa.UniqueConstraint('venue_id', 'space_kind', name=op.f('uq_booking_rule_venue_id_space_kind')),
    sa.UniqueConstraint('venue_id', 'zone_id', name=op.f('uq_booking_rule_venue_id_zone_id'))
    )
    with op.batch_alter_table('booking_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_rule_venue_id'), ['venue_id'], unique=False)

    op.create_table('space',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('floor_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('amenities', sa.JSON(), nullable=False),
    sa.Column('x', sa.Integer(), nullable=False),
    sa.Column('y', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind in ('hot_desk', 'dedicated_desk', 'meeting_room', 'phone_booth', 'event_space')", name=op.f('ck_space_kind_known')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_space_capacity_positive')),
    sa.CheckConstraint('width > 0 and height > 0', name=op.f('ck_space_size_positive')),
    sa.ForeignKeyConstraint(['floor_id'], ['floor.id'], name=op.f('fk_space_floor_id_floor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_space_zone_id_zone'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space')),
    sa.UniqueConstraint('floor_id', 'name', name=op.f('uq_space_floor_id_name'))
    )
    with op.batch_alter_table('space', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_space_floor_id'), ['floor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_space_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_space_zone_id'), ['zone_id'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status in ('pending', 'confirmed', 'checked_in', 'cancelled', 'released', 'rejected')", name=op.f('ck_booking_status_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_booking_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_booking_created_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_booking_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_booking_space_id_space')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_booking_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_booking_space_id_starts_at', ['space_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_booking_user_id_starts_at', ['user_id', 'starts_at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # GiST compares the integer space_id only with btree_gist. The extension
        # stays on downgrade: other objects may use it, and it holds no data.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE booking ADD CONSTRAINT ex_booking_no_overlap "
            "EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status in ('pending', 'confirmed', 'checked_in'))"
        )


def downgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_user_id_starts_at')
        batch_op.drop_index('ix_booking_space_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_booking_organisation_id'))

    op.drop_table('booking')
    with op.batch_alter_table('space', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_space_zone_id'))
        batch_op.drop_index(batch_op.f('ix_space_kind'))
        batch_op.drop_index(batch_op.f('ix_space_floor_id'))

    op.drop_table('space')
    with op.batch_alter_table('booking_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_rule_venue_id'))

    op.drop_table('booking_rule')
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zone_floor_id'))

    op.drop_table('zone')
    op.drop_table('opening_hours')
    with op.batch_alter_table('floor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_floor_venue_id'))

    op.drop_table('floor')
    op.drop_table('closure_day')
    op.drop_table('venue')
