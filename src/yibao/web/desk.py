"""The staff desk: log in with a staff key, look up a person's account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from yibao.present import Problem, mask_id, masked
from yibao.web.pages import page

router = APIRouter(include_in_schema=False)

# --- staff: login and account page ---------------------------------------------------------------


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


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, psn_no: str | None = None):
    who = request.app.state.keys.lookup(request.cookies.get("yibao_key"))
    if who is None or who.role != "staff":
        return page(
            request,
            "login.html",
            401,
            title="经办人员登录",
            error="账户信息仅限医保经办人员查看，请先登录。",
        )
    svc = request.app.state.accounts
    ctx: dict[str, Any] = {"title": "个人账户", "psn_no": psn_no or "", "who": who}
    if psn_no and svc is not None:
        try:
            ctx["info"] = _account_view(svc, psn_no)
        except Problem as exc:
            ctx["error"] = exc.detail or exc.title
        except Exception as exc:  # AccountError and friends carry a Chinese message
            ctx["error"] = mask_id(str(exc))
    return page(request, "account.html", **ctx)


def _account_view(svc: Any, psn_no: str) -> dict[str, Any]:
    today = dt.date.today()
    bal = svc.balance(psn_no)
    stmt = svc.statement(psn_no, today.replace(month=1, day=1), today)
    return {
        "balance": masked(bal),
        "statement": masked(stmt),
        "bindings": masked(svc.bindings(psn_no)),
    }
