"""The checkers: one form per rule, generated from the rule's input model (its JSON schema:
Chinese titles, descriptions, choices and their labels), answered with the rule's decision and
its sources. A fact left open that would sharpen the answer comes back as a follow-up question.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError

from yibao.policy import regions
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.present import (
    CHECK_MODELS,
    CHECK_RULES,
    CHECK_TITLES,
    field_errors,
    plain_policy_error,
)
from yibao.rules.common import FactError
from yibao.rules.decision import Cited
from yibao.web.pages import page

router = APIRouter(include_in_schema=False)

YES_NO = (("true", "是"), ("false", "否"))
TONE = {  # how the headline reads: good news (✔) or bad news (✘) for the person asking
    "allowed": "yes",
    "no_waiting": "yes",
    "from_birth": "yes",
    "direct_settlement": "yes",
    "qualifies": "yes",
    "not_needed": "yes",
    "not_listed": "yes",
    "not_allowed": "no",
    "waiting": "no",
    "short": "no",
    "excluded": "no",
    "from_later_date": "no",
}


def form_fields(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Widgets for a model's fields, from its JSON schema (so every face reads one source)."""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        variants = prop.get("anyOf", [prop])
        optional = any(v.get("type") == "null" for v in variants)
        real = [v for v in variants if v.get("type") != "null"] or [prop]
        v = {**real[0], **{k: val for k, val in prop.items() if k != "anyOf"}}
        types = {r.get("type") for r in real}
        fld: dict[str, Any] = {
            "name": name,
            "label": prop.get("title") if prop.get("title") != name.title() else None,
            "hint": prop.get("description") or "",
            "required": name in required,
            "optional": optional or name not in required,
            "nullable": optional,
            "default": prop.get("default"),
        }
        fld["label"] = fld["label"] or name
        enum = v.get("enum") or next((r.get("enum") for r in real if r.get("enum")), None)
        labels: dict[str, str] = v.get("x-labels") or next(
            (r["x-labels"] for r in real if r.get("x-labels")), {}
        )
        if enum:
            fld["kind"], fld["options"] = "select", [(c, labels.get(c, c)) for c in enum]
        elif "boolean" in types:
            fld["kind"], fld["options"] = "select", list(YES_NO)
        elif v.get("format") == "date" or any(r.get("format") == "date" for r in real):
            fld["kind"] = "date"
        elif types & {"integer", "number"}:
            fld["kind"] = "number"
        else:
            fld["kind"] = "text"
        if fld["kind"] == "select" and isinstance(fld["default"], bool):
            fld["default"] = "true" if fld["default"] else "false"
        out.append(fld)
    return out


def _spec(rule: str) -> dict[str, Any] | None:
    model = CHECK_MODELS.get(rule)
    if model is None:
        return None
    fields = form_fields(model)
    for f in fields:
        if f["name"] == "region":
            f["label"], f["hint"] = "参保地", "城市名称，如 拉萨、北京"
        elif f["name"] == "date":
            f["label"], f["hint"] = "判定日期", "按哪一天的政策判定，不填按今天"
    fields.sort(key=lambda f: f["name"] != "region")  # where first, then the rule's facts
    # asked first: where, what the rule needs, and the facts that always count (not nullable);
    # facts the rule can do without ("不知道可不填") wait under 更多情况
    main = [f for f in fields if f["name"] != "date" and (f["required"] or not f["nullable"])]
    more = [f for f in fields if f not in main]
    return {"rule": rule, "title": CHECK_TITLES.get(rule, rule), "main": main, "more": more}


@router.get("/check", response_class=HTMLResponse)
def check_index(request: Request):
    items = [(r, CHECK_TITLES.get(r, r)) for r in CHECK_RULES]
    return page(request, "checks.html", title="规则判定", items=items)


def _not_found(request: Request) -> HTMLResponse:
    items = [(r, CHECK_TITLES.get(r, r)) for r in CHECK_RULES]
    return page(
        request, "checks.html", 404, title="未找到", error="没有这个判定页面。", items=items
    )


@router.get("/check/{rule}", response_class=HTMLResponse)
def check_form(request: Request, rule: str):
    spec = _spec(rule)
    if spec is None:
        return _not_found(request)
    return page(
        request, "check.html", title=spec["title"], spec=spec, values={"region": "拉萨"}, errors={}
    )


@router.post("/check/{rule}", response_class=HTMLResponse)
async def check_post(request: Request, rule: str):
    spec = _spec(rule)
    if spec is None:
        return _not_found(request)
    values = {k: str(v).strip() for k, v in (await request.form()).items() if str(v).strip()}
    ctx: dict[str, Any] = {"title": spec["title"], "spec": spec, "values": values, "errors": {}}
    labels = {f["name"]: f["label"] for f in spec["main"] + spec["more"]}
    try:
        body = CHECK_MODELS[rule].model_validate(values)
        reg = regions.get(body.region)
        facts = body.model_dump(exclude={"region", "date"})
        cited = Cited(default_policy().view(reg.admdvs, body.date or dt.date.today()))
        d = CHECK_RULES[rule](cited, **facts)
    except ValidationError as exc:
        errs = field_errors(list(exc.errors()), labels=labels)
        ctx["errors"] = {e["field"].split(".")[0]: e["problem"] for e in errs}
        return page(request, "check.html", 422, error="；".join(ctx["errors"].values()), **ctx)
    except regions.UnknownRegion as exc:
        ctx["errors"] = {"region": str(exc)}
        return page(request, "check.html", 422, error=str(exc), **ctx)
    except FactError as exc:
        label = labels.get(exc.field, "")
        msg = f"“{label}”：{exc}" if label and label not in str(exc) else str(exc)
        ctx["errors"] = {exc.field: msg}
        return page(request, "check.html", 422, error=msg, **ctx)
    except (PolicyError, ValueError) as exc:
        return page(request, "check.html", 422, error=plain_policy_error(str(exc)), **ctx)
    follow = [f for f in spec["more"] if f["name"] not in values and f["name"] != "date"]
    return page(
        request,
        "check.html",
        d=d.model_dump(),
        outcome_zh=d.outcome_zh,
        tone=TONE.get(d.outcome, ""),
        follow=follow,
        **ctx,
    )
