"""Organisations of the territory from a spreadsheet: keyed by name, all or nothing, line-numbered refusals,
and an export that imports back as the same organisations."""
from sqlalchemy import func, select

import cohorts.territory.importing  # noqa: F401  (registers the kind)
from cohorts.territory import service
from cohorts.territory.models import Actor
from totem.importing import Options, export_csv, run_import
from tests.spaces.conftest import NOW

FILE = """name;kind;city;sectors;offers;needs;languages;listed;hidden
Ports de Provence;corporate;Marseille;mer|mobilite;pilotes;talents|donnees;fr|en;oui;city
Lab Océan;LAB;La Seyne;mer;recherche;financement;fr;no;
"""


def _import(db, scene, data: str, *, dry_run: bool = False):
    return run_import(db, kind="actors", data=data.encode(), dry_run=dry_run,
                      options=Options(actor=scene.manager, now=NOW))


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(Actor))


def test_a_file_creates_the_organisations_and_a_second_import_changes_nothing(db, scene):
    first = _import(db, scene, FILE)
    assert [line.summary for line in first.created] == ["Ports de Provence", "Lab Océan"] and not first.refused
    ports = db.scalar(select(Actor).where(Actor.name == "Ports de Provence"))
    ports = service.get_actor(db, ports.id)
    assert [s.code for s in ports.sectors] == ["mer", "mobilite"] and ports.listed and not ports.show_city
    assert ports.languages == ["fr", "en"] and ports.kind == "corporate"

    again = _import(db, scene, FILE)
    assert again.created == [] and again.updated == [] and again.unchanged == 2

    changed = _import(db, scene, FILE.replace("Marseille", "Fos-sur-Mer"))
    assert [line.summary for line in changed.updated] == ["Ports de Provence"]


def test_an_export_imports_back_as_the_same_organisations(db, scene, territory):
    exported = export_csv(db, "actors")
    assert exported.splitlines()[0] == "name,kind,city,size,sectors,offers,needs,languages,website,about," \
                                       "looking_for,listed,hidden"
    result = _import(db, scene, exported)
    assert result.unchanged == 4 and not result.created and not result.updated and not result.refused


def test_one_refused_line_writes_nothing_and_each_refusal_has_its_line(db, scene):
    bad = FILE + """Ports de Provence;sme;;;;;;;
Nulle Part;castle;;;;;;;
Trop Loin;sme;;piracy;;;;;
Sans Avis;sme;;;;;;peut-être;
Cachée;sme;;;;;;;everything
"""
    before = _count(db)
    result = _import(db, scene, bad)
    refusals = {refusal.line: refusal.reason.render("en") for refusal in result.sorted_refusals()}
    assert refusals == {
        4: "Line 2 already describes Ports de Provence.",
        5: "Choose a kind of organisation.",
        6: "Choose from the list.",
        7: "Write yes or no in listed.",
        8: "hidden takes city|size|about|tags|website.",
    }
    assert _count(db) == before


def test_a_dry_run_writes_nothing(db, scene):
    result = _import(db, scene, FILE, dry_run=True)
    assert len(result.created) == 2 and _count(db) == 0
