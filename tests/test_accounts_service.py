"""The accounts service on SQLite and on a throwaway PostgreSQL (the same tests on both)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from yibao.accounts.audit import audit
from yibao.accounts.errors import AccountError
from yibao.accounts.idcard import make_id
from yibao.accounts.ledger import ENTRIES, POSTINGS, SETTLEMENTS
from yibao.accounts.service import Accounts
from yibao.policy.loader import parse_pack
from yibao.policy.resolve import default_policy
from yibao.settlement.engine import settle as engine_settle
from yibao.settlement.model import Claim, Ytd

pytest_plugins = ["tests.pg"]

LASA = "540100"
D = Decimal


def claim(
    psn: str,
    amount: str = "5000",
    *,
    psn_type: str = "in_service",
    day: str = "2025-03-05",
    insutype: str = "310",
) -> Claim:
    """An inpatient stay at a level-3 hospital in 拉萨 (deductible 700/500/400/300)."""
    return Claim.model_validate(
        {
            "person": {
                "psn_no": psn,
                "insutype": insutype,
                "psn_type": psn_type,
                "insuplc_admdvs": LASA,
            },
            "encounter": {
                "med_type": "21",
                "hosp_lv": 3,
                "mdtrtarea_admvs": LASA,
                "begndate": day,
                "enddate": day,
            },
            "fees": [{"code": "A", "chrg_item_lv": "01", "amount": amount}],
        }
    )


def person(
    acc: Accounts,
    psn: str,
    born: dt.date,
    seq: int,
    *,
    insutype: str = "310",
    psn_type: str = "in_service",
    region: str = LASA,
) -> None:
    acc.open(
        psn,
        f"测试{psn}",
        make_id("540102", born, seq),
        insutype,
        region,
        psn_type=psn_type,
        since=dt.date(2025, 1, 1),
    )


def fund(acc: Accounts, psn: str, months: int, base: str = "8000") -> None:
    for m in range(1, months + 1):
        acc.credit_month(psn, dt.date(2025, m, 1), base=base)


def counts(acc: Accounts) -> tuple[int, int, int]:
    with acc.engine.connect() as c:
        return tuple(
            c.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (ENTRIES, POSTINGS, SETTLEMENTS)
        )


def books_ok(acc: Accounts) -> None:
    with acc.engine.connect() as c:
        assert audit(c) == []


@pytest.fixture
def acc(db_url):
    a = Accounts(db_url)
    yield a
    a.engine.dispose()


@pytest.fixture
def family(acc):
    """P1 in service (6 months × 160.00 = 960.00), P2 its retired father, P3 a stranger."""
    person(acc, "P1", dt.date(1980, 5, 1), 11)
    person(acc, "P2", dt.date(1950, 5, 1), 13, psn_type="retired")
    person(acc, "P3", dt.date(1985, 1, 2), 15)
    fund(acc, "P1", 6)
    return acc


def test_open_validates_id_number(acc):
    with pytest.raises(AccountError, match=r"id_no：身份证号码校验码错误"):
        acc.open("X", "甲", "540102198005010111", "310", LASA)
    with pytest.raises(AccountError, match=r"sex"):
        acc.open("X", "甲", make_id("540102", dt.date(1980, 5, 1), 11), "310", LASA, sex="2")
    with pytest.raises(AccountError, match=r"region"):
        acc.open("X", "甲", make_id("540102", dt.date(1980, 5, 1), 11), "310", "火星")
    assert counts(acc) == (0, 0, 0)
    person(acc, "P1", dt.date(1980, 5, 1), 11)
    with pytest.raises(AccountError, match=r"psn_no：人员编号 P1 已登记"):
        person(acc, "P1", dt.date(1980, 5, 1), 13)


def test_monthly_credit_from_the_packs(family):
    acc = family
    assert acc.balance("P1")["balance"] == D("960.00")  # 8000 × 2%
    with pytest.raises(AccountError, match=r"month：2025-01 已为 P1 划入"):
        acc.credit_month("P1", dt.date(2025, 1, 15), base="8000")
    # 拉萨 records no fixed credit for retirees: refused, naming the parameter
    with pytest.raises(AccountError, match=r"retired_monthly_credit"):
        acc.credit_month("P2", dt.date(2025, 1, 1))
    with pytest.raises(AccountError, match=r"base"):
        acc.credit_month("P1", dt.date(2025, 7, 1))
    books_ok(acc)


def test_retiree_credit_where_the_city_has_one(db_url):
    pack = parse_pack(
        """
