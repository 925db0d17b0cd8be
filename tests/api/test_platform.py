"""The national-platform sandbox over HTTP: both flows through /platform/{infno} with the
platform's envelopes, the example HIS client, and refusals that name the field."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yibao.accounts.db import upgrade
from yibao.accounts.idcard import make_id
from yibao.accounts.service import Accounts
from yibao.api.store import audit_rows
from yibao.asgi import create_app

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("his_client", ROOT / "examples" / "his_client.py")
his = importlib.util.module_from_spec(spec)
spec.loader.exec_module(his)  # type: ignore[union-attr]

TODAY = dt.date.today()
ID_NO = make_id("540102", dt.date(1985, 4, 3), 17)


@pytest.fixture
def sandbox(tmp_path, keys):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    accounts = Accounts(url)
    since = dt.date(TODAY.year, 1, 1)
    accounts.open("T001", "测试", ID_NO, "310", "540100", since=since)
    accounts.open(
        "G001", "职工", make_id("440106", dt.date(1990, 1, 1), 22), "310", "440100", since=since
    )
    client = TestClient(create_app(keys=keys, accounts=accounts))
    key = keys.add("医院A", "hospital", hospital="H540001")
    return client, key, accounts


def test_example_client_runs_a_whole_inpatient_stay(sandbox):
    """拉萨 employee, 三级 hospital, first stay of the year (packs: 起付线 700, 在职 85%):
    甲类 12000 + 乙类 3000 (先行自付 10% = 300) + 丙类 800; F4 (500) uploaded then withdrawn.
    政策范围内 = 12000 + (3000 − 300) = 14700; 统筹 = (14700 − 700) × 85% = 11900.00;
    个人负担 = 15800 − 11900 = 3900.00, no account credits → all cash."""
    client, key, _ = sandbox
    out = his.inpatient_stay(
        his.Platform(client, key, "H540001", "540100"), "T001", TODAY, log=lambda *_: None
    )
    s = out["settle"]
    assert s["medfee_sumamt"] == 15800 and s["preselfpay_amt"] == 300
    assert s["inscp_scp_amt"] == 14700 and s["act_pay_dedc"] == 700
    assert s["hifp_pay"] == 11900 and s["psn_part_amt"] == 3900 and s["psn_cash_pay"] == 3900
    assert s["psn_type"] == "1101"  # 人员类别 code, not in_service
    assert out["presettle"]["hifp_pay"] == s["hifp_pay"]
    assert out["reconcile"]["stmt_rslt"] == "0"
    # after the reversal the institution's totals no longer match (nothing left settled)
    assert out["after_reversal"]["stmt_rslt"] == "1"


def _p(client, key, admvs="540100"):
    p = his.Platform(client, key, "H540001", admvs)
    p.sign_no = p.call("9001", {"signIn": {"opter_no": "1", "ip": "127.0.0.1"}})["signinoutb"][
        "sign_no"
    ]
    return p


def test_outpatient_flow(sandbox):
    """门诊: 2201 挂号 → 2203 就诊信息 → 2204 明细 → 2206 预结算 → 2207 结算 → 5203 → 2208."""
    client, key, _ = sandbox
    p = _p(client, key, "440100")
    reg = p.call(
        "2201",
        {"data": {"psn_no": "G001", "insutype": "310", "begntime": f"{TODAY} 09:00:00",
                  "mdtrt_cert_type": "02", "mdtrt_cert_no": "x", "ipt_otp_no": "MZ1",
                  "atddr_no": "D1", "dr_name": "医生", "dept_code": "A", "dept_name": "内科",
                  "caty": "A03", "exp_content": {"hosp_lv": "3"}}},
        "440100",
    )["data"]  # fmt: skip
    mdtrt_id = reg["mdtrt_id"]
    p.call("2203", {"mdtrtinfo": {"mdtrt_id": mdtrt_id, "psn_no": "G001", "med_type": "11",
                                  "begntime": f"{TODAY} 09:00:00"}}, "440100")  # fmt: skip
    up = p.call(
        "2204",
        {"feedetail": [{"feedetl_sn": "1", "mdtrt_id": mdtrt_id, "psn_no": "G001",
                        "med_list_codg": "X1", "det_item_fee_sumamt": "200.00", "cnt": "2",
                        "pric": "100", "chrg_item_lv": "01"}]},
        "440100",
    )  # fmt: skip
    assert up["result"][0]["chrgitm_lv"] == "01"
    data = {"psn_no": "G001", "mdtrt_id": mdtrt_id, "medfee_sumamt": "200.00", "insutype": "310",
            "med_type": "11", "acct_used_flag": "1"}  # fmt: skip
    pre = p.call("2206", {"data": data}, "440100")
    done = p.call("2207", {"data": data}, "440100")["setlinfo"]
    assert done["medfee_sumamt"] == pre["setlinfo"]["medfee_sumamt"] == 200
    assert done["medfee_sumamt"] == done["fund_pay_sumamt"] + done["psn_part_amt"]
    q = p.call("5203", {"data": {"psn_no": "G001", "setl_id": done["setl_id"]}}, "440100")
    assert q["setlinfo"]["setl_id"] == done["setl_id"]
    p.call(
        "2208",
        {"data": {"setl_id": done["setl_id"], "mdtrt_id": mdtrt_id, "psn_no": "G001"}},
        "440100",
    )
    again = client.post(
        "/platform/2208",
        json=p.envelope("2208", {"data": {"setl_id": done["setl_id"], "mdtrt_id": mdtrt_id,
                                          "psn_no": "G001"}}, "440100"),
        headers={"X-API-Key": key},
    ).json()  # fmt: skip
    assert again["infcode"] == -1 and "已撤销" in again["err_msg"]


def test_deprecated_fee_level_is_answered_with_a_warning(sandbox):
    client, key, _ = sandbox
    p = _p(client, key)
    mdtrt_id = p.call(
        "2401",
        {"mdtrtinfo": {"psn_no": "T001", "insutype": "310", "begntime": f"{TODAY} 08:00:00",
                       "ipt_no": "Z1", "exp_content": {"hosp_lv": "3"}}},
        "540100",
    )["result"]["mdtrt_id"]  # fmt: skip
    r = client.post(
        "/platform/2301",
        json=p.envelope("2301", {"feedetail": [{"feedetl_sn": "1", "mdtrt_id": mdtrt_id,
                        "psn_no": "T001", "med_list_codg": "X", "det_item_fee_sumamt": "10",
                        "chrg_item_lv": "01"}]}, "540100"),
        headers={"X-API-Key": key},
    )  # fmt: skip
    body = r.json()
    assert body["infcode"] == 0 and "chrgitm_lv" in body["warn_msg"]
    assert r.headers["Warning"].startswith("299 ")


@pytest.mark.parametrize(
    ("infno", "patch", "field"),
    [
        ("1101", {"msgid": "short"}, "msgid"),
        ("1101", {"mdtrtarea_admvs": "999999"}, "mdtrtarea_admvs"),
        ("1101", {"inf_time": "2025/01/01"}, "inf_time"),
        ("1101", {"sign_no": "nope"}, "sign_no"),
        (
            "2401",
            {
                "input": {
                    "mdtrtinfo": {
                        "psn_no": "T001",
                        "insutype": "310",
                        "exp_content": {"hosp_lv": 3},
                    }
                }
            },
            "begntime",
        ),
        (
            "2401",
            {
                "input": {
                    "mdtrtinfo": {
                        "psn_no": "T001",
                        "insutype": "310",
                        "begntime": "2025-01-01 08:00:00",
                        "ipt_no": "Z",
                    }
                }
            },
            "hosp_lv",
        ),
        ("2303", {"input": {"data": {"psn_no": "T001", "mdtrt_id": "M0"}}}, "mdtrt_id"),
        ("2304", {"input": {}}, "input.data"),
        # review F8: a superscript digit passes str.isdigit and a 5,000-digit number exceeds
        # int()'s digit limit; both were a 500 — now refusals naming setl_id
        ("5203", {"input": {"data": {"setl_id": "²"}}}, "setl_id"),
        ("5203", {"input": {"data": {"setl_id": "9" * 5000}}}, "setl_id"),
    ],
)
def test_refusals_name_the_field(sandbox, infno, patch, field):
    client, key, _ = sandbox
    p = _p(client, key)
    env = {**p.envelope(infno, {"data": {"psn_no": "T001"}}, "540100"), **patch}
    r = client.post(f"/platform/{infno}", json=env, headers={"X-API-Key": key})
    assert r.status_code == 200
    body = r.json()
    assert body["infcode"] == -1 and field in body["err_msg"], body["err_msg"]
    assert body["inf_refmsgid"].startswith(env["mdtrtarea_admvs"][:6]) or body["inf_refmsgid"]
    assert len(body["refmsg_time"]) == 17 and len(body["respond_time"]) == 17


def test_unsigned_public_and_other_institution(sandbox):
    client, key, _ = sandbox
    p = his.Platform(client, key, "H540001", "540100")
    assert client.post("/platform/9001", json=p.envelope("9001", {}, None)).status_code == 401
    other = his.Platform(client, key, "H999999", "540100")
    r = client.post("/platform/9001", json=other.envelope("9001", {"signIn": {"opter_no": "1", "ip": "x"}}, None),
                    headers={"X-API-Key": key}).json()  # fmt: skip
    assert r["infcode"] == -1 and "fixmedins_code" in r["err_msg"]
    r = client.post(
        "/platform/9999", json={**p.envelope("9999", {}, None)}, headers={"X-API-Key": key}
    ).json()
    assert r["infcode"] == -1 and "9001" in r["err_msg"]


def test_example_client_script_against_a_live_server(sandbox, capsys):
    """The script as an HIS developer runs it: its own httpx client, a real uvicorn server."""
    import socket
    import threading
    import time

    import uvicorn

    client, key, _ = sandbox
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(client.app, host="127.0.0.1", port=port, log_level="error")
    )
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        rc = his.main(["--url", f"http://127.0.0.1:{port}", "--key", key,
                       "--fixmedins", "H540001", "--psn-no", "T001"])  # fmt: skip
    finally:
        server.should_exit = True
        t.join(5)
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "2304 结算" in out and "2305 结算撤销" in out


def test_person_info_read_is_audited(sandbox):
    """Review F14: 1101 returns personal data, so each read leaves an audit row naming the
    reader and the person (and never the full ID number)."""
    client, key, accounts = sandbox
    p = _p(client, key)
    before = [r for r in audit_rows(accounts.engine) if r["action"] == "platform.1101"]
    p.call("1101", {"data": {"psn_no": "T001"}})
    after = [r for r in audit_rows(accounts.engine) if r["action"] == "platform.1101"]
    assert len(after) == len(before) + 1
    assert any(r["target"] == "T001" for r in after)
    assert all(ID_NO not in str(r) for r in after)
