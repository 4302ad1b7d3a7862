"""API refusals: a stable `code` beside `detail`, told in the language the request asks for."""
import pytest

from tests.helpers import api_token
from tests.totem.factories import PASSWORD, make_user
from totem import errors
from totem.errors import Conflict, declared_codes, error_code

WRONG_PASSWORD = {"email": "nobody@example.com", "password": "nope-nope-nope"}


@pytest.mark.parametrize(("accept_language", "detail"), [
    (None, "Adresse e-mail ou mot de passe incorrect."),  # nobody known, no header: the venue's language
    ("en-GB,en;q=0.9", "Wrong e-mail or password."),
    ("de-DE, en;q=0.5, fr;q=0.8", "Adresse e-mail ou mot de passe incorrect."),  # the best weight supported
    ("de", "Adresse e-mail ou mot de passe incorrect."),
])
def test_a_refusal_follows_accept_language_else_the_venue(client, accept_language, detail):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.post("/api/v1/auth/token", json=WRONG_PASSWORD, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": detail, "code": "invalid_credentials"}


def test_a_person_s_refusals_are_in_their_language_unless_the_request_asks_another(client, db):
    admin = make_user(db, role="admin", locale="en")
    db.commit()
    token = api_token(client, admin.email, PASSWORD)

    own = client.post("/api/v1/users/999999/erase", headers=token)
    asked = client.post("/api/v1/users/999999/erase", headers={**token, "Accept-Language": "fr"})

    assert own.status_code == asked.status_code == 404
    assert own.json()["code"] == asked.json()["code"] == "not_found"
    assert (own.json()["detail"], asked.json()["detail"]) == ("No such user.", "Utilisateur introuvable.")


def test_a_validation_error_names_each_field_in_the_language_asked(client):
    english = client.post("/api/v1/auth/token", json={"email": "not-an-email"}, headers={"Accept-Language": "en"})
    french = client.post("/api/v1/auth/token", json={"email": "not-an-email"})

    assert english.status_code == french.status_code == 422
    assert english.json()["code"] == french.json()["code"] == "validation_error"
    assert "password: this field is required." in english.json()["detail"]
    assert "password: ce champ est obligatoire." in french.json()["detail"]


def test_unknown_paths_and_methods_have_their_codes(client):
    assert client.get("/api/v1/no-such-thing").json()["code"] == "not_found"
    assert client.delete("/api/v1/me").json()["code"] == "method_not_allowed"
    unreadable = client.post("/api/v1/auth/token", content=b"\xff\xfe{", headers={"content-type": "application/json"})
    assert unreadable.status_code in (400, 422) and unreadable.json()["code"] in ("malformed_body", "validation_error")


def test_codes_are_declared_once_and_a_service_cannot_use_an_undeclared_one(monkeypatch):
    monkeypatch.setattr(errors, "_CODES", dict(errors._CODES))  # this test's codes go with it
    assert error_code("booking_overlap_test_only", "Only this test's.") == "booking_overlap_test_only"
    with pytest.raises(ValueError, match="different meanings"):
        error_code("booking_overlap_test_only", "Something else.")
    with pytest.raises(ValueError, match="snake_case"):
        error_code("Booking-Overlap", "Not a code.")
    with pytest.raises(ValueError, match="not declared"):
        Conflict("Taken.", code="no_such_code")
    assert Conflict("Taken.").code == "conflict"


def test_the_openapi_schema_lists_every_code(client):
    schema = client.get("/api/v1/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "code"}
    assert error["properties"]["code"]["enum"] == list(declared_codes())
    assert {"validation_error", "not_found", "forbidden", "unauthenticated"} <= set(error["properties"]["code"]["enum"])


def test_a_nul_character_in_json_or_a_query_is_refused_on_both_databases(client, db):
    nul_json = client.post("/api/v1/auth/token", content=b'{"email": "a@b.fr", "password": "x\\u0000y"}',
                           headers={"content-type": "application/json"})
    assert nul_json.status_code == 422 and nul_json.json()["code"] == "validation_error"
    nul_query = client.get("/api/v1/me?x=%00")
    assert nul_query.status_code == 422 and nul_query.json()["code"] == "validation_error"
