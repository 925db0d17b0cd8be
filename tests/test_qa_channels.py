"""Where to go, per topic (issue 12, items 3 and 4): each answer shows the channel its pack
records for that task, cites the source, labels a channel from another region's pack, and never
offers another task's channel (the 异地就医 filing mini-programs stay with off-site filing).
Expected texts are read from the pack files themselves, never from an answer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from yibao.qa.answer import ask

PACKS = Path(__file__).parents[1] / "src" / "yibao" / "policy" / "packs"
DAY = dt.date(2026, 12, 1)
NATIONAL, NANJING, GUANGZHOU = (
    "000000-national.yaml",
    "320100-nanjing.yaml",
    "440100-guangzhou.yaml",
)


def _pack(name: str) -> dict:
    return yaml.safe_load((PACKS / name).read_text(encoding="utf-8"))


def _entry(pack: str, param: str) -> tuple[list[str], str]:
    """The latest version's channels (every key's, for a table by person) and its source's
    title, from the pack file."""
    data = _pack(pack)
    version = data["parameters"][param][-1]
    value = version["value"]
    channels = [x for v in value.values() for x in v] if isinstance(value, dict) else value
    return [str(x) for x in channels], data["sources"][version["source"]]["title"]


def _sources(answer: str) -> str:
    return answer.split("**来源**", 1)[1]


# (question, pack, channel parameter, the intent that must answer it)
TOPICS = [
    ("医保卡丢了怎么补办", NATIONAL, "common.service.card_channels", "card"),
    ("医保卡余额怎么查", NATIONAL, "common.service.query_channels", "balance"),
    ("南京医保卡余额怎么查", NANJING, "common.service.query_channels", "balance"),
    ("哪些药店能刷医保", NATIONAL, "common.service.designated_lookup_channels", "designated"),
    ("南京门诊慢特病怎么申请", NANJING, "common.chronic.application_channels", "chronic"),
    ("南京医保报销需要什么手续", NANJING, "common.claim.manual_channels", "claim"),
    ("南京生育津贴怎么领", NANJING, "employee.maternity.allowance_channels", "maternity"),
    ("广州居民医保怎么交", GUANGZHOU, "resident.contribution.channels", "payment"),
    ("南京居民医保怎么交", NANJING, "resident.contribution.channels", "payment"),
    ("广州职工医保怎么交", NATIONAL, "employee.contribution.channels", "payment"),
    ("退休了还有医疗保险吗", NATIONAL, "common.service.query_channels", "retiree"),
    ("没有工作怎么参加职工医保", NATIONAL, "employee.enrollment.flexible_channels", "enrollment"),
]


@pytest.mark.parametrize(("question", "pack", "param", "intent"), TOPICS)
def test_each_topic_shows_its_packs_channel_and_cites_it(question, pack, param, intent):
    channels, title = _entry(pack, param)
    r = ask(question, date=DAY)
    assert r["intent"] == intent
    for channel in channels:
        assert channel in r["answer"], channel
    assert f"《{title}》" in _sources(r["answer"])
    assert any(b["parameter"] == param for b in r["basis"])


def test_evoucher_channels_from_the_pack():
    channels, title = _entry(NATIONAL, "common.service.evoucher_channels")
    r = ask("医保电子凭证怎么激活", date=DAY)
    assert "医保电子凭证激活：" + "、".join(channels) in r["answer"]
    assert f"《{title}》" in _sources(r["answer"])


def test_withdrawal_names_its_own_channel():
    channels, title = _entry(NANJING, "employee.withdrawal.channels")
    r = ask("南京我要出国定居医保卡里的钱能取吗", date=DAY)
    assert r["intent"] == "withdrawal"
    assert "办理渠道：" + "、".join(channels) in r["answer"]
    assert f"《{title}》" in _sources(r["answer"])


def test_a_channel_from_the_national_pack_says_so_in_a_city_answer():
    # 广州 records no employee payment channel: the national one (社会保险法 第六十条) is used
    assert "employee.contribution.channels" not in _pack(GUANGZHOU)["parameters"]
    r = ask("广州职工医保怎么交", date=DAY)
    assert "以上是全国的规定或说法，当地可能另有安排。" in r["answer"]
    # 南京's own channel needs no such line
    assert "以上是" not in ask("南京门诊慢特病怎么申请", date=DAY)["answer"]


def test_no_recorded_channel_names_none_and_says_local_practice_varies():
    # the national pack records no channel for 门诊慢特病 application: no app, no hospital named
    assert "common.chronic.application_channels" not in _pack(NATIONAL)["parameters"]
    r = ask("门诊慢特病怎么申请", date=DAY)
    assert r["intent"] == "chronic"
    assert "参保地医保经办机构" in r["answer"] and "以参保地医保部门公布的为准" in r["answer"]
    for named in ("App", "APP", "小程序", "微信", "支付宝", "定点医院窗口"):
        assert named not in r["answer"], named


# Only off-site filing may name the filing apps that 医保发〔2022〕22号 lists.
FILING_ONLY = [c for c in _entry(NATIONAL, "common.offsite.channels")[0] if "小程序" in c]
OTHER_TASKS = [
    "我爸去世了，他医保卡里的钱怎么取",
    "拉萨医保个人账户里的钱可以取出来吗",
    "医保卡丢了怎么补办",
    "医保卡怎么激活",
    "广州居民医保怎么交",
    "北京居民医保怎么交",
    "灵活就业医保怎么交",
    "医保卡余额怎么查",
    "苏州医保卡余额怎么查",
    "给我妈用我的医保卡买药可以吗，合肥的",
    "宝宝2026年10月1日出生，什么时候交医保",
    "从北京去上海工作，医保关系怎么转移",
    "门诊慢特病怎么申请",
    "医保报销需要什么手续",
]


@pytest.mark.parametrize("question", OTHER_TASKS)
def test_other_tasks_never_offer_the_offsite_filing_mini_programs(question):
    r = ask(question, date=DAY)
    assert r["intent"] != "offsite"
    for channel in FILING_ONLY:
        assert channel not in r["answer"], channel
    assert all(b["parameter"] != "common.offsite.channels" for b in r["basis"])


def test_offsite_filing_still_names_them():
    assert FILING_ONLY  # the national pack lists filing mini-programs
    r = ask("我是拉萨的职工医保，要去北京看病，怎么备案", date=DAY)
    assert r["intent"] == "offsite"
    assert all(c in r["answer"] for c in FILING_ONLY)


def test_a_national_bound_is_said_to_be_one():
    # 成都 records no off-site cut: the national ceiling (医保发〔2022〕22号, 不超过20个百分点)
    version = _pack(NATIONAL)["parameters"]["common.offsite.ratio_reduction"][-1]
    assert version["bound"] == "ceiling"
    points = int(version["value"]["temporary"] * 100)  # 0.20 × 100 = 20
    r = ask("成都异地就医怎么备案", date=DAY)
    assert f"降低{points}个百分点（全国规定的上限，当地标准可能更低）" in r["answer"]


# --- citizen text: no code words, units on every figure ------------------------------------------
# (the scan that was in test_qa_model.py, over every topic, with units added)

CITIZEN_QUESTIONS = [
    *OTHER_TASKS,
    *(q for q, *_ in TOPICS),
    "拉萨职工医保和居民医保报销差别有多少",
    "我妈是郑州的居民医保，住院花了5万能报多少",
    "在拉萨三级医院住院花了2万,职工医保能报多少",
    "医保断交了半年，现在补交要等多久才能报销",
    "居民医保断缴两年再参保要等几个月",
    "揭阳居民医保一年交多少钱",
    "北京工资8000医保扣多少",
    "工资8000医保个人账户每月进多少",
    "女的在北京交了15年医保，退休够不够",
    "2025吉林长春种牙医保能报销吗",
    "2025浙江舟山医保封存怎么解封",
    "医保药品目录中的甲乙是什么意思",
    "石家庄职工医保和居民医保有啥不一样",
    "成都异地就医怎么备案",
    "我是拉萨的职工医保，要去北京看病，怎么备案",
    "东莞医保账户里面的钱可以转移吗?",
    "医保卡里的钱可以给老婆用吗",
    "今天天气怎么样",
    "医保",
]
# parameter names, snake_case field names, commands and options, paths and file names
CODE = re.compile(
    r"[A-Za-z_]{3,}\.[a-z_]{3,}|\b[a-z]+_[a-z_]+\b|yibao|shared/|src/|\.ya?ml\b|\.py\b"
    r"|--[a-z]|参数\s*[a-z]"
)
UNITS = (
    "元", "%", "个月", "月", "年", "天", "日", "个工作日", "工作日", "次", "级", "岁", "周岁", "种",
    "万", "个百分点", "号",
)  # fmt: skip
BARE = re.compile(r"(?<![\d.,/\-])\d+(?:[.,]\d+)*(?![\d.,/\-]|\s*(?:" + "|".join(UNITS) + "))")
PHONES = {
    str(_pack(NATIONAL)["parameters"]["common.service.hotline"][-1]["value"]),
    "12333",  # the 社保卡 hotline inside the national card channels
}


def _body(answer: str) -> str:
    """The text a citizen reads before the sources, without links."""
    return re.sub(r"https?://[^\s）)，]+", "", answer.split("**来源**", 1)[0])


@pytest.mark.parametrize("question", CITIZEN_QUESTIONS)
def test_answers_hold_no_code_words(question):
    text = _body(ask(question, date=DAY)["answer"])
    found = CODE.search(text)
    assert found is None, text[max(0, found.start() - 40) : found.end() + 20]


@pytest.mark.parametrize("question", CITIZEN_QUESTIONS)
def test_every_figure_has_its_unit(question):
    text = _body(ask(question, date=DAY)["answer"])
    for phone in PHONES:
        text = text.replace(phone, "")
    text = re.sub(r"(?m)^(- )?\d+\. ", "", text)  # numbered steps
    text = re.sub(r"\d+(?:/\d+)+(?:/…)?", "", text)  # 700/500/400/300元, 第1/2/…次: one unit
    found = BARE.search(text)
    assert found is None, text[max(0, found.start() - 40) : found.end() + 20]
