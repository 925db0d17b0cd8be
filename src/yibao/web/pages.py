"""What every page shares: the templates, the page renderer and the small text helpers."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from yibao.policy import regions
from yibao.policy.display import yuan
from yibao.present import hotline
from yibao.rules.family_aid import RELATIONS

templates = Jinja2Templates(directory=str(resources.files("yibao.web") / "templates"))


def cite(b: dict[str, Any]) -> str:
    s = b.get("source") or {}
    parts = [b.get("pack_name", ""), s.get("title", "")]
    if s.get("doc_no"):
        parts.append(f"（{s['doc_no']}）")
    parts.append(s.get("article", ""))
    text = " ".join(p for p in parts if p)
    if s.get("confidence") == "secondary":
        text += "〔二手来源〕"
    if b.get("derived"):
        text += "〔推算〕"
    if b.get("disputed"):
        text += "〔有争议〕"
    return text


def region_name(admdvs: str) -> str:
    try:
        return regions.get(admdvs).name
    except regions.UnknownRegion:
        return admdvs


templates.env.globals.update(
    cite=cite, yuan=yuan, region_name=region_name, relation_zh=RELATIONS, hotline=hotline
)


def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=status)


# --- large-font mode: a cookie, no script -------------------------------------------------------

router = APIRouter(include_in_schema=False)


@router.post("/font")
async def font(request: Request):
    form = await request.form()
    size = "large" if form.get("size") == "large" else "normal"
    target = str(form.get("next") or "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"  # only pages of this site
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie("yibao_font", size, max_age=365 * 24 * 3600, samesite="lax")
    return resp
