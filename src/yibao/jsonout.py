"""JSON output with exact decimals: ``Decimal`` amounts become JSON numbers with their digits
(``700.00``), never passing through float. Used by the CLI and the HTTP API."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

_NUM = "\u0000num:"
_NUM_RE = re.compile(r'"\\u0000num:(-?[0-9.E+-]+)"')


def _default(o: Any) -> Any:
    if isinstance(o, Decimal):
        # Emitted as a JSON number with its exact digits (e.g. 700.00), never via float.
        return f"{_NUM}{o}"
    if isinstance(o, dt.date):
        return o.isoformat()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if hasattr(o, "to_dict"):
        return o.to_dict()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _prepare(obj: Any) -> Any:
    """Replace Decimals anywhere in plain containers by markers (json skips ``default`` for them
    only when they are not natively serialisable, which Decimals are not)."""
    if isinstance(obj, dict):
        return {k: _prepare(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_prepare(v) for v in obj]
    return obj


def dumps(obj: Any, indent: int | None = None) -> str:
    text = json.dumps(_prepare(obj), ensure_ascii=False, default=_default, indent=indent)
    return _NUM_RE.sub(lambda m: m.group(1), text)


def json_response_class():
    """A Starlette JSON response rendering Decimals exactly (imported lazily by the API)."""
    from starlette.responses import JSONResponse

    class DecimalJSONResponse(JSONResponse):
        def render(self, content: Any) -> bytes:
            return dumps(content).encode("utf-8")

    return DecimalJSONResponse
