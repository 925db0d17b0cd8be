"""缴费渠道与时间: where, how and when to pay; the region's channels and enrolment period where
the packs record them, otherwise a pointer."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import SCHEME_NAMES, channel_lines, hotline_line
from yibao.qa.render import Ask, Reply
from yibao.rules.decision import Cited

EMP_UNKNOWN = "缴费方式尚未收录，可向单位或参保地医保经办机构咨询。"
RES_UNKNOWN = "缴费渠道由参保地公布，本系统尚未收录该地区的渠道，可向参保地医保经办机构咨询。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    scheme = s.get("insurance")
    if s.get("flexible"):
        scheme = "employee"
    if scheme in (None, "resident"):
        period = cited.optional("resident.contribution.enrolment_period")
        lines_res = []
        if period:
            lines_res.append(f"集中参保缴费期：{period}")
        else:
            lines_res.append(
                "居民医保一般在每年集中参保期内缴纳下一年度的费用（具体起止日期由参保地公布，本系统尚未收录该地区的日期）。"
            )
        lines_res += channel_lines(reply, view, "resident.contribution.channels", RES_UNKNOWN)
        reply.section("居民医保怎么交", lines_res)
    if scheme in (None, "employee"):
        lines_emp = channel_lines(reply, view, "employee.contribution.channels", EMP_UNKNOWN)
        reply.section("职工医保怎么交", lines_emp)
    reply.section("咨询", [hotline_line(cited)])
    reply.conclusion = (
        f"{SCHEME_NAMES[scheme]}的缴费方式和时间见下。"
        if scheme
        else "居民医保按年、在集中参保期内缴费；职工医保由单位按月代扣代缴，灵活就业人员自行缴纳。"
    )
    if scheme is None:
        reply.ask(
            Ask(
                "您要交的是居民医保还是职工医保？",
                "insurance",
                ("居民医保", "职工医保", "灵活就业"),
            )
        )
    reply.cite(cited.basis)
