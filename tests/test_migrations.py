"""`alembic upgrade head` on an empty database gives exactly the models; `downgrade base` empties it."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import totem.models  # noqa: F401
from tests.conftest import PG_ADMIN_DSN, _create_pg_database, _drop_pg_database
from totem.db import Base, make_engine
from totem.domains import import_domain_modules
from totem.migrations import built_on, downgrade, upgrade

import_domain_modules("models")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    # A database of its own: the shared one already holds the suite's schema.
    name = _create_pg_database()
    request.addfinalizer(lambda: _drop_pg_database(name))
    return PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def test_upgrade_head_matches_the_models_and_downgrade_base_empties(empty_database_url):
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": built_on(connection.dialect.name)})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    downgrade(empty_database_url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
