"""Every form a manager, a member and a mentor can reach, posted with hostile values: never a 5xx.

The demo venue is loaded once per database with a fixed clock. Each person
logs in, walks every page linked from the home page (a few pages per route),
and posts every form found on them (once per route) with the values of
`tests.hostile_forms`; each post runs in a savepoint rolled back afterwards,
so every one meets the demo as it was loaded. A refusal is a form shown again
or an error page (4xx); a 5xx, or a dropped connection, fails the test, and
so does a 100 kB text that reached the database: every text has a bound.
"""
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, String, Text, func, literal, select, union_all
from sqlalchemy.orm import sessionmaker

from tests.helpers import csrf_from, login
from tests.hostile_forms import LONG_TEXT, NOT_POSTED, NUMBERED, Form, hostile_posts, read_page, same_site_pages
from totem import demo
from totem.app import create_app
from totem.db import Base
from totem.settings import Settings

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

# Tuesday 9 March 2027, 10:00 in Marseille: a working day the demo is built around.
NOW = datetime(2027, 3, 9, 9, 0, tzinfo=UTC)
PEOPLE = {
    "manager": "lea.martin@cite-innovation.fr",
    "member": "nadia@oceanwatt.fr",
    "mentor": "yves.roux@mentors-sud.fr",
}
PAGES_PER_ROUTE = 2
MAX_PAGES = 400


@dataclass
class World:
    connection: Connection
    settings: Settings
    factory: sessionmaker


@pytest.fixture(scope="module")
def world(database: "TestDatabase") -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch, database.engine.connect() as connection:
        patch.setattr("totem.clock.now", lambda: NOW)
        outer = connection.begin()
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        with factory() as db:
            demo.load_demo(db, NOW)
            db.commit()
        yield World(connection, Settings(database_url=database.url, scheduler_enabled=False), factory)
        outer.rollback()


def _columns_holding_long_text(connection: Connection) -> list[str]:
    """The text columns (`table.column`) where a value is as long as the hostile text: it was stored."""
    columns = [(table, column) for table in Base.metadata.sorted_tables for column in table.columns
               if isinstance(column.type, String | Text)]
    found = union_all(*(select(literal(f"{table.name}.{column.name}"))
                        .where(func.length(column) >= len(LONG_TEXT) // 2).limit(1).subquery().select()
                        for table, column in columns))
    return list(connection.scalars(found))


def _crawl(client: TestClient) -> list[Form]:
    """Every form that posts on the pages reachable from home, one per route."""
    seen_pages: set[str] = set()
    per_route: Counter[str] = Counter()
    forms: dict[str, Form] = {}
    queue = deque(["/"])
    while queue and len(seen_pages) < MAX_PAGES:
        url = queue.popleft()
        route = NUMBERED.sub("/{id}", url.split("?")[0])
        if url in seen_pages or per_route[route] >= PAGES_PER_ROUTE:
            continue
        seen_pages.add(url)
        per_route[route] += 1
        response = client.get(url)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        links, found = read_page(url, response.text)
        queue.extend(same_site_pages(links))
        for form in found:
            if not NOT_POSTED.search(form.action):
                forms.setdefault(form.route, form)
    return list(forms.values())


@pytest.mark.parametrize("person", PEOPLE)
def test_hostile_values_in_every_form_are_refused_without_a_server_error(world: World, person: str) -> None:
    app = create_app(world.settings, world.factory)
    failures = []
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        login(client, PEOPLE[person], demo.DEMO_PASSWORD)
        forms = _crawl(client)
        assert len(forms) >= 5, f"the crawl found only {[form.action for form in forms]}"
        for form in forms:
            token = csrf_from(client.get(form.page))
            for what, fields in hostile_posts(form):
                savepoint = world.connection.begin_nested()
                try:
                    response = client.post(form.action, data={**fields, "csrf_token": token}, follow_redirects=False)
                    status = response.status_code
                    stored = _columns_holding_long_text(world.connection) if LONG_TEXT in fields.values() else []
                except Exception as exc:  # a dropped connection
                    status, stored = f"{type(exc).__name__}: {exc}", []
                finally:
                    savepoint.rollback()
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"POST {form.action} ({form.page}) with {what}: {status}")
                if stored:
                    failures.append(f"POST {form.action} ({form.page}) with {what}: {status}, stored in {stored}")
    assert not failures, f"{len(failures)} hostile posts failed:\n" + "\n".join(failures)
