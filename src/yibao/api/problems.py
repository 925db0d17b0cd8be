"""Errors as RFC 9457 ``application/problem+json`` with every invalid field named (the problem
itself is defined in :mod:`yibao.present`; this module answers it over HTTP)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from yibao.policy.regions import UnknownRegion
from yibao.policy.schema import PolicyError
from yibao.present import PROBLEM_TYPE, Problem, field_errors, problem_body

__all__ = ["Problem", "field_errors", "install", "problem_response"]


def problem_response(
    status: int, title: str, detail: str = "", errors=None, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, title, detail, errors, **extra),
        status_code=status,
        media_type=PROBLEM_TYPE,
    )


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
