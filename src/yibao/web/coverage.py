"""数据来源与覆盖: how far each region's figures can be trusted (``policy.audit`` as a page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yibao.policy import audit
from yibao.policy.resolve import NATIONAL, default_policy
from yibao.web.pages import page

router = APIRouter(include_in_schema=False)


def coverage_rows(day: dt.date) -> list[dict[str, Any]]:
    """One row per region with a pack: its place name, audit and missing figures as labels."""
    policy = default_policy()
    rows = []
    for a in audit.audit(policy, day):
        place = a.name
        if a.admdvs == NATIONAL:
            place = "全国（未收录地方政策的地区按此计算）"
        missing = {
            s: {c: [policy.catalogue[n].label for n in names] for c, names in by_claim.items()}
            for s, by_claim in a.missing.items()
        }
        rows.append({"place": place, "audit": a, "missing": missing})
    return rows


@router.get("/coverage", response_class=HTMLResponse)
def coverage(request: Request):
    day = dt.date.today()
    return page(
        request,
        "coverage.html",
        title="数据来源与覆盖",
        day=day,
        rows=coverage_rows(day),
        schemes=audit.SCHEMES,
        claims=audit.CLAIMS,
    )
