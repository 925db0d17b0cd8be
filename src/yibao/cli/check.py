"""``yibao check <rule>``: run one rule for a region and date, print the Decision.

The commands and their options are generated from the rule registry's input models (the same
models the API's request bodies and the web checker forms come from): one option per field,
``--field-name``, its help the field's Chinese title and description, its choices the
vocabulary's codes and labels; yes/no facts are ``--x/--no-x`` flags. Values are validated by
the model, so a bad value gets the same message on every face.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer
from pydantic import ValidationError
from rich.panel import Panel
from rich.table import Table

from yibao.cli.app import JsonOpt, app, console, fail, parse_date, print_json
from yibao.cli.policy import resolve_region
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.present import CHECK_MODELS, CHECK_RULES, CHECK_TITLES, field_errors
from yibao.rules.common import FactError
from yibao.rules.decision import Cited, Decision

check_app = typer.Typer(
    help="规则判定：提取、转移、等待期、新生儿、异地就医、家庭共济、缴费、年限、参保、不予支付项目",
    no_args_is_help=True,
)
app.add_typer(check_app, name="check")

# Option spellings kept from the hand-written commands (people and scripts use them).
SPELLING = {
    "to_admdvs": ("--to",),
    "in_enrolment_period": ("--in-period/--out-of-period",),
    "destination_accepts_balance": ("--destination-accepts/--destination-refuses",),
    "destination_has_account": ("--account/--no-account",),
    "beneficiary_insured": ("--insured/--not-insured",),
    "same_region": ("--same-region/--other-region",),
}
COMMON = ("region", "date")


def option_of(field: str) -> str:
    """The command-line spelling of a field, for messages: ``lapse_months`` → ``--lapse-months``."""
    if field in SPELLING:
        return SPELLING[field][0].split("/")[0]
    return "--" + field.replace("_", "-")


def _fields(rule: str) -> list[tuple[str, dict[str, Any], bool]]:
    """(name, JSON-schema property, is a yes/no fact) for a rule's own fields."""
    schema = CHECK_MODELS[rule].model_json_schema()
    out = []
    for name, prop in schema.get("properties", {}).items():
        if name in COMMON:
            continue
        variants = prop.get("anyOf", [prop])
        is_bool = any(v.get("type") == "boolean" for v in variants)
        out.append((name, prop, is_bool))
    return out


def _help(prop: dict[str, Any]) -> str:
    text = prop.get("title", "")
    if prop.get("description"):
        text += f"（{prop['description']}）"
    variants = prop.get("anyOf", [prop])
    labels = next((v["x-labels"] for v in variants if v.get("x-labels")), prop.get("x-labels"))
    if labels:
        text += "：" + "、".join(f"{c}（{z}）" for c, z in labels.items())
    return text


def _command(rule: str):
    fields = _fields(rule)
    required = set(CHECK_MODELS[rule].model_json_schema().get("required", []))

    def run(**given: Any) -> None:
        as_json = bool(given.pop("json", False))
        region, date = given.pop("region"), given.pop("date")
        year = given.pop("year", None)
        facts = {k: v for k, v in given.items() if v is not None}
        if year is not None and date is None:
            date = f"{year}-01-01"  # a contribution year: its first day
        reg = resolve_region(region, as_json)
        if facts.get("to_admdvs"):
            facts["to_admdvs"] = resolve_region(facts["to_admdvs"], as_json).admdvs
        day = parse_date(date)
        try:
            body = CHECK_MODELS[rule].model_validate({"region": reg.admdvs, "date": day, **facts})
            view = default_policy().view(reg.admdvs, day)
            decision = CHECK_RULES[rule](Cited(view), **body.model_dump(exclude=set(COMMON)))
        except ValidationError as exc:
            optional = "、".join(option_of(n) for n, _, _ in fields if n not in required)
            fail(
                "；".join(
                    f"{option_of(e['field'].split('.')[0])}：{e['problem']}"
                    if e["field"] != "(body)"
                    else f"{e['problem']}（{optional}）"
                    for e in field_errors(list(exc.errors()))
                ),
                as_json=as_json,
            )
        except FactError as exc:
            fail(f"{option_of(exc.field)}：{exc}", as_json=as_json)
        except PolicyError as exc:
            fail(str(exc), code=1, as_json=as_json)
        except Exception as exc:  # never a traceback on the command line
            fail(f"内部错误：{type(exc).__name__}: {exc}", code=1, as_json=as_json)
        out = decision.model_dump()
        if out["region"] is None:
            out["region"] = {"name": reg.name, "admdvs": reg.admdvs}
        if as_json:
            print_json(out)
        else:
            _render(decision, out["region"])

    params = [
        inspect.Parameter(
            "region",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(..., "--region", "-r", help="地区名称或代码（如 拉萨、540100）"),
            annotation=str,
        ),
        inspect.Parameter(
            "date",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(None, "--date", "-d", help="判定日期 YYYY-MM-DD（默认今天）"),
            annotation=str | None,
        ),
    ]
    for name, prop, is_bool in fields:
        if is_bool:
            spelled = SPELLING.get(
                name, (f"--{name.replace('_', '-')}/--no-{name.replace('_', '-')}",)
            )
        else:
            spelled = SPELLING.get(name, (option_of(name),))
        default = ... if name in required else None
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=typer.Option(default, *spelled, help=_help(prop)),
                annotation=(bool | None) if is_bool else (str | None),
            )
        )
    if rule == "contribution":
        params.append(
            inspect.Parameter(
                "year",
                inspect.Parameter.KEYWORD_ONLY,
                default=typer.Option(None, "--year", help="年度（未给 --date 时按该年1月1日）"),
                annotation=int | None,
            )
        )
    params.append(
        inspect.Parameter("json", inspect.Parameter.KEYWORD_ONLY, default=JsonOpt, annotation=bool)
    )
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = CHECK_TITLES.get(rule, rule) + "。"
    run.__name__ = f"check_{rule.replace('-', '_')}"
    return run


for _rule in CHECK_RULES:
    check_app.command(_rule)(_command(_rule))


def _render(d: Decision, region: dict[str, str]) -> None:
    title = f"{region['name']}（{region['admdvs']}） {d.date} · {d.rule}"
    console.print(Panel(f"[bold]{d.outcome_zh}[/bold]  [dim]({d.outcome})[/dim]", title=title))
    for head, items in (
        ("理由", d.reasons),
        ("所需材料", d.materials),
        ("办理方式", d.next_steps),
        ("后果", d.consequences),
        ("说明", d.notes),
        ("请注意所用数字", d.caveats),
    ):
        if items:
            console.print(f"[bold]{head}[/bold]")
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=3, justify="right")
            grid.add_column(overflow="fold")
            for it in items:
                grid.add_row("•", it)
            console.print(grid)
    if d.basis:
        table = Table("参数", "政策包", "来源", title="依据", show_lines=False)
        for b in d.basis:
            s = b["source"]
            cite = (
                s["title"] + (f"（{s['doc_no']}）" if s.get("doc_no") else "") + f" {s['article']}"
            )
            if s.get("confidence") == "secondary":
                cite += " [二手来源]"
            table.add_row(b["parameter"], f"{b['pack_name']} {b['since']}起", cite)
        console.print(table)
