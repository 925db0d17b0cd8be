"""What every rule input model shares: strictness, and dates as people write them.

Each rule module defines one ``*Input`` model (fields with Chinese titles, choices from
``yibao.vocab``); ``rules.registry`` lists them. The region and the decision date are not part
of a rule's input: every face asks for them the same way (``COMMON_FIELDS``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_CN_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*[日号]?\s*$")


def _date(value: Any) -> Any:
    """Accept 2026-03-01, 2026/3/1, 2026.3.1 and 2026年3月1日; pydantic reports the rest."""
    if isinstance(value, str):
        m = _CN_DATE.match(value)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"不是有效的日期：{value}") from None
    return value


Day = Annotated[dt.date, BeforeValidator(_date)]


# Plausibility limits on facts (not policy figures): beyond them a value is a typing mistake.
MAX_AGE_DAYS = 3660  # a "newborn" ten years old
MAX_YEARS = 80  # years of contributions
MAX_MONTHLY_BASE = 10_000_000  # 元 per month


class RuleInput(BaseModel):
    """Base of the rule input models: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


# Asked by every face for every rule, before the rule's own fields.
COMMON_FIELDS: dict[str, dict[str, str]] = {
    "region": {
        "title": "参保地",
        "description": "地区名称、简称或6位行政区划代码，如 拉萨、540100",
    },
    "date": {"title": "判定日期", "description": "按哪一天的政策判定，默认今天"},
}


def title(text: str, description: str | None = None, **kw: Any) -> Any:
    """A ``Field`` with a Chinese title (and description)."""
    return Field(title=text, description=description, **kw)
