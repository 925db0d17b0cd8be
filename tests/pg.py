"""A throwaway PostgreSQL server for the test session (and the ledger benchmark).

``PgServer.start()`` runs ``initdb`` and ``pg_ctl`` from PATH, /usr/local/bin or
/usr/lib/postgresql/*/bin (newest first) in a temporary directory, on a free local port. As root
the server runs as the ``postgres`` user (``runuser -u postgres --``) in a directory it owns.
Under CI (``CI=true``) a server that cannot start fails the tests; elsewhere they are skipped.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

BIN_DIRS = ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]


class PgUnavailable(RuntimeError):
    pass


def find_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for d in BIN_DIRS:
        p = Path(d) / name
        if p.exists():
            return str(p)
    raise PgUnavailable(f"{name} not found on PATH nor in {', '.join(BIN_DIRS)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """initdb + pg_ctl in a temp dir; ``url(db)`` for SQLAlchemy; ``stop()`` removes it all."""

    def __init__(self, *, fast: bool = True, max_connections: int = 100) -> None:
        self.fast = fast  # fsync off: a test server need not survive a power cut
        self.max_connections = max_connections
        self.dir: Path | None = None
        self.port = 0
        self.user: str | None = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(
            cmd, cwd=self.dir, capture_output=True, text=True, check=check, timeout=120
        )

    def start(self) -> PgServer:
        initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        self.dir = Path(tempfile.mkdtemp(prefix="yibao-pg-"))
        if self.user:
            try:
                pw = pwd.getpwnam(self.user)
            except KeyError:
                raise PgUnavailable("running as root but there is no postgres user") from None
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = self.dir / "data"
        try:
            self._run(
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
        except subprocess.CalledProcessError as exc:
            raise PgUnavailable(f"initdb failed: {exc.stderr.strip()[-500:]}") from None
        self.port = free_port()
        opts = [
            f"-p {self.port}",
            f"-k {self.dir}",
            "-c listen_addresses=127.0.0.1",
            f"-c max_connections={self.max_connections}",
        ]
        if self.fast:
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        try:
            self._run(
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(self.dir / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                " ".join(opts),
                "start",
            )
        except subprocess.CalledProcessError as exc:
            log = (self.dir / "log").read_text(errors="replace")[-800:] if self.dir else ""
            self.stop()
            raise PgUnavailable(f"pg_ctl start failed: {exc.stderr.strip()[-300:]} {log}") from None
        return self

    def stop(self) -> None:
        if self.dir is None:
            return
        with contextlib.suppress(Exception):
            self._run(
                find_bin("pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
                check=False,
            )
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(sql)


def start_or_skip() -> PgServer:
    """Start a server; when that fails, fail under CI and skip elsewhere."""
    try:
        return PgServer().start()
    except PgUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required under CI but could not start: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")


# --- fixtures (test modules use them with ``pytest_plugins = ["tests.pg"]``) ---------------------

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    server = start_or_skip()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A database migrated with ``yibao db upgrade`` (Alembic) that each test copies."""
    from yibao.accounts.db import upgrade

    pg_server.admin("CREATE DATABASE yibao_template")
    upgrade(pg_server.url("yibao_template"))
    return "yibao_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    from yibao.accounts.db import upgrade

    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def fresh_pg(server: PgServer, template: str) -> tuple[str, str]:
    name = f"t{os.getpid()}_{next(_names)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    return name, server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, migrated database on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "yibao.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("pg_server")
    name, url = fresh_pg(server, request.getfixturevalue("pg_template"))
    yield url
    with contextlib.suppress(Exception):
        server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_server, pg_template):
    """A fresh, migrated PostgreSQL database (the guarantees are proved there)."""
    name, url = fresh_pg(pg_server, pg_template)
    yield url
    with contextlib.suppress(Exception):
        pg_server.admin(f"DROP DATABASE {name} WITH (FORCE)")
