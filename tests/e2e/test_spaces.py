"""A resident books a room through the Book page in chromium; the plan and the timeline render."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from spaces.booking.models import Booking
from spaces.venues.models import Venue
from spaces.venues.rules import local_time
from tests.browser import log_in, screenshot
from totem import clock

pytestmark = pytest.mark.e2e


@pytest.fixture
def first_demo_day(live_database: sessionmaker[Session]) -> str:
    """The first day of the demo's coming bookings (its history lies before now), in the venue's time zone: its next working day when the demo was
    loaded (tests/spaces/test_demo.py checks which day that is)."""
    with live_database() as db:
        venue = db.scalars(select(Venue).order_by(Venue.id)).first()
        return local_time(db.scalar(select(func.min(Booking.starts_at)).where(Booking.starts_at > clock.now())), venue).date().isoformat()


def test_a_member_books_a_room_from_the_book_page(page, first_demo_day):
    log_in(page)
    day = first_demo_day
    page.goto(f"/book?day={day}&start=16:00&end=17:00&kind=meeting_room")
    screenshot(page, "book")
    first = page.locator("table.table tbody tr").first
    room = first.locator("td strong").inner_text()
    first.locator("input[name=title]").fill("Point investisseurs")
    first.locator("button[type=submit]").click()
    page.wait_for_url("**/my-bookings")
    assert room in page.locator(".flash").inner_text()
    assert "Point investisseurs" in page.locator("table").first.inner_text()


def test_the_floor_plan_and_the_room_timeline_render(page, first_demo_day):
    log_in(page)
    day = first_demo_day
    page.goto("/floors")
    page.click("nav.tabs >> text=2e étage")
    page.goto(page.url.split("?")[0] + f"?day={day}&at=10:00")
    assert page.locator("svg.floor-plan rect.space").count() > 100
    assert page.locator("svg.floor-plan rect.space-allocated").count() == 4  # the demo start-ups' dedicated desks
    assert page.locator("svg.floor-plan rect.space-taken").count() >= 1  # Hugo at his desk
    screenshot(page, "floor-plan")
    page.goto(f"/rooms?day={day}")
    assert page.locator("svg.timeline text.room-label").count() >= 20
    screenshot(page, "room-timeline")
