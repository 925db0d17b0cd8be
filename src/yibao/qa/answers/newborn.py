"""新生儿参保: the window after birth within which enrolling covers costs from the birth date."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_BIRTH, run
from yibao.qa.render import Reply
from yibao.rules import newborn
from yibao.rules.common import reach
from yibao.rules.decision import Cited


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    birth = _date(s) or _from_age(reply, view.day, s)
    if birth is None:
        birth = view.day
        reply.assume(f"您没有给出出生日期，按{birth}出生计算办理期限。")
        reply.ask(ASK_BIRTH)
    d = run(reply, lambda: newborn.check_newborn(view, birth))
    if d is not None:
        reach_ = reach(Cited(view), "resident.newborn.window_days")
        reply.conclusion = _conclusion(d.outcome, d.facts, birth != view.day, reach_)


def _conclusion(outcome: str, facts: dict[str, Any], stated: bool, reach_: str = "") -> str:
    """``reach_`` says whose window it is when it is not the region's own (全国标准)."""
    w, deadline = facts.get("window_days"), facts.get("deadline")
    rule = (
        f"新生儿出生后{w}天内{reach_}办理参保并缴费，自出生之日起发生的医疗费用都可以按规定报销。"
    )
    if outcome == "overdue":
        return (
            f"已超过出生后{w}天{reach_}的参保期限（{deadline}），不能再享受自出生之日起的待遇；"
            "请尽快办理参保缴费。"
        )
    if outcome == "enrol_by" and stated:
        return f"请在{deadline}前办理参保并缴费：" + rule
    return rule


def _from_age(reply: Reply, today: dt.date, s: dict[str, Any]) -> dt.date | None:
    """The birth date from an age the question states (出生20天, 出生3个月), said as assumed."""
    if (days := s.get("born_days_ago")) is not None:
        birth = today - dt.timedelta(days=days)
        reply.assume(f"按今天（{today}）出生满{days}天计算，出生日期为{birth}。")
        return birth
    if (months := s.get("born_months_ago")) is not None:
        y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
        birth = dt.date(y, m + 1, min(today.day, calendar.monthrange(y, m + 1)[1]))
        reply.assume(
            f"按出生满{months}个月计算，出生日期约为{birth}；告诉我具体出生日期可以算得更准。"
        )
        return birth
    return None


def _date(s: dict[str, Any]) -> dt.date | None:
    """The first date the question states, if it is a real one."""
    ds = s.get("dates") or []
    try:
        return dt.date.fromisoformat(ds[0]) if ds else None
    except ValueError:
        return None
