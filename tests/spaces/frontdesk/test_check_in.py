"""Checking in from a space's QR code, and the managers' printable sheet of codes."""
import re
from urllib.parse import parse_qs, urlsplit

import qrcode
from sqlalchemy.orm import Session

from spaces.booking.models import Booking
from spaces.frontdesk import service as frontdesk
from tests.helpers import csrf_from, login
from tests.spaces.conftest import paris
from tests.spaces.factories import make_booking, make_floor, make_space
from tests.totem.factories import PASSWORD


def _status(db: Session, booking: Booking) -> str:
    db.expire_all()
    return db.get(Booking, booking.id).status


def _post_check_in(client, space_id: int, booking_id: int):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(f"/spaces/{space_id}/check-in"))
    return client.post(f"/spaces/{space_id}/check-in", data={"booking_id": booking_id, "csrf_token": token},
                       follow_redirects=False)


def test_scanning_the_code_logged_out_goes_through_the_login_and_back(client, scene):
    page = f"/spaces/{scene.room.id}/check-in"
    response = client.get(page, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/spaces/{scene.room.id}/check-in"

    login_page = client.get(response.headers["location"])
    back = client.post("/login", data={"email": scene.nadia.email, "password": PASSWORD, "next": page,
                                       "csrf_token": csrf_from(login_page)}, follow_redirects=False)

    assert back.status_code == 303 and back.headers["location"] == page


def test_the_holder_checks_in_from_the_spaces_page(client, db, scene):
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-30", 9, 10),
                           title="Stand-up")
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    page = client.get(f"/spaces/{scene.room.id}/check-in")
    assert "09:10–10:10" in page.text and "Stand-up" in page.text
    assert f'name="booking_id" value="{booking.id}"' in page.text

    response = _post_check_in(client, scene.room.id, booking.id)

    assert response.status_code == 303 and response.headers["location"] == f"/spaces/{scene.room.id}/check-in"
    assert _status(db, booking) == "checked_in"
    after = client.get(response.headers["location"])
    assert "You are checked in. Have a good day!" in after.text and 'name="booking_id"' not in after.text


def test_too_early_the_page_says_when_check_in_opens_and_a_post_changes_nothing(client, db, scene):
    booking = make_booking(db, space=scene.room, user=scene.nadia, starts_at=paris("2026-11-30", 14))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    page = client.get(f"/spaces/{scene.room.id}/check-in")
    assert "Check-in opens at 13:45." in page.text and 'name="booking_id"' not in page.text

    response = _post_check_in(client, scene.room.id, booking.id)

    assert response.status_code == 303
    assert "Check-in opens at 13:45." in client.get(response.headers["location"]).text
    assert _status(db, booking) == "confirmed"


def test_a_member_cannot_check_in_someone_elses_booking_from_the_code(client, db, scene):
    team_mates = make_booking(db, space=scene.room, user=scene.karim, starts_at=paris("2026-11-30", 9),
                              organisation_id=scene.oceanwatt_id)
    other_startups = make_booking(db, space=scene.room, user=scene.hugo, starts_at=paris("2026-11-30", 10, 30),
                                  organisation_id=scene.kelp_id)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    page = client.get(f"/spaces/{scene.room.id}/check-in")
    assert "You have no booking of this space today." in page.text

    assert _post_check_in(client, scene.room.id, team_mates.id).status_code == 403
    assert _post_check_in(client, scene.room.id, other_startups.id).status_code == 404
    assert _status(db, team_mates) == "confirmed" and _status(db, other_startups) == "confirmed"


