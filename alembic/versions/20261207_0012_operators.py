"""Operators of the building, their managers and quotas; programs, grants and bookings name their operator; peak hours.

The programs that existed before operators are put under a default operator, the accelerator that ran the
building until then (Accélérateur M), and their start-ups' access grants with them. Their managers keep the
programs they ran, and no more: an admin names the operator's managers.

Revision ID: 0012_operators
Revises: 0011_uploads_and_throttle
Create Date: 2026-12-07 12:00:00.000000
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0012_operators'
down_revision: str | None = '0011_uploads_and_throttle'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_OPERATOR = "Accélérateur M"


def upgrade() -> None:
    op.create_table(
        'operator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('branding_name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind in ('accelerator', 'corporate_programme', 'university', 'french_tech_office')",
                           name=op.f('ck_operator_kind_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operator')),
        sa.UniqueConstraint('name', name=op.f('uq_operator_name')),
    )
    op.create_table(
        'operator_manager',
        sa.Column('operator_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_operator_manager_operator_id_operator'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_operator_manager_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('operator_id', 'user_id', name=op.f('pk_operator_manager')),
    )
    op.create_index(op.f('ix_operator_manager_user_id'), 'operator_manager', ['user_id'])
    op.create_table(
        'operator_quota',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('operator_id', sa.Integer(), nullable=False),
        sa.Column('space_kind', sa.String(length=20), nullable=False),
        sa.Column('monthly_hours', sa.Integer(), nullable=False),
        sa.Column('when_exhausted', sa.String(length=20), nullable=False),
        sa.CheckConstraint("space_kind in ('hot_desk', 'dedicated_desk', 'meeting_room', 'phone_booth', "
                           "'event_space')", name=op.f('ck_operator_quota_space_kind_known')),
        sa.CheckConstraint('monthly_hours >= 0', name=op.f('ck_operator_quota_monthly_hours_positive')),
        sa.CheckConstraint("when_exhausted in ('refuse', 'approval')",
                           name=op.f('ck_operator_quota_when_exhausted_known')),
        sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_operator_quota_operator_id_operator'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_quota')),
        sa.UniqueConstraint('operator_id', 'space_kind', name=op.f('uq_operator_quota_operator_id_space_kind')),
    )
    op.create_index(op.f('ix_operator_quota_operator_id'), 'operator_quota', ['operator_id'])

    operator = sa.table('operator', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                        sa.column('kind', sa.String()), sa.column('branding_name', sa.String()),
                        sa.column('created_at', sa.DateTime(timezone=True)))
    op.bulk_insert(operator, [{"name": DEFAULT_OPERATOR, "kind": "accelerator", "branding_name": "",
                               "created_at": datetime.now(UTC)}])
    default_id = sa.select(operator.c.id).where(operator.c.name == DEFAULT_OPERATOR).scalar_subquery()

    with op.batch_alter_table('program') as batch_op:
        batch_op.add_column(sa.Column('operator_id', sa.Integer(), nullable=True))
    op.execute(sa.table('program', sa.column('operator_id', sa.Integer())).update().values(operator_id=default_id))
    with op.batch_alter_table('program') as batch_op:
        batch_op.alter_column('operator_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f('fk_program_operator_id_operator'), 'operator', ['operator_id'], ['id'])
        batch_op.create_index(op.f('ix_program_operator_id'), ['operator_id'])

    with op.batch_alter_table('access_grant') as batch_op:
        batch_op.add_column(sa.Column('operator_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_access_grant_operator_id_operator'), 'operator', ['operator_id'], ['id'],
                                    ondelete='SET NULL')
    # A cohort's grant is keyed `cohort-<id>`: its start-up's bookings count against the cohort's operator.
    op.execute("UPDATE access_grant SET operator_id = (SELECT program.operator_id FROM cohort "
               "JOIN program ON program.id = cohort.program_id "
               "WHERE 'cohort-' || CAST(cohort.id AS VARCHAR) = access_grant.source_key)")

    with op.batch_alter_table('booking') as batch_op:
        batch_op.add_column(sa.Column('operator_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_booking_operator_id_operator'), 'operator', ['operator_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_booking_operator_id_starts_at', ['operator_id', 'starts_at'])

    with op.batch_alter_table('venue') as batch_op:
        batch_op.add_column(sa.Column('peak_weekdays', sa.String(length=20), server_default='0,1,2,3,4',
                                      nullable=False))
        batch_op.add_column(sa.Column('peak_periods', sa.String(length=200), server_default='10:00-12:00,14:00-17:00',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('venue') as batch_op:
        batch_op.drop_column('peak_periods')
        batch_op.drop_column('peak_weekdays')
    with op.batch_alter_table('booking') as batch_op:
        batch_op.drop_index('ix_booking_operator_id_starts_at')
        batch_op.drop_constraint(op.f('fk_booking_operator_id_operator'), type_='foreignkey')
        batch_op.drop_column('operator_id')
    with op.batch_alter_table('access_grant') as batch_op:
        batch_op.drop_constraint(op.f('fk_access_grant_operator_id_operator'), type_='foreignkey')
        batch_op.drop_column('operator_id')
    with op.batch_alter_table('program') as batch_op:
        batch_op.drop_index(op.f('ix_program_operator_id'))
        batch_op.drop_constraint(op.f('fk_program_operator_id_operator'), type_='foreignkey')
        batch_op.drop_column('operator_id')
    op.drop_index(op.f('ix_operator_quota_operator_id'), table_name='operator_quota')
    op.drop_table('operator_quota')
    op.drop_index(op.f('ix_operator_manager_user_id'), table_name='operator_manager')
    op.drop_table('operator_manager')
    op.drop_table('operator')
