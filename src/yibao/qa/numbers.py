"""Numbers in questions: Arabic (2万, 1.5w, 20000元) and Chinese (两万, 一万五, 三千块)."""

from __future__ import annotations

import re
from decimal import Decimal

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUM = "零〇一二两俩三四五六七八九十百千万"


def cn_to_int(s: str) -> int | None:
    """一万五 → 15000, 三千 → 3000, 十二 → 12, 两 → 2; None if not a Chinese numeral."""
    if not s or any(c not in _DIGITS and c not in _UNITS for c in s):
        return None
    total, section, digit = 0, 0, None
    last_unit = 1
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
            continue
        unit = _UNITS[c]
        if unit == 10000:
            section = (section + (digit or 0)) * unit
            total += section
            section, digit, last_unit = 0, None, unit
            continue
        section += (1 if digit is None else digit) * unit
        digit, last_unit = None, unit
    if digit is not None:
        # 一万五 → 五 means 5000; 三千五 → 500; a bare trailing digit after a unit scales down.
        section += digit * (last_unit // 10 if last_unit >= 100 else 1)
    return total + section


def to_number(num: str) -> Decimal | None:
    """An Arabic or Chinese numeral as a Decimal."""
    num = num.replace(",", "")
    try:
        return Decimal(num)
    except ArithmeticError:
        pass
    v = cn_to_int(num)
    return None if v is None else Decimal(v)


_MULT = {"万": Decimal(10000), "w": Decimal(10000), "W": Decimal(10000), "千": Decimal(1000),
         "k": Decimal(1000), "K": Decimal(1000)}  # fmt: skip
# 2万, 2.5万元, 20000元, 3000块, 两万, 一万五千, 1w
MONEY_RE = re.compile(
    rf"(?P<num>\d[\d,]*(?:\.\d+)?|[{CN_NUM}]+)(?P<mult>[万千wWkK])?(?P<rest>(?:(?<=[万千wWkK])(?:[{CN_NUM}]|\d(?![\d.])))?)"
    r"(?P<unit>多?(?:元|块钱|块|人民币))?"
)


def money_in(text: str) -> list[tuple[int, Decimal]]:
    """(position, yuan) of the money amounts in ``text``: a number with 万/千/元/块, or a bare
    Arabic number of at least 100 not followed by a unit of time, count or level."""
    out: list[tuple[int, Decimal]] = []
    for m in MONEY_RE.finditer(text):
        num, mult, rest, unit = m.group("num"), m.group("mult"), m.group("rest"), m.group("unit")
        after = text[m.end() : m.end() + 2]
        arabic = num[0].isdigit()
        if not arabic:
            v = cn_to_int(num + rest)
            if v is None or not (unit or "万" in num or "千" in num) or v < 10:
                continue
            out.append((m.start(), Decimal(v)))
            continue
        if not (mult or unit):
            if after[:1] in (
                "年",
                "月",
                "天",
                "日",
                "岁",
                "次",
                "级",
                "%",
                "个",
                "号",
                "/",
                "-",
                "周",
            ):
                continue
            if (
                "." not in num
                and len(num.replace(",", "")) == 4
                and num.startswith("20")
                and after[:1] in ("", "年")
            ):
                continue  # a year
        base = to_number(num)
        if base is None:
            continue
        value = base * _MULT.get(mult or "", Decimal(1))
        if rest and mult:
            sub = int(rest) if rest.isdigit() else cn_to_int(rest)
            if sub is not None:
                value += Decimal(sub) * _MULT[mult] / 10
        if value < 1:
            continue
        out.append((m.start(), value))
    return out
