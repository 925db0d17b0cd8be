"""门诊慢特病: how to apply for recognition, and the region's benefit figures where the packs
record them."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import SCHEME_NAMES, channel_lines, hotline_line, mentions
from yibao.qa.render import Reply, param_lines
from yibao.rules.decision import Cited

UNKNOWN = "申请渠道尚未收录，可向参保地医保经办机构咨询认定办法和受理地点。"

PARAMS = {
    "employee": [
        "employee.chronic.deductible",
        "employee.chronic.fund_ratio",
        "employee.chronic.annual_cap",
    ],
    "resident": [
        "resident.chronic.deductible",
        "resident.chronic.fund_ratio",
        "resident.chronic.annual_cap",
        "resident.two_diseases.deductible",
        "resident.two_diseases.fund_ratio",
        "resident.two_diseases.annual_cap",
    ],
}


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    reply.conclusion = (
        "门诊慢特病（慢性病、特殊疾病）要先向参保地申请认定，认定通过后门诊费用按慢特病待遇报销。"
    )
    reply.section(
        "怎么申请",
        [
            "准备材料：近期的病历、诊断证明和相关检查报告（具体病种的认定标准以参保地公布为准）。",
            "认定通过后：在选定或指定的定点医院、药店门诊就医购药时直接结算。",
        ],
    )
    schemes = [s["insurance"]] if s.get("insurance") in PARAMS else list(PARAMS)
    found = False
    for scheme in schemes:
        lines = param_lines(view, PARAMS[scheme], reply)
        if lines:
            found = True
            reply.section(f"{SCHEME_NAMES[scheme]}待遇标准", lines)
    if not found:
        reply.section("待遇标准", ["该地区门诊慢特病的起付标准、支付比例和限额尚未收录。"])
    if mentions(s, ("异地", "外地", "外省", "跨省")):
        reply.section(
            "在外地就医",
            [
                "先办理异地就医备案；门诊慢特病费用能否在就医地直接结算，以参保地和就医地的开通情况为准，"
                "不能直接结算的，回参保地按规定手工报销。"
            ],
        )
    where = channel_lines(reply, view, "common.chronic.application_channels", UNKNOWN)
    reply.section("办理渠道", [*where, hotline_line(cited)])
    reply.cite(cited.basis)
