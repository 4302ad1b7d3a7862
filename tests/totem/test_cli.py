"""The `totem` command line, in-process against a fresh SQLite file."""
import re

import pytest

from totem.cli import main
from totem.jobs.registry import interval_job
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


def test_jobs_list_and_run_after_init(fresh_sqlite, capsys):
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert main(["jobs", "list"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("outbox.deliver")]
    assert "every 30 s" in line and "never run" in line

    assert main(["jobs", "run", "outbox.deliver"]) == 0
    # The demo's invitations, if any, went to the log mailer: the outbox is empty afterwards.
    assert capsys.readouterr().out.startswith("outbox.deliver: sent ")
    assert main(["jobs", "list"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("outbox.deliver")]
    assert "succeeded at" in line

    assert main(["jobs", "run", "nope"]) == 2
    assert "unknown job" in capsys.readouterr().err


def test_jobs_run_exits_non_zero_and_prints_the_error_when_the_job_fails(fresh_sqlite, capsys, monkeypatch):
    @interval_job("test.broken", seconds=60, description="always fails")
    def broken(db, fire_time):
        raise RuntimeError("the venue calendar is unreachable")

    monkeypatch.setattr("totem.cli.collect_jobs", lambda: {broken.name: broken})
    assert main(["db", "upgrade"]) == 0
    assert main(["jobs", "run", "test.broken"]) == 1
    err = capsys.readouterr().err
    assert "test.broken failed" in err and "RuntimeError: the venue calendar is unreachable" in err
