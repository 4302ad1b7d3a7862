"""The territory's actors, and the vocabularies of sectors and of offers and needs (with their first words).

Revision ID: 0016_territory
Revises: 0015_phase_credits
Create Date: 2026-12-08 01:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016_territory"
down_revision: str | None = "0015_phase_credits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The three tracks' sectors are named as the tracks are, so that a start-up takes its track's.
SECTORS = [
    ("mer", "Mer", "Sea and maritime"),
    ("industries-creatives", "Industries créatives", "Creative industries"),
    ("amenagement-urbain", "Aménagement urbain", "Urban planning"),
    ("sante", "Santé", "Health"),
    ("energie", "Énergie", "Energy"),
    ("numerique", "Numérique", "Digital"),
    ("tourisme", "Tourisme", "Tourism"),
    ("agroalimentaire", "Agroalimentaire", "Food and farming"),
    ("mobilite", "Mobilité et logistique", "Mobility and logistics"),
    ("industrie", "Industrie", "Manufacturing"),
    ("finance", "Finance", "Finance"),
    ("education", "Éducation et formation", "Education and training"),
]
TAGS = [
    ("financement", "Financement", "Funding"),
    ("clients", "Clients", "Customers"),
    ("pilotes", "Expérimentations", "Pilots"),
    ("talents", "Talents et recrutement", "Talent"),
    ("locaux", "Locaux", "Premises"),
    ("mentorat", "Mentorat", "Mentoring"),
    ("export", "Export", "Export"),
    ("recherche", "Partenariats de recherche", "Research partnerships"),
    ("visibilite", "Visibilité", "Visibility"),
    ("expertise", "Expertise juridique et financière", "Legal and financial advice"),
    ("reseau", "Mise en relation", "Introductions"),
    ("donnees", "Données", "Data"),
]


def upgrade() -> None:
    actor_tag = op.create_table('actor_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_fr', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_tag')),
    sa.UniqueConstraint('code', name=op.f('uq_actor_tag_code')),
    sa.UniqueConstraint('name_en', name=op.f('uq_actor_tag_name_en')),
    sa.UniqueConstraint('name_fr', name=op.f('uq_actor_tag_name_fr'))
    )
    sector = op.create_table('sector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_fr', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector')),
    sa.UniqueConstraint('code', name=op.f('uq_sector_code')),
    sa.UniqueConstraint('name_en', name=op.f('uq_sector_name_en')),
    sa.UniqueConstraint('name_fr', name=op.f('uq_sector_name_fr'))
    )
    op.create_table('actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('size', sa.String(length=10), nullable=True),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('looking_for', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('show_city', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('show_size', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('show_about', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('show_tags', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('show_website', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('applicant_email', sa.String(length=254), nullable=True),
    sa.Column('applicant_locale', sa.String(length=5), server_default='fr', nullable=False),
    sa.Column('listing_consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('listing_consent_by_id', sa.Integer(), nullable=True),
    sa.Column('search_document', sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('startup', 'sme', 'corporate', 'incubator', 'investor', 'club', 'lab', 'public_body')", name=op.f('ck_actor_kind_known')),
    sa.CheckConstraint("size is null or size in ('micro', 'small', 'medium', 'large')", name=op.f('ck_actor_size_known')),
    sa.CheckConstraint("status in ('pending', 'approved', 'declined')", name=op.f('ck_actor_status_known')),
    sa.CheckConstraint('(case when organisation_id is null then 0 else 1 end) + (case when operator_id is null then 0 else 1 end) + (case when name is null then 0 else 1 end) = 1', name=op.f('ck_actor_one_identity')),
    sa.ForeignKeyConstraint(['listing_consent_by_id'], ['user_account.id'], name=op.f('fk_actor_listing_consent_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_actor_operator_id_operator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_actor_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor')),
    sa.UniqueConstraint('name', name=op.f('uq_actor_name')),
    sa.UniqueConstraint('operator_id', name=op.f('uq_actor_operator_id')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_actor_organisation_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_actor_slug'))
    )
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.create_index('ix_actor_directory', ['status', 'listed'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_applicant_email'), ['applicant_email'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_actor_search", "actor", ["search_document"], postgresql_using="gin")

    op.create_table('actor_sector',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_actor_sector_actor_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_actor_sector_sector_id_sector'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_id', 'sector_id', name=op.f('pk_actor_sector'))
    )
    with op.batch_alter_table('actor_sector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_sector_sector_id'), ['sector_id'], unique=False)

    op.create_table('actor_tagging',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.CheckConstraint("side in ('offers', 'needs')", name=op.f('ck_actor_tagging_side_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_actor_tagging_actor_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['actor_tag.id'], name=op.f('fk_actor_tagging_tag_id_actor_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_id', 'tag_id', 'side', name=op.f('pk_actor_tagging'))
    )
    with op.batch_alter_table('actor_tagging', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_tagging_tag_id'), ['tag_id'], unique=False)
    op.bulk_insert(sector, [{"code": code, "name_fr": fr, "name_en": en} for code, fr, en in SECTORS])
    op.bulk_insert(actor_tag, [{"code": code, "name_fr": fr, "name_en": en} for code, fr, en in TAGS])


def downgrade() -> None:
    with op.batch_alter_table('actor_tagging', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_tagging_tag_id'))

    op.drop_table('actor_tagging')
    with op.batch_alter_table('actor_sector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_sector_sector_id'))

    op.drop_table('actor_sector')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_actor_search", table_name="actor")
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_applicant_email'))
        batch_op.drop_index('ix_actor_directory')

    op.drop_table('actor')
    op.drop_table('sector')
    op.drop_table('actor_tag')
