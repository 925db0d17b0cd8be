"""Batch = scalar on every field, to the fen, on the SHIPPED packs: persons whose claims span
two calendar years (accumulators start afresh each year) and claims paid in part from a bound
relative's account (家庭共济). The combinations drawn are those the shipped packs can settle
in both years (``synth.probe``)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.batch_support import scalar_run
from yibao.policy.resolve import default_policy
from yibao.settlement import synth
from yibao.settlement.batch import AMOUNTS, settle_table

POLICY = default_policy()


def _kinds():
    by_year = [
        {(k.region, k.insutype, k.psn_type): k for k in synth.probe(POLICY, y)}
        for y in (2025, 2026)
    ]
    out = []
    for key, k in by_year[0].items():
        other = by_year[1].get(key)
        if other is None:
            continue
        combos = {
            m: tuple(sorted(set(lv) & set(other.combos.get(m, ())))) for m, lv in k.combos.items()
        }
        combos = {m: lv for m, lv in combos.items() if lv}
        if combos:
            out.append((k, combos, k.class_b and other.class_b))
    return out


KINDS = _kinds()


@st.composite
def population(draw):
    rows = []
    for p in range(draw(st.integers(1, 5))):
        kind, combos, class_b = draw(st.sampled_from(KINDS))
        person = {
            "psn_no": f"S{p}",
            "insutype": kind.insutype,
            "psn_type": kind.psn_type,
            "insuplc_admdvs": kind.region,
            "ytd_acct_balance": draw(st.sampled_from([0, 800_00, 20_000_00])),
        }
        for _ in range(draw(st.integers(1, 8))):
            med = draw(st.sampled_from(sorted(combos)))
            size = draw(st.sampled_from([500_00, 30_000_00, 400_000_00]))
            rows.append(
                {
                    **person,
                    "med_type": med,
                    "hosp_lv": draw(st.sampled_from(combos[med])),
                    "enddate": dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 729))),
                    "amt_01": draw(st.integers(0, size)),
                    "amt_02": draw(st.integers(0, size // 3)) if class_b else 0,
                    "amt_03": draw(st.integers(0, size // 10)),
                    "mulaid_balance": draw(st.sampled_from([0, 0, 300_00, 50_000_00])),
                }
            )
    order = draw(st.permutations(range(len(rows))))
    return pa.Table.from_pylist([rows[i] for i in order])


def test_shipped_kinds_exist():
    assert len({k.region for k, _, _ in KINDS}) >= 4
    assert {k.insutype for k, _, _ in KINDS} == {"310", "390"}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population())
def test_batch_equals_scalar_on_shipped_packs(table):
    got = settle_table(table, POLICY)
    ref, closing = scalar_run(table, POLICY)
    for k in (*AMOUNTS, "warnings"):
        assert got.claims.column(k).to_pylist() == ref[k], k
    for row in got.closing.to_pylist():
        assert row == {"psn_no": row["psn_no"], **closing[row["psn_no"]]}


def test_family_aid_and_new_year_are_exercised():
    """One employee with a thin own account, a relative's account and stays in two years."""
    kind, combos, _ = next(k for k in KINDS if k[0].insutype == "310" and "21" in k[1])
    base = {
        "psn_no": "F",
        "insutype": "310",
        "psn_type": kind.psn_type,
        "insuplc_admdvs": kind.region,
        "med_type": "21",
        "hosp_lv": combos["21"][-1],
        "amt_01": 20_000_00,
        "amt_02": 0,
        "amt_03": 1_000_00,
        "ytd_acct_balance": 100_00,
        "mulaid_balance": 5_000_00,
    }
    rows = [{**base, "enddate": dt.date(2025, 11, 1)}, {**base, "enddate": dt.date(2026, 2, 1)}]
    table = pa.Table.from_pylist(rows)
    got = settle_table(table, POLICY).claims.to_pylist()
    ref, _ = scalar_run(table, POLICY)
    assert got[0]["acct_mulaid_pay"] > 0 and got[1]["acct_mulaid_pay"] > 0
    # a new year: the second stay pays its deductible again
    assert got[1]["act_pay_dedc"] == got[0]["act_pay_dedc"] > 0
    assert [r["acct_mulaid_pay"] for r in got] == ref["acct_mulaid_pay"]
