"""What the cohorts' imports share: each person's e-mail checked once per file, people found or
created, and each line's outcome.

People are created without a password and are not mailed: a manager invites them with "Invite" on the
Import page. An import adds memberships and roles, never removes one."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from totem.errors import Invalid
from totem.i18n import N_
from totem.identity import service as identity
from totem.identity.enums import Locale
from totem.identity.models import Membership, Organisation, User, UserRole
from totem.importing import ImportResult, Line, Options, Row


NAME_MAX = 200  # a person's or a start-up's name
LOCALES = {locale.value for locale in Locale}


def checked_email(row: Row, result: ImportResult, seen: dict[str, int]) -> str | None:
    """The line's e-mail, normalised, or None once its refusal is recorded (bad, or already on another line)."""
    try:
        email = identity.normalize_email(row.get("email"))
    except Invalid:
        result.refuse(row.line, N_("Bad e-mail {email}."), email=row.get("email"))
        return None
    if email in seen:
        result.refuse(row.line, N_("Line {line} already describes {email}."), line=seen[email], email=email)
        return None
    seen[email] = row.line
    return email


def person(db: Session, *, email: str, name: str, role: str, locale: str, options: Options) -> tuple[User, bool]:
    """The user of this e-mail, created without a password (so not mailed) or given the name and role; and
    whether anything changed."""
    user = identity.get_user_by_email(db, email)
    if user is None:
        user = identity.create_user(db, actor=None, email=email, name=name or email.split("@")[0], roles=[role],
                                    now=options.now, locale=locale or Locale.FR)
        return user, True
    changed = False
    if name and user.name != name:
        user.name, changed = name, True
    if locale and user.locale != locale:
        user.locale, changed = locale, True
    if not user.has_role(role):
        user.roles.append(UserRole(role=role))
        changed = True
    return user, changed


def join(db: Session, user: User, organisation: Organisation, options: Options) -> bool:
    """Make the user a member of the start-up; whether they were not one already."""
    exists = db.scalar(select(Membership.id).where(Membership.user_id == user.id,
                                                   Membership.organisation_id == organisation.id))
    if exists is not None:
        return False
    identity.add_membership(db, actor=options.actor, user=user, organisation=organisation, now=options.now)
    return True


def record(result: ImportResult, line: int, summary: str, *, created: bool, changed: bool) -> None:
    if created:
        result.created.append(Line(line, summary))
    elif changed:
        result.updated.append(Line(line, summary))
    else:
        result.unchanged += 1
