"""``yibao serve``: the HTTP API and the Chinese web UI (uvicorn)."""

from __future__ import annotations

import typer

from yibao.cli.app import app, console


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="端口"),
    demo: bool = typer.Option(False, "--demo", help="载入演示数据（几位参保人、账户和家庭共济绑定）"),
):
    """启动网页与 HTTP API（默认嵌入式 SQLite；YIBAO_DATABASE_URL 可指定 PostgreSQL）。"""
    import uvicorn

    from yibao.api.app import create_app
    from yibao.api.auth import KeyStore

    keys = KeyStore()
    accounts = None
    try:
        from yibao.accounts.service import Accounts

        accounts = Accounts()
        accounts.upgrade() if hasattr(accounts, "upgrade") else None
    except ImportError:  # pragma: no cover - accounts layer not installed
        pass
    if demo and accounts is not None:
        from yibao.api.demo import load_demo

        for line in load_demo(accounts, keys):
            console.print(line)
    console.print(f"[bold green]yibao 已启动：http://{host}:{port}/[/]  （API 文档 /docs）")
    uvicorn.run(create_app(keys=keys, accounts=accounts), host=host, port=port, log_level="warning")
