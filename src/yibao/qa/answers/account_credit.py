"""个人账户划入: how much goes into the personal account each month, in service or retired."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_PERSON_TYPE, ASK_WAGE, RULE_ERRORS, run, safe, undecided
from yibao.qa.render import Reply, param_lines
from yibao.rules import contribution
from yibao.rules.decision import Cited


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    if s.get("person_type") == "retired":
        kinds = ["retired"]
    elif s.get("person_type") == "in_service" or s.get("wage"):
        kinds = ["in_service"]
    else:
        kinds = ["in_service", "retired"]
        reply.ask(ASK_PERSON_TYPE)
    for k in kinds:
        prefix = ("在职职工：" if k == "in_service" else "退休人员：") if len(kinds) > 1 else ""
        if k == "retired":
            run(reply, lambda: contribution.check_contribution(view, "retired"), prefix)
        else:
            _in_service(reply, view, s, prefix)
    cited = Cited(view)
    rate = cited.optional("employee.account.in_service_credit_rate")
    r = view.optional("employee.account.in_service_credit_rate")
    share = (
        f"（划入比例为本人缴费基数的{r.shown_in(view.admdvs)}）" if r and rate is not None else ""
    )
    reply.conclusion = (
        f"在职职工个人缴费{share}计入个人账户，单位缴费全部进统筹基金；"
        "退休人员由统筹基金按定额每月划入。"
    )
    reply.cite(cited.basis)


def _in_service(reply: Reply, view: PolicyView, s: dict[str, Any], prefix: str) -> None:
    """The credit for a stated wage, or the credit rate and a question back."""
    wage = s.get("wage") or s.get("amount")
    if wage is None:
        reply.section(
            prefix + "划入标准",
            param_lines(view, ["employee.account.in_service_credit_rate"], reply),
        )
        reply.ask(ASK_WAGE)
        return
    d = safe(lambda: contribution.check_contribution(view, "in_service", base=wage))
    try:
        credit = contribution.monthly_account_credit(view, "in_service", wage)
        reply.section(prefix + "划入标准", [f"缴费基数{wage}元，每月划入个人账户约{credit}元。"])
    except RULE_ERRORS as exc:
        undecided(reply, exc)
    if d is not None:
        reply.cite(d.basis)
