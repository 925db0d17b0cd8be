"""定点医院和药店: how to find designated hospitals and pharmacies (the packs' lookup channels);
a pointer."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import channel_lines, pointer
from yibao.qa.render import Reply

UNKNOWN = "定点医药机构的查询入口尚未收录，可向参保地医保经办机构查询。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    pointer(
        reply,
        view,
        "只有医保定点医院、定点药店可以用医保结算；本系统不收录定点机构名单，可以按下面的方式查询。",
        [
            "就医购药时出示医保卡或医保电子凭证结算。",
            "在外地就医：先办理异地就医备案，再到就医地的跨省联网定点医院、药店直接结算。",
        ],
        channel_lines(reply, view, "common.service.designated_lookup_channels", UNKNOWN),
    )
