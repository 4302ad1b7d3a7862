"""Core API endpoints: tokens and the current user."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from totem import clock, erasure
from totem.api.deps import api_user
from totem.api.schemas import MeOut, StartupRef, TokenOut, TokenRequest
from totem.auth import service as auth
from totem.auth.secrets import hash_token
from totem.calendar.feed import calendar_url
from totem.errors import TooManyAttempts, Unauthenticated
from totem.identity.enums import OrganisationKind
from totem.identity.models import User
from totem.identity.service import get_user, load_memberships
from totem.permissions import require
from totem.personal_data import export as export_personal_data
from totem.settings import Settings
from totem.web.context import get_db, get_settings_dep

router = APIRouter()


@router.post("/auth/token", response_model=TokenOut, tags=["auth"],
             responses={401: {"description": "Wrong e-mail or password"}, 429: {"description": "Too many attempts"}})
def create_token(body: TokenRequest, db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)):
    try:
        user = auth.authenticate(db, email=body.email, password=body.password, settings=settings, now=clock.now())
    except (Unauthenticated, TooManyAttempts):
        db.commit()  # the failure counts toward throttling
        raise
    _, raw = auth.issue_api_token(db, user=user, name="API", now=clock.now())
    db.commit()
    return TokenOut(access_token=raw)


@router.post("/auth/revoke", status_code=204, tags=["auth"])
def revoke_current_token(request: Request, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Revoke the token used for this call."""
    raw = request.headers["authorization"].split(" ", 1)[1]
    for token in auth.list_api_tokens(db, user=user):
        if token.token_hash == hash_token(raw):
            auth.revoke_api_token(db, user=user, token_id=token.id, now=clock.now())
    db.commit()
    return JSONResponse(None, status_code=204)


@router.get("/me", response_model=MeOut, tags=["users"])
def me(user: User = Depends(api_user), db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)):
    user = load_memberships(db, user)
    startups = [
        StartupRef(id=m.organisation.id, name=m.organisation.name)
        for m in user.memberships if m.organisation.kind == OrganisationKind.STARTUP
    ]
    return MeOut(id=user.id, email=user.email, name=user.name, locale=user.locale, roles=sorted(user.role_names),
                 startups=startups, calendar_url=calendar_url(settings.base_url, user))


@router.get("/me/data", tags=["users"])
def my_personal_data(user: User = Depends(api_user), db: Session = Depends(get_db)) -> dict:
    """Everything Totem holds about you, section by section (profile, bookings, sessions...), as plain values."""
    return export_personal_data(db, user, clock.now())


@router.post("/users/{user_id}/erase", tags=["users"], responses={
    403: {"description": "Admins only"}, 404: {"description": "No such user"},
    409: {"description": "Yourself, the last admin, or already erased"}})
def erase_user(user_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)) -> dict:
    """Erase a person (admins): anonymised everywhere; their bookings and sessions stay as anonymous statistics."""
    require(user, "users.manage")  # before the lookup: others learn nothing of which ids exist
    person = get_user(db, user_id)
    erasure.erase_person(db, actor=user, user=person, now=clock.now())
    db.commit()
    return {"id": person.id, "name": person.name, "email": person.email, "is_active": person.is_active}
