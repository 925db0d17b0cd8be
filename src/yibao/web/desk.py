"""The staff desk (经办柜台): log in with a staff key, find a person (人员编号, ID number or the
masked ID printed on our pages), see their enrolment, account, settlements and audit trail, and
do what the API does — credit a month, bind or unbind family mutual aid, transfer, withdraw,
reverse a settlement — each after a confirmation page, journalled under the clerk's key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from yibao import vocab
from yibao.accounts import directory
from yibao.accounts.errors import AccountError
from yibao.policy.schema import PolicyError
from yibao.present import mask_id, masked, parse_amount
from yibao.rules.family_aid import RELATIONS
from yibao.rules.withdrawal import ALLOWED_CASES
from yibao.settlement.codes import INSUTYPE
from yibao.settlement.engine import SettlementError
from yibao.web.pages import page

router = APIRouter(include_in_schema=False)
TITLE = "经办柜台"
ENROLMENT_STATUS = {"active": "参保中", "transferred": "已转出", "closed": "已终止"}
ACCOUNT_STATUS = {"open": "正常", "closed": "已注销", "transferred": "已转出"}
SETTLEMENT_STATUS = {"settled": "已结算", "reversed": "已撤销"}
SEX = {"1": "男", "2": "女"}
ACTIONS_ZH = {
    "person.open": "参保登记",
    "account.open": "开立账户",
    "account.enrol": "参保登记",
    "account.credit": "个人账户划入",
    "account.bind": "绑定家庭共济",
    "account.unbind": "解除家庭共济",
    "account.transfer": "转移接续",
    "account.withdraw": "提取余额",
    "account.pay": "账户支付",
    "account.read": "查看账户",
    "settlement.settle": "结算",
    "settlement.reverse": "结算撤销",
    "settlement.read": "查看结算",
}


def _staff(request: Request) -> Any:
    who = request.app.state.keys.lookup(request.cookies.get("yibao_key"))
    return who if who is not None and who.role == "staff" else None


def _login_needed(request: Request) -> HTMLResponse:
    return page(
        request,
        "login.html",
        401,
        title="经办人员登录",
        error="经办柜台仅限医保经办人员使用，请先用经办人员密钥登录。",
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request):
    return page(request, "login.html", title="经办人员登录")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request):
    key = str((await request.form()).get("key", "")).strip()
    who = request.app.state.keys.lookup(key)
    if who is None or who.role != "staff":
        return page(
            request, "login.html", 401, title="经办人员登录", error="密钥无效或不是经办人员密钥。"
        )
    resp = RedirectResponse("/account", status_code=303)
    resp.set_cookie("yibao_key", key, httponly=True, samesite="strict")
    return resp


@router.get("/logout")
def logout():
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie("yibao_key")
    return resp


# --- the actions: what the API offers, each described for the confirmation page ----------------


def _month(text: str) -> dt.date:
    try:
        y, m = (int(p) for p in text.strip()[:7].split("-"))
        return dt.date(y, m, 1)
    except ValueError:
        raise AccountError("month", f"“划入月份”应为年月，如 2026-03，收到“{text}”") from None


def _credit(svc, psn_no, f, who):
    base = parse_amount(f["base"], "月缴费基数") if f.get("base") else None
    return svc.credit_month(psn_no, _month(f.get("month", "")), base=base, by=who)


def _bind(svc, psn_no, f, who):
    return svc.bind(psn_no, f.get("beneficiary", "").strip().upper(), f.get("relation", ""), by=who)


def _unbind(svc, psn_no, f, who):
    return svc.unbind(psn_no, f.get("beneficiary", "").strip().upper(), by=who)


def _transfer(svc, psn_no, f, who):
    has = f.get("destination_has_account", "true") == "true"
    return svc.transfer(psn_no, f.get("to_region", ""), destination_has_account=has, by=who)


def _withdraw(svc, psn_no, f, who):
    materials = [
        m.strip() for m in f.get("materials", "").replace("，", ",").split(",") if m.strip()
    ]
    return svc.withdraw(psn_no, f.get("reason", ""), materials, by=who)


def _reverse(svc, psn_no, f, who):
    try:
        setl_id = int(f.get("setl_id", ""))
    except ValueError:
        raise AccountError("setl_id", "请选择要撤销的结算") from None
    return svc.reverse(setl_id, reason=f.get("reason", ""), by=who)


ACTIONS: dict[str, dict[str, Any]] = {
    "credit": {"title": "个人账户划入（一个月）", "run": _credit},
    "bind": {"title": "绑定家庭共济", "run": _bind},
    "unbind": {"title": "解除家庭共济", "run": _unbind},
    "transfer": {"title": "转移接续（转出到其他统筹地区）", "run": _transfer},
    "withdraw": {"title": "提取个人账户余额", "run": _withdraw, "danger": True},
    "reverse": {"title": "结算撤销", "run": _reverse, "danger": True},
}


def _describe(action: str, psn_no: str, f: dict[str, str]) -> list[str]:
    """What will happen, in words, for the confirmation page."""
    if action == "credit":
        base = f"，月缴费基数 {f['base']} 元" if f.get("base") else "（退休人员按当地定额）"
        return [f"为 {psn_no} 划入 {f.get('month', '')} 的个人账户{base}。"]
    if action == "bind":
        rel = RELATIONS.get(f.get("relation", ""), f.get("relation", ""))
        return [f"{psn_no} 的个人账户将可为 {f.get('beneficiary', '')}（{rel}）支付。"]
    if action == "unbind":
        return [f"解除 {psn_no} 为 {f.get('beneficiary', '')} 的家庭共济绑定。"]
    if action == "transfer":
        return [
            f"把 {psn_no} 的医保关系转出到 {f.get('to_region', '')}，个人账户余额随之转出，"
            "家庭共济绑定解除。"
        ]
    if action == "withdraw":
        reason = ALLOWED_CASES.get(f.get("reason", ""), f.get("reason", ""))
        return [
            f"以“{reason}”为由提取 {psn_no} 的个人账户全部余额，提取后账户注销。",
            f"已收材料：{f.get('materials') or '（未填写）'}",
        ]
    if action == "reverse":
        return [f"撤销结算 {f.get('setl_id', '')}，退回基金和个人账户支付，恢复本年累计。"]
    return []


# --- pages ----------------------------------------------------------------------------------------


def _file(svc: Any, psn_no: str) -> dict[str, Any]:
    info = directory.person_file(svc.engine, psn_no)
    if info is None:
        raise AccountError("psn_no", f"没有人员编号为 {psn_no} 的参保人")
    try:
        info["balance"] = svc.balance(psn_no)
        today = dt.date.today()
        info["statement"] = svc.statement(psn_no, today.replace(month=1, day=1), today)
    except AccountError:
        info["balance"] = info["statement"] = None  # a resident has no personal account
    info["bindings"] = svc.bindings(psn_no)
    return masked(info)


@router.get("/account", response_class=HTMLResponse)
def desk(request: Request, q: str | None = None, psn_no: str | None = None, done: str = ""):
    who = _staff(request)
    if who is None:
        return _login_needed(request)
    svc = request.app.state.accounts
    ctx: dict[str, Any] = {"title": TITLE, "who": who, "q": q or psn_no or "", "done": done}
    ctx.update(_vocab())
    if svc is None:
        return page(request, "account.html", error="此服务没有配置数据库。", **ctx)
    query = (psn_no or q or "").strip()
    found = directory.find(svc.engine, query)
    if query and len(found) == 1:
        return _person_page(request, svc, found[0]["psn_no"], ctx)
    if query and not found:
        ctx["error"] = f"没有找到“{mask_id(query)}”。可输入人员编号（如 LS0001）、身份证号或姓名。"
    ctx["persons"] = found
    return page(request, "account.html", **ctx)


def _vocab() -> dict[str, Any]:
    return {
        "insutype_zh": INSUTYPE,
        "psn_type_zh": vocab.PSN_TYPE.labels,
        "enrol_zh": ENROLMENT_STATUS,
        "acct_zh": ACCOUNT_STATUS,
        "setl_zh": SETTLEMENT_STATUS,
        "sex_zh": SEX,
        "actions_zh": ACTIONS_ZH,
        "relations": RELATIONS,
        "reasons": ALLOWED_CASES,
        "this_month": dt.date.today().strftime("%Y-%m"),
    }


def _person_page(
    request: Request, svc: Any, psn_no: str, ctx: dict[str, Any], status: int = 200
) -> HTMLResponse:
    who = ctx["who"]
    try:
        ctx["info"] = _file(svc, psn_no)
        svc.note(who, "account.read", psn_no)
    except AccountError as exc:
        ctx["error"] = mask_id(exc.message)
    return page(request, "account.html", status, **ctx)


@router.post("/account/{psn_no}/{action}", response_class=HTMLResponse)
async def act(request: Request, psn_no: str, action: str):
    who = _staff(request)
    if who is None:
        return _login_needed(request)
    svc = request.app.state.accounts
    spec = ACTIONS.get(action)
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    ctx: dict[str, Any] = {"title": TITLE, "who": who, "q": psn_no, "done": ""}
    ctx.update(_vocab())
    if spec is None or svc is None:
        ctx["error"] = "没有这项操作。"
        return _person_page(request, svc, psn_no, ctx, 404)
    fields = {k: v for k, v in form.items() if k != "confirm"}
    if form.get("confirm") != "yes":
        return page(
            request,
            "confirm.html",
            title=f"确认：{spec['title']}",
            who=who,
            psn_no=psn_no,
            action=action,
            spec=spec,
            fields=fields,
            lines=_describe(action, psn_no, fields),
        )
    try:
        spec["run"](svc, psn_no, fields, who)
    except (AccountError, SettlementError, PolicyError, ValueError) as exc:
        ctx["error"] = f"{spec['title']}未办理：{mask_id(getattr(exc, 'message', str(exc)))}"
        return _person_page(request, svc, psn_no, ctx, 422)
    return RedirectResponse(
        f"/account?psn_no={quote(psn_no)}&done={quote(action)}#audit", status_code=303
    )


__all__ = ["ACTIONS", "router"]
_ = Decimal  # amounts are parsed by present.parse_amount
