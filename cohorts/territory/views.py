"""The public directory of the territory's actors: a searchable list that works without an account or
JavaScript, a page per actor showing only what it chose to publish, and the Métropole's figures."""
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cohorts.territory import exports, figures, service, signup_views
from cohorts.territory.labels import KIND_LABELS, SIZE_LABELS
from totem.i18n import translate
from totem.identity.models import User
from totem.web import charts
from totem.web.context import Viewer, check_csrf, get_db, get_viewer, require_user
from totem.web.nav import BUILDING, NavItem, register
from totem.web.pages import render, translated_labels

router = APIRouter(dependencies=[Depends(check_csrf)])
register(
    NavItem("Directory", "cohorts.directory", order=260, group=BUILDING),
    NavItem("Territory figures", "cohorts.territory_figures", permission="territory.manage", order=261, group=BUILDING),
    NavItem("Sign-ups to the directory", "cohorts.directory_sign_ups", permission="territory.manage", order=262,
            group=BUILDING),
)
FILTER_MAX = 100  # a filter's text longer than any name or city matches nothing
# Signing up to the directory, and the managers' decisions: before `/directory/{slug}`, which would take "join".
router.include_router(signup_views.router)


@router.get("/directory", name="cohorts.directory")
def directory(request: Request, q: str = Query("", max_length=200), kind: str = Query("", max_length=FILTER_MAX),
              sector: str = Query("", max_length=FILTER_MAX), city: str = Query("", max_length=FILTER_MAX),
              offers: str = Query("", max_length=FILTER_MAX), needs: str = Query("", max_length=FILTER_MAX),
              page: int = Query(1, ge=1, le=10_000), viewer: Viewer = Depends(get_viewer),
              db: Session = Depends(get_db)) -> Response:
    filters = service.DirectoryFilters(query=q, kind=kind, sector=sector, city=city, offers=offers, needs=needs)
    actors, total = service.search_directory(db, filters, limit=service.PAGE_SIZE,
                                             offset=(page - 1) * service.PAGE_SIZE)
    kinds = translated_labels(request, KIND_LABELS)
    tags = service.choices(service.tags(db), viewer.locale)
    options = {
        "kinds": sorted(kinds.items(), key=lambda option: option[1]),
        "sectors": service.choices(service.sectors(db), viewer.locale),
        "cities": [(city, city) for city in service.listed_cities(db)], "tags": tags,
    }
    asked = {"q": q, "kind": kind, "sector": sector, "city": city, "offers": offers, "needs": needs}
    context = {
        "actors": actors, "total": total, "filters": filters, "page": page, "options": options,
        "has_next": page * service.PAGE_SIZE < total, "pages": _pages(asked, page),
        "kind_labels": KIND_LABELS,
    }
    db.commit()  # a public page: end the read before rendering (SQLite's transaction holds the write lock)
    return render(request, "cohorts/territory/directory.html", context)


def _pages(asked: dict[str, str], page: int) -> dict[str, str]:
    """The previous and next pages' addresses, with the same words and filters."""
    kept = {name: value for name, value in asked.items() if value}
    return {"previous": "/directory?" + urlencode({**kept, "page": page - 1}),
            "next": "/directory?" + urlencode({**kept, "page": page + 1})}


@router.get("/directory/{slug}", name="cohorts.directory_actor")
def actor_page(request: Request, slug: str, viewer: Viewer = Depends(get_viewer),
               db: Session = Depends(get_db)) -> Response:
    actor = service.get_listed_actor(db, slug)
    db.commit()
    return render(request, "cohorts/territory/actor.html",
                  {"actor": actor, "kind_labels": KIND_LABELS, "size_labels": SIZE_LABELS})


# -- the Métropole's figures -----------------------------------------------------------------------

CHARTS = ("kinds", "sectors", "cities")
SHOWN_CITIES = 12  # bars in the cities' chart; the table and the CSV have them all


@router.get("/admin/territory", name="cohorts.territory_figures")
def figures_page(request: Request, actor: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    counted = figures.count_actors(db, actor=actor)
    return render(request, "cohorts/territory/figures.html",
                  {"figures": counted, "rows": _rows(counted, request.state.viewer.locale)})


@router.get("/admin/territory/figures.csv", name="cohorts.territory_csv")
def figures_csv(actor: User = Depends(require_user), db: Session = Depends(get_db)) -> Response:
    body = exports.figures_csv(figures.count_actors(db, actor=actor))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="territory-figures.csv"'})


@router.get("/admin/territory/charts/{chart}.svg", name="cohorts.territory_chart")
def figures_chart(request: Request, chart: str, actor: User = Depends(require_user),
                  db: Session = Depends(get_db)) -> Response:
    if chart not in CHARTS:
        return Response(status_code=404)
    counted = figures.count_actors(db, actor=actor)
    rows = _rows(counted, request.state.viewer.locale)[chart]
    if chart == "cities":
        rows = rows[:SHOWN_CITIES]
    return charts.svg_response(charts.bars([label for label, _n in rows], [n for _label, n in rows]))


def _rows(counted: figures.TerritoryFigures, locale: str) -> dict[str, list[tuple[str, int]]]:
    """The figures' rows with their labels in the reader's language, for the tables and the charts."""
    unknown = translate(locale, "Not published")
    return {
        "kinds": [(translate(locale, KIND_LABELS[kind]), n) for kind, n in counted.by_kind],
        "sectors": [(sector.name(locale), n) for sector, n in counted.by_sector],
        "cities": [(city or unknown, n) for city, n in counted.by_city],
    }

