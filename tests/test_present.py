"""What the faces share: amounts and percentages as people type them, and refusals in plain
Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yibao.present import parse_amount, parse_percent, plain_policy_error, plain_settlement_error


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("20000", "20000"),
        ("20,000元", "20000"),
        ("２００００", "20000"),  # full-width digits
        ("2万", "20000"),
        ("1.5万", "15000"),
        ("3595.50", "3595.50"),
    ],
)
def test_amounts_as_people_type_them(typed, yuan):
    assert parse_amount(typed, "医疗费用总额") == Decimal(yuan)


@pytest.mark.parametrize("typed", ["1e5", "两万", "-100", "12.345", "inf", ""])
def test_other_text_is_refused_naming_the_field(typed):
    with pytest.raises(ValueError, match="医疗费用总额"):
        parse_amount(typed, "医疗费用总额")


def test_an_implausible_amount_is_refused():
    with pytest.raises(ValueError, match="超过"):
        parse_amount("200000000", "医疗费用总额")  # 2 亿元


def test_percentages():
    assert parse_percent("10", "乙类费用约占") == Decimal("0.10")
    assert parse_percent("１０％", "乙类费用约占") == Decimal("0.10")
    with pytest.raises(ValueError, match="0 到 100"):
        parse_percent("120", "乙类费用约占")


def test_settlement_refusals_name_no_parameter_and_say_what_to_do():
    msg = plain_settlement_error(
        "西藏自治区政策包未收录二级医疗机构的住院统筹支付比例（employee.inpatient.fund_ratio）",
        "拉萨市",
        {},
    )
    assert msg.startswith("拉萨市的“二级医疗机构的住院统筹支付比例”暂未收录")
    assert "您可以" in msg and "employee" not in msg
    pre = plain_settlement_error(
        "政策包未收录乙类先行自付比例（common.items.class_b_preselfpay_rate），含乙类费用的理赔"
        "需在费用明细中给出 selfpay_prop",
        "拉萨市",
        {},
    )
    assert "乙类先行自付比例" in pre and "selfpay_prop" not in pre and "0%" in pre


def test_policy_gaps_drop_the_parameter_name():
    msg = plain_policy_error(
        "无法判定：拉萨市的“职工医保个人缴费费率”（参数 employee.contribution.personal_rate）"
        "未在政策包中收录。"
    )
    assert "employee" not in msg and "职工医保个人缴费费率" in msg and "12393" in msg
