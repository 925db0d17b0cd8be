"""Helpers shared by the rules: fact errors, required parameters, working days, service steps.

Nothing here holds a policy number: working-day arithmetic uses the official holiday calendar
(``chinese_calendar``), and every figure is read by the caller through ``Cited``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import chinese_calendar

from yibao.policy import display
from yibao.policy.resolve import PolicyView
from yibao.policy.schema import PolicyError
from yibao.rules.decision import Cited

NATIONAL = "000000"


class FactError(ValueError):
    """A fact passed to a rule is missing or invalid; ``field`` names it (e.g. ``reason``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def as_cited(view_or_cited: PolicyView | Cited) -> Cited:
    return view_or_cited if isinstance(view_or_cited, Cited) else Cited(view_or_cited)


def region_name(cited: Cited) -> str:
    return cited.region["name"] if cited.region else "全国"


def label(cited: Cited, name: str) -> str:
    spec = cited.view.policy.catalogue.get(name)
    return spec.label if spec else name


def required(cited: Cited, name: str) -> Any:
    """A parameter the rule cannot decide without: a clear Chinese PolicyError when absent."""
    r = cited.view.optional(name)
    if r is None:
        raise PolicyError(
            f"无法判定：{region_name(cited)}在 {cited.view.day} 的“{label(cited, name)}”"
            f"（参数 {name}）未在政策包中收录。"
        )
    return cited.value(name)


def missing_note(cited: Cited, name: str) -> str:
    return f"{region_name(cited)}的“{label(cited, name)}”尚未收录，此项未能给出具体数字或清单。"


def source_note(cited: Cited, name: str) -> list[str]:
    """A note when a value read comes from a local pack (a regional variation) or a secondary
    source."""
    r = cited.view.optional(name)
    if r is None:
        return []
    out = []
    if r.pack != NATIONAL:
        out.append(
            f"“{label(cited, name)}”按{r.pack_name}的规定（地方政策，与全国通用规则可能不同）。"
        )
    if r.source.confidence == "secondary":
        out.append(
            f"“{label(cited, name)}”的依据是二手来源（{r.source.title}），请以官方文件为准。"
        )
    return out


# --- dates ------------------------------------------------------------------------------------


def add_working_days(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The ``days``-th working day after ``start`` (``start`` itself not counted), using the
    official holiday calendar (调休 makeup Saturdays count as working days). Returns the date and
    whether the official calendar covered every day; outside its years Monday–Friday is used."""
    if days < 0:
        raise FactError("days", "工作日数不能为负")
    exact = True
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        try:
            work = chinese_calendar.is_workday(day)
        except NotImplementedError:
            exact = False
            work = day.weekday() < 5
        if work:
            counted += 1
    return day, exact


def working_days_note(exact: bool) -> list[str]:
    if exact:
        return []
    return ["所涉年份的法定节假日安排尚未收录，工作日按周一至周五估算。"]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (clamped to the month's last day)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_next_month(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1)


# --- where and how to apply -------------------------------------------------------------------


def service_steps(
    cited: Cited,
    *,
    channels: str | None = None,
    label: str = "办理渠道",
    employer: str | None = None,
    counter: str | None = None,
) -> list[str]:
    """Next steps: employer, the task's own channels, the counter, the hotline (channels and
    hotline from the packs). ``channels`` names the task's channel parameter; a channel recorded
    for another task (the off-site filing apps of 医保发〔2022〕22号) is never offered here, and
    without a recorded channel no app or mini-program is named: what is known is the 经办机构
    counter, and that online services differ by region."""
    steps: list[str] = []
    if employer:
        steps.append(f"单位办理：{employer}")
    recorded = cited.optional(channels) if channels else None
    if recorded:
        steps.append(f"{label}：" + "、".join(recorded) + "。")
    else:
        steps.append("线上办理：各地开通的网上、手机办理事项不同，以参保地医保部门公布的为准。")
    steps.append("线下办理：" + (counter or "携带材料到参保地医保经办机构服务窗口办理。"))
    hotline = cited.optional("common.service.hotline")
    if hotline:
        steps.append(f"咨询：拨打医保服务热线 {hotline}。")
    else:
        steps.append("咨询：拨打当地医保服务热线（号码未收录）。")
    return steps


def reach(cited: Cited, name: str) -> str:
    """How far a stated figure reaches, as a parenthesis for the sentence that states it: a
    national (or provincial) bound says it is the floor or ceiling and what that means locally;
    another region's figure names that region; the region's own figure needs nothing."""
    r = cited.view.optional(name)
    if r is None:
        return ""
    who = r.pack_name or "上级"
    if r.bound:
        kind = "下限" if r.bound == "floor" else "上限"
        return f"（{who}规定的{kind}，{display.bound_local(r.spec, r.bound)}）"
    if cited.view.admdvs not in ("000000", r.pack):
        return f"（{who}标准）"
    return ""


def texts_for(cited: Cited, name: str, key: str) -> list[str] | None:
    """``texts_by_key`` parameter entry for ``key``; None when the parameter or key is absent."""
    table = cited.optional(name)
    if not table:
        return None
    return table.get(key)
