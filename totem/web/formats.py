"""Dates, times and numbers as the reader's language writes them (Babel), instants on the venue's clock.

Each function takes the locale; the Jinja filters of the same names read it
from the page (`{{ run.started_at|when }}`, `{{ share|percent }}`), so that no
template writes "2026-12-08" beside "mar. 8 déc." or "83.3 %" beside "83 %".
Instants are stored in UTC and shown on the venue's clock: the settings'
time zone unless the caller gives a venue's.
"""
import re
from datetime import date, datetime, time, tzinfo
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location, get_timezone_name
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import pass_context
from jinja2.runtime import Context

from totem.settings import get_settings
from totem.time_zones import is_time_zone

# The venue is in France: its English readers get British dates and a 24-hour clock ("8 Dec 2026, 14:30").
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def babel_locale(locale: str) -> str:
    return BABEL_LOCALES.get(locale, locale)


def day(value: date | None, locale: str, style: str = "medium") -> str:
    """"8 déc. 2026" / "8 Dec 2026"; `style="long"`: "8 décembre 2026"; `"weekday"`: "mardi 8 décembre";
    `"month"`: "décembre 2026"."""
    if value is None:
        return "—"
    if isinstance(value, datetime):  # an instant: its day on the venue's clock
        value = (value.astimezone(get_settings().tz) if value.tzinfo else value).date()
    if style == "weekday":
        return format_date(value, format="EEEE d MMMM", locale=babel_locale(locale))
    if style == "month":
        return format_date(value, format="LLLL y", locale=babel_locale(locale))
    return format_date(value, format=style, locale=babel_locale(locale))


def when(value: datetime | None, locale: str, zone: tzinfo | None = None, style: str = "medium") -> str:
    """An instant on the venue's clock: "8 déc. 2026, 14:30"."""
    if value is None:
        return "—"
    local = value.astimezone(zone or get_settings().tz)
    return f"{format_date(local.date(), format=style, locale=babel_locale(locale))} {clock(local.time(), locale)}"


def clock(value: time | datetime | None, locale: str, zone: tzinfo | None = None) -> str:
    """"14:30" in both languages; a datetime is read on the venue's clock first."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(zone or get_settings().tz).time()
    return format_time(value, format="HH:mm", locale=babel_locale(locale))


def number(value: float | int | None, locale: str, digits: int = 0) -> str:
    """"12 400" / "12,400"; `digits` after the decimal sign at most."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale(locale))


def percent(share: float | None, locale: str, digits: int = 0) -> str:
    """A share of 1 as a percentage: 0.833 -> "83 %" / "83%"."""
    if share is None:
        return "—"
    pattern = Locale.parse(babel_locale(locale)).percent_formats[None].pattern  # "#,##0 %" / "#,##0%"
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(share, format=pattern, locale=babel_locale(locale))


def money(amount: float | int | None, locale: str, currency: str = "EUR") -> str:
    """"3 600 €" / "€3,600": whole euros unless the amount has cents."""
    if amount is None:
        return "—"
    if float(amount).is_integer():
        return format_currency(amount, currency, locale=babel_locale(locale), currency_digits=False,
                               format="#,##0\u00a0¤" if locale == "fr" else "¤#,##0")
    return format_currency(amount, currency, locale=babel_locale(locale))


def moment(value: datetime | None, locale: str, zone: tzinfo | None = None) -> str:
    """An instant to the second, for logs and job runs: "8 déc. 2026 14:30:05"."""
    if value is None:
        return "—"
    local = value.astimezone(zone or get_settings().tz)
    return f"{format_date(local.date(), format='medium', locale=babel_locale(locale))} " \
           f"{format_time(local.time(), format='HH:mm:ss', locale=babel_locale(locale))}"


def zone(name: str | None, locale: str) -> str:
    """A time zone as its readers name it: "Europe/Paris" -> "heure d’Europe centrale (Paris)"; the IANA name
    stays the form's value."""
    if not name:
        return "—"
    if not is_time_zone(name):  # a typed value re-shown by a refused form: Babel would read it as a path
        return name
    try:
        where = get_timezone_location(name, locale=babel_locale(locale), return_city=True)
        return f"{get_timezone_name(name, width='long', locale=babel_locale(locale))} ({where})"
    except LookupError:
        return name


def country(code: str | None, locale: str) -> str:
    """A country's name in the reader's language: "ES" -> "Espagne" / "Spain"."""
    if not code:
        return "—"
    return Locale.parse(babel_locale(locale)).territories.get(code.upper(), code)


def language(code: str | None, locale: str) -> str:
    """A language's name in the reader's language: "es" -> "espagnol" / "Spanish"."""
    if not code:
        return "—"
    return Locale.parse(babel_locale(locale)).languages.get(code.lower(), code)


def written_days(params: dict[str, Any], locale: str) -> dict[str, Any]:
    """A refusal's parameters with its days ("2027-05-06", as domain code gives them) as `day` writes them."""
    return {key: day(date.fromisoformat(value), locale) if isinstance(value, str) and ISO_DAY.fullmatch(value)
            else value for key, value in params.items()}


def _filter(function: Any) -> Any:
    @pass_context
    def apply(context: Context, value: Any, *args: Any, **kwargs: Any) -> str:
        return function(value, context.get("locale", "fr"), *args, **kwargs)

    apply.__doc__ = function.__doc__
    return apply


FILTERS = {name: _filter(function) for name, function in {
    "day": day, "when": when, "clock": clock, "number": number, "percent": percent, "money": money, "moment": moment,
    "zone": zone, "country": country, "language": language,
}.items()}
