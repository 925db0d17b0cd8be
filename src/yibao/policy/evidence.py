"""Evidence rules for pack versions: an ``official`` value is backed by the document's own words.

- ``numbers_in_quote`` reads every figure a Chinese policy sentence states, normalising the ways a
  document writes one value: 90万元 = 900000, 85% = 0.85, 20个百分点 = 0.20, 千分之五 = 0.005,
  六个月 = 6, 百分之八十五 = 0.85. Each written figure yields the set of values it can stand for.
- ``numbers_in_value`` lists the figures a parameter value holds (amounts, rates, band limits,
  counts; not booleans or the words of text values).
- ``version_problems`` checks one version against the rules (``official`` needs a quote unless
  derived; every figure of the value appears in the quote; a derived value shows its
  arithmetic; an official source at a non-government address names where it was read (``via``)).

Zero is exempt from the quote check: documents say "不设起付线" or "不降低" rather than "0".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from yibao.policy.schema import Pack, Source, Version

HUNDRED = Decimal(100)
TEN_THOUSAND = Decimal(10000)

# --- Chinese numerals ---------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_DIGITS |= {"八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)


def cn_int(text: str) -> int:
    """A Chinese numeral as an integer: 十五 → 15, 二十五 → 25, 九十万 → 900000, 一千二百 → 1200.

    Raises ``ValueError`` for text that is not a numeral. Digit strings without units
    (二〇二四) read digit by digit.
    """
    if not text or any(c not in _CN_CHARS for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total = section = digit = 0
    for c in text:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[c]
            digit = 0
        else:  # 万 / 亿
            total = (total + section + digit) * _BIG_UNITS[c]
            section = digit = 0
    return total + section + digit


# --- figures in a quote -------------------------------------------------------------------------

# An Arabic figure (with thousands separators) or a Chinese numeral, with what follows it.
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?P<pre>百分之|千分之)?(?P<num>{_ARABIC}|[{_CN_CHARS}]+)"
    r"(?P<wan>\s*[万亿](?!分))?(?P<unit>\s*(?:%|％|个百分点|百分点|‰))?"
)


def _figure_values(n: Decimal, pre: str | None, wan: str | None, unit: str | None) -> set[Decimal]:
    if wan:
        n *= _BIG_UNITS[wan.strip()]
    unit = (unit or "").strip()
    if pre == "百分之" or unit in ("%", "％", "个百分点", "百分点"):
        # "85%" is the rate 0.85; keep 85 too, for values stored as a count of percent
        return {n / HUNDRED, n}
    if pre == "千分之" or unit == "‰":
        return {n / Decimal(1000), n}
    return {n}


def numbers_in_quote(text: str) -> set[Decimal]:
    """Every value the figures of ``text`` can stand for, normalised (trailing zeros dropped)."""
    out: set[Decimal] = set()
    for m in _FIGURE.finditer(text):
        raw = m.group("num")
        try:
            if raw[0].isdigit():
                n = Decimal(raw.replace(",", ""))
            else:
                # a lone 万/亿/十 is a word, not a figure ("万元以上" after a number is handled
                # by the 'wan' group; "十" alone still reads 10)
                if raw in _BIG_UNITS:
                    continue
                n = Decimal(cn_int(raw))
        except (ValueError, InvalidOperation):
            continue
        out |= {
            _norm(v) for v in _figure_values(n, m.group("pre"), m.group("wan"), m.group("unit"))
        }
        # "九十万" read as a whole numeral already includes 万; "2万" is caught by 'wan'
    return out


def _norm(d: Decimal) -> Decimal:
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


# --- figures in a value -------------------------------------------------------------------------


def numbers_in_value(value: Any) -> list[Decimal]:
    """The figures a typed parameter value holds, in order (booleans and words excluded)."""
    out: list[Decimal] = []

    def walk(v: Any) -> None:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return
        if isinstance(v, Decimal | int):
            out.append(_norm(Decimal(v)))
        elif isinstance(v, BaseModel):
            walk(v.model_dump())
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)

    walk(value)
    return out


def missing_from_quote(value: Any, quote: str) -> list[Decimal]:
    """Figures of ``value`` (zero exempt) that the quote does not state, without repeats."""
    stated = numbers_in_quote(quote)
    missing: list[Decimal] = []
    for n in numbers_in_value(value):
        if n != 0 and n not in stated and n not in missing:
            missing.append(n)
    return missing


# --- sources and versions -----------------------------------------------------------------------


def is_government_url(url: str) -> bool:
    """True when the address is on a Chinese government domain (``*.gov.cn``)."""
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return host == "gov.cn" or host.endswith(".gov.cn")


def source_problems(key: str, source: Source) -> list[str]:
    if source.confidence == "official" and not source.url and not source.via:
        return [
            f"source {key}: official but neither its government url nor 'via' (where its text "
            "was read) is given"
        ]
    official_elsewhere = source.url and not is_government_url(source.url)
    if source.confidence == "official" and official_elsewhere and not source.via:
        return [
            f"source {key}: official but its url {source.url} is not a government address; "
            "name where the text was read in 'via' (or mark it secondary)"
        ]
    return []


_ARITHMETIC = re.compile(r"\d.*[×x*÷/+\-−=＝].*\d|[×÷=＝]")


def version_problems(name: str, v: Version, source: Source, *, require_quote: bool) -> list[str]:
    """What is wrong with one version's evidence (empty when it complies)."""
    where = f"{name}[since {v.since}]"
    problems: list[str] = []
    if v.derived is not None and not _ARITHMETIC.search(v.derived):
        problems.append(f"{where}.derived: must show the arithmetic (e.g. 1 − 15% × 60% = 91%)")
    if v.quote:
        missing = missing_from_quote(v.value, v.quote) if not v.derived else []
        if missing:
            figures = ", ".join(str(m) for m in missing)
            problems.append(f"{where}.quote: does not state {figures}")
    elif require_quote and source.confidence == "official" and not v.derived:
        problems.append(
            f"{where}: official source {v.source} but no 'quote' (the document's words)"
        )
    return problems


def pack_problems(pack: Pack, *, require_quote: bool = True) -> list[str]:
    """Every evidence problem of a pack (sources first, then versions in pack order)."""
    problems: list[str] = []
    for key, source in pack.sources.items():
        problems += source_problems(key, source)
    for name, versions in pack.parameters.items():
        for v in versions:
            problems += version_problems(
                name, v, pack.sources[v.source], require_quote=require_quote
            )
    return problems


def evidence_of(v: Version, source: Source) -> str:
    """official | secondary | derived for one version (as ``Resolved.evidence``)."""
    return "derived" if v.derived else source.confidence


COUNT_KEYS = ("official", "official_unquoted", "secondary", "derived", "disputed", "bound")


def counts(pack: Pack) -> dict[str, int]:
    """Versions by evidence: official (with quote), official_unquoted, secondary, derived;
    and disputed and bound versions (also counted under their evidence)."""
    c = dict.fromkeys(COUNT_KEYS, 0)
    for versions in pack.parameters.values():
        for v in versions:
            ev = evidence_of(v, pack.sources[v.source])
            if ev == "official" and not v.quote:
                ev = "official_unquoted"
            c[ev] += 1
            c["disputed"] += v.status == "disputed"
            c["bound"] += v.bound is not None
    return c


def all_problems(packs: Iterable[Pack], *, require_quote: bool = True) -> list[str]:
    return [
        f"{p.path or p.admdvs}: {x}"
        for p in packs
        for x in pack_problems(p, require_quote=require_quote)
    ]
