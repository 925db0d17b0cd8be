"""Hand-worked settlements on the shipped packs (拉萨, 北京, 上海, 石家庄).

Each expected figure is computed by hand from the pack values cited in the comment.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.settlement.helpers import claim, jia
from yibao.settlement.engine import SettlementError, reverse, settle


def info(c):
    return settle(c).setlinfo


# --- 拉萨 (540100) employee: seed page figures — 三级 deductible 700/500/400/300, in-service
# personal share 15% (fund 85%), retirees 60% of that (fund 91%), annual cap 90万.


def test_lasa_in_service_first_stay_level3():
    s = info(claim(fees=[jia("20000")]))
    # deductible 700; fund (20000 − 700) × 85% = 19300 × 0.85 = 16405.00
    assert s.act_pay_dedc == D("700.00")
    assert s.hifp_pay == D("16405.00")
    # the person pays 700 + 19300 × 15% = 700 + 2895 = 3595.00, all cash (no balance)
    assert s.psn_part_amt == D("3595.00") and s.psn_cash_pay == D("3595.00")
    assert s.fund_pay_sumamt == D("16405.00")


def test_lasa_retired_second_stay_level3():
    s = info(claim(psn_type="retired", ytd={"stays": 1}))
    # 2nd stay in the year: deductible 500; fund (20000 − 500) × 91% = 19500 × 0.91 = 17745.00
    assert s.act_pay_dedc == D("500.00")
    assert s.hifp_pay == D("17745.00")
    assert s.psn_part_amt == D("2255.00")


def test_lasa_fourth_and_later_stays_use_last_deductible():
    # 5th stay: the schedule 700/500/400/300 ends, so 300 applies; 19700 × 0.85 = 16745.00
    s = info(claim(ytd={"stays": 4}))
    assert s.act_pay_dedc == D("300.00") and s.hifp_pay == D("16745.00")


def test_lasa_class_b_and_c_items_and_account():
    fees = [
        jia("15000"),
        {"code": "B", "chrg_item_lv": "02", "amount": "5000", "selfpay_prop": "0.10"},
        {"code": "C", "chrg_item_lv": "03", "amount": "1000"},
    ]
    s = info(claim(fees=fees, ytd={"acct_balance": "1000"}))
    # 乙类 5000 × 10% = 500 先行自付; 丙类 1000 全自费; in scope 15000 + 4500 = 19500
    assert (s.preselfpay_amt, s.fulamt_ownpay_amt, s.inscp_scp_amt) == (
        D("500.00"),
        D("1000.00"),
        D("19500.00"),
    )
    # fund (19500 − 700) × 0.85 = 18800 × 0.85 = 15980.00
    assert s.hifp_pay == D("15980.00")
    # person: 21000 − 15980 = 5020 = 1000 丙 + 500 先行自付 + 700 起付 + 18800 × 15% (2820)
    assert s.psn_part_amt == D("5020.00")
    # national pack: the account pays in-scope self-pay (not 全自费 unless a pack says so):
    # payable 5020 − 1000 = 4020, balance 1000 → account 1000, cash 4020
    assert s.acct_pay == D("1000.00") and s.psn_cash_pay == D("4020.00") and s.balc == 0


def test_lasa_offsite_unfiled_and_referral():
    # treated in 北京 (another province), temporary outing: the national pack (医保发〔2022〕22号)
    # lowers the ratio by 20 points: 85% − 20% = 65%; 19300 × 0.65 = 12545.00
    s = info(claim(treated_in="110000", filing="temporary"))
    assert s.hifp_pay == D("12545.00")
    # no filing at all: no pack records a reduction for that case, so the engine keeps the
    # local ratio and warns that the real one may be lower
    unfiled = settle(claim(treated_in="110000"))
    assert unfiled.setlinfo.hifp_pay == D("16405.00")
    assert any("未备案" in w for w in unfiled.warnings)
    # referral: 10 points: 75%; 19300 × 0.75 = 14475.00
    assert info(claim(treated_in="110000", filing="referral")).hifp_pay == D("14475.00")
    # long-term residence filing: no reduction
    assert info(claim(treated_in="110000", filing="long_term")).hifp_pay == D("16405.00")
    # within the same province (林芝 is in 西藏 too): local treatment, no reduction
    assert info(claim(treated_in="540400")).hifp_pay == D("16405.00")


def test_lasa_annual_cap():
    # 90万 cap, 89万 already paid this year: room 10000 < 16405 → fund pays 10000.00
    s = settle(claim(ytd={"hifp_paid": "890000"}))
    assert s.setlinfo.hifp_pay == D("10000.00")
    assert s.ytd.hifp_paid == D("900000.00")
    assert any(t.step == "cap" and "已封顶" in t.detail for t in s.trace)


def test_lasa_level2_ratio_not_recorded_is_a_clear_error():
    # the seed gives 二级 deductibles but no 二级 inpatient ratio: refuse, naming what is missing
    with pytest.raises(SettlementError, match="二级"):
        settle(claim(level=2))


def test_lasa_resident_inpatient_not_recorded():
    # no source gives 拉萨/西藏 resident inpatient deductibles: the engine says so
    with pytest.raises(SettlementError, match=r"resident\.inpatient\.deductible"):
        settle(claim(insutype="390"))


def test_not_designated_pays_nothing():
    s = info(claim(designated=False))
    assert s.fulamt_ownpay_amt == D("20000.00") and s.fund_pay_sumamt == 0


# --- 北京 (110000) employee: deductible 1300 first stay, 650 later; in-service 三级 bands
# 85% to 3万, 90% 3–4万, 95% 4–10万 (year-cumulative), cap 50万.


def test_beijing_bands_first_and_second_stay():
    first = settle(claim(region="110000", fees=[jia("50000")]))
    # positions 1300..50000: 28700 × 0.85 = 24395; 10000 × 0.90 = 9000; 10000 × 0.95 = 9500
    assert first.setlinfo.hifp_pay == D("42895.00")
    assert first.setlinfo.psn_part_amt == D("7105.00")
    # 2nd stay, 20000: deductible 650, positions 50650..70000 all in the 95% band:
    # 19350 × 0.95 = 18382.50
    second = settle(claim(region="110000", fees=[jia("20000")], ytd=first.ytd.model_dump()))
    assert second.setlinfo.act_pay_dedc == D("650.00")
    assert second.setlinfo.hifp_pay == D("18382.50")


# --- 上海 (310000) employee: deductible 1500 a year (once, not per stay), in-service 85%.


def test_shanghai_annual_deductible():
    first = settle(claim(region="310000", fees=[jia("1000")], end="2025-08-10"))
    # 1000 in scope, all below the 1500 deductible: fund 0
    assert first.setlinfo.act_pay_dedc == D("1000.00") and first.setlinfo.hifp_pay == 0
    second = settle(
        claim(region="310000", fees=[jia("10000")], ytd=first.ytd.model_dump(), end="2025-09-01")
    )
    # 500 of the 1500 is left; fund (10000 − 500) × 0.85 = 8075.00
    assert second.setlinfo.act_pay_dedc == D("500.00")
    assert second.setlinfo.hifp_pay == D("8075.00")


# --- 石家庄 (130100) resident 2025: deductible 三级 1000, fund 65%; no annual cap recorded.


def test_shijiazhuang_resident_level3_warns_without_cap():
    s = settle(claim(insutype="390", region="130100", fees=[jia("30000")]))
    # (30000 − 1000) × 0.65 = 29000 × 0.65 = 18850.00
    assert s.setlinfo.hifp_pay == D("18850.00")
    assert any("未收录" in w for w in s.warnings)


def test_shijiazhuang_employee_retired_level2():
    # retired deductible 二级 400; retired ratio 二级 93%: (10000 − 400) × 0.93 = 8928.00
    s = info(claim(region="130100", psn_type="retired", level=2, fees=[jia("10000")]))
    assert s.act_pay_dedc == D("400.00") and s.hifp_pay == D("8928.00")


def test_reverse_restores_accumulators():
    s = settle(claim(ytd={"stays": 1, "hifp_paid": "1000", "acct_balance": "300"}))
    undone = s.ytd.plus(reverse(s))
    assert undone == claim(ytd={"stays": 1, "hifp_paid": "1000", "acct_balance": "300"}).ytd
