"""Signing an organisation up to the directory, without an account, and the managers' list of sign-ups to
approve or decline."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData
from sqlalchemy.orm import Session

from cohorts.territory import service, signup
from cohorts.territory.enums import ActorKind
from cohorts.territory.labels import KIND_LABELS
from totem import clock
from totem.errors import DomainError, TooManyAttempts
from totem.i18n import N_
from totem.identity.models import User
from totem.web.context import Viewer, check_csrf, get_db, get_viewer
from totem.web.forms import act, page, posted, requiring, text
from totem.web.pages import redirect, translated_labels

router = APIRouter(dependencies=[Depends(check_csrf)])
FIELDS = ("name", "kind", "city", "website", "about", "looking_for", "applicant_name", "applicant_email")
HONEYPOT = "homepage"  # a field hidden from people, that form-filling robots fill
territory_staff = requiring("territory.manage")


@router.get("/directory/join", name="cohorts.directory_join")
def join_form(request: Request, viewer: Viewer = Depends(get_viewer), db: Session = Depends(get_db)) -> Response:
    return _form(request, db, viewer, {"kind": ActorKind.SME}, None)


@router.post("/directory/join", name="cohorts.directory_join_submit")
def join(request: Request, form: FormData = Depends(posted), viewer: Viewer = Depends(get_viewer),
         db: Session = Depends(get_db)) -> Response:
    """Anyone: a few sign-ups per connection and ten minutes (429 beyond); robots filling the hidden field are
    thanked like people and nothing is kept."""
    values = text(form, *FIELDS) | {"sectors": form.getlist("sectors"), "offers": form.getlist("offers"),
                                    "needs": form.getlist("needs"), "consent": form.get("consent") == "yes"}
    if str(form.get(HONEYPOT, "")).strip():
        return redirect(request, "/directory/join/thanks")
    description = service.ActorDescription(
        kind=values["kind"], name=values["name"], city=values["city"], website=values["website"],
        about=values["about"], looking_for=values["looking_for"], sectors=_strings(values["sectors"]),
        offers=_strings(values["offers"]), needs=_strings(values["needs"]), listed=True)
    applicant = signup.Applicant(values["applicant_name"], values["applicant_email"], viewer.locale,
                                 values["consent"])
    client = request.client.host if request.client else "unknown"
    try:
        signup.sign_up(db, description=description, applicant=applicant, client=client, now=clock.now())
    except DomainError as error:
        db.rollback()
        response = _form(request, db, viewer, values, error)
        if isinstance(error, TooManyAttempts):
            response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    db.commit()
    return redirect(request, "/directory/join/thanks")


@router.get("/directory/join/thanks", name="cohorts.directory_join_thanks")
def thanks(request: Request, viewer: Viewer = Depends(get_viewer)) -> Response:
    return page(request, "cohorts/territory/join_thanks.html", {}, None)


def _strings(values: list) -> list[str]:  # type: ignore[type-arg]
    return [value for value in values if isinstance(value, str)]


def _form(request: Request, db: Session, viewer: Viewer, values: dict, error: DomainError | None) -> Response:
    kinds = translated_labels(request, KIND_LABELS)
    return page(request, "cohorts/territory/join.html", {
        "values": values, "kinds": sorted(kinds.items(), key=lambda option: option[1]),
        "sectors": service.choices(service.sectors(db), viewer.locale),
        "tags": service.choices(service.tags(db), viewer.locale), "honeypot": HONEYPOT,
    }, error)


# -- the managers' decisions ------------------------------------------------------------------------


@router.get("/admin/territory/sign-ups", name="cohorts.directory_sign_ups")
def sign_ups(request: Request, actor: User = Depends(territory_staff), db: Session = Depends(get_db)) -> Response:
    return page(request, "cohorts/territory/sign_ups.html",
                {"sign_ups": signup.pending(db, actor=actor), "kind_labels": KIND_LABELS}, None)


@router.post("/admin/territory/sign-ups/{actor_id}/{decision}", name="cohorts.directory_decide")
def decide(request: Request, actor_id: int, decision: str, actor: User = Depends(territory_staff),
           db: Session = Depends(get_db)) -> Response:
    back = "/admin/territory/sign-ups"
    if decision not in ("approve", "decline"):
        return Response(status_code=404)

    def done(decided):  # type: ignore[no-untyped-def]
        message = N_("{name} is in the directory.") if decision == "approve" else N_("{name} is declined.")
        return back, message, {"name": decided.display_name}

    return act(request, db, lambda: signup.decide(db, actor=actor, actor_id=actor_id,
                                                  approve=decision == "approve", now=clock.now()), done, back)
