"""One vocabulary of coded terms with their Chinese labels, for every layer and face.

Each ``Vocab`` is an ordered table code → Chinese label, plus Chinese words people use for the
codes (aliases). Codes are what packs, the rules, the engines, the database and the APIs store;
labels are what citizens read. Nothing here is a policy figure: which codes a region *allows*
(e.g. the withdrawal reasons of 杭州) lives in its pack. ``docs/glossary.md``'s code table is
generated from ``ALL`` (``python -m yibao.vocab``).

Layer: below ``policy``; imports nothing from yibao.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema


class CodeField:
    """Annotated metadata making a ``str`` field one of a vocabulary's codes (see ``Vocab.code_field``)."""

    __slots__ = ("vocab",)

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self.vocab._validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        out = dict(handler(schema))
        out["enum"] = list(self.vocab.codes)
        out["x-labels"] = dict(self.vocab.labels)
        return out


class UnknownCode(ValueError):
    """A value is none of a vocabulary's codes or Chinese words; the message lists the choices."""


@dataclass(frozen=True)
class Vocab:
    """An ordered code table: ``labels`` code → Chinese label; ``aliases`` word → code."""

    name: str  # identifier, e.g. "hosp_lv"
    title: str  # Chinese name of the term, e.g. "医院级别"
    labels: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    note: str = ""  # where the codes come from (English, for the glossary)

    def __post_init__(self) -> None:
        bad = {a: c for a, c in self.aliases.items() if c not in self.labels}
        if bad:
            raise ValueError(f"vocab {self.name}: aliases to unknown codes {bad}")

    def __contains__(self, code: object) -> bool:
        return code in self.labels

    def __iter__(self) -> Iterator[str]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, code: str) -> str:
        """The Chinese label of ``code``; the code itself when unknown (never raises)."""
        return self.labels.get(code, code)

    def choices_text(self) -> str:
        """Choices for a citizen's error message, in Chinese: ``在职、退休``."""
        return "、".join(self.labels.values())

    def codes_text(self) -> str:
        """Choices for a developer or clerk: ``in_service（在职）, retired（退休）``."""
        return ", ".join(f"{c}（{z}）" for c, z in self.labels.items())

    def code(self, value: Any) -> str | None:
        """The code for a code, a Chinese label or an alias; None when it is none of them."""
        if value is None:
            return None
        v = str(value).strip()
        if v in self.labels:
            return v
        if v in self.aliases:
            return self.aliases[v]
        for c, z in self.labels.items():
            if v == z:
                return c
        return None

    def parse(self, value: Any) -> str:
        """Like ``code`` but raises ``UnknownCode`` naming the allowed choices."""
        c = self.code(value)
        if c is None:
            raise UnknownCode(f"未知的{self.title} {value!r}；可选：{self.choices_text()}")
        return c

    def sub(self, name: str, title: str, codes: tuple[str, ...]) -> Vocab:
        """A vocabulary of some of these codes (labels and aliases kept)."""
        missing = [c for c in codes if c not in self.labels]
        if missing:
            raise ValueError(f"vocab {self.name}: unknown codes {missing}")
        return Vocab(
            name,
            title,
            {c: self.labels[c] for c in codes},
            {a: c for a, c in self.aliases.items() if c in codes},
            self.note,
        )

    @property
    def code_field(self) -> CodeField:
        """Pydantic metadata for a coded field: ``Annotated[str, vocab.SEX.code_field]`` accepts a
        code or a Chinese word and stores the code; its JSON schema lists the codes (``enum``)
        and their labels (``x-labels``)."""
        return CodeField(self)

    def _validate(self, value: Any) -> str:
        try:
            return self.parse(value)
        except UnknownCode as exc:
            raise ValueError(str(exc)) from None


# --- the national platform's codes ---------------------------------------------------------------

INSUTYPE = Vocab(
    "insutype",
    "险种",
    {"310": "职工基本医疗保险", "390": "城乡居民基本医疗保险"},
    {"职工医保": "310", "职工": "310", "居民医保": "390", "居民": "390", "城乡居民医保": "390"},
    note="national platform insutype (险种类型)",
)
EMPLOYEE_INSUTYPE, RESIDENT_INSUTYPE = "310", "390"

