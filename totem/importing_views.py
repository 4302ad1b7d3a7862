"""The managers' Import page (upload, preview, confirm), Export page (a CSV per kind), and "Invite"."""
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from totem import clock, importing
from totem.uploads import service as uploads
from totem.i18n import N_, translate
from totem.identity.models import User
from totem.permissions import require
from totem.settings import Settings
from totem.web.context import check_csrf, get_db, get_settings_dep, require_user
from totem.web.nav import ADMINISTRATION, NavItem, register
from totem.web.pages import redirect, render, translated_labels

router = APIRouter(dependencies=[Depends(check_csrf)])
register(NavItem("Import / export", "totem.import", permission="data.import", order=810,
                 group=ADMINISTRATION))

def _manager(user: User = Depends(require_user)) -> User:
    require(user, "data.import")
    return user


def _page(request: Request, db: Session, context: dict | None = None, status_code: int = 200) -> Response:
    kinds = importing.kinds()
    return render(request, "totem/import.html", {
        "kinds": kinds, "labels": translated_labels(request, {kind.name: kind.label for kind in kinds}),
        "not_invited": importing.count_not_invited(db), "result": None, "values": {},
        **(context or {}),
    }, status_code=status_code)


@router.get("/import", name="totem.import")
def import_page(request: Request, user: User = Depends(_manager), db: Session = Depends(get_db)) -> Response:
    return _page(request, db)


@router.post("/import", name="totem.import_preview")
def preview(request: Request, kind: str = Form(""), file: UploadFile = File(...), space: str = Form(""),
                  booker: str = Form(""), user: User = Depends(_manager), db: Session = Depends(get_db)) -> Response:
    """A dry run of the uploaded file: what would be created, updated and refused."""
    data = file.file.read()  # its size is capped by the app's upload limit
    values = {"kind": kind, "space": space, "booker": booker}
    if kind not in {k.name for k in importing.kinds()}:
        return _page(request, db, {"values": values, "errors": {"kind": _say(request, N_("Choose what the file holds."))}}, 422)
    result = importing.run_import(db, kind=kind, data=data, dry_run=True, options=_options(user, space, booker))
    db.rollback()
    token = ""
    if not result.refused:
        # Kept in the database: the confirmation may reach another web process behind the load balancer.
        token = uploads.keep(db, user=user, content=data, now=clock.now())
        db.commit()
    return _page(request, db, {"values": values, "result": result, "token": token, "file_name": file.filename,
                               "preview_limit": importing.PREVIEW_LIMIT},
                 status_code=200 if not result.refused else 422)


@router.post("/import/confirm", name="totem.import_confirm")
def confirm(request: Request, kind: str = Form(""), token: str = Form(""), space: str = Form(""),
            booker: str = Form(""), user: User = Depends(_manager), db: Session = Depends(get_db)) -> Response:
    """Import the previewed file for real; it is checked again, as the database may have changed since."""
    data = uploads.take(db, user=user, token=token, now=clock.now())
    if data is None:
        return redirect(request, "/import", "The preview has expired: upload the file again.", kind="error")
    result = importing.run_import(db, kind=kind, data=data, dry_run=False, options=_options(user, space, booker))
    if not result.is_written:
        db.rollback()
        return _page(request, db, {"values": {"kind": kind, "space": space, "booker": booker}, "result": result,
                                   "token": "", "preview_limit": importing.PREVIEW_LIMIT}, status_code=409)
    db.commit()
    return redirect(request, "/import", "Imported: {created} created, {updated} updated, {unchanged} unchanged.",
                    created=len(result.created), updated=len(result.updated), unchanged=result.unchanged)


@router.post("/import/invite", name="totem.import_invite")
def invite(request: Request, user: User = Depends(_manager), db: Session = Depends(get_db),
           settings: Settings = Depends(get_settings_dep)) -> Response:
    """E-mail an invitation to everyone imported and not yet invited."""
    count = importing.invite_not_invited(db, actor=user, settings=settings, now=clock.now())
    db.commit()
    return redirect(request, "/import", "Invitations sent: {count}.", count=count)


@router.get("/import/{kind}-template.csv", name="totem.import_template")
def import_template(kind: str, user: User = Depends(_manager), db: Session = Depends(get_db)) -> Response:
    """The kind's header row, as a CSV file to fill in and upload."""
    return Response(importing.template_csv(db, kind), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="totem-{kind}-template.csv"'})


@router.get("/export", name="totem.export")
def export_page(request: Request, user: User = Depends(_manager), db: Session = Depends(get_db)) -> Response:
    kinds = [kind for kind in importing.kinds() if kind.exporter is not None]
    return render(request, "totem/export.html", {
        "kinds": kinds, "labels": translated_labels(request, {kind.name: kind.label for kind in kinds})})


@router.get("/export/{kind}.csv", name="totem.export_csv")
def export_csv(kind: str, user: User = Depends(_manager), db: Session = Depends(get_db)) -> Response:
    rows = importing.export_rows(db, kind)  # unknown kind: 422 before the download starts

    def lines():  # type: ignore[no-untyped-def]
        buffer = _Buffer()
        for row in rows:
            importing.write_csv([row], buffer)
            yield buffer.take()

    filename = f"totem-{kind}-{clock.now():%Y%m%d}.csv"
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class _Buffer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def _say(request: Request, message: str) -> str:
    return translate(request.state.viewer.locale, message)


def _options(user: User, space: str, booker: str) -> importing.Options:
    extra = {name: value.strip() for name, value in (("space", space), ("booker", booker)) if value.strip()}
    return importing.Options(actor=user, now=clock.now(), extra=extra)
