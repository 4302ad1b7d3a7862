"""Find the messages of a package that its French catalog does not translate."""
from pathlib import Path

from babel.messages.extract import extract_from_dir

from totem.i18n import translations

# Besides `_`/`N_`: the constructors and helpers whose first text argument is a msgid.
KEYWORDS = {
    "_": None, "N_": None, "gettext": None, "ngettext": (1, 2),
    "Invalid": None, "Conflict": None, "Forbidden": None, "NotFound": None, "Unauthenticated": None,
    "TooManyAttempts": None, "DomainError": None, "NavItem": None,
    "translate": (2,), "redirect": (3,), "queue_mail": None,
}
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"), ("**.py", "python")]


def extract_messages(package_dir: Path) -> set[str]:
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(package_dir), METHOD_MAP, keywords=KEYWORDS
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.add(text)
    return found


def untranslated(package_dir: Path, locale: str = "fr") -> list[str]:
    catalog = translations(locale)
    return sorted(m for m in extract_messages(package_dir) if catalog.gettext(m) == m and any(c.isalpha() for c in m))
