"""Dates, times and numbers as each language writes them, instants on the venue's clock."""
from datetime import UTC, date, datetime

from totem.templating import environment
from totem.web.formats import clock, country, day, money, number, percent, when, zone

WINTER = datetime(2026, 12, 8, 13, 30, tzinfo=UTC)  # 14:30 in Marseille
SUMMER = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30: the clocks went forward an hour before


def test_days_and_instants_on_the_venue_s_clock_in_each_language():
    assert day(date(2028, 2, 29), "fr") == "29 févr. 2028" and day(date(2028, 2, 29), "en") == "29 Feb 2028"
    assert day(date(2026, 12, 8), "fr", "weekday") == "mardi 8 décembre"
    assert when(WINTER, "fr") == "8 déc. 2026 14:30" and when(WINTER, "en") == "8 Dec 2026 14:30"
    assert clock(SUMMER, "fr") == "03:30"
    assert day(None, "fr") == when(None, "en") == "—"


def test_numbers_percentages_and_euros_in_each_language():
    assert number(12400, "fr") == "12\u202f400" and number(12400, "en") == "12,400"
    assert percent(0.8333, "fr") == "83\xa0%" and percent(0.8333, "en", 1) == "83.3%"
    assert money(3600, "fr") == "3\u202f600\xa0€" and money(3600, "en") == "€3,600"


def test_templates_have_the_filters_in_the_page_s_language():
    template = environment().from_string("{{ at|when }} · {{ share|percent }} · {{ amount|money }}")
    assert template.render(locale="en", at=WINTER, share=0.5, amount=12) == "8 Dec 2026 14:30 · 50% · €12"
    assert template.render(locale="fr", at=WINTER, share=0.5, amount=12) == "8 déc. 2026 14:30 · 50\xa0% · 12\xa0€"


def test_time_zones_and_countries_are_named_in_the_readers_language():
    assert zone("Europe/Paris", "fr") == "heure d’Europe centrale (Paris)"
    assert zone("Europe/Paris", "en") == "Central European Time (Paris)"
    assert zone("Not/AZone", "fr") == "Not/AZone" and zone(None, "en") == "—"
    # A refused form shows back what was typed, whatever it is.
    assert zone("Mer Mer Mer ", "fr") == "Mer Mer Mer " and zone("../../etc/passwd", "en") == "../../etc/passwd"
    assert (country("ES", "fr"), country("de", "en"), country("SN", "fr")) == ("Espagne", "Germany", "Sénégal")


def test_a_stored_summary_shows_its_days_and_instants_on_the_venues_clock_in_the_readers_language():
    from datetime import UTC, date, datetime

    from totem.i18n import said, shown

    stored = said("{day} / {at}", day=date(2026, 12, 8), at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    assert shown(stored, "fr") == "8 déc. 2026 / 8 déc. 2026 10:00"  # 09:00 UTC is 10:00 in Paris
    assert shown(stored, "en") == "8 Dec 2026 / 8 Dec 2026 10:00"
    assert "2026-12-08" not in shown(stored, "fr")
