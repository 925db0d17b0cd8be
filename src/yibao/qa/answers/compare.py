"""职工医保与居民医保的区别: the two schemes side by side (``rules.compare``), with the region's
figures."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers import reimbursement
from yibao.qa.render import Reply


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    reimbursement.compare_answer(reply, view, {**s, "compare": True})
