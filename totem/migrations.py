"""Run Alembic's single history programmatically (CLI, tests)."""
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def built_on(dialect: str) -> Callable[..., bool]:
    """Alembic's `include_object` for `dialect`: leave out what the models build only on another database
    (`.ddl_if(dialect="postgresql")`: the exclusion constraints, the directory's full-text index)."""

    def include(obj: object, _name: str | None, _type: str, _reflected: bool, _compare_to: object) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect)

    return include


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    # Alembic's ini interpolation treats "%" specially.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
