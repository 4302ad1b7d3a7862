"""Domain errors, raised by services and turned into pages or JSON by the web layer.

Messages are English msgids, translated at the edge; `params` fill their
`{placeholders}` after translation. Every error also carries a stable,
language-independent `code` that API clients branch on: each class has a
general one, and a service names a precise one where a client may act on it
(`code=BOOKING_OVERLAP`). Codes are declared once with `error_code`, so that
the OpenAPI schema and the README can list them all and a misspelt code fails
at once rather than reaching a client.
"""
from typing import Any

_CODES: dict[str, str] = {}


def error_code(code: str, meaning: str) -> str:
    """Declare a refusal's code (snake_case, never renamed once released) and what it means; returns the code."""
    if not code.replace("_", "").isalnum() or code != code.lower():
        raise ValueError(f"error code {code!r} is not snake_case")
    if _CODES.get(code, meaning) != meaning:
        raise ValueError(f"error code {code!r} is declared twice with different meanings")
    _CODES[code] = meaning
    return code


def declared_codes() -> dict[str, str]:
    """Every code declared so far, with its meaning, in alphabetical order."""
    return dict(sorted(_CODES.items()))


BAD_REQUEST = error_code("bad_request", "The request cannot be carried out as it is.")
INVALID = error_code("invalid", "A value breaks a rule; `field` names it when it is one field.")
VALIDATION_ERROR = error_code("validation_error", "The request's fields are missing, of the wrong type or out of range.")
VALUE_OUT_OF_RANGE = error_code(
    "value_out_of_range", "A number too large, or a text too long or holding a NUL character, for what stores it.")
MALFORMED_BODY = error_code("malformed_body", "The body cannot be read: not UTF-8 JSON.")
UNAUTHENTICATED = error_code("unauthenticated", "Missing, invalid, expired or revoked credentials.")
FORBIDDEN = error_code("forbidden", "The person asking may not do this to this object.")
NOT_FOUND = error_code("not_found", "No such object, or not one the person asking may see.")
METHOD_NOT_ALLOWED = error_code("method_not_allowed", "The path does not take this method.")
CONFLICT = error_code("conflict", "The request clashes with the object's current state.")
REQUEST_TOO_LARGE = error_code("request_too_large", "The body is over the size limit.")
TOO_MANY_ATTEMPTS = error_code("too_many_attempts", "Too many attempts in a short time; see Retry-After.")
INTERNAL_ERROR = error_code("internal_error", "Something failed on the server's side.")


class DomainError(Exception):
    status_code = 400
    code = BAD_REQUEST

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        if code is not None:
            if code not in _CODES:
                raise ValueError(f"error code {code!r} is not declared with error_code()")
            self.code = code
        self.message = message
        self.field = field
        self.params = params


class Invalid(DomainError):
    """Input that breaks a rule: the form is shown again with the message."""

    status_code = 422
    code = INVALID


class Unauthenticated(DomainError):
    status_code = 401
    code = UNAUTHENTICATED


class Forbidden(DomainError):
    status_code = 403
    code = FORBIDDEN


class NotFound(DomainError):
    status_code = 404
    code = NOT_FOUND


class Conflict(DomainError):
    """The request clashes with the current state (overlap, quota, phase)."""

    status_code = 409
    code = CONFLICT


class TooManyAttempts(DomainError):
    status_code = 429
    code = TOO_MANY_ATTEMPTS

    def __init__(self, message: str, *, retry_after_seconds: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after_seconds = retry_after_seconds
