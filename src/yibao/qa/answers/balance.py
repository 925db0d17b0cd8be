"""个人账户余额: this system cannot see the account, so where to look it up (the packs' query
channels) and what the account may pay for."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import channel_lines, hotline_line
from yibao.qa.render import Reply
from yibao.rules.decision import Cited

QUERY_UNKNOWN = "查询渠道尚未收录，可向参保地医保经办机构查询。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    reply.conclusion = "本系统不连接医保账户，查不到您的实时余额；可以通过下面的渠道自己查询。"
    lines = channel_lines(reply, view, "common.service.query_channels", QUERY_UNKNOWN)
    reply.section("查询渠道", [*lines, hotline_line(cited)])
    uses = cited.optional("employee.account.allowed_uses")
    if uses:
        reply.section("个人账户可以支付", uses)
    reply.cite(cited.basis)
