"""The parameter plan: one decision for both engines, with the same warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from yibao.policy.resolve import default_policy
from yibao.settlement.batch import WARNING_SEP, claim_from_row, settle_table
from yibao.settlement.engine import plan_for, settle
from yibao.settlement.plan import SettlementError, build

# Shipped packs: a resident and an employee inpatient stay in cities with resident ratios.
CITIES = ("130100", "440100", "330100")  # (北京 resident figures were removed: unsourced)


def _row(region: str, insutype: str, amount_fen: int) -> dict:
    return {
        "psn_no": "P",
        "insutype": insutype,
        "insuplc_admdvs": region,
        "med_type": "21",
        "hosp_lv": 3,
        "enddate": dt.date(2026, 6, 1),
        "amt_01": amount_fen,
        "amt_02": 0,
        "amt_03": 0,
    }


@pytest.mark.parametrize("region", CITIES)
@pytest.mark.parametrize("insutype", ["390", "310"])
def test_large_stay_never_silently_without_second_layer(region, insutype):
    """A 300,000-yuan stay: when the second layer pays nothing, both engines say why."""
    row = _row(region, insutype, 300_000_00)
    s = settle(claim_from_row(row), trace=False)
    b = settle_table(pa.Table.from_pylist([row])).claims.to_pylist()[0]
    second = "hifmi_pay" if insutype == "390" else "hifob_pay"
    title = "居民大病保险" if insutype == "390" else "职工大额医疗费用补助"
    if getattr(s.setlinfo, second) == 0:
        assert any(title in w for w in s.warnings), s.warnings
    assert b["warnings"] == WARNING_SEP.join(s.warnings)
    assert b[second] == int(getattr(s.setlinfo, second) * 100)


def test_outpatient_has_no_second_layer_warning():
    row = {**_row("540000", "390", 100_00), "med_type": "11", "hosp_lv": 1}
    s = settle(claim_from_row(row), trace=False)
    assert not any("大病保险" in w for w in s.warnings)


def test_plan_is_the_engines_plan():
    """The scalar engine's plan and a plan built directly for the same group are equal."""
    claim = claim_from_row(_row("440100", "310", 10_000_00))
    view = default_policy().view("440100", dt.date(2026, 6, 1))
    direct = build(
        view,
        insutype="310",
        group="in_service",
        resident_group="all",
        category="inpatient",
        level="3",
        filing="none",
    )
    assert plan_for(claim, view) == direct
    # 广州 employee 三级 住院起付线 1000 元 (pack employee.inpatient.deductible "3": [1000])
    assert direct.dedc == (Decimal(1000),)


def test_missing_ratio_is_an_error_in_both_engines():
    """拉萨 has no employee inpatient ratio for level 2: both engines refuse with its name."""
    row = {**_row("540100", "310", 1_000_00), "hosp_lv": 2}
    with pytest.raises(SettlementError, match="fund_ratio"):
        settle(claim_from_row(row))
    with pytest.raises(ValueError, match="fund_ratio"):
        settle_table(pa.Table.from_pylist([row]))
