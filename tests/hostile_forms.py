"""Walking the pages a person can reach, and the forms on them, as an attacker would.

`crawl` follows the same-site links of every page from the home page, and
gathers each form that posts; `hostile_posts` fills one form with values a
browser would never send — NUL characters, a megabyte of text, numbers past
64 bits, the year 99999, "25:61", a missing field, an option that is not on
the list — one field at a time, the others plausible, so that each field's
own parsing is reached, and once with every field hostile at once.
"""
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Pages a crawl does not open: downloads (CSV, iCalendar, images, JSON) and the API.
NOT_A_PAGE = re.compile(r"^/(api/|static/)|\.(csv|ics|svg|png|json|pdf)$|/calendar(\.ics)?$|/feed|/export")
# Forms a crawl does not post: leaving the session would end the walk.
NOT_POSTED = re.compile(r"^/logout$")
NUMBERED = re.compile(r"/\d+(?=/|$)")

HUGE_NUMBER = "9" * 20  # past a 64-bit integer
LONG_TEXT = "Mer " * 25_000  # 100 kB: under the body limit, past every column and every sensible text
NUL = "Atelier\x00Mer"  # refused before any handler reads the form (`totem.web.context.check_csrf`)


@dataclass
class Form:
    page: str  # where it was found
    action: str
    fields: dict[str, str]  # name -> a plausible value
    kinds: dict[str, str]  # name -> input type ("text", "number", "date", "select", ...)

    @property
    def route(self) -> str:
        """The action with its ids left out: forms of one route are posted once."""
        return NUMBERED.sub("/{id}", self.action)


@dataclass
class _Page(HTMLParser):
    url: str
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    _form: Form | None = None
    _select: str | None = None
    _textarea: str | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(self.url, urlsplit(urljoin(self.url, a.get("action") or self.url)).path, {}, {})
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and a["name"] in self._form.fields:
                return
            self._form.fields[a["name"]] = a.get("value") or _plausible(kind, a)
            self._form.kinds[a["name"]] = kind
        elif tag == "select":
            self._select = a["name"]
            self._form.fields[a["name"]] = ""
            self._form.kinds[a["name"]] = "select"
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields[a["name"]] = "Une phrase."
            self._form.kinds[a["name"]] = "textarea"
        if tag == "option" and self._select and not self._form.fields[self._select]:
            self._form.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _plausible(kind: str, attrs: dict[str, str]) -> str:
    return {
        "number": attrs.get("min") or "1", "date": "2030-06-04", "time": "10:00", "datetime-local": "2030-06-04T10:00",
        "email": "visiteur@example.org", "url": "https://example.org", "checkbox": "on", "hidden": "",
        "password": "a-long-enough-passphrase", "tel": "+33 4 91 00 00 00", "month": "2030-06",
    }.get(kind, "Atelier Mer")


def read_page(url: str, html: str) -> tuple[list[str], list[Form]]:
    page = _Page(url)
    page.feed(html)
    return page.links, page.forms


def same_site_pages(links: list[str]) -> Iterator[str]:
    for link in links:
        parts = urlsplit(link)
        if parts.netloc not in ("", "testserver") or NOT_A_PAGE.search(parts.path):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def _hostile_for(kind: str) -> list[str]:
    if kind == "number":
        return [HUGE_NUMBER, "douze"]
    if kind == "date":
        return ["99999-01-01", "2027-02-30"]
    if kind == "time":
        return ["25:61"]
    if kind == "datetime-local":
        return ["99999-01-01T25:61"]
    if kind in ("select", "hidden", "checkbox", "radio"):
        return [HUGE_NUMBER, "-1"]
    return [LONG_TEXT]


def hostile_posts(form: Form) -> Iterator[tuple[str, dict[str, str]]]:
    """(what is hostile, the fields to post): each field alone, then all at once, then a NUL in every field."""
    plausible = {name: value for name, value in form.fields.items() if name != "csrf_token"}
    for name, kind in form.kinds.items():
        if name == "csrf_token":
            continue
        for value in _hostile_for(kind):
            yield f"{name}={value[:24]!r}", {**plausible, name: value}
        yield f"{name} missing", {other: value for other, value in plausible.items() if other != name}
    yield "every field hostile", {name: _hostile_for(kind)[0] for name, kind in form.kinds.items() if name in plausible}
    yield "a NUL in every field", {name: NUL for name in plausible}
