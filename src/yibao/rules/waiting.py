"""断缴、补缴与待遇等待期 (国办发〔2024〕38号), and the 大病保险 cap incentives.

Resident insurance: a fixed waiting period for those not enrolled in the enrolment period or
not continuously enrolled; each further year of lapse adds a variable period; each year paid back
removes one; after a long lapse the repaired total has a floor. Employee insurance: a lapse within
the grace period can be back-paid without loss; beyond it a waiting period applies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from math import ceil
from typing import Annotated

from yibao import vocab
from yibao.money import money, round_fen
from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    add_months,
    as_cited,
    missing_note,
    required,
    service_steps,
    source_note,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import Day, RuleInput, title

RULE = "waiting"
OUTCOMES = ("no_waiting", "waiting")
SCHEMES = vocab.SCHEME.codes


class WaitingInput(RuleInput):
    """断缴、补缴与待遇等待期；居民大病保险限额激励。"""

    scheme: Annotated[str, vocab.SCHEME.code_field] = title("险种", default="resident")
    lapse_months: int = title("中断缴费月数", "没有中断填 0", default=0, ge=0)
    lapse_years: int | None = title(
        "居民医保断保年数", "不填时按中断月数向上取整", default=None, ge=0
    )
    back_paid_years: int = title("补缴（修复）年数", "居民医保", default=0, ge=0)
    in_enrolment_period: bool | None = title(
        "是否在集中参保期内缴费", "居民医保；不知道可不填", default=None
    )
    paid_date: Day | None = title("缴费日期", "默认判定日期", default=None)
    exempt: str | None = title("人员类别", "居民医保免等待期的人员，如 新生儿", default=None)
    to_resident: bool = title("职工医保中断后改参居民医保", default=False)
    continuous_years: int | None = title(
        "连续参保年数", "居民医保大病保险限额激励", default=None, ge=0
    )
    zero_claim_years: int = title("连续未报销年数", "居民医保大病保险限额激励", default=0, ge=0)


def _exempt_match(category: str, exempt: list[str]) -> str | None:
    c = category.strip()
    if not c:
        return None
    for item in exempt:
        if c in item or item in c:
            return item
    return None


def check_waiting(
    view: PolicyView | Cited,
    scheme: str,
    *,
    lapse_months: int = 0,
    lapse_years: int | None = None,
    back_paid_years: int = 0,
    in_enrolment_period: bool | None = None,
    paid_date: dt.date | None = None,
    exempt: str | None = None,
    to_resident: bool = False,
    continuous_years: int | None = None,
    zero_claim_years: int = 0,
) -> Decision:
    """Waiting period after a lapse, for ``scheme`` ∈ employee, resident.

    Employee: ``lapse_months`` is the length of the interruption; ``to_resident`` when the person
    moves from employee to resident insurance after it. Resident: ``lapse_years`` is the number of
    years not enrolled (default ``ceil(lapse_months / 12)``); ``back_paid_years`` the years paid
    back to repair the variable period; ``in_enrolment_period`` whether this year's payment was
    made in the 集中参保期 (None: not said; someone who never lapsed renews on time); ``exempt`` a category of person (e.g. 新生儿). ``paid_date`` (default:
    the view's date) gives the benefit start. ``continuous_years``/``zero_claim_years`` compute
    the incentive-raised 大病保险 cap for residents."""
    for name, v in (
        ("lapse_months", lapse_months),
        ("lapse_years", lapse_years),
        ("back_paid_years", back_paid_years),
        ("continuous_years", continuous_years),
        ("zero_claim_years", zero_claim_years),
    ):
        if v is not None and v < 0:
            raise FactError(name, "不能为负数")
    try:
        scheme = vocab.SCHEME.parse(scheme)
    except vocab.UnknownCode as exc:
        raise FactError("scheme", str(exc)) from None
    if lapse_years is not None and lapse_months and abs(lapse_years - ceil(lapse_months / 12)) > 1:
        raise FactError(
            "lapse_years",
            f"断保年数 {lapse_years} 与中断缴费月数 {lapse_months} 不符，请核对",
        )
    cited = as_cited(view)
    paid_date = paid_date or cited.view.day
    if scheme == "employee":
        return _employee(cited, lapse_months, to_resident, paid_date)
    if lapse_years is None:
        lapse_years = ceil(lapse_months / 12)
    return _resident(
        cited,
        lapse_years,
        back_paid_years,
        in_enrolment_period,
        paid_date,
        exempt,
        continuous_years,
        zero_claim_years,
    )


def _employee(cited: Cited, lapse: int, to_resident: bool, paid: dt.date) -> Decision:
    facts: dict = {"scheme": "employee", "lapse_months": lapse, "paid_date": paid.isoformat()}
    notes: list[str] = []
    steps: list[str] = []
    if to_resident:
        grace = required(cited, "employee.waiting.cross_scheme_grace_months")
        facts["cross_scheme_grace_months"] = grace
        if lapse <= grace:
            reasons = [
                f"职工医保中断{lapse}个月后参加居民医保，未超过{grace}个月：不设待遇等待期，"
                "缴费后即可享受居民医保待遇。"
            ]
            outcome, months = "no_waiting", 0
        else:
            reasons = [
                f"职工医保中断{lapse}个月后参加居民医保，超过{grace}个月：按居民医保断保规则设待遇等待期"
                "（见“断缴、补缴与等待期”）。"
            ]
            return cited.decision(
                RULE, "waiting", reasons=reasons, next_steps=service_steps(cited), facts=facts
            )
        steps.extend(service_steps(cited))
        return cited.decision(
            RULE,
            outcome,
            reasons=reasons,
            next_steps=steps,
            facts={**facts, "waiting_months": months},
        )

    grace = required(cited, "employee.waiting.grace_months")
    facts["grace_months"] = grace
    if lapse == 0:
        reasons = ["没有中断缴费，待遇连续享受。"]
        return cited.decision(
            RULE, "no_waiting", reasons=reasons, facts={**facts, "waiting_months": 0}
        )
    if lapse <= grace:
        reasons = [
            f"中断缴费{lapse}个月，未超过{grace}个月：按规定补缴中断期间的费用后，"
            "待遇不受影响，缴费年限连续计算。"
        ]
        steps = ["由单位（或灵活就业人员本人）申报补缴中断期间的医保费。"]
        steps.extend(service_steps(cited, employer="由原单位或新单位申报补缴并办理增员。"))
        return cited.decision(
            RULE,
            "no_waiting",
            reasons=reasons,
            next_steps=steps,
            consequences=["补缴前发生的医疗费用，待补缴到账后按规定报销（具体以当地规定为准）。"],
            notes=notes,
            facts={**facts, "waiting_months": 0},
        )
    wait = cited.optional("employee.waiting.after_grace_months")
    reasons = [f"中断缴费{lapse}个月，超过{grace}个月。"]
    consequences = ["中断期间发生的医疗费用统筹基金不予支付。"]
    if wait is None:
        notes.append(missing_note(cited, "employee.waiting.after_grace_months"))
        start = None
    else:
        start = add_months(paid, wait)
        reasons.append(
            f"重新参保缴费后设{wait}个月待遇等待期：{paid} 缴费，约自 {start} 起享受统筹基金待遇。"
        )
        consequences.append("等待期内发生的医疗费用统筹基金不予支付，个人账户可正常使用。")
    steps = service_steps(cited, employer="由新单位办理参保登记（增员）并按月缴费。")
    return cited.decision(
        RULE,
        "waiting",
        reasons=reasons,
        next_steps=steps,
        consequences=consequences,
        notes=notes,
        facts={
            **facts,
            "waiting_months": wait,
            "benefit_start": start.isoformat() if start else None,
        },
    )


def _resident(
    cited: Cited,
    lapse_years: int,
    back_paid: int,
    in_period: bool | None,
    paid: dt.date,
    exempt: str | None,
    continuous_years: int | None,
    zero_claim_years: int,
) -> Decision:
    facts: dict = {
        "scheme": "resident",
        "lapse_years": lapse_years,
        "back_paid_years": back_paid,
        "in_enrolment_period": in_period,
        "paid_date": paid.isoformat(),
    }
    reasons: list[str] = []
    notes: list[str] = []
    consequences: list[str] = []
    steps: list[str] = []

    if exempt:
        exempt_list = cited.optional("resident.waiting.exempt")
        if exempt_list is None:
            notes.append(missing_note(cited, "resident.waiting.exempt"))
        else:
            hit = _exempt_match(exempt, exempt_list)
            if hit:
                reasons.append(f"属于不设待遇等待期的人员（{hit}）：缴费后按规定享受待遇。")
                facts["waiting_months"] = 0
                facts["exempt"] = hit
                _cap(cited, facts, reasons, notes, continuous_years, zero_claim_years, lapse_years)
                return cited.decision(
                    RULE,
                    "no_waiting",
                    reasons=reasons,
                    next_steps=service_steps(cited),
                    notes=notes,
                    facts=facts,
                )
            reasons.append(f"“{exempt}”不在免等待期人员范围内（{'；'.join(exempt_list)}）。")

    if lapse_years == 0 and in_period is not False:
        if in_period:
            reasons.append("连续参保且在集中参保期内缴费：不设待遇等待期。")
        else:
            reasons.append("没有断保，按时连续参保：不设待遇等待期。")
            notes.append(
                "按每年在集中参保期内按时续缴判断；如果是在集中参保期外首次参保，"
                "会有固定待遇等待期。"
            )
        eff = cited.optional("resident.enrollment.effective_rule")
        if eff:
            reasons.append(f"待遇享受期：{eff}")
        facts["waiting_months"] = 0
        _cap(cited, facts, reasons, notes, continuous_years, zero_claim_years, lapse_years)
        return cited.decision(
            RULE,
            "no_waiting",
            reasons=reasons,
            notes=notes,
            facts=facts,
            next_steps=service_steps(cited),
        )

    fixed = required(cited, "resident.waiting.fixed_months")
    total = fixed
    why = f"断保{lapse_years}年，未连续参保" if lapse_years > 0 else "未在集中参保期内参保"
    reasons.append(f"{why}：固定待遇等待期{fixed}个月。")
    if lapse_years > 1:
        per_year = required(cited, "resident.waiting.variable_months_per_year")
        variable = (lapse_years - 1) * per_year
        reasons.append(
            f"断保{lapse_years}年，每多断保1年增加{per_year}个月：变动待遇等待期"
            f"（{lapse_years}年−1年）×{per_year}个月={variable}个月。"
        )
        if back_paid:
            repair = required(cited, "resident.waiting.repair_months_per_year")
            cut = min(variable, back_paid * repair)
            variable -= cut
            reasons.append(
                f"补缴{back_paid}年，每多缴纳1年减少{repair}个月：变动待遇等待期减少{cut}个月，剩{variable}个月。"
            )
            price = cited.optional("resident.waiting.repair_price")
            if price:
                reasons.append(f"修复缴费标准：{price}")
        total = fixed + variable
        long_years = cited.optional("resident.waiting.long_lapse_years")
        floor = cited.optional("resident.waiting.long_lapse_min_months")
        if (
            long_years is not None
            and floor is not None
            and lapse_years >= long_years
            and total < floor
        ):
            reasons.append(
                f"连续断保{lapse_years}年（{long_years}年及以上），修复后等待期合计不少于{floor}个月。"
            )
            total = floor
    elif back_paid:
        reasons.append("断保不满2年，没有变动待遇等待期可修复；补缴不缩短固定待遇等待期。")
    start = add_months(paid, total)
    reasons.append(f"待遇等待期合计{total}个月：{paid} 缴费，约自 {start} 起享受居民医保待遇。")
    facts.update({"waiting_months": total, "benefit_start": start.isoformat()})
    consequences.append("等待期内发生的医疗费用，居民医保基金不予支付。")
    notes.extend(source_note(cited, "resident.waiting.fixed_months"))
    notes.append("等待期起算日与满期当日是否享受待遇，以参保地规定为准。")
    _cap(cited, facts, reasons, notes, continuous_years, zero_claim_years, lapse_years)
    if lapse_years > 0:
        red = cited.optional("resident.serious.lapse_reduction")
        if red:
            consequences.append(
                f"断保后再参保，大病保险最高支付限额降低{red}元，连续参保年数重新计算。"
            )
    steps.append("每年在集中参保期内按时缴费，可避免等待期。")
    steps.extend(service_steps(cited))
    return cited.decision(
        RULE,
        "waiting" if total > 0 else "no_waiting",
        reasons=reasons,
        next_steps=steps,
        consequences=consequences,
        notes=notes,
        facts=facts,
    )


def serious_cap(
    view: PolicyView | Cited,
    *,
    continuous_years: int,
    zero_claim_years: int = 0,
    lapsed: bool = False,
) -> tuple[Decimal, list[str]]:
    """The resident 大病保险 annual cap raised by continuous-enrolment and zero-claim incentives
    (and lowered after a lapse). Returns the cap and the working shown in Chinese."""
    cited = as_cited(view)
    cap = money(required(cited, "resident.serious.cap"))
    lines = [f"大病保险原封顶线{cap}元。"]
    if lapsed:
        red = cited.optional("resident.serious.lapse_reduction")
        if red:
            new = max(money(0), cap - money(red))
            lines.append(
                f"断保后再参保，降低{money(red)}元：{cap}元−{money(red)}元={new}元；连续参保年数重新计算。"
            )
            return new, lines
        return cap, lines
    inc = money(0)
    after = cited.optional("resident.serious.continuous_after_years")
    step = cited.optional("resident.serious.continuous_increment")
    if after is not None and step is not None:
        n = max(0, continuous_years - after)
        add = money(step) * n
        inc += add
        lines.append(
            f"连续参保{continuous_years}年，满{after}年后每年提高{money(step)}元：{n}年×{money(step)}元={add}元。"
        )
    zstep = cited.optional("resident.serious.zero_claim_increment")
    if zstep is not None and zero_claim_years:
        zadd = money(zstep) * zero_claim_years
        inc += zadd
        lines.append(f"基金零报销{zero_claim_years}年，每年提高{money(zstep)}元：{zadd}元。")
    share = cited.optional("resident.serious.increment_max_share")
    if share is not None:
        limit = round_fen(cap * share)
        if inc > limit:
            lines.append(
                f"累计提高不超过原封顶线的{share * 100:g}%：{cap}元×{share * 100:g}%={limit}元，按{limit}元计。"
            )
            inc = limit
    total = cap + inc
    lines.append(f"提高后的大病保险最高支付限额：{cap}元+{inc}元={total}元。")
    return total, lines


def _cap(
    cited: Cited,
    facts: dict,
    reasons: list[str],
    notes: list[str],
    continuous_years: int | None,
    zero_claim_years: int,
    lapse_years: int,
) -> None:
    if continuous_years is None and not zero_claim_years:
        return
    if cited.view.optional("resident.serious.cap") is None:
        notes.append(missing_note(cited, "resident.serious.cap"))
        return
    for name in (
        "resident.serious.continuous_after_years",
        "resident.serious.continuous_increment",
        "resident.serious.zero_claim_increment",
        "resident.serious.increment_max_share",
    ):
        if cited.view.optional(name) is None:
            notes.append(missing_note(cited, name))
    total, lines = serious_cap(
        cited,
        continuous_years=continuous_years or 0,
        zero_claim_years=zero_claim_years,
        lapsed=lapse_years > 0,
    )
    reasons.extend(lines)
    facts["serious_cap"] = total
