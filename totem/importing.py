"""Importing and exporting records as files: CSV reading, the registry of kinds, and what an import did.

Each domain registers its kinds (`register_kind`) in its own `importing`
module; the CLI and the Import/Export pages load them through
`totem.domains.import_domain_modules("importing")`. An import is all or
nothing: a file with one refused line writes nothing, and a dry run never
writes. The caller (CLI, page) owns the transaction and commits only when
`ImportResult.is_written`.
"""
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from totem import audit
from totem.auth import service as auth
from totem.auth.models import OneTimeLink
from totem.errors import Invalid
from totem.i18n import N_, said, translate
from totem.identity.models import User
from totem.permissions import is_staff, rule
from totem.settings import Settings

# A preview shows this many created/updated lines; refusals are all shown (up to this many too).
PREVIEW_LIMIT = 200


@rule("data.import")
def _import_data(user: User, _obj: Any) -> bool:
    """Managers bring records in from files and take them out as CSV."""
    return is_staff(user)


@dataclass(frozen=True)
class Message:
    """An English msgid and its parameters, translated where it is shown."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, locale: str = "en") -> str:
        return translate(locale, self.text, **self.params)


@dataclass(frozen=True)
class Line:
    """One line of the file that was (or would be) written, and what it stands for."""

    line: int
    summary: str


@dataclass(frozen=True)
class Refusal:
    line: int  # 0: the file as a whole (its encoding, its header)
    reason: Message


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    created: list[Line] = field(default_factory=list)
    updated: list[Line] = field(default_factory=list)
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)

    def refuse(self, at: int, text: str, /, **params: Any) -> None:
        """Refuse line `at`; `params` fill the message's placeholders (`line` among them, for another line)."""
        self.refused.append(Refusal(at, Message(text, params)))

    @property
    def is_written(self) -> bool:
        """Whether the database holds the file's content now (the caller should commit)."""
        return not self.dry_run and not self.refused

    def sorted_refusals(self) -> list[Refusal]:
        return sorted(self.refused, key=lambda refusal: refusal.line)


@dataclass(frozen=True)
class Options:
    """What an import knows besides the file: who runs it, when, and the kind's own choices (e.g. a room for .ics)."""

    actor: User  # the manager on the Import page; the system on the command line
    now: datetime
    extra: dict[str, str] = field(default_factory=dict)


class Importer(Protocol):
    def __call__(self, db: Session, data: bytes, result: ImportResult, options: Options) -> None:
        """Check every line into `result`; write the records only when no line is refused and it is no dry run."""


# The header, then one list of cells per record.
Exporter = Callable[[Session], Iterator[Sequence[str]]]


@dataclass(frozen=True)
class Kind:
    name: str
    importer: Importer
    exporter: Exporter | None
    label: str  # an English msgid for the pages
    accepts: str = ".csv"  # the file types the upload field offers


_KINDS: dict[str, Kind] = {}


def register_kind(name: str, importer: Importer, exporter: Exporter | None, *, label: str = "",
                  accepts: str = ".csv") -> None:
    """Make `totem import NAME` and the Import page know this kind; `exporter` None: import only (a calendar)."""
    _KINDS[name] = Kind(name, importer, exporter, label or name, accepts)


def kinds() -> list[Kind]:
    """The registered kinds, in the order the domains registered them."""
    return list(_KINDS.values())


def get_kind(name: str) -> Kind:
    if name not in _KINDS:
        raise Invalid("Unknown kind of import: {kind}.", field="kind", kind=name)
    return _KINDS[name]


# -- reading ----------------------------------------------------------------------------------------


class FileRefused(Exception):
    """The file cannot be read at all (encoding, header): one reason for the whole file."""

    def __init__(self, text: str, **params: Any) -> None:
        super().__init__(text)
        self.reason = Message(text, params)


@dataclass(frozen=True)
class Row:
    line: int  # the line number in the file, the header being line 1
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


def decode_text(data: bytes) -> str:
    """UTF-8 text, with or without a byte order mark; anything else is refused, never guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRefused(N_("The file is not UTF-8 text (line {line}): save it as CSV UTF-8 and try again."),
                          line=line) from None


def read_csv(data: bytes, required: Sequence[str], optional: Sequence[str] = ()) -> list[Row]:
    """The rows of a CSV file with a header row, `,` or `;` separated; column names are case-insensitive."""
    text = decode_text(data)
    if not text.strip():
        raise FileRefused(N_("The file is empty."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    missing = [name for name in required if name not in header]
    if missing:
        raise FileRefused(N_("Missing column: {columns}. The header row must name {expected}."),
                          columns=", ".join(missing), expected=", ".join(required))
    known = set(required) | set(optional)
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(Row(line, {name: value for name, value in zip(header, cells, strict=False) if name in known}))
    return rows


# -- running ----------------------------------------------------------------------------------------


def run_import(db: Session, *, kind: str, data: bytes, options: Options, dry_run: bool) -> ImportResult:
    """Import a file of one kind, all or nothing: with a refused line or in a dry run, nothing stays written."""
    importer = get_kind(kind).importer
    result = ImportResult(kind=kind, dry_run=dry_run)
    savepoint = db.begin_nested()
    try:
        importer(db, data, result, options)
    except FileRefused as refused:
        result.refused.append(Refusal(0, refused.reason))
    except BaseException:
        savepoint.rollback()
        raise
    if result.is_written:
        audit.record(db, actor=options.actor, action="data.import", obj=result, now=options.now,
                     summary=said(N_("{kind}: {created} created, {updated} updated"), kind=kind,
                                  created=len(result.created), updated=len(result.updated)))
        savepoint.commit()
    else:
        savepoint.rollback()
    return result


def template_csv(db: Session, kind: str) -> str:
    """An empty file of the kind to fill in: its header row, the columns its import reads (an export's first
    row, since an exported file imports back)."""
    out = io.StringIO()
    write_csv([next(iter(export_rows(db, kind)))], out)
    return out.getvalue()


def export_rows(db: Session, kind: str) -> Iterator[Sequence[str]]:
    exporter = get_kind(kind).exporter
    if exporter is None:
        raise Invalid("This kind can be imported, not exported.", field="kind")
    return exporter(db)


def write_csv(rows: Iterable[Sequence[str]], out: io.TextIOBase | Any) -> None:
    """CSV UTF-8, comma-separated, the header first: what `read_csv` reads back."""
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row)


def export_csv(db: Session, kind: str) -> str:
    out = io.StringIO()
    write_csv(export_rows(db, kind), out)
    return out.getvalue()


# -- invitations ------------------------------------------------------------------------------------


def _not_invited() -> Select:
    """People created without a password (an import) and never sent an invitation."""
    invited = select(OneTimeLink.id).where(OneTimeLink.user_id == User.id, OneTimeLink.purpose == auth.INVITATION)
    return select(User).where(User.password_hash.is_(None), User.is_active, ~User.is_system, ~invited.exists())


def count_not_invited(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(_not_invited().subquery())) or 0


def invite_not_invited(db: Session, *, actor: User, settings: Settings, now: datetime) -> int:
    """E-mail their invitation to the imported people not yet invited: imports never mail anyone themselves."""
    people = list(db.scalars(_not_invited().order_by(User.id)))
    for person in people:
        auth.invite_user(db, actor=actor, user=person, settings=settings, now=now)
    return len(people)


def split_list(value: str) -> list[str]:
    """`a|b|c` as a list, blanks dropped: the separator of lists inside a cell."""
    return [item.strip() for item in value.split("|") if item.strip()]