MED_TYPE = Vocab(
    "med_type",
    "医疗类别",
    {"11": "普通门诊", "14": "门诊慢特病", "21": "普通住院", "22": "外伤住院"},
    {"门诊": "11", "慢特病": "14", "门诊慢病": "14", "住院": "21"},
    note="national platform med_type (医疗类别); only the codes yibao settles",
)

CHRG_ITEM_LV = Vocab(
    "chrgitm_lv",
    "目录类别",
    {"01": "甲类", "02": "乙类", "03": "丙类（目录外，自费）"},
    {"丙类": "03", "自费": "03"},
    note="national platform chrgitm_lv (收费项目等级); the old name chrg_item_lv is read, deprecated",
)

# 人员类别 as the platform codes it (the first two digits give the group: 11 在职, 12 退休,
# 14 未成年居民, 15 成年居民). Read in public HIS code (docs/platform.md, "Evidence"); the official
# code table was not read, so only these codes are accepted.
PSN_TYPE_CODE = Vocab(
    "psn_type_code",
    "人员类别（平台代码）",
    {
        "1101": "职工在职",
        "1102": "公务员在职",
        "1103": "灵活就业人员在职",
        "1201": "职工退休",
        "1202": "公务员退休",
        "1203": "灵活就业人员退休",
        "1401": "新生儿",
        "1402": "学龄前儿童",
        "1403": "中小学生",
        "1404": "大学生",
        "1405": "未成年（未入学）",
        "1501": "普通居民（成年）",
    },
    note="national platform psn_type (人员类别) in claims and settlement output",
)

FUND_PAY_TYPE = Vocab(
    "fund_pay_type",
    "基金支付类型",
    {
        "310100": "职工基本医疗保险统筹基金",
        "330100": "职工大额医疗费用补助基金",
        "390100": "城乡居民基本医疗保险基金",
        "390200": "城乡居民大病医疗保险资金",
        "610100": "医疗救助基金",
    },
    note="national platform fund_pay_type (setldetail rows)",
)

# --- yibao's own codes -------------------------------------------------------------------------

HOSP_LV = Vocab(
    "hosp_lv",
    "医院级别",
    {"0": "基层", "1": "一级", "2": "二级", "3": "三级"},
    {
        "基层医疗机构": "0",
        "社区": "0",
        "社区卫生服务中心": "0",
        "乡镇卫生院": "0",
        "一级医院": "1",
        "二级医院": "2",
        "三级医院": "3",
        "三甲": "3",
        "三乙": "3",
        "二甲": "2",
        "二乙": "2",
    },
    note="keys of money_by_level / rate_by_level / ratio_table; Encounter.hosp_lv as 0–3",
)

SCHEME = Vocab(
    "scheme",
    "险种",
    {"employee": "职工医保", "resident": "居民医保"},
    {
        "职工": "employee",
        "职工基本医疗保险": "employee",
        "居民": "resident",
        "城乡居民基本医疗保险": "resident",
        "城乡居民医保": "resident",
        "310": "employee",
        "390": "resident",
    },
    note="the two schemes as rules and parameter names spell them (employee.*, resident.*)",
)
SCHEME_INSUTYPE = {"employee": EMPLOYEE_INSUTYPE, "resident": RESIDENT_INSUTYPE}

PSN_TYPE = Vocab(
    "psn_type",
    "人员类别",
    {"in_service": "在职", "retired": "退休"},
    {"在职职工": "in_service", "退休人员": "retired", "退休职工": "retired"},
    note="employee person type in a claim and an enrolment",
)

RESIDENT_GROUP = Vocab(
    "resident_group",
    "居民人群",
    {"all": "居民", "minor": "未成年人、学生", "adult": "成年居民", "senior": "老年居民"},
    {"学生": "minor", "儿童": "minor", "未成年人": "minor", "老年人": "senior", "老人": "senior"},
    note="resident groups some cities set apart in their ratio tables; 'all' otherwise",
)

