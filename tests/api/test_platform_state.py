"""The platform sandbox's state lives in the accounts database (``yibao.accounts.visits``): a stay
begun on one server object is continued on another (a restart, a second worker), every write is
all-or-nothing, and a hospital sees only its own visits — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from yibao.accounts.errors import AccountError
from yibao.accounts.idcard import make_id
from yibao.accounts.models import T
from yibao.accounts.service import Accounts
from yibao.accounts.visits import Visits
from yibao.api.auth import KeyStore
from yibao.asgi import create_app

pytest_plugins = ["tests.pg"]

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("his_client", ROOT / "examples" / "his_client.py")
his = importlib.util.module_from_spec(spec)
spec.loader.exec_module(his)  # type: ignore[union-attr]

TODAY = dt.date.today()
ADM = f"{TODAY - dt.timedelta(days=6):%Y-%m-%d} 09:00:00"
A, B = "H540001", "H540002"  # two hospitals of 拉萨


class World:
    """One database, one key store, and as many server objects on them as a test starts."""

    def __init__(self, url: str, keys: KeyStore) -> None:
        self.url, self.keys = url, keys
        self.services: list[Accounts] = []
        self.key = {h: keys.add(f"医院{h}", "hospital", hospital=h) for h in (A, B)}

    def server(self) -> TestClient:
        """A new app on the same database: what a restart or another worker sees."""
        svc = Accounts(self.url)
        self.services.append(svc)
        return TestClient(create_app(keys=self.keys, accounts=svc))

    def platform(self, client: TestClient, hospital: str = A, seq=None) -> his.Platform:
        p = his.Platform(client, self.key[hospital], hospital, "540100")
        if seq is not None:
            p.seq = seq  # msgids stay unique across server objects
        return p

    def count(self, table: str) -> int:
        with self.services[0].engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(T[table])).scalar_one()

    def close(self) -> None:
        for svc in self.services:
            svc.engine.dispose()


@pytest.fixture
def world(db_url, tmp_path):
    acc = Accounts(db_url)
    since = dt.date(TODAY.year, 1, 1)
    acc.open(
        "T001", "测试", make_id("540102", dt.date(1985, 4, 3), 17), "310", "540100", since=since
    )
    acc.engine.dispose()
    w = World(db_url, KeyStore(tmp_path / "keys.json"))
    w.server()  # services[0]: used for direct counts
    yield w
    w.close()


def sign_in(p: his.Platform) -> str:
    out = p.call("9001", {"signIn": {"opter_no": "1", "ip": "127.0.0.1"}})
    p.sign_no = out["signinoutb"]["sign_no"]
    return p.sign_no


def admit(p: his.Platform) -> str:
    return p.call(
        "2401",
        {"mdtrtinfo": {"psn_no": "T001", "insutype": "310", "begntime": ADM, "ipt_no": "ZY1",
                       "med_type": "21", "exp_content": {"hosp_lv": "3"}},
         "diseinfo": [{"diag_type": "1", "diag_code": "J18.9", "diag_name": "肺炎"}]},
        "540100",
    )["result"]["mdtrt_id"]  # fmt: skip


def line(mdtrt_id: str, sn: str, lv: str, amt: str, **extra) -> dict:
    return {"feedetl_sn": sn, "mdtrt_id": mdtrt_id, "psn_no": "T001", "med_list_codg": sn,
            "det_item_fee_sumamt": amt, "cnt": "1", "pric": amt, "chrgitm_lv": lv,
            "fee_ocur_time": ADM, **extra}  # fmt: skip


def post(p: his.Platform, infno: str, data: dict) -> dict:
    """The raw answer (infcode and err_msg), where ``call`` would raise."""
    r = p.client.post(
        f"/platform/{infno}",
        json=p.envelope(infno, data, "540100"),
        headers={"X-API-Key": p.key},
    )
    assert r.status_code == 200, r.text
    return r.json()


def settle_data(mdtrt_id: str, total: str) -> dict:
    return {"data": {"psn_no": "T001", "mdtrt_id": mdtrt_id, "medfee_sumamt": total,
                     "insutype": "310", "psn_setlway": "01", "mid_setl_flag": "0"}}  # fmt: skip


def test_a_stay_survives_a_restart_and_a_second_worker(world):
    """Admitted and billed on server 1; server 1 gone; the withdrawal (2302) and discharge on
    server 2, the settlement on server 3 while server 2 still runs (two workers).

    拉萨 employee, 三级 hospital, first stay of the year (packs: 起付线 700, 在职 85%), as in
    test_platform: 甲类 12000 + 乙类 3000 (先行自付 10% = 300) + 丙类 800, F4 甲类 500 withdrawn.
    医疗费总额 = 12000 + 3000 + 800 = 15800 (F4 gone: the withdrawal persisted);
    政策范围内 = 12000 + (3000 − 300) = 14700; 统筹 = (14700 − 700) × 85% = 11900.00;
    个人负担 = 15800 − 11900 = 3900.00, all cash (no account credits)."""
    one = world.platform(world.server())
    sign_in(one)
    mdtrt_id = admit(one)
    up = one.call("2301", {"feedetail": [
        line(mdtrt_id, "F1", "01", "12000.00"),
        line(mdtrt_id, "F2", "02", "3000.00", selfpay_prop="0.10"),
        line(mdtrt_id, "F3", "03", "800.00"),
        line(mdtrt_id, "F4", "01", "500.00"),
    ]}, "540100")  # fmt: skip
    # per line (2301 result), as the settlement splits them: 甲类 all in scope; 乙类 3000 ×
    # 10% = 300 先行自付, 2700 in scope; 丙类 800 全自费
    split = {r["feedetl_sn"]: (r["fulamt_ownpay_amt"], r["overlmt_amt"], r["preselfpay_amt"],
                               r["inscp_scp_amt"]) for r in up["result"]}  # fmt: skip
    assert split == {"F1": (0, 0, 0, 12000), "F2": (0, 0, 300, 2700), "F3": (800, 0, 0, 0),
                     "F4": (0, 0, 0, 500)}  # fmt: skip
    world.services.pop().engine.dispose()  # server 1 stops

    two = world.platform(world.server(), seq=one.seq)
    two.sign_no = one.sign_no  # the sign-in is remembered too
    two.call("2302", {"data": [{"feedetl_sn": "F4", "mdtrt_id": mdtrt_id, "psn_no": "T001"}]})
    two.call("2402", {"dscginfo": {"mdtrt_id": mdtrt_id, "psn_no": "T001", "insutype": "310",
                                   "endtime": f"{TODAY} 10:00:00", "dscg_way": "1"}})  # fmt: skip
    three = world.platform(world.server(), seq=one.seq)
    three.sign_no = one.sign_no
    visits = Visits(world.services[0].engine)
    stay = visits.get(mdtrt_id, A)
    assert stay is not None and stay.endtime == dt.datetime.combine(TODAY, dt.time(10))
    assert visits.diseinfo(stay) == [{"diag_type": "1", "diag_code": "J18.9", "diag_name": "肺炎"}]

    pre = two.call("2303", settle_data(mdtrt_id, "15800.00"))["setlinfo"]
    done = three.call("2304", settle_data(mdtrt_id, "15800.00"))["setlinfo"]
    assert done["medfee_sumamt"] == 15800 and done["preselfpay_amt"] == 300
    assert done["inscp_scp_amt"] == 14700 and done["hifp_pay"] == 11900
    assert done["psn_cash_pay"] == 3900 and pre["hifp_pay"] == 11900

    got = two.call("5203", {"data": {"psn_no": "T001", "setl_id": done["setl_id"]}})
    assert got["setlinfo"]["mdtrt_id"] == mdtrt_id and got["setlinfo"]["refd_setl_flag"] == "0"
    stmt = {"insutype": "310", "clr_type": "21", "stmt_begndate": f"{TODAY}",
            "stmt_enddate": f"{TODAY}", "medfee_sumamt": "15800.00",
            "fund_pay_sumamt": str(done["fund_pay_sumamt"]), "acct_pay": "0.00",
            "fixmedins_setl_cnt": 1}  # fmt: skip
    assert two.call("3201", {"data": stmt})["stmtinfo"]["stmt_rslt"] == "0"
    three.call("2305", {"data": {"mdtrt_id": mdtrt_id, "setl_id": done["setl_id"],
                                 "psn_no": "T001"}})  # fmt: skip
    got = two.call("5203", {"data": {"psn_no": "T001", "setl_id": done["setl_id"]}})
    assert got["setlinfo"]["refd_setl_flag"] == "1"  # the reversal on 3 is seen by 2


def test_uploaded_lines_are_split_as_the_settlement_splits_them(world):
    """2301/2204 answer each line's 全自费 / 超限价 / 先行自付 / 政策范围内, the figures the
    settlement sums. L1 乙类 (自付比例 10% on the line), 2 × 限价 100 = 200 allowed of 250:
    超限价 50; 先行自付 (250 − 50) × 10% = 20; in scope 180. L2 丙类 30: 全自费 30.
    Settlement (中途结算): 全自费 30, 超限价 50, 先行自付 20, in scope 180. A 乙类 line without
    a ratio, where the packs have none (拉萨), is stored with those amounts empty and a warning."""
    p = world.platform(world.server())
    sign_in(p)
    m = admit(p)
    up = p.call("2301", {"feedetail": [
        line(m, "L1", "02", "250.00", cnt="2", pric="125", pric_uplmt_amt="100",
             selfpay_prop="0.10"),
        line(m, "L2", "03", "30.00"),
    ]})  # fmt: skip
    split = [(r["fulamt_ownpay_amt"], r["overlmt_amt"], r["preselfpay_amt"], r["inscp_scp_amt"])
             for r in up["result"]]  # fmt: skip
    assert split == [(0, 50, 20, 180), (30, 0, 0, 0)]
    data = {"data": {**settle_data(m, "280.00")["data"], "mid_setl_flag": "1"}}
    s = p.call("2303", data)["setlinfo"]
    assert (s["fulamt_ownpay_amt"], s["overlmt_selfpay"], s["preselfpay_amt"]) == (30, 50, 20)
    assert s["inscp_scp_amt"] == 180

    reg = p.call("2201", {"data": {"psn_no": "T001", "insutype": "310", "begntime": ADM,
                                   "ipt_otp_no": "MZ2", "exp_content": {"hosp_lv": "3"}}})  # fmt: skip
    body = post(p, "2204", {"feedetail": [line(reg["data"]["mdtrt_id"], "L3", "02", "9.00")]})
    assert body["infcode"] == 0 and "先行自付" in body["warn_msg"]
    assert body["output"]["result"][0]["preselfpay_amt"] is None


def test_fee_withdrawal_persists_and_follows_the_settlement(world):
    """2302 withdrawals are stored: a new server settles without them; after a settlement they
    are refused until it is reversed (2305), then allowed again — across restarts."""
    p = world.platform(world.server())
    sign_in(p)
    mdtrt_id = admit(p)
    p.call("2301", {"feedetail": [line(mdtrt_id, "F1", "01", "100.00"),
                                  line(mdtrt_id, "F2", "01", "50.00")]})  # fmt: skip
    p.call("2302", {"data": [{"feedetl_sn": "F2", "mdtrt_id": mdtrt_id, "psn_no": "T001"}]})

    q = world.platform(world.server(), seq=p.seq)
    q.sign_no = p.sign_no
    stale = post(q, "2303", {"data": {**settle_data(mdtrt_id, "150.00")["data"],
                                      "mid_setl_flag": "1"}})  # fmt: skip
    assert stale["infcode"] == -1 and "input.data.medfee_sumamt" in stale["err_msg"]
    assert "100.00" in stale["err_msg"]  # 已上传明细合计 100.00: only F1 is left
    data = {"data": {**settle_data(mdtrt_id, "100.00")["data"], "mid_setl_flag": "1"}}
    done = q.call("2304", data)["setlinfo"]
    assert done["medfee_sumamt"] == 100

    r = world.platform(world.server(), seq=p.seq)
    r.sign_no = p.sign_no
    refused = post(r, "2302", {"data": [{"feedetl_sn": "0000", "mdtrt_id": mdtrt_id}]})
    assert refused["infcode"] == -1 and "input.data.0.mdtrt_id" in refused["err_msg"]
    assert "2305" in refused["err_msg"]
    r.call("2305", {"data": {"mdtrt_id": mdtrt_id, "setl_id": done["setl_id"], "psn_no": "T001"}})
    r.call("2302", {"data": [{"feedetl_sn": "0000", "mdtrt_id": mdtrt_id}]})  # all of them
    empty = post(q, "2303", data)
    assert empty["infcode"] == -1 and "没有已上传的费用明细" in empty["err_msg"]


def test_another_hospital_cannot_read_or_alter_a_visit(world):
    """Hospital B, with its own key and sign-in, names hospital A's visit and settlement: each
    is answered as if it did not exist, and A's stay is unchanged."""
    a = world.platform(world.server())
    sign_in(a)
    mdtrt_id = admit(a)
    a.call("2301", {"feedetail": [line(mdtrt_id, "F1", "01", "100.00")]})
    data = {"data": {**settle_data(mdtrt_id, "100.00")["data"], "mid_setl_flag": "1"}}
    done = a.call("2304", data)["setlinfo"]

    b = world.platform(world.server(), B, seq=a.seq)
    b.sign_no = a.sign_no
    assert (
        "sign_no" in post(b, "2301", {"feedetail": [line(mdtrt_id, "F9", "01", "1")]})["err_msg"]
    )  # A's sign-in is not B's
    sign_in(b)
    attempts = [
        ("2301", {"feedetail": [line(mdtrt_id, "F9", "01", "1.00")]}, "input.feedetail.0.mdtrt_id"),
        ("2302", {"data": [{"feedetl_sn": "0000", "mdtrt_id": mdtrt_id}]}, "input.data.0.mdtrt_id"),
        ("2402", {"dscginfo": {"mdtrt_id": mdtrt_id, "endtime": f"{TODAY} 10:00:00"}},
         "input.dscginfo.mdtrt_id"),
        ("2303", settle_data(mdtrt_id, "100.00"), "input.data.mdtrt_id"),
        ("2305", {"data": {"mdtrt_id": mdtrt_id, "setl_id": done["setl_id"], "psn_no": "T001"}},
         "input.data.mdtrt_id"),
        ("5203", {"data": {"psn_no": "T001", "setl_id": done["setl_id"]}}, "input.data.setl_id"),
    ]  # fmt: skip
    for infno, data, field in attempts:
        body = post(b, infno, data)
        assert body["infcode"] == -1 and field in body["err_msg"], (infno, body["err_msg"])
        assert "不存在" in body["err_msg"]
    stmt = {"insutype": "310", "stmt_begndate": f"{TODAY}", "stmt_enddate": f"{TODAY}",
            "medfee_sumamt": "0", "fund_pay_sumamt": "0", "acct_pay": "0",
            "fixmedins_setl_cnt": 0}  # fmt: skip
    assert b.call("3201", {"data": stmt})["stmtinfo"]["stmt_rslt"] == "0"  # A's is not B's
    got = a.call("5203", {"data": {"psn_no": "T001", "setl_id": done["setl_id"]}})
    assert got["setlinfo"]["refd_setl_flag"] == "0"  # not reversed by B
    visits = Visits(world.services[0].engine)
    assert [f.feedetl_sn for f in visits.fees(visits.get(mdtrt_id, A))] == ["F1"]


