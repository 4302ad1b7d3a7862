"""Which language a page speaks: the person's choice, else their browser's, else the venue's."""
import re

from sqlalchemy import select

from tests.helpers import form_post, login
from tests.totem.factories import PASSWORD, make_user
from totem.identity.models import User

ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"}


def _lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.text).group(1)


def test_a_visitor_gets_the_language_their_browser_prefers(client):
    assert _lang(client.get("/login", headers=ENGLISH_BROWSER)) == "en"
    assert "Log in" in client.get("/login", headers=ENGLISH_BROWSER).text
    assert _lang(client.get("/login", headers={"Accept-Language": "fr-FR,fr"})) == "fr"
    assert _lang(client.get("/login", headers={"Accept-Language": "de-DE,es;q=0.8"})) == "fr"  # the venue's
    assert _lang(client.get("/login")) == "fr"


def test_lang_in_the_address_wins_and_is_remembered(client):
    chosen = client.get("/login?lang=fr", headers=ENGLISH_BROWSER)
    assert _lang(chosen) == "fr" and chosen.cookies.get("totem_lang") == "fr"
    assert _lang(client.get("/login", headers=ENGLISH_BROWSER)) == "fr"  # the cookie beats the browser
    assert _lang(client.get("/login?lang=xx", headers=ENGLISH_BROWSER)) == "fr"  # unknown: ignored


def test_the_language_switch_beats_the_browser(client):
    response = form_post(client, "/login", "/language", {"locale": "en", "next": "/login"})
    assert response.status_code == 303
    assert _lang(client.get("/login", headers={"Accept-Language": "fr"})) == "en"


def test_a_person_s_saved_language_wins_and_lang_changes_it(client, db):
    member = make_user(db, locale="fr")
    db.commit()
    login(client, member.email, PASSWORD)
    assert _lang(client.get("/", headers=ENGLISH_BROWSER)) == "fr"  # their saved choice, not the browser's

    assert _lang(client.get("/?lang=en")) == "en"
    db.expire_all()
    assert db.scalar(select(User.locale).where(User.id == member.id)) == "en"
    assert _lang(client.get("/")) == "en"
