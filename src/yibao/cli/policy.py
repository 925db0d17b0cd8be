"""``yibao regions find``, ``yibao policy show|validate``, ``yibao compare``."""

from __future__ import annotations

import typer
from rich.table import Table

from yibao.cli.app import JsonOpt, app, console, fail, parse_date, print_json
from yibao.policy import regions
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.rules.compare import compare as compare_rows

regions_app = typer.Typer(help="行政区划（GB/T 2260）查询", no_args_is_help=True)
policy_app = typer.Typer(help="政策包：按地区和日期查看参数及其来源", no_args_is_help=True)
app.add_typer(regions_app, name="regions")
app.add_typer(policy_app, name="policy")


def resolve_region(name: str, as_json: bool = False) -> regions.Region:
    """A region by code, full or short name; exit 2 naming the nearest matches if unknown."""
    try:
        return regions.get(name)
    except regions.UnknownRegion as exc:
        fail(
            str(exc),
            as_json=as_json,
            region=name,
            suggestions=[r.to_dict() for r in exc.suggestions],
        )


@regions_app.command("find")
def regions_find(
    name: str = typer.Argument(..., help="地区名称、简称或代码"), json: bool = JsonOpt
):
    """按名称、简称或代码查找地区。"""
    found = regions.find(name)
    if not found:
        resolve_region(name, json)  # exits with suggestions
    if json:
        print_json([r.to_dict() for r in found])
        return
    table = Table("代码", "名称", "简称", "级别", "上级")
    for r in found:
        table.add_row(r.admdvs, r.name, "、".join(r.short_names), r.level, r.parent or "")
    console.print(table)


@policy_app.command("show")
def policy_show(
    region: str = typer.Option(..., "--region", "-r", help="地区名称或代码"),
    date: str = typer.Option(None, "--date", "-d", help="日期 YYYY-MM-DD（默认今天）"),
    group: str = typer.Option(None, "--group", "-g", help="只看某组参数，如 inpatient"),
    json: bool = JsonOpt,
):
    """某地区某日生效的全部参数，附来源。"""
    reg = resolve_region(region, json)
    day = parse_date(date)
    policy = default_policy()
    view = policy.view(reg.admdvs, day)
    names = [n for n, s in policy.catalogue.items() if group is None or s.group == group]
    if group is not None and not names:
        groups = sorted({s.group for s in policy.catalogue.values()})
        fail(f"--group：未知参数组 {group!r}，可选：{', '.join(groups)}", as_json=json)
    resolved = view.all(names)
    if json:
        print_json(
            {
                "region": {"name": reg.name, "admdvs": reg.admdvs},
                "date": day,
                "parameters": [
                    {**r.cite(), "label": policy.catalogue[r.name].label} for r in resolved
                ],
            }
        )
        return
    table = Table(title=f"{reg.name}（{reg.admdvs}） {day} 生效的医保参数", show_lines=True)
    for col in ("参数", "取值", "生效", "来源"):
        table.add_column(col)
    for r in resolved:
        spec = policy.catalogue[r.name]
        src = r.source
        cite = f"{src.title}{'（' + src.doc_no + '）' if src.doc_no else ''} {r.article}"
        cite += {"secondary": " [二手来源]", "derived": " [推算]"}.get(r.evidence, "")
        table.add_row(
            f"{spec.label}\n[dim]{r.name}[/dim]",
            r.shown() + (f"\n[yellow]{r.caveat}[/yellow]" if r.caveat else ""),
            f"{r.since}起\n{r.pack_name}",
            cite,
        )
    console.print(table)


@policy_app.command("validate")
def policy_validate(json: bool = JsonOpt):
    """校验全部政策包，并统计官方/二手来源的参数数。"""
    from yibao.policy.check import confidence_counts
    from yibao.policy.loader import load_catalogue, load_packs

    try:
        packs = load_packs(load_catalogue())
    except PolicyError as exc:
        fail(str(exc), code=1, as_json=json)
    rows = [
        {"admdvs": code, "name": p.name, **confidence_counts(p)}
        for code, p in sorted(packs.items())
    ]
    if json:
        print_json(rows)
        return
    table = Table("代码", "政策包", "官方", "二手")
    for code, p in sorted(packs.items()):
        counts = confidence_counts(p)
        table.add_row(code, p.name, str(counts["official"]), str(counts["secondary"]))
    console.print(table)


@policy_app.command("audit")
def policy_audit(
    date: str = typer.Option(None, "--date", "-d", help="日期 YYYY-MM-DD（默认今天）"),
    markdown: bool = typer.Option(False, "--markdown", help="输出 README 用的 Markdown 表"),
    json: bool = JsonOpt,
):
    """每个政策包的证据情况（官方原文/二手/推算/争议）及结算所缺参数。"""
    from yibao.policy import audit

    day = parse_date(date)
    policy = default_policy()
    audits = audit.audit(policy, day)
    if json:
        print_json({"date": day, "packs": [a.to_dict() for a in audits]})
        return
    if markdown:
        print(audit.markdown(audits, day))
        return
    table = Table(title=f"政策包证据与覆盖（{day}）", show_lines=True)
    for col in ("政策包", "官方", "待补原文", "二手", "推算", "争议", "限值"):
        table.add_column(col)
    for scheme in audit.SCHEMES.values():
        table.add_column(scheme[:2] + "缺参数")
    for a in audits:
        c = a.counts
        cells = [
            "\n".join(
                short + (f" {len(a.missing[s][k])}" if a.missing[s][k] else " 无")
                for k, short in (
                    ("inpatient", "住院"),
                    ("outpatient", "门诊"),
                    ("chronic", "慢特病"),
                )
            )
            for s in audit.SCHEMES
        ]
        table.add_row(
            f"{a.admdvs} {a.name}",
            *(str(c[k]) for k in ("official", "official_unquoted", "secondary", "derived")),
            str(c["disputed"]),
            str(c["bound"]),
            *cells,
        )
    console.print(table)
    console.print(
        "[dim]缺少的参数名称见 --json 的 missing；缺项按参保地及其上级政策包在该日能否取得判断。[/dim]"
    )


@app.command("compare")
def compare(
    region: str = typer.Option(..., "--region", "-r", help="地区名称或代码"),
    date: str = typer.Option(None, "--date", "-d", help="日期 YYYY-MM-DD（默认今天）"),
    json: bool = JsonOpt,
):
    """职工医保与居民医保对比（报销比例、起付线、限额、缴费、年限）。"""
    reg = resolve_region(region, json)
    day = parse_date(date)
    view = default_policy().view(reg.admdvs, day)
    rows = compare_rows(view)
    if json:
        print_json(
            {
                "region": {"name": reg.name, "admdvs": reg.admdvs},
                "date": day,
                "local_pack": view.has_local_pack,
                "rows": [r.to_dict() for r in rows],
            }
        )
        return
    table = Table(title=f"{reg.name} 职工医保 vs 居民医保（{day}）", show_lines=True)
    table.add_column("项目")
    table.add_column("职工医保（310）")
    table.add_column("居民医保（390）")
    for r in rows:
        table.add_row(r.topic, r.employee.text, r.resident.text)
    console.print(table)
    if not view.has_local_pack:
        console.print(f"[yellow]尚未收录{reg.name}的地方政策，表中为全国通用规则。[/yellow]")
    console.print("[dim]来源见 yibao policy show --region 同一地区；二手来源已标注。[/dim]")
