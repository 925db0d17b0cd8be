"""Read-only operations anyone may call: regions, policy, comparison, checks, pre-settlement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from yibao.api.deps import day_or_today, region_code
from yibao.jsonout import json_response_class
from yibao.policy import regions
from yibao.policy.resolve import default_policy
from yibao.present import CHECK_MODELS as MODELS
from yibao.present import CHECK_RULES as RULES
from yibao.present import Problem, field_errors, settlement_output
from yibao.rules.common import FactError
from yibao.rules.compare import compare
from yibao.rules.decision import Cited, Decision
from yibao.settlement.engine import SettlementError, settle
from yibao.settlement.model import Claim

Exact = json_response_class()
router = APIRouter(prefix="/api", default_response_class=Exact)


@router.get("/regions", tags=["policy"], summary="查找地区")
def find_regions(q: str = Query(..., min_length=1, description="名称、简称或代码")):
    return Exact([r.to_dict() for r in regions.find(q)])


@router.get("/policy", tags=["policy"], summary="某地区某日的政策参数及来源")
def policy(
    region: str,
    date: dt.date | None = None,
    group: str | None = None,
) -> dict[str, Any]:
    reg = region_code(region)
    pol = default_policy()
    names = [n for n, s in pol.catalogue.items() if group is None or s.group == group]
    if group is not None and not names:
        raise Problem(
            422, "未知参数组", errors=[{"field": "group", "problem": f"未知参数组 {group}"}]
        )
    view = pol.view(reg.admdvs, day_or_today(date))
    return Exact(
        {
            "region": {"name": reg.name, "admdvs": reg.admdvs},
            "date": view.day,
            "local_pack": view.has_local_pack,
            "parameters": [
                {**r.cite(), "label": pol.catalogue[r.name].label} for r in view.all(names)
            ],
        }
    )


@router.get("/compare", tags=["policy"], summary="职工医保与居民医保对比")
def compare_schemes(region: str, date: dt.date | None = None) -> dict[str, Any]:
    reg = region_code(region)
    view = default_policy().view(reg.admdvs, day_or_today(date))
    return Exact(
        {
            "region": {"name": reg.name, "admdvs": reg.admdvs},
            "date": view.day,
            "local_pack": view.has_local_pack,
            "rows": [r.to_dict() for r in compare(view)],
        }
    )


def run_check(rule: str, body: Any) -> Decision:
    reg = region_code(body.region)
    facts = body.model_dump(exclude={"region", "date"})
    if facts.get("to_admdvs"):
        facts["to_admdvs"] = region_code(facts["to_admdvs"], "to_admdvs").admdvs
    cited = Cited(default_policy().view(reg.admdvs, day_or_today(body.date)))
    try:
        return RULES[rule](cited, **facts)
    except FactError as exc:
        raise Problem(
            422, "事实有误", str(exc), [{"field": exc.field, "problem": str(exc)}]
        ) from None


def _register_check(rule: str) -> None:
    model = MODELS[rule]

    def endpoint(body):
        return Exact(run_check(rule, body).model_dump())

    endpoint.__annotations__ = {"body": model, "return": dict[str, Any]}
    endpoint.__name__ = f"check_{rule.replace('-', '_')}"
    router.add_api_route(
        f"/checks/{rule}",
        endpoint,
        methods=["POST"],
        tags=["checks"],
        summary=f"规则判定：{rule}",
    )


for _rule in RULES:
    _register_check(_rule)


settlement_body = settlement_output  # the one output shape (yibao.present)


def presettle_claim(claim: Claim) -> dict[str, Any]:
    try:
        return settlement_body(settle(claim))
    except SettlementError as exc:
        raise Problem(422, "无法结算", str(exc)) from None


@router.post("/presettle", tags=["settlement"], summary="预结算（不记账，公众可用的报销计算器）")
def presettle(claim: Claim) -> dict[str, Any]:
    return Exact(presettle_claim(claim))


class AskBody(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    region: str | None = None
    date: dt.date | None = None
    conversation: str | None = Field(
        None,
        max_length=4000,
        description="上一个回答的 conversation：本问题接着上一个问题（例如只回答“退休”“三级医院，花了2万”）",
    )


@router.post("/ask", tags=["ask"], summary="用中文提问，得到计算出的、有出处的回答")
def ask(body: AskBody) -> dict[str, Any]:
    from yibao.qa.answer import ConversationError
    from yibao.qa.answer import ask as answer

    if body.region is not None:
        region_code(body.region)
    try:
        result = answer(
            body.question, region=body.region, date=body.date, conversation_token=body.conversation
        )
    except ConversationError as exc:
        raise Problem(
            422, "对话标识无效", str(exc), [{"field": "conversation", "problem": str(exc)}]
        ) from None
    return Exact(result)


__all__ = ["field_errors", "router"]
