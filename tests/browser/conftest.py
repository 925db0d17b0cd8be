"""A live server on loopback and Debian's Chromium driven by Playwright (never a downloaded
browser). In CI (CI=true) a missing Chromium is a failure, not a skip."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parents[2] / "out" / "screenshots"
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app with demo data in a throwaway SQLite database, served by uvicorn in a thread."""
    import uvicorn

    from yibao.accounts.db import upgrade
    from yibao.accounts.service import Accounts
    from yibao.api.auth import KeyStore
    from yibao.api.demo import load_demo
    from yibao.asgi import create_app

    tmp = tmp_path_factory.mktemp("web")
    keys = KeyStore(tmp / "keys.json")
    staff_key = keys.add("测试经办员", "staff")
    url = f"sqlite:///{tmp / 'yibao.db'}"
    upgrade(url)
    accounts = Accounts(url)
    list(load_demo(accounts, keys))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(keys=keys, accounts=accounts), host="127.0.0.1", port=port,
                       log_level="warning")
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "staff_key": staff_key}
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run must install Debian's chromium")
        pytest.skip("Debian chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = ctx.new_page()
    yield pg
    ctx.close()
