"""新生儿参保: the window after birth within which enrolling covers costs from the birth date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_BIRTH, run
from yibao.qa.render import Reply
from yibao.rules import newborn


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    birth = _date(s)
    if birth is None:
        birth = view.day
        reply.assume(f"您没有给出出生日期，按{birth}出生计算办理期限。")
        reply.ask(ASK_BIRTH)
    d = run(reply, lambda: newborn.check_newborn(view, birth))
    if d is not None:
        w = d.facts.get("window_days")
        reply.conclusion = (
            f"新生儿出生后{w}天内办理参保并缴费，自出生之日起发生的医疗费用都可以按规定报销。"
        )


def _date(s: dict[str, Any]) -> dt.date | None:
    """The first date the question states, if it is a real one."""
    ds = s.get("dates") or []
    try:
        return dt.date.fromisoformat(ds[0]) if ds else None
    except ValueError:
        return None
