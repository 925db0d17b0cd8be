"""缴费与个人账户划入：employee contributions on a monthly base, the resident annual
contribution, and the monthly personal-account credit for in-service and retired members."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from yibao import vocab
from yibao.money import money, round_fen
from yibao.policy.display import pct
from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    as_cited,
    missing_note,
    required,
    service_steps,
    source_note,
    texts_for,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import MAX_MONTHLY_BASE, RuleInput, title

RULE = "contribution"
OUTCOMES = ("employee", "flexible", "retired", "resident")
PSN_TYPES = vocab.CONTRIBUTOR.codes


class ContributionInput(RuleInput):
    """缴费与个人账户每月划入。"""

    psn_type: Annotated[str, vocab.CONTRIBUTOR.code_field] = title("人员类别", default="in_service")
    base: Decimal | None = title(
        "月缴费基数（元）", "在职职工、灵活就业人员需要", default=None, ge=0, le=MAX_MONTHLY_BASE
    )


def monthly_account_credit(
    cited: PolicyView | Cited, psn_type: str, base: Decimal | None = None
) -> Decimal:
    """The monthly credit to an employee's personal account: in service (and flexible
    employment) ``round_fen(base × employee.account.in_service_credit_rate)``; retired the fixed
    ``employee.account.retired_monthly_credit``. Raises PolicyError when the figure is not
    recorded, FactError for a missing base or an unknown person type."""
    c = as_cited(cited)
    if psn_type in ("in_service", "flexible"):
        if base is None:
            raise FactError("base", "在职职工个人账户划入需要缴费基数")
        rate = required(c, "employee.account.in_service_credit_rate")
        return round_fen(money(base) * rate)
    if psn_type == "retired":
        return money(required(c, "employee.account.retired_monthly_credit"))
    raise FactError("psn_type", f"人员类别应为 in_service、flexible 或 retired，收到 {psn_type!r}")


def check_contribution(
    view: PolicyView | Cited, psn_type: str, *, base: Decimal | None = None
) -> Decision:
    """Contributions and account credit for ``psn_type`` ∈ in_service, flexible, retired,
    resident. ``base`` is the monthly contribution base (yuan) for in_service and flexible."""
    if psn_type not in PSN_TYPES:
        raise FactError("psn_type", f"人员类别应为 {', '.join(PSN_TYPES)} 之一，收到 {psn_type!r}")
    if psn_type in ("in_service", "flexible"):
        if base is None:
            raise FactError("base", "职工医保缴费需要月缴费基数")
        if base < 0:
            raise FactError("base", "缴费基数不能为负")
        base = money(base)
    cited = as_cited(view)
    facts: dict = {"psn_type": psn_type}
    reasons: list[str] = []
    notes: list[str] = []
    steps: list[str] = []

    if psn_type == "resident":
        personal = money(required(cited, "resident.contribution.personal_annual"))
        subsidy = cited.optional("resident.contribution.subsidy_annual")
        facts["personal_annual"] = personal
        reasons.append(f"居民医保个人缴费标准：{personal}元/人/年。")
        if subsidy is not None:
            subsidy = money(subsidy)
            facts.update({"subsidy_annual": subsidy, "total_annual": personal + subsidy})
            reasons.append(
                f"财政补助不低于{subsidy}元/人/年；人均筹资不低于{personal}元+{subsidy}元={personal + subsidy}元。"
            )
        else:
            notes.append(missing_note(cited, "resident.contribution.subsidy_annual"))
        period = cited.optional("resident.contribution.enrolment_period")
        if period:
            reasons.append(f"集中参保缴费期：{period}")
        else:
            notes.append(missing_note(cited, "resident.contribution.enrolment_period"))
        steps.extend(
            service_steps(cited, channels="resident.contribution.channels", label="缴费渠道")
        )
        notes.extend(source_note(cited, "resident.contribution.personal_annual"))
        return cited.decision(
            RULE,
            "resident",
            reasons=reasons,
            next_steps=steps,
            consequences=[
                "未在集中参保期内缴费的，次年参保可能有待遇等待期（见“断缴、补缴与等待期”）。"
            ],
            notes=notes,
            facts=facts,
        )

    if psn_type == "retired":
        reasons.append("退休人员缴费年限达到规定的，退休后不再缴纳基本医疗保险费。")
        credit = cited.optional("employee.account.retired_monthly_credit")
        if credit is not None:
            credit = money(credit)
            facts["monthly_account_credit"] = credit
            reasons.append(f"个人账户由统筹基金按定额划入：每月{credit}元。")
            notes.extend(source_note(cited, "employee.account.retired_monthly_credit"))
        else:
            basis = cited.optional("employee.account.retired_credit_basis")
            if basis:
                reasons.append(f"个人账户划入标准：{basis}")
            notes.append(missing_note(cited, "employee.account.retired_monthly_credit"))
        return cited.decision(RULE, "retired", reasons=reasons, notes=notes, facts=facts)

    assert base is not None
    facts["base"] = base
    if psn_type == "flexible":
        rate = required(cited, "employee.contribution.flexible_rate")
        amount = round_fen(base * rate)
        facts.update({"flexible_rate": rate, "personal_monthly": amount})
        reasons.append(f"灵活就业人员全额个人缴纳：{base}元×{pct(rate)}={amount}元/月。")
    else:
        prate = required(cited, "employee.contribution.personal_rate")
        erate = required(cited, "employee.contribution.employer_rate")
        personal = round_fen(base * prate)
        employer = round_fen(base * erate)
        facts.update(
            {
                "personal_rate": prate,
                "employer_rate": erate,
                "personal_monthly": personal,
                "employer_monthly": employer,
                "total_monthly": personal + employer,
            }
        )
        reasons.append(f"个人缴费：{base}元×{pct(prate)}={personal}元/月（由单位从工资中代扣）。")
        reasons.append(f"单位缴费：{base}元×{pct(erate)}={employer}元/月（全部计入统筹基金）。")
        reasons.append(f"合计：{personal + employer}元/月。")
    if cited.view.optional("employee.account.in_service_credit_rate") is not None:
        credit = monthly_account_credit(cited, psn_type, base)
        rate = cited.value("employee.account.in_service_credit_rate")
        facts["monthly_account_credit"] = credit
        reasons.append(f"个人账户每月划入：{base}元×{pct(rate)}={credit}元。")
        notes.extend(source_note(cited, "employee.account.in_service_credit_rate"))
    else:
        notes.append(missing_note(cited, "employee.account.in_service_credit_rate"))
    for name in (
        "employee.contribution.base_floor_share",
        "employee.contribution.base_ceiling_share",
    ):
        share = cited.optional(name)
        if share is not None:
            which = "下限" if name.endswith("floor_share") else "上限"
            notes.append(
                f"缴费基数{which}为上年度社会平均工资的{(share * 100).normalize():f}%（社平工资未收录，未核对该基数）。"
            )
    how = texts_for(cited, "employee.contribution.channels", psn_type)
    if how:
        steps.extend(how)
    else:
        notes.append(missing_note(cited, "employee.contribution.channels"))
    steps.extend(service_steps(cited))
    return cited.decision(
        RULE,
        psn_type if psn_type == "flexible" else "employee",
        reasons=reasons,
        next_steps=steps,
        notes=notes,
        facts=facts,
    )
