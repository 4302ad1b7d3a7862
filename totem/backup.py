"""Backups of a SQLite database with SQLite's online backup API, and their restore.

The online backup copies a consistent snapshot while the app keeps running
(readers and writers wait at most for one page step). PostgreSQL is backed up
with its own tools (`pg_dump`, see the README): these functions refuse it.
"""
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 1024  # a step holds the database's lock for a few milliseconds


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why, for the command line."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    tables: int
    rows: int
    revision: str


def sqlite_path(database_url: str) -> Path:
    """The file of a `sqlite:///…` URL; BackupError for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"{url.get_backend_name()} databases are backed up with their own tools "
                          "(PostgreSQL: pg_dump -Fc, then pg_restore; see the README)")
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def default_backup_path(database: Path, now: datetime) -> Path:
    return database.with_name(f"{database.stem}-backup-{now:%Y%m%d-%H%M%S}{database.suffix or '.db'}")


def backup(database_url: str, target: Path) -> BackupInfo:
    """Copy the live database to `target`, which must not exist yet."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already: choose another file")
    with _connect(source) as live, _connect(target) as copy:
        live.backup(copy, pages=PAGES_PER_STEP)
    return describe(target)


def restore(database_url: str, backup_file: Path) -> BackupInfo:
    """Replace the database's content with the backup's, after checking that the file is a Totem backup.

    The app should be stopped meanwhile: requests in flight would see the
    database change under them.
    """
    target = sqlite_path(database_url)
    if not backup_file.exists():
        raise BackupError(f"no backup at {backup_file}")
    info = describe(backup_file)
    with _connect(backup_file) as saved, _connect(target) as live:
        saved.backup(live, pages=PAGES_PER_STEP)
    return info


def describe(path: Path) -> BackupInfo:
    """What a backup holds: its tables, rows and migration revision; BackupError if it is not a Totem database."""
    try:
        with _connect(path, read_only=True) as db:
            tables = [name for (name,) in db.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")]
            if "alembic_version" not in tables:
                raise BackupError(f"{path} is not a Totem database (it has no migration revision)")
            (revision,) = db.execute("select version_num from alembic_version").fetchone()
            rows = sum(db.execute(f'select count(*) from "{name}"').fetchone()[0] for name in tables)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from None
    return BackupInfo(path, len(tables), rows, revision)


@contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection closed on leaving (sqlite3's own context manager only commits)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if read_only else sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()
