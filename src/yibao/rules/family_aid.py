"""家庭共济：who may be bound to an employee's personal account, what it may pay, how to bind."""

from __future__ import annotations

from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    as_cited,
    missing_note,
    region_name,
    required,
    service_steps,
    source_note,
)
from yibao.rules.decision import Cited, Decision

RULE = "family_aid"
OUTCOMES = ("allowed", "not_allowed")
RELATIONS: dict[str, str] = {
    "spouse": "配偶",
    "parent": "父母",
    "child": "子女",
    "sibling": "兄弟姐妹",
    "grandparent": "祖父母、外祖父母",
    "grandchild": "孙子女、外孙子女",
}
RELATION_ALIASES: dict[str, str] = {
    **{v: k for k, v in RELATIONS.items()},
    "夫妻": "spouse", "丈夫": "spouse", "妻子": "spouse", "老公": "spouse", "老婆": "spouse",
    "父亲": "parent", "母亲": "parent", "爸爸": "parent", "妈妈": "parent",
    "儿子": "child", "女儿": "child", "孩子": "child",
    "哥哥": "sibling", "姐姐": "sibling", "弟弟": "sibling", "妹妹": "sibling", "兄弟": "sibling", "姐妹": "sibling",
    "祖父母": "grandparent", "外祖父母": "grandparent", "爷爷": "grandparent", "奶奶": "grandparent",
    "外公": "grandparent", "外婆": "grandparent", "姥姥": "grandparent", "姥爷": "grandparent",
    "祖父": "grandparent", "祖母": "grandparent", "外祖父": "grandparent", "外祖母": "grandparent",
    "孙子女": "grandchild", "外孙子女": "grandchild", "孙子": "grandchild", "孙女": "grandchild",
    "外孙": "grandchild", "外孙女": "grandchild",
}  # fmt: skip
USES: dict[str, str] = {
    "care": "在定点医疗机构就医的个人负担费用",
    "drugs": "在定点零售药店购买药品、医疗器械、医用耗材的个人负担费用",
    "resident_contribution": "参加居民医保的个人缴费",
    "ltc_contribution": "参加长期护理保险的个人缴费",
}


def relation_code(value: str) -> str | None:
    """The relation code for a code or Chinese kinship term; None when it is no 近亲属 term."""
    v = value.strip()
    if v in RELATIONS:
        return v
    return RELATION_ALIASES.get(v)


def check_family_aid(
    view: PolicyView | Cited,
    relation: str,
    *,
    use: str | None = None,
    beneficiary_insured: bool | None = None,
    same_region: bool | None = None,
) -> Decision:
    """May the employee's personal account pay for a relative (``relation``), optionally for a
    ``use`` (care, drugs, resident_contribution, ltc_contribution)?"""
    if use is not None and use not in USES:
        raise FactError("use", f"未知的用途 {use!r}；可选：{', '.join(USES)}")
    cited = as_cited(view)
    where = region_name(cited)
    allowed = required(cited, "employee.family_aid.relations")
    code = relation_code(relation)
    facts: dict = {"relation": relation, "relation_code": code, "use": use}
    listed = "、".join(RELATIONS.get(c, c) for c in allowed)
    notes = source_note(cited, "employee.family_aid.relations")
    reasons: list[str] = []
    steps: list[str] = []

    def no(*why: str) -> Decision:
        steps.extend(service_steps(cited))
        return cited.decision(
            RULE,
            "not_allowed",
            reasons=[*reasons, *why],
            next_steps=steps,
            notes=notes,
            facts=facts,
        )

    if code is None or code not in allowed:
        who = RELATIONS.get(code, relation) if code else relation
        return no(
            f"“{who}”不在{where}可共济的近亲属范围内。",
            f"可以绑定共济的近亲属：{listed}。",
        )
    reasons.append(f"{RELATIONS[code]}属于{where}可共济的近亲属（{listed}）。")

    must = cited.optional("employee.family_aid.beneficiary_must_be_insured")
    if must and beneficiary_insured is False and use != "resident_contribution":
        return no(
            "被共济人须参加基本医疗保险；尚未参保的，可先用共济资金为其缴纳居民医保个人缴费。"
        )
    if must:
        reasons.append(
            "被共济人须参加基本医疗保险，就医购药时使用本人医保凭证（资金可共济，卡不能共用）。"
        )
    elif must is None:
        notes.append(missing_note(cited, "employee.family_aid.beneficiary_must_be_insured"))

    cross = cited.optional("employee.family_aid.cross_region")
    if same_region is False:
        if cross is False:
            return no(f"被共济人与职工不在同一统筹地区，{where}目前不支持跨统筹地区共济。")
        if cross is None:
            notes.append(missing_note(cited, "employee.family_aid.cross_region"))
        else:
            reasons.append("支持跨统筹地区共济。")

    uses = cited.optional("employee.family_aid.uses")
    if uses is None:
        notes.append(missing_note(cited, "employee.family_aid.uses"))
    else:
        reasons.append("共济资金可支付：" + "；".join(USES.get(u, u) for u in uses) + "。")
        if use is not None and use not in uses:
            return no(f"{where}共济资金不能用于“{USES[use]}”。")

    materials = cited.optional("employee.family_aid.materials")
    if materials is None:
        notes.append(missing_note(cited, "employee.family_aid.materials"))
    channels = cited.optional("employee.family_aid.channels")
    if channels:
        steps.append("绑定渠道：" + "、".join(channels))
    else:
        notes.append(missing_note(cited, "employee.family_aid.channels"))
    steps.append(
        "由职工本人发起绑定，填写被共济人的姓名、身份证号和关系并确认授权；解除绑定同一渠道办理。"
    )
    steps.extend(service_steps(cited))
    return cited.decision(
        RULE,
        "allowed",
        reasons=reasons,
        materials=list(materials or []),
        next_steps=steps,
        consequences=[
            "共济支付从职工个人账户余额中扣减；被共济人的医保待遇不受影响。",
            "职工医保关系终止或跨统筹地区转移时，共济关系自动解除。",
        ],
        notes=notes,
        facts=facts,
    )
