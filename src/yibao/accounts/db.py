"""Where the accounts live and how to connect: SQLite by default, PostgreSQL in production.

``YIBAO_DATABASE_URL`` names the database (``postgresql://user@host:port/db`` or
``sqlite:///path``); without it, a SQLite file in the user's data directory (platformdirs).
SQLite transactions start with ``BEGIN IMMEDIATE`` so that a settlement holds the write lock
from its first read; PostgreSQL uses ``SELECT … FOR UPDATE`` on the persons involved.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV = "YIBAO_DATABASE_URL"


def default_url() -> str:
    from platformdirs import user_data_dir

    path = Path(user_data_dir("yibao", appauthor=False)) / "yibao.db"
    return f"sqlite:///{path}"


def database_url(url: str | None = None) -> str:
    """The URL to use (argument, else YIBAO_DATABASE_URL, else the default SQLite file), with
    PostgreSQL URLs pointed at the psycopg (3) driver."""
    url = url or os.environ.get(ENV) or default_url()
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, **kw) -> Engine:
    url = database_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60}, **kw)
        _sqlite_setup(engine)
        return engine
    kw.setdefault("pool_pre_ping", False)
    return create_engine(url, **kw)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # pragma: no cover - trivial
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA busy_timeout = 60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - trivial
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(url: str | None = None):
    from alembic.config import Config

    ini = resources.files("yibao.accounts") / "alembic.ini"
    cfg = Config(str(ini))
    cfg.set_main_option("script_location", "yibao.accounts:migrations")
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> str:
    """Create or migrate the database to ``revision``; returns the URL (password hidden)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
    return make_url(database_url(url)).render_as_string(hide_password=True)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
