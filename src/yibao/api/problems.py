"""Errors as RFC 9457 ``application/problem+json`` with every invalid field named."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from yibao.policy.regions import UnknownRegion
from yibao.policy.schema import PolicyError

PROBLEM = "application/problem+json"


class Problem(Exception):
    """An error to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[dict[str, str]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors = errors or []
        self.extra = extra


def problem_response(
    status: int, title: str, detail: str = "", errors=None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def field_errors(errors: list[dict[str, Any]], drop_first: bool = False) -> list[dict[str, str]]:
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))
        if drop_first and loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:]
        out.append(
            {
                "field": ".".join(str(p) for p in loc) or "(body)",
                "problem": str(e.get("msg", "")).removeprefix("Value error, "),
            }
        )
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem):
        return problem_response(exc.status, exc.title, exc.detail, exc.errors, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError):
        errors = field_errors(list(exc.errors()), drop_first=True)
        return problem_response(422, "请求数据有误", f"{len(errors)} 处问题", errors)

    @app.exception_handler(UnknownRegion)
    async def _region(_: Request, exc: UnknownRegion):
        return problem_response(
            422,
            "未知地区",
            str(exc),
            [{"field": "region", "problem": str(exc)}],
            suggestions=[r.to_dict() for r in exc.suggestions],
        )

    @app.exception_handler(PolicyError)
    async def _policy(_: Request, exc: PolicyError):
        return problem_response(422, "政策包缺少所需参数", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException):
        return problem_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception):  # pragma: no cover - last resort
        return problem_response(500, "服务器内部错误", type(exc).__name__)
