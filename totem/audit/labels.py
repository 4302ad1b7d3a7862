"""What the audit log calls each action: a label in the reader's language instead of its code.

The core's actions are here; each domain declares its own in `<domain>/audit_labels.py` (`ACTION_LABELS`),
collected through the composition root. An action without a label shows its code.
"""
from functools import lru_cache

from totem.domains import import_domain_modules
from totem.i18n import N_

CORE_ACTION_LABELS = {
    "api_token.create": N_("API token created"),
    "api_token.revoke": N_("API token revoked"),
    "data.import": N_("Data imported"),
    "membership.create": N_("Member added to a start-up"),
    "organisation.create": N_("Organisation created"),
    "user.accept_invitation": N_("Invitation accepted"),
    "user.create": N_("User created"),
    "user.deactivate": N_("User deactivated"),
    "user.erase": N_("Person erased"),
    "user.invite": N_("User invited"),
    "user.password": N_("Password changed"),
    "user.password_reset": N_("Password reset"),
    "user.reactivate": N_("User reactivated"),
    "user.roles": N_("Roles changed"),
}

# The kinds of object an entry is about (`AuditEntry.object_type`, the model's class name in lower case).
CORE_OBJECT_LABELS = {
    "apitoken": N_("API token"),
    "importresult": N_("Import"),
    "membership": N_("Membership"),
    "organisation": N_("Organisation"),
    "user": N_("User"),
}


@lru_cache
def action_labels() -> dict[str, str]:
    """Every known action's label (an English msgid), the core's and the domains'."""
    labels = dict(CORE_ACTION_LABELS)
    for module in import_domain_modules("audit_labels"):
        labels.update(module.ACTION_LABELS)
    return labels


@lru_cache
def object_labels() -> dict[str, str]:
    """Every known kind of object's label (an English msgid)."""
    labels = dict(CORE_OBJECT_LABELS)
    for module in import_domain_modules("audit_labels"):
        labels.update(module.OBJECT_LABELS)
    return labels
