"""``yibao serve``: the HTTP API and the Chinese web UI (uvicorn)."""

from __future__ import annotations

import logging

import typer

from yibao.cli.app import app, console, fail
from yibao.present import mask_id


class MaskIds(logging.Filter):
    """Mask 18-character ID numbers in every log line (access logs included), in its message,
    its arguments, and its traceback: SQLAlchemy puts bound parameters in exception messages
    and PostgreSQL the offending key (``DETAIL: Key (id_no)=(…)``)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_id(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {k: _masked_arg(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_masked_arg(a) for a in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id(record.stack_info)
        return True


def _masked_arg(a: object) -> object:
    return a if isinstance(a, int | float) else mask_id(str(a))


def mask_logs() -> None:
    """Log to stderr through one handler that masks ID numbers in every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskIds())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="端口", min=1, max=65535),
    demo: bool = typer.Option(
        False, "--demo", help="载入演示数据（几位参保人、账户和家庭共济绑定）"
    ),
):
    """启动网页与 HTTP API（默认嵌入式 SQLite；YIBAO_DATABASE_URL 可指定 PostgreSQL）。"""
    import uvicorn

    from yibao.asgi import prepare

    try:
        application, lines = prepare(demo=demo)
    except Exception as exc:
        fail(f"无法打开或迁移数据库：{exc}")
    for line in lines:
        console.print(line, soft_wrap=True)  # keys stay on one line, copyable
    mask_logs()
    console.print(f"[bold green]yibao 已启动：http://{host}:{port}/[/]  （API 文档：/docs）")
    uvicorn.run(application, host=host, port=port, log_level="info", log_config=None)
