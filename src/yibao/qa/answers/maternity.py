"""生育医疗费用与生育津贴: a pointer (this system has no maternity figures), with where to
claim the allowance from the packs."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import channel_lines, pointer
from yibao.qa.render import Reply

UNKNOWN = "申领渠道尚未收录，可由单位或本人向参保地医保经办机构咨询。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    pointer(
        reply,
        view,
        "生育保险已与职工基本医疗保险合并实施：职工的产检、分娩等生育医疗费用和生育津贴按参保地规定支付；"
        "参加居民医保的，住院分娩等费用按居民医保规定报销。本系统尚未收录各地生育待遇的具体标准。",
        [
            "在定点医院产检、分娩时出示医保卡或医保电子凭证，符合规定的费用直接结算。",
            "生育津贴的申领条件和材料以参保地规定为准。",
        ],
        channel_lines(reply, view, "employee.maternity.allowance_channels", UNKNOWN, "生育津贴："),
    )
