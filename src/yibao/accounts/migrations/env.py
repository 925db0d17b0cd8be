"""Alembic environment of the accounts schema (online migrations only)."""

from __future__ import annotations

from alembic import context

from yibao.accounts.db import make_engine
from yibao.accounts.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        _migrate(conn)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # batch migrations rebuild tables (copy, drop, rename): with foreign keys enforced
                # the drop of a referenced table fails; the PRAGMA only works outside a transaction
                dbapi = conn.connection.dbapi_connection
                assert dbapi is not None  # a live connection was just checked out
                dbapi.execute("PRAGMA foreign_keys = OFF")
            _migrate(conn)
    finally:
        engine.dispose()


def _migrate(conn) -> None:
    context.configure(
        connection=conn,
        target_metadata=target_metadata,
        render_as_batch=conn.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise SystemExit("accounts migrations run online only: yibao db upgrade")
run()
