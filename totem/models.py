"""Every core model, imported so that the metadata knows them all."""
from totem.audit.models import AuditEntry
from totem.auth.models import ApiToken, AuthSession, LoginFailure, OneTimeLink
from totem.identity.models import Membership, Organisation, User, UserRole
from totem.jobs.models import JobRun
from totem.notifications.models import OutboxMessage
from totem.throttle.models import ThrottleHit
from totem.uploads.models import PendingUpload

__all__ = [
    "ApiToken", "AuditEntry", "AuthSession", "JobRun", "LoginFailure", "Membership",
    "OneTimeLink", "Organisation", "OutboxMessage", "PendingUpload", "ThrottleHit", "User", "UserRole",
]
