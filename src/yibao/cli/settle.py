"""``yibao settle CLAIM.json [--ytd YTD.json] [--json]``: settle one claim from a file."""

from __future__ import annotations

import json as jsonlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.table import Table

from yibao.cli.app import JsonOpt, app, console, fail, print_json
from yibao.settlement.codes import SETLINFO_LABELS
from yibao.settlement.engine import SettlementError, settle
from yibao.settlement.model import Claim, Settlement


def validation_problems(exc: ValidationError) -> list[dict[str, str]]:
    """Every problem of a pydantic error as ``{"field": "fees.0.amount", "problem": "..."}``."""
    return [
        {
            "field": ".".join(str(p) for p in e["loc"]) or "(root)",
            "problem": e["msg"].removeprefix("Value error, "),
        }
        for e in exc.errors()
    ]


def read_json(path: Path, what: str, as_json: bool) -> Any:
    try:
        return jsonlib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        fail(f"{what}：找不到文件 {path}", as_json=as_json)
    except (jsonlib.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{what}：{path} 不是有效的 JSON（{exc}）", as_json=as_json)


def load_claim(data: Any, ytd: Any, as_json: bool) -> Claim:
    if not isinstance(data, dict):
        fail("理赔文件应为 JSON 对象", as_json=as_json)
    if ytd is not None:
        data = {**data, "ytd": ytd}
    try:
        return Claim.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        if as_json:
            fail("理赔数据有误", as_json=True, problems=problems)
        lines = "\n".join(f"  - {p['field']}: {p['problem']}" for p in problems)
        fail(f"理赔数据有误（{len(problems)} 处）：\n{lines}")


def settlement_json(s: Settlement) -> dict[str, Any]:
    return s.output()


def show_settlement(s: Settlement) -> None:
    info = s.setlinfo.model_dump()
    table = Table(title=f"结算结果（{s.admdvs}，政策日期 {s.policy_date}）")
    table.add_column("项目")
    table.add_column("字段", style="dim")
    table.add_column("金额（元）", justify="right")
    for key, label in SETLINFO_LABELS.items():
        table.add_row(label, key, f"{info[key]:.2f}")
    console.print(table)
    steps = Table(title="计算过程", show_lines=True)
    steps.add_column("步骤")
    steps.add_column("说明")
    steps.add_column("依据")
    for t in s.trace:
        basis = "；".join(
            f"{b['pack_name']} {b['source']['title']} {b['source']['article']}"
            + ("（二手来源）" if b["source"]["confidence"] == "secondary" else "")
            + ("（有争议）" if b.get("disputed") else "")
            for b in t.basis
        )
        steps.add_row(t.title, t.detail, basis)
    console.print(steps)
    for w in s.warnings:
        console.print(f"[yellow]注意：{w}[/yellow]")
    for c in s.caveats:  # disputed figures and national bounds used
        console.print(f"[yellow]请注意所用数字：{c}[/yellow]")


@app.command("settle")
def settle_cmd(
    claim_file: Path = typer.Argument(..., help="理赔 JSON 文件（person、encounter、fees、ytd）"),
    ytd_file: Path = typer.Option(None, "--ytd", help="年度累计 JSON 文件（覆盖理赔中的 ytd）"),
    no_trace: bool = typer.Option(False, "--no-trace", help="不输出计算过程"),
    fhir: bool = typer.Option(False, "--fhir", help="输出 FHIR R4B ClaimResponse（JSON）"),
    commit: bool = typer.Option(
        False, "--commit", help="结算并记账（经账户服务，累计与余额取自账簿；需 --key）"
    ),
    key: str = typer.Option(None, "--key", help="与 --commit 同用：幂等键"),
    payer: str = typer.Option(None, "--payer", help="与 --commit 同用：家庭共济出资人"),
    json: bool = JsonOpt,
):
    """按参保地政策结算一笔医疗费用（默认预结算，不记账；--commit 记账）。"""
    if commit:
        if not key:
            fail("--commit 需要 --key（幂等键）", as_json=json)
        from yibao.cli.account import settle_cmd as commit_cmd

        return commit_cmd(claim_file, key=key, payer=payer, no_trace=no_trace, json=json)
    if key or payer:
        fail("--key 和 --payer 只能与 --commit 同用", as_json=json)
    data = read_json(claim_file, "理赔文件", json)
    ytd = read_json(ytd_file, "--ytd", json) if ytd_file else None
    claim = load_claim(data, ytd, json)
    try:
        s = settle(claim, trace=not no_trace)
    except SettlementError as exc:
        fail(str(exc), as_json=json)
    if fhir:
        from yibao.settlement.fhir import claim_response

        print_json(claim_response(s, f"PRE-{claim.person.psn_no}"))
    elif json:
        print_json(settlement_json(s))
    else:
        show_settlement(s)
