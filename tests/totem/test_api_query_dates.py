"""Every API query parameter that is a day or an instant is written out: `?to=0` is not 1970, an instant has its
offset, an impossible date is refused; each refusal is a 422 naming the parameter, never a 500."""
import pytest

from tests.helpers import api_token
from tests.totem.factories import PASSWORD, make_user

# (operation, day parameters, instant parameters); ids in paths need not exist: the query is checked first.
OPERATIONS = [
    ("/api/v1/reports/occupancy", ("from", "to"), ()),
    ("/api/v1/spaces/1/free-slots", ("day",), ()),
    ("/api/v1/desk-allocations", ("on",), ()),
    ("/api/v1/spaces/availability", (), ("starts_at", "ends_at")),
    ("/api/v1/bookings", (), ("starts_after", "starts_before")),
    ("/api/v1/mentors/1/free-slots", (), ("from", "to")),
    ("/api/v1/sessions", (), ("starts_after", "starts_before")),
    ("/api/v1/mentoring/hours", (), ("from", "to")),
    ("/api/v1/reliability", (), ("since",)),
]
DAY_PARAMETERS = {path: days for path, days, _instants in OPERATIONS}
GOOD = {"day": "2026-12-08", "instant": "2026-12-08T10:00:00+01:00"}
NOT_A_DAY = ["0", "1700000000", "2026-13-45", "2027-02-29", "99999-01-01"]
NOT_AN_INSTANT = ["0", "1700000000", "2026-13-45T10:00:00+01:00", "2026-12-08T10:00", "2026-12-08", "2026-12-08T25:61Z"]

# One case per parameter (each hostile value tried in it): the manager's token is made once per case.
CASES = [pytest.param(path, name, NOT_A_DAY, {other: GOOD["day"] for other in days if other != name}
                      | {other: GOOD["instant"] for other in instants}, id=f"{path}?{name}")
         for path, days, instants in OPERATIONS for name in days] + \
        [pytest.param(path, name, NOT_AN_INSTANT, {other: GOOD["instant"] for other in instants if other != name},
                      id=f"{path}?{name}")
         for path, _days, instants in OPERATIONS for name in instants]


@pytest.fixture
def manager_token(client, db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    manager = make_user(db, role="manager", locale="en")
    db.commit()
    return api_token(client, manager.email, PASSWORD)


@pytest.mark.parametrize(("path", "name", "hostile", "others"), CASES)
def test_a_date_query_parameter_that_is_not_written_out_is_a_422_naming_it(client, manager_token, path, name,
                                                                           hostile, others):
    for bad in hostile:
        response = client.get(path, params={**others, name: bad}, headers=manager_token)

        assert response.status_code == 422, (bad, response.text)
        body = response.json()
        assert body["code"] == "validation_error" and body["field"] == name, (bad, body)
    # Written out, the parameter is read: the refusals above came from the values, not the operation.
    good = client.get(path, params={**others, name: GOOD["day" if name in DAY_PARAMETERS[path] else "instant"]},
                      headers=manager_token)
    assert good.status_code < 500
    if good.json().get("code") == "validation_error":  # a rule of the operation may still refuse the window
        assert good.json().get("field") != name, good.json()
