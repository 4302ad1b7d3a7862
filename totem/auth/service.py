"""Logging in, page sessions, API tokens, invitations and password resets."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from totem import audit
from totem.auth.models import ApiToken, AuthSession, LoginFailure, OneTimeLink
from totem.auth.secrets import hash_password, hash_token, new_token, verify_password
from totem.errors import Conflict, Forbidden, Invalid, NotFound, TooManyAttempts, Unauthenticated, error_code
from totem.i18n import N_, said
from totem.identity.models import User
from totem.identity.service import OWN_ACCOUNT, get_user_by_email
from totem.notifications.service import queue_mail
from totem.permissions import is_staff, require
from totem.settings import Settings

MIN_PASSWORD_LENGTH = 10
INVITATION = "invitation"
PASSWORD_RESET = "password_reset"

INVALID_CREDENTIALS = error_code("invalid_credentials", "No account has this e-mail and password.")
ACCOUNT_DEACTIVATED = error_code("account_deactivated", "The account has been deactivated: it cannot sign in.")
TOKEN_INVALID = error_code("token_invalid", "The bearer token is unknown, revoked, or its account deactivated.")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("The password must have at least {n} characters.", field="password", n=MIN_PASSWORD_LENGTH)


# --- logging in --------------------------------------------------------------


def authenticate(db: Session, *, email: str, password: str, settings: Settings, now: datetime) -> User:
    """The user with this e-mail and password; failures count toward throttling.

    On failure the caller must still commit, so that the failure is counted.
    """
    email = email.strip().lower()
    window_start = now - timedelta(minutes=settings.login_failure_window_minutes)
    failures = db.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.email == email, LoginFailure.failed_at > window_start)
        .order_by(LoginFailure.failed_at)
    ).all()
    if len(failures) >= settings.login_max_failures:
        cooled_at = failures[-settings.login_max_failures] + timedelta(minutes=settings.login_failure_window_minutes)
        raise TooManyAttempts(
            "Too many failed attempts. Try again in a few minutes.",
            retry_after_seconds=max(1, int((cooled_at - now).total_seconds())),
        )
    user = get_user_by_email(db, email)
    # verify_password runs the hash even for an unknown e-mail: same timing.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        db.add(LoginFailure(email=email, failed_at=now))
        db.flush()
        raise Unauthenticated("Wrong e-mail or password.", code=INVALID_CREDENTIALS)
    if not user.is_active:
        raise Forbidden("This account has been deactivated.", code=ACCOUNT_DEACTIVATED)
    db.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user


def start_session(db: Session, *, user: User, settings: Settings, now: datetime, user_agent: str | None = None) -> str:
    """Open a page session; returns the raw token for the cookie (a fresh one each login)."""
    raw, token_hash = new_token()
    lifetime = timedelta(hours=settings.staff_session_lifetime_hours if is_staff(user) else settings.session_lifetime_hours)
    db.add(AuthSession(
        token_hash=token_hash, user_id=user.id, created_at=now, last_seen_at=now,
        expires_at=now + lifetime, user_agent=(user_agent or "")[:300] or None,
    ))
    db.flush()
    return raw


def _idle_timeout(user: User, settings: Settings) -> timedelta:
    return timedelta(minutes=settings.staff_session_idle_minutes if is_staff(user) else settings.session_idle_minutes)


def resolve_session(db: Session, *, raw_token: str, settings: Settings, now: datetime) -> AuthSession | None:
    """The live session behind a cookie, or None if it is unknown, revoked, idle or expired."""
    row = db.execute(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == hash_token(raw_token), AuthSession.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    session, user = row
    if (
        not user.is_active
        or now >= session.expires_at
        or now - session.last_seen_at >= _idle_timeout(user, settings)
        or (user.credentials_changed_at is not None and session.created_at < user.credentials_changed_at)
    ):
        return None
    # Touch at most once a minute: most page views then write nothing.
    if now - session.last_seen_at > timedelta(minutes=1):
        session.last_seen_at = now
    return session


def end_session(db: Session, *, session: AuthSession, now: datetime) -> None:
    session.revoked_at = now
    db.flush()


def revoke_all_sessions(db: Session, *, user: User, now: datetime) -> None:
    db.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def change_password(db: Session, *, user: User, current: str, new: str, now: datetime) -> None:
    """Set a new password and end every session of the user (the caller opens a fresh one)."""
    if not verify_password(user.password_hash, current):
        raise Invalid("The current password is wrong.", field="current_password")
    _set_password(db, user=user, password=new, now=now)
    audit.record(db, actor=user, action="user.password", obj=user, summary=said(N_("changed their password")), now=now)


def _set_password(db: Session, *, user: User, password: str, now: datetime) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.credentials_changed_at = now
    revoke_all_sessions(db, user=user, now=now)
    db.flush()


def deactivate_user(db: Session, *, actor: User, user: User, now: datetime) -> None:
    """Refuse the user from now on: sessions and API tokens are revoked."""
    require(actor, "users.manage", user)
    if user.id == actor.id:
        raise Conflict("You cannot deactivate your own account.", code=OWN_ACCOUNT)
    user.is_active = False
    user.credentials_changed_at = now
    revoke_all_sessions(db, user=user, now=now)
    db.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    db.flush()
    audit.record(db, actor=actor, action="user.deactivate", obj=user, summary=said(N_("deactivated {email}"), email=user.email), now=now)


def reactivate_user(db: Session, *, actor: User, user: User, now: datetime) -> None:
    require(actor, "users.manage", user)
    user.is_active = True
    db.flush()
    audit.record(db, actor=actor, action="user.reactivate", obj=user, summary=said(N_("reactivated {email}"), email=user.email), now=now)


# --- API tokens ----------------------------------------------------------------


def issue_api_token(db: Session, *, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    raw, token_hash = new_token()
    token = ApiToken(token_hash=token_hash, user_id=user.id, name=(name.strip() or "API")[:100], created_at=now)
    db.add(token)
    db.flush()
    audit.record(db, actor=user, action="api_token.create", obj=token, summary=said(N_("API token {name}"), name=repr(token.name)), now=now)
    return token, raw


# Built once (every API request runs it); the user's roles in the same query.
_API_TOKEN = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
    .options(joinedload(User.roles))
)


def resolve_api_token(db: Session, *, raw_token: str, now: datetime) -> User | None:
    row = db.execute(_API_TOKEN, {"token_hash": hash_token(raw_token)}).unique().first()
    if row is None or not row[1].is_active:
        return None
    token, user = row
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return user


def list_api_tokens(db: Session, *, user: User) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))


def revoke_api_token(db: Session, *, user: User, token_id: int, now: datetime) -> None:
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = now
        db.flush()
        audit.record(db, actor=user, action="api_token.revoke", obj=token, summary=said(N_("revoked {name}"), name=repr(token.name)), now=now)


# --- single-use links --------------------------------------------------------


def issue_link(db: Session, *, user: User, purpose: str, valid_for: timedelta, now: datetime) -> str:
    raw, token_hash = new_token()
    db.add(OneTimeLink(token_hash=token_hash, user_id=user.id, purpose=purpose, created_at=now, expires_at=now + valid_for))
    db.flush()
    return raw


@dataclass
class LinkCheck:
    link: OneTimeLink
    user: User


def check_link(db: Session, *, raw_token: str, purpose: str, now: datetime) -> LinkCheck:
    """A link still usable, or Invalid with a message the page shows."""
    row = db.execute(
        select(OneTimeLink, User)
        .join(User, User.id == OneTimeLink.user_id)
        .where(OneTimeLink.token_hash == hash_token(raw_token), OneTimeLink.purpose == purpose)
    ).first()
    if row is None:
        raise NotFound("This link is not valid.")
    link, user = row
    if link.used_at is not None:
        raise Invalid("This link has already been used.")
    if now >= link.expires_at:
        raise Invalid("This link has expired. Ask for a new one.")
    if not user.is_active:
        raise Forbidden("This account has been deactivated.", code=ACCOUNT_DEACTIVATED)
    return LinkCheck(link, user)


def invite_user(db: Session, *, actor: User | None, user: User, settings: Settings, now: datetime) -> None:
    """E-mail the user a link to choose their password."""
    raw = issue_link(db, user=user, purpose=INVITATION, valid_for=timedelta(hours=settings.invitation_valid_hours), now=now)
    queue_mail(
        db, to=user, subject=N_("You are invited to Totem"), template="totem/emails/invitation", now=now,
        link=f"{settings.base_url}/invitations/{raw}", inviter=actor.name if actor else "Totem",
        valid_days=settings.invitation_valid_hours // 24,
    )
    audit.record(db, actor=actor, action="user.invite", obj=user, summary=said(N_("invited {email}"), email=user.email), now=now)


def accept_invitation(db: Session, *, raw_token: str, password: str, now: datetime) -> User:
    checked = check_link(db, raw_token=raw_token, purpose=INVITATION, now=now)
    _set_password(db, user=checked.user, password=password, now=now)
    checked.link.used_at = now
    audit.record(db, actor=checked.user, action="user.accept_invitation", obj=checked.user, summary=said(N_("accepted the invitation")), now=now)
    return checked.user


def request_password_reset(db: Session, *, email: str, settings: Settings, now: datetime) -> None:
    """E-mail a reset link if the account exists; say nothing either way."""
    user = get_user_by_email(db, email)
    if user is None or not user.is_active:
        return
    recent = db.scalar(
        select(func.count()).select_from(OneTimeLink).where(
            OneTimeLink.user_id == user.id, OneTimeLink.purpose == PASSWORD_RESET,
            OneTimeLink.created_at > now - timedelta(minutes=15),
        )
    )
    if recent and recent >= 3:
        return
    raw = issue_link(db, user=user, purpose=PASSWORD_RESET,
                     valid_for=timedelta(minutes=settings.password_reset_valid_minutes), now=now)
    queue_mail(
        db, to=user, subject=N_("Reset your Totem password"), template="totem/emails/password_reset", now=now,
        link=f"{settings.base_url}/password-reset/{raw}", valid_minutes=settings.password_reset_valid_minutes,
    )


def reset_password(db: Session, *, raw_token: str, password: str, now: datetime) -> User:
    checked = check_link(db, raw_token=raw_token, purpose=PASSWORD_RESET, now=now)
    _set_password(db, user=checked.user, password=password, now=now)
    checked.link.used_at = now
    audit.record(db, actor=checked.user, action="user.password_reset", obj=checked.user, summary=said(N_("reset their password")), now=now)
    return checked.user
