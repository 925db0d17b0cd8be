"""Slots: the facts a question states (insurance type, person type, hospital level, amount, nth
stay, dates, relation, sex, years, lapse, item, reason, filing). Each extractor is a small
pattern over the normalized text; absent facts are simply not in the result."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, TypeVar

from yibao.qa.numbers import CN_NUM, money_in, to_number

_N = rf"(\d+(?:\.\d+)?|[{CN_NUM}]+|半)"


_T = TypeVar("_T")


def _num(s: str) -> Decimal | None:
    return Decimal("0.5") if s == "半" else to_number(s)


def _first(table: tuple[tuple[str, _T], ...], t: str) -> _T | None:
    """The value of the first (pattern, value) row whose pattern occurs in ``t``."""
    for pat, value in table:
        if re.search(pat, t):
            return value
    return None


def insurance(t: str) -> str | None:
    """employee (职工医保) or resident (居民医保); None when the question does not say."""
    emp = re.search(r"职工|在职|单位|公司|灵活就业|个体户?|自由职业|退休(?!金)|上班|工资", t)
    res = re.search(
        r"居民|新农合|城乡|学生|少儿|儿童|小孩|未成年|新生儿|宝宝|无业|没有工作|老人医保", t
    )
    if emp and res:
        if re.search(
            r"职工.{0,6}(?:和|与|跟|还是|vs|对比).{0,4}居民|居民.{0,6}(?:和|与|跟|还是|vs|对比).{0,4}职工",
            t,
        ):
            return None  # a comparison
        return "employee" if emp.start() < res.start() else "resident"
    if emp:
        return "employee"
    if res:
        return "resident"
    return None


PERSON_TYPES: tuple[tuple[str, str], ...] = (
    (r"退休(?!金)|离休", "retired"),
    (r"在职|上班|工作中", "in_service"),
)


def person_type(t: str) -> str | None:
    return _first(PERSON_TYPES, t)


HOSPITAL_LEVELS: tuple[tuple[str, int], ...] = (
    (r"三级|三甲|三乙|省级医院|省医院|市级医院|大医院|三类医院|3级", 3),
    (r"二级|二甲|二乙|县医院|县级医院|区医院|县人民医院|2级", 2),
    (r"一级|1级|乡镇医院|镇医院", 1),
    (r"社区|基层|卫生院|卫生室|诊所", 0),
)


def hospital_level(t: str) -> int | None:
    return _first(HOSPITAL_LEVELS, t)


_WAGE = re.compile(r"(?:工资|月薪|薪水|基数|收入|底薪|月入)\D{0,4}$")


def amounts(t: str) -> tuple[Decimal | None, Decimal | None]:
    """(medical amount, monthly wage/base) in yuan."""
    cost = wage = None
    for pos, value in money_in(t):
        if _WAGE.search(t[max(0, pos - 6) : pos]):
            wage = wage or value
        elif cost is None:
            cost = value
    return cost, wage


def nth_stay(t: str) -> int | None:
    m = re.search(rf"第([{CN_NUM}\d]+)次住院|年内第([{CN_NUM}\d]+)次", t)
    if m:
        v = _num(m.group(1) or m.group(2))
        return int(v) if v else None
    if re.search(r"(?:二次|再次|又)住院", t):
        return 2
    return None


_DATE = re.compile(r"(20\d\d)[年\-/.](\d{1,2})[月\-/.](\d{1,2})日?")
_YEAR = re.compile(r"(20\d\d)年")


def dates(t: str) -> list[str]:
    out = [f"{y}-{int(m):02d}-{int(d):02d}" for y, m, d in _DATE.findall(t)]
    return [d for d in out if 1 <= int(d[5:7]) <= 12 and 1 <= int(d[8:10]) <= 31]


_BABY = r"(?:出生|生下来|宝宝|孩子|小孩|婴儿|新生儿|娃)"
_AGE = re.compile(
    rf"{_BABY}(?:刚|才|已经|已)?(?:出生)?(?:了|才|刚)?{_N}(天|周|星期|个?月)(?!内|以内|之内|以后|后)"
)
_AGE_BARE = re.compile(rf"^(?:出生)?{_N}(天|周|星期|个?月)")


def born_ago(t: str, bare: bool = False) -> dict[str, int]:
    """How long ago a baby was born, as the question says it: 出生20天 → {"born_days_ago": 20},
    宝宝两周了 → 14 days, 孩子出生3个月了 → {"born_months_ago": 3}. "出生90天内" is a deadline,
    not an age. ``bare``: the whole text is the age (a reply such as "20天")."""
    m = (_AGE_BARE if bare else _AGE).search(t)
    if not m:
        return {}
    v = _num(m.group(1))
    if v is None or v != v.to_integral_value():
        return {}
    n, unit = int(v), m.group(2)
    if unit.endswith("月"):
        return {"born_months_ago": n}
    return {"born_days_ago": n * 7 if unit in ("周", "星期") else n}


def year(t: str) -> int | None:
    m = _YEAR.search(t)
    return int(m.group(1)) if m else None


# kinship terms → relation codes of yibao.rules.family_aid (longest first)
RELATIONS: dict[str, str] = {
    "外祖父母": "grandparent", "外孙子女": "grandchild", "兄弟姐妹": "sibling",
    "爷爷奶奶": "grandparent", "外公外婆": "grandparent", "姥姥姥爷": "grandparent",
    "祖父母": "grandparent", "孙子女": "grandchild", "外祖父": "grandparent",
    "外祖母": "grandparent", "外孙女": "grandchild",
    "父母": "parent", "爸妈": "parent", "父亲": "parent", "母亲": "parent", "爸爸": "parent",
    "妈妈": "parent", "老爸": "parent", "老妈": "parent", "我爸": "parent", "我妈": "parent",
    "公婆": "parent", "岳父": "parent", "岳母": "parent",
    "配偶": "spouse", "老公": "spouse", "老婆": "spouse", "丈夫": "spouse", "妻子": "spouse",
    "爱人": "spouse", "媳妇": "spouse", "夫妻": "spouse",
    "子女": "child", "儿子": "child", "女儿": "child", "孩子": "child", "小孩": "child",
    "宝宝": "child",
    "哥哥": "sibling", "姐姐": "sibling", "弟弟": "sibling", "妹妹": "sibling", "兄弟": "sibling",
    "姐妹": "sibling",
    "爷爷": "grandparent", "奶奶": "grandparent", "外公": "grandparent", "外婆": "grandparent",
    "姥姥": "grandparent", "姥爷": "grandparent",
    "孙子": "grandchild", "孙女": "grandchild", "外孙": "grandchild",
}  # fmt: skip
_REL_RE = re.compile("|".join(sorted(RELATIONS, key=len, reverse=True)))
REL_NAMES = {"spouse": "配偶", "parent": "父母", "child": "子女", "sibling": "兄弟姐妹",
             "grandparent": "祖父母、外祖父母", "grandchild": "孙子女、外孙子女"}  # fmt: skip


def relation(t: str) -> tuple[str, str] | None:
    """(term as written, relation code)."""
    m = _REL_RE.search(t)
    return (m.group(0), RELATIONS[m.group(0)]) if m else None


SEXES: tuple[tuple[str, str], ...] = (
    (r"(?:^|我是|我)男|男性|男的|男职工|男人|男同志|男士", "male"),
    (r"(?:^|我是|我)女(?!儿)|女性|女的|女职工|女人|女同志|女士", "female"),
)


def sex(t: str) -> str | None:
    return _first(SEXES, t)


def paid_years(t: str) -> Decimal | None:
    m = re.search(rf"(?:交|缴|缴费|交费|缴纳|买|上)了?(?:满|够)?{_N}年", t)
    if m and not re.search(r"多少|几", m.group(0)):
        return _num(m.group(1))
    m = re.search(rf"(?:累计|已经|已)(?:交|缴)?{_N}年", t)
    return _num(m.group(1)) if m else None


def lapse_months(t: str) -> int | None:
    """Months of interruption: 断缴3个月, 断了两年, 停缴半年, 去年没交 (≈12)."""
    m = re.search(
        rf"(?:断缴|断了|停缴|停了|中断|没交|没缴|欠费|欠了|断)(?:了)?{_N}(个?月|年)"
        rf"|{_N}(个?月|年)(?:没交|没缴|没有交|没有缴|未缴|未交)",
        t,
    )
    if m:
        num = m.group(1) or m.group(3)
        unit = m.group(2) or m.group(4)
        v = _num(num)
        if v is None:
            return None
        return int(v * 12) if unit == "年" else int(v)
    if re.search(r"去年(?:没|忘|未)", t):
        return 12
    return None


ITEMS: tuple[tuple[str, str], ...] = (
    (r"种植牙|种牙|植牙", "种植牙"),
    (r"近视手术|近视激光|激光近视|全飞秒|半飞秒|ICL|近视矫正", "近视手术"),
    (r"双眼皮|整容|整形|医美|美容|隆鼻|抽脂", "美容"),
    (r"牙齿矫正|正畸|牙套", "牙齿矫正"),
    (r"配眼镜|配镜|眼镜", "配镜"),
    (r"镶牙|假牙|烤瓷牙", "镶牙"),
    (r"体检", "体检"),
    (r"试管婴儿|辅助生殖", "辅助生殖"),
    (r"植发|脱发", "植发"),
    (r"减肥", "减肥"),
    (r"保健品|营养品", "保健品"),
)
CASES: tuple[tuple[str, str], ...] = (
    (r"工伤", "work_injury"),
    (r"打架|斗殴|车祸|交通事故|被人打|第三方|第三人", "third_party"),
    (r"国外|境外|出国看病|海外", "abroad"),
    (r"疫苗|公共卫生", "public_health"),
)


def item(t: str) -> tuple[str | None, str | None]:
    """(excluded-item name, 社会保险法第三十条 case)."""
    name = _first(ITEMS, t)
    return (name, None) if name is not None else (None, _first(CASES, t))


WITHDRAWAL_REASONS: tuple[tuple[str, str], ...] = (
    (r"套现|套取", "cash_fraud"),
    (r"卖卡|买卖医保卡|出租医保卡|借给", "card_trade"),
    (r"急诊.{0,6}(?:垫付|返还|回到|退回)|垫付.{0,8}(?:返|回到)", "emergency_refund"),
    (r"去世|死亡|过世|离世|走了|身故|继承", "death"),
    (r"退休.{0,6}(?:出国|国外定居)", "retire_abroad"),
    (r"出国|移民|定居国外|国外定居|出境定居|出境|国外", "emigration"),
    (r"入伍|参军|当兵", "military"),
    (r"公费医疗", "public_medical_employer"),
    (r"长期异地|异地安置|长期.{0,4}居住", "long_term_offsite"),
    (r"调动|调到|换城市|跨地区|跨统筹", "moved_no_transfer"),
    (r"不想交|不交了|放弃|退保|不再参加|不参加职工", "quit_employee_scheme"),
    (r"大病|重病|癌症|恶性肿瘤|重大疾病", "serious_disease"),
    (r"微信|支付宝|零钱|提现|取现|银行卡|现金", "cash_out"),
)


def withdrawal_reason(t: str) -> str | None:
    return _first(WITHDRAWAL_REASONS, t)


FILINGS: tuple[tuple[str, str], ...] = (
    (r"未备案|没备案|没有备案|没办备案|不备案|忘了备案|没来得及备案", "unfiled"),
    (r"转诊", "referral"),
    (r"急诊|抢救|突发", "emergency"),
    (r"长期|异地安置|安置|养老|常驻|长住|定居|随子女|跟子女|退休.{0,6}(?:去|到|在)", "long_term"),
    (r"临时|出差|旅游|探亲|短期", "temporary"),
)


def filing(t: str) -> str | None:
    return _first(FILINGS, t)


MED_TYPES: tuple[tuple[str, str], ...] = (
    (r"慢特病|慢性病|慢病|特病|特殊病|门特|门慢|两病", "chronic"),
    (r"住院", "inpatient"),
    (r"门诊|看门诊|拿药|买药|开药", "outpatient"),
)


def med_type(t: str) -> str | None:
    return _first(MED_TYPES, t)


def compare_schemes(t: str) -> bool:
    return bool(
        re.search(r"职工.{0,8}居民|居民.{0,8}职工", t)
        and re.search(r"区别|差别|不同|哪个|对比|比较|差多少|差异|还是|好", t)
    )


def extract(t: str) -> dict[str, Any]:
    """All slots found in the normalized text ``t`` (absent ones omitted)."""
    s: dict[str, Any] = {}
    cost, wage = amounts(t)
    rel = relation(t)
    name, case = item(t)
    values = {
        "insurance": insurance(t),
        "person_type": person_type(t),
        "hospital_level": hospital_level(t),
        "amount": cost,
        "wage": wage,
        "nth_stay": nth_stay(t),
        "dates": dates(t) or None,
        "year": year(t),
        "relation": rel[1] if rel else None,
        "relation_term": rel[0] if rel else None,
        "sex": sex(t),
        "paid_years": paid_years(t),
        "lapse_months": lapse_months(t),
        "item": name,
        "case": case,
        "withdrawal_reason": withdrawal_reason(t),
        "filing": filing(t),
        "med_type": med_type(t),
        "flexible": True if re.search(r"灵活就业|个体|自由职业|无雇工", t) else None,
        "compare": True if compare_schemes(t) else None,
    }
    values.update(born_ago(t))
    for k, v in values.items():
        if v is not None:
            s[k] = v
    return s
