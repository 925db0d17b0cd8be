"""Regression tests of the security review's API findings (review-2026-12-security.md), each
reproducing the reported failure first: F5 (database down or stalled), F6 (ID numbers in
tracebacks), F8 (500s on odd numbers), F9 (unbounded bodies, body before key), F12 (demo keys,
file modes), F13 (bare tokens in JSON), F14 (reads audited, CLI masking)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import stat
import sys
import threading
import time
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from yibao.accounts.db import make_engine, upgrade
from yibao.accounts.idcard import make_id
from yibao.accounts.service import Accounts
from yibao.api import limits
from yibao.api.auth import KeyStore
from yibao.api.store import audit_rows
from yibao.asgi import create_app
from yibao.cli.serve import MaskIds
from yibao.jsonout import dumps

ID_NO = make_id("540102", dt.date(1985, 4, 3), 17)
CLAIM = {
    "person": {"psn_no": "P1", "insutype": "310", "insuplc_admdvs": "540100"},
    "encounter": {"med_type": "21", "hosp_lv": 3, "mdtrtarea_admvs": "540100",
                  "begndate": "2025-05-01", "enddate": "2025-05-10"},
    "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "20000"}],
}  # fmt: skip


@pytest.fixture
def env(tmp_path, keys):
    url = f"sqlite:///{tmp_path / 'api.db'}"
    upgrade(url)
    accounts = Accounts(url)
    client = TestClient(create_app(keys=keys, accounts=accounts))
    staff = {"X-API-Key": keys.add("经办员甲", "staff")}
    return client, accounts, staff


# --- F9: bodies are bounded before parsing; the key is checked before the body -------------------


def test_f9_declared_oversize_body_is_413_before_reading(client):
    big = b"[" + b"1," * (limits.JSON_LIMIT // 2) + b"1]"
    r = client.post("/api/presettle", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem")


def test_f9_chunked_oversize_body_is_cut_off(client):
    def chunks():
        for _ in range(limits.JSON_LIMIT // 65536 + 2):
            yield b" " * 65536

    r = client.post(
        "/api/presettle", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413


def test_f9_anonymous_writes_are_refused_before_the_body_is_parsed(env):
    client, _, _ = env
    # a body that is not even JSON: 401 (not 422) shows the body was never parsed
    r = client.post("/api/settlements", content=b"{not json", headers={"Idempotency-Key": "x"})
    assert r.status_code == 401
    r = client.post("/api/jobs/simulate", content=b"--x\r\n", headers={"X-API-Key": "wrong"})
    assert r.status_code == 401
    upload = {"Content-Type": "multipart/form-data; boundary=x",
              "Content-Length": str(limits.UPLOAD_LIMIT + 1)}  # fmt: skip
    assert client.post("/api/jobs/simulate", content=b"", headers=upload).status_code == 413


# --- F5: an unavailable database is 503; public routes keep answering ---------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_f5_stopped_database_is_503_and_public_routes_answer(keys):
    down = Accounts(f"postgresql://postgres@127.0.0.1:{_closed_port()}/none")
    client = TestClient(create_app(keys=keys, accounts=down))
    staff = {"X-API-Key": keys.add("经办员", "staff")}
    r = client.get("/api/accounts/LS0001", headers=staff)
    assert r.status_code == 503 and r.headers["retry-after"]
    assert r.headers["content-type"].startswith("application/problem")
    assert "127.0.0.1" not in r.text  # no driver message with host and port
    assert client.get("/api/regions", params={"q": "拉萨"}).status_code == 200
    assert client.post("/api/presettle", json=CLAIM).status_code == 200


def test_f5_a_stalled_database_cannot_take_the_public_routes(env, monkeypatch):
    client, accounts, staff = env
    monkeypatch.setattr(limits, "DB_SLOTS", 2)
    monkeypatch.setattr(limits, "DB_WAIT", 0.3)
    client = TestClient(create_app(keys=client.app.state.keys, accounts=accounts))
    release = threading.Event()

    def stalled(psn_no):  # a database that does not answer
        release.wait(20)
        return {"psn_no": psn_no, "admdvs": "540100", "status": "open", "balance": Decimal(0)}

    monkeypatch.setattr(accounts, "balance", stalled)
    got: list[int] = []
    hung = [
        threading.Thread(
            target=lambda: got.append(client.get("/api/accounts/X", headers=staff).status_code)
        )
        for _ in range(2)
    ]
    for t in hung:
        t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    assert client.get("/api/regions", params={"q": "拉萨"}).status_code == 200
    assert time.monotonic() - t0 < 5
    busy = client.get("/api/accounts/Y", headers=staff)  # no slot within DB_WAIT
    assert busy.status_code == 503 and busy.headers["retry-after"]
    release.set()
    for t in hung:
        t.join(20)
    assert got == [200, 200]


# --- F8: numbers beyond the decimal context are 422 -------------------------------------------


@pytest.mark.parametrize(
    "fee",
    [
        {"code": "A", "chrg_item_lv": "01", "amount": "1e999999999"},
        {
            "code": "A",
            "chrg_item_lv": "01",
            "amount": "100",
            "price_limit": "1",
            "quantity": "1e30",
        },
    ],
)
def test_f8_huge_numbers_are_422(client, fee):
    r = client.post("/api/presettle", json={**CLAIM, "fees": [fee]})
    assert r.status_code == 422, r.text


# --- F13: no string becomes a bare token --------------------------------------------------------


def test_f13_strings_that_look_like_number_markers_stay_strings():
    for s in ("\u0000num:-", "\u0000num:1", "\\u0000num:2"):
        text = dumps({"psn_no": s, "amount": Decimal("700.00")})
        assert json.loads(text)["psn_no"] == s
        assert '"amount": 700.00' in text  # still exact digits


# --- F6: tracebacks are masked -----------------------------------------------------------------


def test_f6_tracebacks_are_masked():
    try:
        raise ValueError(f"DETAIL: Key (id_no)=({ID_NO}) already exists.")
    except ValueError:
        rec = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1,
                                "Exception in ASGI application", None, sys.exc_info())  # fmt: skip
    assert MaskIds().filter(rec)
    line = logging.Formatter().format(rec)
    assert ID_NO not in line and ID_NO[:4] + "*" * 10 + ID_NO[-4:] in line


# --- F12: demo keys only in demo mode; private files ---------------------------------------------


def test_f12_demo_keys_are_valid_only_in_demo_mode(tmp_path):
    path = tmp_path / "keys.json"
    demo_key = KeyStore(path, demo=True).add("演示经办员", "staff", demo=True)
    real_key = KeyStore(path).add("经办员", "staff")
    assert KeyStore(path, demo=True).lookup(demo_key) is not None
    assert KeyStore(path).lookup(demo_key) is None  # a later plain `yibao serve`
    assert KeyStore(path).lookup(real_key) is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_f12_sqlite_database_is_private(tmp_path):
    db = tmp_path / "sub" / "yibao.db"
    upgrade(f"sqlite:///{db}")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    db.chmod(0o644)  # an old world-readable file is made private on next open
    make_engine(f"sqlite:///{db}").dispose()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


# --- F14: reads of personal data are audited ---------------------------------------------------


def test_f14_reads_of_personal_data_are_audited(env):
    client, accounts, staff = env
    person = {"psn_no": "T001", "name": "测试", "id_no": ID_NO, "insutype": "310",
              "region": "拉萨", "since": "2025-01-01"}  # fmt: skip
    assert client.post("/api/accounts", json=person, headers=staff).status_code == 201
    assert client.get("/api/accounts/T001", headers=staff).status_code == 200
    r = client.get("/api/accounts/T001/statement?start=2025-01-01&end=2025-12-31", headers=staff)
    assert r.status_code == 200
    actions = [(r["actor"], r["action"], r["target"]) for r in audit_rows(accounts.engine)]
    assert ("经办员甲", "account.read", "T001") in actions
    assert ("经办员甲", "account.statement", "T001") in actions
    assert all(ID_NO not in str(r) for r in audit_rows(accounts.engine))
