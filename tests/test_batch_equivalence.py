"""The batch engine equals the scalar engine on every field, to the fen, for random populations
(several regions incl. annual deductibles and mid-year changes, both insurance types, repeated
stays, caps and 大病 reached, off-site and non-designated cases, opening accumulators)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.batch_support import OFFSITE, REGIONS, multi_policy, scalar_run
from yibao.settlement.batch import AMOUNTS, BatchError, settle_table

POLICIES = {True: multi_policy(True), False: multi_policy(False)}
FILINGS = ["none", "long_term", "temporary", "referral", "emergency", "unfiled"]


@st.composite
def amounts(draw):
    size = draw(st.sampled_from([2_000_00, 50_000_00, 400_000_00]))  # fen
    return draw(st.integers(0, size))


@st.composite
def claim(draw, pid: str, person: dict):
    med = draw(st.sampled_from(["11", "14", "21", "21", "22"]))
    lv = draw(st.integers(0, 3)) if med == "11" else draw(st.integers(1, 3))
    off = draw(st.booleans()) and draw(st.booleans())
    return {
        "psn_no": pid,
        **person,
        "med_type": med,
        "hosp_lv": lv,
        "mdtrtarea_admvs": OFFSITE if off else person["insuplc_admdvs"],
        "offsite_filing": draw(st.sampled_from(FILINGS)),
        "designated": draw(st.integers(0, 15)) > 0,
        "enddate": dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364))),
        "amt_01": draw(amounts()),
        "amt_02": draw(amounts()),
        "amt_03": draw(amounts()) // 5,
    }


@st.composite
def population(draw):
    rows = []
    for p in range(draw(st.integers(1, 6))):
        ins = draw(st.sampled_from(["310", "390"]))
        person = {
            "insutype": ins,
            "psn_type": draw(st.sampled_from(["in_service", "retired"])),
            "resident_group": "all" if ins == "310" else draw(st.sampled_from(["all", "minor"])),
            "insuplc_admdvs": draw(st.sampled_from(REGIONS)),
            "ytd_acct_balance": draw(st.sampled_from([0, 1_000_00, 20_000_00])),
            "ytd_stays": draw(st.sampled_from([0, 0, 1, 3])),
            "ytd_hifp_paid": draw(st.sampled_from([0, 0, 14_000_00, 59_000_00])),
            "ytd_serious_base": draw(st.sampled_from([0, 0, 30_000_00])),
            "ytd_ip_dedc": draw(st.sampled_from([0, 0, 500_00])),
        }
        rows += draw(st.lists(claim(f"P{p}", person), min_size=1, max_size=10))
    order = draw(st.permutations(range(len(rows))))
    return pa.Table.from_pylist([rows[i] for i in order])


def _compare(table: pa.Table, policy) -> None:
    got = settle_table(table, policy)
    ref, closing = scalar_run(table, policy)
    for k in (*AMOUNTS, "warnings"):
        assert got.claims.column(k).to_pylist() == ref[k], k
    for row in got.closing.to_pylist():
        exp = closing[row.pop("psn_no")]
        assert row == exp


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population(), st.booleans())
def test_batch_equals_scalar(table, caps):
    _compare(table, POLICIES[caps])


def test_batch_equals_scalar_larger_population():
    """One larger deterministic population, so every path is hit in one run."""
    import random

    rnd = random.Random(7)
    rows = []
    for p in range(400):
        ins = rnd.choice(["310", "390"])
        reg = rnd.choice(REGIONS)
        for _ in range(rnd.randint(1, 12)):
            med = rnd.choice(["11", "14", "21", "22"])
            rows.append(
                {
                    "psn_no": f"Q{p:04d}",
                    "insutype": ins,
                    "insuplc_admdvs": reg,
                    "psn_type": rnd.choice(["in_service", "retired"]),
                    "med_type": med,
                    "hosp_lv": rnd.randint(0, 3) if med == "11" else rnd.randint(1, 3),
                    "mdtrtarea_admvs": OFFSITE if rnd.random() < 0.1 else reg,
                    "enddate": dt.date(2025, rnd.randint(1, 12), rnd.randint(1, 28)),
                    "amt_01": rnd.randint(0, 20_000_000),
                    "amt_02": rnd.randint(0, 5_000_000),
                    "amt_03": rnd.randint(0, 100_000),
                    "ytd_acct_balance": 300_000,
                }
            )
    table = pa.Table.from_pylist(rows)
    _compare(table, POLICIES[True])
    out = settle_table(table, POLICIES[True]).claims
    assert sum(out.column("hifmi_pay").to_pylist()) > 0
    assert sum(out.column("hifob_pay").to_pylist()) > 0


def test_sums_are_exact():
    row = {
        "psn_no": "A",
        "insutype": "310",
        "insuplc_admdvs": "130100",
        "med_type": "21",
        "hosp_lv": 3,
        "enddate": dt.date(2025, 3, 1),
        "amt_01": 1_234_567,
        "amt_02": 345_679,
        "amt_03": 10_001,
        "ytd_acct_balance": 50_000,
    }
    out = settle_table(pa.Table.from_pylist([row]), POLICIES[True]).claims.to_pylist()[0]
    assert out["medfee_sumamt"] == out["fund_pay_sumamt"] + out["psn_part_amt"]
    assert out["psn_part_amt"] == out["acct_pay"] + out["psn_cash_pay"]
    # 乙类先行自付 10%: 3456.79 × 0.10 = 345.679 → 345.68 (half up)
    assert out["preselfpay_amt"] == 34_568


def test_missing_columns():
    with pytest.raises(BatchError, match="缺少列"):
        settle_table(pa.table({"psn_no": ["A"]}), POLICIES[True])


def test_missing_parameters_real_pack():
    """拉萨 has no employee inpatient ratio for level 2: the batch refuses, like the scalar."""
    row = {
        "psn_no": "A",
        "insutype": "310",
        "insuplc_admdvs": "540100",
        "med_type": "21",
        "hosp_lv": 2,
        "enddate": dt.date(2025, 3, 1),
        "amt_01": 100_000,
        "amt_02": 0,
        "amt_03": 0,
    }
    with pytest.raises(BatchError, match="二级"):
        settle_table(pa.Table.from_pylist([row]))


def test_unknown_region():
    base = {
        "psn_no": "A",
        "insutype": "310",
        "insuplc_admdvs": "130100",
        "med_type": "21",
        "hosp_lv": 3,
        "enddate": dt.date(2025, 3, 1),
        "amt_01": 1,
        "amt_02": 0,
        "amt_03": 0,
    }
    with pytest.raises(BatchError, match="行政区划"):
        settle_table(pa.Table.from_pylist([{**base, "insuplc_admdvs": "999999"}]), POLICIES[True])


def test_new_year_starts_afresh():
    """A claim in January 2026 after a large 2025 stay is settled as the first stay of 2026:
    the same amounts as the claim alone, except the account balance the 2025 stay used."""
    first = {
        "psn_no": "A",
        "insutype": "310",
        "insuplc_admdvs": "130100",
        "med_type": "21",
        "hosp_lv": 3,
        "enddate": dt.date(2025, 12, 30),
        "amt_01": 90_000_00,
        "amt_02": 0,
        "amt_03": 0,
        "ytd_acct_balance": 1_000_00,
    }
    second = {**first, "enddate": dt.date(2026, 1, 2), "amt_01": 5_000_00}
    both = settle_table(pa.Table.from_pylist([first, second]), POLICIES[True]).claims.to_pylist()
    alone = settle_table(
        pa.Table.from_pylist([{**second, "ytd_acct_balance": both[0]["balc"]}]), POLICIES[True]
    ).claims.to_pylist()[0]
    assert both[0]["act_pay_dedc"] > 0 and both[1]["act_pay_dedc"] == alone["act_pay_dedc"] > 0
    assert both[1] == alone
