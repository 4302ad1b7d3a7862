"""Who is asking: the request's user, session, language and CSRF token."""
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from totem import clock
from totem.auth import service as auth
from totem.auth.models import AuthSession
from totem.auth.secrets import sign, signature_matches
from totem.errors import VALIDATION_ERROR, Forbidden, Invalid, Unauthenticated
from totem.i18n import LOCALES, negotiate
from totem.identity import service as identity
from totem.identity.models import User
from totem.settings import Settings

ANON_COOKIE = "totem_csrf"
LANG_COOKIE = "totem_lang"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix pins the cookie to this host, https and path "/".
    return "__Host-totem_session" if settings.is_https else "totem_session"


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; the handler commits, anything left is rolled back."""
    with request.app.state.session_factory() as db:
        yield db


@dataclass
class Viewer:
    user: User | None
    auth_session: AuthSession | None
    locale: str
    csrf_token: str
    # A cookie to set on the response (new anonymous CSRF seed), if any.
    new_anon_seed: str | None = None
    cookies_to_set: dict[str, str] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None


def _csrf_seed(request: Request, settings: Settings) -> tuple[str, str, str | None]:
    """(purpose, seed, new anonymous seed) from which the CSRF token is derived."""
    raw_session = request.cookies.get(session_cookie_name(settings))
    if raw_session:
        return "csrf", raw_session, None
    anon = request.cookies.get(ANON_COOKIE)
    if anon:
        return "csrf-anon", anon, None
    fresh = secrets.token_urlsafe(24)
    return "csrf-anon", fresh, fresh


def resolve_viewer(request: Request, db: Session, settings: Settings) -> Viewer:
    user = auth_session = None
    raw_session = request.cookies.get(session_cookie_name(settings))
    if raw_session:
        auth_session = auth.resolve_session(db, raw_token=raw_session, settings=settings, now=clock.now())
        if auth_session is not None:
            user = db.get(User, auth_session.user_id)
            db.commit()  # keep the session's last_seen_at
    purpose, seed, fresh = _csrf_seed(request, settings)
    viewer = Viewer(user=user, auth_session=auth_session, locale=_locale(request, user, settings),
                    csrf_token=sign(settings.secret_key, purpose, seed), new_anon_seed=fresh)
    chosen = request.query_params.get("lang")
    if chosen in LOCALES and request.method in SAFE_METHODS:
        # `?lang=en` wins, and is remembered like the language switch: on the person, else in a cookie.
        viewer.locale = chosen
        viewer.cookies_to_set[LANG_COOKIE] = chosen
        if user is not None and user.locale != chosen:
            identity.set_locale(db, user=user, locale=chosen, now=clock.now())
            db.commit()
    return viewer


def _locale(request: Request, user: User | None, settings: Settings) -> str:
    """The person's saved language, else the one they chose here before, else their browser's, else the venue's."""
    if user is not None and user.locale in LOCALES:
        return user.locale
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in LOCALES:
        return remembered
    return negotiate(request.headers.get("accept-language"), None) or settings.default_locale


async def check_csrf(request: Request) -> None:
    """Every unsafe page request must carry the token of its cookie: else 403."""
    if request.method in SAFE_METHODS:
        return
    settings: Settings = request.app.state.settings
    form = await request.form()
    token = str(form.get("csrf_token") or request.headers.get("x-csrf-token") or "")
    purpose, seed, fresh = _csrf_seed(request, settings)
    if fresh is not None or not token or not signature_matches(settings.secret_key, purpose, seed, token):
        raise Forbidden("The form has expired. Reload the page and try again.")
    # No browser sends a NUL character; PostgreSQL cannot store one, and SQLite would keep it hidden in a text.
    if any("\x00" in name or (isinstance(value, str) and "\x00" in value) for name, value in form.multi_items()):
        raise Invalid("A field holds a NUL character, which no form sends. Type the text again.", code=VALIDATION_ERROR)


def get_viewer(
    request: Request, db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)
) -> Viewer:
    viewer = resolve_viewer(request, db, settings)
    request.state.viewer = viewer
    return viewer


def require_user(viewer: Viewer = Depends(get_viewer)) -> User:
    if viewer.user is None:
        raise Unauthenticated("Log in to continue.")
    return viewer.user
