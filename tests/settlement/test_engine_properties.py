"""Invariants of the scalar engine (DESIGN.md) on random claims under a fixed test policy."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.settlement.fixture_policy import fixture_policy
from yibao.settlement.engine import reverse, settle
from yibao.settlement.model import Claim, SetlInfo

POLICY = fixture_policy()
CAPS = {"310": Decimal("300000"), "390": Decimal("200000")}

fen = st.integers(min_value=0, max_value=30_000_000).map(lambda f: Decimal(f) / 100)
small_fen = st.integers(min_value=0, max_value=500_000_00).map(lambda f: Decimal(f) / 100)


@st.composite
def fee_lines(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    lines = []
    for i in range(n):
        lv = draw(st.sampled_from(["01", "02", "03"]))
        line = {"code": f"I{i}", "chrg_item_lv": lv, "amount": draw(fen)}
        if draw(st.booleans()):
            line["price_limit"] = draw(fen)
        if lv == "02" and draw(st.booleans()):
            line["selfpay_prop"] = draw(st.sampled_from(["0.05", "0.10", "0.20"]))
        lines.append(line)
    return lines


@st.composite
def claims(draw):
    insutype = draw(st.sampled_from(["310", "390"]))
    med_type = draw(st.sampled_from(["11", "14", "21", "22"]))
    level = draw(st.sampled_from([1, 2, 3] if med_type != "11" else [0, 1, 2, 3]))
    treated = draw(st.sampled_from(["540100", "540400", "110000", "440100"]))
    cap = CAPS[insutype]
    ytd = {
        "stays": draw(st.integers(min_value=0, max_value=6)),
        "ip_inscp": draw(small_fen),
        "hifp_paid": draw(st.sampled_from([Decimal(0), cap - 5000, cap])),
        "serious_base": draw(st.sampled_from([Decimal(0), Decimal("14000"), Decimal(400000)])),
        "op_dedc": draw(st.sampled_from([Decimal(0), Decimal(300)])),
        "acct_balance": draw(small_fen),
    }
    return Claim.model_validate(
        {
            "person": {
                "psn_no": "X",
                "insutype": insutype,
                "psn_type": draw(st.sampled_from(["in_service", "retired"])),
                "resident_group": draw(st.sampled_from(["all", "minor"])),
                "insuplc_admdvs": "540100",
            },
            "encounter": {
                "med_type": med_type,
                "hosp_lv": level,
                "mdtrtarea_admvs": treated,
                "offsite_filing": draw(
                    st.sampled_from(["none", "long_term", "temporary", "referral", "unfiled"])
                ),
                "designated": draw(st.booleans()),
                "begndate": "2025-03-01",
                "enddate": "2025-03-09",
            },
            "fees": draw(fee_lines()),
            "ytd": ytd,
            "mulaid_balance": draw(st.sampled_from([Decimal(0), Decimal("800.50")])),
        }
    )


FIELDS = [f for f in tuple(SetlInfo.model_fields)[4:] if f != "pool_prop_selfpay"]  # amounts


@settings(max_examples=300, deadline=None)
@given(claims())
def test_invariants(c):
    s = settle(c, POLICY)
    i = s.setlinfo
    # every component non-negative and at the fen
    for f in FIELDS:
        v = getattr(i, f)
        assert v >= 0, f
        assert v == v.quantize(Decimal("0.01")), f
    # nothing lost to rounding: the pieces add up to the total exactly
    assert i.medfee_sumamt == i.fund_pay_sumamt + i.psn_part_amt
    assert i.psn_part_amt == i.acct_pay + i.psn_cash_pay
    assert i.fund_pay_sumamt == i.hifp_pay + i.hifmi_pay + i.hifob_pay + i.maf_pay
    assert i.medfee_sumamt == (
        i.fulamt_ownpay_amt + i.overlmt_selfpay + i.preselfpay_amt + i.inscp_scp_amt
    )
    assert i.acct_mulaid_pay <= i.acct_pay
    # the pooled fund never exceeds the annual cap
    if c.encounter.category != "outpatient":
        assert s.ytd.hifp_paid <= max(CAPS[c.person.insutype], c.ytd.hifp_paid)
    # the same claim settled twice gives the same result (pure)
    assert settle(c, POLICY) == s
    # a reversal restores every accumulator exactly
    assert s.ytd.plus(reverse(s)) == c.ytd


@settings(max_examples=200, deadline=None)
@given(claims(), st.integers(min_value=1, max_value=5_000_000).map(lambda f: Decimal(f) / 100))
def test_more_spending_never_less_fund(c, extra):
    """Adding to a 甲类 line never lowers what the funds pay."""
    more = c.model_copy(
        update={
            "fees": [
                *c.fees,
                c.fees[0].model_copy(
                    update={"chrg_item_lv": "01", "amount": extra, "price_limit": None}
                ),
            ]
        }
    )
    assert (
        settle(more, POLICY).setlinfo.fund_pay_sumamt >= settle(c, POLICY).setlinfo.fund_pay_sumamt
    )


def test_second_layer_resident_hand_worked():
    """Resident 大病: threshold 15000, 60% up to 10万 above it, 70% beyond (fixture policy)."""
    c = Claim.model_validate(
        {
            "person": {"psn_no": "R", "insutype": "390", "insuplc_admdvs": "540100"},
            "encounter": {
                "med_type": "21",
                "hosp_lv": 3,
                "mdtrtarea_admvs": "540100",
                "begndate": "2025-03-01",
                "enddate": "2025-03-09",
            },
            "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "100000"}],
        }
    )
    i = settle(c, POLICY).setlinfo
    # deductible 1000 (三级, 1st stay); fund (100000 − 1000) × 60% = 59400.00
    assert i.hifp_pay == Decimal("59400.00")
    # in-scope self-pay 100000 − 59400 = 40600; above 15000: 25600 × 60% = 15360.00
    assert i.hifmi_pay == Decimal("15360.00")
    assert i.psn_part_amt == Decimal("25240.00")  # 100000 − 59400 − 15360


def test_employee_large_and_outpatient_hand_worked():
    base = {
        "person": {"psn_no": "E", "insutype": "310", "insuplc_admdvs": "540100"},
        "encounter": {
            "med_type": "11",
            "hosp_lv": 0,
            "mdtrtarea_admvs": "540100",
            "begndate": "2025-03-01",
            "enddate": "2025-03-01",
        },
        "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "2500"}],
        "ytd": {"op_dedc": "600", "op_hifp": "2500"},
    }
    i = settle(Claim.model_validate(base), POLICY).setlinfo
    # outpatient: deductible 1000/yr, 600 paid → 400 now; 基层 80%: 2100 × 0.8 = 1680,
    # but the 3000 cap has 500 left → 500.00; no 大额 on ordinary outpatient
    assert (i.act_pay_dedc, i.hifp_pay, i.hifob_pay) == (
        Decimal("400.00"),
        Decimal("500.00"),
        Decimal("0.00"),
    )
    # inpatient above the employee cap: 大额 pays 80% of the self-pay above 20000
    ip = {
        **base,
        "encounter": {**base["encounter"], "med_type": "21", "hosp_lv": 1},
        "ytd": {"hifp_paid": "300000", "serious_base": "20000"},
        "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "10000"}],
    }
    j = settle(Claim.model_validate(ip), POLICY).setlinfo
    # pool capped at 0 (cap reached); self-pay 10000 all above the threshold → 8000.00
    assert (j.hifp_pay, j.hifob_pay) == (Decimal("0.00"), Decimal("8000.00"))
