"""The one place that answers "may this user do this to this object".

Each package registers the rules for its own actions with `rule`; routes,
services and jobs ask `can` or `require`. An action without a rule is refused.
"""
from collections.abc import Callable
from typing import Any

from totem.errors import Forbidden
from totem.identity.enums import Role
from totem.identity.models import User

Rule = Callable[[User, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        if action in _RULES:
            raise RuntimeError(f"permission rule {action!r} registered twice")
        _RULES[action] = func
        return func

    return register


def can(user: User | None, action: str, obj: Any = None) -> bool:
    if user is None or not user.is_active:
        return False
    check = _RULES.get(action)
    if check is not None and user.is_system:
        return True  # the jobs and imports act for the building: no person's limits apply to them
    return bool(check and check(user, obj))


def require(user: User | None, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise Forbidden("You are not allowed to do this.")


def is_staff(user: User) -> bool:
    return user.is_system or user.has_role(Role.ADMIN, Role.MANAGER)


@rule("users.manage")
def _manage_users(user: User, _obj: Any) -> bool:
    return user.has_role(Role.ADMIN)


@rule("audit.read")
def _read_audit(user: User, _obj: Any) -> bool:
    return user.has_role(Role.ADMIN)


@rule("jobs.manage")
def _manage_jobs(user: User, _obj: Any) -> bool:
    return is_staff(user)


@rule("organisation.read")
def _read_organisation(user: User, organisation: Any) -> bool:
    """Staff read every organisation; others only those they belong to."""
    if is_staff(user):
        return True
    return organisation is not None and organisation.id in member_organisation_ids(user)


def member_organisation_ids(user: User) -> set[int]:
    """Ids of the user's organisations; callers must have loaded memberships."""
    return {m.organisation_id for m in user.memberships}
