"""The checkers: one form per rule, answered with the rule's decision and its sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from yibao.policy import regions
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.present import CHECK_MODELS as MODELS
from yibao.present import CHECK_RULES as RULES
from yibao.rules.common import FactError
from yibao.rules.decision import Cited
from yibao.web.pages import page

router = APIRouter(include_in_schema=False)

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
        outcome_zh=d.outcome_zh,
        **ctx,
    )
