"""``ask``: one question (a turn of a conversation) → the JSON-ready answer object (intent,
region, slots, answer, missing, followups, basis, conversation). The HTTP API, the CLI and the
web page call this."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yibao.policy import regions
from yibao.policy.display import LEVEL_NAMES
from yibao.policy.resolve import NATIONAL, view
from yibao.policy.schema import PolicyError
from yibao.qa import conversation
from yibao.qa.answers import out_of_scope
from yibao.qa.answers.common import ASK_CITY, SCHEME_NAMES, undecided
from yibao.qa.answers.registry import HANDLERS
from yibao.qa.intents import INTENTS
from yibao.qa.render import Reply
from yibao.qa.understand import Understanding, understand
from yibao.rules.decision import caveats_of

__all__ = ["ConversationError", "answer_understood", "ask"]

ConversationError = conversation.ConversationError


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


_PERSON = {"in_service": "在职", "retired": "退休"}
_MED = {"inpatient": "住院", "outpatient": "门诊", "chronic": "门诊慢特病"}


def _carried(u: Understanding) -> str:
    """The facts a follow-up turn keeps from earlier turns, in words."""
    s = u.slots
    parts = [u.region.name] if u.region else []
    if s.get("insurance") in SCHEME_NAMES:
        parts.append(SCHEME_NAMES[s["insurance"]])
    if s.get("person_type") in _PERSON:
        parts.append(_PERSON[s["person_type"]])
    if s.get("med_type") in _MED:
        parts.append(_MED[s["med_type"]])
    level = LEVEL_NAMES.get(str(s.get("hospital_level")))
    if level:
        parts.append(f"{level}医院" if s["hospital_level"] else "基层医疗机构")
    if s.get("amount") is not None:
        parts.append(f"花费{s['amount']:,}元")
    return "、".join(parts)


def answer_understood(u: Understanding, day: dt.date, follow_up: bool = False) -> dict[str, Any]:
    if u.topicless and not follow_up:  # 医保, 拉萨医保: which topic? (no generic answer)
        reply = Reply(f"医保问题 · {u.region.name if u.region else '全国'}")
        out_of_scope.topics(reply, u.region.name if u.region else None)
        return _result(u, reply)
    reply = Reply(_title(u))
    if follow_up:
        carried = _carried(u)
        reply.assume(
            f"接着您上一个问题作答（{carried}）。" if carried else "接着您上一个问题作答。"
        )
    admdvs = u.region.admdvs if u.region else NATIONAL
    try:
        pv = view(admdvs, day)
    except (PolicyError, regions.UnknownRegion):  # pragma: no cover - registry codes resolve
        pv = view(NATIONAL, day)
    if u.region is None and u.intent != "out_of_scope":
        reply.assume(
            "问题中没有说明城市，按全国通用规则作答；各地规定可能不同，请以参保地医保部门为准。"
        )
        reply.ask(ASK_CITY)
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
        undecided(reply, exc, view=pv)
    return _result(u, reply)


def _result(u: Understanding, reply: Reply) -> dict[str, Any]:
    return {
        "intent": u.intent,
        "region": {"name": u.region.name, "admdvs": u.region.admdvs} if u.region else None,
        "slots": _jsonable(u.slots),
        "answer": reply.markdown(),
        "missing": list(reply.missing),
        "followups": [a.to_dict() for a in reply.followups],
        "basis": _jsonable(reply.basis),
        "caveats": caveats_of(reply.basis),
    }


def ask(
    question: str,
    region: str | None = None,
    date: dt.date | None = None,
    conversation_token: str | None = None,
) -> dict[str, Any]:
    """Answer one Chinese question. ``region`` (code or name) overrides the question's region
    (``regions.UnknownRegion`` if unknown); ``date`` is the policy date (default today);
    ``conversation_token`` is the ``conversation`` of the previous answer when this question
    continues it (``ConversationError`` if it is not a valid one). The result's
    ``conversation`` continues the conversation with this turn."""
    ctx = conversation.decode(conversation_token) if conversation_token else None
    first = understand(question, region)
    u = conversation.carry(first, ctx)
    follow_up = ctx is not None and u.intent == ctx.intent and u.text != first.text
    result = answer_understood(u, date or dt.date.today(), follow_up=follow_up)
    expect = tuple(f["slot"] for f in result["followups"] if f["slot"])
    turn = ctx.turn + 1 if ctx else 1
    result["turn"] = turn
    result["conversation"] = conversation.encode(conversation.context_of(u, expect, turn))
    return result
