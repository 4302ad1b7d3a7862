"""The `totem` command line, in-process against a fresh SQLite file."""
import re

import pytest

from totem.cli import main
from totem.settings import get_settings


@pytest.fixture
def fresh_sqlite(tmp_path, monkeypatch):
    monkeypatch.setenv("TOTEM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_init_demo_prints_one_line_per_account_and_is_repeatable(fresh_sqlite, capsys):
    assert main(["init", "--demo"]) == 0
    out = capsys.readouterr().out
    lines = re.findall(r"^(admin|manager|member|mentor) (\S+@\S+) (\S+)$", out, re.M)
    roles = [role for role, _, _ in lines]
    assert {"admin", "manager", "member", "mentor"} <= set(roles)
    assert roles.count("member") >= 2 and roles.count("mentor") >= 2
    assert main(["init", "--demo"]) == 0
    assert re.findall(r"^(admin|manager|member|mentor) (\S+@\S+) (\S+)$", capsys.readouterr().out, re.M) == lines


def test_users_create_and_duplicate(fresh_sqlite, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["users", "create", "ops@example.com", "--role", "manager", "--password", "long-password-1"]) == 0
    assert main(["users", "create", "Ops@example.com", "--role", "member", "--password", "long-password-2",
                 "--startup", "Seabird"]) == 1
    assert "already exists" in capsys.readouterr().err
