"""The public directory's pages: no account needed, the filters in the address, each actor's page with only
what it publishes, both languages."""
from tests.helpers import login
from tests.totem.factories import PASSWORD


def test_anyone_searches_the_directory_without_an_account(client, territory):
    page = client.get("/directory", params={"q": "amenagement"}, headers={"Accept-Language": "fr"})

    assert page.status_code == 200
    assert "Annuaire du territoire" in page.text and "Urbanis Provence" in page.text
    assert "Garrigue Capital" not in page.text and "Discrète Industrie" not in page.text
    assert 'value="amenagement"' in page.text  # the words stay in the box


def test_the_filters_and_the_pages_keep_each_other(client, territory):
    page = client.get("/directory", params={"sector": "mer", "kind": "sme"})
    assert "Chantiers Navals de l&#39;Estaque" in page.text and "Urbanis Provence" not in page.text
    assert '<option value="mer" selected>' in page.text
    assert client.get("/directory", params={"city": "Marseille"}).text.count('class="card directory-actor"') == 0


def test_an_actor_page_shows_what_it_publishes_and_nothing_else(client, territory):
    chantiers = client.get("/directory/chantiers-navals-de-l-estaque", headers={"Accept-Language": "en"})
    assert chantiers.status_code == 200
    assert "La Ciotat" in chantiers.text and "Sea and maritime" in chantiers.text and "Pilots" in chantiers.text
    assert "French" in chantiers.text and "English" in chantiers.text  # the languages it works in

    garrigue = client.get("/directory/garrigue-capital", headers={"Accept-Language": "en"})
    assert "Amorçage." in garrigue.text
    assert "Marseille" not in garrigue.text.split("<main", 1)[1] and "Funding" not in garrigue.text

    assert client.get("/directory/discrete-industrie").status_code == 404  # not listed
    assert client.get("/directory/" + "x" * 300).status_code == 404


def test_the_directory_is_in_the_menu_of_signed_in_people(client, scene, territory):
    login(client, scene.nadia.email, PASSWORD)
    assert 'href="/directory"' in client.get("/").text


def test_bad_filters_are_refused_not_failed(client, territory):
    assert client.get("/directory", params={"page": "99999999999999999999"}).status_code == 422
    assert client.get("/directory", params={"q": "x" * 201}).status_code == 422
    assert client.get("/directory", params={"page": "2"}).status_code == 200
    assert client.get("/directory", params={"kind": "castle", "city": "é\u202e"}).status_code == 200
    for hostile in ({"city": "a\u0000b"}, {"q": "\u0000"}, {"sector": "\u0000" * 50}, {"page": "0"}):
        assert client.get("/directory", params=hostile).status_code in (200, 422), hostile