@pytest.mark.parametrize(
    ("infno", "data", "field"),
    [
        # the third line is bad: the first two are not stored either
        ("2301", lambda m: {"feedetail": [line(m, "F1", "01", "1.00"), line(m, "F2", "01", "2"),
                                          line(m, "F3", "09", "3")]},
         "input.feedetail.2.chrgitm_lv"),
        # the same serial number twice in one upload
        ("2301", lambda m: {"feedetail": [line(m, "F1", "01", "1.00"), line(m, "F1", "01", "2")]},
         "input.feedetail.1.feedetl_sn"),
        ("2301", lambda m: {"feedetail": [line(m, "F" * 31, "01", "1.00")]},
         "input.feedetail.0.feedetl_sn"),
        ("2301", lambda m: {"feedetail": [line(m, "F\x00", "01", "1.00")]},
         "input.feedetail.0.feedetl_sn"),
        ("2301", lambda m: {"feedetail": [line(m, "F1", "01", "-1.00")]},
         "input.feedetail.0.det_item_fee_sumamt"),
        # a withdrawal of two lines, the second unknown: the first stays
        ("2302", lambda m: {"data": [{"feedetl_sn": "K1", "mdtrt_id": m},
                                     {"feedetl_sn": "NOPE", "mdtrt_id": m}]},
         "input.data.1.feedetl_sn"),
        ("2402", lambda m: {"dscginfo": {"mdtrt_id": m, "endtime": "2000-01-01 00:00:00"}},
         "input.dscginfo.endtime"),
        ("2402", lambda m: {"dscginfo": {"mdtrt_id": m, "endtime": f"{TODAY} 10:00:00"},
                            "diseinfo": "J18.9"}, "input.diseinfo"),
        ("3201", lambda m: {"data": {"insutype": "310", "stmt_begndate": f"{TODAY}",
                                     "stmt_enddate": f"{TODAY}", "medfee_sumamt": "0",
                                     "fund_pay_sumamt": "0", "acct_pay": "0",
                                     "fixmedins_setl_cnt": "x"}},
         "input.data.fixmedins_setl_cnt"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_writes_nothing(world, infno, data, field):
    p = world.platform(world.server())
    sign_in(p)
    mdtrt_id = admit(p)
    p.call("2301", {"feedetail": [line(mdtrt_id, "K1", "01", "5.00")]})
    before = {t: world.count(t) for t in ("visits", "visit_fees", "visit_settlements")}
    visits = Visits(world.services[0].engine)
    before_visit = visits.get(mdtrt_id, A)
    body = post(p, infno, data(mdtrt_id))
    assert body["infcode"] == -1 and field in body["err_msg"], body["err_msg"]
    assert body["output"] == {}
    assert {t: world.count(t) for t in before} == before
    assert [f.feedetl_sn for f in visits.fees(before_visit)] == ["K1"]
    assert visits.get(mdtrt_id, A) == before_visit  # no discharge written


@pytest.mark.parametrize(
    ("mdtrtinfo", "field"),
    [
        ({"ipt_no": "Z\x01"}, "input.mdtrtinfo.ipt_no"),
        ({"ipt_no": "Z" * 31}, "input.mdtrtinfo.ipt_no"),
        ({"begntime": "yesterday"}, "input.mdtrtinfo.begntime"),
    ],
)
def test_bad_admission_opens_no_visit(world, mdtrtinfo, field):
    p = world.platform(world.server())
    sign_in(p)
    info = {"psn_no": "T001", "insutype": "310", "begntime": ADM, "ipt_no": "ZY1",
            "exp_content": {"hosp_lv": "3"}, **mdtrtinfo}  # fmt: skip
    body = post(p, "2401", {"mdtrtinfo": info})
    assert body["infcode"] == -1 and field in body["err_msg"], body["err_msg"]
    assert world.count("visits") == 0


def test_a_visit_is_settled_once(world):
    """A second 2304 under a new msgid is refused and writes no second settlement (it used to be
    committed first and refused after); a retry under the first msgid returns the first."""
    p = world.platform(world.server())
    sign_in(p)
    mdtrt_id = admit(p)
    p.call("2301", {"feedetail": [line(mdtrt_id, "F1", "01", "100.00")]})
    data = {"data": {**settle_data(mdtrt_id, "100.00")["data"], "mid_setl_flag": "1"}}
    env = p.envelope("2304", data, "540100")
    first = p.client.post("/platform/2304", json=env, headers={"X-API-Key": p.key}).json()
    again = p.client.post("/platform/2304", json=env, headers={"X-API-Key": p.key}).json()
    assert first["infcode"] == again["infcode"] == 0
    assert first["output"]["setlinfo"]["setl_id"] == again["output"]["setlinfo"]["setl_id"]
    second = post(p, "2304", data)  # a new msgid
    assert second["infcode"] == -1 and "input.data.mdtrt_id" in second["err_msg"]
    assert first["output"]["setlinfo"]["setl_id"] in second["err_msg"]
    assert world.count("settlements") == 1 and world.count("visit_settlements") == 1


def test_a_settlement_on_changed_fee_details_is_not_committed(world):
    """The link is checked in the settlement's own transaction: fee details read before a
    change (here a line added meanwhile) refuse the settlement, and nothing is written."""
    p = world.platform(world.server())
    sign_in(p)
    mdtrt_id = admit(p)
    p.call("2301", {"feedetail": [line(mdtrt_id, "F1", "01", "100.00")]})
    svc = world.services[0]
    visits = Visits(svc.engine)
    v = visits.get(mdtrt_id, A)
    read = visits.fees(v)
    p.call("2301", {"feedetail": [line(mdtrt_id, "F2", "01", "50.00")]})  # meanwhile
    from yibao.settlement.model import Claim

    claim = Claim.model_validate({
        "person": {"psn_no": "T001", "insutype": "310", "psn_type": "1101",
                   "insuplc_admdvs": "540100"},
        "encounter": {"med_type": "21", "hosp_lv": 3, "mdtrtarea_admvs": "540100",
                      "begndate": TODAY, "enddate": TODAY},
        "fees": [f.line for f in read],
    })  # fmt: skip
    with pytest.raises(AccountError, match="费用明细已变更") as exc:
        svc.settle(claim, "K-stale", link=visits.link(v, read, TODAY))
    assert exc.value.field == "input.data.mdtrt_id"
    assert world.count("settlements") == 0 and world.count("ledger_entries") == 0
    assert sum((Decimal(f.line["amount"]) for f in visits.fees(v)), Decimal(0)) == 150


def test_two_workers_settling_one_visit_at_once_settle_it_once(world):
    """Two server objects (two workers) post 2304 for the same stay at the same moment, each
    under its own msgid: one settlement is committed and linked, the other is refused."""
    import threading

    a = world.platform(world.server())
    sign_in(a)
    mdtrt_id = admit(a)
    a.call("2301", {"feedetail": [line(mdtrt_id, "F1", "01", "100.00")]})
    data = {"data": {**settle_data(mdtrt_id, "100.00")["data"], "mid_setl_flag": "1"}}
    workers = [world.platform(world.server(), seq=a.seq) for _ in range(2)]
    envs = []
    for w in workers:
        w.sign_no = a.sign_no
        envs.append(w.envelope("2304", data, "540100"))
    assert envs[0]["msgid"] != envs[1]["msgid"]
    start = threading.Barrier(2)
    answers: list[dict] = []

    def settle(w, env):
        start.wait()
        r = w.client.post("/platform/2304", json=env, headers={"X-API-Key": w.key})
        answers.append(r.json())

    threads = [
        threading.Thread(target=settle, args=pair) for pair in zip(workers, envs, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(x["infcode"] for x in answers) == [-1, 0], answers
    refused = next(x for x in answers if x["infcode"] == -1)
    assert "input.data.mdtrt_id" in refused["err_msg"]
    assert world.count("settlements") == 1 and world.count("visit_settlements") == 1
