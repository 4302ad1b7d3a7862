"""Hundreds of free desks on the Book page read as a few spaces per floor and zone, each zone then opened on
its own a page at a time; the series form groups its spaces by floor and zone."""
import re

from tests.helpers import login
from tests.spaces.factories import make_floor, make_space, make_zone
from tests.totem.factories import PASSWORD

SEARCH = {"day": "2026-12-01", "start": "10:00", "end": "11:00", "kind": "", "min_capacity": ""}


def _book_buttons(page: str) -> int:
    return len(re.findall(r'<input type="hidden" name="space_id"', page))


def _open_space(db, scene):  # type: ignore[no-untyped-def]
    """A second floor with 120 hot desks in one zone and four rooms in another, beside the scene's Calanques."""
    floor = make_floor(db, venue=scene.venue, name="2e étage", level=2)
    desks, rooms = make_zone(db, floor=floor, name="Espace Mer"), make_zone(db, floor=floor, name="Salles")
    for n in range(120):
        make_space(db, floor=floor, zone=desks, name=f"2-{n + 1:03d}", kind="hot_desk", capacity=1)
    for name in ("Sormiou", "Morgiou", "Sugiton", "Goudes"):
        make_space(db, floor=floor, zone=rooms, name=name, kind="meeting_room", capacity=6)
    db.commit()
    return floor, desks


def test_every_kind_shows_a_few_spaces_per_floor_and_zone(client, db, scene):
    floor, desks = _open_space(db, scene)
    login(client, scene.nadia.email, PASSWORD)

    page = client.get("/book", params=SEARCH).text

    assert "125 free spaces" in page
    assert _book_buttons(page) == 1 + 4 + 6  # Calanques, the four rooms, six desks of 120
    results = page[page.index("125 free spaces"):]
    assert results.index("2e étage · Salles") < results.index("2e étage · Espace Mer")  # rooms before desks
    assert f"floor_id={floor.id}&amp;zone_id={desks.id}" in page and "Show all 120 of this zone" in page


def test_a_zone_opens_a_page_of_desks_at_a_time(client, db, scene):
    floor, desks = _open_space(db, scene)
    login(client, scene.nadia.email, PASSWORD)

    zone = client.get("/book", params={**SEARCH, "floor_id": floor.id, "zone_id": desks.id}).text
    assert "120 free spaces" in zone and _book_buttons(zone) == 30
    assert "Show 30 more" in zone and "shown=60" in zone
    assert "Every floor and zone" in zone

    more = client.get("/book", params={**SEARCH, "floor_id": floor.id, "zone_id": desks.id, "shown": "60"}).text
    assert _book_buttons(more) == 60


def test_hostile_place_filters_narrow_nothing_and_never_fail(client, db, scene):
    _open_space(db, scene)
    login(client, scene.nadia.email, PASSWORD)
    for value in ("abc", "-1", "9" * 40, "1e9"):
        response = client.get("/book", params={**SEARCH, "zone_id": value, "floor_id": value, "shown": value})
        assert response.status_code == 200 and "125 free spaces" in response.text


def test_the_series_form_groups_its_spaces_by_floor_and_zone(client, db, scene):
    _open_space(db, scene)
    login(client, scene.nadia.email, PASSWORD)
    page = client.get("/book/series").text
    labels = re.findall(r'<optgroup label="([^"]+)"', page)
    assert "Cité de l&#39;innovation · 2e étage · Espace Mer" in labels
    assert "Cité de l&#39;innovation · 2e étage · Salles" in labels
    assert "Cité de l&#39;innovation · 1er étage" in labels  # the scene's room, in no zone
