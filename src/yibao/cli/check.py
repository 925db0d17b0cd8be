"""``yibao check <rule>``: run one rule for a region and date, print the Decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import typer
from rich.panel import Panel
from rich.table import Table

from yibao.cli.app import JsonOpt, app, console, fail, parse_date, print_json
from yibao.cli.policy import resolve_region
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.rules import (
    contribution,
    coverage,
    enrollment,
    family_aid,
    lifetime,
    newborn,
    offsite,
    transfer,
    waiting,
    withdrawal,
)
from yibao.rules.common import FactError
from yibao.rules.decision import Cited, Decision

check_app = typer.Typer(
    help="规则判定：提取、转移、等待期、新生儿、异地就医、家庭共济、缴费、年限、参保、不予支付项目",
    no_args_is_help=True,
)
app.add_typer(check_app, name="check")

RegionOpt = typer.Option(..., "--region", "-r", help="地区名称或代码（如 拉萨、540100）")
DateOpt = typer.Option(None, "--date", "-d", help="判定日期 YYYY-MM-DD（默认今天）")


def _option(field: str) -> str:
    return "--" + {"psn_type": "psn-type", "to_admdvs": "to"}.get(field, field.replace("_", "-"))


def _decimal(value: str | None, option: str, as_json: bool) -> Decimal | None:
    if value is None:
        return None
    try:
        d = Decimal(value)
    except InvalidOperation:
        fail(f"{option}：应为数字，收到 {value!r}", as_json=as_json)
    if not d.is_finite() or d < 0:
        fail(f"{option}：应为非负数字，收到 {value!r}", as_json=as_json)
    return d


def _nonneg(value: int | None, option: str, as_json: bool) -> None:
    if value is not None and value < 0:
        fail(f"{option}：不能为负数，收到 {value}", as_json=as_json)


def _run(region: str, date: str | None, as_json: bool, rule: Callable[[Cited], Decision]) -> None:
    reg = resolve_region(region, as_json)
    day = parse_date(date)
    try:
        view = default_policy().view(reg.admdvs, day)
        decision = rule(Cited(view))
    except FactError as exc:
        fail(f"{_option(exc.field)}：{exc}", as_json=as_json)
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


def _render(d: Decision, region: dict[str, str]) -> None:
    title = f"{region['name']}（{region['admdvs']}） {d.date} · {d.rule}"
    console.print(
        Panel(
            f"[bold]{d.outcome_zh}[/bold]  [dim]({d.outcome})[/dim]",
            title=title,
        )
    )
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


def _date_opt(value: str | None, option: str) -> dt.date | None:
    return None if value is None else parse_date(value, option)


@check_app.command("withdrawal")
def check_withdrawal(
    region: str = RegionOpt,
    reason: str = typer.Option(
        ...,
        "--reason",
        help="情形：" + "、".join(f"{k}（{v}）" for k, v in withdrawal.REASONS.items()),
    ),
    date: str = DateOpt,
    filing_done: bool = typer.Option(
        None, "--filing-done/--no-filing-done", help="长期异地：是否已办理备案"
    ),
    hospital_proof: bool = typer.Option(
        None, "--hospital-proof/--no-hospital-proof", help="大病：是否有医院证明"
    ),
    destination_accepts: bool = typer.Option(
        None, "--destination-accepts/--destination-refuses", help="跨地区流动：新参保地是否接收余额"
    ),
    advance_date: str = typer.Option(
        None, "--advance-date", help="急诊垫付日期 YYYY-MM-DD（默认 --date）"
    ),
    json: bool = JsonOpt,
):
    """职工医保个人账户余额能否提取。"""
    try:
        code = withdrawal.reason_code(reason)
    except FactError as exc:
        fail(f"--reason：{exc}", as_json=json)
    adv = _date_opt(advance_date, "--advance-date")
    _run(
        region,
        date,
        json,
        lambda c: withdrawal.check_withdrawal(
            c,
            code,
            filing_done=filing_done,
            hospital_proof=hospital_proof,
            destination_accepts_balance=destination_accepts,
            advance_date=adv,
        ),
    )


@check_app.command("transfer")
def check_transfer(
    region: str = RegionOpt,
    to: str = typer.Option(..., "--to", help="转入地（名称或代码）"),
    date: str = DateOpt,
    apply_date: str = typer.Option(None, "--apply-date", help="转入地受理日期（默认 --date）"),
    no_account: bool = typer.Option(
        False, "--no-account", help="转入地不建立个人账户（如参加居民医保）"
    ),
    gap_months: int = typer.Option(None, "--gap-months", help="中断缴费月数"),
    json: bool = JsonOpt,
):
    """跨统筹地区转移接续：随转内容、余额处理、步骤和预计办结日期。"""
    dest = resolve_region(to, json)
    _nonneg(gap_months, "--gap-months", json)
    ad = _date_opt(apply_date, "--apply-date")
    _run(
        region,
        date,
        json,
        lambda c: transfer.check_transfer(
            c,
            dest.admdvs,
            apply_date=ad,
            destination_has_account=not no_account,
            gap_months=gap_months,
        ),
    )


@check_app.command("waiting")
def check_waiting(
    region: str = RegionOpt,
    scheme: str = typer.Option("resident", "--scheme", help="employee（职工）或 resident（居民）"),
    date: str = DateOpt,
    lapse_months: int = typer.Option(0, "--lapse-months", help="中断缴费月数"),
    lapse_years: int = typer.Option(
        None, "--lapse-years", help="居民：断保年数（默认按月数向上取整）"
    ),
    back_paid_years: int = typer.Option(0, "--back-paid-years", help="居民：补缴（修复）年数"),
    in_period: bool = typer.Option(
        None, "--in-period/--out-of-period", help="居民：是否在集中参保期内缴费"
    ),
    paid_date: str = typer.Option(None, "--paid-date", help="缴费日期（默认 --date）"),
    exempt: str = typer.Option(None, "--exempt", help="居民：人员类别，如 新生儿"),
    to_resident: bool = typer.Option(False, "--to-resident", help="职工：中断后改参居民医保"),
    continuous_years: int = typer.Option(
        None, "--continuous-years", help="居民：连续参保年数（大病限额激励）"
    ),
    zero_claim_years: int = typer.Option(0, "--zero-claim-years", help="居民：连续零报销年数"),
    json: bool = JsonOpt,
):
    """断缴、补缴与待遇等待期；居民大病保险限额激励。"""
    if scheme not in waiting.SCHEMES:
        fail(f"--scheme：应为 employee 或 resident，收到 {scheme!r}", as_json=json)
    for v, o in (
        (lapse_months, "--lapse-months"),
        (lapse_years, "--lapse-years"),
        (back_paid_years, "--back-paid-years"),
        (continuous_years, "--continuous-years"),
        (zero_claim_years, "--zero-claim-years"),
    ):
        _nonneg(v, o, json)
    pd = _date_opt(paid_date, "--paid-date")
    _run(
        region,
        date,
        json,
        lambda c: waiting.check_waiting(
            c,
            scheme,
            lapse_months=lapse_months,
            lapse_years=lapse_years,
            back_paid_years=back_paid_years,
            in_enrolment_period=in_period,
            paid_date=pd,
            exempt=exempt,
            to_resident=to_resident,
            continuous_years=continuous_years,
            zero_claim_years=zero_claim_years,
        ),
    )


@check_app.command("newborn")
def check_newborn(
    region: str = RegionOpt,
    birth_date: str = typer.Option(None, "--birth-date", help="出生日期 YYYY-MM-DD"),
    age_days: int = typer.Option(
        None, "--age-days", help="出生天数（出生20天填 20；与 --birth-date 二选一）"
    ),
    paid_date: str = typer.Option(None, "--paid-date", help="参保缴费日期（未参保则不填）"),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """新生儿参保：待遇从哪天开始；期限已过时说明逾期后果。"""
    bd = _date_opt(birth_date, "--birth-date")
    pd = _date_opt(paid_date, "--paid-date")
    _nonneg(age_days, "--age-days", json)
    _run(
        region,
        date,
        json,
        lambda c: newborn.check_newborn(c, bd, pd, age_days=age_days),
    )


@check_app.command("offsite")
def check_offsite(
    region: str = RegionOpt,
    filing: str = typer.Option(..., "--filing", help="备案类型：" + "、".join(offsite.FILINGS)),
    date: str = DateOpt,
    filing_date: str = typer.Option(None, "--filing-date", help="备案日期（默认 --date）"),
    json: bool = JsonOpt,
):
    """异地就医：备案类型、条件、材料、有效期、支付比例调整、手工报销。"""
    if filing not in offsite.FILINGS:
        fail(
            f"--filing：未知的备案类型 {filing!r}，可选：{', '.join(offsite.FILINGS)}", as_json=json
        )
    fd = _date_opt(filing_date, "--filing-date")
    _run(region, date, json, lambda c: offsite.check_offsite(c, filing, filing_date=fd))


@check_app.command("family-aid")
def check_family_aid(
    region: str = RegionOpt,
    relation: str = typer.Option(
        ..., "--relation", help="关系：spouse parent child sibling grandparent grandchild 或中文"
    ),
    use: str = typer.Option(None, "--use", help="用途：" + "、".join(family_aid.USES)),
    insured: bool = typer.Option(None, "--insured/--not-insured", help="被共济人是否已参保"),
    same_region: bool = typer.Option(None, "--same-region/--other-region", help="是否同一统筹地区"),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """家庭共济：能否为这位亲属使用个人账户。"""
    if use is not None and use not in family_aid.USES:
        fail(f"--use：未知的用途 {use!r}，可选：{', '.join(family_aid.USES)}", as_json=json)
    _run(
        region,
        date,
        json,
        lambda c: family_aid.check_family_aid(
            c, relation, use=use, beneficiary_insured=insured, same_region=same_region
        ),
    )


@check_app.command("contribution")
def check_contribution(
    region: str = RegionOpt,
    psn_type: str = typer.Option(
        "in_service", "--psn-type", help="in_service、flexible、retired、resident"
    ),
    base: str = typer.Option(None, "--base", help="月缴费基数（元）"),
    year: int = typer.Option(None, "--year", help="年度（居民缴费；未给 --date 时按该年1月1日）"),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """缴费与个人账户每月划入。"""
    if psn_type not in contribution.PSN_TYPES:
        fail(
            f"--psn-type：应为 {', '.join(contribution.PSN_TYPES)} 之一，收到 {psn_type!r}",
            as_json=json,
        )
    b = _decimal(base, "--base", json)
    if year is not None and not 1990 <= year <= 2100:
        fail(f"--year：年度不合理：{year}", as_json=json)
    if date is None and year is not None:
        date = f"{year:04d}-01-01"
    _run(region, date, json, lambda c: contribution.check_contribution(c, psn_type, base=b))


@check_app.command("lifetime")
def check_lifetime(
    region: str = RegionOpt,
    sex: str = typer.Option(..., "--sex", help="male/男 或 female/女"),
    years: str = typer.Option(..., "--years", help="累计缴费年限"),
    local_years: str = typer.Option(None, "--local-years", help="其中本统筹地区实际缴费年限"),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """最低缴费年限：退休后能否免缴享受医保。"""
    try:
        lifetime.sex_key(sex)
    except FactError as exc:
        fail(f"--sex：{exc}", as_json=json)
    y = _decimal(years, "--years", json)
    ly = _decimal(local_years, "--local-years", json)
    assert y is not None
    _run(region, date, json, lambda c: lifetime.check_lifetime(c, sex, y, local_years=ly))


@check_app.command("enrollment")
def check_enrollment(
    region: str = RegionOpt,
    topic: str = typer.Option(
        ..., "--topic", help="flexible（灵活就业）、frozen（封存/解封）、effective（生效）"
    ),
    scheme: str = typer.Option(
        "employee", "--scheme", help="employee 或 resident（用于 effective）"
    ),
    paid_date: str = typer.Option(None, "--paid-date", help="缴费日期（默认 --date）"),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """参保：灵活就业条件、账户封存与解封、待遇生效。"""
    if topic not in enrollment.TOPICS:
        fail(f"--topic：应为 {', '.join(enrollment.TOPICS)} 之一，收到 {topic!r}", as_json=json)
    if scheme not in enrollment.SCHEMES:
        fail(f"--scheme：应为 employee 或 resident，收到 {scheme!r}", as_json=json)
    pd = _date_opt(paid_date, "--paid-date")
    _run(
        region,
        date,
        json,
        lambda c: enrollment.check_enrollment(c, topic, scheme=scheme, paid_date=pd),
    )


@check_app.command("coverage")
def check_coverage(
    region: str = RegionOpt,
    item: str = typer.Option(None, "--item", help="项目名称或编码，如 种植牙"),
    case: str = typer.Option(None, "--case", help="情形：" + "、".join(coverage.CASES)),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """不予支付的项目（种植牙、近视手术、美容等）与社会保险法第三十条情形。"""
    if item is None and case is None:
        fail("--item：请给出项目名称或编码（或用 --case 给出情形）", as_json=json)
    if case is not None and case not in coverage.CASES:
        fail(f"--case：未知的情形 {case!r}，可选：{', '.join(coverage.CASES)}", as_json=json)
    _run(region, date, json, lambda c: coverage.check_coverage(c, item, case=case))
