"""A person logs in through the real login form in headless chromium."""
import pytest

from tests.browser import screenshot
from totem.demo import ACCOUNTS, DEMO_PASSWORD
from totem.i18n import translate

pytestmark = pytest.mark.e2e


def _account(role: str):
    return next(a for a in ACCOUNTS if a.role == role)


def test_member_logs_in_through_the_form_and_reaches_home(page):
    member = _account("member")
    page.goto("/")
    assert page.url.endswith("/login")
    page.fill("input[name=email]", member.email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == translate("fr", "Hello {name}", name=member.name)
    assert member.startup in page.content()
    screenshot(page, "member-home")


def test_wrong_password_stays_on_the_form_with_a_message(page):
    page.goto("/login")
    page.fill("input[name=email]", _account("admin").email)
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit].primary")
    assert page.locator(".flash-error").inner_text() == translate("fr", "Wrong e-mail or password.")
    assert page.url.endswith("/login")
