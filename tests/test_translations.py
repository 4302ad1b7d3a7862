"""Every package's French catalog covers its messages and keeps their placeholders; templates write no words
outside `_()`, and the macros that translate see the page's language."""
import re
from html.parser import HTMLParser
from pathlib import Path
from string import Formatter

import pytest

from totem.domains import DOMAINS
from totem.i18n_check import extract_messages, load_catalog, untranslated
from totem.templating import environment

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("totem", *DOMAINS)


def _placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conversion in Formatter().parse(text) if field is not None}


def _catalog_path(package: str) -> Path:
    return Path(package) / "locale" / "fr" / "LC_MESSAGES" / "messages.po"


def _has_catalog(package: str) -> bool:
    return any((REPO / package / "locale" / "fr" / "LC_MESSAGES").glob("*.po"))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_message_has_a_french_translation(package):
    if not extract_messages(REPO / package):
        pytest.skip(f"{package} has no message yet")
    missing = untranslated(REPO / package)
    assert missing == [], (
        f"{len(missing)} message(s) have no French translation; add them to {_catalog_path(package)} (or the feature's own .po beside it):\n"
        + "\n".join(f"  {message!r}" for message in missing)
    )


@pytest.mark.parametrize("package", PACKAGES)
def test_translations_keep_the_placeholders_of_their_msgid(package):
    if not _has_catalog(package):
        pytest.skip(f"{package} has no catalog yet")
    mismatches = []
    for message in load_catalog(REPO / package):
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(_placeholders(text) for text in ids))
        for text in strings:
            if text and _placeholders(text) != expected:
                mismatches.append(f"  {ids[0]!r} -> {text!r}: expected {sorted(expected)}, got {sorted(_placeholders(text))}")
    assert not mismatches, "Translations whose {placeholders} differ from their msgid:\n" + "\n".join(mismatches)


# Words a template may write as they are, the same in both languages: the product's name, units, a file format,
# and the names of blocks that hold a CSS class ("narrow", "lobby-screen").
WORDS_ALIKE_IN_BOTH = {"Totem", "T", "min", "h", "CSV", "narrow", "lobby-screen"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# What only the reader's language may say: `_()`, `ngettext()`, and the filters that format for the locale.
LOCALE_AWARE = re.compile(r"\b_\(|\bngettext\(|\|\s*(day|when|clock|number|percent|money|moment|shown)\b")
IMPORT = re.compile(r"\{%-?\s*from\s+[\"']([^\"']+)[\"']\s+import\s+(.*?)-?%\}", re.S)


def _templates() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (REPO / package).glob("**/templates/**/*.html"))


class _ShownText(HTMLParser):
    """The text a reader sees in a template's literal HTML: text nodes and the attributes read aloud or shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        self.texts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.texts.append(data)


def _literal_words(source: str) -> set[str]:
    """Words written in the template itself, outside `{{ }}`, `{% %}` and `{# #}`."""
    parser = _ShownText()
    parser.feed(re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", source, flags=re.S))
    return {word for text in parser.texts for word in re.findall(r"[^\W\d_][\w'-]*", text)}


@pytest.mark.parametrize("template", _templates(), ids=lambda path: str(path.relative_to(REPO)))
def test_templates_write_no_words_outside_the_catalogues(template):
    words = _literal_words(template.read_text()) - WORDS_ALIKE_IN_BOTH
    assert not words, f"{template.relative_to(REPO)} writes {sorted(words)} outside _(): one language only"


def test_macros_that_translate_are_imported_with_the_pages_context():
    # Imported without context, a macro sees no `locale`: its `_()` would answer in French on an English page.
    loader = environment().loader
    forgotten = []
    for template in _templates():
        for name, names in IMPORT.findall(template.read_text()):
            source, _filename, _uptodate = loader.get_source(environment(), name)
            if LOCALE_AWARE.search(source) and not re.search(r"\bwith\s+context\s*$", names.strip()):
                forgotten.append(f"{template.relative_to(REPO)} imports {name} without context")
    assert not forgotten, "\n".join(forgotten)


def test_the_scans_see_a_literal_word_and_a_forgotten_context():
    assert _literal_words('<th>{{ _("When") }}</th><th>Quand</th><input placeholder="Reason">') == {"Quand", "Reason"}
    assert not IMPORT.findall('{% from "x.html" import table with context %}')[0][1].strip().endswith("table")
