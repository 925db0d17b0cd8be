"""Role boundaries, idempotent settlement, masking and the audit log over HTTP (SQLite)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from yibao.accounts.db import upgrade
from yibao.accounts.idcard import make_id
from yibao.accounts.service import Accounts
from yibao.api.store import audit_rows
from yibao.asgi import create_app

ID_NO = make_id("540102", __import__("datetime").date(1985, 4, 3), 17)


@pytest.fixture
def env(tmp_path, keys):
    url = f"sqlite:///{tmp_path / 'api.db'}"
    upgrade(url)
    accounts = Accounts(url)
    client = TestClient(create_app(keys=keys, accounts=accounts))
    staff = {"X-API-Key": keys.add("经办员甲", "staff")}
    hosp_a = {"X-API-Key": keys.add("医院A", "hospital", hospital="H001")}
    hosp_b = {"X-API-Key": keys.add("医院B", "hospital", hospital="H002")}
    return client, accounts, staff, hosp_a, hosp_b


PERSON = {"psn_no": "T001", "name": "测试", "id_no": ID_NO, "insutype": "310", "region": "拉萨",
          "since": "2025-01-01"}  # fmt: skip
CLAIM = {
    "person": {"psn_no": "T001", "insutype": "310", "insuplc_admdvs": "540100"},
    "encounter": {"med_type": "21", "hosp_lv": 3, "mdtrtarea_admvs": "540100",
                  "begndate": "2025-05-01", "enddate": "2025-05-10"},
    "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "20000"}],
}  # fmt: skip


def test_public_and_hospital_cannot_write_accounts(env):
    client, _, staff, hosp_a, _ = env
    assert client.post("/api/accounts", json=PERSON).status_code == 401
    r = client.post("/api/accounts", json=PERSON, headers=hosp_a)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem")
    assert client.get("/api/accounts/T001", headers=hosp_a).status_code == 403
    assert (
        client.post("/api/accounts", json=PERSON, headers={"X-API-Key": "nope"}).status_code == 401
    )
    r = client.post("/api/accounts", json=PERSON, headers=staff)
    assert r.status_code == 201
    # the ID number is masked in the response: first 4 and last 4 characters only
    assert r.json()["id_no"] == ID_NO[:4] + "*" * 10 + ID_NO[-4:]
    assert ID_NO not in r.text


def test_bad_account_input_names_field_and_writes_nothing(env):
    client, _, staff, _, _ = env
    bad = {**PERSON, "id_no": ID_NO[:-1] + ("0" if ID_NO[-1] != "0" else "1")}  # wrong checksum
    r = client.post("/api/accounts", json=bad, headers=staff)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "id_no"
    assert client.get("/api/accounts/T001", headers=staff).status_code == 404


def test_settle_idempotent_owned_and_reversed_once(env):
    client, accounts, staff, hosp_a, hosp_b = env
    client.post("/api/accounts", json=PERSON, headers=staff)
    body = {"claim": CLAIM}
    assert client.post("/api/settlements", json=body, headers=hosp_a).status_code == 422  # no key
    first = client.post("/api/settlements", json=body, headers={**hosp_a, "Idempotency-Key": "k1"})
    assert first.status_code == 200, first.text
    setl_id = first.json()["setl_id"]
    # 拉萨 三级, 1st stay: (20000 − 700) × 85% = 16405.00
    assert first.json()["setlinfo"]["hifp_pay"] == 16405.00
    again = client.post("/api/settlements", json=body, headers={**hosp_a, "Idempotency-Key": "k1"})
    assert again.json()["setl_id"] == setl_id and again.json()["replayed"] is True
    # the second settlement of the year would use the 2nd-stay deductible (500); the replay did
    # not count a stay
    assert accounts.ytd("T001", 2025).stays == 1
    # hospital B may neither read nor reverse A's settlement
    assert client.get(f"/api/settlements/{setl_id}", headers=hosp_b).status_code == 403
    assert client.post(f"/api/settlements/{setl_id}/reverse", headers=hosp_b).status_code == 403
    assert client.post(f"/api/settlements/{setl_id}/reverse", headers=hosp_a).status_code == 200
    assert accounts.ytd("T001", 2025).stays == 0
    twice = client.post(f"/api/settlements/{setl_id}/reverse", headers=hosp_a)
    assert twice.status_code == 422 and "不能重复撤销" in twice.json()["detail"]
    fhir = client.get(f"/settlements/{setl_id}/fhir", headers=hosp_a)
    assert fhir.status_code == 200 and fhir.json()["resourceType"] == "ClaimResponse"
    # every write is in the audit log with who did it
    actions = [(r["actor"], r["action"]) for r in audit_rows(accounts.engine)]
    assert ("经办员甲", "account.open") in actions
    assert ("医院A", "settlement.settle") in actions and ("医院A", "settlement.reverse") in actions
    assert all(ID_NO not in str(r) for r in audit_rows(accounts.engine))
