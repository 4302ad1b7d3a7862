"""Find the messages of a package that its French catalog does not translate."""
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

# Besides `_`/`N_`: the constructors and helpers whose first text argument is a msgid.
KEYWORDS = {
    "_": None, "N_": None, "gettext": None, "ngettext": (1, 2),
    "Invalid": None, "Conflict": None, "Forbidden": None, "NotFound": None, "Unauthenticated": None,
    "TooManyAttempts": None, "DomainError": None, "NavItem": None,
    "translate": (2,), "redirect": (3,), "said": None, "said_n": (1, 2), "ntranslate": (2, 3),
}
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"), ("**.py", "python")]


def extract_messages(package_dir: Path) -> set[str]:
    """Each message's id: the singular of a plural message."""
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(package_dir), METHOD_MAP, keywords=KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.add(text)
    return found


def load_catalog(package_dir: Path, locale: str = "fr") -> Catalog:
    """The package's catalogs merged into one; an empty one if it has none yet."""
    merged = Catalog(locale=locale)
    for path in sorted((package_dir / "locale" / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as po_file:
            for message in read_po(po_file, locale=locale, abort_invalid=True):
                if message.id:
                    merged[message.id] = message
    return merged


def untranslated(package_dir: Path, locale: str = "fr") -> list[str]:
    """Messages without a translation (every plural form filled) in the package's catalog."""
    catalog = load_catalog(package_dir, locale)

    def translated(msgid: str) -> bool:
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else (entry and entry.string,)
        return entry is not None and all(strings)

    return sorted(m for m in extract_messages(package_dir) if any(c.isalpha() for c in m) and not translated(m))
