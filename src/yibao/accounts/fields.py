"""Text fields of the books: normalised once (NFKC, trimmed), bounded, free of control characters.

Identifiers (``psn_no``) and free text (names, reasons) reach the database only through these
checks, so two spellings of one identifier are one identifier, and a NUL byte or a control
character (which PostgreSQL refuses in text) is a clear refusal naming the field, not a 500.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from yibao.accounts.errors import AccountError


def text(field: str, value: Any, max_len: int, *, required: bool = True, what: str = "") -> str:
    """``value`` normalised (NFKC, trimmed); AccountError naming ``field`` when it is not a
    string, is empty (if required), too long, or holds a control character."""
    label = what or field
    if not isinstance(value, str):
        raise AccountError(field, f"{label}应为文字，收到 {type(value).__name__}")
    v = unicodedata.normalize("NFKC", value).strip()
    if required and not v:
        raise AccountError(field, f"{label}不能为空")
    if len(v) > max_len:
        raise AccountError(field, f"{label}不能超过{max_len}个字符")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in v):
        raise AccountError(field, f"{label}含有控制字符或无效字符")
    return v


def psn_no(value: Any, field: str = "psn_no") -> str:
    """A person number: 1–32 characters, normalised."""
    return text(field, value, 32, what="人员编号")
