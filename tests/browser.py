"""Browser tests' fixtures, for every package: the demo served by uvicorn in a thread and one Debian chromium driven by
Playwright for the whole run (its sync API allows one at a time in a process)."""
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from totem import clock
from totem.app import create_app
from totem.db import make_engine, make_session_factory, transaction
from totem.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
from totem.migrations import upgrade
from totem.settings import Settings

DEMO_TIMEZONE = "Europe/Paris"  # the demo venue's, which opens on weekdays at 08:00
DEMO_OPENS_AT = dt_time(8)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_demo(folder: Path, prepare: Callable[[Session, datetime], None] | None = None) -> Iterator[str]:
    """The demo venue on SQLite in `folder` (then `prepare`d), served by uvicorn on a free loopback port."""
    url = f"sqlite:///{folder / 'totem.db'}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as db:
        load_demo(db, clock.now())
        if prepare is not None:
            prepare(db, clock.now())
    settings = Settings(database_url=url, base_url=base, scheduler_enabled=False)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, factory), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def live_server(live_folder: Path) -> Iterator[str]:
    """The demo venue on SQLite, served by uvicorn on a free loopback port."""
    with serve_demo(live_folder) as base:
        yield base


@pytest.fixture
def live_database(live_server: str, live_folder: Path) -> Iterator[sessionmaker[Session]]:
    """Sessions on the served demo's database, to ask what the demo holds (e.g. the day its bookings start); keep
    each one short: an open read on SQLite locks the server's writes out."""
    engine = make_engine(f"sqlite:///{live_folder / 'totem.db'}")
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def _real_clock_env() -> dict[str, str]:
    """This environment without libfaketime (.ci/any-instant): chromium aborts on a faked clock, and the pages it
    shows are dated by the server, whose clock stays faked."""
    return {name: value for name, value in os.environ.items() if name != "LD_PRELOAD" and not name.startswith("FAKETIME")}


@contextmanager
def chromium_browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright; skipped without it, except under CI=true, where that fails."""
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only when a browser is there)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=_real_clock_env())
        yield browser
        browser.close()


@contextmanager
def french_page(browser, base_url: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page of its own, as a visitor whose browser asks for French sees it (pages follow Accept-Language)."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900}, locale="fr-FR")
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in(page, role: str = "member") -> None:  # type: ignore[no-untyped-def]
    """Through the login form, as the demo account of that role."""
    account = next(a for a in ACCOUNTS if a.role == role)
    page.goto("/login")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")


def next_open_day() -> date:
    """The first day the served demo books, as `spaces.demo` picks it: the venue's today while it has not opened
    yet (Marseille's date, which a UTC machine's is not every evening), else the next day, skipping weekends,
    French public holidays and the demo's closure days."""
    local = datetime.now(ZoneInfo(DEMO_TIMEZONE))
    day = local.date() if local.time() < DEMO_OPENS_AT else local.date() + timedelta(days=1)
    while day.weekday() >= 5 or day in holidays.France(years=day.year) or (day.month, day.day) in ((12, 24), (12, 31)):
        day += timedelta(days=1)
    return day


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A full-page PNG under TOTEM_SCREENSHOTS, when it is set, to look at what the test saw."""
    if os.environ.get("TOTEM_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["TOTEM_SCREENSHOTS"], f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    with french_page(browser, live_server) as page:
        yield page
