"""定点医院和药店: how to find designated hospitals and pharmacies; a pointer."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import pointer
from yibao.qa.render import Reply
from yibao.rules.decision import Cited


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    pointer(
        reply,
        Cited(view),
        "只有医保定点医院、定点药店可以用医保结算；本系统不收录定点机构名单，可以按下面的方式查询。",
        [
            "线上查询：国家医保服务平台APP或参保地医保部门网站的“定点医药机构查询”。",
            "现场识别：定点医院和药店一般在门口或收费处挂有“医保定点”标识，结算时出示医保卡或医保电子凭证。",
            "在外地就医：先办理异地就医备案，再到就医地的跨省联网定点医院、药店直接结算。",
        ],
    )
