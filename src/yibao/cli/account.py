"""``yibao db upgrade`` and ``yibao account …``: the books (YIBAO_DATABASE_URL, default SQLite).

``yibao account settle CLAIM.json --key KEY`` is the committing settlement (``yibao settle`` only
pre-settles): the accumulators and balances come from the books, not from the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.table import Table

from yibao.cli.app import JsonOpt, app, console, fail, print_json
from yibao.cli.settle import load_claim, read_json, settlement_json, show_settlement
from yibao.present import mask_id, masked

db_app = typer.Typer(help="账户数据库（YIBAO_DATABASE_URL，默认用户数据目录下的 SQLite 文件）")
account_app = typer.Typer(
    help="个人账户：开户、划入、家庭共济、结算记账、撤销、余额、明细、转移、提取",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(account_app, name="account")

R = TypeVar("R")
DateOpt = typer.Option(None, "--date", "-d", help="办理日期 YYYY-MM-DD（默认今天）")


def _call(as_json: bool, fn: Callable[[], R]) -> R:
    """Run a service call; a refusal or a database problem exits 2 with a clear message."""
    from sqlalchemy.exc import DBAPIError

    from yibao.accounts.errors import AccountError

    try:
        return fn()
    except AccountError as exc:
        fail(mask_id(str(exc)), as_json=as_json, field=exc.field)
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        fail(
            f"数据库不可用或尚未初始化（请先运行 yibao db upgrade）：{mask_id(first)}",
            as_json=as_json,
        )


def _date(value: str | None, field: str, as_json: bool) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{field}：日期格式应为 YYYY-MM-DD，收到 {value!r}", as_json=as_json, field=field)


def _accounts(as_json: bool):
    from yibao.accounts.service import Accounts

    return _call(as_json, lambda: Accounts())


def _show(data: dict[str, Any], as_json: bool, title: str) -> None:
    data = masked(data)  # ID numbers never printed in full
    if as_json:
        print_json(data)
        return
    table = Table(title=title, show_header=False)
    for k, v in data.items():
        if isinstance(v, list):
            v = "\n".join(str(x) for x in v)
        table.add_row(k, str(v))
    console.print(table)


@db_app.command("upgrade")
def db_upgrade(json: bool = JsonOpt):
    """创建或迁移账户数据库到最新版本（Alembic）。"""
    from yibao.accounts.db import upgrade

    url = _call(json, upgrade)
    _show({"database": url, "revision": "head"}, json, "数据库已是最新版本")


@account_app.command("open")
def open_cmd(
    psn_no: str = typer.Option(..., "--psn", help="人员编号"),
    name: str = typer.Option(..., "--name", help="姓名"),
    id_no: str = typer.Option(..., "--id-no", help="18位居民身份证号码（校验 GB 11643 校验码）"),
    insutype: str = typer.Option("310", "--insutype", help="险种：310 职工，390 居民"),
    region: str = typer.Option(..., "--region", "-r", help="参保地（名称或代码，如 拉萨）"),
    psn_type: str = typer.Option("in_service", "--psn-type", help="in_service 在职 / retired 退休"),
    since: str = typer.Option(None, "--since", help="参保日期 YYYY-MM-DD（默认今天）"),
    json: bool = JsonOpt,
):
    """登记参保人并参保；职工医保同时开立个人账户。"""
    day = _date(since, "--since", json)
    acc = _accounts(json)
    out = _call(
        json, lambda: acc.open(psn_no, name, id_no, insutype, region, psn_type=psn_type, since=day)
    )
    _show(out, json, "已登记")


@account_app.command("credit")
def credit_cmd(
    psn_no: str = typer.Argument(..., help="人员编号"),
    month: str = typer.Option(..., "--month", help="划入月份 YYYY-MM"),
    base: str = typer.Option(None, "--base", help="缴费基数（元/月，在职职工必填）"),
    json: bool = JsonOpt,
):
    """按政策包划入一个月的个人账户（在职按基数×比例，退休按定额）。"""
    day = _date(f"{month}-01" if len(month) == 7 else month, "--month", json)
    acc = _accounts(json)
    _show(_call(json, lambda: acc.credit_month(psn_no, day, base=base)), json, "已划入")


@account_app.command("bind")
def bind_cmd(
    payer: str = typer.Argument(..., help="职工（出资人）人员编号"),
    beneficiary: str = typer.Argument(..., help="被共济的近亲属人员编号"),
    relation: str = typer.Option(..., "--relation", help="被共济人是职工的：配偶、父母、子女…"),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """绑定家庭共济：职工个人账户可为该近亲属支付。"""
    day = _date(date, "--date", json)
    acc = _accounts(json)
    _show(_call(json, lambda: acc.bind(payer, beneficiary, relation, day=day)), json, "已绑定")


@account_app.command("unbind")
def unbind_cmd(
    payer: str = typer.Argument(..., help="职工人员编号"),
    beneficiary: str = typer.Argument(..., help="被共济人人员编号"),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """解除家庭共济绑定。"""
    day = _date(date, "--date", json)
    acc = _accounts(json)
    _show(_call(json, lambda: acc.unbind(payer, beneficiary, day=day)), json, "已解除绑定")


@account_app.command("balance")
def balance_cmd(psn_no: str = typer.Argument(..., help="人员编号"), json: bool = JsonOpt):
    """个人账户余额。"""
    acc = _accounts(json)
    _show(_call(json, lambda: acc.balance(psn_no)), json, "个人账户")


@account_app.command("statement")
def statement_cmd(
    psn_no: str = typer.Argument(..., help="人员编号"),
    start: str = typer.Option(..., "--from", help="开始日期 YYYY-MM-DD"),
    end: str = typer.Option(None, "--to", help="结束日期 YYYY-MM-DD（默认今天）"),
    json: bool = JsonOpt,
):
    """个人账户明细（期初、每笔记账、期末）。"""
    a, b = _date(start, "--from", json), _date(end, "--to", json)
    acc = _accounts(json)
    st = _call(json, lambda: acc.statement(psn_no, a, b))
    if json:
        print_json(st)
        return
    table = Table(title=f"{psn_no} 个人账户明细 {a}～{b}（期初 {st['opening']} 元）")
    for col in ("日期", "类型", "摘要", "金额", "余额"):
        table.add_column(col)
    for ln in st["lines"]:
        table.add_row(
            str(ln["date"]), ln["kind"], ln["memo"], f"{ln['amount']}", f"{ln['balance']}"
        )
    console.print(table)
    console.print(f"期末余额：{st['closing']} 元")


@account_app.command("transfer")
def transfer_cmd(
    psn_no: str = typer.Argument(..., help="人员编号"),
    to: str = typer.Option(..., "--to", help="转入地（名称或代码）"),
    no_account: bool = typer.Option(
        False, "--destination-has-no-account", help="转入地不建立个人账户（余额不能转入）"
    ),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """医保关系转移接续：参保关系、缴费月数和个人账户余额转入新参保地。"""
    day = _date(date, "--date", json)
    acc = _accounts(json)
    out = _call(
        json, lambda: acc.transfer(psn_no, to, day=day, destination_has_account=not no_account)
    )
    _show(out, json, "已转移")


@account_app.command("withdraw")
def withdraw_cmd(
    psn_no: str = typer.Argument(..., help="人员编号"),
    reason: str = typer.Option(..., "--reason", help="提取情形（代码或中文，如 出国定居、死亡）"),
    material: list[str] = typer.Option([], "--material", "-m", help="已提交的材料（可重复）"),
    filing_done: bool = typer.Option(
        None, "--filing-done/--no-filing-done", help="长期异地：是否已办理备案"
    ),
    hospital_proof: bool = typer.Option(
        None, "--hospital-proof/--no-hospital-proof", help="重大疾病：是否有医院证明"
    ),
    date: str = DateOpt,
    json: bool = JsonOpt,
):
    """个人账户余额提取（死亡为继承）：不符合条件或缺材料时拒绝，不记账。"""
    day = _date(date, "--date", json)
    facts = {
        k: v
        for k, v in (("filing_done", filing_done), ("hospital_proof", hospital_proof))
        if v is not None
    }
    acc = _accounts(json)
    out = _call(json, lambda: acc.withdraw(psn_no, reason, material, day=day, **facts))
    _show(out, json, "已提取，个人账户注销")


@account_app.command("settle")
def settle_cmd(
    claim_file: Path = typer.Argument(..., help="理赔 JSON 文件（person、encounter、fees）"),
    key: str = typer.Option(..., "--key", help="幂等键：同一键重试只结算一次"),
    payer: str = typer.Option(None, "--payer", help="家庭共济出资人（已绑定的职工）人员编号"),
    no_trace: bool = typer.Option(False, "--no-trace", help="不输出计算过程"),
    json: bool = JsonOpt,
):
    """结算并记账：累计与余额取自账簿，写入结算、记账凭证和年度累计。"""
    data = read_json(claim_file, "理赔文件", json)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("ytd", "mulaid_balance")}
    claim = load_claim(data, None, json)
    acc = _accounts(json)
    done = _call(json, lambda: acc.settle(claim, key, payer=payer, trace=not no_trace))
    if json:
        print_json(
            {
                "setl_id": done.setl_id,
                "idempotency_key": done.idempotency_key,
                "replayed": done.replayed,
                **settlement_json(done.settlement),
            }
        )
        return
    show_settlement(done.settlement)
    again = "（幂等重试：返回首次结果，未重复记账）" if done.replayed else ""
    console.print(f"结算号 {done.setl_id}，幂等键 {done.idempotency_key}{again}")


@account_app.command("reverse")
def reverse_cmd(
    setl_id: int = typer.Argument(..., help="结算号"),
    reason: str = typer.Option("", "--reason", help="撤销原因"),
    json: bool = JsonOpt,
):
    """结算撤销：恢复个人账户和年度累计；同一结算只能撤销一次。"""
    acc = _accounts(json)
    _show(_call(json, lambda: acc.reverse(setl_id, reason=reason)), json, "已撤销")
