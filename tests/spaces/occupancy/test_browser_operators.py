"""In chromium, on the demo: the building's admin compares the three operators' last month side by side (chart and
table, from the demo's history of bookings on their quotas); accélérateur M's manager sees its own row only."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser import log_in, screenshot

pytestmark = pytest.mark.e2e


def _last_month() -> str:
    """Last month on the venue's calendar: wholly in the demo's thirteen weeks of history, whatever the day."""
    first = datetime.now(ZoneInfo("Europe/Paris")).date().replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def test_the_admin_compares_the_operators_month(page):
    log_in(page, "admin")
    page.goto(f"/admin/reports/operators?month={_last_month()}")
    rooms, desks = page.locator("table").nth(0), page.locator("table").nth(1)
    rows = rooms.locator("tbody tr")
    assert rows.count() == 3
    names = rows.locator("th").all_inner_texts()
    assert names == ["accélérateur M — Métropole Aix-Marseille-Provence", "Blue Harbour Lab", "Lavande Beauty Lab"]
    # Accélérateur M's cohort has run for three months: its start-ups booked rooms on its quota, within it, and it
    # hosts them; every operator has a meeting-room quota.
    assert int(desks.locator("tbody tr").nth(0).locator("td").nth(0).inner_text()) > 0
    metropole = rows.nth(0).locator("td")
    used, quota = re.match(r"([\d\s,.\u202f]+) h\s+sur (\d+) h", metropole.nth(0).inner_text()).groups()
    assert 0 < float(re.sub(r"\s", "", used).replace("\u202f", "").replace(",", ".")) <= int(quota) == 400
    assert all(" h sur " in rows.nth(row).locator("td").nth(0).inner_text().replace("\n", " ") for row in range(3))
    chart = page.locator("figure.chart img")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", chart.element_handle())
    screenshot(page, "operators-monthly-report")

    rows.nth(1).locator("th a").click()
    page.wait_for_url("**/admin/reports/operators/*")
    assert "Blue Harbour Lab" in page.locator("h1").inner_text()
    assert page.locator("table tbody tr").count() >= 1  # its rooms against its quotas
    screenshot(page, "operator-monthly-report")


def test_an_operators_manager_sees_only_its_own_row(page):
    log_in(page, "manager")  # Léa, of accélérateur M
    page.goto(f"/admin/reports/operators?month={_last_month()}")
    assert page.locator("table").nth(0).locator("tbody th").all_inner_texts() == [
        "accélérateur M — Métropole Aix-Marseille-Provence"]
