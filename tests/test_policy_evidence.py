"""Evidence: quotes state the figures they back; disputes and bounds reach the citizen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.settlement.fixture_policy import NATIONAL_PACK
from tests.settlement.helpers import claim
from yibao.policy import evidence
from yibao.policy.loader import load_catalogue, load_packs, parse_pack
from yibao.policy.resolve import NATIONAL, Policy
from yibao.policy.schema import PolicyError
from yibao.rules.decision import DISPUTED_QUALIFIER, Cited
from yibao.settlement.engine import settle

CATALOGUE = load_catalogue()
D = Decimal


# --- reading figures out of Chinese policy text -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("职工最高支付限额为90万元", {D(900000)}),  # 90 × 10000
        ("最高支付限额九十万元", {D(900000)}),  # 九十万 = 90 × 10000
        ("每人每年不低于400元", {D(400)}),
        ("1.5万元", {D(15000)}),  # 1.5 × 10000
        ("两万元以下", {D(20000)}),  # 两 = 2
        ("1,200元", {D(1200)}),
        ("支付比例为85%", {D("0.85"), D(85)}),  # 85 / 100; 85 kept for counts
        ("百分之八十五", {D("0.85"), D(85)}),
        ("降低20个百分点", {D("0.2"), D(20)}),  # 20 / 100
        ("费率为千分之五", {D("0.005"), D(5)}),  # 5 / 1000
        ("不超过六个月", {D(6)}),
        ("满二十五年", {D(25)}),  # 二十五 = 2 × 10 + 5
        ("一千二百元", {D(1200)}),  # 1 × 1000 + 2 × 100
    ],
)
def test_numbers_in_quote(text, expected):
    assert evidence.numbers_in_quote(text) == expected


def test_cn_int_rejects_words():
    with pytest.raises(ValueError):
        evidence.cn_int("起付线")


def test_missing_from_quote_checks_every_figure():
    # 三级 700/500/400/300 stated; 二级 600 is not in this sentence
    value = {"3": [D(700), D(500), D(400), D(300)], "2": [D(600)]}
    quote = "三级医院700元，一年内多次住院依次为500、400、300元"
    assert evidence.missing_from_quote(value, quote) == [D(600)]
    assert evidence.missing_from_quote(value, quote + "；二级医院600元") == []
    # a rate 0.85 is stated as 85%; a band limit 30000 as 3万元; zero is exempt
    bands = {"in_service": {"3": [{"upto": D(30000), "rate": D("0.85")}, {"rate": D("0.9")}]}}
    assert evidence.missing_from_quote(bands, "3万元以下支付85%，3万元以上支付90%") == []
    assert evidence.missing_from_quote({"long_term": D(0)}, "长期居住人员不降低") == []
    # booleans and words are not figures
    assert evidence.missing_from_quote(True, "可以") == []


def test_official_source_says_where_it_was_read():
    only_number = PACK.replace(
        'doc_no: 测〔2025〕1号, url: "https://www.gov.cn/a.htm"', "doc_no: 测〔2025〕1号"
    )
    problems = evidence.pack_problems(parse_pack(only_number, CATALOGUE))
    assert any(p.startswith("source gov:") and "neither" in p for p in problems)
    read_elsewhere = only_number.replace(
        "doc_no: 测〔2025〕1号", "doc_no: 测〔2025〕1号, via: 某仓库/文件"
    )
    problems = evidence.pack_problems(parse_pack(read_elsewhere, CATALOGUE))
    assert not any(p.startswith("source gov:") for p in problems)


def test_government_urls():
    assert evidence.is_government_url("https://www.nhsa.gov.cn/art/2024/8/26/art_105_13634.html")
    assert evidence.is_government_url("http://ybj.sh.gov.cn/x.html")
    assert not evidence.is_government_url("http://348239.com/x.shtml")
    assert not evidence.is_government_url("https://evil.gov.cn.example.com/x")


# --- the rules on a pack --------------------------------------------------------------------------

PACK = """
admdvs: "540100"
name: 拉萨市
sources:
  gov: {title: 官方文件, doc_no: 测〔2025〕1号, url: "https://www.gov.cn/a.htm", read: 2026-11-27, confidence: official}
  mirror: {title: 转载, url: "http://348239.com/a.shtml", read: 2026-11-27, confidence: official}
  page: {title: 问答页, url: "http://example.com/q", read: 2026-11-27, confidence: secondary}
parameters:
  employee.inpatient.annual_cap:
    - {since: 2025-01-01, value: 900000, source: gov, article: 第一条, quote: 最高支付限额为90万元}
  resident.inpatient.annual_cap:
    - {since: 2025-01-01, value: 500000, source: gov, article: 第二条}
  employee.outpatient.deductible:
    - {since: 2025-01-01, value: {in_service: 200, retired: 100}, source: gov, article: 第三条, quote: 在职职工起付标准200元}
  employee.account.in_service_credit_rate:
    - {since: 2025-01-01, value: 0.02, source: page, article: 三, derived: 按上年标准推算}