# Person keys of by-person tables (ratio_table, money_by_key): employees and resident groups,
# plus an age band one city sets apart.
PERSON_KEY = Vocab(
    "person_key",
    "人员",
    {
        **PSN_TYPE.labels,
        "in_service_45plus": "在职（45周岁及以上）",
        **RESIDENT_GROUP.labels,
    },
    {**PSN_TYPE.aliases, **RESIDENT_GROUP.aliases},
    note="keys of by-person parameter tables",
)

CONTRIBUTOR = Vocab(
    "contributor",
    "缴费人员",
    {
        "in_service": "在职职工",
        "flexible": "灵活就业人员",
        "retired": "退休人员",
        "resident": "城乡居民",
    },
    {"在职": "in_service", "灵活就业": "flexible", "退休": "retired", "居民": "resident"},
    note="who pays contributions (rule contribution)",
)

RETIRE_COHORT = Vocab(
    "retire_cohort",
    "退休时间",
    {"retired_before_2001": "2001年前退休", "retired_from_2001": "2001年起退休"},
    note="keys of employee.inpatient.deductible_by_retire_cohort",
)

SEX = Vocab(
    "sex",
    "性别",
    {"male": "男", "female": "女"},
    {"男性": "male", "女性": "female", "m": "male", "f": "female"},
)

CATEGORY = Vocab(
    "category",
    "待遇类别",
    {"inpatient": "住院", "outpatient": "普通门诊", "chronic": "门诊慢特病"},
    note="benefit category a med_type settles under",
)
# med_type → benefit category
MED_TYPE_CATEGORY = {"11": "outpatient", "14": "chronic", "21": "inpatient", "22": "inpatient"}

OFFSITE_FILING = Vocab(
    "offsite_filing",
    "异地就医备案",
    {
        "none": "本地就医（无需备案）",
        "long_term": "异地长期居住备案",
        "temporary": "临时外出就医备案",
        "referral": "异地转诊备案",
        "emergency": "异地急诊抢救",
        "unfiled": "异地就医未备案",
    },
    {
        "本地": "none",
        "长期居住": "long_term",
        "异地安置": "long_term",
        "临时外出": "temporary",
        "转诊": "referral",
        "急诊": "emergency",
        "抢救": "emergency",
        "未备案": "unfiled",
    },
    note="keys of common.offsite.ratio_reduction (without none)",
)
OFFSITE_GROUP = OFFSITE_FILING.sub("offsite_group", "异地就医备案类别", ("long_term", "temporary"))

RELATION = Vocab(
    "relation",
    "近亲属关系",
    {
        "spouse": "配偶",
        "parent": "父母",
        "child": "子女",
        "sibling": "兄弟姐妹",
        "grandparent": "祖父母、外祖父母",
        "grandchild": "孙子女、外孙子女",
    },
    {
        "夫妻": "spouse",
        "丈夫": "spouse",
        "妻子": "spouse",
        "老公": "spouse",
        "老婆": "spouse",
        "爱人": "spouse",
        "媳妇": "spouse",
        "父亲": "parent",
        "母亲": "parent",
        "爸爸": "parent",
        "妈妈": "parent",
        "爸妈": "parent",
        "儿子": "child",
        "女儿": "child",
        "孩子": "child",
        "小孩": "child",
        "哥哥": "sibling",
        "姐姐": "sibling",
        "弟弟": "sibling",
        "妹妹": "sibling",
        "兄弟": "sibling",
        "姐妹": "sibling",
        "祖父母": "grandparent",
        "外祖父母": "grandparent",
        "爷爷": "grandparent",
        "奶奶": "grandparent",
        "外公": "grandparent",
        "外婆": "grandparent",
        "姥姥": "grandparent",
        "姥爷": "grandparent",
        "祖父": "grandparent",
        "祖母": "grandparent",
        "外祖父": "grandparent",
        "外祖母": "grandparent",
        "孙子女": "grandchild",
        "外孙子女": "grandchild",
        "孙子": "grandchild",
        "孙女": "grandchild",
        "外孙": "grandchild",
        "外孙女": "grandchild",
    },
    note="近亲属 of 家庭共济 (codes of employee.family_aid.relations)",
)

