"""An organisation signs itself up without an account; a manager approves or declines it; the applicant is told;
bad input shows the form again and keeps nothing; a few sign-ups per connection."""
from sqlalchemy import func, select

from cohorts.territory.models import Actor
from tests.helpers import form_post, login
from tests.spaces.conftest import NOW
from tests.totem.factories import PASSWORD
from totem.notifications.models import OutboxMessage

FORM = {"name": "Atelier Voiles du Frioul", "kind": "sme", "city": "Marseille", "sectors": ["mer"],
        "offers": ["pilotes"], "needs": ["clients"], "about": "Voilerie.", "applicant_name": "Marion Castel",
        "applicant_email": "Marion@Voiles.example", "consent": "yes"}


def _sign_up(client, **changes):
    return form_post(client, "/directory/join", "/directory/join", {**FORM, **changes},
                     headers={"Accept-Language": "fr"})


def _mails(db, to: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id)))


def _actors(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Actor))


def test_a_sign_up_waits_for_a_manager_then_enters_the_directory(client, db, scene, fixed_clock):
    form = client.get("/directory/join", headers={"Accept-Language": "fr"})
    assert form.status_code == 200 and "Rejoindre l'annuaire" in form.text.replace("&#39;", "'")
    assert 'name="consent"' in form.text and 'value="mer"' in form.text
    sent = _sign_up(client)
    assert sent.status_code == 303 and sent.headers["location"] == "/directory/join/thanks"
    actor = db.scalar(select(Actor).where(Actor.name == "Atelier Voiles du Frioul"))
    assert actor.status == "pending" and actor.listed and actor.listing_consent_at == NOW
    assert actor.applicant_email == "marion@voiles.example"
    [received] = _mails(db, "marion@voiles.example")
    assert "inscrite à l'annuaire" in received.subject
    assert "Atelier Voiles" not in client.get("/directory").text  # not before a manager approved it

    login(client, scene.manager.email, PASSWORD)
    listed = client.get("/admin/territory/sign-ups")
    assert "Atelier Voiles du Frioul" in listed.text and "Marion Castel" in listed.text
    approved = form_post(client, "/admin/territory/sign-ups", f"/admin/territory/sign-ups/{actor.id}/approve", {})
    assert approved.status_code == 303
    assert "Atelier Voiles du Frioul" in client.get("/directory").text
    assert "/directory/atelier-voiles-du-frioul" in _mails(db, "marion@voiles.example")[-1].body_text
    again = form_post(client, "/admin/territory/sign-ups", f"/admin/territory/sign-ups/{actor.id}/decline", {})
    assert again.status_code == 303  # said on the list: decided already; nothing changes
    db.expire_all()
    assert db.get(Actor, actor.id).status == "approved"


def test_a_declined_sign_up_stays_out_and_its_applicant_is_told(client, db, scene, fixed_clock):
    _sign_up(client)
    actor = db.scalar(select(Actor).where(Actor.name == "Atelier Voiles du Frioul"))
    login(client, scene.manager.email, PASSWORD)
    form_post(client, "/admin/territory/sign-ups", f"/admin/territory/sign-ups/{actor.id}/decline", {})
    db.expire_all()
    assert db.get(Actor, actor.id).status == "declined"
    assert "n'ont pas ajouté" in _mails(db, "marion@voiles.example")[-1].body_text
    assert client.get("/directory/atelier-voiles-du-frioul").status_code == 404


def test_bad_sign_ups_show_the_form_again_and_keep_nothing(client, db, scene, fixed_clock):
    before = _actors(db)
    cases = [
        ({"consent": ""}, "Cochez la case"),
        ({"applicant_email": "not-an-address"}, "adresse e-mail valide"),
        ({"name": ""}, "Saisissez le nom"),
        ({"kind": "castle"}, "Choisissez un type"),
        ({"sectors": ["piracy"]}, "Choisissez dans la liste"),
        ({"about": "x" * 3000}, "Restez sous"),
        ({"applicant_name": ""}, "Saisissez votre nom"),
    ]
    for change, words in cases:
        page = _sign_up(client, **change)
        assert page.status_code == 422, (change, page.status_code)
        assert words in page.text, change
    assert 'value="Atelier Voiles du Frioul"' in page.text  # what was typed stays
    assert _actors(db) == before and _mails(db, "marion@voiles.example") == []


def test_robots_are_thanked_and_nothing_is_kept(client, db, scene, fixed_clock):
    before = _actors(db)
    sent = _sign_up(client, homepage="http://spam.example")
    assert sent.status_code == 303 and _actors(db) == before


def test_a_connection_signs_up_a_few_organisations_then_waits(client, db, scene, fixed_clock):
    for n in range(5):
        assert _sign_up(client, name=f"Organisation {n}").status_code == 303
    refused = _sign_up(client, name="Organisation 6")
    assert refused.status_code == 429 and "inscriptions ont été envoyées" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


def test_members_do_not_decide_sign_ups(client, db, scene, fixed_clock):
    _sign_up(client)
    actor = db.scalar(select(Actor).where(Actor.name == "Atelier Voiles du Frioul"))
    login(client, scene.nadia.email, PASSWORD)
    assert client.get("/admin/territory/sign-ups").status_code == 403
    refused = form_post(client, "/directory", f"/admin/territory/sign-ups/{actor.id}/approve", {})
    assert refused.status_code == 403
