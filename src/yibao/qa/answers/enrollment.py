"""参保: who may enrol (灵活就业), 封存 and 解封, and when cover takes effect."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import mentions, run
from yibao.qa.render import Ask, Reply
from yibao.rules import enrollment


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    topic = _topic(s)
    scheme = "resident" if s.get("insurance") == "resident" else "employee"
    if topic == "effective" and "insurance" not in s:
        reply.ask(Ask("您要参加的是职工医保还是居民医保？", "insurance", ("职工医保", "居民医保")))
        reply.assume("按职工医保说明缴费后的生效时间。")
    d = run(reply, lambda: enrollment.check_enrollment(view, topic, scheme=scheme))
    if d is not None:
        reply.conclusion = {
            "conditions": "灵活就业人员（无雇工的个体户、自由职业者等）可以只参加职工医保，也可以参加居民医保。",
            "frozen": "医保封存一般是单位停缴或离职造成的；重新参保缴费后即可解封恢复。",
            "effective": "缴费后的待遇生效时间见下。",
        }.get(d.outcome, "")


def _topic(s: dict[str, Any]) -> str:
    if mentions(s, ("封存", "解封", "冻结", "暂停", "停保", "恢复参保", "激活")):
        return "frozen"
    if s.get("flexible") or mentions(s, ("没有工作", "没工作", "无业", "外地户口")):
        return "flexible"
    return "effective"
