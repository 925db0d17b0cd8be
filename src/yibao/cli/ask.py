"""``yibao ask``: answer Chinese questions about 医保 (one, or one per line from stdin)."""

from __future__ import annotations

import sys

import typer

from yibao.cli.app import JsonOpt, app, parse_date, print_json
from yibao.cli.policy import resolve_region


@app.command("ask")
def ask_cmd(
    question: str = typer.Argument(..., help="问题（中文）；用 - 从标准输入逐行读取多个问题"),
    region: str = typer.Option(None, "--region", "-r", help="地区名称或代码（覆盖问题中的地区）"),
    date: str = typer.Option(None, "--date", "-d", help="政策日期 YYYY-MM-DD（默认今天）"),
    json: bool = JsonOpt,
):
    """回答医保问题：识别地区、意图和要素，调用规则与结算引擎作答，附来源。"""
    from yibao.qa.answer import ask

    reg = resolve_region(region, json).admdvs if region else None
    day = parse_date(date)
    questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
    first = True
    for q in questions:  # every input line gets its answer, blank ones included (same order)
        result = ask(q, reg, day)
        if json:
            print_json(result)
            sys.stdout.flush()
            continue
        if not first:
            sys.stdout.write("\n---\n\n")
        first = False
        sys.stdout.write(result["answer"])
