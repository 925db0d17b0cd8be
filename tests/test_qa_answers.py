"""Answers carry the packs' numbers: expected values are read from the pack files' text (or
worked out by hand from them), never from the answer itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml

from yibao.qa.answer import ask
from yibao.qa.intents import INTENTS

PACKS = Path(__file__).parents[1] / "src" / "yibao" / "policy" / "packs"
DAY = dt.date(2026, 11, 27)


def _param(pack: str, name: str, version: int = -1):
    data = yaml.safe_load((PACKS / pack).read_text(encoding="utf-8"))
    return data["parameters"][name][version]["value"]


def _money(d: Decimal) -> str:
    return f"{d:,.2f}元"


def test_lasa_inpatient_700_deductible_and_85_percent():
    dedc = Decimal(_param("540000-xizang.yaml", "employee.inpatient.deductible")["3"][0])
    rate = Decimal(
        str(
            _param("540000-xizang.yaml", "employee.inpatient.fund_ratio")["in_service"]["3"][0][
                "rate"
            ]
        )
    )
    assert dedc == 700
    r = ask("在拉萨三级医院住院花了2万,职工医保能报多少", date=DAY)
    assert r["intent"] == "reimbursement"
    assert r["region"] == {"name": "拉萨市", "admdvs": "540100"}
    fund = (Decimal(20000) - dedc) * rate  # 16405
    assert _money(dedc) in r["answer"]
    assert _money(fund) in r["answer"]
    assert _money(Decimal(20000) - fund) in r["answer"]
    assert "三级医院" in r["answer"] and "年内第1次住院" in r["answer"]
    # 西藏 pools at autonomous-region level: 拉萨 reads the 西藏 pack's (disputed) figures
    assert any(b["pack"] == "540000" for b in r["basis"])
    assert any(b["source"]["confidence"] == "secondary" for b in r["basis"])
    assert "二手来源" in r["answer"]


def test_lasa_second_stay_uses_second_deductible():
    second = Decimal(_param("540000-xizang.yaml", "employee.inpatient.deductible")["3"][1])
    r = ask("我是拉萨职工医保，今年第二次住院三级医院花了1万，报多少", date=DAY)
    assert r["slots"]["nth_stay"] == 2
    assert f"起付线{second:.2f}元" in r["answer"]


def test_lasa_missing_figure_is_named_and_answer_still_given():
    # the 西藏 pack (which 拉萨 inherits) records the fund ratio for 三级 only: 二级 cannot be settled.
    ratio = _param("540000-xizang.yaml", "employee.inpatient.fund_ratio")["in_service"]
    assert "2" not in ratio
    r = ask("拉萨二级医院住院花了1万，职工医保能报多少", date=DAY)
    assert "未收录二级医疗机构的住院统筹支付比例" in r["answer"]
    # what is known is still shown: the 二级 deductible 600
    dedc2 = _param("540000-xizang.yaml", "employee.inpatient.deductible")["2"][0]
    assert f"二级{dedc2}/" in r["answer"]


def test_shijiazhuang_resident_second_level():
    dedc = Decimal(_param("130100-shijiazhuang.yaml", "resident.inpatient.deductible")["2"][0])
    rate = Decimal(
        str(
            _param("130100-shijiazhuang.yaml", "resident.inpatient.fund_ratio")["all"]["2"][0][
                "rate"
            ]
        )
    )
    r = ask("石家庄二级医院住院8000元，居民医保报多少", date=DAY)
    assert r["slots"]["amount"] == 8000 and r["slots"]["hospital_level"] == 2
    assert _money((Decimal(8000) - dedc) * rate) in r["answer"]  # (8000-800)×75% = 5400


def test_shijiazhuang_lifetime_years():
    years = _param("130000-hebei.yaml", "employee.lifetime.min_years")
    r = ask("河北石家庄医保必须缴纳多少年才能终身享受?(2025/04/16)", date=DAY)
    assert f"男满{years['male']}年" in r["answer"] and f"女满{years['female']}年" in r["answer"]


def test_beijing_retired_banded():
    p = _param("110000-beijing.yaml", "employee.inpatient.fund_ratio")["retired"]["3"]
    dedc = Decimal(_param("110000-beijing.yaml", "employee.inpatient.deductible")["3"][0])
    # bands on the year's in-scope spending, from the deductible up to 100000
    lo, hi, fund = dedc, Decimal(100000), Decimal(0)
    prev = Decimal(0)
    for band in p:
        top = Decimal(band["upto"]) if "upto" in band else hi
        a, b = max(lo, prev), min(hi, top)
        if b > a:
            fund += (b - a) * Decimal(str(band["rate"]))
        prev = top
    r = ask("在北京住院花了10万，退休了，能报多少", date=DAY)
    assert r["slots"]["person_type"] == "retired"
    # Art.36(四): retirees pay 60% of the in-service share → 三级 91% / 94% / 97%:
    # (30000 − 1300) × 0.91 + 10000 × 0.94 + 60000 × 0.97 = 26117 + 9400 + 58200 = 93,717.00
    assert _money(fund) in r["answer"]


def test_contract_shape_and_json_types():
    r = ask("醫保卡裡的錢可以領出來嗎", date=DAY)
    assert set(r) == {
        "intent", "region", "slots", "answer", "missing", "followups", "basis", "caveats",
        "conversation", "turn",
    }  # fmt: skip
    assert [f["question"] for f in r["followups"]] == r["missing"]
    assert r["intent"] in INTENTS
    assert r["region"] is None
    assert "全国通用规则" in r["answer"] and "您在哪个城市参保？" in r["missing"]
    assert all("source" in b for b in r["basis"])
    import json

    json.dumps(r, ensure_ascii=False)


def test_region_override_and_unknown_region_notes():
    r = ask("医保卡的钱怎么取出来", region="林芝", date=DAY)
    assert r["region"]["admdvs"] == "540400"
    r = ask("乌鲁木齐医保卡怎么可以转微信里的钱?", date=DAY)
    assert r["intent"] == "withdrawal"
    assert "尚未收录乌鲁木齐市的地方政策" in r["answer"]


def test_out_of_scope_is_polite():
    r = ask("2025年山西晋中治疗关节疼痛的医院有哪些", date=DAY)
    assert r["intent"] == "out_of_scope"
    assert "抱歉" in r["answer"] and "不推荐医院" in r["answer"]


def test_balance_lists_channels_from_packs():
    hotline = _param("000000-national.yaml", "common.service.hotline")
    r = ask("你的医保卡余额怎么查?", date=DAY)
    assert r["intent"] == "balance"
    assert str(hotline) in r["answer"] and "查不到您的实时余额" in r["answer"]


def test_every_intent_answers_without_error():
    questions = {
        "withdrawal": "我爸去世了，他医保卡里的钱怎么取",
        "offsite": "随子女到杭州养老，老家医保怎么用",
        "family_aid": "给我妈用我的医保卡买药可以吗，合肥的",
        "transfer": "从北京去上海工作，医保关系怎么转移",
        "lapse": "居民医保断缴两年再参保要等几个月",
        "newborn": "宝宝2026年10月1日出生，什么时候交医保",
        "contribution": "北京工资8000医保扣多少",
        "lifetime": "女的在北京交了15年医保，退休够不够",
        "excluded": "2025吉林长春种牙医保能报销吗",
        "enrollment": "2025浙江舟山医保封存怎么解封",
        "account_credit": "工资8000医保个人账户每月进多少",
        "reimbursement": "拉萨职工医保和居民医保报销差别有多少",
    }
    for intent, q in questions.items():
        r = ask(q, date=DAY)
        assert r["intent"] == intent, q
        assert r["answer"].startswith("### ") and "**结论**" in r["answer"], q
