"""Test databases: SQLite and PostgreSQL, schema built by Alembic, one rolled-back transaction per test."""
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

os.environ.setdefault("TOTEM_ENVIRONMENT", "test")
os.environ.setdefault("TOTEM_SECRET_KEY", "test-secret-key")
os.environ.setdefault("TOTEM_BASE_URL", "http://testserver")
os.environ.setdefault("TOTEM_SCHEDULER_ENABLED", "false")

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from totem.app import create_app
from totem.db import make_engine
from totem.migrations import upgrade

pytest_plugins = ["tests.browser"]  # the browser fixtures, shared by tests/e2e and the packages' browser tests
from totem.settings import Settings, get_settings

PG_ADMIN_DSN = os.environ.get("TOTEM_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass
class TestDatabase:
    name: str  # "sqlite" or "postgresql"
    url: str
    engine: Engine


def _create_pg_database() -> str:
    name = f"totem_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true and is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    return name


def _drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throw-away, empty PostgreSQL database for this run."""
    name = _create_pg_database()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        _drop_pg_database(name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'totem.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    upgrade(url)
    engine = make_engine(url)
    yield TestDatabase(request.param, url, engine)
    engine.dispose()


@pytest.fixture
def connection(database: TestDatabase) -> Iterator[Connection]:
    """An outer transaction rolled back after the test: code under test may commit."""
    with database.engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(database: TestDatabase) -> Settings:
    get_settings.cache_clear()
    return Settings(database_url=database.url, scheduler_enabled=False)


@pytest.fixture(scope="session")
def shared_apps() -> dict[str, FastAPI]:
    """One app per database for the run. FastAPI prepares each of the ~200 routes on an app's first request
    (seconds on a busy machine): every test paid that when each built its own app."""
    return {}


@pytest.fixture
def app(database: TestDatabase, settings: Settings, session_factory: sessionmaker[Session],  # type: ignore[no-untyped-def]
        shared_apps: dict[str, FastAPI]):
    shared = shared_apps.get(database.name)
    if shared is None or shared.state.settings != settings:
        shared = shared_apps[database.name] = create_app(settings, session_factory)
    for part in _apps_within(shared):
        # As create_app left it, on this test's session factory: what a request put in the state (e.g. the
        # applications' submission limit) stays with the test that made it.
        kept = {"settings": settings, "session_factory": session_factory}
        if part is shared:
            kept["scheduler"] = None
        part.state._state.clear()
        part.state._state.update(kept)
    return shared


def _apps_within(app: FastAPI) -> list[FastAPI]:
    """The app and the sub-apps it mounts (the API), each with its own state."""
    return [app, *(route.app for route in app.routes if isinstance(getattr(route, "app", None), FastAPI))]


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
