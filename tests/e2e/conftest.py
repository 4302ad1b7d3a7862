"""A real server in a thread and Debian's chromium driven by Playwright."""
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.orm import Session

from totem import clock
from totem.app import create_app
from totem.db import make_engine, make_session_factory, transaction
from totem.demo import load_demo
from totem.migrations import upgrade
from totem.settings import Settings

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
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo venue on SQLite, served by uvicorn on a free loopback port."""
    with serve_demo(tmp_path_factory.mktemp("e2e")) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()
