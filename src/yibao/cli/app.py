"""The typer application and helpers shared by every command: JSON output, clean errors."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from decimal import Decimal
from typing import Any, NoReturn

import typer
from rich.console import Console

app = typer.Typer(
    name="yibao",
    help="中国基本医疗保险（医保）规则即代码：政策包、规则判定、结算、账户、问答。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

JsonOpt = typer.Option(False, "--json", help="输出机器可读的 JSON / print machine-readable JSON")


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


def print_json(obj: Any) -> None:
    sys.stdout.write(dumps(obj) + "\n")


def fail(message: str, *, code: int = 2, as_json: bool = False, **extra: Any) -> NoReturn:
    """Exit with a clear message (no traceback): JSON on stdout with --json, else on stderr."""
    if as_json:
        print_json({"error": message, **extra})
    else:
        err_console.print(f"[red]错误：[/red]{message}")
    raise typer.Exit(code)


def parse_date(value: str | None, field: str = "--date") -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{field}：日期格式应为 YYYY-MM-DD，收到 {value!r}")
