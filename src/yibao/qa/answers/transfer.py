"""转移接续: whether moving to another region needs the insurance relation transferred."""

from __future__ import annotations

from typing import Any

from yibao.policy import regions
from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_TRANSFER_TO, run
from yibao.qa.render import Reply
from yibao.rules import transfer


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    dest = (s.get("destination") or {}).get("admdvs")
    if dest is None:
        reply.ask(ASK_TRANSFER_TO)
        origin = view.admdvs
        dest = "310000" if not origin.startswith("31") else "110000"
        reply.assume(
            f"您没有说明转入地，下面按跨省转移说明（以转入{regions.get(dest).name}为例）；省内跨市转移时个人账户余额的处理可能不同。"
        )
    if view.admdvs == "000000":
        reply.ask("您现在的医保是在哪个城市参保的（转出地）？")
    d = run(reply, lambda: transfer.check_transfer(view, dest))
    if d is not None:
        reply.conclusion = (
            "可以办理医保关系转移接续：基本医保关系、缴费年限和职工医保个人账户余额随之转移。"
            if d.outcome == "transfer"
            else "转出地和转入地属于同一统筹地区，不需要办理转移接续。"
        )
