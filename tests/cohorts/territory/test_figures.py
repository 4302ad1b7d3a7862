"""The Métropole's figures: organisations by kind, sector and city, as a page with charts and as CSV."""
import csv
from io import StringIO

from tests.helpers import login
from tests.totem.factories import PASSWORD


def test_the_figures_count_every_approved_organisation_and_no_hidden_city(client, scene, territory):
    login(client, scene.manager.email, PASSWORD)

    rows = list(csv.reader(StringIO(client.get("/admin/territory/figures.csv").text)))

    assert rows[0] == ["dimension", "value", "name", "actors"]
    assert ["total", "approved", "", "4"] in rows and ["total", "listed", "", "3"] in rows
    assert ["kind", "sme", "", "2"] in rows and ["kind", "investor", "", "1"] in rows
    assert ["sector", "industrie", "Industrie", "2"] in rows and ["sector", "mer", "Mer", "1"] in rows
    cities = {row[1]: row[3] for row in rows if row[0] == "city"}
    assert cities == {"La Ciotat": "1", "Aix-en-Provence": "1", "Gémenos": "1", "": "1"}  # Garrigue hides its city


def test_the_figures_page_and_its_charts_read_in_the_manager_s_language(client, scene, territory):
    login(client, scene.manager.email, PASSWORD)
    page = client.get("/admin/territory", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Territory figures" in page.text
    assert "Public body" in page.text and "Not published" in page.text and "Urban planning" in page.text
    for chart in ("kinds", "sectors", "cities"):
        svg = client.get(f"/admin/territory/charts/{chart}.svg")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/admin/territory/charts/other.svg").status_code == 404


def test_members_do_not_see_the_figures(client, scene, territory):
    login(client, scene.nadia.email, PASSWORD)
    assert client.get("/admin/territory").status_code == 403
    assert client.get("/admin/territory/figures.csv").status_code == 403
