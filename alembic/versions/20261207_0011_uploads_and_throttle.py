"""Uploads waiting for their confirmation, and attempts counted for rate limits: in the database, for every process.

Revision ID: 0011_uploads_and_throttle
Revises: 0010_system_actor
Create Date: 2026-12-07 11:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_uploads_and_throttle'
down_revision: str | None = '0010_system_actor'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'pending_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pending_upload_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_upload')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_pending_upload_token_hash')),
    )
    op.create_index(op.f('ix_pending_upload_user_id'), 'pending_upload', ['user_id'])
    op.create_index(op.f('ix_pending_upload_created_at'), 'pending_upload', ['created_at'])
    op.create_table(
        'throttle_hit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(length=50), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_hit')),
    )
    op.create_index('ix_throttle_hit_bucket_key_at', 'throttle_hit', ['bucket', 'key', 'at'])


def downgrade() -> None:
    op.drop_index('ix_throttle_hit_bucket_key_at', table_name='throttle_hit')
    op.drop_table('throttle_hit')
    op.drop_index(op.f('ix_pending_upload_created_at'), table_name='pending_upload')
    op.drop_index(op.f('ix_pending_upload_user_id'), table_name='pending_upload')
    op.drop_table('pending_upload')
