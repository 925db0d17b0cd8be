"""``yibao ask``: answer Chinese questions about 医保 (one, or one per line from stdin).

From stdin (``-``) each line is either a plain question (answered on its own) or a JSON object
``{"id": "…", "question": "…"}``: lines with the same ``id`` are the turns of one conversation,
each read in the light of the earlier ones, and each answer carries its ``id``.
"""

from __future__ import annotations

import json as jsonlib
import sys
from typing import Any

import typer

from yibao.cli.app import JsonOpt, app, err_console, parse_date, print_json
from yibao.cli.policy import resolve_region


class LineError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_line(line: str) -> tuple[str | None, str]:
    """(conversation id or None, question) of one stdin line."""
    text = line.strip()
    if not text.startswith("{"):
        return None, text
    try:
        obj = jsonlib.loads(text)
    except ValueError:
        raise LineError("line", "这一行以 { 开头，但不是有效的 JSON 对象") from None
    if not isinstance(obj, dict):  # pragma: no cover - a line starting with { is an object
        raise LineError("line", "应为 JSON 对象")
    q = obj.get("question")
    if not isinstance(q, str) or not q.strip():
        raise LineError("question", "缺少问题文本（字符串）")
    cid = obj.get("id")
    if cid is not None and not isinstance(cid, str | int):
        raise LineError("id", "对话标识应为字符串或整数")
    return (None if cid is None else str(cid)), q.strip()


@app.command("ask")
def ask_cmd(
    question: str = typer.Argument(
        ...,
        help='问题（中文）；用 - 从标准输入逐行读取：每行一个问题，或 {"id": "…", "question": "…"}'
        "（同一 id 的各行是同一段对话）",
    ),
    region: str = typer.Option(None, "--region", "-r", help="地区名称或代码（覆盖问题中的地区）"),
    date: str = typer.Option(None, "--date", "-d", help="政策日期 YYYY-MM-DD（默认今天）"),
    json: bool = JsonOpt,
):
    """回答医保问题：识别地区、意图和要素，调用规则与结算引擎作答，附来源。"""
    from yibao.qa.answer import ask

    reg = resolve_region(region, json).admdvs if region else None
    day = parse_date(date)
    lines = sys.stdin if question == "-" else iter([question])
    tokens: dict[str, str] = {}
    first = True
    bad = 0
    for n, line in enumerate(lines, 1):  # every input line gets its answer, in order
        cid = None
        try:
            cid, q = parse_line(line)
            result: dict[str, Any] = ask(q, reg, day, tokens.get(cid) if cid else None)
        except LineError as exc:
            bad += 1
            error = {"line": n, "field": exc.field, "error": f"第{n}行：{exc}"}
            if json:
                print_json({"id": cid, **error} if cid else error)
                sys.stdout.flush()
            else:
                err_console.print(f"[red]错误：[/red]{error['error']}")
            continue
        if cid is not None:
            tokens[cid] = result["conversation"]
            result = {"id": cid, **result}
        if json:
            print_json(result)
            sys.stdout.flush()
            continue
        if not first:
            sys.stdout.write("\n---\n\n")
        first = False
        if cid is not None:
            sys.stdout.write(f"<!-- 对话 {cid} -->\n")
        sys.stdout.write(result["answer"])
    if bad:
        raise typer.Exit(2)
