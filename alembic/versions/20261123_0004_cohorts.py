"""Cohorts: programs and their managers and tracks, cohorts, start-up profiles, applications and reviews,
enrolments, milestones and their progress, monthly KPI reports and requests, and the cohort calendar template.

Every table is new; enrolments reach `spaces` only through access grants keyed
`cohort-<id>` (no foreign key), and the template's occurrences link to the
bookings they made.

Revision ID: 0004_cohorts
Revises: 0003_spaces_more
Create Date: 2026-11-23 11:11:17.019517
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_cohorts'
down_revision: str | None = '0003_spaces_more'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kpi_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('revenue_eur', sa.BigInteger(), nullable=False),
    sa.Column('funds_raised_eur', sa.BigInteger(), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('headcount >= 0 and revenue_eur >= 0 and funds_raised_eur >= 0 and customers >= 0', name=op.f('ck_kpi_report_figures_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_kpi_report_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by'], ['user_account.id'], name=op.f('fk_kpi_report_submitted_by_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_report')),
    sa.UniqueConstraint('organisation_id', 'month', name=op.f('uq_kpi_report_organisation_id_month'))
    )
    op.create_table('kpi_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.CheckConstraint('reminders >= 0', name=op.f('ck_kpi_request_reminders_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_kpi_request_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_request')),
    sa.UniqueConstraint('organisation_id', 'month', name=op.f('uq_kpi_request_organisation_id_month'))
    )
    op.create_table('program',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('monthly_credits', sa.Integer(), nullable=False),
    sa.Column('space_kinds', sa.JSON(), nullable=False),
    sa.Column('desks_per_startup', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('desks_per_startup >= 0', name=op.f('ck_program_desks_per_startup_positive')),
    sa.CheckConstraint('monthly_credits >= 0', name=op.f('ck_program_monthly_credits_positive')),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_program_venue_id_venue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program')),
    sa.UniqueConstraint('venue_id', 'name', name=op.f('uq_program_venue_id_name'))
    )
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_venue_id'), ['venue_id'], unique=False)

    op.create_table('startup_profile',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=True),
    sa.Column('sector', sa.String(length=100), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('team_size', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stage is null or stage in ('idea', 'prototype', 'first_customers', 'seed', 'series_a', 'growth')", name=op.f('ck_startup_profile_stage_known')),
    sa.CheckConstraint('country is null or (length(country) = 2 and country = upper(country))', name=op.f('ck_startup_profile_country_iso')),
    sa.CheckConstraint('team_size is null or team_size > 0', name=op.f('ck_startup_profile_team_size_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_startup_profile_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_startup_profile'))
    )
    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('applications_open_on', sa.Date(), nullable=False),
    sa.Column('selection_on', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('demo_day_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('phase_forced_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phase in ('draft', 'applications_open', 'selection', 'running', 'demo_day', 'alumni')", name=op.f('ck_cohort_phase_known')),
    sa.CheckConstraint('applications_open_on < selection_on and selection_on <= starts_on and starts_on <= demo_day_on and demo_day_on <= ends_on', name=op.f('ck_cohort_phase_dates_in_order')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_cohort_capacity_positive')),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], name=op.f('fk_cohort_program_id_program')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort')),
    sa.UniqueConstraint('program_id', 'name', name=op.f('uq_cohort_program_id_name'))
    )
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_program_id'), ['program_id'], unique=False)

    op.create_table('program_manager',
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], name=op.f('fk_program_manager_program_id_program'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_program_manager_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('program_id', 'user_id', name=op.f('pk_program_manager'))
    )
    with op.batch_alter_table('program_manager', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_manager_user_id'), ['user_id'], unique=False)

    op.create_table('track',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], name=op.f('fk_track_program_id_program'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track')),
    sa.UniqueConstraint('program_id', 'name', name=op.f('uq_track_program_id_name'))
    )
    with op.batch_alter_table('track', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_track_program_id'), ['program_id'], unique=False)

    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('startup_name', sa.String(length=200), nullable=False),
    sa.Column('founder_name', sa.String(length=200), nullable=False),
    sa.Column('founder_email', sa.String(length=254), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=True),
    sa.Column('sector', sa.String(length=100), nullable=False),
    sa.Column('team_size', sa.Integer(), nullable=True),
    sa.Column('pitch', sa.Text(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status in ('submitted', 'under_review')) = (decided_at is null)", name=op.f('ck_application_decided_when_decided')),
    sa.CheckConstraint("locale in ('fr', 'en')", name=op.f('ck_application_locale_known')),
    sa.CheckConstraint("stage is null or stage in ('idea', 'prototype', 'first_customers', 'seed', 'series_a', 'growth')", name=op.f('ck_application_stage_known')),
    sa.CheckConstraint("status in ('submitted', 'under_review', 'accepted', 'waitlisted', 'rejected')", name=op.f('ck_application_status_known')),
    sa.CheckConstraint('country is null or (length(country) = 2 and country = upper(country))', name=op.f('ck_application_country_iso')),
    sa.CheckConstraint('founder_email = lower(founder_email)', name=op.f('ck_application_email_lowercase')),
    sa.CheckConstraint('team_size is null or team_size > 0', name=op.f('ck_application_team_size_positive')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_application_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_application_decided_by_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_application_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_application_track_id_track'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
    sa.UniqueConstraint('cohort_id', 'founder_email', name=op.f('uq_application_cohort_id_founder_email'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_cohort_id_status', ['cohort_id', 'status'], unique=False)

    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_offset_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('due_offset_days >= 0', name=op.f('ck_milestone_due_offset_positive')),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_milestone_track_id_track'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone')),
    sa.UniqueConstraint('track_id', 'title', name=op.f('uq_milestone_track_id_title'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_track_id'), ['track_id'], unique=False)

    op.create_table('application_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('team', sa.Integer(), nullable=False),
    sa.Column('market', sa.Integer(), nullable=False),
    sa.Column('product', sa.Integer(), nullable=False),
    sa.Column('fit', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('team between 1 and 5 and market between 1 and 5 and product between 1 and 5 and fit between 1 and 5', name=op.f('ck_application_review_scores_in_range')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_review_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_application_review_reviewer_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_review')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name=op.f('uq_application_review_application_id_reviewer_id'))
    )
    with op.batch_alter_table('application_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_review_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('cohort_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('every_weeks', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_cohort_event_duration_positive')),
    sa.CheckConstraint('every_weeks >= 1', name=op.f('ck_cohort_event_every_weeks_positive')),
    sa.CheckConstraint('first_day is null or last_day is null or last_day >= first_day', name=op.f('ck_cohort_event_last_after_first')),
    sa.CheckConstraint('weekday between 0 and 6', name=op.f('ck_cohort_event_weekday_known')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_event_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_cohort_event_space_id_space')),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_cohort_event_track_id_track'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_event'))
    )
    with op.batch_alter_table('cohort_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_event_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('first_credits_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'ended') = (ended_on is not null)", name=op.f('ck_enrolment_ended_when_ended')),
    sa.CheckConstraint("status in ('active', 'ended')", name=op.f('ck_enrolment_status_known')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_enrolment_application_id_application'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_enrolment_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_enrolment_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_enrolment_track_id_track'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('application_id', name=op.f('uq_enrolment_application_id')),
    sa.UniqueConstraint('cohort_id', 'organisation_id', name=op.f('uq_enrolment_cohort_id_organisation_id'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_track_id'), ['track_id'], unique=False)

    op.create_table('milestone_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status in ('todo', 'in_progress', 'done')", name=op.f('ck_milestone_progress_status_known')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_milestone_progress_enrolment_id_enrolment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_milestone_progress_milestone_id_milestone'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['user_account.id'], name=op.f('fk_milestone_progress_updated_by_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_progress')),
    sa.UniqueConstraint('milestone_id', 'enrolment_id', name=op.f('uq_milestone_progress_milestone_id_enrolment_id'))
    )
    with op.batch_alter_table('milestone_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_progress_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('cohort_event_booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_event_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_cohort_event_booking_booking_id_booking'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_event_id'], ['cohort_event.id'], name=op.f('fk_cohort_event_booking_cohort_event_id_cohort_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_event_booking')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_cohort_event_booking_booking_id')),
    sa.UniqueConstraint('cohort_event_id', 'day', name=op.f('uq_cohort_event_booking_cohort_event_id_day'))
    )


def downgrade() -> None:
    op.drop_table('cohort_event_booking')
    with op.batch_alter_table('milestone_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_progress_enrolment_id'))

    op.drop_table('milestone_progress')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_track_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_organisation_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('cohort_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_event_cohort_id'))

    op.drop_table('cohort_event')
    with op.batch_alter_table('application_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_review_reviewer_id'))

    op.drop_table('application_review')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_track_id'))

    op.drop_table('milestone')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_cohort_id_status')

    op.drop_table('application')
    with op.batch_alter_table('track', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_track_program_id'))

    op.drop_table('track')
    with op.batch_alter_table('program_manager', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_manager_user_id'))

    op.drop_table('program_manager')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_program_id'))

    op.drop_table('cohort')
    op.drop_table('startup_profile')
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_venue_id'))

    op.drop_table('program')
    op.drop_table('kpi_request')
    op.drop_table('kpi_report')
