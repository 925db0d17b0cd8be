"""Money: exact yuan amounts as ``Decimal`` and the one rounding rule of the project.

Every amount is rounded to the fen (0.01 yuan) with ROUND_HALF_UP, the way settlement slips are
printed. Vectorised code works in integer fen; ``to_fen``/``from_fen`` convert.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
LIMIT = Decimal(10) ** 12  # no amount reaches a trillion yuan; beyond it input is an error


def money(value: object) -> Decimal:
    """Parse a yuan amount (str, int or Decimal; never float) and round it to the fen."""
    if isinstance(value, bool | float):
        raise TypeError(f"money must not be {type(value).__name__}: {value!r}")
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not d.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    if d and d.adjusted() >= 12:  # |d| ≥ 10^12, decided from the exponent (no arithmetic that
        # could overflow the context on 1e999999999)
        raise ValueError(f"amount out of range (≥ 10^12 yuan): {value!r}")
    return d.quantize(FEN, rounding=ROUND_HALF_UP)


def round_fen(value: Decimal) -> Decimal:
    """Round an intermediate product (amount × ratio) to the fen, half up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen(value: Decimal) -> int:
    """Yuan (already at the fen) → integer fen."""
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_fen(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(FEN)


def mul_rate_fen(amount_fen: int, rate: Decimal) -> int:
    """Integer-fen version of ``round_fen(amount × rate)`` for scalar use (same rounding)."""
    return to_fen(round_fen(from_fen(amount_fen) * rate))
