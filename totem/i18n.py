"""French and English through gettext catalogs; French is the default.

Messages are written in English in the code and templates. The French
catalogs (`<package>/locale/fr/LC_MESSAGES/*.po`: `messages.po`, and one per
large feature where a package has several) are compiled in memory at start-up,
so no compiled `.mo` file is kept in the repository.
"""
import gettext
import io
import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from importlib.resources import files

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from totem.domains import DOMAINS

LOCALES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def _catalog_paths(locale: str) -> list:
    paths = []
    for package in ("totem", *DOMAINS):
        folder = files(package) / "locale" / locale / "LC_MESSAGES"
        if folder.is_dir():
            paths.extend(sorted((p for p in folder.iterdir() if p.name.endswith(".po")), key=lambda p: p.name))
    return paths


@lru_cache
def translations(locale: str) -> gettext.NullTranslations:
    merged: gettext.NullTranslations = gettext.NullTranslations()
    for path in _catalog_paths(locale):
        with path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        package_translations = gettext.GNUTranslations(buffer)
        package_translations.add_fallback(merged)
        merged = package_translations
    return merged


def translate(locale: str, message: str, **params: object) -> str:
    text = translations(locale).gettext(message)
    return text.format(**params) if params else text


def ntranslate(locale: str, singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(locale).ngettext(singular, plural, n)
    return text.format(n=n, **params)


# Text stored once and read in either language (an audit summary, a job run's outcome) is kept as its English
# msgid and parameters, as JSON in the same text column, and translated each time it is shown.
SAID_LENGTH = 500


def said(message: str, /, **params: object) -> str:
    """`message` with `params`, to store and show later in the reader's language (`shown`).

    A list parameter holds msgids (labels such as a role's), each translated when shown and joined by commas, or
    days and instants.
    A `date` is shown as the reader's language writes it ("8 déc. 2026"); an aware `datetime` on the clock of the
    zone it is given in (a venue's), as day and time: no UTC instant or ISO day reaches the page. A parameter
    that `said` made itself (a series' rule in words) is shown within, in the same language.
    """
    return _stored({"said": message, "params": params})


def said_n(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The plural form of `said`: `{n}` and `params` fill whichever form the reader's language picks."""
    return _stored({"said": singular, "plural": plural, "n": n, "params": params})


def shown(stored: str | None, locale: str) -> str:
    """What `said` stored, in `locale`; text stored as plain words (before `said`, or by hand) as it is."""
    message = _read_said(stored)
    if message is None:
        return stored or ""
    params = {key: _param(value, locale) for key, value in message.get("params", {}).items()}
    try:
        if "plural" in message:
            return ntranslate(locale, message["said"], message["plural"], int(message["n"]), **params)
        return translate(locale, message["said"], **params)
    except (KeyError, IndexError, ValueError, TypeError):
        return stored or ""  # a catalog that lost a placeholder must not hide the row


def _param(value: object, locale: str) -> str:
    if isinstance(value, list):
        return ", ".join(_param(item, locale) if isinstance(item, dict) else translate(locale, str(item))
                         for item in value)
    if isinstance(value, dict) and isinstance(value.get("said"), str):  # words said within words, as `said` kept them
        return shown(json.dumps(value), locale)
    if isinstance(value, dict) and isinstance(value.get("day"), str):
        return _day(date.fromisoformat(value["day"]), locale)
    if isinstance(value, dict) and isinstance(value.get("at"), str):
        from totem.settings import get_settings  # read late: the settings are not needed to translate

        local = datetime.fromisoformat(value["at"]).astimezone(_zone(value.get("zone")) or get_settings().tz)
        return f"{_day(local.date(), locale)} {local:%H:%M}"
    return str(value)


def _day(value: date, locale: str) -> str:
    """As `totem.web.formats.day` writes it: "8 déc. 2026" / "8 Dec 2026"."""
    return format_date(value, format="medium", locale={"fr": "fr_FR", "en": "en_GB"}.get(locale, locale))


def _zone(name: object) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else None
    except (ValueError, ZoneInfoNotFoundError):
        return None


def _kept(value: object) -> object:
    """A parameter as `_stored` keeps it: words, a list of msgids, or a typed day or instant."""
    if isinstance(value, list | tuple):  # msgids, or days and instants
        return [_kept(item) if isinstance(item, date) else str(item) for item in value]
    if isinstance(value, str) and (inner := _read_said(value)) is not None:
        return inner
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("An instant to show needs its zone: give it on the venue's clock.")
        zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
        return {"at": value.isoformat(), "zone": zone} if zone else {"at": value.isoformat()}
    if isinstance(value, date):
        return {"day": value.isoformat()}
    return str(value)


def _read_said(stored: str | None) -> dict | None:
    if not stored or not stored.startswith('{"said"'):
        return None
    try:
        message = json.loads(stored)
    except ValueError:
        return None
    return message if isinstance(message, dict) and isinstance(message.get("said"), str) else None


def _stored(message: dict) -> str:
    """The JSON, within the column's length: the longest parameter is cut (with "…") until it fits."""
    params: dict[str, Any] = {key: _kept(value) for key, value in message["params"].items()}
    while True:
        text = json.dumps({**message, "params": params}, ensure_ascii=False)
        longest = max((key for key in params if isinstance(params[key], str)), key=lambda key: len(params[key]),
                      default=None)
        if len(text) <= SAID_LENGTH or longest is None or len(params[longest]) <= 1:
            return text[:SAID_LENGTH]
        excess = len(text) - SAID_LENGTH
        params[longest] = params[longest][: max(0, len(params[longest]) - excess - 1)] + "…"


def negotiate(accept_language: str | None, default: str | None) -> str | None:
    """The supported language an Accept-Language header prefers most (its q-values weigh), else `default`."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, quality = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        weight = _quality(quality)
        if code in LOCALES and weight > 0:
            ranked.append((-weight, position, code))
    return min(ranked)[2] if ranked else default


def _quality(parameter: str) -> float:
    # "q=0.8"; a missing or unreadable weight counts as 1, as RFC 9110 defaults it.
    name, _, value = parameter.strip().partition("=")
    if name.strip().lower() != "q":
        return 1.0
    try:
        return max(0.0, min(1.0, float(value)))
    except ValueError:
        return 1.0
