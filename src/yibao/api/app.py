"""The FastAPI application: ``create_app()``; ``yibao serve`` runs it with uvicorn."""

from __future__ import annotations

from fastapi import FastAPI

from yibao import __version__
from yibao.api import problems
from yibao.api.auth import KeyStore


def create_app(keys: KeyStore | None = None, accounts=None) -> FastAPI:
    app = FastAPI(
        title="yibao 医保规则即代码",
        version=__version__,
        description="按地区、按日期执行的基本医疗保险规则：政策参数及来源、规则判定、结算、账户、问答。",
    )
    app.state.keys = keys or KeyStore()
    app.state.accounts = accounts
    problems.install(app)
    from importlib import resources

    from fastapi.staticfiles import StaticFiles

    from yibao.api import routes_accounts, routes_jobs, routes_platform, routes_public
    from yibao.web import routes as web

    app.include_router(routes_public.router)
    app.include_router(routes_accounts.router)
    app.include_router(routes_accounts.fhir_router)
    app.include_router(routes_platform.router)
    app.include_router(routes_jobs.router)
    app.include_router(web.router)
    static = resources.files("yibao.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app
