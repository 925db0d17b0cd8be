"""报销计算器: estimate what the fund pays for a stay or a visit.

Two ways in: **总费用** (most people know only the total on the bill; the share of 乙类 and
自费 items is an assumption shown on the page, which the person can change, never a number
hidden here) and **费用明细** (for those who have the 结算单 with 甲/乙/丙 amounts).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from yibao.money import round_fen
from yibao.policy import regions
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.present import field_errors, parse_amount, parse_percent, plain_settlement_error
from yibao.settlement.codes import HOSP_LV, SETLINFO_LABELS
from yibao.settlement.engine import SettlementError, plan_for, settle
from yibao.settlement.model import Claim
from yibao.web.chart import money_chart
from yibao.web.pages import page

router = APIRouter(include_in_schema=False)

TITLE = "报销计算器"
MODES = {"total": "只知道总费用", "detail": "有费用明细（结算单）"}
MED_TYPES = (("21", "住院"), ("11", "普通门诊"), ("14", "门诊慢特病"))
LEVELS = tuple(sorted(HOSP_LV.items(), reverse=True))
DEFAULTS: dict[str, Any] = {
    "mode": "total",
    "region": "拉萨",
    "insutype": "310",
    "psn_type": "in_service",
    "hosp_lv": "3",
    "med_type": "21",
    "nth": "1",
    "total": "20000",
    # Assumptions of the total-cost mode, shown and editable: 0 % unless the person says more.
    "share_b": "0",
    "share_c": "0",
    "amt_a": "20000",
    "amt_b": "0",
    "amt_c": "0",
    "b_prop": "",
    "balance": "0",
    "date": "",
}
LABELS = {
    "region": "参保城市",
    "nth": "这是今年第几次住院",
    "total": "医疗费用总额",
    "share_b": "乙类费用约占",
    "share_c": "自费（丙类）约占",
    "amt_a": "甲类费用",
    "amt_b": "乙类费用",
    "amt_c": "丙类/自费费用",
    "b_prop": "乙类先行自付比例",
    "balance": "个人账户余额",
    "date": "出院（就诊）日期",
    "hosp_lv": "医院级别",
    "med_type": "就诊类型",
    "insutype": "险种",
    "psn_type": "人员类别",
}
ROWS = (  # result table: what a person wants to know, in Chinese only
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "preselfpay_amt",
    "inscp_scp_amt",
    "act_pay_dedc",
    "hifp_pay",
    "hifmi_pay",
    "hifob_pay",
    "fund_pay_sumamt",
    "psn_part_amt",
    "acct_pay",
    "psn_cash_pay",
)


class FieldProblem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _form_page(request: Request, f: dict[str, Any], status: int = 200, **ctx: Any) -> HTMLResponse:
    return page(
        request,
        "calc.html",
        status,
        title=TITLE,
        f=f,
        modes=MODES,
        med_types=MED_TYPES,
        levels=LEVELS,
        labels=LABELS,
        errors=ctx.pop("errors", {}),
        **ctx,
    )


@router.get("/calc", response_class=HTMLResponse)
def calc_form(request: Request, mode: str = "total"):
    f = {**DEFAULTS, "mode": mode if mode in MODES else "total"}
    return _form_page(request, f)


def _amount(f: dict[str, Any], key: str, *, blank_zero: bool = True) -> Decimal:
    text = str(f.get(key) or "").strip()
    if not text:
        if blank_zero:
            return Decimal(0)
        raise FieldProblem(key, f"请填写“{LABELS[key]}”")
    try:
        return parse_amount(text, LABELS[key])
    except ValueError as exc:
        raise FieldProblem(key, str(exc)) from None


def _percent(f: dict[str, Any], key: str) -> Decimal | None:
    text = str(f.get(key) or "").strip()
    if not text:
        return None
    try:
        return parse_percent(text, LABELS[key])
    except ValueError as exc:
        raise FieldProblem(key, str(exc)) from None


def _fee_amounts(f: dict[str, Any]) -> tuple[dict[str, Decimal], list[str]]:
    """甲/乙/丙 amounts and, in the total-cost mode, the assumptions stated to the person."""
    if f["mode"] == "detail":
        amounts = {k: _amount(f, k) for k in ("amt_a", "amt_b", "amt_c")}
        return amounts, []
    total = _amount(f, "total", blank_zero=False)
    share_b = _percent(f, "share_b") or Decimal(0)
    share_c = _percent(f, "share_c") or Decimal(0)
    if share_b + share_c > 1:
        raise FieldProblem("share_b", "乙类和自费所占比例加起来不能超过 100%")
    amt_c = round_fen(total * share_c)
    amt_b = round_fen(total * share_b)
    amounts = {"amt_a": total - amt_b - amt_c, "amt_b": amt_b, "amt_c": amt_c}
    said = [
        f"您填写的总费用 {total} 元中：甲类（目录内全额纳入报销）{amounts['amt_a']} 元、"
        f"乙类 {amt_b} 元（约 {share_b * 100:.0f}%）、自费（丙类）{amt_c} 元（约 {share_c * 100:.0f}%）。",
    ]
    if share_b == 0 and share_c == 0:
        said.append(
            "这是按“全部费用都在医保目录内”估算的，是最乐观的结果；实际账单中常有乙类"
            "和自费项目，报销会更少。知道大概比例时，请在“估算假设”中修改后重新计算。"
        )
    return amounts, said


def _claim(f: dict[str, Any]) -> tuple[Claim, regions.Region, list[str]]:
    try:
        reg = regions.get(str(f["region"]).strip())
    except regions.UnknownRegion as exc:
        raise FieldProblem("region", str(exc)) from None
    try:
        end = dt.date.fromisoformat(f["date"]) if f.get("date") else dt.date.today()
    except ValueError:
        raise FieldProblem("date", "“出院（就诊）日期”应为日期，如 2026-03-01") from None
    nth_text = str(f.get("nth") or "1").strip()
    if not nth_text.isdigit() or int(nth_text) < 1:
        raise FieldProblem("nth", "“这是今年第几次住院”请填 1、2、3 …（第一次住院填 1）")
    amounts, said = _fee_amounts(f)
    balance = _amount(f, "balance")
    b_prop = _percent(f, "b_prop")
    fees = [
        {
            "code": code,
            "name": name,
            "chrgitm_lv": lv,
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
        key = "total" if f["mode"] == "total" else "amt_a"
        raise FieldProblem(key, "请至少填写一项大于 0 的费用金额")
    claim = Claim.model_validate(
        {
            "person": {
                "psn_no": "WEB",
                "insutype": f["insutype"],
                "psn_type": f["psn_type"],
                "insuplc_admdvs": reg.admdvs,
            },
            "encounter": {
                "med_type": f["med_type"],
                "hosp_lv": int(f["hosp_lv"]),
                "mdtrtarea_admvs": reg.admdvs,
                "begndate": end,
                "enddate": end,
            },
            "fees": fees,
            "ytd": {
                "stays": int(nth_text) - 1 if f["med_type"] in ("21", "22") else 0,
                "acct_balance": balance,
            },
        }
    )
    return claim, reg, said


def band_lines(plan: Any, ytd_inscp: Decimal, dedc: Decimal, inscp: Decimal) -> list[str]:
    """When the fund pays by several bands, say which part of this bill fell in which band."""
    bands = list(plan.bands)
    if len(bands) < 2:
        return []
    lines = []
    lower = Decimal(0)
    lo, hi = ytd_inscp + dedc, ytd_inscp + inscp
    for band in bands:
        upper = band.upto
        rng = f"{lower:,.0f} 元以上" if upper is None else f"{lower:,.0f}–{upper:,.0f} 元"
        a, b = max(lo, lower), hi if upper is None else min(hi, upper)
        part = max(b - a, Decimal(0))
        rate = max(band.rate - plan.cut, Decimal(0))
        share = f"，本次有 {part} 元落在这一段" if part > 0 else ""
        lines.append(f"本年累计费用 {rng} 的部分，报销 {rate * 100:.0f}%{share}")
        if upper is None:
            break
        lower = upper
    return lines


@router.post("/calc", response_class=HTMLResponse)
async def calc(request: Request):
    posted = {k: str(v) for k, v in (await request.form()).items()}
    f = {**DEFAULTS, **posted}
    if "mode" not in posted and any(k.startswith("amt_") for k in posted):
        f["mode"] = "detail"  # a bill's 甲/乙/丙 amounts sent without saying the mode
    if f["mode"] not in MODES:
        f["mode"] = "total"
    region_label = str(f.get("region") or "")
    try:
        claim, reg, said = _claim(f)
        region_label = reg.name
        s = settle(claim)
        plan = plan_for(claim, default_policy().view(reg.admdvs, claim.encounter.enddate))
    except FieldProblem as exc:
        return _form_page(request, f, 422, error=str(exc), errors={exc.field: str(exc)})
    except ValidationError as exc:
        errs = field_errors(list(exc.errors()), labels=LABELS)
        return _form_page(request, f, 422, error="；".join(e["problem"] for e in errs))
    except (SettlementError, PolicyError) as exc:
        labels = {n: spec.label for n, spec in default_policy().catalogue.items()}
        msg = plain_settlement_error(str(exc), region_label, labels)
        errors = {"b_prop": msg} if "class_b_preselfpay_rate" in str(exc) else {}
        return _form_page(request, f, 422, error=msg, errors=errors)
    info = s.setlinfo.model_dump()
    return _form_page(
        request,
        f,
        s={
            "setlinfo": info,
            "trace": [t.model_dump() for t in s.trace],
            "warnings": s.warnings,
            "caveats": s.caveats,
        },
        s_region=reg.name,
        assumptions=said,
        bands=band_lines(plan, Decimal(0), info["act_pay_dedc"], info["inscp_scp_amt"]),
        chart=money_chart(info),
        rows=[(SETLINFO_LABELS[k], info[k]) for k in ROWS],
    )
