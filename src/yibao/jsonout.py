"""JSON output with exact decimals: ``Decimal`` amounts become JSON numbers with their digits
(``700.00``), never passing through float. Used by the CLI and the HTTP API.

The encoder is simplejson's (``use_decimal``), which writes a Decimal's own digits: no string
marker is rewritten afterwards, so no user string can turn into a bare token in the output.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import simplejson


def _default(o: Any) -> Any:
    if isinstance(o, dt.date):
        return o.isoformat()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if hasattr(o, "to_dict"):
        return o.to_dict()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dumps(obj: Any, indent: int | None = None) -> str:
    return simplejson.dumps(
        obj,
        ensure_ascii=False,
        default=_default,
        indent=indent,
        use_decimal=True,
        namedtuple_as_object=False,
    )


def json_response_class():
    """A Starlette JSON response rendering Decimals exactly (imported lazily by the API)."""
    from starlette.responses import JSONResponse

    class DecimalJSONResponse(JSONResponse):
        def render(self, content: Any) -> bytes:
            return dumps(content).encode("utf-8")

    return DecimalJSONResponse
