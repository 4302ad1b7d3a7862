"""The directory's search and its privacy: accents and case aside, in both languages, and only what each
organisation chose to publish, on SQLite and PostgreSQL."""
import pytest
from sqlalchemy import func, select

from cohorts.territory import service
from cohorts.territory.models import Actor, ActorTagging
from cohorts.territory.service import DirectoryFilters
from tests.cohorts.territory.conftest import describe
from tests.spaces.conftest import NOW
from totem.errors import Conflict, Forbidden, Invalid


def _names(db, **filters) -> list[str]:
    actors, total = service.search_directory(db, DirectoryFilters(**filters))
    assert total == len(actors)
    return [actor.name for actor in actors]


@pytest.mark.parametrize("words", ["amenagement", "Aménagement urbain", "AMÉNAG", "urban planning", "urb"])
def test_words_are_found_without_their_accents_in_either_language(db, territory, words):
    assert _names(db, query=words) == ["Urbanis Provence"]


def test_every_word_has_to_be_found_and_each_as_a_word_start(db, territory):
    assert _names(db, query="pilotes propulsion") == ["Chantiers Navals de l'Estaque"]
    assert _names(db, query="pilotes capital") == []
    assert _names(db, query="ropulsion") == []  # inside a word: no
    assert _names(db, query="funding") == ["Urbanis Provence"]  # an offer in English; Garrigue hides its offers


def test_hostile_words_find_nothing_rather_than_fail(db, territory):
    listed = {"Chantiers Navals de l'Estaque", "Garrigue Capital", "Urbanis Provence"}
    for words in ["%", "_", "' or 1=1 --", "a:* | b", "!!!", "&", "x" * 500, "\\", "é" * 50 + " :*"]:
        assert set(_names(db, query=words)) <= listed
    assert _names(db, query="%") == sorted(listed)  # no word: no condition
    assert _names(db, query="' or 1=1 --") == []  # the words "or" and "1", which nobody has


def test_filters_combine_and_read_only_what_is_shown(db, territory):
    assert _names(db, kind="investor") == ["Garrigue Capital"]
    assert _names(db, sector="industrie") == ["Chantiers Navals de l'Estaque"]  # the unlisted one is not there
    assert _names(db, city="aix-en-provence") == ["Urbanis Provence"]
    assert _names(db, offers="financement") == ["Urbanis Provence"]  # Garrigue keeps its tags to itself
    assert _names(db, city="Marseille") == []  # ...and its city
    assert _names(db, query="marseille") == [] and _names(db, query="amorcage") == ["Garrigue Capital"]
    assert _names(db, needs="pilotes", sector="amenagement-urbain") == ["Urbanis Provence"]
    assert service.listed_cities(db) == ["Aix-en-Provence", "La Ciotat"]


def test_an_unlisted_organisation_has_no_public_page_and_a_hidden_part_is_not_shown(db, territory):
    with pytest.raises(Exception) as refused:
        service.get_listed_actor(db, "discrete-industrie")
    assert type(refused.value).__name__ == "NotFound"
    garrigue = service.get_listed_actor(db, "garrigue-capital")
    assert garrigue.city is None and garrigue.offers == [] and garrigue.needs == []
    assert garrigue.about == "Amorçage." and [sector.code for sector in garrigue.sectors] == ["numerique"]


def test_listing_records_who_consented_and_when(db, scene, territory):
    actor = service.get_actor(db, territory["Discrète Industrie"])
    assert actor.listing_consent_at is None
    service.update_actor(db, actor=scene.manager, target=actor, now=NOW,
                         description=describe(name="Discrète Industrie", city="Gémenos"))
    db.commit()
    actor = service.get_actor(db, territory["Discrète Industrie"])
    assert actor.listed and actor.listing_consent_by_id == scene.manager.id and actor.listing_consent_at == NOW
    assert _names(db, query="gemenos") == ["Discrète Industrie"]


def test_refusals_change_nothing(db, scene, territory):
    actor = service.get_actor(db, territory["Urbanis Provence"])
    cases = [
        (Invalid, describe(name="Urbanis Provence", kind="castle")),
        (Invalid, describe(name="Urbanis Provence", size="huge")),
        (Invalid, describe(name="Urbanis Provence", languages=["xx"])),
        (Invalid, describe(name="Urbanis Provence", sectors=["mer", "piracy"])),
        (Invalid, describe(name="Urbanis Provence", offers=["financement"] * 1 + ["nope"])),
        (Invalid, describe(name="Urbanis Provence", website="not an address")),
        (Invalid, describe(name="Urbanis Provence", city="x" * 101)),
        (Invalid, describe(name="  ")),
        (Conflict, describe(name="garrigue CAPITAL")),
    ]
    for error, description in cases:
        with pytest.raises(error):
            service.update_actor(db, actor=scene.manager, target=actor, description=description, now=NOW)
        db.rollback()
    actor = service.get_actor(db, territory["Urbanis Provence"])
    assert (actor.name, actor.kind, actor.city) == ("Urbanis Provence", "public_body", "Aix-en-Provence")
    assert {tagging.tag.code for tagging in actor.taggings} == {"donnees", "financement", "pilotes"}


def test_only_the_staff_describe_organisations(db, scene):
    with pytest.raises(Forbidden):
        service.create_actor(db, actor=scene.nadia, description=describe(name="Moi"), now=NOW)


def test_the_building_start_ups_are_actors_once_and_unlisted_until_they_choose(db, scene):
    assert service.link_the_building(db, now=NOW) >= 2
    assert service.link_the_building(db, now=NOW) == 0
    linked = db.scalars(select(Actor).where(Actor.organisation_id == scene.oceanwatt_id)).all()
    assert len(linked) == 1 and linked[0].name is None and not linked[0].listed
    assert _names(db, query="oceanwatt") == []
    actor = service.get_actor(db, linked[0].id)
    service.update_actor(db, actor=scene.manager, target=actor, now=NOW,
                         description=describe(kind="startup", name="ignored", offers=["clients"]))
    db.commit()
    assert _names(db, query="oceanwatt") == ["OceanWatt"]
    assert service.get_actor(db, linked[0].id).name is None  # the organisation's name, not a second one


def test_slugs_are_unique_and_readable(db, scene):
    first = service.create_actor(db, actor=scene.manager, description=describe(name="Énergie Sud"), now=NOW)
    second = service.create_actor(db, actor=scene.manager, description=describe(name="Energie-Sud"), now=NOW)
    assert (first.slug, second.slug) == ("energie-sud", "energie-sud-2")
    assert db.scalar(select(func.count()).select_from(ActorTagging)) == 0