FAMILY_AID_USE = Vocab(
    "family_aid_use",
    "共济用途",
    {
        "care": "在定点医疗机构就医的个人负担费用",
        "drugs": "在定点零售药店购买药品、医疗器械、医用耗材的个人负担费用",
        "resident_contribution": "参加居民医保的个人缴费",
        "ltc_contribution": "参加长期护理保险的个人缴费",
    },
    {
        "看病": "care",
        "就医": "care",
        "买药": "drugs",
        "药店": "drugs",
        "居民医保缴费": "resident_contribution",
        "长护险缴费": "ltc_contribution",
    },
    note="codes of employee.family_aid.uses",
)

WITHDRAWAL_ALLOWED = Vocab(
    "withdrawal_allowed",
    "可提取的情形",
    {
        "death": "参保人死亡（继承人申请）",
        "emigration": "出国（境）定居",
        "retire_abroad": "退休后出国（境）定居",
        "moved_no_transfer": "跨统筹地区流动且新参保地不接收个人账户余额",
        "public_medical_employer": "调入享受公费医疗的单位",
        "quit_employee_scheme": "本人申请不再参加职工医保",
        "long_term_offsite": "长期异地居住并已办理长期异地就医备案",
        "military": "应征入伍",
        "serious_disease": "患重大疾病（凭医院证明）",
    },
    note="codes of employee.withdrawal.allowed_reasons and keys of employee.withdrawal.materials",
)
# A narrower situation is allowed wherever the broader one is: a retiree who emigrates emigrates.
WITHDRAWAL_SPECIAL_CASE_OF = {"retire_abroad": "emigration"}

WITHDRAWAL_REASON = Vocab(
    "withdrawal_reason",
    "提取情形",
    {
        **WITHDRAWAL_ALLOWED.labels,
        # not a withdrawal: an emergency advance returned to the account
        "emergency_refund": "急诊费用个人垫付后返还个人账户",
        # never allowed, whatever the region
        "cash_out": "把医保个人账户的钱提现或转到微信、支付宝",
        "card_trade": "出租、出借、买卖医保卡（医保凭证）",
        "cash_fraud": "通过药店、医院等虚构交易套取医保基金（套现）",
        "pension_account": "提取养老保险个人账户",
    },
    {
        "死亡": "death",
        "去世": "death",
        "人走了": "death",
        "继承": "death",
        "出国定居": "emigration",
        "移民": "emigration",
        "出境定居": "emigration",
        "定居国外": "emigration",
        "退休出国": "retire_abroad",
        "退休后出国定居": "retire_abroad",
        "跨地区流动": "moved_no_transfer",
        "公费医疗": "public_medical_employer",
        "放弃参保": "quit_employee_scheme",
        "退保": "quit_employee_scheme",
        "长期异地": "long_term_offsite",
        "异地居住": "long_term_offsite",
        "入伍": "military",
        "参军": "military",
        "大病": "serious_disease",
        "重大疾病": "serious_disease",
        "急诊": "emergency_refund",
        "急诊垫付": "emergency_refund",
        "提现": "cash_out",
        "微信": "cash_out",
        "支付宝": "cash_out",
        "取现": "cash_out",
        "买卖医保卡": "card_trade",
        "卖卡": "card_trade",
        "借卡": "card_trade",
        "套现": "cash_fraud",
        "养老保险": "pension_account",
        "养老金账户": "pension_account",
    },
    note="situations the withdrawal rule decides",
)
WITHDRAWAL_FORBIDDEN = ("cash_out", "card_trade", "cash_fraud", "pension_account")

TRANSFER_BALANCE_CASE = Vocab(
    "transfer_balance_case",
    "余额处理情形",
    {
        "within_province": "省内转移",
        "cross_province": "跨省转移",
        "no_account_at_destination": "转入地不建立个人账户",
    },
    note="keys of common.transfer.balance_rules",
)

