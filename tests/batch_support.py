"""Shared helpers for the batch tests: policies at several regions and a scalar reference run."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from tests.settlement.fixture_policy import NATIONAL_PACK
from yibao.money import to_fen
from yibao.policy.loader import load_catalogue, parse_pack
from yibao.policy.resolve import NATIONAL, Policy
from yibao.settlement.batch import AMOUNTS, WARNING_SEP, claim_from_row
from yibao.settlement.engine import settle
from yibao.settlement.model import ACCUMULATORS, Ytd

_SRC = """
sources:
  t: {title: 测试用政策, doc_no: 测试〔2025〕2号, read: 2026-11-27, confidence: official}
"""

# 拉萨 (540100): an annual employee deductible, a retired schedule, small caps.
LASA = (
    """
admdvs: "540100"
name: 测试拉萨
"""
    + _SRC
    + """
parameters:
  employee.inpatient.deductible_is_annual: [{since: 2020-01-01, value: true, source: t, article: 一}]
  employee.inpatient.deductible:
    - {since: 2020-01-01, value: {"1": [300], "2": [900], "3": [1300]}, source: t, article: 一}
  employee.inpatient.deductible_retired:
    - {since: 2020-01-01, value: {"1": [100], "2": [600, 500], "3": [800]}, source: t, article: 一}
  employee.inpatient.annual_cap: [{since: 2020-01-01, value: 60000, source: t, article: 二}]
  resident.serious.cap: [{since: 2020-01-01, value: 20000, source: t, article: 三}]
  employee.large.cap: [{since: 2020-01-01, value: 30000, source: t, article: 三}]
  employee.account.pays_full_ownpay: [{since: 2020-01-01, value: true, source: t, article: 四}]
"""
)

# 深圳 (440300): mid-year changes (a cap that falls then rises, a new deductible and bands).
SHENZHEN = (
    """
admdvs: "440300"
name: 测试深圳
"""
    + _SRC
    + """
parameters:
  resident.inpatient.annual_cap:
    - {since: 2020-01-01, until: 2025-04-30, value: 40000, source: t, article: 一}
    - {since: 2025-05-01, until: 2025-08-31, value: 15000, source: t, article: 一}
    - {since: 2025-09-01, value: 90000, source: t, article: 一}
  employee.inpatient.deductible:
    - {since: 2020-01-01, value: {"1": [150], "2": [450, 300], "3": [900, 600, 300]}, source: t, article: 二}
    - {since: 2025-07-01, value: {"1": [100], "2": [333.33], "3": [777.77, 555.55]}, source: t, article: 二}
  employee.inpatient.fund_ratio:
    - since: 2020-01-01
      until: 2025-06-30
      source: t
      article: 三
      value:
        in_service: {"1": [{rate: 0.9}], "2": [{upto: 5000, rate: 0.8333}, {rate: 0.9}], "3": [{upto: 20000.5, rate: 0.777}, {rate: 0.875}]}
        retired: {"1": [{rate: 0.95}], "2": [{rate: 0.92}], "3": [{upto: 12345.67, rate: 0.8888}, {rate: 0.9}]}
    - since: 2025-07-01
      source: t
      article: 三
      value:
        in_service: {"1": [{rate: 0.91}], "2": [{rate: 0.81}], "3": [{upto: 8000, rate: 0.7}, {upto: 16000, rate: 0.8}, {rate: 0.9}]}
        retired: {"1": [{rate: 0.96}], "2": [{rate: 0.93}], "3": [{rate: 0.91}]}
  resident.serious.threshold:
    - {since: 2020-01-01, value: 9000, source: t, article: 四}
"""
)

REGIONS = ("540100", "440300", "130100")  # 石家庄 (130100) uses the national fixture as is
OFFSITE = "110000"  # another province: off-site for every region above


def multi_policy(caps: bool = True) -> Policy:
    """The fixture policy at the national level plus the city packs above. ``caps=False``
    removes the annual caps from the national pack (the engine then warns and applies none)."""
    cat = load_catalogue()
    text = NATIONAL_PACK
    if not caps:
        text = "\n".join(ln for ln in text.splitlines() if "annual_cap" not in ln)
    packs = {NATIONAL: parse_pack(text, cat, "test")}
    if caps:
        packs["540100"] = parse_pack(LASA, cat, "lasa")
        packs["440300"] = parse_pack(SHENZHEN, cat, "shenzhen")
    return Policy(cat, packs)


def scalar_run(table: pa.Table, policy: Policy) -> tuple[dict[str, list[int]], dict[str, dict]]:
    """Settle claim by claim with the scalar engine, per person in (enddate, input) order,
    carrying the accumulators forward and starting each new calendar year from
    ``Ytd.new_year()``. Returns the amount columns (input order, fen) and ``warnings`` (joined
    as the batch joins them), and the closing accumulators per person."""
    rows = table.to_pylist()
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["psn_no"], rows[i]["enddate"], i))
    out: dict[str, list] = {k: [0] * len(rows) for k in AMOUNTS}
    out["warnings"] = [""] * len(rows)
    ytd: dict[str, Ytd] = {}
    year: dict[str, int] = {}
    for i in order:
        row = rows[i]
        p = row["psn_no"]
        if p not in ytd:
            ytd[p] = Ytd.model_validate(_opening(row))
            year[p] = row["enddate"].year
        elif row["enddate"].year != year[p]:
            ytd[p], year[p] = ytd[p].new_year(), row["enddate"].year
        s = settle(claim_from_row(row, ytd[p]), policy, trace=False)
        for k in AMOUNTS:
            out[k][i] = to_fen(getattr(s.setlinfo, k))
        out["warnings"][i] = WARNING_SEP.join(s.warnings)
        ytd[p] = s.ytd
    closing = {
        p: {k: (v if k == "stays" else to_fen(v)) for k, v in y.model_dump().items()}
        for p, y in ytd.items()
    }
    return out, closing


def _opening(row: dict) -> dict:
    from yibao.money import from_fen

    out = {}
    for k in ACCUMULATORS:
        v = row.get(f"ytd_{k}")
        if v is not None:
            out[k] = v if k == "stays" else from_fen(v)
    return out


def day(month: int, d: int) -> dt.date:
    return dt.date(2025, month, d)
