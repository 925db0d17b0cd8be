"""The composition root: the one place that puts the faces together into an ASGI app.

``create_app()`` is the HTTP API (:mod:`yibao.api`) plus the web pages (:mod:`yibao.web`);
``yibao serve`` gets its application, database and demo data from :func:`prepare`.
Nothing imports this module except the CLI's ``serve`` and the tests.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from yibao import web
from yibao.api.app import create_api
from yibao.api.auth import KeyStore


def create_app(keys: KeyStore | None = None, accounts: Any = None) -> FastAPI:
    app = create_api(keys=keys, accounts=accounts)
    web.install(app)
    return app


def prepare(demo: bool = False) -> tuple[FastAPI, list[str]]:
    """Open (and migrate) the database, load the key store, optionally load the demo data;
    return the app and the lines to show the person starting the server."""
    from yibao.accounts.db import upgrade
    from yibao.accounts.service import Accounts

    url = upgrade()
    keys = KeyStore(demo=demo)  # demo keys are valid only while serving the demo
    accounts = Accounts()
    lines = [f"数据库：{url}"]
    if demo:
        from yibao.api.demo import load_demo

        lines.extend(load_demo(accounts, keys))
    return create_app(keys=keys, accounts=accounts), lines
