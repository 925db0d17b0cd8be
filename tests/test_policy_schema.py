"""The pack schema: every value needs a dated version and a source; kinds are checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yibao.policy.check import confidence_counts
from yibao.policy.loader import load_catalogue, load_packs, parse_pack
from yibao.policy.schema import PolicyError

CATALOGUE = load_catalogue()

GOOD = """
admdvs: "540100"
name: 拉萨市
sources:
  s1: {title: 测试文件, doc_no: 测〔2025〕1号, read: 2026-11-27, confidence: official}
parameters:
  employee.inpatient.annual_cap:
    - {since: 2025-01-01, value: 900000, source: s1, article: 第一条}
  employee.account.in_service_credit_rate:
    - {since: 2021-01-01, until: 2024-12-31, value: 0.03, source: s1, article: 第二条}
    - {since: 2025-01-01, value: 0.02, source: s1, article: 第二条}
"""


def test_good_pack_loads_with_exact_decimals():
    pack = parse_pack(GOOD, CATALOGUE)
    cap = pack.parameters["employee.inpatient.annual_cap"][0]
    assert cap.value == Decimal("900000")
    rates = pack.parameters["employee.account.in_service_credit_rate"]
    # YAML 0.03 must arrive as the decimal 0.03, not the float 0.0299999...
    assert rates[0].value == Decimal("0.03") and isinstance(rates[0].value, Decimal)
    assert rates[0].until == dt.date(2024, 12, 31)


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        # a version with no source at all
        ("{since: 2025-01-01, value: 900000, article: 第一条}", "source"),
        # a source key that the pack does not define
        ("{since: 2025-01-01, value: 900000, source: nope, article: 第一条}", "not in this pack"),
        # no article/section
        ("{since: 2025-01-01, value: 900000, source: s1}", "article"),
        # no date
        ("{value: 900000, source: s1, article: 第一条}", "since"),
        # wrong kind: a rate where money is expected is fine, but text is not
        ("{since: 2025-01-01, value: 九十万, source: s1, article: 第一条}", "not a valid money"),
        # negative money
        ("{since: 2025-01-01, value: -1, source: s1, article: 第一条}", "not a valid money"),
    ],
)
def test_schema_rejects_bad_versions(mutation, message):
    text = GOOD.replace("{since: 2025-01-01, value: 900000, source: s1, article: 第一条}", mutation)
    with pytest.raises(PolicyError, match=message):
        parse_pack(text, CATALOGUE)


def test_source_needs_a_locator_and_confidence():
    no_locator = GOOD.replace("doc_no: 测〔2025〕1号, ", "")
    with pytest.raises(PolicyError, match="doc_no"):
        parse_pack(no_locator, CATALOGUE)
    no_conf = GOOD.replace(", confidence: official", "")
    with pytest.raises(PolicyError, match="confidence"):
        parse_pack(no_conf, CATALOGUE)


def test_unknown_parameter_and_overlap_rejected():
    unknown = GOOD.replace("employee.inpatient.annual_cap:", "employee.inpatient.anual_cap:")
    with pytest.raises(PolicyError, match="not in the parameter catalogue"):
        parse_pack(unknown, CATALOGUE)
    overlap = GOOD.replace("until: 2024-12-31", "until: 2025-01-01")
    with pytest.raises(PolicyError, match="overlaps"):
        parse_pack(overlap, CATALOGUE)


def test_bands_must_increase_and_end_open():
    bad = GOOD.replace(
        "employee.inpatient.annual_cap:\n    - {since: 2025-01-01, value: 900000,",
        "employee.large.bands:\n    - {since: 2025-01-01, value: [{upto: 5, rate: 0.5}],",
    )
    with pytest.raises(PolicyError, match="open-ended"):
        parse_pack(bad, CATALOGUE)


def test_shipped_packs_all_valid_and_counted(capsys):
    """Every shipped pack loads; print official vs secondary counts per pack (README table)."""
    packs = load_packs(CATALOGUE)
    assert "000000" in packs and "540100" in packs
    for code, pack in sorted(packs.items()):
        counts = confidence_counts(pack)
        total = sum(len(v) for v in pack.parameters.values())
        assert counts["official"] + counts["secondary"] == total
        with capsys.disabled():
            print(
                f"\n{code} {pack.name}: {counts['official']} official, "
                f"{counts['secondary']} secondary",
                end="",
            )


def test_readme_audit_is_current():
    """The README's audit table is what ``yibao policy audit --markdown`` prints for its date."""
    import re
    from pathlib import Path

    from yibao.policy import audit
    from yibao.policy.resolve import default_policy

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index(audit.README_START)
    shown = readme[start : readme.index(audit.README_END) + len(audit.README_END)]
    day = dt.date.fromisoformat(re.search(r"--date (\d{4}-\d{2}-\d{2})", shown).group(1))
    expected = audit.markdown(audit.audit(default_policy(), day), day)
    assert shown == expected, f"update README: yibao policy audit --markdown --date {day}"


def test_contribution_figures_follow_the_benefit_year_convention():
    """Resident contribution amounts are dated by benefit year (catalogue note): each version
    starts on 1 January and, when it ends, ends on 31 December."""
    names = ("resident.contribution.personal_annual", "resident.contribution.subsidy_annual")
    for code, pack in load_packs(CATALOGUE).items():
        for name in names:
            for v in pack.parameters.get(name, []):
                where = f"{code} {name} since {v.since}"
                assert (v.since.month, v.since.day) == (1, 1), where
                assert v.until is None or (v.until.month, v.until.day) == (12, 31), where
    for name in names:
        assert "benefit year" in CATALOGUE[name].note
