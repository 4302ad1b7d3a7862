"""The authorization matrix: every route of the app, pages and API, asked by seven people, against a declared table.

Each route is sent once per person, each in a savepoint rolled back afterwards, on one world (see `world.py`).
"Allowed" means the request got past authorization: any answer but 401, 403, 404, a redirect to the login page or
a server error. "Denied" is one of those refusals (never a 500). A route missing from `expectations.EXPECTED`
fails `test_every_route_has_a_declared_expectation`: a new route needs a decision.
"""
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Connection
from sqlalchemy.orm import sessionmaker
from starlette.routing import Mount

from tests.authorization.expectations import BODIES, EXPECTED, LEAD_TO_THE_LOGIN_PAGE, PATHS, Ref
from tests.authorization.world import ACTORS, ANON, World, build_world
from totem import clock
from totem.app import create_app
from totem.auth.secrets import sign
from totem.settings import Settings
from totem.web.context import ANON_COOKIE, session_cookie_name

API_PREFIX = "/api/v1"
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
_ANON_SEED = "matrix-anonymous-seed"


def app_routes(app: FastAPI) -> list[str]:
    """"METHOD /path" for every route of the app and of its API (HEAD is GET's twin)."""
    routes = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            if route.original_route.path == API_PREFIX:
                routes += [f"{method} {API_PREFIX}{api_route.path}"
                           for api_route in iter_route_contexts(route.original_route.app.routes)
                           for method in api_route.methods or ()]
            continue
        routes += [f"{method} {route.path}" for method in route.methods or ()]
    return sorted({route for route in routes if not route.startswith("HEAD ")})


ROUTES = app_routes(create_app(Settings(scheduler_enabled=False)))


@dataclass
class Matrix:
    client: TestClient
    connection: Connection
    world: World
    settings: Settings


@pytest.fixture(scope="module")
def matrix(database) -> Iterator[Matrix]:  # type: ignore[no-untyped-def]
    """One world per database for the whole module; each request runs in a savepoint that is rolled back."""
    settings = Settings(database_url=database.url, scheduler_enabled=False)
    with database.engine.connect() as connection:
        outer = connection.begin()
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        with factory() as db:
            world = build_world(db, settings, clock.now())
        with TestClient(create_app(settings, factory), base_url="http://testserver") as client:
            yield Matrix(client, connection, world, settings)
        outer.rollback()


def _url(route: str, ids: dict[str, str]) -> str:
    path = PATHS.get(route, route.split(" ", 1)[1])
    return _PARAM.sub(lambda match: ids[match.group(1)], path)


def _body(route: str, ids: dict[str, str], as_text: bool) -> dict:
    def value(item: object) -> object:
        if isinstance(item, Ref):
            return ids[item.name] if as_text else int(ids[item.name])
        return [value(element) for element in item] if isinstance(item, list) else item

    return {key: value(item) for key, item in BODIES.get(route, {}).items()}


def ask(matrix: Matrix, route: str, actor: str) -> Response:
    method, path = route.split(" ", 1)
    credentials = matrix.world.credentials[actor]
    headers = {}
    client = matrix.client
    client.cookies.clear()
    if path.startswith(API_PREFIX):
        if credentials.bearer:
            headers["Authorization"] = f"Bearer {credentials.bearer}"
        kwargs = {"json": _body(route, matrix.world.ids, False)} if method in ("POST", "PUT", "PATCH") else {}
    else:
        secret = matrix.settings.secret_key
        if credentials.session_cookie:
            client.cookies.set(session_cookie_name(matrix.settings), credentials.session_cookie)
            headers["X-CSRF-Token"] = sign(secret, "csrf", credentials.session_cookie)
        else:
            client.cookies.set(ANON_COOKIE, _ANON_SEED)
            headers["X-CSRF-Token"] = sign(secret, "csrf-anon", _ANON_SEED)
        kwargs = {"data": _body(route, matrix.world.ids, True)} if method == "POST" else {}
    nested = matrix.connection.begin_nested()
    try:
        return client.request(method, _url(route, matrix.world.ids), headers=headers, follow_redirects=False,
                              **kwargs)
    finally:
        nested.rollback()


def verdict(route: str, response: Response) -> str:
    if response.status_code >= 500:
        return "server error"
    if response.status_code in (401, 403, 404):
        return "denied"
    location = response.headers.get("location", "") if response.is_redirect else ""
    if location.split("?")[0] == "/login" and route not in LEAD_TO_THE_LOGIN_PAGE:
        return "denied"
    return "allowed"


def test_every_route_has_a_declared_expectation():
    undeclared = sorted(set(ROUTES) - set(EXPECTED))
    gone = sorted(set(EXPECTED) - set(ROUTES))
    assert not undeclared, "Routes without a declared expectation (add them to tests/authorization/expectations.py):" \
        "\n" + "\n".join(f'    "{route}": ...,' for route in undeclared)
    assert not gone, "Declared routes the app no longer has:\n" + "\n".join(gone)


@pytest.mark.parametrize("route", ROUTES)
def test_route_answers_each_person_as_declared(matrix: Matrix, route: str):
    if route not in EXPECTED:
        pytest.fail(f"{route} has no declared expectation")
    allowed = EXPECTED[route]
    wrong = []
    for actor in ACTORS:
        response = ask(matrix, route, actor)
        got, expected = verdict(route, response), "allowed" if actor in allowed else "denied"
        if got != expected:
            hint = " (refused as invalid before authorization: give the route a valid body in BODIES)" \
                if response.status_code in (400, 422) and expected == "denied" else ""
            wrong.append(f"{actor}: expected {expected}, got {response.status_code} "
                         f"{response.headers.get('location', '')}{hint} {response.text[:160]!r}")
    assert not wrong, f"{route}:\n  " + "\n  ".join(wrong)


def test_anonymous_pages_redirect_to_login_and_api_answers_401(matrix: Matrix):
    """The two ways of saying "log in first", each where it belongs."""
    page, api = ask(matrix, "GET /my-bookings", ANON), ask(matrix, "GET /api/v1/bookings", ANON)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    assert api.status_code == 401 and "detail" in api.json()
