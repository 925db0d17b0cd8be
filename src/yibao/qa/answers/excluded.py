"""不予支付: whether an item or a case (工伤, 第三人责任, 境外, 公共卫生) is outside the fund."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import run
from yibao.qa.render import Reply
from yibao.rules import coverage

CASE_NAMES = {"work_injury": "工伤", "third_party": "第三人责任（打架、车祸等）",
              "abroad": "境外就医", "public_health": "公共卫生"}  # fmt: skip
DENTAL = ("种植牙", "牙齿矫正", "镶牙")


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    item, case = s.get("item"), s.get("case")
    if item is None and case is None:
        reply.ask("您想问的是哪个项目或情形？")
        item = "种植牙"
    d = run(reply, lambda: coverage.check_coverage(view, item, case=None if item else case))
    what = item or CASE_NAMES.get(case or "", case)
    if d is not None:
        reply.conclusion = {
            "excluded": f"{what}不属于基本医保统筹基金的报销范围。",
            "not_listed": f"{what}不在不予支付清单中，能否报销取决于目录和具体项目。",
        }.get(d.outcome, f"{what}：该地区的不予支付项目清单尚未收录，请以当地医保部门为准。")
    if item in DENTAL:
        reply.section(
            "注意",
            [
                "补牙、拔牙、牙周治疗等治疗性口腔项目按目录报销；部分地区已将种植牙医疗服务和集采牙冠纳入支付，请以当地规定为准。"
            ],
        )
