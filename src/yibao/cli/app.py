"""The typer application and helpers shared by every command: JSON output, clean errors."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console

from yibao.jsonout import dumps

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
