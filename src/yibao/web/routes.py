"""Server-rendered pages (Jinja2). Forms post back to the same page; errors show as messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from pydantic import ValidationError

from yibao.api.auth import mask_id
from yibao.api.checks import MODELS, RULES
from yibao.api.problems import Problem
from yibao.api.routes_accounts import masked
from yibao.policy import regions
from yibao.policy.display import yuan
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.rules.common import FactError
from yibao.rules.decision import OUTCOME_ZH, Cited
from yibao.rules.family_aid import RELATIONS
from yibao.settlement.codes import SETLINFO_LABELS
from yibao.settlement.engine import SettlementError, settle
from yibao.settlement.model import Claim
from yibao.web.chart import money_chart

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("yibao.web") / "templates"))
_md = MarkdownIt("commonmark", {"html": False}).enable("table")

INTENT_ZH = {
    "withdrawal": "个人账户提取",
    "reimbursement": "报销待遇",
    "offsite": "异地就医",
    "family_aid": "家庭共济",
    "balance": "余额查询",
    "transfer": "转移接续",
    "lapse": "断缴与补缴",
    "newborn": "新生儿参保",
    "contribution": "缴费标准",
    "lifetime": "最低缴费年限",
    "excluded": "不予支付项目",
    "enrollment": "参保登记",
    "account_credit": "个人账户划入",
    "out_of_scope": "超出范围",
}


def cite(b: dict[str, Any]) -> str:
    s = b.get("source") or {}
    parts = [b.get("pack_name", ""), s.get("title", "")]
    if s.get("doc_no"):
        parts.append(f"（{s['doc_no']}）")
    parts.append(s.get("article", ""))
    text = " ".join(p for p in parts if p)
    if s.get("confidence") == "secondary":
        text += "〔二手来源〕"
    return text


def region_name(admdvs: str) -> str:
    try:
        return regions.get(admdvs).name
    except regions.UnknownRegion:
        return admdvs


templates.env.globals.update(cite=cite, yuan=yuan, region_name=region_name, relation_zh=RELATIONS)


def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=status)


# --- 问答 -----------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str | None = None):
    if q:
        return _answer(request, q)
    return page(request, "ask.html", title="问答")


@router.post("/", response_class=HTMLResponse)
async def ask_post(request: Request):
    form = await request.form()
    question = str(form.get("question", "")).strip()
    if not question:
        return page(request, "ask.html", 422, title="问答", error="请输入问题。")
    return _answer(request, question)


def _answer(request: Request, question: str) -> HTMLResponse:
    from yibao.qa.answer import ask

    if len(question) > 500:
        return page(
            request,
            "ask.html",
            422,
            title="问答",
            question=question[:500],
            error="问题太长，请控制在500字以内。",
        )
    result = ask(question)
    return page(
        request,
        "ask.html",
        title="问答",
        question=question,
        result=result,
        intent_zh=INTENT_ZH.get(result["intent"], result["intent"]),
        answer_html=_md.render(result["answer"]),
    )


# --- 报销计算器 -------------------------------------------------------------------------------------

CALC_DEFAULTS = {
    "region": "拉萨",
    "insutype": "310",
    "psn_type": "in_service",
    "hosp_lv": 3,
    "med_type": "21",
    "stays": 0,
    "amt_a": "20000",
    "amt_b": "0",
    "amt_c": "0",
    "balance": "0",
    "date": "",
}


@router.get("/calc", response_class=HTMLResponse)
def calc_form(request: Request):
    return page(request, "calc.html", title="报销计算器", f=CALC_DEFAULTS)


def _amount(form: dict[str, Any], key: str, label: str) -> Decimal:
    text = str(form.get(key) or "0").strip().replace(",", "")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}应为金额（元），收到“{text}”") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"{label}不能为负数")
    if d > Decimal("100000000"):
        raise ValueError(f"{label}超出范围")
    return d


@router.post("/calc", response_class=HTMLResponse)
async def calc(request: Request):
    form = {**CALC_DEFAULTS, **{k: v for k, v in (await request.form()).items()}}
    try:
        form["hosp_lv"] = int(form["hosp_lv"])
        form["stays"] = int(form["stays"] or 0)
        if form["stays"] < 0:
            raise ValueError("本年已住院次数不能为负数")
        reg = regions.get(str(form["region"]))
        end = dt.date.fromisoformat(form["date"]) if form["date"] else dt.date.today()
        amounts = {
            k: _amount(form, k, label)
            for k, label in (
                ("amt_a", "甲类费用"),
                ("amt_b", "乙类费用"),
                ("amt_c", "丙类费用"),
                ("balance", "个人账户余额"),
            )
        }
        b_prop = None
        if str(form.get("b_prop") or "").strip():
            b_prop = _amount(form, "b_prop", "乙类先行自付比例") / 100
            if b_prop > 1:
                raise ValueError("乙类先行自付比例应在0到100之间")
        fees = [
            {
                "code": code,
                "name": name,
                "chrg_item_lv": lv,
                "amount": amounts[key],
                **({"selfpay_prop": b_prop} if lv == "02" and b_prop is not None else {}),
            }
            for key, code, name, lv in (
                ("amt_a", "A", "甲类费用", "01"),
                ("amt_b", "B", "乙类费用", "02"),
                ("amt_c", "C", "丙类费用", "03"),
            )
            if amounts[key] > 0
        ]
        if not fees:
            raise ValueError("请至少填写一项费用金额")
        claim = Claim.model_validate(
            {
                "person": {
                    "psn_no": "WEB",
                    "insutype": form["insutype"],
                    "psn_type": form["psn_type"],
                    "insuplc_admdvs": reg.admdvs,
                },
                "encounter": {
                    "med_type": form["med_type"],
                    "hosp_lv": form["hosp_lv"],
                    "mdtrtarea_admvs": reg.admdvs,
                    "begndate": end,
                    "enddate": end,
                },
                "fees": fees,
                "ytd": {"stays": form["stays"], "acct_balance": amounts["balance"]},
            }
        )
        s = settle(claim)
    except regions.UnknownRegion as exc:
        return page(request, "calc.html", 422, title="报销计算器", f=form, error=str(exc))
    except ValidationError as exc:
        msg = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return page(request, "calc.html", 422, title="报销计算器", f=form, error=msg)
    except (ValueError, SettlementError, PolicyError) as exc:
        return page(request, "calc.html", 422, title="报销计算器", f=form, error=str(exc))
    info = s.setlinfo.model_dump()
    return page(
        request,
        "calc.html",
        title="报销计算器",
        f=form,
        s={"setlinfo": info, "trace": [t.model_dump() for t in s.trace], "warnings": s.warnings},
        s_region=reg.name,
        chart=money_chart(info),
        labels=list(SETLINFO_LABELS.items()),
    )


# --- checkers ------------------------------------------------------------------------------------

CHECK_FORMS: dict[str, dict[str, Any]] = {
    "withdrawal": {
        "title": "医保个人账户能否取现",
        "fields": [
            {"name": "region", "label": "参保城市", "required": True},
            {
                "name": "reason",
                "label": "情形",
                "options": [
                    ("death", "参保人去世（继承）"),
                    ("emigration", "出国（境）定居"),
                    ("retire_abroad", "退休后出国定居"),
                    ("moved_no_transfer", "跨统筹地区流动且新参保地不接收余额"),
                    ("public_medical_employer", "新单位实行公费医疗"),
                    ("quit_employee_scheme", "放弃职工医保"),
                    ("long_term_offsite", "长期异地居住（已备案）"),
                    ("serious_disease", "重大疾病"),
                    ("cash_out", "转到微信/支付宝、提现"),
                    ("pension_account", "养老保险个人账户"),
                ],
            },
        ],
    },
    "waiting": {
        "title": "断缴、补缴与待遇等待期",
        "fields": [
            {"name": "region", "label": "参保城市", "required": True},
            {
                "name": "scheme",
                "label": "险种",
                "options": [("resident", "居民医保"), ("employee", "职工医保")],
            },
            {"name": "lapse_months", "label": "已断缴月数", "type": "number"},
            {
                "name": "back_paid_years",
                "label": "补缴年数（居民医保修复等待期）",
                "type": "number",
            },
            {"name": "paid_date", "label": "缴费日期", "type": "date"},
        ],
    },
    "newborn": {
        "title": "新生儿参保与待遇生效",
        "fields": [
            {"name": "region", "label": "参保城市", "required": True},
            {"name": "birth_date", "label": "出生日期", "type": "date", "required": True},
            {"name": "paid_date", "label": "参保缴费日期（未缴可不填）", "type": "date"},
        ],
    },
}


@router.get("/check/{rule}", response_class=HTMLResponse)
def check_form(request: Request, rule: str):
    spec = CHECK_FORMS.get(rule)
    if spec is None:
        return page(
            request,
            "check.html",
            404,
            title="未找到",
            error="没有这个判定页面。",
            fields=[],
            values={},
            action="/",
        )
    return page(
        request,
        "check.html",
        title=spec["title"],
        fields=spec["fields"],
        values={"region": "拉萨"},
        action=f"/check/{rule}",
    )


@router.post("/check/{rule}", response_class=HTMLResponse)
async def check_post(request: Request, rule: str):
    spec = CHECK_FORMS.get(rule)
    if spec is None:
        return check_form(request, rule)
    values = {k: v for k, v in (await request.form()).items() if str(v).strip() != ""}
    ctx = {
        "title": spec["title"],
        "fields": spec["fields"],
        "values": values,
        "action": f"/check/{rule}",
    }
    try:
        body = MODELS[rule].model_validate(values)
        reg = regions.get(body.region)
        facts = body.model_dump(exclude={"region", "date"})
        cited = Cited(default_policy().view(reg.admdvs, body.date or dt.date.today()))
        d = RULES[rule](cited, **facts)
    except ValidationError as exc:
        msg = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return page(request, "check.html", 422, error=msg, **ctx)
    except (regions.UnknownRegion, FactError, PolicyError, ValueError) as exc:
        return page(request, "check.html", 422, error=str(exc), **ctx)
    return page(
        request,
        "check.html",
        d=d.model_dump(),
        outcome_zh=OUTCOME_ZH.get(d.outcome, d.outcome),
        **ctx,
    )


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
