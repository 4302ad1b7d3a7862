"""The application factory: the composition root that wires the domains in."""
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from totem import importing_views
from totem.api import core as core_api
from totem.api.deps import refuse_nul_characters
from totem.api.openapi import install_openapi
from totem.auth import views as auth_views
from totem.calendar import views as calendar_views
from totem.db import make_engine, make_session_factory
from totem.domains import import_domain_modules
from totem.identity import panels as _core_panels  # noqa: F401  (registers the home panels)
from totem.identity import views as identity_views
from totem.jobs import api as jobs_api
from totem.jobs import views as jobs_views
from totem.jobs.registry import collect_jobs
from totem.jobs.scheduler import build_scheduler
from totem.settings import Settings, get_settings
from totem.web import home
from totem.web.errors import install_api_handlers, install_page_handlers
from totem.web.security import BodySizeLimit, SecurityHeaders

log = logging.getLogger("totem")


def create_api() -> FastAPI:
    api = FastAPI(
        title="Totem API",
        version="1",
        description="Bookings, spaces, cohorts, mentors and reports of a Totem venue. "
        "Authenticate with a bearer token from `POST /api/v1/auth/token`.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        dependencies=[Depends(refuse_nul_characters)],
    )
    api.include_router(core_api.router)
    api.include_router(jobs_api.router)
    for module in import_domain_modules("api"):
        api.include_router(module.router)
    install_api_handlers(api)
    install_openapi(api)
    return api


def create_app(settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None) -> FastAPI:
    settings = settings or get_settings()
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scheduler = None
        if settings.scheduler_enabled:
            scheduler = build_scheduler(session_factory, collect_jobs(), settings.tz)
            scheduler.start()
        app.state.scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=True)

    app = FastAPI(title="Totem", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.scheduler = None

    for router in (home.router, auth_views.router, identity_views.router, calendar_views.router, jobs_views.router):
        app.include_router(router)
    import_domain_modules("calendar")  # each registers its events for the private feeds
    import_domain_modules("personal_data")  # each declares the rows it holds about a person
    import_domain_modules("importing")  # each registers its kinds of import and export
    import_domain_modules("panels")  # each registers its panels of the home page
    app.include_router(importing_views.router)
    for module in import_domain_modules("views"):
        app.include_router(module.router)
    api = create_api()
    api.state.settings = settings
    api.state.session_factory = session_factory
    app.mount("/api/v1", api)
    app.mount("/static", StaticFiles(directory=str(files("totem") / "web" / "static")), name="static")
    install_page_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders, https=settings.is_https)
    return app
