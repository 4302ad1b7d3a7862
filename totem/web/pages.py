"""Rendering pages, flash messages and Post/Redirect/Get."""
import base64
import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from totem.auth.secrets import sign, signature_matches
from totem.errors import DomainError
from totem.i18n import LANGUAGE_NAMES, translate
from totem.templating import environment
from totem.web import nav
from totem.web.context import ANON_COOKIE, Viewer

FLASH_COOKIE = "totem_flash"


def _viewer(request: Request) -> Viewer:
    return request.state.viewer


def translated_labels(request: Request, labels: dict[Any, str]) -> dict[Any, str]:
    """The labels in the viewer's language, translated once for a page that shows them many times."""
    locale = _viewer(request).locale
    return {key: translate(locale, label) for key, label in labels.items()}


def _read_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return []
    payload, signature = raw.rsplit(".", 1)
    if not signature_matches(request.app.state.settings.secret_key, "flash", payload, signature):
        return []
    try:
        return json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return []


def _cookie_flags(request: Request) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": request.app.state.settings.is_https, "path": "/"}


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """Render a page with the layout's context: viewer, navigation, flashes, CSRF token."""
    viewer = _viewer(request)
    flashes = _read_flashes(request)
    values = {
        "request": request,
        "viewer": viewer,
        "user": viewer.user,
        "locale": viewer.locale,
        "csrf_token": viewer.csrf_token,
        "nav_menu": nav.menu_for(viewer.user, lambda route: str(request.app.url_path_for(route)), request.url.path),
        "flashes": flashes,
        "languages": LANGUAGE_NAMES,
        "url_for": lambda name, **params: str(request.app.url_path_for(name, **params)),
        "errors": {},
        "values": {},
        **(context or {}),
    }
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    if flashes:
        response.delete_cookie(FLASH_COOKIE, path="/")
    if viewer.new_anon_seed:
        response.set_cookie(ANON_COOKIE, viewer.new_anon_seed, **_cookie_flags(request))
    for name, value in viewer.cookies_to_set.items():
        response.set_cookie(name, value, max_age=365 * 24 * 3600, **_cookie_flags(request))
    return response


def redirect(request: Request, url: str, message: str | None = None, kind: str = "success", **params: Any) -> RedirectResponse:
    """303 to `url`, with a flash message (an English msgid) shown on the next page."""
    response = RedirectResponse(url, status_code=303)
    if message:
        add_flash(request, response, translate(_viewer(request).locale, message, **params), kind)
    return response


def add_flash(request: Request, response: Response, text: str, kind: str = "success") -> None:
    flashes = _read_flashes(request) + [{"kind": kind, "text": text}]
    payload = base64.urlsafe_b64encode(json.dumps(flashes).encode()).decode()
    signature = sign(request.app.state.settings.secret_key, "flash", payload)
    response.set_cookie(FLASH_COOKIE, f"{payload}.{signature}", **_cookie_flags(request))


def form_error(request: Request, template: str, error: DomainError, context: dict[str, Any]) -> HTMLResponse:
    """Show the form again with the user's input and the error beside its field (422/409)."""
    message = translate(_viewer(request).locale, error.message, **error.params)
    errors = {error.field or "__all__": message}
    return render(request, template, {**context, "errors": errors}, status_code=error.status_code)
