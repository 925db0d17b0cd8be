"""``ask``: one question → the JSON-ready answer object (intent, region, slots, answer, missing,
basis). The HTTP API and the CLI call this."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yibao.policy import regions
from yibao.policy.resolve import NATIONAL, view
from yibao.policy.schema import PolicyError
from yibao.qa.answers.common import undecided
from yibao.qa.answers.registry import HANDLERS
from yibao.qa.intents import INTENTS
from yibao.qa.render import Reply
from yibao.qa.understand import Understanding, understand
from yibao.rules.decision import caveats_of

__all__ = ["answer_understood", "ask"]


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _title(u: Understanding) -> str:
    where = u.region.name if u.region else "全国通用规则"
    return f"{INTENTS[u.intent]} · {where}"


def answer_understood(u: Understanding, day: dt.date) -> dict[str, Any]:
    reply = Reply(_title(u))
    admdvs = u.region.admdvs if u.region else NATIONAL
    try:
        pv = view(admdvs, day)
    except (PolicyError, regions.UnknownRegion):  # pragma: no cover - registry codes resolve
        pv = view(NATIONAL, day)
    if u.region is None and u.intent != "out_of_scope":
        reply.assume(
            "问题中没有说明城市，按全国通用规则作答；各地规定可能不同，请以参保地医保部门为准。"
        )
        reply.ask("您在哪个城市参保？")
    elif u.region is not None and u.intent != "out_of_scope" and not pv.has_local_pack:
        reply.section(
            "注意",
            [
                f"尚未收录{u.region.name}的地方政策，以下按全国通用规则作答，当地规定可能不同，请以当地医保部门为准。"
            ],
        )
    slots = {**u.slots, "_text": u.text}
    try:
        HANDLERS[u.intent](reply, pv, slots)
    except (PolicyError, ValueError) as exc:  # a rule or model rejected a fact or a figure
        undecided(reply, exc)
    return {
        "intent": u.intent,
        "region": {"name": u.region.name, "admdvs": u.region.admdvs} if u.region else None,
        "slots": _jsonable(u.slots),
        "answer": reply.markdown(),
        "missing": list(reply.missing),
        "basis": _jsonable(reply.basis),
        "caveats": caveats_of(reply.basis),
    }


def ask(question: str, region: str | None = None, date: dt.date | None = None) -> dict[str, Any]:
    """Answer one Chinese question. ``region`` (code or name) overrides the question's region
    (``regions.UnknownRegion`` if unknown); ``date`` is the policy date (default today)."""
    u = understand(question, region)
    return answer_understood(u, date or dt.date.today())
