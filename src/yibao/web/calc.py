"""报销计算器: estimate what the fund pays for a stay or a visit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from yibao.policy import regions
from yibao.policy.schema import PolicyError
from yibao.settlement.codes import SETLINFO_LABELS
from yibao.settlement.engine import SettlementError, settle
from yibao.settlement.model import Claim
from yibao.web.chart import money_chart
from yibao.web.pages import page

router = APIRouter(include_in_schema=False)

# --- 报销计算器 -------------------------------------------------------------------------------------

CALC_DEFAULTS = {
    "region": "拉萨",
    "insutype": "310",
    "psn_type": "in_service",
    "hosp_lv": 3,
    "med_type": "21",
    "stays": 0,
    "amt_a": "20000",
    "amt_b": "0",
    "amt_c": "0",
    "balance": "0",
    "date": "",
}


@router.get("/calc", response_class=HTMLResponse)
def calc_form(request: Request):
    return page(request, "calc.html", title="报销计算器", f=CALC_DEFAULTS)


def _amount(form: dict[str, Any], key: str, label: str) -> Decimal:
    text = str(form.get(key) or "0").strip().replace(",", "")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}应为金额（元），收到“{text}”") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"{label}不能为负数")
    if d > Decimal("100000000"):
        raise ValueError(f"{label}超出范围")
    return d


@router.post("/calc", response_class=HTMLResponse)
async def calc(request: Request):
    form = {**CALC_DEFAULTS, **{k: v for k, v in (await request.form()).items()}}
    try:
        form["hosp_lv"] = int(form["hosp_lv"])
        form["stays"] = int(form["stays"] or 0)
        if form["stays"] < 0:
            raise ValueError("本年已住院次数不能为负数")
        reg = regions.get(str(form["region"]))
        end = dt.date.fromisoformat(form["date"]) if form["date"] else dt.date.today()
        amounts = {
            k: _amount(form, k, label)
            for k, label in (
                ("amt_a", "甲类费用"),
                ("amt_b", "乙类费用"),
                ("amt_c", "丙类费用"),
                ("balance", "个人账户余额"),
            )
        }
        b_prop = None
        if str(form.get("b_prop") or "").strip():
            b_prop = _amount(form, "b_prop", "乙类先行自付比例") / 100
            if b_prop > 1:
                raise ValueError("乙类先行自付比例应在0到100之间")
        fees = [
            {
                "code": code,
                "name": name,
                "chrg_item_lv": lv,
                "amount": amounts[key],
                **({"selfpay_prop": b_prop} if lv == "02" and b_prop is not None else {}),
            }
            for key, code, name, lv in (
                ("amt_a", "A", "甲类费用", "01"),
                ("amt_b", "B", "乙类费用", "02"),
                ("amt_c", "C", "丙类费用", "03"),
            )
            if amounts[key] > 0
        ]
        if not fees:
            raise ValueError("请至少填写一项费用金额")
        claim = Claim.model_validate(
            {
                "person": {
                    "psn_no": "WEB",
                    "insutype": form["insutype"],
                    "psn_type": form["psn_type"],
                    "insuplc_admdvs": reg.admdvs,
                },
                "encounter": {
                    "med_type": form["med_type"],
                    "hosp_lv": form["hosp_lv"],
                    "mdtrtarea_admvs": reg.admdvs,
                    "begndate": end,
                    "enddate": end,
                },
                "fees": fees,
                "ytd": {"stays": form["stays"], "acct_balance": amounts["balance"]},
            }
        )
        s = settle(claim)
    except regions.UnknownRegion as exc:
        return page(request, "calc.html", 422, title="报销计算器", f=form, error=str(exc))
    except ValidationError as exc:
        msg = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return page(request, "calc.html", 422, title="报销计算器", f=form, error=msg)
    except (ValueError, SettlementError, PolicyError) as exc:
        return page(request, "calc.html", 422, title="报销计算器", f=form, error=str(exc))
    info = s.setlinfo.model_dump()
    return page(
        request,
        "calc.html",
        title="报销计算器",
        f=form,
        s={
            "setlinfo": info,
            "trace": [t.model_dump() for t in s.trace],
            "warnings": s.warnings,
            "caveats": s.caveats,
        },
        s_region=reg.name,
        chart=money_chart(info),
        labels=list(SETLINFO_LABELS.items()),
    )