"""


def test_pack_problems_name_each_failure():
    pack = parse_pack(PACK, CATALOGUE)
    problems = evidence.pack_problems(pack)
    assert any("source mirror" in p and "via" in p for p in problems)
    # official without a quote
    assert any(
        p.startswith("resident.inpatient.annual_cap") and "no 'quote'" in p for p in problems
    )
    # the retired 100 is not in the quote
    assert any(p.startswith("employee.outpatient.deductible") and "100" in p for p in problems)
    # 'derived' with no arithmetic
    assert any("derived: must show the arithmetic" in p for p in problems)
    # the cap's quote states 90万 = 900000: no problem for it
    assert not any(p.startswith("employee.inpatient.annual_cap") for p in problems)
    assert len(problems) == 4
    # without the quote requirement (while packs are being filled) the rest still applies
    assert len(evidence.pack_problems(pack, require_quote=False)) == 3


def test_compliant_pack_has_no_problems():
    good = (
        PACK.replace(
            'url: "http://348239.com/a.shtml"', 'url: "http://348239.com/a.shtml", via: 转载页'
        )
        .replace("article: 第二条}", "article: 第二条, quote: 居民50万元}")
        .replace("在职职工起付标准200元", "在职职工起付标准200元，退休人员100元")
        .replace("按上年标准推算", "3% − 1% = 2%")
    )
    assert evidence.pack_problems(parse_pack(good, CATALOGUE)) == []


def test_shipped_packs_meet_the_evidence_rules():
    """Every official version of the shipped packs quotes its document, every quote states every
    figure of its value, every derived value shows its arithmetic (and the loader enforces it)."""
    from yibao.policy import loader

    assert loader.REQUIRE_EVIDENCE
    packs = load_packs(CATALOGUE, require_evidence=False).values()
    assert evidence.all_problems(packs) == []
    for pack in packs:
        c = evidence.counts(pack)
        assert c["official_unquoted"] == 0, pack.admdvs


# --- disputes and bounds, from pack to citizen ----------------------------------------------------

DISPUTED = NATIONAL_PACK.replace(
    "employee.inpatient.annual_cap: [{since: 2020-01-01, value: 300000, source: t, article: 七}]",
    "employee.inpatient.annual_cap: [{since: 2020-01-01, value: 300000, source: t, article: 七,"
    " status: disputed, dispute: 这一限额出自转载页面，与其他地区的文字相同}]",
).replace(
    "employee.account.pays_full_ownpay: [{since: 2020-01-01, value: false, source: t, article: 四}]",
    "employee.account.pays_full_ownpay: [{since: 2020-01-01, value: false, source: t, article: 四}]\n"
    "  resident.contribution.subsidy_annual: [{since: 2020-01-01, value: 700, source: t,"
    " article: 五, bound: floor}]\n"
    "  common.offsite.temporary_validity_months: [{since: 2020-01-01, value: 6, source: t,"
    " article: 六, bound: ceiling}]",
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy(CATALOGUE, {NATIONAL: parse_pack(DISPUTED, CATALOGUE, "test")})


def test_caveats_in_plain_chinese(policy):
    v = policy.view(NATIONAL, dt.date(2025, 6, 1))
    cap = v.get("employee.inpatient.annual_cap")
    assert cap.disputed and cap.cite()["disputed"]
    assert "来源存在争议：这一限额出自转载页面" in cap.caveat
    floor = v.get("resident.contribution.subsidy_annual")
    assert floor.shown() == "不低于700元"
    assert floor.caveat.endswith("全国规定不低于700元，当地标准可能更高。")
    months = v.get("common.offsite.temporary_validity_months")
    assert months.shown() == "最长6个月"
    assert "全国规定最长6个月" in months.caveat and "可能更短" in months.caveat
    plain = v.get("employee.large.threshold")
    assert plain.caveat is None and plain.cite()["caveat"] is None


def test_decision_on_a_disputed_figure_is_qualified(policy):
    cited = Cited(policy.view(NATIONAL, dt.date(2025, 6, 1)))
    cited.get("employee.large.threshold")
    clean = cited.decision("t", "allowed")
    assert clean.outcome_zh == "可以" and clean.caveats == [] and not clean.disputed
    cited.get("employee.inpatient.annual_cap")
    d = cited.decision("t", "allowed")
    assert d.disputed and d.outcome_zh == "可以" + DISPUTED_QUALIFIER
    assert len(d.caveats) == 1 and "存在争议" in d.caveats[0]
    assert d.model_dump()["outcome_zh"] == d.outcome_zh  # JSON faces see the qualified label


@pytest.mark.parametrize("trace", [True, False])
def test_settlement_says_which_step_used_a_disputed_figure(policy, trace):
    # 20000 甲类 at a 三级 hospital, employee in service: the cap step reads the disputed cap
    s = settle(claim(region="540100"), policy, trace=trace)
    assert len(s.caveats) == 1 and "存在争议" in s.caveats[0]
    assert s.output()["caveats"] == s.caveats
    if trace:
        cap_step = next(t for t in s.trace if t.step == "cap")
        assert "注意：" in cap_step.detail and "存在争议" in cap_step.detail
        pool_step = next(t for t in s.trace if t.step == "pool")
        assert "注意" not in pool_step.detail


def test_loader_rejects_a_pack_breaking_the_evidence_rules(tmp_path):
    (tmp_path / "540100-lasa.yaml").write_text(PACK, encoding="utf-8")
    with pytest.raises(PolicyError, match="no 'quote'"):
        load_packs(CATALOGUE, tmp_path, require_evidence=True)
    assert "540100" in load_packs(CATALOGUE, tmp_path, require_evidence=False)


def test_lasa_worked_example_still_computes_and_says_disputed():
    """The seed's example: 20,000 at a 三级 hospital, employee in service, first stay.
    (20000 − 700) × 85% = 16,405.00 — on figures the packs mark disputed (西藏 tables)."""
    from yibao.qa.answer import ask

    r = ask("拉萨职工医保住院花了2万能报多少", date=dt.date(2025, 6, 1))
    conclusion = next(line for line in r["answer"].splitlines() if line.startswith("**结论**"))
    assert "16,405.00元" in conclusion and "存在争议" in conclusion
    assert any("存在争议" in c for c in r["caveats"])
    assert "请注意" in r["answer"]
