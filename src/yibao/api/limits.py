"""Limits the API enforces before any handler runs (ASGI middleware), and 503 for a database
that is unavailable.

* **Body size** — checked before parsing: a declared ``Content-Length`` over the limit is
  answered 413 at once; a chunked body is counted as it arrives and cut off at the limit.
  JSON bodies get ``JSON_LIMIT``, the job upload ``UPLOAD_LIMIT``.
* **Key before body** — a route that needs a key answers 401 before reading the body when the
  request names no key or an unknown one (an anonymous caller cannot make the server spool or
  parse anything).
* **Database slots** — routes that use the database run at most ``DB_SLOTS`` at a time, so a
  stalled database cannot take every worker thread: the public calculators keep answering.
  A request that waits ``DB_WAIT`` seconds for a slot gets 503 with ``Retry-After``.
* **503** — a database that refuses connections, times out or has gone away is a 503 problem
  with ``Retry-After``, never a 500 with the driver's message.
"""

from __future__ import annotations

import anyio
from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yibao.api.problems import problem_response

JSON_LIMIT = 1024 * 1024  # 1 MB: a claim of thousands of fee lines
UPLOAD_LIMIT = 21 * 1024 * 1024  # the 20 MB job file and its form fields
DB_SLOTS = 12  # of AnyIO's 40 worker threads (and within the pool's 10 + 5 connections)
DB_WAIT = 10.0  # seconds
RETRY_AFTER = "5"
KEYED = ("/api/accounts", "/api/settlements", "/api/jobs", "/platform/", "/settlements/")


def _limit(path: str) -> int:
    return UPLOAD_LIMIT if path.startswith("/api/jobs") else JSON_LIMIT


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


def _token(scope: Scope) -> str | None:
    if key := _header(scope, b"x-api-key"):
        return key
    auth = _header(scope, b"authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    for part in (_header(scope, b"cookie") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "yibao_key" and value:
            return value
    return None


class Guard:
    """The middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = _limit(path)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._problem(scope, receive, send, 413, "请求体过大", _too_large(limit))
            return
        keyed = path.startswith(KEYED)
        if keyed:
            token = _token(scope)
            keys = scope["app"].state.keys
            if token is None:
                await self._problem(scope, receive, send, 401, "需要登录", "此操作需要 API 密钥")
                return
            if keys.lookup(token) is None:
                await self._problem(scope, receive, send, 401, "API 密钥无效", "请检查 X-API-Key")
                return
        receive = _counted(receive, limit)
        if not keyed:
            await self.app(scope, receive, send)
            return
        if self.slots is None:
            self.slots = anyio.Semaphore(DB_SLOTS)
        acquired = False
        with anyio.move_on_after(DB_WAIT):
            await self.slots.acquire()
            acquired = True
        if not acquired:
            await self._problem(
                scope, receive, send, 503, "服务繁忙", "数据库暂时无法处理更多请求，请稍后重试"
            )
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()

    async def _problem(self, scope, receive, send, status: int, title: str, detail: str) -> None:
        headers = {"Retry-After": RETRY_AFTER} if status == 503 else {}
        response = problem_response(status, title, detail)
        response.headers.update(headers)
        if status == 413:
            response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _too_large(limit: int) -> str:
    return f"请求体不能超过 {limit // (1024 * 1024)} MB"


def _counted(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, "请求体过大：" + _too_large(limit))
        return message

    return wrapped


def install(app: FastAPI) -> None:
    app.add_middleware(Guard)

    async def _unavailable(request: Request, exc: Exception):
        response = problem_response(503, "数据库暂时不可用", "请稍后重试")
        response.headers["Retry-After"] = RETRY_AFTER
        return response

    from sqlalchemy import exc as sa_exc

    for cls in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.add_exception_handler(cls, _unavailable)
    try:
        import psycopg

        app.add_exception_handler(psycopg.OperationalError, _unavailable)
        app.add_exception_handler(psycopg.InterfaceError, _unavailable)
    except ImportError:  # pragma: no cover
        pass
