"""家庭共济：who may be bound to an employee's personal account, what it may pay, how to bind."""

from __future__ import annotations

from typing import Annotated

from yibao import vocab
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
from yibao.rules.inputs import RuleInput, title

RULE = "family_aid"
OUTCOMES = ("allowed", "not_allowed")
RELATIONS: dict[str, str] = dict(vocab.RELATION.labels)
RELATION_ALIASES: dict[str, str] = dict(vocab.RELATION.aliases)
USES: dict[str, str] = dict(vocab.FAMILY_AID_USE.labels)


class FamilyAidInput(RuleInput):
    """家庭共济：能否用职工个人账户为这位亲属支付。"""

    relation: str = title(
        "与职工的关系",
        "近亲属：" + vocab.RELATION.choices_text() + "；也可填其他称呼，如 老公、外婆",
        min_length=1,
        json_schema_extra={"x-suggest": vocab.RELATION.name},
    )
    use: Annotated[str, vocab.FAMILY_AID_USE.code_field] | None = title(
        "用途", "共济资金用来支付什么", default=None
    )
    beneficiary_insured: bool | None = title("被共济人是否已参加基本医保", default=None)
    same_region: bool | None = title("被共济人是否在同一统筹地区参保", default=None)


def relation_code(value: str) -> str | None:
    """The relation code for a code or Chinese kinship term; None when it is no 近亲属 term."""
    return vocab.RELATION.code(value)


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
    if use is not None:
        try:
            use = vocab.FAMILY_AID_USE.parse(use)
        except vocab.UnknownCode as exc:
            raise FactError("use", str(exc)) from None
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
    if cited.optional("employee.family_aid.channels") is None:
        notes.append(missing_note(cited, "employee.family_aid.channels"))
    steps.append(
        "由职工本人发起绑定，填写被共济人的姓名、身份证号和关系并确认授权；解除绑定同一渠道办理。"
    )
    steps.extend(service_steps(cited, channels="employee.family_aid.channels", label="绑定渠道"))
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
