"""Generated requests from the OpenAPI spec (schemathesis): no input yields a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from yibao.accounts.db import upgrade
from yibao.accounts.service import Accounts
from yibao.api.auth import KeyStore
from yibao.asgi import create_app

_tmp = Path(tempfile.mkdtemp(prefix="yibao-st-"))
_url = f"sqlite:///{_tmp / 'st.db'}"
upgrade(_url)
_keys = KeyStore(_tmp / "keys.json")
STAFF = _keys.add("模糊测试经办员", "staff")
APP = create_app(keys=_keys, accounts=Accounts(_url))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    response = case.call(headers={"X-API-Key": STAFF})
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
