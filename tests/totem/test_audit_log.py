"""The admins' audit log: labels and summaries in the reader's language, filters (GET), pages of 50."""
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import login
from tests.totem.factories import PASSWORD, make_user
from totem import audit
from totem.i18n import N_, said

DAY = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def _rows(page) -> list[str]:
    """The table's entries, without the header nor the line saying there is none."""
    body = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>")[1:] if "colspan" not in row]


@pytest.fixture
def admin(client, db):
    # Made a month before the entries the tests write, not at the machine's hour: its own "user.create" entry must
    # stay out of the periods they filter on, whatever instant the suite runs at.
    person = make_user(db, role="admin", email="root@example.com", name="Root Admin", locale="fr",
                       now=DAY - timedelta(days=30))
    db.commit()
    login(client, person.email, PASSWORD)
    return person


def test_actions_objects_and_summaries_are_in_the_readers_language(client, db, admin):
    claire = make_user(db, role="mentor", email="claire@mentors.fr", name="Claire Dubois", now=DAY)
    db.commit()
    row = next(row for row in _rows(client.get("/admin/audit")) if "claire@mentors.fr" in row)
    assert "Utilisateur·rice créé·e" in row and "claire@mentors.fr créé·e (Mentor)" in row
    assert f"Utilisateur·rice #{claire.id}" in row
    assert "user.create" not in row and "created" not in row

    admin.locale = "en"
    db.commit()
    row = next(row for row in _rows(client.get("/admin/audit")) if "claire@mentors.fr" in row)
    assert "User created" in row and "created claire@mentors.fr (Mentor)" in row


def test_a_summary_written_as_plain_text_is_shown_as_it_is(client, db, admin):
    audit.record(db, actor=None, action="legacy.thing", obj=admin, summary="written before said()", now=DAY)
    db.commit()
    row = next(row for row in _rows(client.get("/admin/audit")) if "written before said()" in row)
    assert "legacy.thing" in row  # an action without a label keeps its code


def test_filters_by_person_action_object_period_and_text(client, db, admin):
    claire = make_user(db, role="mentor", email="claire@mentors.fr", name="Claire Dubois", now=DAY)
    karim = make_user(db, role="member", email="karim@kelp.io", name="Karim Benali", now=DAY)
    audit.record(db, actor=claire, action="mentor.update", obj=claire, now=DAY + timedelta(days=1),
                 summary="Claire's new profile")
    audit.record(db, actor=karim, action="booking.create", obj=karim, now=DAY + timedelta(days=3),
                 summary="Calanques 100% booked_for_pitch")
    db.commit()

    def shown(**params) -> list[str]:
        page = client.get("/admin/audit", params=params)
        assert page.status_code == 200
        return _rows(page)

    by_person = shown(person="dubois")
    assert len(by_person) == 1 and "Claire&#39;s new profile" in by_person[0]
    assert len(shown(person="KARIM@kelp")) == 1
    by_action = shown(action="user.create")
    assert {("claire@mentors.fr" in r, "karim@kelp.io" in r) for r in by_action} >= {(True, False), (False, True)}
    assert all("Utilisateur·rice créé·e" in r for r in by_action)
    assert len(shown(object="user", id=str(karim.id))) == 2  # created, then the booking recorded against him
    # Whole days on the venue's clock, both ends included: 9 and 10 December (Paris).
    in_period = shown(**{"from": "2026-12-09", "to": "2026-12-10"})
    assert len(in_period) == 1 and "Claire&#39;s new profile" in in_period[0]
    # The search takes % and _ as they are typed.
    assert len(shown(q="100% booked_for")) == 1 and shown(q="100%_") == []
    assert "Aucune entrée ne correspond" in client.get("/admin/audit", params={"q": "nothing like this"}).text


def test_a_day_that_is_not_one_is_said_beside_its_field(client, db, admin):
    page = client.get("/admin/audit", params={"from": "2026-13-45", "to": "yesterday", "before": "x' OR 1=1"})
    assert page.status_code == 422
    assert page.text.count("Saisissez une date comme 2026-12-08.") == 2
    backwards = client.get("/admin/audit", params={"from": "2026-12-10", "to": "2026-12-01"})
    assert backwards.status_code == 422 and "La fin de la période précède son début." in backwards.text


def test_the_log_comes_in_pages_of_fifty_and_the_filters_follow_the_pager(client, db, admin):
    for n in range(120):
        audit.record(db, actor=admin, action="program.update", obj=admin, now=DAY + timedelta(minutes=n),
                     summary=said(N_("updated {name}"), name=f"Programme {n:03d}"))
    db.commit()
    first = client.get("/admin/audit", params={"action": "program.update"})
    rows = _rows(first)
    assert len(rows) == 50 and "Programme 119 modifié" in rows[0] and "Programme 070 modifié" in rows[-1]
    second = client.get(_older_link(first))
    assert "action=program.update" in _older_link(first)
    rows = _rows(second)
    assert len(rows) == 50 and "Programme 069 modifié" in rows[0]
    third = client.get(_older_link(second))
    rows = _rows(third)
    assert len(rows) == 20 and "Programme 019 modifié" in rows[0]
    assert "Entrées plus anciennes" not in third.text and "Entrées les plus récentes" in third.text


def _older_link(page) -> str:
    link = page.text.split("Entrées plus anciennes", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    return "/admin/audit" + link.replace("&amp;", "&")


def test_hostile_filters_never_break_the_page(client, db, admin):
    for params in ({"q": "a\x00b"}, {"person": "\x00"}, {"id": "1" * 500}, {"action": "'; DROP TABLE audit_entry; --"}):
        page = client.get("/admin/audit", params=params)
        assert page.status_code in (200, 400, 422), params
