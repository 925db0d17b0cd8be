"""The Chinese web UI: 问答, 报销计算器, checkers, and the staff desk.

``install(app)`` adds the pages and their static files to an application; the composition
root (:mod:`yibao.asgi`) calls it.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter


def router() -> APIRouter:
    from yibao.web import calc, checks, coverage, desk, pages, routes

    r = APIRouter(include_in_schema=False)
    for module in (routes, calc, checks, coverage, desk, pages):
        r.include_router(module.router)
    return r


def install(app: Any) -> None:
    from fastapi.staticfiles import StaticFiles

    app.include_router(router())
    static = resources.files("yibao.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
