"""Shared FastAPI dependencies: the caller's principal, role checks, region and date parsing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Header, Request

from yibao.api.auth import PUBLIC, Principal, Role
from yibao.api.problems import Problem
from yibao.policy import regions


def principal(
    request: Request,
    x_api_key: Annotated[str | None, Header(description="API 密钥（医院或经办机构）")] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    token = x_api_key
    if token is None and authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    if token is None:
        token = request.cookies.get("yibao_key")
    if token is None:
        return PUBLIC
    who = request.app.state.keys.lookup(token)
    if who is None:
        raise Problem(401, "API 密钥无效", "请检查 X-API-Key")
    return who


Caller = Annotated[Principal, Depends(principal)]


def require(*roles: Role):
    """A dependency that admits only the given roles (401 for the public, 403 otherwise)."""

    def check(who: Caller) -> Principal:
        if who.role in roles:
            return who
        if who.role == "public":
            raise Problem(
                401, "需要登录", f"此操作需要{'或'.join(_ZH[r] for r in roles)}的 API 密钥"
            )
        raise Problem(403, "无权操作", f"{_ZH[who.role]}密钥不能执行此操作")

    return check


_ZH = {"public": "公众", "hospital": "定点医疗机构", "staff": "医保经办机构"}
Staff = Annotated[Principal, Depends(require("staff"))]
HospitalOrStaff = Annotated[Principal, Depends(require("hospital", "staff"))]


def region_code(value: str, field: str = "region") -> regions.Region:
    try:
        return regions.get(value)
    except regions.UnknownRegion as exc:
        raise Problem(
            422,
            "未知地区",
            str(exc),
            [{"field": field, "problem": str(exc)}],
            suggestions=[r.to_dict() for r in exc.suggestions],
        ) from None


def day_or_today(value: dt.date | None) -> dt.date:
    return value or dt.date.today()