admdvs: "540100"
name: 拉萨市（测试）
sources:
  t: {title: 测试, doc_no: 测试〔2025〕1号, read: 2026-11-27, confidence: official}
parameters:
  employee.account.retired_monthly_credit: [{since: 2020-01-01, value: 95.50, source: t, article: 一}]
""",
        default_policy().catalogue,
        "test",
    )
    acc = Accounts(db_url, default_policy().with_overlay({LASA: pack}))
    person(acc, "R1", dt.date(1950, 5, 1), 13, psn_type="retired")
    assert acc.credit_month("R1", dt.date(2025, 2, 1))["amount"] == D("95.50")
    assert acc.balance("R1")["balance"] == D("95.50")
    acc.engine.dispose()


def test_settle_is_idempotent_and_reversal_exact(family):
    acc = family
    c = claim("P1")
    before = counts(acc)
    first = acc.settle(c, "K-1")
    info = first.settlement.setlinfo
    # 5000 in scope: 700 deductible, 85% of 4300 = 3655 pooled; 1345 own part, 960 from account
    assert (info.hifp_pay, info.acct_pay, info.psn_cash_pay) == (
        D("3655.00"),
        D("960.00"),
        D("385.00"),
    )
    assert acc.balance("P1")["balance"] == D("0.00")
    after = counts(acc)
    again = acc.settle(c, "K-1")
    assert again.replayed and again.setl_id == first.setl_id
    assert again.settlement == first.settlement
    assert counts(acc) == after  # nothing written
    with pytest.raises(AccountError, match=r"idempotency_key：幂等键 K-1 已用于另一笔"):
        acc.settle(claim("P1", "6000"), "K-1")
    ytd = acc.ytd("P1", 2025)
    assert (ytd.stays, ytd.ip_dedc, ytd.hifp_paid) == (1, D("700.00"), D("3655.00"))
    # the second stay this year has the lower deductible (500)
    second = acc.settle(claim("P1", "1000", day="2025-04-01"), "K-2")
    assert second.settlement.setlinfo.act_pay_dedc == D("500.00")
    acc.reverse(second.setl_id)
    acc.reverse(first.setl_id)
    assert acc.balance("P1")["balance"] == D("960.00")
    assert acc.ytd("P1", 2025) == Ytd()
    with pytest.raises(AccountError, match=r"setl_id：结算 .* 已撤销，不能重复撤销"):
        acc.reverse(first.setl_id)
    assert counts(acc)[2] == before[2] + 2
    books_ok(acc)


def test_presettle_writes_nothing(family):
    before = counts(family)
    s = family.presettle(claim("P1"))
    assert s.setlinfo.acct_pay == D("960.00")
    assert counts(family) == before


def test_family_payment_needs_a_binding(family):
    acc = family
    c = claim("P2", psn_type="retired")
    before = counts(acc)
    with pytest.raises(AccountError, match=r"payer：P2 没有绑定到 P1 的家庭共济"):
        acc.settle(c, "F-1", payer="P1")
    with pytest.raises(AccountError, match=r"payer"):
        acc.pay("P2", "10", "drug-1", payer="P1")
    assert counts(acc) == before
    with pytest.raises(AccountError, match=r"relation"):
        acc.bind("P1", "P2", "同事", day=dt.date(2025, 2, 1))
    with pytest.raises(AccountError, match=r"relation：被共济人是子女"):
        acc.bind("P1", "P2", "儿子", day=dt.date(2025, 2, 1))
    acc.bind("P1", "P2", "父亲", day=dt.date(2025, 2, 1))
    s = acc.settle(c, "F-1", payer="P1").settlement.setlinfo
    # retired: 700 deductible + 9% of 4300 = 1087 own part; the son's account pays 960 of it
    assert (s.acct_pay, s.acct_mulaid_pay, s.psn_cash_pay) == (
        D("960.00"),
        D("960.00"),
        D("127.00"),
    )
    assert acc.balance("P1")["balance"] == D("0.00")
    acc.unbind("P1", "P2", day=dt.date(2025, 5, 1))
    with pytest.raises(AccountError, match=r"payer"):
        acc.settle(claim("P2", psn_type="retired", day="2025-06-01"), "F-2", payer="P1")
    books_ok(acc)


def test_overdraft_refused(family):
    acc = family
    before = counts(acc)
    with pytest.raises(
        AccountError, match=r"amount：个人账户余额不足：余额960.00元，需支付960.01元"
    ):
        acc.pay("P1", "960.01", "drug-1")
    assert counts(acc) == before
    assert acc.pay("P1", "960.00", "drug-2")["balance"] == D("0.00")
    books_ok(acc)


def test_claim_must_match_the_enrolment(family):
    with pytest.raises(AccountError, match=r"person.psn_type"):
        family.settle(claim("P1", psn_type="retired"), "M-1")
    with pytest.raises(AccountError, match=r"person.psn_no：参保人 NOBODY 不存在"):
        family.settle(claim("NOBODY"), "M-2")
    with pytest.raises(AccountError, match=r"encounter.enddate"):
        family.settle(claim("P1", day="2024-12-01"), "M-3")


def test_withdrawal(family):
    acc = family
    before = counts(acc)
    with pytest.raises(AccountError, match=r"reason：“把医保个人账户的钱提现"):
        acc.withdraw("P1", "提现", [], day=dt.date(2025, 7, 1))
    with pytest.raises(AccountError, match=r"reason：.*不包括"):
        acc.withdraw("P1", "military", [], day=dt.date(2025, 7, 1))
    with pytest.raises(AccountError, match=r"materials：缺少材料：国外定居证明"):
        acc.withdraw("P1", "emigration", [], day=dt.date(2025, 7, 1))
    assert counts(acc) == before
    out = acc.withdraw("P1", "出国定居", ["国外定居证明"], day=dt.date(2025, 7, 1))
    assert out["amount"] == D("960.00") and out["kind"] == "withdrawal"
    with pytest.raises(AccountError, match=r"psn_no"):
        acc.balance("P1")
    with pytest.raises(AccountError, match=r"psn_no"):
        acc.credit_month("P1", dt.date(2025, 8, 1), base="8000")
    st = acc.statement("P1", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert st["closing"] == D("0.00") and st["lines"][-1]["kind"] == "withdrawal"
    books_ok(acc)


def test_transfer_moves_balance_and_months(family):
    acc = family
    acc.bind("P1", "P2", "parent", day=dt.date(2025, 2, 1))
    with pytest.raises(AccountError, match=r"to_region：转出地与转入地属于同一统筹地区"):
        acc.transfer("P1", "拉萨", day=dt.date(2025, 7, 1))
    out = acc.transfer("P1", "成都", day=dt.date(2025, 7, 1))
    assert (out["to"], out["moved"], out["bindings_ended"]) == ("510100", D("960.00"), 1)
    assert acc.balance("P1") == {
        "psn_no": "P1",
        "admdvs": "510100",
        "status": "open",
        "balance": D("960.00"),
    }
    st = acc.statement("P1", dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    assert [ln["kind"] for ln in st["lines"]] == ["transfer_out", "transfer_in"]
    assert st["opening"] == st["closing"] == D("960.00")
    books_ok(acc)


def test_statement_for_a_period(family):
    acc = family
    acc.settle(claim("P1", "1000", day="2025-07-05"), "S-1")
    st = acc.statement("P1", dt.date(2025, 6, 1), dt.date(2025, 7, 31))
    assert st["opening"] == D("800.00")
    assert [(ln["kind"], ln["amount"], ln["balance"]) for ln in st["lines"]] == [
        ("credit", D("160.00"), D("960.00")),
        ("payment", D("-745.00"), D("215.00")),  # 700 deductible + 15% of 300
    ]
    assert st["closing"] == acc.balance("P1")["balance"] == D("215.00")
    with pytest.raises(AccountError, match=r"end"):
        acc.statement("P1", dt.date(2025, 3, 1), dt.date(2025, 2, 1))


def test_resident_without_account_settles(acc):
    """A resident (石家庄) has no personal account: the settlement still books its accumulators."""
    acc.open(
        "R1",
        "居民",
        make_id("130102", dt.date(1990, 1, 1), 21),
        "390",
        "130100",
        since=dt.date(2025, 1, 1),
    )
    c = Claim.model_validate(
        {
            "person": {"psn_no": "R1", "insutype": "390", "insuplc_admdvs": "130100"},
            "encounter": {
                "med_type": "21",
                "hosp_lv": 3,
                "mdtrtarea_admvs": "130100",
                "begndate": "2025-03-01",
                "enddate": "2025-03-02",
            },
            "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "3000"}],
        }
    )
    got = acc.settle(c, "R-1", trace=False).settlement
    assert got == engine_settle(c, acc.policy, trace=False)
    assert got.setlinfo.acct_pay == D("0.00")
    assert acc.ytd("R1", 2025) == got.ytd.model_copy(update={"acct_balance": D("0.00")})
    books_ok(acc)
