"""Transfer, waiting, newborn, off-site, family aid, contribution, lifetime, enrolment, coverage:
hand-worked expectations on the in-test packs (test figures, not the law)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.test_rules_packs import (
    HANGZHOU,
    LASA,
    LINZHI,
    NINGBO,
    POLICY,
    SHANGHAI,
    basis_names,
    view,
)
from yibao.policy.resolve import Policy
from yibao.policy.schema import PolicyError
from yibao.rules.common import FactError
from yibao.rules.contribution import check_contribution, monthly_account_credit
from yibao.rules.coverage import check_coverage, is_excluded
from yibao.rules.enrollment import check_enrollment
from yibao.rules.family_aid import check_family_aid
from yibao.rules.lifetime import check_lifetime
from yibao.rules.newborn import check_newborn
from yibao.rules.offsite import check_offsite, ratio_reduction
from yibao.rules.transfer import check_transfer
from yibao.rules.waiting import check_waiting, serious_cap

D = dt.date

# --- transfer ---------------------------------------------------------------------------------


def test_transfer_cross_province_dates_over_national_day():
    # Accepted at 杭州 on Tue 2025-09-30; 5 working days for the letter: 10-09, 10-10,
    # 10-11 (Sat, makeup), 10-13, 10-14 → letter by 2025-10-14; then 10 working days:
    # 10-15, 10-16, 10-17, 10-20..10-24 (8), 10-27, 10-28 → done by 2025-10-28.
    d = check_transfer(view(LASA), HANGZHOU, apply_date=D(2025, 9, 30))
    assert d.outcome == "transfer"
    assert d.facts["scenario"] == "cross_province"
    assert d.facts["letter_by"] == "2025-10-14"
    assert d.facts["completed_by"] == "2025-10-28"
    assert any("随关系划转" in r for r in d.reasons)
    assert {"common.transfer.inbound_days", "common.transfer.outbound_days"} <= basis_names(d)


def test_transfer_within_province_and_no_account():
    d = check_transfer(view(LASA), LINZHI, apply_date=D(2025, 6, 2))
    assert d.facts["scenario"] == "within_province"
    assert any("省内不划转余额" in r for r in d.reasons)
    n = check_transfer(view(HANGZHOU), SHANGHAI, destination_has_account=False)
    assert n.facts["scenario"] == "no_account_at_destination"
    assert any("个人账户余额能否提取" in c for c in n.consequences)


def test_transfer_same_pool_not_needed_and_gap():
    assert check_transfer(view(HANGZHOU), "杭州").outcome == "not_needed"
    assert check_transfer(view(HANGZHOU), NINGBO).outcome == "transfer"
    # gap of exactly 3 months = grace 3 → continuous; 4 → waiting may apply
    ok = check_transfer(view(HANGZHOU), SHANGHAI, gap_months=3)
    assert any("不超过3个月" in c for c in ok.consequences)
    late = check_transfer(view(HANGZHOU), SHANGHAI, gap_months=4)
    assert any("超过3个月" in c for c in late.consequences)
    with pytest.raises(FactError):
        check_transfer(view(HANGZHOU), "火星")


# --- waiting ----------------------------------------------------------------------------------


def test_employee_lapse_exactly_three_months_is_within_grace():
    d = check_waiting(view(HANGZHOU), "employee", lapse_months=3)
    assert d.outcome == "no_waiting"
    assert d.facts["waiting_months"] == 0


def test_employee_lapse_four_months_waits_six():
    # grace 3 < 4 months → after_grace 6 months from payment 2025-03-15 → 2025-09-15
    d = check_waiting(view(HANGZHOU), "employee", lapse_months=4, paid_date=D(2025, 3, 15))
    assert d.outcome == "waiting"
    assert d.facts["waiting_months"] == 6
    assert d.facts["benefit_start"] == "2025-09-15"


def test_employee_to_resident_cross_scheme():
    assert (
        check_waiting(view(LASA), "employee", lapse_months=3, to_resident=True).outcome
        == "no_waiting"
    )
    assert (
        check_waiting(view(LASA), "employee", lapse_months=4, to_resident=True).outcome == "waiting"
    )


def test_resident_in_period_continuous_no_waiting():
    d = check_waiting(view(LASA), "resident", in_enrolment_period=True)
    assert d.outcome == "no_waiting"


def test_resident_one_year_lapse_fixed_only():
    # lapse 1 year: fixed 3, variable (1-1)×1 = 0 → 3 months; paid 2025-03-01 → 2025-06-01
    d = check_waiting(view(LASA), "resident", lapse_years=1, paid_date=D(2025, 3, 1))
    assert d.facts["waiting_months"] == 3
    assert d.facts["benefit_start"] == "2025-06-01"


def test_resident_lapse_months_rounds_up_to_years():
    # 13 months not enrolled → ceil(13/12) = 2 years → 3 + (2-1)×1 = 4 months
    d = check_waiting(view(LASA), "resident", lapse_months=13)
    assert d.facts["lapse_years"] == 2
    assert d.facts["waiting_months"] == 4


def test_resident_three_years_repaired():
    # 3 years: 3 + (3-1)×1 = 5; back-pay 1 year → variable 2-1 = 1 → 4 months
    d = check_waiting(view(LASA), "resident", lapse_years=3, back_paid_years=1)
    assert d.facts["waiting_months"] == 4
    # back-pay 5 years cannot cut below the fixed period: variable min(2, 5) = 2 → 3 months
    d = check_waiting(view(LASA), "resident", lapse_years=3, back_paid_years=5)
    assert d.facts["waiting_months"] == 3


def test_resident_long_lapse_floor():
    # 5 years: 3 + 4 = 7; repaired 4 years → 3 + 0 = 3 < floor 6 (≥4 years) → 6
    d = check_waiting(
        view(LASA), "resident", lapse_years=5, back_paid_years=4, paid_date=D(2025, 3, 1)
    )
    assert d.facts["waiting_months"] == 6
    assert d.facts["benefit_start"] == "2025-09-01"
    # 3 years repaired fully: 3 (no floor below 4 years)
    assert (
        check_waiting(view(LASA), "resident", lapse_years=3, back_paid_years=2).facts[
            "waiting_months"
        ]
        == 3
    )


def test_resident_exempt():
    d = check_waiting(view(LASA), "resident", lapse_years=2, exempt="新生儿")
    assert d.outcome == "no_waiting"
    d = check_waiting(view(LASA), "resident", lapse_years=2, exempt="大学生")
    assert d.outcome == "waiting"
    assert any("不在免等待期" in r for r in d.reasons)


def test_serious_cap_incentives():
    # cap 300000; continuous 6 years, after 4 → 2 × 3000 = 6000; zero-claim 2 × 2000 = 4000
    # total 10000 ≤ 20% × 300000 = 60000 → 310000
    cap, _ = serious_cap(view(LASA), continuous_years=6, zero_claim_years=2)
    assert cap == Decimal("310000.00")
    # 30 years: 26 × 3000 = 78000 > 60000 → capped at 60000 → 360000
    cap, lines = serious_cap(view(LASA), continuous_years=30)
    assert cap == Decimal("360000.00")
    assert any("60000" in line for line in lines)
    # exactly 4 years: no increment yet
    assert serious_cap(view(LASA), continuous_years=4)[0] == Decimal("300000.00")
    # after a lapse: 300000 - 3000 = 297000
    assert serious_cap(view(LASA), continuous_years=0, lapsed=True)[0] == Decimal("297000.00")
    d = check_waiting(view(LASA), "resident", in_enrolment_period=True, continuous_years=5)
    assert d.facts["serious_cap"] == Decimal("303000.00")


def test_waiting_bad_scheme():
    with pytest.raises(FactError) as e:
        check_waiting(view(LASA), "private")
    assert e.value.field == "scheme"


# --- newborn ----------------------------------------------------------------------------------


def test_newborn_day_90_vs_91():
    # Born 2025-01-01: +90 days = 2025-04-01 (31 + 28 + 31 = 90) → from birth;
    # 2025-04-02 is day 91 → late: 杭州 (浙江 next_day) → 2025-04-03.
    d = check_newborn(view(HANGZHOU), D(2025, 1, 1), D(2025, 4, 1))
    assert d.outcome == "from_birth"
    assert d.facts["cover_from"] == "2025-01-01"
    late = check_newborn(view(HANGZHOU), D(2025, 1, 1), D(2025, 4, 2))
    assert late.outcome == "from_later_date"
    assert late.facts["days_after_birth"] == 91
    assert late.facts["cover_from"] == "2025-04-03"


def test_newborn_late_rules_per_region():
    # 林芝 (national next_month): paid 2025-04-02 → 2025-05-01
    assert (
        check_newborn(view(LINZHI), D(2025, 1, 1), D(2025, 4, 2)).facts["cover_from"]
        == "2025-05-01"
    )
    # 拉萨 waiting_period: fixed 3 months from 2025-04-02 → 2025-07-02
    assert (
        check_newborn(view(LASA), D(2025, 1, 1), D(2025, 4, 2)).facts["cover_from"] == "2025-07-02"
    )


def test_newborn_not_enrolled_deadline_and_materials():
    # asked on 2025-02-01: born 2025-01-01 + 90 days = 2025-04-01, 59 days left
    d = check_newborn(view(LASA, D(2025, 2, 1)), D(2025, 1, 1))
    assert d.outcome == "enrol_by"
    assert d.facts["deadline"] == "2025-04-01"
    assert d.facts["days_left"] == 59
    assert d.materials == ["出生医学证明", "户口簿"]
    with pytest.raises(FactError):
        check_newborn(view(LASA), D(2025, 1, 1), D(2024, 12, 31))


# --- off-site ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filing", "cut"),
    [
        ("none", "0"),
        ("long_term", "0"),
        ("referral", "0.10"),
        ("emergency", "0.10"),
        ("temporary", "0.20"),
        ("unfiled", "0.20"),
    ],
)
def test_ratio_reduction(filing, cut):
    assert ratio_reduction(view(LASA), filing) == Decimal(cut)


def test_ratio_reduction_unknown_and_missing():
    with pytest.raises(FactError):
        ratio_reduction(view(LASA), "abroad")
    empty = Policy(POLICY.catalogue, {})
    with pytest.raises(PolicyError, match="ratio_reduction"):
        ratio_reduction(empty.view(LASA, D(2025, 6, 1)), "temporary")
    assert ratio_reduction(empty.view(LASA, D(2025, 6, 1)), "none") == 0


def test_offsite_temporary_validity():
    # filed 2025-06-01, 6 months → valid until 2025-11-30
    d = check_offsite(view(LASA), "temporary", filing_date=D(2025, 6, 1))
    assert d.outcome == "direct_settlement"
    assert d.facts["valid_until"] == "2025-11-30"
    assert d.facts["ratio_reduction"] == Decimal("0.20")
    assert d.materials == ["有效身份凭证", "个人承诺书"]
    assert any("20个百分点" in r for r in d.reasons)


def test_offsite_long_term_and_unfiled():
    lt = check_offsite(view(LASA), "long_term", filing_date=D(2025, 6, 1))
    assert lt.facts["change_after"] == "2025-12-01"
    assert lt.materials == ["有效身份凭证", "备案表"]
    un = check_offsite(view(LASA), "unfiled")
    assert un.outcome == "manual_claim"
    assert un.materials == ["发票", "费用清单", "出院小结"]
    assert un.facts["manual_claim_limit"] == "结算之日起2年内"
    assert check_offsite(view(LASA), "none").outcome == "local"


# --- family aid -------------------------------------------------------------------------------


def test_family_aid_relations():
    assert check_family_aid(view(HANGZHOU), "sibling").outcome == "allowed"
    assert check_family_aid(view(HANGZHOU), "外婆").outcome == "allowed"
    # 上海 (test pack) binds spouse, parents, children only
    d = check_family_aid(view(SHANGHAI), "哥哥")
    assert d.outcome == "not_allowed"
    assert "兄弟姐妹" in d.reasons[0]
    # not a 近亲属
    d = check_family_aid(view(HANGZHOU), "朋友")
    assert d.outcome == "not_allowed"
    assert "朋友" in d.reasons[0]


def test_family_aid_uses_and_conditions():
    ok = check_family_aid(
        view(LASA), "parent", use="resident_contribution", beneficiary_insured=False
    )
    assert ok.outcome == "allowed"  # paying the relative's resident contribution
    no = check_family_aid(view(LASA), "parent", use="care", beneficiary_insured=False)
    assert no.outcome == "not_allowed"
    assert check_family_aid(view(LASA), "child", use="ltc_contribution").outcome == "not_allowed"
    assert check_family_aid(view(LASA), "child", same_region=False).outcome == "not_allowed"
    assert check_family_aid(view(LASA), "child").materials == ["双方身份证", "关系证明"]


# --- contribution -----------------------------------------------------------------------------


def test_contribution_employee():
    # base 8000: personal 8000×0.02 = 160.00; employer 8000×0.06 = 480.00; total 640.00;
    # account 8000×0.02 = 160.00
    d = check_contribution(view(LASA), "in_service", base=Decimal("8000"))
    assert d.facts["personal_monthly"] == Decimal("160.00")
    assert d.facts["employer_monthly"] == Decimal("480.00")
    assert d.facts["total_monthly"] == Decimal("640.00")
    assert d.facts["monthly_account_credit"] == Decimal("160.00")
    # 杭州 employer 0.095: 8000×0.095 = 760.00; 上海 0.09: 720.00
    assert check_contribution(view(HANGZHOU), "in_service", base=Decimal("8000")).facts[
        "employer_monthly"
    ] == Decimal("760.00")
    assert check_contribution(view(SHANGHAI), "in_service", base=Decimal("8000")).facts[
        "employer_monthly"
    ] == Decimal("720.00")


def test_contribution_rounding_and_flexible():
    # 6543.21×0.02 = 130.8642 → 130.86; flexible 6543.21×0.08 = 523.4568 → 523.46
    assert monthly_account_credit(view(LASA), "in_service", Decimal("6543.21")) == Decimal("130.86")
    d = check_contribution(view(LASA), "flexible", base=Decimal("6543.21"))
    assert d.facts["personal_monthly"] == Decimal("523.46")


def test_contribution_retired_and_resident():
    assert monthly_account_credit(view(LINZHI), "retired") == Decimal("150.00")
    assert monthly_account_credit(view(LASA), "retired") == Decimal("120.00")
    # resident 2025: 400 + 700 = 1100; 2024: 380 + 700 = 1080
    r = check_contribution(view(LASA), "resident")
    assert (r.facts["personal_annual"], r.facts["total_annual"]) == (
        Decimal("400.00"),
        Decimal("1100.00"),
    )
    r24 = check_contribution(view(LASA, D(2024, 6, 1)), "resident")
    assert r24.facts["total_annual"] == Decimal("1080.00")
    with pytest.raises(FactError):
        check_contribution(view(LASA), "in_service")
    with pytest.raises(FactError):
        monthly_account_credit(view(LASA), "student", Decimal(1))


# --- lifetime ---------------------------------------------------------------------------------


def test_lifetime():
    # national 男25 女20
    assert check_lifetime(view(LASA), "male", Decimal(25)).outcome == "qualifies"
    d = check_lifetime(view(LASA), "男", Decimal("24.5"))
    assert d.outcome == "short" and d.facts["short_years"] == Decimal("0.5")
    assert d.next_steps[0] == "一次性补缴至规定年限"
    assert check_lifetime(view(LASA), "female", Decimal(20)).outcome == "qualifies"
    # 杭州 男20, and 10 local years
    assert (
        check_lifetime(view(HANGZHOU), "male", Decimal(20), local_years=Decimal(10)).outcome
        == "qualifies"
    )
    h = check_lifetime(view(HANGZHOU), "male", Decimal(22), local_years=Decimal(8))
    assert h.outcome == "short" and h.facts["local_short_years"] == Decimal(2)
    with pytest.raises(FactError):
        check_lifetime(view(LASA), "x", Decimal(1))


# --- enrolment --------------------------------------------------------------------------------


def test_enrollment():
    assert check_enrollment(view(LASA), "flexible").outcome == "conditions"
    f = check_enrollment(view(LASA), "frozen")
    assert f.outcome == "frozen" and f.next_steps[0] == "新单位增员或以灵活就业身份续保"
    e = check_enrollment(view(LASA), "effective", paid_date=D(2025, 3, 15))
    assert e.facts["effective_from"] == "2025-04-01"  # next_month
    r = check_enrollment(view(LASA), "effective", scheme="resident")
    assert r.outcome == "rule_stated" and any("次年1月1日" in x for x in r.reasons)


# --- coverage ---------------------------------------------------------------------------------


def test_coverage_items():
    it = is_excluded(view(LASA), "种植牙")
    assert it is not None and it.account_may_pay
    assert is_excluded(view(LASA), "X002").name == "近视手术"
    assert is_excluded(view(LASA), "全飞秒近视手术").code == "X002"
    assert is_excluded(view(LASA), "阑尾切除术") is None
    d = check_coverage(view(LASA), "种植牙")
    assert d.outcome == "excluded" and any("个人账户" in c for c in d.consequences)
    m = check_coverage(view(LASA), "近视手术")
    assert any("全部自费" in c for c in m.consequences)
    assert check_coverage(view(LASA), "阑尾切除术").outcome == "not_listed"
    c = check_coverage(view(LASA), case="third_party")
    assert c.outcome == "excluded" and any("第三人" in r for r in c.reasons)
