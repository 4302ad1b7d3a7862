"""Coarser occupancy roll-ups for the reports: per day, hour, floor, zone and kind, and per space and day.
Existing hourly rows are summed into them.

Revision ID: 0009_occupancy_rollups
Revises: 0008_hosted_bookings
Create Date: 2026-11-23 15:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_occupancy_rollups'
down_revision: str | None = '0008_hosted_bookings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUMS = ('booked_minutes', 'used_minutes', 'bookings', 'check_ins', 'no_shows')

_SUMS, _SUMMED = ', '.join(SUMS), ', '.join(f'sum({name})' for name in SUMS)
# The days already rolled up: the same sums the nightly job now writes beside the hourly rows.
BACKFILL = (
    f"INSERT INTO occupancy_day_hour (venue_id, floor_id, zone_id, kind, day, hour, {_SUMS}) "
    f"SELECT venue_id, floor_id, zone_id, kind, day, hour, {_SUMMED} FROM occupancy_hour "
    "GROUP BY venue_id, floor_id, zone_id, kind, day, hour",
    # A space's floor, zone and kind are the same in all the hours of a day (one roll-up wrote them).
    f"INSERT INTO occupancy_space_day (venue_id, floor_id, zone_id, space_id, kind, day, {_SUMS}) "
    f"SELECT venue_id, floor_id, zone_id, space_id, kind, day, {_SUMMED} FROM occupancy_hour "
    "GROUP BY venue_id, floor_id, zone_id, space_id, kind, day",
)


def _columns() -> list[sa.Column]:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('floor_id', sa.Integer(), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=True),
    ]


def _sums() -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in SUMS]


def _keys(table: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(['floor_id'], ['floor.id'], name=op.f(f'fk_{table}_floor_id_floor'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f(f'fk_{table}_venue_id_venue'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f(f'fk_{table}_zone_id_zone'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    op.create_table('occupancy_day_hour',
    *_columns(),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    *_sums(),
    sa.CheckConstraint('hour between 0 and 23', name=op.f('ck_occupancy_day_hour_hour_known')),
    *_keys('occupancy_day_hour'),
    )
    with op.batch_alter_table('occupancy_day_hour', schema=None) as batch_op:
        batch_op.create_index('ix_occupancy_day_hour_venue_id_day', ['venue_id', 'day'], unique=False)

    op.create_table('occupancy_space_day',
    *_columns(),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *_sums(),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_occupancy_space_day_space_id_space'), ondelete='CASCADE'),
    *_keys('occupancy_space_day'),
    sa.UniqueConstraint('space_id', 'day', name=op.f('uq_occupancy_space_day_space_id_day')),
    )
    with op.batch_alter_table('occupancy_space_day', schema=None) as batch_op:
        batch_op.create_index('ix_occupancy_space_day_venue_id_day', ['venue_id', 'day'], unique=False)

    for statement in BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('occupancy_space_day', schema=None) as batch_op:
        batch_op.drop_index('ix_occupancy_space_day_venue_id_day')
    op.drop_table('occupancy_space_day')
    with op.batch_alter_table('occupancy_day_hour', schema=None) as batch_op:
        batch_op.drop_index('ix_occupancy_day_hour_venue_id_day')
    op.drop_table('occupancy_day_hour')
