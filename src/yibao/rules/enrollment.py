"""参保：flexible-employment enrolment conditions, 封存 (frozen) accounts and 解封, and when
new cover takes effect."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from yibao import vocab
from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    add_months,
    as_cited,
    first_of_next_month,
    missing_note,
    reach,
    service_steps,
    source_note,
    texts_for,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import Day, RuleInput, title

RULE = "enrollment"
TOPICS = vocab.ENROLLMENT_TOPIC.codes
OUTCOMES = ("conditions", "frozen", "effective", "rule_stated", "rule_unknown")
SCHEMES = {
    "employee": "employee.enrollment.effective_rule",
    "resident": "resident.enrollment.effective_rule",
}


class EnrollmentInput(RuleInput):
    """参保：灵活就业条件、账户封存与解封、待遇生效。"""

    topic: Annotated[str, vocab.ENROLLMENT_TOPIC.code_field] = title("事项")
    scheme: Annotated[str, vocab.SCHEME.code_field] = title(
        "险种", "用于“缴费后待遇生效”", default="employee"
    )
    paid_date: Day | None = title("缴费日期", "默认判定日期", default=None)


def check_enrollment(
    view: PolicyView | Cited,
    topic: str,
    *,
    scheme: str = "employee",
    paid_date: dt.date | None = None,
) -> Decision:
    """``topic`` ∈ flexible (灵活就业参保条件), frozen (封存原因与解封), effective (缴费后何时
    生效, for ``scheme`` ∈ employee, resident and ``paid_date``, default the view's date)."""
    if topic not in TOPICS:
        raise FactError("topic", f"未知的主题 {topic!r}；可选：{', '.join(TOPICS)}")
    if scheme not in SCHEMES:
        raise FactError("scheme", f"险种应为 employee（职工）或 resident（居民），收到 {scheme!r}")
    cited = as_cited(view)
    if topic == "flexible":
        return _flexible(cited)
    if topic == "frozen":
        return _frozen(cited)
    return _effective(cited, scheme, paid_date or cited.view.day)


def _flexible(cited: Cited) -> Decision:
    notes: list[str] = []
    reasons = [
        "无雇工的个体工商户、未在用人单位参加职工医保的非全日制从业人员及其他灵活就业人员，可以按灵活就业人员身份参加职工医保。"
    ]
    cond = cited.optional("common.enrollment.flexible_conditions")
    if cond:
        reasons.append("参保条件：" + "；".join(cond) + "。")
        notes.extend(source_note(cited, "common.enrollment.flexible_conditions"))
    else:
        notes.append(missing_note(cited, "common.enrollment.flexible_conditions"))
    rate = cited.optional("employee.contribution.flexible_rate")
    if rate is not None:
        reasons.append(
            f"缴费费率：缴费基数的{(rate * 100).normalize():f}%"
            f"{reach(cited, 'employee.contribution.flexible_rate')}，全部由个人缴纳（见“缴费与个人账户划入”）。"
        )
    steps = list(
        cited.optional("employee.enrollment.flexible_channels")
        or ["到参保地医保经办机构办理灵活就业参保登记（所需材料以当地规定为准）。"]
    )
    steps.extend(texts_for(cited, "employee.contribution.channels", "flexible") or [])
    steps.extend(service_steps(cited))
    return cited.decision(
        RULE,
        "conditions",
        reasons=reasons,
        materials=[],
        next_steps=steps,
        notes=notes,
        consequences=["也可以选择参加居民医保；职工医保缴费年限可累计，达到最低年限后退休免缴。"],
    )


def _frozen(cited: Cited) -> Decision:
    notes: list[str] = []
    reasons = []
    why = cited.optional("common.enrollment.frozen_reasons")
    if why:
        reasons.append("医保账户封存（暂停）通常因为：" + "；".join(why) + "。")
    else:
        notes.append(missing_note(cited, "common.enrollment.frozen_reasons"))
    steps = []
    how = cited.optional("common.enrollment.unfreeze_steps")
    if how:
        steps.extend(how)
    else:
        notes.append(missing_note(cited, "common.enrollment.unfreeze_steps"))
        steps.append("在新单位或以灵活就业身份重新参保缴费后，由医保经办机构恢复（解封）参保状态。")
    steps.extend(
        service_steps(cited, employer="新单位办理参保登记（增员）后，原封存的个人账户随之恢复。")
    )
    return cited.decision(
        RULE,
        "frozen",
        reasons=reasons,
        next_steps=steps,
        notes=notes,
        consequences=[
            "封存期间统筹基金待遇暂停；个人账户余额不会丢失，按当地规定可继续或暂停使用。"
        ],
    )


def _effective(cited: Cited, scheme: str, paid: dt.date) -> Decision:
    name = SCHEMES[scheme]
    rule = cited.optional(name)
    facts: dict = {"scheme": scheme, "paid_date": paid.isoformat()}
    notes: list[str] = []
    reasons: list[str] = []
    start: dt.date | None = None
    if rule is None:
        notes.append(missing_note(cited, name))
    else:
        code = rule.strip()
        if code == "next_day":
            start = paid + dt.timedelta(days=1)
        elif code == "next_month":
            start = first_of_next_month(paid)
        elif code == "same_day":
            start = paid
        elif code == "waiting_period":
            months = cited.optional("resident.waiting.fixed_months")
            if months is not None:
                start = add_months(paid, months)
        if start:
            reasons.append(f"{paid} 缴费，自 {start} 起享受待遇（规则：{code}）。")
        else:
            reasons.append(f"待遇生效规则：{rule}")
        notes.extend(source_note(cited, name))
    facts["effective_from"] = start.isoformat() if start else None
    reasons.append("中断后重新参保的，还要看是否有待遇等待期（见“断缴、补缴与等待期”）。")
    return cited.decision(
        RULE,
        "effective" if start else ("rule_stated" if rule else "rule_unknown"),
        reasons=reasons,
        notes=notes,
        facts=facts,
        next_steps=service_steps(cited),
    )
