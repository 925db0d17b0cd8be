"""报销手续: how a bill gets reimbursed — settled at the designated hospital, or claimed by hand
with the materials the packs record."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import channel_lines, hotline_line
from yibao.qa.render import Reply, param_lines
from yibao.rules.decision import Cited

UNKNOWN = "手工报销的受理渠道尚未收录，一般向参保地医保经办机构申请（以当地规定为准）。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    reply.conclusion = (
        "在参保地的定点医院、药店看病，出院或缴费时刷医保卡（医保电子凭证）直接结算，"
        "您只付个人负担的部分，不用再去报销；不能直接结算的，再按手工报销办理。"
    )
    reply.section(
        "直接结算",
        [
            "就医时出示医保卡或医保电子凭证；住院的在入院时登记医保，出院时直接结算。",
            "到外地就医的，先办理异地就医备案，在就医地跨省联网定点医院可以直接结算。",
        ],
    )
    manual = [
        "适用情形：异地就医未备案、急诊抢救未能直接结算等，先自费结算，再回参保地报销。",
        "一般要带：身份证或医保卡、医疗费用发票、费用明细清单、出院小结或诊断证明（以参保地要求为准）。",
    ]
    manual += param_lines(
        view, ["common.offsite.manual_claim_materials", "common.offsite.manual_claim_limit"], reply
    )
    reply.section("手工报销", manual)
    where = channel_lines(reply, view, "common.claim.manual_channels", UNKNOWN)
    reply.section("手工报销到哪里办", [*where, hotline_line(cited)])
    reply.cite(cited.basis)
