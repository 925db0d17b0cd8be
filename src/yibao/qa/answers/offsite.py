"""异地就医: the filing the trip needs and whether bills settle directly."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_DESTINATION, run
from yibao.qa.render import Reply, param_lines
from yibao.rules import offsite


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    filing = s.get("filing")
    if filing is None:
        filing = "temporary"
        reply.assume(
            "按“临时外出就医”备案说明；长期在外地居住（异地安置、常驻异地工作）请按长期居住备案办理。"
        )
        reply.ask(
            "您是长期在外地居住（异地安置退休、常驻工作），还是临时外出就医（转诊、急诊、出差旅游）？"
        )
    d = run(reply, lambda: offsite.check_offsite(view, filing))
    lines = param_lines(view, ["common.offsite.filing_types"], reply)
    reply.section("备案类型", lines)
    if d is not None:
        reply.conclusion = {
            "local": "在参保地所在省内就医一般不需要跨省备案。",
            "direct_settlement": f"办理{offsite.FILINGS.get(filing, filing)}后，可以在跨省联网定点医院直接结算。",
            "manual_claim": "未备案的费用一般不能直接结算，可出院后补办备案或回参保地按规定手工报销。",
        }.get(d.outcome, "")
    if "destination" not in s:
        reply.ask(ASK_DESTINATION)
