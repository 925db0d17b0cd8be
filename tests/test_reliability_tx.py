"""Regression tests of the security review's transaction findings (review-2026-12-security.md),
each reproducing the reported failure first, on SQLite and on a real PostgreSQL:

* F1  settlement, owner and audit row commit together: an audit insert that fails rolls the
      money back; every settlement has its owner and its audit row;
* F1b concurrent retries by the owning hospital all get the original settlement (no 403);
* F2  a claim whose totals leave the money range is refused before anything is written, and the
      person settles normally afterwards (PostgreSQL committed it, then failed);
* F3  full-width digits spell the same 身份证 (refused as a duplicate); implausible IDs refused;
* F6  concurrent openings of one person: one succeeds, the others are clear refusals;
* F7  opening is atomic: a refusal of the enrolment leaves no stranded person;
* F10 idempotency keys are namespaced per institution.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from tests.test_accounts_service import claim, fund, person
from yibao.accounts.audit import audit
from yibao.accounts.errors import AccountError
from yibao.accounts.idcard import make_id
from yibao.accounts.journal import AUDIT, Actor
from yibao.accounts.ledger import ENROLMENTS, PERSONS, SETTLEMENTS
from yibao.accounts.service import Accounts

pytest_plugins = ["tests.pg"]

HOSP_A = Actor("医院A", "hospital", "H001")
HOSP_B = Actor("医院B", "hospital", "H002")
STAFF = Actor("经办员", "staff")


def count(acc: Accounts, table, *where) -> int:
    with acc.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def break_audit(acc: Accounts) -> None:
    """Make every audit insert fail, as the review did (F1, reproduction 1)."""
    with acc.engine.begin() as conn:
        if acc.engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER audit_fail BEFORE INSERT ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit_fail'); END"
                )
            )
        else:
            conn.execute(
                text("ALTER TABLE audit_log ADD CONSTRAINT audit_fail CHECK (false) NOT VALID")
            )


@pytest.fixture
def acc(db_url):
    a = Accounts(db_url)
    person(a, "A", dt.date(1980, 5, 1), 11)
    fund(a, "A", 3, base="20000")  # 3 × 400.00 = 1200.00 in the personal account
    yield a
    a.engine.dispose()


def test_f1_a_failing_audit_insert_rolls_the_settlement_back(acc):
    before = acc.balance("A")["balance"]
    break_audit(acc)
    with pytest.raises(Exception, match=r"audit_fail|check constraint"):
        acc.settle(claim("A", "2000"), "f-1", by=HOSP_A)
    assert count(acc, SETTLEMENTS) == 0
    assert acc.balance("A")["balance"] == before
    assert acc.ytd("A", 2025).stays == 0
    with pytest.raises(Exception, match=r"audit_fail|check constraint"):
        acc.open("B", "乙", make_id("540102", dt.date(1990, 1, 1), 13), "310", "540100")
    assert count(acc, PERSONS, PERSONS.c.psn_no == "B") == 0


def test_f1_reversal_and_its_audit_row_commit_together(acc):
    done = acc.settle(claim("A", "2000"), "r-1", by=HOSP_A)
    break_audit(acc)
    with pytest.raises(Exception, match=r"audit_fail|check constraint"):
        acc.reverse(done.setl_id, by=HOSP_A)
    assert acc.settlement(done.setl_id)["status"] == "settled"  # the retry can still reverse


def test_f1_every_settlement_has_its_owner_and_audit_row(acc):
    a = acc.settle(claim("A", "800", day="2025-03-01"), "k1", by=HOSP_A)
    s = acc.settle(claim("A", "900", day="2025-03-02"), "k2", by=STAFF)
    assert acc.settlement(a.setl_id)["owner"] == "H001"
    assert acc.settlement(s.setl_id)["owner"] is None
    with acc.engine.connect() as conn:
        rows = conn.execute(
            select(AUDIT.c.actor, AUDIT.c.target).where(AUDIT.c.action == "settlement.settle")
        ).all()
    assert sorted(rows) == sorted([("医院A", str(a.setl_id)), ("经办员", str(s.setl_id))])


def test_f1b_concurrent_retries_by_the_owner_all_get_the_original(acc):
    barrier = threading.Barrier(8)

    def retry(_):
        barrier.wait(30)
        return acc.settle(claim("A", "1500"), "same-key", by=HOSP_A, trace=False)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(retry, range(8)))
    assert len({r.setl_id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert count(acc, SETTLEMENTS) == 1
    assert acc.ytd("A", 2025).stays == 1
    assert audit_clean(acc)


def audit_clean(acc: Accounts) -> bool:
    with acc.engine.connect() as conn:
        return audit(conn) == []


def test_f10_keys_are_namespaced_per_institution(acc):
    a = acc.settle(claim("A", "800", day="2025-03-01"), "A-1", by=HOSP_A)
    # hospital B's own "A-1" is another settlement: no refusal naming A's setl_id, no replay
    b = acc.settle(claim("A", "900", day="2025-03-02"), "A-1", by=HOSP_B)
    assert not b.replayed and b.setl_id != a.setl_id
    # B pre-using "A-2" does not block A's later "A-2"
    acc.settle(claim("A", "700", day="2025-03-03"), "A-2", by=HOSP_B)
    a2 = acc.settle(claim("A", "750", day="2025-03-04"), "A-2", by=HOSP_A)
    assert not a2.replayed
    # and A's retry still replays A's own
    assert acc.settle(claim("A", "800", day="2025-03-01"), "A-1", by=HOSP_A).setl_id == a.setl_id
    assert audit_clean(acc)


def test_f2_totals_beyond_the_money_range_are_refused_before_writing(acc):
    big = claim("A", "600000000000")
    huge = big.model_copy(update={"fees": big.fees * 2})  # 1.2 × 10^12 yuan in total
    with pytest.raises(AccountError) as exc:
        acc.settle(huge, "big-1", by=HOSP_A)
    assert exc.value.field == "claim.fees"
    assert count(acc, SETTLEMENTS) == 0
    # two claims of 5 × 10^11 each: the second would take the year totals past 10^12
    acc.settle(claim("A", "500000000000", day="2025-03-01"), "big-2", by=HOSP_A)
    with pytest.raises(AccountError):
        acc.settle(claim("A", "500000000000", day="2025-03-02"), "big-3", by=HOSP_A)
    assert count(acc, SETTLEMENTS) == 1
    # the person is not poisoned: an ordinary settlement, its replay and the checker work
    ok = acc.settle(claim("A", "10", day="2025-03-03"), "small", by=HOSP_A)
    assert acc.settle(claim("A", "10", day="2025-03-03"), "small", by=HOSP_A).replayed
    assert acc.settlement(ok.setl_id)["status"] == "settled"
    assert audit_clean(acc)


def test_f3_full_width_digits_are_the_same_id_number(acc):
    ascii_id = make_id("540102", dt.date(1985, 5, 5), 123)
    acc.open("V0", "同一人", ascii_id, "310", "540100", since=dt.date(2025, 1, 1))
    full = ascii_id[0] + "".join(chr(ord(c) + 0xFEE0) for c in ascii_id[1:17]) + ascii_id[17]
    arabic = ascii_id[0] + "".join(chr(0x0660 + int(c)) for c in ascii_id[1:17]) + ascii_id[17]
    with pytest.raises(AccountError) as exc:
        acc.open("V1", "同一人", full, "310", "540100", since=dt.date(2025, 1, 1))
    assert exc.value.field == "id_no" and "已登记" in exc.value.message
    with pytest.raises(AccountError) as exc:  # NFKC does not fold Arabic-Indic digits
        acc.open("V2", "同一人", arabic, "310", "540100", since=dt.date(2025, 1, 1))
    assert exc.value.field == "id_no"
    assert count(acc, PERSONS, PERSONS.c.psn_no.in_(["V1", "V2"])) == 0


@pytest.mark.parametrize(
    "id_no, why",
    [
        (make_id("540102", dt.date(2099, 12, 31), 11), "出生日期"),  # born in the future
        (make_id("100000", dt.date(1985, 1, 1), 11), "地址码"),  # no province 10
    ],
)
def test_f3_implausible_id_numbers_are_refused(acc, id_no, why):
    with pytest.raises(AccountError, match=why):
        acc.open("X1", "测试", id_no, "310", "540100", since=dt.date(2025, 1, 1))
    assert count(acc, PERSONS, PERSONS.c.psn_no == "X1") == 0


def test_f7_opening_is_atomic_and_names_are_normalised(acc):
    # the review's " TR1 ": stored once, as TR1, with its enrolment
    out = acc.open(" TR1 ", "空格", make_id("540102", dt.date(1970, 1, 1), 77), "310", "540100")
    assert out["psn_no"] == "TR1"
    assert count(acc, ENROLMENTS, ENROLMENTS.c.psn_no == "TR1") == 1
    # an enrolment refused (since before birth) leaves no person behind
    with pytest.raises(AccountError) as exc:
        acc.open(
            "TR2", "早", make_id("540102", dt.date(2000, 1, 1), 79), "310", "540100",
            since=dt.date(1999, 1, 1),
        )  # fmt: skip
    assert exc.value.field == "since"
    assert count(acc, PERSONS, PERSONS.c.psn_no == "TR2") == 0


def test_f8_nul_bytes_and_wrong_types_are_refusals_not_driver_errors(acc):
    with pytest.raises(AccountError) as exc:
        acc.open("N\x00", "名", make_id("540102", dt.date(1970, 1, 1), 81), "310", "540100")
    assert exc.value.field == "psn_no"
    with pytest.raises(AccountError) as exc:
        acc.bind("A", "B\x00", "spouse")
    assert exc.value.field == "beneficiary"
    with pytest.raises(AccountError) as exc:
        acc.settle(claim("A", "100"), "p-1", payer=123)  # type: ignore[arg-type]
    assert exc.value.field == "payer"


def test_f6_concurrent_openings_of_one_person(acc):
    id_no = make_id("540102", dt.date(1975, 6, 1), 33)
    barrier = threading.Barrier(6)

    def open_(i):
        barrier.wait(30)
        try:
            acc.open(f"C{i}", "并发", id_no, "310", "540100", since=dt.date(2025, 1, 1))
            return "ok"
        except AccountError as exc:
            return exc.field

    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(open_, range(6)))
    assert got.count("ok") == 1 and set(got) <= {"ok", "id_no", "psn_no"}
    assert count(acc, PERSONS, PERSONS.c.id_no == id_no) == 1


def test_review_bodies_over_http_get_4xx_and_store_nothing(db_url, tmp_path):
    """The review's F2, F3 and F7 bodies, sent as the review sent them, on both databases."""
    from fastapi.testclient import TestClient

    from yibao.api.auth import KeyStore
    from yibao.asgi import create_app

    keys = KeyStore(tmp_path / "keys.json")
    acc = Accounts(db_url)
    client = TestClient(create_app(keys=keys, accounts=acc))
    staff = {"X-API-Key": keys.add("经办员", "staff"), "Content-Type": "application/json"}
    hosp = {"X-API-Key": keys.add("医院", "hospital", hospital="H54010001")}
    same = make_id("540102", dt.date(1985, 5, 5), 123)
    wide = same[0] + "".join(chr(ord(c) + 0xFEE0) for c in same[1:17]) + same[17]
    for psn, id_no, code in (("V0", same, 201), ("V1", wide, 422)):
        body = {"psn_no": psn, "name": "同一人", "id_no": id_no, "insutype": "310",
                "region": "540100", "since": "2025-01-01"}  # fmt: skip
        assert client.post("/api/accounts", json=body, headers=staff).status_code == code
    body = {"psn_no": " TR1 ", "name": "空格", "id_no": make_id("540102", dt.date(1970, 1, 1), 77),
            "insutype": "310", "region": "540100"}  # fmt: skip
    r = client.post("/api/accounts", json=body, headers=staff)
    assert r.status_code == 201 and r.json()["psn_no"] == "TR1"
    fees = [{"code": c, "chrg_item_lv": "01", "amount": "600000000000"} for c in "AB"]
    claim_ = {"person": {"psn_no": "V0", "insutype": "310", "psn_type": "in_service",
                         "insuplc_admdvs": "540100"},
              "encounter": {"med_type": "21", "hosp_lv": 3, "mdtrtarea_admvs": "540100",
                            "begndate": "2025-11-20", "enddate": "2025-11-20"},
              "fees": fees}  # fmt: skip
    r = client.post("/api/settlements", json={"claim": claim_},
                    headers={**hosp, "Idempotency-Key": "big-1"})  # fmt: skip
    assert r.status_code == 422, r.text
    assert count(acc, SETTLEMENTS) == 0
    assert count(acc, PERSONS, PERSONS.c.psn_no == "V1") == 0
    assert count(acc, AUDIT, AUDIT.c.action == "account.open") == 2
    acc.engine.dispose()
