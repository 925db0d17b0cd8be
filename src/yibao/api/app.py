"""The HTTP API as a FastAPI application: ``create_api()``.

The API documentation (/docs, /redoc) is served from assets shipped in a package
(``fastapi-offline``: Swagger UI and ReDoc), so it works with no network at all.
The web pages are added by the composition root, :mod:`yibao.asgi`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from yibao import __version__
from yibao.api import limits, problems
from yibao.api.auth import KeyStore

DOCS_ASSETS = "/static-docs"


def create_api(keys: KeyStore | None = None, accounts: Any = None) -> FastAPI:
    from yibao.api import routes_accounts, routes_jobs, routes_platform, routes_public

    app = FastAPIOffline(
        title="yibao 医保规则即代码",
        version=__version__,
        description="按地区、按日期执行的基本医疗保险规则：政策参数及来源、规则判定、结算、账户、问答。",
        static_url=DOCS_ASSETS,
    )
    app.state.keys = keys or KeyStore()
    app.state.accounts = accounts
    problems.install(app)
    limits.install(app)
    app.include_router(routes_public.router)
    app.include_router(routes_accounts.router)
    app.include_router(routes_accounts.fhir_router)
    app.include_router(routes_platform.router)
    app.include_router(routes_jobs.router)
    return app
