"""Speed-meeting days: the plan of a cohort, its days, mentors' hours, preferences, meetings and removed pairs;
the kind of a mentor session (asked for, or published from a speed-meeting day).

Revision ID: 0007_speed_meeting
Revises: 0006_matching
Create Date: 2026-11-23 14:01:15.823653
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_speed_meeting'
down_revision: str | None = '0006_matching'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('speed_meeting_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('changeover_minutes', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('room_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('solve_status', sa.String(length=20), nullable=True),
    sa.Column('objective', sa.Integer(), nullable=True),
    sa.Column('bound', sa.Float(), nullable=True),
    sa.Column('gap', sa.Float(), nullable=True),
    sa.Column('solve_seconds', sa.Float(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('solved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("status in ('draft', 'published')", name=op.f('ck_speed_meeting_plan_status_known')),
    sa.CheckConstraint('changeover_minutes between 0 and 60', name=op.f('ck_speed_meeting_plan_changeover_in_range')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_speed_meeting_plan_ends_after_start')),
    sa.CheckConstraint('slot_minutes between 5 and 120', name=op.f('ck_speed_meeting_plan_slot_minutes_in_range')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_speed_meeting_plan_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_speed_meeting_plan_created_by_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speed_meeting_plan')),
    sa.UniqueConstraint('cohort_id', name=op.f('uq_speed_meeting_plan_cohort_id'))
    )
    op.create_table('speed_meeting_day',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['speed_meeting_plan.id'], name=op.f('fk_speed_meeting_day_plan_id_speed_meeting_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'day', name=op.f('pk_speed_meeting_day'))
    )
    op.create_table('speed_meeting_preference',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('must_meet', sa.Boolean(), nullable=False),
    sa.CheckConstraint("side in ('startup', 'mentor')", name=op.f('ck_speed_meeting_preference_side_known')),
    sa.CheckConstraint('rank is not null or must_meet', name=op.f('ck_speed_meeting_preference_ranked_or_must_meet')),
    sa.CheckConstraint('rank is null or rank >= 1', name=op.f('ck_speed_meeting_preference_rank_positive')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profile.user_id'], name=op.f('fk_speed_meeting_preference_mentor_id_mentor_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_speed_meeting_preference_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['speed_meeting_plan.id'], name=op.f('fk_speed_meeting_preference_plan_id_speed_meeting_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'side', 'organisation_id', 'mentor_id', name=op.f('pk_speed_meeting_preference'))
    )
    with op.batch_alter_table('speed_meeting_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speed_meeting_preference_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('speed_meeting_removal',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profile.user_id'], name=op.f('fk_speed_meeting_removal_mentor_id_mentor_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_speed_meeting_removal_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['speed_meeting_plan.id'], name=op.f('fk_speed_meeting_removal_plan_id_speed_meeting_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'organisation_id', 'mentor_id', name=op.f('pk_speed_meeting_removal'))
    )
    op.create_table('speed_meeting_mentor',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=True),
    sa.Column('ends_at', sa.Time(), nullable=True),
    sa.CheckConstraint('(starts_at is null) = (ends_at is null) and (starts_at is null or ends_at > starts_at)', name=op.f('ck_speed_meeting_mentor_hours_in_order')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profile.user_id'], name=op.f('fk_speed_meeting_mentor_mentor_id_mentor_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id', 'day'], ['speed_meeting_day.plan_id', 'speed_meeting_day.day'], name=op.f('fk_speed_meeting_mentor_plan_id_speed_meeting_day'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['speed_meeting_plan.id'], name=op.f('fk_speed_meeting_mentor_plan_id_speed_meeting_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'mentor_id', 'day', name=op.f('pk_speed_meeting_mentor'))
    )
    with op.batch_alter_table('speed_meeting_mentor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speed_meeting_mentor_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('speed_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_speed_meeting_ends_after_start')),
    sa.CheckConstraint('slot >= 0', name=op.f('ck_speed_meeting_slot_positive')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profile.user_id'], name=op.f('fk_speed_meeting_mentor_id_mentor_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_speed_meeting_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id', 'day'], ['speed_meeting_day.plan_id', 'speed_meeting_day.day'], name=op.f('fk_speed_meeting_plan_id_speed_meeting_day'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['speed_meeting_plan.id'], name=op.f('fk_speed_meeting_plan_id_speed_meeting_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['space.id'], name=op.f('fk_speed_meeting_room_id_space')),
    sa.ForeignKeyConstraint(['session_id'], ['mentor_session.id'], name=op.f('fk_speed_meeting_session_id_mentor_session'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speed_meeting')),
    sa.UniqueConstraint('plan_id', 'day', 'slot', 'mentor_id', name='uq_speed_meeting_mentor_slot'),
    sa.UniqueConstraint('plan_id', 'day', 'slot', 'organisation_id', name='uq_speed_meeting_startup_slot'),
    sa.UniqueConstraint('plan_id', 'day', 'slot', 'room_id', name='uq_speed_meeting_room_slot'),
    sa.UniqueConstraint('plan_id', 'organisation_id', 'mentor_id', name='uq_speed_meeting_pair'),
    sa.UniqueConstraint('session_id', name=op.f('uq_speed_meeting_session_id'))
    )
    with op.batch_alter_table('speed_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speed_meeting_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_speed_meeting_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('mentor_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='request', nullable=False))
        batch_op.create_check_constraint(op.f('ck_mentor_session_kind_known'), "kind in ('request', 'speed_meeting')")



def downgrade() -> None:
    with op.batch_alter_table('mentor_session', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_mentor_session_kind_known'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('speed_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speed_meeting_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_speed_meeting_mentor_id'))

    op.drop_table('speed_meeting')
    with op.batch_alter_table('speed_meeting_mentor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speed_meeting_mentor_mentor_id'))

    op.drop_table('speed_meeting_mentor')
    op.drop_table('speed_meeting_removal')
    with op.batch_alter_table('speed_meeting_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speed_meeting_preference_mentor_id'))

    op.drop_table('speed_meeting_preference')
    op.drop_table('speed_meeting_day')
    op.drop_table('speed_meeting_plan')
