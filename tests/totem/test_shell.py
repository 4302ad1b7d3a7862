"""The web shell: languages, error pages, health check, security headers."""
from tests.helpers import csrf_from, form_post, login
from tests.totem.factories import PASSWORD, make_user


def test_french_by_default_and_language_switch_is_remembered(client, db):
    page = client.get("/login")
    assert '<html lang="fr">' in page.text and "Se connecter" in page.text
    response = client.post("/language", data={"locale": "en", "next": "/login", "csrf_token": csrf_from(page)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "Log in to Totem" in client.get("/login").text


def test_language_preference_is_stored_on_the_user(client, db):
    user = make_user(db, email="a@example.com", locale="en")
    db.commit()
    login(client, "a@example.com", PASSWORD)
    assert "Your profile" in client.get("/profile").text
    form_post(client, "/profile", "/language", {"locale": "fr", "next": "/profile"})
    db.refresh(user)
    assert user.locale == "fr"
    client.cookies.delete("totem_lang")
    assert "Votre profil" in client.get("/profile").text


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "<html" in response.text


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and response.json() == {"detail": "Nothing is at this address.", "code": "not_found"}


def test_healthz_checks_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_security_headers(client):
    headers = client.get("/login").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_stylesheet_is_served(client):
    response = client.get("/static/totem.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]
