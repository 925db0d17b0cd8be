"""Normalization, slots and region picking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yibao.qa.normalize import normalize
from yibao.qa.numbers import money_in
from yibao.qa.understand import understand


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("住院花了2万", 20000),
        ("住院一万五", 15000),
        ("花了两万块", 20000),
        ("住院8000元,居民", 8000),
        ("2万5", 25000),
        ("1.5w", 15000),
        ("花了5000", 5000),
    ],
)
def test_money(text, value):
    assert money_in(text)[0][1] == Decimal(value)


@pytest.mark.parametrize("text", ["第二次住院", "断了3个月", "2025年大连", "交了15年", "三级医院"])
def test_not_money(text):
    assert money_in(text) == []


def test_traditional_and_typos():
    assert normalize("醫保卡裡的錢") == "医保卡里的钱"
    assert normalize("医保断交了，报消多少") == "医保断缴了,报销多少"
    assert normalize("家庭共计 账户") == "家庭共济账户"
    u = understand("瀋陽醫保斷繳三個月怎麼補繳")
    assert u.intent == "lapse" and u.region.admdvs == "210100"
    assert u.slots["lapse_months"] == 3


def test_slots():
    s = understand("我是退休职工，在北京二级医院第二次住院花了3万，能报多少").slots
    assert s["insurance"] == "employee" and s["person_type"] == "retired"
    assert s["hospital_level"] == 2 and s["nth_stay"] == 2 and s["amount"] == Decimal(30000)
    assert understand("给我妈用我的医保卡买药").slots["relation"] == "parent"
    assert understand("工资5000医保扣多少").slots["wage"] == Decimal(5000)
    s = understand("女的交了15年医保够不够").slots
    assert s["sex"] == "female" and s["paid_years"] == Decimal(15)
    assert understand("2025吉林长春种牙医保能报多少").slots["item"] == "种植牙"


@pytest.mark.parametrize(
    ("q", "home", "dest"),
    [
        ("从北京去上海工作，医保关系怎么转移", "110000", "310000"),
        ("去上海看病医保怎么用，我是江苏盐城的", "320900", "310000"),
        ("喀什的医保在乌鲁木齐看病要备案吗", "653100", "650100"),
        ("医保异地转移怎么办理，成都转重庆", "510100", "500000"),
        ("以辽宁沈阳为例", "210100", None),
        ("随子女到杭州养老，老家医保怎么用", None, "330100"),
    ],
)
def test_region_and_destination(q, home, dest):
    u = understand(q)
    assert (u.region.admdvs if u.region else None) == home
    assert (u.slots.get("destination") or {}).get("admdvs") == dest


def test_region_argument_overrides():
    u = understand("医保卡的钱怎么取", region="540100")
    assert u.region.name == "拉萨市" and u.region_given
