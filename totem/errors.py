"""Domain errors, raised by services and turned into pages or JSON by the web layer.

Messages are English msgids, translated at the edge; `params` fill their
`{placeholders}` after translation.
"""
from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class Invalid(DomainError):
    """Input that breaks a rule: the form is shown again with the message."""

    status_code = 422


class Unauthenticated(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The request clashes with the current state (overlap, quota, phase)."""

    status_code = 409


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self, message: str, *, retry_after_seconds: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after_seconds = retry_after_seconds
