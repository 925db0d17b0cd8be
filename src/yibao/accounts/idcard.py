"""居民身份证号码 (GB 11643-1999): 18 characters, the last a MOD 11-2 check character.

Positions 1–6 are the address code, 7–14 the birth date, 15–17 the sequence (odd: male), 18 the
check character computed from the first 17 digits.

Input is NFKC-normalised first (full-width digits from a Chinese input method become ASCII) and
then must be ASCII: Python's ``\\d`` would accept any script's digits, and two spellings of one
number must never register one person twice. The address code must lie in an existing
province (GB/T 2260) and the birth date must not be in the future.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$", re.ASCII)


class IdNumberError(ValueError):
    """The ID number is malformed; the message says why (in Chinese)."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "1" male, "2" female (GB/T 2261.1)


def check_char(first17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id(value: str, today: dt.date | None = None) -> IdNumber:
    """Validate an 18-character ID number and read its birth date and sex."""
    v = unicodedata.normalize("NFKC", value).strip().upper()
    if len(v) == 15:
        raise IdNumberError("身份证号码为15位旧号码，请使用18位号码")
    if not _SHAPE.match(v):
        raise IdNumberError(f"身份证号码应为17位数字加1位校验码（数字或X），收到 {value!r}")
    try:
        born = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号码中的出生日期 {v[6:14]} 不是有效日期") from None
    if born.year < 1880 or born > (today or dt.date.today()):
        raise IdNumberError(f"身份证号码中的出生日期 {born} 不合理")
    if not _province_exists(v[:2]):
        raise IdNumberError(f"身份证号码的地址码 {v[:6]} 不属于任何省级行政区")
    want = check_char(v[:17])
    if v[17] != want:
        raise IdNumberError(f"身份证号码校验码错误：第18位应为 {want}，收到 {v[17]}")
    return IdNumber(v, born, "1" if int(v[16]) % 2 else "2")


def _province_exists(prefix: str) -> bool:
    from yibao.policy import regions

    try:
        return regions.get(prefix + "0000").level == "province"
    except regions.UnknownRegion:
        return False


ID_RE = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)")


def mask_id(text: str) -> str:
    """Mask 18-character ID numbers anywhere in ``text`` (any script's digits):
    540102199001011234 → 5401**********1234."""
    return ID_RE.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)


def make_id(address: str, birth: dt.date, seq: int) -> str:
    """An ID number with a valid check character (for tests and synthetic people)."""
    first17 = f"{address}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
