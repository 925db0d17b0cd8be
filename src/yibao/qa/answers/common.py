"""What the intent handlers share: the handler signature, calling a rule that may lack a figure
or fact, and the wording used by more than one answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.policy.schema import PolicyError
from yibao.qa.render import Reply
from yibao.rules.common import FactError
from yibao.rules.decision import Decision

Handler = Callable[[Reply, PolicyView, dict[str, Any]], None]

RULE_ERRORS = (PolicyError, FactError)
"""What a rule raises when the region's figure or the question's fact is missing."""

UNDECIDED = "未能判定的部分"
SCHEME_NAMES = {"employee": "职工医保", "resident": "居民医保"}
ASK_SCHEME = "您参加的是职工医保还是居民医保？"
ASK_PERSON_TYPE = "您是在职职工还是退休人员？"


def undecided(reply: Reply, exc: Exception, prefix: str = "") -> None:
    """Say in the reply what could not be decided and why."""
    reply.section(UNDECIDED, [f"{prefix}{exc}"])


def run(reply: Reply, fn: Callable[[], Decision], prefix: str = "") -> Decision | None:
    """Call a rule and add its Decision to the reply; on a missing figure or fact, say so in
    the reply and return None."""
    try:
        d = fn()
    except RULE_ERRORS as exc:
        undecided(reply, exc, prefix)
        return None
    reply.decision(d, prefix)
    return d


def safe(fn: Callable[[], Decision]) -> Decision | None:
    """Call a rule quietly: its Decision, or None on a missing figure or fact."""
    try:
        return fn()
    except RULE_ERRORS:
        return None


def mentions(s: dict[str, Any], words: Iterable[str]) -> bool:
    """Does the question's text contain any of ``words``?"""
    t = s.get("_text", "")
    return any(k in t for k in words)
