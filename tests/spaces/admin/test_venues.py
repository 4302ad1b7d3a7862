"""Managers set up venues, opening hours and closure days through the pages; members are turned away."""
from datetime import date, time

import pytest
from sqlalchemy import func, select

from spaces.venues.models import ClosureDay, OpeningHours, Venue
from tests.helpers import csrf_from, form_post, login
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_closure
from tests.totem.factories import PASSWORD
from totem.audit.models import AuditEntry
from totem.i18n import shown

VENUE = {"name": "Station Mer", "timezone": "Europe/Paris", "observes_public_holidays": "on",
         "check_in_grace_minutes": "20"}


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _audited(db, action: str) -> list[str]:
    return list(db.scalars(select(AuditEntry.summary).where(AuditEntry.action == action)))


def _hours_form(**days: tuple[str, str] | None) -> dict[str, str]:
    """The opening-hours form: Monday to Friday 08:00–20:00, changed by `days` ("sat": ("10:00", "14:00"))."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    week = {name: ("08:00", "20:00") if number < 5 else None for number, name in enumerate(names)}
    week.update(days)
    form = {}
    for number, name in enumerate(names):
        span = week[name]
        form |= {f"opens_{number}": span[0] if span else "09:00", f"closes_{number}": span[1] if span else "18:00"}
        if span:
            form[f"open_{number}"] = "on"
    return form


@pytest.fixture
def as_manager(client, scene):
    login(client, scene.manager.email, PASSWORD)
    return client


MANAGERS_PAGES = (
    "/admin/spaces", "/admin/spaces/approvals", "/admin/spaces/venues/new", "/admin/spaces/venues/{venue}",
    "/admin/spaces/floors/{floor}", "/admin/spaces/floors/{floor}/edit", "/admin/spaces/spaces/{room}",
    "/admin/spaces/venues/{venue}/rules", "/admin/spaces/venues/{venue}/rules/new",
)


def test_members_get_a_403_on_every_managers_page(client, scene):
    login(client, scene.nadia.email, PASSWORD)
    for path in MANAGERS_PAGES:
        url = path.format(venue=scene.venue.id, floor=scene.floor.id, room=scene.room.id)
        assert client.get(url).status_code == 403, url


def test_members_cannot_post_to_the_managers_forms_and_do_not_see_the_menu_entry(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    home = client.get("/")
    assert "Spaces admin" not in home.text
    response = form_post(client, "/", "/admin/spaces/venues/new", VENUE)
    assert response.status_code == 403 and _count(db, Venue) == 1


def test_a_manager_finds_the_spaces_admin_in_the_menu(as_manager, scene):
    home = as_manager.get("/")
    assert 'href="/admin/spaces"' in home.text and "Spaces admin" in home.text
    index = as_manager.get("/admin/spaces")
    assert index.status_code == 200 and scene.venue.name.replace("'", "&#39;") in index.text


def test_a_manager_creates_a_venue_then_changes_it(as_manager, db, scene):
    response = form_post(as_manager, "/admin/spaces/venues/new", "/admin/spaces/venues/new", VENUE)

    assert response.status_code == 303
    venue = db.scalars(select(Venue).where(Venue.name == "Station Mer")).one()
    assert response.headers["location"] == f"/admin/spaces/venues/{venue.id}"
    assert venue.timezone == "Europe/Paris" and venue.check_in_grace_minutes == 20 and venue.observes_public_holidays
    assert "Station Mer is set up" in as_manager.get(response.headers["location"]).text

    changed = {**VENUE, "name": "Station Mer (Marseille)", "check_in_grace_minutes": "10"}
    del changed["observes_public_holidays"]  # unticked
    response = form_post(as_manager, f"/admin/spaces/venues/{venue.id}", f"/admin/spaces/venues/{venue.id}", changed)

    assert response.status_code == 303
    db.refresh(venue)
    assert venue.name == "Station Mer (Marseille)" and venue.check_in_grace_minutes == 10
    assert not venue.observes_public_holidays
    assert _audited(db, "venue.create") and _audited(db, "venue.update")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("timezone", "Europe/Marseille", "Unknown time zone"),
    ("name", "  ", "This field is required."),
    ("check_in_grace_minutes", "quinze", "Enter a whole number."),
    ("check_in_grace_minutes", "600", "Enter a number from 0 to 240."),
])
def test_bad_venue_input_is_shown_again_with_the_values_and_nothing_is_written(as_manager, db, scene, field, value,
                                                                                message):
    response = form_post(as_manager, "/admin/spaces/venues/new", "/admin/spaces/venues/new",
                         {**VENUE, field: value})

    assert response.status_code == 422
    assert message in response.text and f'value="{value}"' in response.text
    assert _count(db, Venue) == 1 and not _audited(db, "venue.create")


def test_a_refused_time_zone_is_shown_as_typed_and_not_named_as_a_zone(as_manager, scene):
    response = form_post(as_manager, "/admin/spaces/venues/new", "/admin/spaces/venues/new",
                         {**VENUE, "timezone": "Mer Mer Mer "})
    assert response.status_code == 422 and 'value="Mer Mer Mer "' in response.text
    hint = response.text.split('<p class="hint">', 1)[1].split("</p>", 1)[0]
    assert hint == "Opening hours and bookings are on this clock."


def test_a_second_venue_of_the_same_name_is_a_conflict_on_the_form(as_manager, db, scene):
    response = form_post(as_manager, "/admin/spaces/venues/new", "/admin/spaces/venues/new",
                         {**VENUE, "name": scene.venue.name})
    assert response.status_code == 409
    assert "Another venue is already called" in response.text and _count(db, Venue) == 1


def test_a_manager_sets_the_week_hours(as_manager, db, scene):
    url = f"/admin/spaces/venues/{scene.venue.id}"
    response = form_post(as_manager, url, f"{url}/hours", _hours_form(fri=None, sat=("10:00", "14:00")))

    assert response.status_code == 303
    rows = db.scalars(select(OpeningHours).where(OpeningHours.venue_id == scene.venue.id)
                      .order_by(OpeningHours.weekday)).all()
    assert [(row.weekday, row.opens_at, row.closes_at) for row in rows] == [
        *[(day, time(8), time(20)) for day in range(4)], (5, time(10), time(14))]
    page = as_manager.get(url)
    assert 'name="open_5" value="on" checked' in page.text and 'name="open_4" value="on" >' in page.text


def test_closing_before_opening_is_refused_and_the_hours_stay(as_manager, db, scene):
    url = f"/admin/spaces/venues/{scene.venue.id}"
    response = form_post(as_manager, url, f"{url}/hours", _hours_form(sat=("14:00", "10:00"), fri=None))

    assert response.status_code == 422 and "Closing must come after opening." in response.text
    assert 'value="14:00"' in response.text and 'name="open_4" value="on" >' in response.text  # as typed
    assert _count(db, OpeningHours) == 5


def test_closure_days_are_added_listed_with_the_public_holidays_and_removed(as_manager, db, scene):
    url = f"/admin/spaces/venues/{scene.venue.id}"
    response = form_post(as_manager, url, f"{url}/closures", {"day": "2026-12-24", "reason": "Réveillon"})

    assert response.status_code == 303
    closure = db.scalars(select(ClosureDay)).one()
    assert closure.day == date(2026, 12, 24) and closure.reason == "Réveillon"
    page = as_manager.get(url)
    # Written as the reader's language writes a day; Christmas, a public holiday, listed after.
    assert page.text.index("24 Dec 2026") < page.text.index("25 Dec 2026")
    assert "Réveillon" in page.text and "Public holiday" in page.text

    response = form_post(as_manager, url, f"{url}/closures/{closure.id}/remove", {})
    assert response.status_code == 303 and _count(db, ClosureDay) == 0
    assert _audited(db, "venue.close_day") and _audited(db, "venue.reopen_day")
    # The audit log says the day as each reader writes it, never "2026-12-24".
    assert shown(_audited(db, "venue.close_day")[0], "fr") == f"{scene.venue.name} fermé le 24 déc. 2026 : Réveillon"
    assert shown(_audited(db, "venue.reopen_day")[0], "en") == f"venue #{scene.venue.id} open again on 24 Dec 2026"


def test_the_time_zone_is_named_in_the_readers_language_and_kept_as_iana_in_the_form(as_manager, db, scene):
    scene.manager.locale = "fr"
    db.commit()
    index = as_manager.get("/admin/spaces")
    assert "<td>heure d’Europe centrale (Paris)</td>" in index.text and "<td>Europe/Paris</td>" not in index.text
    form = as_manager.get("/admin/spaces/venues/new")
    assert '<option value="Europe/Paris" label="heure d’Europe centrale (Paris)">' in form.text
    assert 'name="timezone" type="text" list="time-zones" value="Europe/Paris"' in form.text


@pytest.mark.parametrize(("form", "status", "message"), [
    ({"day": "2026-11-27", "reason": "Too late"}, 422, "Choose today or a later day."),
    ({"day": "2026-12-07", "reason": ""}, 422, "This field is required."),
    ({"day": "07/12/2026", "reason": "Travaux"}, 422, "Enter a date such as 2026-12-24."),
    ({"day": "2026-12-10", "reason": "Again"}, 409, "is already closed on 2026-12-10."),
])
def test_a_refused_closure_day_keeps_the_input(as_manager, db, scene, form, status, message):
    make_closure(db, venue=scene.venue, day=date(2026, 12, 10), reason="Inventaire")
    db.commit()
    url = f"/admin/spaces/venues/{scene.venue.id}"
    response = form_post(as_manager, url, f"{url}/closures", form)
    assert response.status_code == status and message in response.text
    assert f'value="{form["reason"]}"' in response.text and _count(db, ClosureDay) == 1


def test_closing_a_day_that_has_bookings_warns_the_manager(as_manager, db, scene):
    make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-12-07", 10))
    db.commit()
    url = f"/admin/spaces/venues/{scene.venue.id}"
    response = form_post(as_manager, url, f"{url}/closures", {"day": "2026-12-07", "reason": "Travaux"})
    page = as_manager.get(response.headers["location"])
    assert "Bookings already made for that day: 1." in page.text


def test_another_venues_closure_day_cannot_be_removed_through_this_venue(as_manager, db, scene):
    closure = make_closure(db, venue=scene.venue, day=date(2026, 12, 10))
    db.commit()
    token = csrf_from(as_manager.get("/admin/spaces"))
    response = as_manager.post(f"/admin/spaces/venues/{scene.venue.id + 1}/closures/{closure.id}/remove",
                               data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 404 and _count(db, ClosureDay) == 1
