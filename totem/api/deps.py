"""Bearer-token authentication for the JSON API."""
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from totem import clock
from totem.auth import service as auth
from totem.errors import VALIDATION_ERROR, Invalid, Unauthenticated
from totem.identity.models import User
from totem.web.context import get_db

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")


def api_user(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    db: Session = Depends(get_db),
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("Missing bearer token.")
    user = auth.resolve_api_token(db, raw_token=credentials.credentials, now=clock.now())
    if user is None:
        raise Unauthenticated("Invalid or revoked token.", code=auth.TOKEN_INVALID)
    if db.dirty:
        db.commit()  # keep last_used_at (set at most once a minute)
    # The error handlers answer in the user's language; kept apart, as a rollback expires the user.
    request.state.api_locale = user.locale
    return user


# For the routes api_viewer guards: FastAPI declares the bearer scheme from the dependency; the empty requirement
# beside it is how OpenAPI says "or no token at all", so that a client (and a fuzzer) knows anonymous calls are fine.
OPTIONAL_TOKEN = {"security": [{}]}


def api_viewer(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    db: Session = Depends(get_db),
) -> User | None:
    """For the routes open to anyone (a public agenda): the token's user when one is given, else nobody.
    A token given but invalid is still refused, so that a client does not silently read as anonymous."""
    if credentials is None:
        return None
    return api_user(request, credentials, db)


async def refuse_nul_characters(request: Request) -> None:
    """No JSON text or query value may hold a NUL character: PostgreSQL cannot store one, SQLite would hide it."""
    body = await request.body()  # read once: the operation's own parsing gets it from the request's cache
    if b"\\u0000" in body or "%00" in request.url.query or "\x00" in request.url.query:
        raise Invalid("A field holds a NUL character, which no form sends. Type the text again.", code=VALIDATION_ERROR)
