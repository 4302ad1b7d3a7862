"""Pages: log in and out, invitations, password reset, profile and API tokens, language."""
from collections.abc import Callable
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from totem import clock
from totem.auth import service as auth
from totem.errors import DomainError, Invalid, TooManyAttempts, Unauthenticated
from totem.i18n import translate
from totem.identity import service as identity
from totem.identity.models import User
from totem.personal_data import export as export_personal_data
from totem.settings import Settings
from totem.web.context import (
    LANG_COOKIE,
    Viewer,
    check_csrf,
    get_db,
    get_settings_dep,
    get_viewer,
    require_user,
    session_cookie_name,
)
from totem.web.pages import add_flash, form_error, redirect, render

router = APIRouter(dependencies=[Depends(check_csrf)])


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect off-site after login."""
    if not target or not target.startswith("/") or target.startswith("//") or urlparse(target).netloc:
        return "/"
    return target


def _login_response(request: Request, db: Session, user: User, settings: Settings, target: str) -> Response:
    raw = auth.start_session(db, user=user, settings=settings, now=clock.now(), user_agent=request.headers.get("user-agent"))
    db.commit()
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        session_cookie_name(settings), raw, httponly=True, samesite="lax", secure=settings.is_https, path="/",
    )
    return response


@router.get("/login", name="totem.login")
def login_form(request: Request, next: str = "/", viewer: Viewer = Depends(get_viewer)) -> Response:
    if viewer.user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "totem/login.html", {"next": _safe_next(next)})


@router.post("/login", name="totem.login_submit")
def login(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    viewer: Viewer = Depends(get_viewer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    context = {"next": _safe_next(next), "values": {"email": email}}
    try:
        user = auth.authenticate(db, email=email, password=password, settings=settings, now=clock.now())
    except Unauthenticated as error:
        db.commit()  # the failure counts toward throttling
        return form_error(request, "totem/login.html", error, context)
    except TooManyAttempts as error:
        response = form_error(request, "totem/login.html", error, context)
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    except DomainError as error:
        return form_error(request, "totem/login.html", error, context)
    return _login_response(request, db, user, settings, context["next"])


@router.post("/logout", name="totem.logout")
def logout(request: Request, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db),
           settings: Settings = Depends(get_settings_dep)) -> Response:
    if viewer.auth_session is not None:
        auth.end_session(db, session=viewer.auth_session, now=clock.now())
        db.commit()
    response = redirect(request, "/login", "You are logged out.")
    response.delete_cookie(session_cookie_name(settings), path="/")
    return response


@router.post("/language", name="totem.language")
def switch_language(request: Request, locale: str = Form(...), next: str = Form("/"),
                    viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    if locale not in ("fr", "en"):
        raise Invalid("Unknown language.", field="locale")
    if viewer.user is not None:
        identity.set_locale(db, user=viewer.user, locale=locale, now=clock.now())
        db.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


# --- invitations and password reset -------------------------------------------


def _link_page(request: Request, db: Session, token: str, purpose: str, template: str) -> Response:
    try:
        checked = auth.check_link(db, raw_token=token, purpose=purpose, now=clock.now())
    except DomainError as error:
        return form_error(request, template, error, {"token": token, "invalid_link": True})
    return render(request, template, {"token": token, "invitee": checked.user, "invalid_link": False})


@router.get("/invitations/{token}", name="totem.invitation")
def invitation_form(request: Request, token: str, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    return _link_page(request, db, token, auth.INVITATION, "totem/invitation.html")


@router.post("/invitations/{token}", name="totem.invitation_submit")
def accept_invitation(request: Request, token: str, password: str = Form(""), password_again: str = Form(""),
                      viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db),
                      settings: Settings = Depends(get_settings_dep)) -> Response:
    user_or_form = _set_password_by_link(request, token, password, password_again, auth.accept_invitation,
                                         auth.INVITATION, "totem/invitation.html", db)
    if isinstance(user_or_form, Response):
        return user_or_form
    response = _login_response(request, db, user_or_form, settings, "/")
    add_flash(request, response, _welcome(viewer, user_or_form))
    return response


def _set_password_by_link(request: Request, token: str, password: str, password_again: str,
                          set_password: Callable[..., User], purpose: str, template: str,
                          db: Session) -> User | Response:
    """The user whose link set their password, or the form again with the error."""
    try:
        invitee = auth.check_link(db, raw_token=token, purpose=purpose, now=clock.now()).user
    except DomainError as error:
        return form_error(request, template, error, {"token": token, "invalid_link": True})
    try:
        if password != password_again:
            raise Invalid("The two passwords differ.", field="password_again")
        return set_password(db, raw_token=token, password=password, now=clock.now())
    except DomainError as error:
        return form_error(request, template, error, {"token": token, "invitee": invitee, "invalid_link": False})


def _welcome(viewer: Viewer, user: User) -> str:
    return translate(user.locale, "Welcome to Totem, {name}!", name=user.name)


@router.get("/password-reset", name="totem.password_reset")
def password_reset_request_form(request: Request, viewer: Viewer = Depends(get_viewer)) -> Response:
    return render(request, "totem/password_reset_request.html")


@router.post("/password-reset", name="totem.password_reset_submit")
def request_password_reset(request: Request, email: str = Form(""), viewer: Viewer = Depends(get_viewer),
                           db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)) -> Response:
    auth.request_password_reset(db, email=email, settings=settings, now=clock.now())
    db.commit()
    # The same answer whether or not the account exists: no user enumeration.
    return redirect(request, "/login", "If an account exists for this address, we have sent it a link.", kind="info")


@router.get("/password-reset/{token}", name="totem.password_reset_link")
def password_reset_form(request: Request, token: str, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    return _link_page(request, db, token, auth.PASSWORD_RESET, "totem/password_reset.html")


@router.post("/password-reset/{token}", name="totem.password_reset_link_submit")
def reset_password(request: Request, token: str, password: str = Form(""), password_again: str = Form(""),
                   viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db),
                   settings: Settings = Depends(get_settings_dep)) -> Response:
    user_or_form = _set_password_by_link(request, token, password, password_again, auth.reset_password,
                                         auth.PASSWORD_RESET, "totem/password_reset.html", db)
    if isinstance(user_or_form, Response):
        return user_or_form
    return _login_response(request, db, user_or_form, settings, "/")


# --- profile -----------------------------------------------------------------------


def _profile_context(db: Session, user: User) -> dict:
    return {
        "tokens": auth.list_api_tokens(db, user=user),
        "memberships": identity.load_memberships(db, user).memberships,
        "new_token": None,
    }


@router.get("/profile", name="totem.profile")
def profile(request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    return render(request, "totem/profile.html", _profile_context(db, user))


@router.get("/profile/data.json", name="totem.personal_data")
def personal_data(user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    """Everything Totem holds about the signed-in person, as a JSON file to keep."""
    now = clock.now()
    return JSONResponse(export_personal_data(db, user, now), headers={
        "Content-Disposition": f'attachment; filename="totem-personal-data-{now:%Y-%m-%d}.json"'})


@router.post("/profile/password", name="totem.change_password")
def change_password(request: Request, current_password: str = Form(""), password: str = Form(""),
                    password_again: str = Form(""), user: User = Depends(require_user),
                    db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)) -> Response:
    try:
        if password != password_again:
            raise Invalid("The two passwords differ.", field="password_again")
        auth.change_password(db, user=user, current=current_password, new=password, now=clock.now())
    except DomainError as error:
        db.rollback()
        return form_error(request, "totem/profile.html", error, _profile_context(db, user))
    response = _login_response(request, db, user, settings, "/profile")
    add_flash(request, response, _translate_for(user, "Your password has been changed; your other sessions are closed."))
    return response


def _translate_for(user: User, message: str) -> str:
    return translate(user.locale, message)


@router.post("/profile/tokens", name="totem.create_token")
def create_token(request: Request, name: str = Form(""), user: User = Depends(require_user),
                 db: Session = Depends(get_db)) -> Response:
    token, raw = auth.issue_api_token(db, user=user, name=name, now=clock.now())
    db.commit()
    # Shown once, never stored in clear: this page is the only place to copy it.
    return render(request, "totem/profile.html", {**_profile_context(db, user), "new_token": raw})


@router.post("/profile/tokens/{token_id}/revoke", name="totem.revoke_token")
def revoke_token(request: Request, token_id: int, user: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    auth.revoke_api_token(db, user=user, token_id=token_id, now=clock.now())
    db.commit()
    return redirect(request, "/profile", "The token has been revoked.")
