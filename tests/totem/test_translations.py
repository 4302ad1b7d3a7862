"""The French catalog covers every message of the package and keeps its placeholders."""
from pathlib import Path
from string import Formatter

from babel.messages.pofile import read_po

from totem.i18n_check import untranslated

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "totem"
FRENCH_PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "messages.po"


def _placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conversion in Formatter().parse(text) if field is not None}


def test_every_message_has_a_french_translation():
    missing = untranslated(PACKAGE)
    assert missing == [], (
        f"{len(missing)} message(s) have no French translation; add them to {FRENCH_PO.relative_to(REPO)}:\n"
        + "\n".join(f"  {message!r}" for message in missing)
    )


def test_translations_keep_the_placeholders_of_their_msgid():
    with FRENCH_PO.open("rb") as po_file:
        catalog = read_po(po_file, locale="fr", abort_invalid=True)
    mismatches = []
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(_placeholders(text) for text in ids))
        for text in strings:
            if text and _placeholders(text) != expected:
                mismatches.append(f"  {ids[0]!r} -> {text!r}: expected {sorted(expected)}, got {sorted(_placeholders(text))}")
    assert not mismatches, "Translations whose {placeholders} differ from their msgid:\n" + "\n".join(mismatches)
