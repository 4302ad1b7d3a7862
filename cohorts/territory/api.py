"""The territory in the JSON API: the public directory, and the managers' actors."""
from dataclasses import replace
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from cohorts.territory import service, signup
from cohorts.territory.enums import ActorKind, TagSide
from cohorts.territory.models import Actor
from cohorts.territory.schemas import (
    ActorIn,
    ActorOut,
    DirectoryOut,
    PublishedActorOut,
    Shown,
    SignUpIn,
    SignUpOut,
    VocabularyOut,
)
from totem import clock
from totem.api.answers import committed
from totem.api.deps import OPTIONAL_TOKEN, api_user, api_viewer
from totem.identity.models import User
from totem.web.errors import api_locale
from totem.web.context import get_db

router = APIRouter(tags=["territory"])
NOT_FOUND = {404: {"description": "No such organisation in the directory"}}
MANAGED = {403: {"description": "Managers only"}, 404: {"description": "No such actor"},
           409: {"description": "An actor of that name is in the directory already (`conflict`)"},
           422: {"description": "A word not in the vocabulary, or a field refused"}}
FILTER = Query("", max_length=100)


@router.get("/directory", response_model=DirectoryOut, openapi_extra=OPTIONAL_TOKEN)
def search_directory(q: str = Query("", max_length=200), kind: ActorKind | None = None, sector: str = FILTER,
                     city: str = FILTER, offers: str = FILTER, needs: str = FILTER,
                     limit: int = Query(service.PAGE_SIZE, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                     _viewer: User | None = Depends(api_viewer), db: Session = Depends(get_db)):
    """The listed actors whose published words hold every word of `q` (accents and case aside), by name."""
    filters = service.DirectoryFilters(query=q, kind=kind or "", sector=sector, city=city, offers=offers,
                                       needs=needs)
    actors, total = service.search_directory(db, filters, limit=limit, offset=offset)
    return DirectoryOut(total=total, actors=[PublishedActorOut.model_validate(actor) for actor in actors])


@router.get("/directory/{slug}", response_model=PublishedActorOut, responses=NOT_FOUND, openapi_extra=OPTIONAL_TOKEN)
def get_directory_entry(slug: str, _viewer: User | None = Depends(api_viewer), db: Session = Depends(get_db)):
    return service.get_listed_actor(db, slug)


@router.get("/territory/vocabulary", response_model=VocabularyOut, openapi_extra=OPTIONAL_TOKEN)
def vocabulary(_viewer: User | None = Depends(api_viewer), db: Session = Depends(get_db)):
    """The sectors and the words of offers and needs, by code: what ActorIn and the directory's filters take."""
    return VocabularyOut(sectors=service.sectors(db), tags=service.tags(db))


@router.post("/directory/sign-ups", status_code=202, response_model=SignUpOut, openapi_extra=OPTIONAL_TOKEN,
             responses={409: {"description": "An organisation of that name is in the directory already"},
                        422: {"description": "Consent missing (`listing_consent_required`) or a field refused"},
                        429: {"description": "Too many sign-ups from this connection (`too_many_attempts`)"}})
def sign_up(body: SignUpIn, request: Request, _viewer: User | None = Depends(api_viewer),
            db: Session = Depends(get_db)):
    """Sign an organisation up: it enters the directory once a manager approves it; the applicant is told."""
    applicant = signup.Applicant(body.applicant_name, str(body.applicant_email), api_locale(request), body.consent)
    description = replace(_description(body.organisation), listed=True)
    client = request.client.host if request.client else "unknown"
    created = signup.sign_up(db, description=description, applicant=applicant, client=client, now=clock.now())
    db.commit()
    return created


@router.post("/actors/{actor_id}/{decision}", response_model=ActorOut,
             responses={**MANAGED, 409: {"description": "Approved or declined already (`sign_up_decided`)"}})
def decide_sign_up(actor_id: int, decision: Literal["approve", "decline"], user: User = Depends(api_user),
                   db: Session = Depends(get_db)):
    """Approve a sign-up (the organisation enters the directory) or decline it; its applicant is told."""
    decided = signup.decide(db, actor=user, actor_id=actor_id, approve=decision == "approve", now=clock.now())
    return committed(db, decided, lambda a: _out(service.get_actor(db, a.id)))


@router.post("/actors", status_code=201, response_model=ActorOut, responses=MANAGED)
def create_actor(body: ActorIn, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """Add an organisation of the territory (approved, since a manager adds it)."""
    actor = service.create_actor(db, actor=user, description=_description(body), now=clock.now())
    return committed(db, actor, lambda a: _out(service.get_actor(db, a.id)))


@router.get("/actors/{actor_id}", response_model=ActorOut, responses=MANAGED)
def get_actor(actor_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    return _out(service.get_managed_actor(db, actor=user, actor_id=actor_id))


@router.put("/actors/{actor_id}", response_model=ActorOut, responses=MANAGED)
def update_actor(body: ActorIn, actor_id: int, user: User = Depends(api_user),
                 db: Session = Depends(get_db)):
    """Describe the actor again, as a whole; listing it records the consent, with who gave it."""
    target = service.get_managed_actor(db, actor=user, actor_id=actor_id)
    service.update_actor(db, actor=user, target=target, description=_description(body), now=clock.now())
    return committed(db, target, lambda a: _out(service.get_actor(db, a.id)))


def _description(body: ActorIn) -> service.ActorDescription:
    return service.ActorDescription(
        kind=body.kind, name=body.name, city=body.city, size=body.size or "", about=body.about,
        looking_for=body.looking_for, website=body.website, languages=body.languages, sectors=body.sectors,
        offers=body.offers, needs=body.needs, listed=body.listed, shown=body.shown.model_dump())


def _out(actor: Actor) -> ActorOut:
    shown = Shown(**{part: getattr(actor, f"show_{part}") for part in service.SHOWN_PARTS})
    return ActorOut(
        id=actor.id, slug=actor.slug, name=actor.display_name, kind=actor.kind, status=actor.status,
        sectors=actor.sectors, languages=actor.languages, city=actor.city, size=actor.size, about=actor.about,
        looking_for=actor.looking_for, website=actor.website, offers=actor.tags(TagSide.OFFERS),
        needs=actor.tags(TagSide.NEEDS), listed=actor.listed, shown=shown,
        listing_consent_at=actor.listing_consent_at, updated_at=actor.updated_at)
