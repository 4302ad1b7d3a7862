"""Error pages for the browser and JSON errors for the API."""
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import inspect
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from totem.errors import (
    BAD_REQUEST, CONFLICT, FORBIDDEN, INTERNAL_ERROR, MALFORMED_BODY, METHOD_NOT_ALLOWED, NOT_FOUND,
    REQUEST_TOO_LARGE, TOO_MANY_ATTEMPTS, UNAUTHENTICATED, VALIDATION_ERROR, VALUE_OUT_OF_RANGE, DomainError,
    TooManyAttempts, Unauthenticated,
)
from totem.i18n import N_, negotiate, translate
from totem.web.context import resolve_viewer
from totem.web.pages import render
from totem.web.validation import describe

log = logging.getLogger("totem.web")

HTTP_MESSAGES = {
    400: N_("The request is not valid."),
    401: N_("Log in to continue."),
    403: N_("You are not allowed to see this page."),
    404: N_("This page does not exist."),
    405: N_("This action is not possible here."),
    409: N_("This conflicts with the current state."),
    413: N_("The request is too large."),
    422: N_("The request is not valid."),
    429: N_("Too many attempts. Try again in a few minutes."),
    500: N_("Something went wrong on our side. The team has been told."),
}


def _error_page(request: Request, status: int, message: str | None = None, *, reload_viewer: bool = False,
                **params: object) -> Response:
    viewer = getattr(request.state, "viewer", None)
    # A handler that rolled back before failing leaves the viewer's user expired, its session closed; one that
    # failed in the database may leave it in a transaction that must be rolled back: load it again, apart.
    if viewer is None or reload_viewer or (viewer.user is not None and inspect(viewer.user).expired):
        with request.app.state.session_factory() as db:
            request.state.viewer = resolve_viewer(request, db, request.app.state.settings)
    locale = request.state.viewer.locale
    text = translate(locale, message or HTTP_MESSAGES.get(status, HTTP_MESSAGES[400]), **params)
    return render(request, "totem/error.html", {"status": status, "message": text}, status_code=status)


def api_locale(request: Request) -> str:
    """An API answer's language: the request's Accept-Language, else the person's saved one, else the venue's."""
    settings = request.app.state.settings
    return (negotiate(request.headers.get("accept-language"), None) or getattr(request.state, "api_locale", None)
            or settings.default_locale)


def _json_error(request: Request, status: int, message: str, code: str, *, field: str | None = None,
                headers: dict | None = None, **params: object) -> JSONResponse:
    body: dict[str, object] = {"detail": translate(api_locale(request), message, **params), "code": code}
    if field is not None:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=headers)


def install_page_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, Unauthenticated):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _error_page(request, exc.status_code, exc.message, **exc.params)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # An API path that the /api/v1 mount did not take (its pattern stops at a newline, "%0A" in an id): JSON.
        if request.url.path.startswith("/api/"):
            return _api_http_error(request, exc)
        return _error_page(request, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error_page(request, 422)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: Exception) -> Response:
        # A value the database cannot hold, typed into a form or a query string: the sender's, refused as the API does.
        if isinstance(exc, DataError) and not _unstorable(exc):
            log.exception("database refused a value on %s %s", request.method, request.url.path)
            return _error_page(request, 500, reload_viewer=True)
        return _error_page(request, 422, UNSTORABLE, reload_viewer=True)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_page(request, 500)


def install_api_handlers(api: FastAPI) -> None:
    @api.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        headers = None
        if isinstance(exc, Unauthenticated):
            headers = {"WWW-Authenticate": "Bearer"}
        elif isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after_seconds)}
        return _json_error(request, exc.status_code, exc.message, exc.code, field=exc.field, headers=headers,
                           **exc.params)

    @api.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        body = {"detail": describe(exc.errors(), api_locale(request)), "code": VALIDATION_ERROR}
        field = _first_field(exc.errors())
        return JSONResponse(body | {"field": field} if field else body, status_code=422)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _api_http_error(request, exc)

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: Exception) -> Response:
        # A value the database cannot hold, or a date pushed past year 9999 by a huge number of days: the client's.
        if isinstance(exc, DataError) and not _unstorable(exc):
            raise exc
        return _json_error(request, 422, UNSTORABLE, VALUE_OUT_OF_RANGE)

    @api.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled API error on %s %s", request.method, request.url.path)
        return _json_error(request, 500, HTTP_MESSAGES[500], INTERNAL_ERROR)


def _first_field(errors: Sequence[Any]) -> str | None:
    """The parameter or body field of the first error, as the client named it ("from", "days.0"); None for a body."""
    location = errors[0].get("loc", ()) if errors else ()
    return ".".join(str(part) for part in location[1:]) or None


def _api_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    # Starlette's own details ("Not Found") are English phrases, not msgids: the API says its own, translated.
    message = API_HTTP_MESSAGES.get(exc.status_code) or HTTP_MESSAGES.get(exc.status_code, HTTP_MESSAGES[400])
    return _json_error(request, exc.status_code, message, HTTP_CODES.get(exc.status_code, BAD_REQUEST),
                       headers=getattr(exc, "headers", None))


API_HTTP_MESSAGES = {
    400: N_("The body cannot be read: send UTF-8 JSON."),
    404: N_("Nothing is at this address."),
    405: N_("This method is not allowed on this path."),
}
UNSTORABLE = N_("A value is out of range: a number too large, or a text too long or holding a NUL character.")
OUT_OF_RANGE_STATES = {"22003", "22001"}  # PostgreSQL: numeric value out of range, string data right truncation
HTTP_CODES = {400: MALFORMED_BODY, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 405: METHOD_NOT_ALLOWED,
              409: CONFLICT, 413: REQUEST_TOO_LARGE, 422: VALIDATION_ERROR, 429: TOO_MANY_ATTEMPTS}


def _unstorable(exc: DataError) -> bool:
    # SQLite raises OverflowError for an integer beyond 64 bits; PostgreSQL refuses one beyond a column's integer
    # and a text longer than its column, and psycopg a text with a NUL character before sending it (no SQLSTATE).
    return getattr(exc.orig, "sqlstate", None) in OUT_OF_RANGE_STATES or "NUL" in str(exc.orig)
