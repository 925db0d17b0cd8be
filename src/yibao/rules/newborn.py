"""新生儿参保：when a newborn's resident insurance cover starts.

Enrolled and paid within ``resident.newborn.window_days`` after birth → covered from the day of
birth; later → per ``resident.newborn.late_effect`` (next_day, next_month, waiting_period).
"""

from __future__ import annotations

import datetime as dt

from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    add_months,
    as_cited,
    first_of_next_month,
    missing_note,
    required,
    service_steps,
    source_note,
)
from yibao.rules.decision import Cited, Decision

RULE = "newborn"
OUTCOMES = ("from_birth", "from_later_date", "enrol_by", "late_rule_unknown")


def check_newborn(
    view: PolicyView | Cited, birth_date: dt.date, paid_date: dt.date | None = None
) -> Decision:
    """Cover start for a newborn born on ``birth_date`` whose enrolment and payment were made on
    ``paid_date`` (None: not yet enrolled — the decision gives the deadline).

    The window counts days after the birth date: paid ``window_days`` days after birth is still
    within it (born 2025-01-01, 90-day window → paid by 2025-04-01)."""
    if paid_date is not None and paid_date < birth_date:
        raise FactError("paid_date", f"缴费日期 {paid_date} 早于出生日期 {birth_date}")
    cited = as_cited(view)
    window = required(cited, "resident.newborn.window_days")
    deadline = birth_date + dt.timedelta(days=window)
    facts: dict = {
        "birth_date": birth_date.isoformat(),
        "window_days": window,
        "deadline": deadline.isoformat(),
    }
    notes = source_note(cited, "resident.newborn.window_days")
    materials = cited.optional("resident.newborn.materials")
    if materials is None:
        notes.append(missing_note(cited, "resident.newborn.materials"))
    steps = []
    channels = cited.optional("resident.newborn.channels")
    if channels:
        steps.append("参保渠道：" + "、".join(channels))
    else:
        notes.append(missing_note(cited, "resident.newborn.channels"))
    steps.append(
        "先为新生儿办理户口登记（或凭出生医学证明），再由监护人办理居民医保参保登记并缴纳出生当年的居民医保费。"
    )
    steps.extend(service_steps(cited))
    reasons: list[str] = []

    if paid_date is None:
        reasons.append(
            f"出生后{window}天内（{deadline} 前）由监护人办理参保登记并缴费，自出生之日起发生的医疗费用均可按规定报销。"
        )
        return cited.decision(
            RULE,
            "enrol_by",
            reasons=reasons,
            materials=list(materials or []),
            next_steps=steps,
            consequences=["逾期参保，待遇按当地逾期规则生效，出生后至生效前的费用不能报销。"],
            notes=notes,
            facts=facts,
        )

    days = (paid_date - birth_date).days
    facts.update({"paid_date": paid_date.isoformat(), "days_after_birth": days})
    if days <= window:
        reasons.append(
            f"出生后第{days}天缴费（{paid_date}），在{window}天内：自出生之日（{birth_date}）起享受居民医保待遇。"
        )
        facts["cover_from"] = birth_date.isoformat()
        return cited.decision(
            RULE,
            "from_birth",
            reasons=reasons,
            materials=list(materials or []),
            next_steps=steps,
            consequences=["出生当年的医疗费用（含住院、新生儿监护等）可按规定报销。"],
            notes=notes,
            facts=facts,
        )

    reasons.append(f"出生后第{days}天缴费（{paid_date}），超过{window}天。")
    late = cited.optional("resident.newborn.late_effect")
    start: dt.date | None = None
    if late is None:
        notes.append(missing_note(cited, "resident.newborn.late_effect"))
    else:
        code = late.strip()
        if code == "next_day":
            start = paid_date + dt.timedelta(days=1)
            reasons.append(f"逾期参保自缴费次日起享受待遇：{start} 起。")
        elif code == "next_month":
            start = first_of_next_month(paid_date)
            reasons.append(f"逾期参保自缴费次月起享受待遇：{start} 起。")
        elif code == "waiting_period":
            months = required(cited, "resident.waiting.fixed_months")
            start = add_months(paid_date, months)
            reasons.append(f"逾期参保按普通居民设{months}个月待遇等待期：约自 {start} 起享受待遇。")
        else:
            reasons.append(f"逾期参保的待遇生效规则：{late}")
        notes.extend(source_note(cited, "resident.newborn.late_effect"))
    facts["cover_from"] = start.isoformat() if start else None
    return cited.decision(
        RULE,
        "from_later_date" if start else "late_rule_unknown",
        reasons=reasons,
        materials=list(materials or []),
        next_steps=steps,
        consequences=["出生之日至待遇生效前发生的医疗费用，居民医保基金不予支付。"],
        notes=notes,
        facts=facts,
    )
