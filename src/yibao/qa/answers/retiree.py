"""退休人员医保: cover after retirement (the minimum contribution years), the monthly account
credit and the inpatient figures for retirees, all from the packs."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_SEX, channel_lines, hotline_line
from yibao.qa.render import Reply, param_lines
from yibao.rules.common import reach
from yibao.rules.decision import Cited

QUERY_UNKNOWN = "查询渠道尚未收录，可向参保地医保经办机构查询、核对缴费记录。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    table = cited.optional("employee.lifetime.min_years")
    if table:
        reply.conclusion = (
            f"退休后还有医保。参加职工医保的，退休时累计缴费达到最低年限（男{table.get('male', '?')}年、"
            f"女{table.get('female', '?')}年{reach(cited, 'employee.lifetime.min_years')}）的，退休后不再缴费，继续享受职工医保退休人员待遇；"
            "年限不够的可以补缴或继续缴费到年限。参加居民医保的，退休年龄后仍需每年缴费。"
        )
    else:
        reply.conclusion = (
            "退休后还有医保：职工医保缴费年限达到当地最低年限的，退休后不再缴费，继续享受退休人员待遇；"
            "该地区的最低年限尚未收录。居民医保需每年缴费。"
        )
    reply.section(
        "退休人员的待遇（本地区已收录的）",
        param_lines(
            view,
            [
                "employee.lifetime.min_local_years",
                "employee.account.retired_monthly_credit",
                "employee.inpatient.deductible_retired",
            ],
            reply,
        ),
    )
    reply.section(
        "年限不够怎么办", param_lines(view, ["employee.lifetime.shortfall_options"], reply)
    )
    where = channel_lines(reply, view, "common.service.query_channels", QUERY_UNKNOWN)
    reply.section("查询、核对累计缴费年限", [*where, hotline_line(cited)])
    if "sex" not in s and table:
        reply.ask(ASK_SEX)
    reply.cite(cited.basis)
