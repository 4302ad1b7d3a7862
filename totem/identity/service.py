"""Users, roles, organisations and memberships."""
import secrets
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, inspect, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from totem import audit
from totem.errors import Conflict, Invalid, NotFound, error_code
from totem.i18n import N_, said
from totem.identity.enums import ROLE_LABELS, Role
from totem.identity.models import Membership, Organisation, User, UserRole
from totem.permissions import require

OWN_ACCOUNT = error_code(
    "own_account", "Nobody deactivates or erases their own account, or removes their own admin role.")


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid("Enter a valid e-mail address.", field="email") from None


def parse_roles(values: list[str]) -> list[Role]:
    try:
        roles = sorted({Role(v) for v in values})
    except ValueError:
        raise Invalid("Unknown role.", field="roles") from None
    if not roles:
        raise Invalid("Choose at least one role.", field="roles")
    return roles


def get_user(db: Session, user_id: int) -> User:
    """A person, for the admins' pages: the system's account is nobody's to change, deactivate or erase."""
    user = db.get(User, user_id)
    if user is None or user.is_system:
        raise NotFound("No such user.")
    return user


def get_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.strip().lower()))


# Built once: most requests run it, and a statement's cache key is computed once per object.
_MEMBERSHIPS = (select(Membership).where(Membership.user_id == bindparam("user_id"))
                .options(joinedload(Membership.organisation)).order_by(Membership.id))


def load_memberships(db: Session, user: User) -> User:
    """The user with their memberships and organisations (re)loaded, in one query.

    Only the memberships are read again, not the user and their roles: this
    runs on every booking and every page that checks a start-up's rights.
    """
    if inspect(user).session is not db:
        user = db.get_one(User, user.id)
    memberships = db.scalars(_MEMBERSHIPS, {"user_id": user.id}).all()
    set_committed_value(user, "memberships", list(memberships))
    return user


def create_user(
    db: Session,
    *,
    actor: User | None,
    email: str,
    name: str,
    roles: list[str],
    now: datetime,
    password_hash: str | None = None,
    locale: str = "fr",
) -> User:
    """Create a user; `actor` None means the system (CLI, demo, enrolment)."""
    if actor is not None:
        require(actor, "users.manage")
    email = normalize_email(email)
    name = name.strip()
    if not name:
        raise Invalid("Enter a name.", field="name")
    if get_user_by_email(db, email) is not None:
        raise Conflict("A user with this e-mail already exists.", field="email")
    user = User(
        email=email,
        name=name,
        password_hash=password_hash,
        locale=locale,
        is_active=True,
        created_at=now,
        calendar_token=secrets.token_urlsafe(32),
        roles=[UserRole(role=r.value) for r in parse_roles(roles)],
    )
    db.add(user)
    db.flush()
    audit.record(db, actor=actor, action="user.create", obj=user, now=now,
                 summary=said(N_("created {email} ({roles})"), email=email, roles=_role_labels(roles)))
    return user


def set_roles(db: Session, *, actor: User, user: User, roles: list[str], now: datetime) -> None:
    require(actor, "users.manage", user)
    wanted = {r.value for r in parse_roles(roles)}
    if user.id == actor.id and Role.ADMIN not in wanted:
        raise Conflict("You cannot remove your own admin role.", code=OWN_ACCOUNT)
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.role_names)
    ]
    db.flush()
    audit.record(db, actor=actor, action="user.roles", obj=user, now=now,
                 summary=said("{email}: {roles}", email=user.email, roles=_role_labels(sorted(wanted))))


def _role_labels(roles: list[str]) -> list[str]:
    """The roles' labels, which the audit log shows in its reader's language."""
    return [ROLE_LABELS[role] for role in parse_roles(roles)]


def set_locale(db: Session, *, user: User, locale: str, now: datetime) -> None:
    if locale not in ("fr", "en"):
        raise Invalid("Unknown language.", field="locale")
    user.locale = locale
    db.flush()


def get_or_create_organisation(db: Session, *, actor: User | None, name: str, now: datetime, kind: str = "startup") -> Organisation:
    name = name.strip()
    if not name:
        raise Invalid("Enter the start-up's name.", field="startup")
    organisation = db.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if organisation is None:
        organisation = Organisation(name=name, kind=kind, created_at=now)
        db.add(organisation)
        db.flush()
        audit.record(db, actor=actor, action="organisation.create", obj=organisation, summary=said(N_("created {name}"), name=name), now=now)
    return organisation


def add_membership(db: Session, *, actor: User | None, user: User, organisation: Organisation, now: datetime) -> Membership:
    existing = db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation.id)
    )
    if existing is not None:
        return existing
    membership = Membership(user_id=user.id, organisation_id=organisation.id, created_at=now)
    db.add(membership)
    db.flush()
    audit.record(
        db, actor=actor, action="membership.create", obj=membership,
        summary=said(N_("{email} joined {organisation}"), email=user.email, organisation=organisation.name), now=now,
    )
    return membership


SYSTEM_EMAIL = "system@totem.invalid"  # an address that can never receive mail (RFC 2606)


def system_actor(db: Session, *, now: datetime) -> User:
    """The system, as the audit log names it: who periodic jobs and command-line imports act as; made once."""
    user = db.scalar(select(User).where(User.is_system))
    if user is None:
        user = User(email=SYSTEM_EMAIL, name="System", password_hash=None, locale="fr", is_active=True,
                    is_system=True, created_at=now, calendar_token=secrets.token_urlsafe(32), roles=[])
        db.add(user)
        db.flush()
    return user


def list_users(db: Session, *, search: str = "", limit: int = 50, offset: int = 0) -> tuple[list[User], int]:
    """People matching a search on name or e-mail, by name, with the total count; the system is nobody's."""
    query = select(User).where(~User.is_system)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = db.scalars(query.order_by(func.lower(User.name), User.id).limit(limit).offset(offset)).all()
    return list(users), total
