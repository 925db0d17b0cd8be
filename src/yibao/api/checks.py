"""Rule checks over HTTP: one request model per rule, built from the rule's signature."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from yibao.rules import (
    contribution,
    coverage,
    enrollment,
    family_aid,
    lifetime,
    newborn,
    offsite,
    transfer,
    waiting,
    withdrawal,
)

RULES: dict[str, Callable[..., Any]] = {
    "withdrawal": withdrawal.check_withdrawal,
    "transfer": transfer.check_transfer,
    "waiting": waiting.check_waiting,
    "newborn": newborn.check_newborn,
    "offsite": offsite.check_offsite,
    "family-aid": family_aid.check_family_aid,
    "contribution": contribution.check_contribution,
    "lifetime": lifetime.check_lifetime,
    "enrollment": enrollment.check_enrollment,
    "coverage": coverage.check_coverage,
}

_TYPES = {"str": str, "bool": bool, "int": int, "dt.date": dt.date, "Decimal": Decimal}


def _annotation(text: str) -> Any:
    """Map a rule parameter's annotation text (``from __future__`` strings) to a type."""
    parts = [p.strip() for p in text.split("|")]
    optional = "None" in parts
    base = [p for p in parts if p != "None"]
    tp = _TYPES.get(base[0], str) if len(base) == 1 else str
    return tp | None if optional else tp


class CheckBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    region: str = Field(description="地区名称、简称或6位代码，如 拉萨、540100")
    date: dt.date | None = Field(default=None, description="判定日期，默认今天")


def _model(rule: str, fn: Callable[..., Any]) -> type[CheckBase]:
    fields: dict[str, Any] = {}
    for name, p in list(inspect.signature(fn).parameters.items())[1:]:
        tp = _annotation(str(p.annotation))
        default = ... if p.default is inspect.Parameter.empty else p.default
        fields[name] = (tp, default)
    cls_name = "Check" + "".join(w.title() for w in rule.split("-"))
    return create_model(cls_name, __base__=CheckBase, **fields)


MODELS: dict[str, type[CheckBase]] = {rule: _model(rule, fn) for rule, fn in RULES.items()}
RuleName = Literal[tuple(RULES)]  # type: ignore[valid-type]
