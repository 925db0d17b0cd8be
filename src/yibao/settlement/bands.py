"""Banded ratios on a cumulative position: the arithmetic shared by scalar and batch engines.

A band list ``[(upto_1, r_1), …, (None, r_n)]`` assigns rate ``r_i`` to positions in
``[upto_{i-1}, upto_i)``. Paying on an interval ``[lo, hi)`` sums ``overlap × rate`` exactly
and rounds once, to the fen, half up.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from yibao.money import ZERO, round_fen
from yibao.policy.schema import Band


def banded_pay(bands: Sequence[Band], lo: Decimal, hi: Decimal, cut: Decimal = ZERO) -> Decimal:
    """Σ over bands of |[lo, hi) ∩ band| × (rate − cut, floored at 0), rounded to the fen."""
    if hi <= lo:
        return ZERO
    total = Decimal(0)
    lower = ZERO
    for band in bands:
        upper = band.upto
        a = max(lo, lower)
        b = hi if upper is None else min(hi, upper)
        if b > a:
            total += (b - a) * max(band.rate - cut, Decimal(0))
        if upper is None or upper >= hi:
            break
        lower = upper
    return round_fen(total)


def first_rate(bands: Sequence[Band], position: Decimal) -> Decimal:
    """The rate of the band containing ``position``."""
    for band in bands:
        if band.upto is None or position < band.upto:
            return band.rate
    return bands[-1].rate
