"""缴费标准: the rates, or the monthly amounts for a stated wage, per scheme and person type."""

from __future__ import annotations

from functools import partial
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import run
from yibao.qa.render import Ask, Reply, param_lines
from yibao.rules import contribution

KIND_PREFIXES = {
    "resident": "居民医保：",
    "in_service": "职工医保：",
    "flexible": "灵活就业：",
    "retired": "退休人员：",
}


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    kinds = _kinds(reply, s)
    wage = s.get("wage") or (s.get("amount") if kinds != ["resident"] else None)
    for k in kinds:
        prefix = KIND_PREFIXES[k] if len(kinds) > 1 else ""
        if k in ("in_service", "flexible") and wage is None:
            params = ["employee.contribution.employer_rate", "employee.contribution.personal_rate",
                      "employee.account.in_service_credit_rate"]  # fmt: skip
            if k == "flexible":
                params = ["employee.contribution.flexible_rate", *params[2:]]
            params += [
                "employee.contribution.base_floor_share",
                "employee.contribution.base_ceiling_share",
            ]
            reply.section(
                prefix + "费率", param_lines(view, params, reply) or ["该地区费率尚未收录。"]
            )
            reply.ask("您的月缴费基数（工资）是多少？给出后可以算出每月缴多少。")
            continue
        d = run(reply, partial(contribution.check_contribution, view, k, base=wage), prefix)
        if d is not None and "personal_monthly" in d.facts:
            f = d.facts
            emp = f"，单位每月缴{f['employer_monthly']}元" if "employer_monthly" in f else ""
            reply.conclusion = f"按缴费基数{wage}元计算，个人每月缴{f['personal_monthly']}元{emp}。"
    if not reply.conclusion:
        reply.conclusion = "职工医保按月缴费基数的比例缴纳（费率见下）；居民医保按年定额缴纳。"
    if "resident" in kinds:
        r = view.optional("resident.contribution.personal_annual")
        if r is not None:
            reply.conclusion = (
                f"居民医保个人缴费每人每年{r.shown_in(view.admdvs)}（另有财政补助）；职工医保按缴费基数的比例由单位和个人按月缴纳。"
                if len(kinds) > 1
                else f"居民医保个人缴费每人每年{r.shown_in(view.admdvs)}。"
            )


def _kinds(reply: Reply, s: dict[str, Any]) -> list[str]:
    """Which contributions to explain; both schemes (and a question back) when unstated."""
    if s.get("flexible"):
        return ["flexible"]
    if s.get("insurance") == "resident":
        return ["resident"]
    if s.get("insurance") == "employee":
        return ["retired" if s.get("person_type") == "retired" else "in_service"]
    reply.assume("您没有说明险种，下面分别说明居民医保和职工医保的缴费。")
    reply.ask(
        Ask(
            "您要交的是居民医保，还是职工医保（单位职工/灵活就业）？",
            "insurance",
            ("居民医保", "职工医保", "灵活就业"),
        )
    )
    return ["resident", "in_service"]
