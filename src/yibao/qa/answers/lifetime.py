"""缴费年限: the minimum years for lifelong retiree cover, and whether stated years suffice."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_PAID_YEARS, ASK_SEX, UNDECIDED, run
from yibao.qa.render import Reply, param_lines
from yibao.rules import lifetime
from yibao.rules.common import reach
from yibao.rules.decision import Cited


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    table = cited.optional("employee.lifetime.min_years")
    sex, years = s.get("sex"), s.get("paid_years")
    if table is None:
        reply.section(UNDECIDED, ["该地区的最低缴费年限尚未收录。"])
    else:
        reply.conclusion = (
            f"职工医保退休时累计缴费男满{table.get('male', '?')}年、女满{table.get('female', '?')}年{reach(cited, 'employee.lifetime.min_years')}，"
            "退休后不再缴费、终身享受退休人员医保待遇（居民医保没有最低年限，需每年缴费）。"
        )
    reply.cite(cited.basis)
    if years is not None:
        for sx in [sex] if sex else ["male", "female"]:
            prefix = "" if sex else ("男性：" if sx == "male" else "女性：")
            run(reply, partial(lifetime.check_lifetime, view, sx, Decimal(years)), prefix)
        reply.assume(f"按已累计缴费{years}年计算。")
    else:
        names = ["employee.lifetime.min_years", "employee.lifetime.min_local_years"]
        reply.section("条件与依据", param_lines(view, names, reply))
        reply.section(
            "年限不够怎么办", param_lines(view, ["employee.lifetime.shortfall_options"], reply)
        )
        reply.ask(ASK_PAID_YEARS)
    if sex is None:
        reply.ask(ASK_SEX)
