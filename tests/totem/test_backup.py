"""`totem backup` and `totem restore` on SQLite: a restored backup holds every row it was taken with."""
import sqlite3
from pathlib import Path

import pytest

from totem.cli import main
from totem.settings import get_settings


@pytest.fixture
def demo_database(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "totem.db"
    monkeypatch.setenv("TOTEM_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    assert main(["init", "--demo"]) == 0
    yield path
    get_settings.cache_clear()


def _every_row(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")]
        return {name: sorted(db.execute(f'select * from "{name}"').fetchall(), key=repr) for name in tables}


def test_a_restored_backup_gives_back_every_row(demo_database, tmp_path, capsys):
    taken = _every_row(demo_database)
    backup_file = tmp_path / "saved.db"

    assert main(["backup", "--output", str(backup_file)]) == 0
    assert f"to {backup_file}" in capsys.readouterr().out

    with sqlite3.connect(demo_database) as db:  # life goes on, then something goes wrong
        db.execute("delete from booking")
        db.execute("update user_account set name = 'Overwritten'")
    assert _every_row(demo_database) != taken

    assert main(["restore", str(backup_file)]) == 0
    assert "restored" in capsys.readouterr().out
    assert _every_row(demo_database) == taken
    assert sum(len(rows) for rows in taken.values()) > 1000  # the demo venue, not an empty shell


def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_totem_backup(demo_database, tmp_path,
                                                                                   capsys):
    existing = tmp_path / "there.db"
    existing.write_bytes(b"")
    assert main(["backup", "--output", str(existing)]) == 2
    assert "exists already" in capsys.readouterr().err

    stranger = tmp_path / "stranger.db"
    with sqlite3.connect(stranger) as db:
        db.execute("create table notes (text)")
    before = _every_row(demo_database)
    assert main(["restore", str(stranger)]) == 2
    assert "not a Totem database" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.db")]) == 2
    assert _every_row(demo_database) == before


def test_postgresql_is_backed_up_with_its_own_tools(monkeypatch, capsys):
    monkeypatch.setenv("TOTEM_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/totem")
    get_settings.cache_clear()
    try:
        assert main(["backup"]) == 2
        assert "pg_dump" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
