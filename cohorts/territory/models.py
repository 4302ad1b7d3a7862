"""The territory's actors (organisations around the building), and the two managed vocabularies that describe
them: sectors, and the tags of what an actor offers and what it looks for."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohorts.programs.enums import sql_list
from cohorts.territory.enums import ActorKind, ActorSize, ActorStatus, TagSide
from cohorts.territory.search import SearchWords
from spaces.operators.models import Operator
from totem.db import Base
from totem.identity.models import Organisation

# An actor is exactly one of: one of the building's start-ups (an organisation), one of its operators, or an
# organisation of the territory known by its name here.
ONE_IDENTITY = (
    "(case when organisation_id is null then 0 else 1 end) + (case when operator_id is null then 0 else 1 end)"
    " + (case when name is null then 0 else 1 end) = 1"
)


class _Word:
    """A word of a managed vocabulary: a stable code, and its name in each language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_fr: Mapped[str] = mapped_column(String(100), unique=True)
    name_en: Mapped[str] = mapped_column(String(100), unique=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fr


class Sector(_Word, Base):
    """A sector of activity. Those named like the programs' tracks (Mer, Industries créatives...) are the tracks'
    sectors: a start-up of the building takes the sector of its track."""

    __tablename__ = "sector"


class ActorTag(_Word, Base):
    """One word of the vocabulary of offers and needs (funding, customers, pilots, talent...)."""

    __tablename__ = "actor_tag"


class ActorSector(Base):
    __tablename__ = "actor_sector"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class ActorTagging(Base):
    """A tag on one side of an actor: what it offers, or what it looks for."""

    __tablename__ = "actor_tagging"
    __table_args__ = (CheckConstraint(f"side in ({sql_list(TagSide)})", name="side_known"),)

    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("actor_tag.id", ondelete="CASCADE"), primary_key=True,
                                        index=True)
    side: Mapped[str] = mapped_column(String(10), primary_key=True)

    tag: Mapped[ActorTag] = relationship(lazy="raise")


class Actor(Base):
    """An organisation of the territory in the directory. It shows up only once approved and listed, and then
    only what it chose to publish: each `show_*` flag opens one part of its page, its search words and its
    filters (a hidden city is neither shown nor searchable nor a filter that finds it)."""

    __tablename__ = "actor"
    __table_args__ = (
        CheckConstraint(ONE_IDENTITY, name="one_identity"),
        CheckConstraint(f"kind in ({sql_list(ActorKind)})", name="kind_known"),
        CheckConstraint(f"size is null or size in ({sql_list(ActorSize)})", name="size_known"),
        CheckConstraint(f"status in ({sql_list(ActorStatus)})", name="status_known"),
        Index("ix_actor_directory", "status", "listed"),
        # Full-text search where PostgreSQL runs; SQLite matches the same folded words with LIKE.
        Index("ix_actor_search", "search_document", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                        unique=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=ActorStatus.APPROVED)
    city: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[str | None] = mapped_column(String(10))
    about: Mapped[str] = mapped_column(Text, default="")  # what it does and offers, in its own words
    looking_for: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1 codes it works in
    # Opt-in: in the public directory at all, and which parts of it.
    listed: Mapped[bool] = mapped_column(default=False)
    show_city: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_size: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_about: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_tags: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_website: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Who signed the organisation up on the public form (no account yet): told of the managers' decision.
    # Personal data: in that person's download, blanked when they are erased.
    applicant_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    applicant_email: Mapped[str | None] = mapped_column(String(254), index=True)
    applicant_locale: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")
    # When and by whom the listing was agreed to: consent is recorded (by nobody's account: the applicant's).
    listing_consent_at: Mapped[datetime | None]
    listing_consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The published words, lower-cased and without accents (see cohorts.territory.search); rebuilt on every save.
    # Written, never read: PostgreSQL holds them as a tsvector.
    search_document: Mapped[str] = mapped_column(SearchWords, default="", deferred=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    operator: Mapped[Operator | None] = relationship(lazy="raise")
    sectors: Mapped[list[Sector]] = relationship(secondary="actor_sector", lazy="raise", order_by=Sector.name_fr)
    taggings: Mapped[list[ActorTagging]] = relationship(lazy="raise", cascade="all, delete-orphan")

    def tags(self, side: str) -> list[ActorTag]:
        return sorted((t.tag for t in self.taggings if t.side == side), key=lambda tag: tag.name_fr)

    @property
    def display_name(self) -> str:
        if self.name is not None:
            return self.name
        if self.organisation_id is not None:
            return self.organisation.name if self.organisation else ""
        return self.operator.display_name if self.operator else ""
