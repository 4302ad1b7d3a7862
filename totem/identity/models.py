"""Users, their roles, organisations (a start-up is one) and memberships."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from totem.db import Base


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (
        # E-mails are unique case-insensitively: the service lower-cases them
        # and the database refuses any that is not.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("locale in ('fr', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    is_active: Mapped[bool] = mapped_column(default=True)
    # The one account jobs and command-line imports act as: it holds no role, has no password, never logs in.
    is_system: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    # Bumped on password change and deactivation: older sessions and links die.
    credentials_changed_at: Mapped[datetime | None]
    # The secret part of the user's private calendar feed URL.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", lazy="raise")

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (CheckConstraint("role in ('admin', 'manager', 'member', 'mentor')", name="role_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles", lazy="raise")


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("kind in ('startup', 'partner')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="startup")
    created_at: Mapped[datetime]

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation", lazy="raise")


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="raise")
