"""Generated requests from the OpenAPI spec (schemathesis): no input yields a 5xx, on SQLite and
on a real PostgreSQL (tests/pg.py), where the review found 500s SQLite never gives (F8: a NUL
byte in a stored string)."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from yibao.accounts.db import upgrade
from yibao.accounts.service import Accounts
from yibao.api.auth import KeyStore
from yibao.asgi import create_app

pytest_plugins = ["tests.pg"]

_tmp = Path(tempfile.mkdtemp(prefix="yibao-st-"))
_url = f"sqlite:///{_tmp / 'st.db'}"
upgrade(_url)
_keys = KeyStore(_tmp / "keys.json")
STAFF = _keys.add("模糊测试经办员", "staff")
SQLITE = Accounts(_url)
APP = create_app(keys=_keys, accounts=SQLITE)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def pg_accounts(pg_server, pg_template):
    from tests.pg import fresh_pg

    name, url = fresh_pg(pg_server, pg_template)
    accounts = Accounts(url)
    yield accounts
    accounts.engine.dispose()
    with contextlib.suppress(Exception):
        pg_server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """The books behind the app for this case: SQLite, or the module's PostgreSQL database."""
    APP.state.accounts = (
        SQLITE if request.param == "sqlite" else request.getfixturevalue("pg_accounts")
    )
    yield request.param
    APP.state.accounts = SQLITE


@schema.parametrize()
@settings(max_examples=18, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, backend):
    response = case.call(headers={"X-API-Key": STAFF})
    assert response.status_code < 500, (backend, case.method, case.path, response.text[:500])
