"""Hosted bookings: rooms booked for a mentor session or a cohort event are never released for want of a
check-in (their host records attendance). Existing ones are marked.

Revision ID: 0008_hosted_bookings
Revises: 0007_speed_meeting
Create Date: 2026-11-23 14:30:12.769610
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_hosted_bookings'
down_revision: str | None = '0007_speed_meeting'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hosted', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE booking SET hosted = true WHERE id IN (SELECT booking_id FROM mentor_session "
        "WHERE booking_id IS NOT NULL) OR id IN (SELECT booking_id FROM cohort_event_booking)"
    )


def downgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_column('hosted')
