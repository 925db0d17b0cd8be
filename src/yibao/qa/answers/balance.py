"""个人账户余额: this system cannot see the account, so the official channels to look it up."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.render import Reply
from yibao.rules.decision import Cited


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    hotline = cited.optional("common.service.hotline")
    reply.conclusion = "本系统不连接医保账户，查不到您的实时余额；可以通过下面的官方渠道自己查询。"
    lines = [
        "线上：参保地医保部门的网上服务平台或医保App（登录后在“个人账户”或“账户查询”中查看余额和明细）。"
    ]
    lines.append("医保电子凭证：在已激活医保电子凭证的App里查看个人账户信息。")
    lines.append(
        "线下：到定点医院、定点药店刷医保卡（社保卡）时可打印或查看余额，或到医保经办窗口查询。"
    )
    lines.append(
        f"电话：拨打医保服务热线 {hotline} 查询。"
        if hotline
        else "电话：拨打当地医保服务热线（号码尚未收录）。"
    )
    reply.section("查询渠道", lines)
    uses = cited.optional("employee.account.allowed_uses")
    if uses:
        reply.section("个人账户可以支付", uses)
    reply.cite(cited.basis)
