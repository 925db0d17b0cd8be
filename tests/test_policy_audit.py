"""``yibao policy audit``: evidence counts per pack and what a claim would lack."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from yibao.cli.main import app
from yibao.policy import audit
from yibao.policy.loader import load_catalogue, parse_pack
from yibao.policy.resolve import NATIONAL, Policy

CATALOGUE = load_catalogue()

NATIONAL_PACK = """
admdvs: "000000"
name: 全国
sources:
  gov: {title: 国家文件, doc_no: 国〔2024〕1号, read: 2026-11-27, confidence: official}
  page: {title: 问答页, url: "http://example.com/q", read: 2026-11-27, confidence: secondary}
parameters:
  resident.contribution.subsidy_annual:
    - {since: 2024-01-01, value: 700, source: gov, article: 一, bound: floor, quote: 不低于700元}
  common.items.class_b_preselfpay_rate:
    - {since: 2024-01-01, value: 0.1, source: page, article: 二}
  employee.outpatient.fund_ratio:
    - {since: 2024-01-01, value: {in_service: {"1": [{rate: 0.5}]}}, source: gov, article: 三}
"""

CITY_PACK = """
admdvs: "540100"
name: 拉萨市
sources:
  page: {title: 问答页, url: "http://example.com/q", read: 2026-11-27, confidence: secondary}
parameters:
  employee.inpatient.deductible:
    - {since: 2025-01-01, value: {"3": [700]}, source: page, article: 一,
       status: disputed, dispute: 与甘肃省的文字相同}
  employee.inpatient.fund_ratio:
    - {since: 2025-01-01, value: {in_service: {"3": [{rate: 0.85}]}}, source: page, article: 二,
       derived: 1 − 15% = 85%}
  employee.inpatient.annual_cap:
    - {since: 2025-01-01, until: 2025-12-31, value: 900000, source: page, article: 三}
"""


def _policy() -> Policy:
    packs = {
        NATIONAL: parse_pack(NATIONAL_PACK, CATALOGUE, "n"),
        "540100": parse_pack(CITY_PACK, CATALOGUE, "c"),
    }
    return Policy(CATALOGUE, packs)


def test_counts_by_evidence():
    nat, city = audit.audit(_policy(), dt.date(2025, 6, 1))
    # national: subsidy official with quote (and a floor); fund ratio official without quote;
    # class-B rate secondary
    assert nat.counts == {
        "official": 1,
        "official_unquoted": 1,
        "secondary": 1,
        "derived": 0,
        "disputed": 0,
        "bound": 1,
    }
    assert nat.versions == 3
    # city: deductible secondary and disputed; ratio derived; cap secondary
    assert city.counts == {
        "official": 0,
        "official_unquoted": 0,
        "secondary": 2,
        "derived": 1,
        "disputed": 1,
        "bound": 0,
    }


def test_missing_follows_the_chain_and_the_date():
    policy = _policy()
    city = audit.audit_region(policy, "540100", "拉萨市", dt.date(2025, 6, 1))
    # employee inpatient: deductible, ratio, cap from the city; class-B rate from the nation;
    # only the second layer (大额 threshold, bands, cap) is missing, and none of it blocks
    assert city.missing["employee"]["inpatient"] == [
        "employee.large.threshold",
        "employee.large.bands",
        "employee.large.cap",
    ]
    assert city.blocking["employee"]["inpatient"] == []
    # employee outpatient: the ratio comes from the nation; deductible and cap are missing
    assert city.missing["employee"]["outpatient"] == [
        "employee.outpatient.deductible",
        "employee.outpatient.annual_cap",
    ]
    assert city.blocking["employee"]["outpatient"] == ["employee.outpatient.deductible"]
    # in 2026 the city's cap has ended (until 2025-12-31) and nothing follows: missing again
    later = audit.audit_region(policy, "540100", "拉萨市", dt.date(2026, 6, 1))
    assert "employee.inpatient.annual_cap" in later.missing["employee"]["inpatient"]
    # a resident inpatient claim: nothing but the class-B rate is known
    assert len(city.missing["resident"]["inpatient"]) == 6  # 2 blocking + cap + 3 second layer


def test_markdown_has_a_row_per_pack():
    day = dt.date(2025, 6, 1)
    text = audit.markdown(audit.audit(_policy(), day), day)
    assert text.startswith(audit.README_START) and text.endswith(audit.README_END)
    # 540100: 0 official, 0 unquoted, 2 secondary, 1 derived, 1 disputed, 0 bound;
    # employee missing 3 / 2 / 6 (chronic: its deductible, ratio, cap and the 3 second-layer
    # figures; the inpatient cap and class-B rate are known); resident 6 / 3 / 7 (outpatient:
    # deductible, ratio, cap; chronic: those 3, the inpatient cap and 3 second-layer figures)
    assert "| 540100 拉萨市 | 0 | 0 | 2 | 1 | 1 | 0 | 3 / 2 / 6 | 6 / 3 / 7 |" in text


def test_cli_audit_json_lists_every_pack():
    r = CliRunner().invoke(app, ["policy", "audit", "--json", "--date", "2026-12-01"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["date"] == "2026-12-01"
    packs = {p["admdvs"]: p for p in out["packs"]}
    assert "000000" in packs and "540000" in packs
    for p in packs.values():
        assert {"official", "secondary", "derived", "disputed", "missing"} <= set(p)
        assert set(p["missing"]) == {"employee", "resident"}
        assert p["versions"] == sum(
            p[k] for k in ("official", "official_unquoted", "secondary", "derived")
        )
