"""Credits and space rights per phase of a program's cohorts (selection, running, demo day).

Revision ID: 0015_phase_credits
Revises: 0014_events
Create Date: 2026-12-07 13:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_phase_credits"
down_revision: str | None = "0014_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "program_phase_rights",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("monthly_credits", sa.Integer(), nullable=False),
        sa.Column("space_kinds", sa.JSON(), nullable=False),
        sa.CheckConstraint("phase in ('selection', 'running', 'demo_day')",
                           name=op.f("ck_program_phase_rights_phase_known")),
        sa.CheckConstraint("monthly_credits >= 0", name=op.f("ck_program_phase_rights_monthly_credits_positive")),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"], name=op.f("fk_program_phase_rights_program_id_program"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("program_id", "phase", name=op.f("pk_program_phase_rights")),
    )


def downgrade() -> None:
    op.drop_table("program_phase_rights")
