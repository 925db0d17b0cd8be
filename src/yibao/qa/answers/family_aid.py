"""家庭共济: whether the employee's personal account may pay for a relative, and for what."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_RELATION, mentions, run
from yibao.qa.render import Reply
from yibao.qa.slots import REL_NAMES
from yibao.rules import family_aid


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    rel = s.get("relation")
    use = _aid_use(s)
    who = REL_NAMES.get(rel, rel) if rel else "近亲属"
    if rel is None:
        rel = "spouse"
        reply.assume(
            "您没有说明给谁用，下面以配偶为例说明；父母、子女等近亲属同样适用（见可共济范围）。"
        )
        reply.ask(ASK_RELATION)
    d = run(reply, lambda: family_aid.check_family_aid(view, rel, use=use))
    if d is not None:
        reply.conclusion = (
            f"可以：职工医保个人账户的钱可以通过“家庭共济”给已参保的{who}使用"
            + ("（就医、买药的个人负担及居民医保缴费等）。" if d.outcome == "allowed" else "。")
            if d.outcome == "allowed"
            else f"给{who}使用不符合家庭共济的规定。"
        )
    reply.ask("被共济的家人是否已参加基本医保？")


def _aid_use(s: dict[str, Any]) -> str | None:
    if mentions(s, ("交医保", "缴医保", "交居民", "缴居民", "缴费", "交费")):
        return "resident_contribution"
    if mentions(s, ("买药", "拿药", "药店")):
        return "drugs"
    if mentions(s, ("看病", "住院", "就医", "门诊")):
        return "care"
    return None
