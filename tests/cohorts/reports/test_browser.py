"""In chromium, on the demo: the managers' home, the occupancy heat map and the funders' report printed to an A4
PDF (saved with the screenshots under TOTEM_SCREENSHOTS); every chart is an SVG image that loads."""
import os
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spaces.booking.enums import BookingStatus
from spaces.booking.models import Booking
from spaces.occupancy import rollup
from spaces.venues.enums import SpaceKind
from spaces.venues.models import Space, Venue
from spaces.venues.rules import local_moment, local_time
from tests.browser import french_page, screenshot, serve_demo
from totem.demo import DEMO_PASSWORD
from totem.identity.models import User

pytestmark = pytest.mark.e2e
WEEKS = 4


def _book_past_weeks(db: Session, now: datetime) -> None:
    """The demo starts today: give its desks and rooms four weeks of history (some no-shows), rolled up as the
    nightly job does, so the heat map has something to show."""
    venue = db.scalars(select(Venue).order_by(Venue.id)).first()
    spaces = list(db.scalars(select(Space).where(Space.is_active).order_by(Space.id)))
    people = list(db.scalars(select(User.id).order_by(User.id)))
    today = local_time(now, venue).date()
    for back in range(1, WEEKS * 7 + 1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for n, space in enumerate(spaces):
            slots = ((9, 12), (14, 18)) if space.kind in (SpaceKind.HOT_DESK, SpaceKind.DEDICATED_DESK) else \
                ((10, 11), (15, 16))
            for m, (start, end) in enumerate(slots):
                if (n * 7 + back * 3 + m * 5) % 10 >= 6 + (day.weekday() in (1, 2, 3)):
                    continue  # busier mid-week
                starts_at = local_moment(day, time(start), venue)
                no_show = (n + back + m) % 11 == 0
                db.add(Booking(space_id=space.id, user_id=people[(n + m) % len(people)], starts_at=starts_at,
                               ends_at=local_moment(day, time(end), venue), created_at=starts_at - timedelta(days=2),
                               status=BookingStatus.RELEASED if no_show else BookingStatus.CHECKED_IN,
                               checked_in_at=None if no_show else starts_at + timedelta(minutes=10)))
        db.flush()
        rollup.roll_up_day(db, venue=venue, day=day, now=now)


@pytest.fixture(scope="module")
def reports_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with a month of history on SQLite, served by uvicorn on a free loopback port."""
    with serve_demo(tmp_path_factory.mktemp("reports"), _book_past_weeks) as base:
        yield base


@pytest.fixture
def page(browser, reports_server):  # type: ignore[no-untyped-def]
    with french_page(browser, reports_server) as page:
        yield page


def _charts_drawn(page) -> list[str]:
    """The chart images on the page that did not load as a picture."""
    page.wait_for_load_state("networkidle")
    return page.eval_on_selector_all(".chart img", "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0)"
                                     ".map(i => i.src)")


def test_managers_home_heat_map_and_printed_funders_report(page):
    page.goto("/login")
    page.fill("input[name=email]", "lea.martin@cite-innovation.fr")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
    assert page.locator("a[href^='/admin/reports/today']").count() >= 1  # today's check-ins, each a link
    assert page.locator("a[href='/applications']").count() >= 1
    screenshot(page, "reports-managers-home")

    page.click("nav.mainnav a:has-text('Rapports')")
    page.wait_for_url("**/admin/reports/occupancy")
    assert page.locator(".report-kpis dd").first.inner_text() != "—"  # the month of history is there
    assert page.locator("h1").inner_text() == "Occupation"
    assert page.locator("img[src*='heatmap.svg']").count() == 1
    assert _charts_drawn(page) == []
    screenshot(page, "reports-occupancy-heat-map")

    page.click(".report-tabs a:has-text('Programmes')")
    page.click("a:has-text('Accélérateur Métropole')")
    page.wait_for_url("**/admin/reports/programs/*")
    assert _charts_drawn(page) == []
    assert int(page.locator("dl.stats div:has(dt:text-is('Séances tenues')) dd").inner_text()) > 0
    page.click("a.button:has-text('Rapport aux financeurs')")
    page.wait_for_url("**/funders?*")
    assert _charts_drawn(page) == []
    assert page.locator(".funders-startups tbody tr").count() >= 3
    page.emulate_media(media="print")
    assert page.locator(".report-filters").is_hidden() and page.locator(".topbar").is_hidden()
    screenshot(page, "reports-funders-print")
    if os.environ.get("TOTEM_SCREENSHOTS"):
        page.pdf(path=os.path.join(os.environ["TOTEM_SCREENSHOTS"], "reports-funders.pdf"), format="A4",
                 print_background=True)
