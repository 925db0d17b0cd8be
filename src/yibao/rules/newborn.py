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
from yibao.rules.inputs import MAX_AGE_DAYS, Day, RuleInput, title

RULE = "newborn"
OUTCOMES = ("from_birth", "from_later_date", "enrol_by", "overdue", "late_rule_unknown")


class NewbornInput(RuleInput):
    """新生儿参保：待遇从哪天开始。"""

    birth_date: Day | None = title("出生日期", "与“出生天数”二选一", default=None)
    age_days: int | None = title(
        "出生天数",
        "出生几天了（如 出生20天 填 20），与“出生日期”二选一",
        default=None,
        ge=0,
        le=MAX_AGE_DAYS,
    )
    paid_date: Day | None = title("参保缴费日期", "还没有参保缴费的不填", default=None)


def check_newborn(
    view: PolicyView | Cited,
    birth_date: dt.date | None = None,
    paid_date: dt.date | None = None,
    *,
    age_days: int | None = None,
) -> Decision:
    """Cover start for a newborn born on ``birth_date`` (or ``age_days`` days before the view's
    date) whose enrolment and payment were made on ``paid_date`` (None: not yet enrolled — the
    decision gives the deadline, or says it has passed and what follows).

    The window counts days after the birth date: paid ``window_days`` days after birth is still
    within it (born 2025-01-01, 90-day window → paid by 2025-04-01)."""
    cited = as_cited(view)
    today = cited.view.day
    birth_date = _birth(birth_date, age_days, today)
    if paid_date is not None and paid_date < birth_date:
        raise FactError("paid_date", f"缴费日期 {paid_date} 早于出生日期 {birth_date}")
    window = required(cited, "resident.newborn.window_days")
    deadline = birth_date + dt.timedelta(days=window)
    facts: dict = {
        "birth_date": birth_date.isoformat(),
        "window_days": window,
        "deadline": deadline.isoformat(),
    }
    if age_days is not None:
        facts["age_days"] = age_days
    notes = source_note(cited, "resident.newborn.window_days")
    materials = cited.optional("resident.newborn.materials")
    if materials is None:
        notes.append(missing_note(cited, "resident.newborn.materials"))
    steps = []
    if cited.optional("resident.newborn.channels") is None:
        notes.append(missing_note(cited, "resident.newborn.channels"))
    steps.append(
        "先为新生儿办理户口登记（或凭出生医学证明），再由监护人办理居民医保参保登记并缴纳出生当年的居民医保费。"
    )
    steps.extend(service_steps(cited, channels="resident.newborn.channels", label="参保渠道"))
    reasons: list[str] = []

    if paid_date is None:
        if today <= deadline:
            left = (deadline - today).days
            reasons.append(
                f"出生后{window}天内（{deadline} 前，还有{left}天）由监护人办理参保登记并缴费，"
                "自出生之日起发生的医疗费用均可按规定报销。"
            )
            facts["days_left"] = left
            return cited.decision(
                RULE,
                "enrol_by",
                reasons=reasons,
                materials=list(materials or []),
                next_steps=steps,
                consequences=[
                    f"{deadline} 之后才参保缴费的，按逾期参保办理，出生后至待遇生效前的费用不能报销。"
                ],
                notes=notes,
                facts=facts,
            )
        late_by = (today - deadline).days
        facts["days_overdue"] = late_by
        reasons.append(
            f"已逾期：出生后{window}天内（{deadline} 前）参保缴费的期限已过{late_by}天，"
            "不能再享受自出生之日起的待遇。"
        )
        start = _late_start(cited, today, reasons, notes, if_paid_today=True)
        facts["cover_from_if_paid_today"] = start.isoformat() if start else None
        return cited.decision(
            RULE,
            "overdue",
            reasons=reasons,
            materials=list(materials or []),
            next_steps=["请尽快为新生儿办理参保登记并缴费。", *steps],
            consequences=["出生之日至待遇生效前发生的医疗费用，居民医保基金不予支付。"],
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

    reasons.append(f"出生后第{days}天缴费（{paid_date}），超过{window}天（期限 {deadline}）。")
    start = _late_start(cited, paid_date, reasons, notes)
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


def _birth(birth_date: dt.date | None, age_days: int | None, today: dt.date) -> dt.date:
    """The birth date from a date or an age in days; impossible facts are ``FactError``s."""
    if age_days is not None and age_days < 0:
        raise FactError("age_days", "出生天数不能为负")
    if birth_date is None:
        if age_days is None:
            raise FactError("birth_date", "请给出出生日期（或出生天数）")
        return today - dt.timedelta(days=age_days)
    if birth_date > today:
        raise FactError("birth_date", f"出生日期 {birth_date} 晚于判定日期 {today}，请核对")
    if age_days is not None and today - dt.timedelta(days=age_days) != birth_date:
        raise FactError(
            "age_days",
            f"出生天数 {age_days} 与出生日期 {birth_date} 不符"
            f"（按判定日期 {today} 应为 {(today - birth_date).days} 天）",
        )
    return birth_date


def _late_start(
    cited: Cited, paid: dt.date, reasons: list[str], notes: list[str], *, if_paid_today=False
) -> dt.date | None:
    """Cover start after a late enrolment paid on ``paid`` (per resident.newborn.late_effect)."""
    late = cited.optional("resident.newborn.late_effect")
    when = f"如今天（{paid}）参保缴费，" if if_paid_today else ""
    if late is None:
        notes.append(missing_note(cited, "resident.newborn.late_effect"))
        reasons.append(f"{when}逾期参保的待遇生效规则未收录，请向参保地医保经办机构确认。")
        return None
    start: dt.date | None = None
    code = late.strip()
    if code == "next_day":
        start = paid + dt.timedelta(days=1)
        reasons.append(f"{when}逾期参保自缴费次日起享受待遇：{start} 起。")
    elif code == "next_month":
        start = first_of_next_month(paid)
        reasons.append(f"{when}逾期参保自缴费次月起享受待遇：{start} 起。")
    elif code == "waiting_period":
        months = required(cited, "resident.waiting.fixed_months")
        start = add_months(paid, months)
        reasons.append(
            f"{when}逾期参保按普通居民设{months}个月待遇等待期：约自 {start} 起享受待遇。"
        )
    else:
        reasons.append(f"逾期参保的待遇生效规则：{late}")
    notes.extend(source_note(cited, "resident.newborn.late_effect"))
    return start
