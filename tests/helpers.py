"""Helpers for driving the pages like a browser (CSRF tokens, logging in) and for checking the API's refusals."""
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(response: Response) -> str:
    match = _CSRF.search(response.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def form_post(client: TestClient, page: str, action: str, data: dict, **kwargs) -> Response:
    """GET `page` for its CSRF token, then POST `data` to `action` (without following the redirect)."""
    token = csrf_from(client.get(page))
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)


def login(client: TestClient, email: str, password: str) -> Response:
    response = form_post(client, "/login", "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text[:500]
    return response


def api_token(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_refused(send: Callable[[dict[str, str]], Response], status: int, code: str, english: str,
                   french: str) -> None:
    """Send the request asking for English, then for French: the same status and `code`, `detail` in each language.

    `send` takes the Accept-Language header to add; the refusal must have left nothing behind for the second try.
    """
    for language, words in (("en", english), ("fr", french)):
        response = send({"Accept-Language": language})
        assert response.status_code == status, response.text
        body = response.json()
        assert body["code"] == code, body
        assert words in body["detail"], (language, body)