TWO_DISEASES = Vocab(
    "two_diseases",
    "两病",
    {"hypertension": "高血压", "diabetes": "糖尿病", "both": "高血压合并糖尿病"},
    note="keys of resident.two_diseases.annual_cap",
)

NEWBORN_LATE_EFFECT = Vocab(
    "newborn_late_effect",
    "新生儿逾期参保的待遇生效",
    {
        "next_day": "自缴费次日起",
        "next_month": "自缴费次月起",
        "waiting_period": "按普通居民设待遇等待期",
    },
    note="codes of resident.newborn.late_effect",
)

COVERAGE_CASE = Vocab(
    "coverage_case",
    "不予支付的情形",
    {
        "work_injury": "应当从工伤保险基金中支付的",
        "third_party": "应当由第三人负担的",
        "public_health": "应当由公共卫生负担的",
        "abroad": "在境外就医的",
    },
    {
        "工伤": "work_injury",
        "第三人": "third_party",
        "交通事故": "third_party",
        "公共卫生": "public_health",
        "境外": "abroad",
        "国外": "abroad",
    },
    note="社会保险法第三十条 cases (rule coverage)",
)

ENROLLMENT_TOPIC = Vocab(
    "enrollment_topic",
    "参保事项",
    {"flexible": "灵活就业人员参保条件", "frozen": "账户封存与解封", "effective": "缴费后待遇生效"},
    {"灵活就业": "flexible", "封存": "frozen", "解封": "frozen", "生效": "effective"},
)

ALL: tuple[Vocab, ...] = (
    INSUTYPE,
    MED_TYPE,
    CHRG_ITEM_LV,
    PSN_TYPE_CODE,
    FUND_PAY_TYPE,
    HOSP_LV,
    SCHEME,
    PSN_TYPE,
    RESIDENT_GROUP,
    PERSON_KEY,
    CONTRIBUTOR,
    RETIRE_COHORT,
    SEX,
    CATEGORY,
    OFFSITE_FILING,
    OFFSITE_GROUP,
    RELATION,
    FAMILY_AID_USE,
    WITHDRAWAL_ALLOWED,
    WITHDRAWAL_REASON,
    TRANSFER_BALANCE_CASE,
    TWO_DISEASES,
    NEWBORN_LATE_EFFECT,
    COVERAGE_CASE,
    ENROLLMENT_TOPIC,
)
BY_NAME: dict[str, Vocab] = {v.name: v for v in ALL}


GLOSSARY_BEGIN = "<!-- vocab table: generated by `python -m yibao.vocab docs/glossary.md` -->"
GLOSSARY_END = "<!-- end of vocab table -->"


def glossary_table() -> str:
    """The Markdown code table of ``docs/glossary.md``: every vocabulary, code and label."""
    lines = ["| term | code | 中文 |", "|---|---|---|"]
    for v in ALL:
        for i, (code, zh) in enumerate(v.labels.items()):
            head = f"{v.title} `{v.name}`" if i == 0 else ""
            lines.append(f"| {head} | `{code}` | {zh} |")
    return "\n".join(lines) + "\n"


def with_glossary_table(text: str) -> str:
    """``text`` (the glossary) with the generated table between its markers (appended if absent)."""
    block = f"{GLOSSARY_BEGIN}\n{glossary_table()}{GLOSSARY_END}\n"
    if GLOSSARY_BEGIN in text and GLOSSARY_END in text:
        head, rest = text.split(GLOSSARY_BEGIN, 1)
        tail = rest.split(GLOSSARY_END, 1)[1].lstrip("\n")
        return head + block + ("\n" + tail if tail else "")
    return text.rstrip("\n") + "\n\n## Codes (from `yibao.vocab`)\n\n" + block


if __name__ == "__main__":  # pragma: no cover
    import sys
    from pathlib import Path

    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
        path.write_text(with_glossary_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(glossary_table(), end="")
