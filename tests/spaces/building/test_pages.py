"""The operators' pages: the admin sets operators, managers, quotas and peak hours up with forms; an operator's
manager reads its page and usage; another operator's manager gets a 404."""
from sqlalchemy import select

from spaces.operators.models import Operator, OperatorQuota
from spaces.venues.models import Venue
from tests.helpers import form_post, login
from tests.totem.factories import PASSWORD


def test_the_admin_adds_an_operator_and_sees_it_listed(client, db, scene, operators):
    login(client, "admin@cite.fr", PASSWORD)

    created = form_post(client, "/admin/operators", "/admin/operators",
                        {"name": "French Tech Aix-Marseille", "kind": "french_tech_office", "branding_name": ""})

    assert created.status_code == 303
    operator = db.scalar(select(Operator).where(Operator.name == "French Tech Aix-Marseille"))
    assert created.headers["location"] == f"/admin/operators/{operator.id}"
    assert "French Tech Aix-Marseille" in client.get("/admin/operators").text


def test_a_taken_name_shows_the_form_again_with_the_message(client, scene, operators):
    login(client, "admin@cite.fr", PASSWORD)

    refused = form_post(client, "/admin/operators", "/admin/operators",
                        {"name": "Métropole", "kind": "accelerator", "branding_name": "Doublon"},
                        headers={"Accept-Language": "en"})

    assert refused.status_code == 409
    assert "An operator already has this name." in refused.text and 'value="Doublon"' in refused.text


def test_the_admin_sets_a_quota_and_the_peak_hours(client, db, scene, operators):
    metropole, _harbour = operators
    login(client, "admin@cite.fr", PASSWORD)
    page = f"/admin/operators/{metropole}"

    saved = form_post(client, page, f"{page}/quotas", {"space_kind": "meeting_room", "monthly_hours": "12",
                                                      "when_exhausted": "approval"})
    bad = form_post(client, page, f"{page}/quotas", {"space_kind": "meeting_room", "monthly_hours": "douze",
                                                    "when_exhausted": "approval"})
    peak = form_post(client, "/admin/operators", "/admin/operators/peak-hours",
                     {"venue_id": str(scene.venue.id), "weekdays": ["0", "4"], "periods": "09:00-10:00"})

    assert saved.status_code == 303 and bad.status_code == 422
    db.expire_all()
    quota = db.scalar(select(OperatorQuota).where(OperatorQuota.operator_id == metropole))
    assert (quota.monthly_hours, quota.when_exhausted) == (12, "approval")
    assert peak.status_code == 303
    venue = db.get(Venue, scene.venue.id)
    assert (venue.peak_weekdays, venue.peak_periods) == ("0,4", "09:00-10:00")


def test_the_operators_manager_reads_it_and_another_operators_manager_gets_a_404(client, scene, operators):
    metropole, _harbour = operators
    login(client, scene.manager.email, PASSWORD)
    assert client.get(f"/admin/operators/{metropole}").status_code == 200
    usage = client.get(f"/admin/operators/{metropole}/usage?month=2026-12&lang=fr")
    assert usage.status_code == 200 and "décembre 2026" in usage.text
    refused = form_post(client, f"/admin/operators/{metropole}", f"/admin/operators/{metropole}/quotas",
                        {"space_kind": "meeting_room", "monthly_hours": "99", "when_exhausted": "refuse"})
    assert refused.status_code == 403  # only the building's admins set quotas

    client.cookies.clear()
    login(client, "marc@armateur.fr", PASSWORD)
    assert client.get(f"/admin/operators/{metropole}").status_code == 404
    assert client.get(f"/admin/operators/{metropole}/usage").status_code == 404
    assert "Blue Harbour" in client.get("/admin/operators").text
    assert "Métropole" not in client.get("/admin/operators").text
