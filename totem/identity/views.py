"""Admin pages: list and search users, invite, change roles, (de)activate, erase; the audit log."""
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from totem import audit, clock, erasure
from totem.audit.filters import AUDIT_FILTERS, audit_filter
from totem.audit.labels import action_labels, object_labels
from totem.auth import service as auth
from totem.errors import DomainError, Invalid
from totem.i18n import translate
from totem.identity import service as identity
from totem.identity.enums import Role
from totem.identity.models import User
from totem.permissions import require
from totem.settings import Settings
from totem.web.context import check_csrf, get_db, get_settings_dep, require_user
from totem.web.nav import ADMINISTRATION, NavItem, register
from totem.web.pages import form_error, redirect, render, translated_labels

router = APIRouter(prefix="/admin", dependencies=[Depends(check_csrf)])
register(
    NavItem("Users", "totem.users", permission="users.manage", order=900, group=ADMINISTRATION),
    NavItem("Audit log", "totem.audit", permission="audit.read", order=910, group=ADMINISTRATION),
)
PAGE_SIZE = 50


def _admin(user: User = Depends(require_user)) -> User:
    require(user, "users.manage")
    return user


@router.get("/users", name="totem.users")
def list_users(request: Request, q: str = "", page: int = 1, actor: User = Depends(_admin),
               db: Session = Depends(get_db)) -> Response:
    page = max(page, 1)
    users, total = identity.list_users(db, search=q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "totem/users_list.html", {
        "users": users, "total": total, "q": q, "page": page,
        "has_next": page * PAGE_SIZE < total, "roles": list(Role),
        "erased_ids": {u.id for u in users if erasure.is_erased(u)},
    })


@router.get("/users/invite", name="totem.invite_user")
def invite_form(request: Request, actor: User = Depends(_admin)) -> Response:
    return render(request, "totem/user_invite.html", {"roles": list(Role), "values": {"roles": ["member"], "locale": "fr"}})


@router.post("/users/invite", name="totem.invite_user_submit")
def invite(request: Request, email: str = Form(""), name: str = Form(""), roles: list[str] = Form([]),
           startup: str = Form(""), locale: str = Form("fr"), actor: User = Depends(_admin),
           db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)) -> Response:
    values = {"email": email, "name": name, "roles": roles, "startup": startup, "locale": locale}
    now = clock.now()
    try:
        user = identity.create_user(db, actor=actor, email=email, name=name, roles=roles, now=now,
                                    locale=locale if locale in ("fr", "en") else "fr")
        if startup.strip():
            organisation = identity.get_or_create_organisation(db, actor=actor, name=startup, now=now)
            identity.add_membership(db, actor=actor, user=user, organisation=organisation, now=now)
        auth.invite_user(db, actor=actor, user=user, settings=settings, now=now)
    except DomainError as error:
        db.rollback()
        return form_error(request, "totem/user_invite.html", error, {"roles": list(Role), "values": values})
    db.commit()
    return redirect(request, "/admin/users", "Invitation sent to {email}.", email=user.email)


@router.post("/users/{user_id}/roles", name="totem.set_roles")
def set_roles(request: Request, user_id: int, roles: list[str] = Form([]), actor: User = Depends(_admin),
              db: Session = Depends(get_db)) -> Response:
    user = identity.get_user(db, user_id)
    try:
        identity.set_roles(db, actor=actor, user=user, roles=roles, now=clock.now())
    except DomainError as error:
        db.rollback()
        return redirect(request, "/admin/users", error.message, kind="error", **error.params)
    db.commit()
    return redirect(request, "/admin/users", "Roles of {email} updated.", email=user.email)


@router.post("/users/{user_id}/deactivate", name="totem.deactivate_user")
def deactivate(request: Request, user_id: int, actor: User = Depends(_admin), db: Session = Depends(get_db)) -> Response:
    user = identity.get_user(db, user_id)
    try:
        auth.deactivate_user(db, actor=actor, user=user, now=clock.now())
    except DomainError as error:
        db.rollback()
        return redirect(request, "/admin/users", error.message, kind="error", **error.params)
    db.commit()
    return redirect(request, "/admin/users", "{email} is deactivated.", email=user.email)


@router.post("/users/{user_id}/reactivate", name="totem.reactivate_user")
def reactivate(request: Request, user_id: int, actor: User = Depends(_admin), db: Session = Depends(get_db)) -> Response:
    user = identity.get_user(db, user_id)
    auth.reactivate_user(db, actor=actor, user=user, now=clock.now())
    db.commit()
    return redirect(request, "/admin/users", "{email} is active again.", email=user.email)


@router.get("/users/{user_id}/erase", name="totem.erase_user")
def erase_form(request: Request, user_id: int, actor: User = Depends(_admin), db: Session = Depends(get_db)) -> Response:
    """Ask the admin to confirm by typing the person's e-mail: erasure cannot be undone."""
    return render(request, "totem/user_erase.html", {"person": identity.get_user(db, user_id)})


@router.post("/users/{user_id}/erase", name="totem.erase_user_submit")
def erase(request: Request, user_id: int, confirm_email: str = Form(""), actor: User = Depends(_admin),
          db: Session = Depends(get_db)) -> Response:
    person = identity.get_user(db, user_id)
    if confirm_email.strip().lower() != person.email:
        return form_error(request, "totem/user_erase.html", Invalid(
            "Type the person's e-mail address to confirm.", field="confirm_email"),
            {"person": person, "values": {"confirm_email": confirm_email}})
    try:
        erasure.erase_person(db, actor=actor, user=person, now=clock.now())
    except DomainError as error:
        db.rollback()
        return form_error(request, "totem/user_erase.html", error,
                          {"person": identity.get_user(db, user_id), "values": {"confirm_email": confirm_email}})
    db.commit()
    return redirect(request, "/admin/users", "The person is erased; their activity stays as {name}.",
                    name=erasure.erased_name(user_id))


@router.get("/audit", name="totem.audit")
def audit_log(request: Request, actor: User = Depends(require_user), db: Session = Depends(get_db),
              settings: Settings = Depends(get_settings_dep)) -> Response:
    """The log narrowed by the filters' form (GET, so a filtered page can be bookmarked), a page at a time."""
    require(actor, "audit.read")
    values = {name: request.query_params.get(name, "").strip()[:200] for name in AUDIT_FILTERS}
    errors: dict[str, str] = {}
    where = audit_filter(values, settings.tz, errors)
    before = int(values["before"]) if values["before"].isdigit() and len(values["before"]) < 19 else None
    entries = audit.list_entries(db, limit=audit.PAGE_SIZE + 1, before_id=before, where=where)
    shown, more = entries[:audit.PAGE_SIZE], len(entries) > audit.PAGE_SIZE
    locale = request.state.viewer.locale
    older = {**{k: v for k, v in values.items() if v and k != "before"}, "before": shown[-1][0].id} if more else None
    return render(request, "totem/audit_log.html", {
        "entries": shown, "values": values, "filtered": any(v for k, v in values.items() if k != "before"), "errors": {k: translate(locale, v) for k, v in errors.items()},
        "action_labels": translated_labels(request, action_labels()),
        "object_labels": translated_labels(request, object_labels()),
        "older_query": urlencode(older) if older else None,
        "newest_query": urlencode({k: v for k, v in values.items() if v and k != "before"}) if before else None,
    }, status_code=422 if errors else 200)
