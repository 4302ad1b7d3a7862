"""Spaces: recurring series, waitlist, access grants, desk allocations, credits, occupancy roll-up.

Bookings gain two states (`offered`, `expired`) for waitlist offers: an
offered slot is held, so the status CHECK and, on PostgreSQL, the exclusion
constraint are rebuilt to count it. Desk allocations get their own exclusion
constraint on PostgreSQL.

Revision ID: 0003_spaces_more
Revises: 0002_spaces
Create Date: 2026-11-23 10:41:53.169544
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

OLD_STATUSES = "'pending', 'confirmed', 'checked_in', 'cancelled', 'released', 'rejected'"
NEW_STATUSES = OLD_STATUSES + ", 'offered', 'expired'"
OLD_ACTIVE = "'pending', 'confirmed', 'checked_in'"
NEW_ACTIVE = OLD_ACTIVE + ", 'offered'"

revision: str = '0003_spaces_more'
down_revision: str | None = '0002_spaces'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('access_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('space_kinds', sa.JSON(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('monthly_credits', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=100), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_access_grant_ends_after_start')),
    sa.CheckConstraint('monthly_credits >= 0', name=op.f('ck_access_grant_monthly_credits_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_access_grant_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_access_grant_venue_id_venue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_grant')),
    sa.UniqueConstraint('organisation_id', 'source_key', name=op.f('uq_access_grant_organisation_id_source_key'))
    )
    with op.batch_alter_table('access_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_grant_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('credit_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('allowance', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_credit_account_balance_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_credit_account_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_account')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_credit_account_organisation_id'))
    )
    op.create_table('booking_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('rrule', sa.String(length=200), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('until_day', sa.Date(), nullable=True),
    sa.Column('materialised_until', sa.Date(), nullable=False),
    sa.Column('skip_conflicts', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_booking_series_duration_positive')),
    sa.CheckConstraint('until_day is null or until_day >= first_day', name=op.f('ck_booking_series_until_after_first_day')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_booking_series_created_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_booking_series_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_booking_series_space_id_space')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_booking_series_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_series'))
    )
    with op.batch_alter_table('booking_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_series_space_id'), ['space_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_series_user_id'), ['user_id'], unique=False)

    op.create_table('desk_allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('source_key', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_desk_allocation_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_desk_allocation_created_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_desk_allocation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_desk_allocation_space_id_space')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_allocation'))
    )
    with op.batch_alter_table('desk_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_allocation_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_desk_allocation_space_id_starts_on', ['space_id', 'starts_on'], unique=False)

    op.create_table('occupancy_hour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('floor_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('booked_minutes', sa.Integer(), nullable=False),
    sa.Column('used_minutes', sa.Integer(), nullable=False),
    sa.Column('bookings', sa.Integer(), nullable=False),
    sa.Column('check_ins', sa.Integer(), nullable=False),
    sa.Column('no_shows', sa.Integer(), nullable=False),
    sa.CheckConstraint('hour between 0 and 23 and weekday between 0 and 6', name=op.f('ck_occupancy_hour_hour_and_weekday_known')),
    sa.ForeignKeyConstraint(['floor_id'], ['floor.id'], name=op.f('fk_occupancy_hour_floor_id_floor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_occupancy_hour_space_id_space'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_occupancy_hour_venue_id_venue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_occupancy_hour_zone_id_zone'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occupancy_hour')),
    sa.UniqueConstraint('space_id', 'starts_at', name=op.f('uq_occupancy_hour_space_id_starts_at'))
    )
    with op.batch_alter_table('occupancy_hour', schema=None) as batch_op:
        batch_op.create_index('ix_occupancy_hour_venue_id_day', ['venue_id', 'day'], unique=False)

    op.create_table('series_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.CheckConstraint("reason in ('conflict', 'closed', 'refused')", name=op.f('ck_series_exception_reason_known')),
    sa.ForeignKeyConstraint(['series_id'], ['booking_series.id'], name=op.f('fk_series_exception_series_id_booking_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_exception')),
    sa.UniqueConstraint('series_id', 'day', name=op.f('uq_series_exception_series_id_day'))
    )
    op.create_table('credit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("reason in ('allowance', 'expiry', 'booking', 'refund', 'adjustment')", name=op.f('ck_credit_entry_reason_known')),
    sa.ForeignKeyConstraint(['account_id'], ['credit_account.id'], name=op.f('fk_credit_entry_account_id_credit_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_credit_entry_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_credit_entry_booking_id_booking'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_entry'))
    )
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_credit_entry_account_id_at', ['account_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_entry_booking_id'), ['booking_id'], unique=False)

    op.create_table('waitlist_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status in ('waiting', 'offered', 'booked', 'expired', 'withdrawn')", name=op.f('ck_waitlist_entry_status_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_waitlist_entry_ends_after_start')),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_waitlist_entry_booking_id_booking'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_waitlist_entry_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_waitlist_entry_space_id_space')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_waitlist_entry_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entry'))
    )
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.create_index('ix_waitlist_entry_space_id_status_starts_at', ['space_id', 'status', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_waitlist_entry_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('series_day', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_booking_series_id'), ['series_id'], unique=False)
        batch_op.create_index('ix_booking_status_starts_at', ['status', 'starts_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_booking_series_id_series_day'), ['series_id', 'series_day'])
        batch_op.create_foreign_key(batch_op.f('fk_booking_series_id_booking_series'), 'booking_series', ['series_id'], ['id'])

    with op.batch_alter_table('booking_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_to_grant_holders', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('refund_notice_hours', sa.Integer(), nullable=False, server_default='24'))
        batch_op.create_check_constraint(op.f('ck_booking_rule_refund_notice_positive'), 'refund_notice_hours >= 0')

    _rebuild_booking_status_rules(NEW_STATUSES, NEW_ACTIVE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE desk_allocation ADD CONSTRAINT ex_desk_allocation_no_overlap "
            "EXCLUDE USING gist (space_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)"
        )


def _rebuild_booking_status_rules(statuses: str, active: str) -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_booking_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_booking_status_known'), f"status in ({statuses})")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE booking DROP CONSTRAINT ex_booking_no_overlap")
        op.execute(
            "ALTER TABLE booking ADD CONSTRAINT ex_booking_no_overlap "
            "EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f"WHERE (status in ({active}))"
        )


def downgrade() -> None:
    op.execute("DELETE FROM booking WHERE status in ('offered', 'expired')")
    _rebuild_booking_status_rules(OLD_STATUSES, OLD_ACTIVE)
    with op.batch_alter_table('booking_rule', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_booking_rule_refund_notice_positive'), type_='check')
        batch_op.drop_column('refund_notice_hours')
        batch_op.drop_column('open_to_grant_holders')

    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_booking_series_id_booking_series'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_booking_series_id_series_day'), type_='unique')
        batch_op.drop_index('ix_booking_status_starts_at')
        batch_op.drop_index(batch_op.f('ix_booking_series_id'))
        batch_op.drop_column('series_day')
        batch_op.drop_column('series_id')
        batch_op.drop_column('reminder_sent_at')

    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waitlist_entry_user_id'))
        batch_op.drop_index('ix_waitlist_entry_space_id_status_starts_at')

    op.drop_table('waitlist_entry')
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_entry_booking_id'))
        batch_op.drop_index('ix_credit_entry_account_id_at')

    op.drop_table('credit_entry')
    op.drop_table('series_exception')
    with op.batch_alter_table('occupancy_hour', schema=None) as batch_op:
        batch_op.drop_index('ix_occupancy_hour_venue_id_day')

    op.drop_table('occupancy_hour')
    with op.batch_alter_table('desk_allocation', schema=None) as batch_op:
        batch_op.drop_index('ix_desk_allocation_space_id_starts_on')
        batch_op.drop_index(batch_op.f('ix_desk_allocation_organisation_id'))

    op.drop_table('desk_allocation')
    with op.batch_alter_table('booking_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_series_user_id'))
        batch_op.drop_index(batch_op.f('ix_booking_series_space_id'))

    op.drop_table('booking_series')
    op.drop_table('credit_account')
    with op.batch_alter_table('access_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_grant_organisation_id'))

    op.drop_table('access_grant')
