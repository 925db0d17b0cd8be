"""The HTTP API as a FastAPI application: ``create_api()``.

The API documentation (/docs, /redoc) is served from assets shipped in a package
(``fastapi-offline``: Swagger UI and ReDoc), so it works with no network at all; a
Content-Security-Policy on the two pages keeps the viewers from reaching any other host (ReDoc
would otherwise fetch its logo from its vendor). The web pages are added by the composition
root, :mod:`yibao.asgi`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from yibao import __version__
from yibao.api import limits, problems
from yibao.api.auth import KeyStore

DOCS_ASSETS = "/static-docs"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
# Only this site: scripts, styles, images, fonts and workers (ReDoc's search) from here.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def _local(html: HTMLResponse) -> HTMLResponse:
    html.headers["Content-Security-Policy"] = DOCS_CSP
    return html


def add_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc (ReDoc) from the packaged assets."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(ASSETS_DIR)), name="docs-assets")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return _local(
            get_swagger_ui_html(
                openapi_url="/openapi.json",
                title=f"{title} · API 文档",
                swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _local(
            get_redoc_html(
                openapi_url="/openapi.json",
                title=f"{title} · API 文档",
                redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png",
                with_google_fonts=False,
            )
        )


def create_api(keys: KeyStore | None = None, accounts: Any = None) -> FastAPI:
    from yibao.api import routes_accounts, routes_jobs, routes_platform, routes_public

    app = FastAPI(
        title="yibao 医保规则即代码",
        version=__version__,
        description="按地区、按日期执行的基本医疗保险规则：政策参数及来源、规则判定、结算、账户、问答。",
        docs_url=None,
        redoc_url=None,
    )
    add_docs(app)
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
