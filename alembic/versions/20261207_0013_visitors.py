"""Visitors expected at the front desk, and the venue's postal address for their invitation.

Revision ID: 0013_visitors
Revises: 0012_operators
Create Date: 2026-12-07 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_visitors"
down_revision: str | None = "0012_operators"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("venue") as venue:
        venue.add_column(sa.Column("address", sa.String(300), nullable=False, server_default=""))
    op.create_table(
        "visitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), sa.ForeignKey("venue.id", name=op.f("fk_visitor_venue_id_venue"),
                                                          ondelete="CASCADE"), nullable=False),
        sa.Column("host_id", sa.Integer(), sa.ForeignKey("user_account.id", name=op.f("fk_visitor_host_id_user_account")),
                  nullable=False),
        sa.Column("registered_by_id", sa.Integer(),
                  sa.ForeignKey("user_account.id", name=op.f("fk_visitor_registered_by_id_user_account")), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("locale", sa.String(5), nullable=False),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("page_token", sa.String(43), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("cancelled_at is null or checked_in_at is null", name=op.f("ck_visitor_cancelled_or_checked_in")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visitor")),
        sa.UniqueConstraint("code", name=op.f("uq_visitor_code")),
        sa.UniqueConstraint("page_token", name=op.f("uq_visitor_page_token")),
    )
    op.create_index(op.f("ix_visitor_venue_expected"), "visitor", ["venue_id", "expected_at"])
    op.create_index(op.f("ix_visitor_host_id"), "visitor", ["host_id"])
    op.create_index(op.f("ix_visitor_email"), "visitor", ["email"])


def downgrade() -> None:
    op.drop_table("visitor")
    with op.batch_alter_table("venue") as venue:
        venue.drop_column("address")