def test_a_booking_of_another_space_is_not_checked_in_through_this_code(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    booking = make_booking(db, space=desk, user=scene.nadia, starts_at=paris("2026-11-30", 9))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    assert _post_check_in(client, scene.room.id, booking.id).status_code == 404
    assert _status(db, booking) == "confirmed"


def test_a_free_hot_desk_offers_to_book_it_until_closing(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    db.commit()
    login(client, scene.nadia.email, PASSWORD)

    page = client.get(f"/spaces/{desk.id}/check-in")

    assert "You have no booking of this space today." in page.text
    link = re.search(r'href="(/book\?[^"]+)"', page.text).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query == {"day": ["2026-11-30"], "start": ["09:00"], "end": ["20:00"], "kind": ["hot_desk"],
                     "space_id": [str(desk.id)]}
    book = client.get(link)
    assert book.status_code == 200 and "D-101" in book.text and "1 free space" in book.text


def test_no_offer_for_a_desk_taken_now_nor_for_a_meeting_room(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    make_booking(db, space=desk, user=scene.hugo, starts_at=paris("2026-11-30", 9), ends_at=paris("2026-11-30", 12))
    db.commit()
    login(client, scene.nadia.email, PASSWORD)
    assert "/book?" not in client.get(f"/spaces/{desk.id}/check-in").text
    assert "/book?" not in client.get(f"/spaces/{scene.room.id}/check-in").text


def test_no_offer_once_the_venue_is_about_to_close(db, scene):
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    view = frontdesk.check_in_view(db, actor=scene.nadia, space_id=desk.id, now=paris("2026-11-30", 19, 55))
    assert view.state == "none" and view.walk_in is None


def test_an_unknown_space_is_a_404(client, scene):
    login(client, scene.nadia.email, PASSWORD)
    assert client.get("/spaces/999999/check-in").status_code == 404


# -- the sheet of codes -------------------------------------------------------------------------


def _modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules an SvgPathImage path draws: one `Mx,yH..V..H..z` square each."""
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path)}


def _expected_modules(text: str) -> set[tuple[int, int]]:
    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    return {(x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark}


def test_a_manager_prints_a_card_with_a_qr_code_for_every_space_of_the_floor(client, db, scene):
    desk = make_space(db, floor=scene.floor, name="D-101", kind="hot_desk", capacity=1)
    make_space(db, floor=make_floor(db, venue=scene.venue, name="2e étage", level=2), name="Elsewhere")
    make_space(db, floor=scene.floor, name="Closed", is_active=False)
    db.commit()
    login(client, scene.manager.email, PASSWORD)

    page = client.get(f"/floors/{scene.floor.id}/check-in-codes")

    assert page.status_code == 200
    cards = re.findall(r'<article class="code-card">(.*?)</article>', page.text, re.S)
    assert len(cards) == 2 and "Elsewhere" not in page.text and "Closed" not in page.text
    by_name = {re.search(r'class="code-name">([^<]+)<', card).group(1): card for card in cards}
    assert set(by_name) == {"Calanques", "D-101"}
    url = f"http://testserver/spaces/{desk.id}/check-in"
    assert url in by_name["D-101"] and "Hot desk" in by_name["D-101"]
    svg = re.search(r"<svg.*?</svg>", by_name["D-101"], re.S).group(0)
    assert _modules(svg) == _expected_modules(url)  # the code opens the desk's page
    assert 'id="qr-path"' not in page.text  # many codes, no repeated id


def test_the_first_floors_codes_are_one_click_away_for_staff_only(client, db, scene):
    login(client, scene.manager.email, PASSWORD)
    page = client.get("/check-in-codes")
    assert page.status_code == 200 and "Calanques" in page.text
    assert 'href="/check-in-codes"' in client.get("/admin/spaces").text  # from the spaces admin


def test_members_cannot_open_the_sheet_of_codes(client, db, scene):
    login(client, scene.nadia.email, PASSWORD)
    assert client.get(f"/floors/{scene.floor.id}/check-in-codes").status_code == 403
    assert client.get("/check-in-codes").status_code == 403
    assert client.get("/admin/spaces").status_code == 403
    login(client, scene.manager.email, PASSWORD)
    assert client.get("/floors/999999/check-in-codes").status_code == 404
