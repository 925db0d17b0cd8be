"""个人账户余额提取: whether a stated reason allows withdrawal; without one, every reason that
does, with its materials, and why cashing out does not."""

from __future__ import annotations

from functools import partial
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import run, safe
from yibao.qa.render import Reply
from yibao.rules import withdrawal
from yibao.rules.decision import Cited


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    reason = s.get("withdrawal_reason")
    if reason is None:
        _all_reasons(reply, view)
        return
    d = run(reply, lambda: withdrawal.check_withdrawal(view, reason))
    if d is not None:
        label = withdrawal.REASONS.get(reason, reason)
        reply.conclusion = f"“{label}”：" + (
            "符合提取条件，可以申请提取个人账户余额。" if d.outcome == "allowed" else "不可以。"
        )


def _all_reasons(reply: Reply, view: PolicyView) -> None:
    reply.assume("您没有说明属于哪种情形，下面列出可以提取的情形、各自的材料，以及不允许的做法。")
    reply.ask(
        "您想提取的原因是什么？（参保人去世、出国定居、调到享受公费医疗的单位、不再参加职工医保、长期异地居住等）"
    )
    cited = Cited(view)
    allowed = cited.optional("employee.withdrawal.allowed_reasons") or []
    lines = []
    for code in allowed:
        d = safe(partial(withdrawal.check_withdrawal, cited, code))
        label = withdrawal.REASONS.get(code, code)
        mats = "；所需材料：" + "、".join(d.materials) if d and d.materials else ""
        lines.append(f"{label}{mats}")
    reply.section("可以申请提取的情形", lines)
    d = run(reply, lambda: withdrawal.check_withdrawal(cited, "cash_out"))
    reply.conclusion = (
        "医保个人账户的钱原则上不能提现、不能转到微信或支付宝；只有下列特定情形可以申请提取或结清。"
    )
    if d is None:
        reply.cite(cited.basis)
