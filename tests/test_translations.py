"""Every package's French catalog covers its messages and keeps their placeholders."""
from pathlib import Path
from string import Formatter

import pytest

from totem.domains import DOMAINS
from totem.i18n_check import extract_messages, load_catalog, untranslated

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
