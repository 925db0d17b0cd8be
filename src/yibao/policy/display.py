"""Render parameter values as short Simplified-Chinese text for tables and answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yibao import vocab
from yibao.policy.schema import Band, ExcludedItem, ParamSpec

LEVEL_NAMES = dict(vocab.HOSP_LV.labels)
PERSON_NAMES = dict(vocab.PERSON_KEY.labels)
# Keys of the keyed parameter kinds (money_by_key, rate_by_key, count_by_key, texts_by_key).
KEY_NAMES = {
    k: z
    for v in (
        vocab.PERSON_KEY,
        vocab.SEX,
        vocab.OFFSITE_FILING,
        vocab.TWO_DISEASES,
        vocab.RETIRE_COHORT,
        vocab.TRANSFER_BALANCE_CASE,
        vocab.WITHDRAWAL_ALLOWED,
        vocab.CONTRIBUTOR,
    )
    for k, z in v.labels.items()
}


def num(d: Decimal) -> str:
    """A decimal without trailing zeros: 700.00 → '700', 0.50 → '0.5', 85.0 → '85'."""
    d = Decimal(d)
    if d == d.to_integral_value():
        return str(int(d))
    return f"{d:f}".rstrip("0")


def yuan(d: Decimal) -> str:
    """700 → '700元'; 1300.50 → '1300.5元'; 900000 → '90万元'."""
    d = Decimal(d)
    if d >= 10000 and d % 1000 == 0:
        return num(d / 10000) + "万元"
    return num(d) + "元"


def pct(r: Decimal) -> str:
    return num(Decimal(r) * 100) + "%"


def _levels(d: dict[str, Any], fmt) -> str:
    return "，".join(f"{LEVEL_NAMES.get(k, k)}{fmt(v)}" for k, v in sorted(d.items(), reverse=True))


def bands(bs: list[Band]) -> str:
    if len(bs) == 1:
        return pct(bs[0].rate)
    parts, lower = [], Decimal(0)
    for b in bs:
        if b.upto is None:
            parts.append(f"{yuan(lower)}以上{pct(b.rate)}")
        else:
            parts.append(f"{yuan(lower)}–{yuan(b.upto)} {pct(b.rate)}")
            lower = b.upto
    return "；".join(parts)


def schedule(amounts: list[Decimal]) -> str:
    if len(amounts) == 1:
        return yuan(amounts[0])
    return "/".join(num(a) for a in amounts) + "元（年内第1/2/…次住院）"


def render(kind: str, value: Any) -> str:
    """A one-line Chinese rendering of a parameter value of the given kind."""
    match kind:
        case "money":
            return yuan(value)
        case "rate" | "factor":
            return pct(value)
        case "count":
            return str(value)
        case "flag":
            return "是" if value else "否"
        case "text":
            return str(value)
        case "texts":
            return "；".join(value)
        case "money_by_level":
            return _levels(value, yuan)
        case "rate_by_level":
            return _levels(value, pct)
        case "money_by_key":
            return "，".join(f"{KEY_NAMES.get(k, k)}{yuan(v)}" for k, v in value.items())
        case "rate_by_key":
            return "，".join(f"{KEY_NAMES.get(k, k)}{pct(v)}" for k, v in value.items())
        case "count_by_key":
            return "，".join(f"{KEY_NAMES.get(k, k)}{v}" for k, v in value.items())
        case "texts_by_key":
            return "；".join(f"{KEY_NAMES.get(k, k)}：{'、'.join(v)}" for k, v in value.items())
        case "deductible_schedule":
            return _levels(value, schedule)
        case "ratio_table":
            return "；".join(
                f"{PERSON_NAMES.get(p, p)}：{_levels(by_level, bands)}"
                for p, by_level in value.items()
            )
        case "bands":
            return bands(value)
        case "items":
            return "；".join(_item(i) for i in value)
    return str(value)


def _item(i: ExcludedItem) -> str:
    return f"{i.name}（{i.reason}）"


# --- values with their unit, bounds as bounds --------------------------------------------------

# Units that measure a length of time: a ceiling on one reads 最长 (不超过6个月 → 最长6个月).
TIME_UNITS = ("月", "天", "日", "工作日", "年")
_COUNT_KINDS = ("count", "count_by_key")


def with_unit(spec: ParamSpec, value: Any) -> str:
    """The rendered value with the catalogue unit where the rendering has none (counts)."""
    if spec.kind == "count_by_key" and spec.unit:  # every entry carries the unit (男25年，女20年)
        return "，".join(f"{KEY_NAMES.get(k, k)}{v}{spec.unit}" for k, v in value.items())
    text = render(spec.kind, value)
    if spec.kind == "count" and spec.unit:
        text += "个月" if spec.unit == "月" else spec.unit
    return text


def is_duration(spec: ParamSpec | None) -> bool:
    return bool(spec and spec.kind in _COUNT_KINDS and spec.unit in TIME_UNITS)


def shown(spec: ParamSpec, value: Any, bound: str | None) -> str:
    """The value for a citizen: a floor as 不低于…, a ceiling as 不超过… (最长… for a time)."""
    text = with_unit(spec, value)
    if bound == "floor":
        return "不低于" + text
    if bound == "ceiling":
        return ("最长" if is_duration(spec) else "不超过") + text
    return text


def bound_local(spec: ParamSpec | None, bound: str) -> str:
    """What a bound means for the local figure, in a clause."""
    if bound == "floor":
        return "当地标准可能更高"
    if is_duration(spec):
        return "当地规定的期限可能更短"
    return "当地标准可能更低"


def qualified(text: str, cite: dict[str, Any] | None, admdvs: str) -> str:
    """A figure taken from another region's pack (the province's, or the national one) names
    that region, so a citizen does not read it as the local figure."""
    if cite and cite.get("pack") and admdvs != "000000" and cite["pack"] != admdvs:
        text += f"（{cite.get('pack_name') or '上级'}标准）"
    return text
