"""Conversation: a follow-up turn continues the previous question.

The context of a conversation is what the last turn understood: intent, insured region, slots,
the text so far and the slots the answer asked for. It travels as an opaque token the caller
sends back (``encode``/``decode``): the JSON of the context, compressed and signed with HMAC-SHA256,
so the server keeps no state and a changed token is refused. The signing key comes from the
environment variable ``YIBAO_CONVERSATION_KEY``; without it, each process draws a random key
(tokens then last as long as the process: set the variable when several workers serve).

``carry`` merges a new turn into the context:
- a bare answer (退休, 三级医院，花了3万, 拉萨, 居民医保呢) — a turn whose own intent is the
  previous one, or that names no topic of its own — keeps the previous intent, and its slots and
  region fill or replace the previous ones; a few bare forms (3个月, 15年, 2万) are read as the
  slot the previous answer asked for;
- a new question on another topic keeps only the region and who the asker is (scheme, person
  type, sex).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from yibao.policy import regions
from yibao.qa import place
from yibao.qa.numbers import money_in
from yibao.qa.slots import _N, _num, born_ago
from yibao.qa.understand import Understanding

__all__ = ["Context", "ConversationError", "carry", "decode", "encode"]

VERSION = 1
MAX_AGE_S = 24 * 3600
MAX_TEXT = 300  # characters of earlier turns kept in the context
PROFILE = ("insurance", "person_type", "sex", "flexible")
"""Slots about the asker that hold across topics."""
DECIMAL_SLOTS = frozenset({"amount", "wage", "paid_years"})
_KEY_ENV = "YIBAO_CONVERSATION_KEY"
_PROCESS_KEY = secrets.token_bytes(32)


class ConversationError(ValueError):
    """The conversation token is malformed, altered or expired."""

    field = "conversation"


@dataclass(frozen=True)
class Context:
    intent: str
    region: str | None  # admdvs of the insured region
    slots: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    expect: tuple[str, ...] = ()  # slots the last answer asked for
    turn: int = 1


def _key() -> bytes:
    env = os.environ.get(_KEY_ENV)
    return env.encode() if env else _PROCESS_KEY


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def _sign(payload: str) -> str:
    return _b64(hmac.new(_key(), payload.encode(), hashlib.sha256).digest()[:16])


def encode(ctx: Context, now: float | None = None) -> str:
    """The signed token for ``ctx``."""
    body = {
        "v": VERSION,
        "at": int(now if now is not None else time.time()),
        "i": ctx.intent,
        "r": ctx.region,
        "s": ctx.slots,
        "x": ctx.text[-MAX_TEXT:],
        "e": list(ctx.expect),
        "n": ctx.turn,
    }
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    payload = _b64(zlib.compress(raw.encode(), 9))
    return f"{payload}.{_sign(payload)}"


def decode(token: str, now: float | None = None) -> Context:
    """The context a token carries; ``ConversationError`` if it is not one we signed, or is
    older than a day."""
    payload, _, sig = token.strip().partition(".")
    if not payload or not sig or not hmac.compare_digest(sig, _sign(payload)):
        raise ConversationError("对话标识无效（可能已过期或被改动），请重新提问。")
    try:
        body = json.loads(zlib.decompress(_unb64(payload)))
    except (ValueError, zlib.error) as exc:  # pragma: no cover - we signed it
        raise ConversationError("对话标识无法读取，请重新提问。") from exc
    if body.get("v") != VERSION:
        raise ConversationError("对话标识的版本已过时，请重新提问。")
    if (now if now is not None else time.time()) - body.get("at", 0) > MAX_AGE_S:
        raise ConversationError("对话已过期（超过24小时），请重新提问。")
    slots = dict(body.get("s") or {})
    for k in DECIMAL_SLOTS & slots.keys():
        try:
            slots[k] = Decimal(str(slots[k]))
        except InvalidOperation as exc:  # pragma: no cover - we signed it
            raise ConversationError("对话标识无法读取，请重新提问。") from exc
    return Context(
        intent=body["i"],
        region=body.get("r"),
        slots=slots,
        text=body.get("x", ""),
        expect=tuple(body.get("e") or ()),
        turn=int(body.get("n", 1)),
    )


def context_of(u: Understanding, expect: tuple[str, ...], turn: int) -> Context:
    """The context after answering ``u`` (the answer asked for the slots in ``expect``)."""
    return Context(
        intent=u.intent,
        region=u.region.admdvs if u.region else None,
        slots=dict(u.slots),
        text=u.text,
        expect=expect,
        turn=turn,
    )


_OWN_TOPIC = 5.0
"""A turn whose best pattern score reaches this names a topic of its own."""


def is_follow_up(u: Understanding, ctx: Context) -> bool:
    """Does turn ``u`` answer the previous turn rather than ask something new?"""
    if u.intent == ctx.intent:
        return True
    if u.intent == "out_of_scope":
        return "out_of_scope" not in u.scores  # no domain word, and no out-of-scope signal
    best = max(u.scores.values(), default=0.0)
    return best < _OWN_TOPIC and len(u.text) <= 14


_BARE_PERIOD = re.compile(rf"^{_N}(个?月|年)")


def _bare(text: str, expect: tuple[str, ...], have: dict[str, Any]) -> dict[str, Any]:
    """Slots read from a bare answer in the light of what the last answer asked for."""
    out: dict[str, Any] = {}
    m = _BARE_PERIOD.search(text)
    if m and "lapse_months" in expect and "lapse_months" not in have:
        v = _num(m.group(1))
        if v is not None:
            out["lapse_months"] = int(v * 12) if m.group(2) == "年" else int(v)
    if m and m.group(2) == "年" and "paid_years" in expect and "paid_years" not in have:
        out["paid_years"] = _num(m.group(1))
    if "dates" in expect and not {"dates", "born_days_ago", "born_months_ago"} & set(have):
        out.update(born_ago(text, bare=True))
    if "amount" not in have and "amount" in expect:
        found = money_in(text)
        if found:
            out["amount"] = found[0][1]
    return {k: v for k, v in out.items() if v is not None}


def carry(u: Understanding, ctx: Context | None) -> Understanding:
    """Turn ``u`` read in the conversation ``ctx`` (``u`` itself when there is none)."""
    if ctx is None:
        return u
    prev_region = regions.get(ctx.region) if ctx.region else None
    if not is_follow_up(u, ctx):
        slots = {k: ctx.slots[k] for k in PROFILE if k in ctx.slots}
        slots.update(u.slots)
        return dataclasses.replace(u, slots=slots, region=u.region or prev_region)
    new = dict(u.slots)
    if "wage" in ctx.expect and "wage" not in new and "amount" in new:
        new["wage"] = new.pop("amount")  # the bare sum answers "what is your wage"
    new.update(_bare(u.text, ctx.expect, new))
    region = u.region
    if region is not None and "destination" in ctx.expect and prev_region is not None:
        found = place.mentions(u.text)
        if found and not found[0].home:
            new["destination"] = {"name": region.name, "admdvs": region.admdvs}
            region = None
    slots = {**ctx.slots, **new}
    if "insurance" in new:
        slots.pop("compare", None)
    return dataclasses.replace(
        u,
        intent=ctx.intent,
        region=region or prev_region,
        slots=slots,
        text=(ctx.text + "；" + u.text)[-MAX_TEXT:],
    )
