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
# PostgreSQL: give up connecting after CONNECT_TIMEOUT seconds, on a statement after
# YIBAO_DB_STATEMENT_TIMEOUT_MS, on a lock after LOCK_TIMEOUT_MS; wait POOL_TIMEOUT seconds at
# most for a pooled connection. A stalled or stopped database is then an error the API answers
# with 503, not a request that hangs.
CONNECT_TIMEOUT = 5
STATEMENT_TIMEOUT_MS = int(os.environ.get("YIBAO_DB_STATEMENT_TIMEOUT_MS", "30000"))
LOCK_TIMEOUT_MS = 20000
POOL_TIMEOUT = 10


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
            private_file(Path(u.database))
        engine = create_engine(url, connect_args={"timeout": 60}, **kw)
        _sqlite_setup(engine)
        return engine
    kw.setdefault("pool_pre_ping", False)
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 5)
    kw.setdefault("pool_timeout", POOL_TIMEOUT)
    options = (
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS} "
        "-c idle_in_transaction_session_timeout=60000"
    )
    connect_args = {"connect_timeout": CONNECT_TIMEOUT, "options": options}
    return create_engine(url, connect_args=connect_args, **kw)


def private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (it holds ID numbers); an existing
    file that others may read is made private too. SQLite gives its -wal and -shm files the
    database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    st = path.stat()
    if st.st_mode & 0o077 and st.st_uid == os.getuid():
        path.chmod(0o600)


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
