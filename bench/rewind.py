"""Undo what a benchmark run wrote, so that the data set stays as `bench.generate` made it.

A mark is the highest id of every table before the run; rewinding deletes
the rows added since (bookings, their credit movements, audit lines, e-mails,
tokens and sessions), newest tables first, after giving the credit accounts
back what the new movements took.
"""
from sqlalchemy import Connection, Table, func, inspect, select

import totem.models  # noqa: F401  (the core's tables, for the metadata)
from spaces.credits.models import CreditAccount, CreditEntry
from totem.db import Base
from totem.domains import import_domain_modules

import_domain_modules("models")

Mark = dict[str, int]


def _tables_with_ids(conn: Connection) -> list[Table]:
    """The tables keyed by an `id` that the database has (the models may be ahead of its migrations)."""
    present = set(inspect(conn).get_table_names())
    return [table for table in Base.metadata.sorted_tables
            if table.name in present and "id" in table.c and list(table.primary_key.columns) == [table.c.id]]


def mark(conn: Connection) -> Mark:
    return {table.name: conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
            for table in _tables_with_ids(conn)}


def rewind(conn: Connection, before: Mark) -> dict[str, int]:
    """Delete the rows added since `before`; returns how many, by table."""
    entries = CreditEntry.__table__
    for account_id, amount in conn.execute(
        select(entries.c.account_id, func.sum(entries.c.amount))
        .where(entries.c.id > before.get(entries.name, 0)).group_by(entries.c.account_id)
    ).all():
        conn.execute(CreditAccount.__table__.update().where(CreditAccount.id == account_id)
                     .values(balance=CreditAccount.balance - amount))
    removed = {}
    for table in reversed(_tables_with_ids(conn)):
        count = conn.execute(table.delete().where(table.c.id > before.get(table.name, 0))).rowcount
        if count:
            removed[table.name] = count
    return removed
