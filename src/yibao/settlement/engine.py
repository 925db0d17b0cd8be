"""The scalar settlement engine: ``settle(claim, policy) → Settlement``, pure and traced.

Steps (DESIGN.md, "Settlement"), each adding a trace entry with the pack entries it used:

1. ``fees``       fee lines → 全自费, 超限价自费, 乙类先行自付, 政策范围内
2. ``deductible`` 起付线 by medical type, hospital level, nth stay, what is left this year
3. ``pool``       统筹基金 by banded ratios (person group × level), less the off-site reduction
4. ``cap``        the pooled fund's annual cap (and outpatient/chronic caps)
5. ``second``     大病保险 (residents) / 职工大额医疗费用补助 (employees) on the year's in-scope
                  self-pay above the threshold; 医疗救助 is not modelled (``maf_pay`` = 0)
6. ``account``    personal account, then a bound relative's account (家庭共济)
7. ``cash``       the rest is paid in cash

The policy is the insured region's (参保地政策) on the encounter's end date. ``presettle`` is
the same computation (nothing is ever committed here; the accounts layer commits ``settle``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from yibao.money import ZERO, round_fen
from yibao.policy import regions
from yibao.policy.resolve import Policy, PolicyView, Resolved, default_policy
from yibao.policy.schema import Band, PolicyError
from yibao.rules import offsite
from yibao.settlement.bands import banded_pay, first_rate
from yibao.settlement.codes import EMPLOYEE, FUND_PAY_TYPE, HOSP_LV, MED_TYPE, OFFSITE_FILING
from yibao.settlement.model import (
    Claim,
    SetlDetail,
    SetlInfo,
    Settlement,
    TraceStep,
    Ytd,
)

LEVEL_NAME = {str(k): v for k, v in HOSP_LV.items()}
RATIO_4 = Decimal("0.0001")


class SettlementError(ValueError):
    """The claim cannot be settled under the packs (e.g. a level the region has no ratio for)."""


@dataclass
class _Ctx:
    claim: Claim
    view: PolicyView
    trace_on: bool
    prefix: str  # "employee" | "resident"
    trace: list[TraceStep] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> Resolved:
        try:
            return self.view.get(name)
        except PolicyError as exc:
            raise SettlementError(str(exc)) from None

    def optional(self, name: str) -> Resolved | None:
        return self.view.optional(name)

    def add(self, step: str, title: str, detail: str, used: list[Resolved | None], **amounts):
        if self.trace_on:
            self.trace.append(
                TraceStep(
                    step=step,
                    title=title,
                    detail=detail,
                    amounts=amounts,
                    basis=[r.cite() for r in used if r is not None],
                )
            )


def _person_key(claim: Claim) -> tuple[str, ...]:
    """Keys to look up in ratio tables and by-key amounts, most specific first."""
    p = claim.person
    if p.insutype == EMPLOYEE:
        return (p.psn_type,)
    return (p.resident_group, "all") if p.resident_group != "all" else ("all",)


def _pick(table: dict[str, Any], keys: tuple[str, ...], what: str) -> Any:
    for k in keys:
        if k in table:
            return table[k]
    raise SettlementError(f"政策包未收录{what}（{'/'.join(keys)}）")


def _bands_for(ctx: _Ctx, name: str, what: str) -> tuple[list[Band], Resolved]:
    r = ctx.get(name)
    by_level = _pick(r.value, _person_key(ctx.claim), what)
    level = str(ctx.claim.encounter.hosp_lv)
    if level not in by_level:
        raise SettlementError(
            f"{r.pack_name}政策包未收录{LEVEL_NAME[level]}医疗机构的{what}（{name}）"
        )
    return by_level[level], r


# --- step 1: fee lines --------------------------------------------------------------------------


def _fees(ctx: _Ctx) -> dict[str, Decimal]:
    claim = ctx.claim
    total = fulamt = overlmt = preself = inscp = ZERO
    excluded: list[str] = []
    designated = claim.encounter.designated
    pre_rate_r = ctx.optional("common.items.class_b_preselfpay_rate")
    excl_r = ctx.optional("common.coverage.excluded_items")
    excl = {i.code: i for i in excl_r.value} if excl_r else {}
    excl_names = {i.name: i for i in excl_r.value} if excl_r else {}
    for line in claim.fees:
        amount = line.amount
        total += amount
        item = excl.get(line.code) or (excl_names.get(line.name) if line.name else None)
        if not designated or line.chrg_item_lv == "03" or item is not None:
            fulamt += amount
            if item is not None:
                excluded.append(f"{line.name or line.code}（{item.reason}）")
            continue
        if line.price_limit is not None:
            over = max(ZERO, amount - round_fen(line.price_limit * line.quantity))
            overlmt += over
            amount -= over
        if line.chrg_item_lv == "02":
            if line.selfpay_prop is not None:
                rate = line.selfpay_prop
            elif pre_rate_r is not None:
                rate = pre_rate_r.value
            else:
                raise SettlementError(
                    "政策包未收录乙类先行自付比例（common.items.class_b_preselfpay_rate），"
                    f"请在费用明细 {line.code} 中给出 selfpay_prop"
                )
            pre = round_fen(amount * rate)
            preself += pre
            amount -= pre
        inscp += amount
    if ctx.trace_on:
        why = "非定点医疗机构，费用全部自费；" if not designated else ""
        if excluded:
            why += "不予支付项目：" + "、".join(excluded) + "；"
        ctx.add(
            "fees",
            "费用分类",
            why + "丙类全自费，超过限价部分自费，乙类先行自付后其余进入政策范围。",
            [pre_rate_r, excl_r],
            medfee_sumamt=total,
            fulamt_ownpay_amt=fulamt,
            overlmt_selfpay=overlmt,
            preselfpay_amt=preself,
            inscp_scp_amt=inscp,
        )
    return {
        "medfee_sumamt": total,
        "fulamt_ownpay_amt": fulamt,
        "overlmt_selfpay": overlmt,
        "preselfpay_amt": preself,
        "inscp_scp_amt": inscp,
    }


# --- step 2: deductible -------------------------------------------------------------------------


def _deductible(ctx: _Ctx, inscp: Decimal) -> Decimal:
    claim, cat = ctx.claim, ctx.claim.encounter.category
    ytd = claim.ytd
    if cat == "inpatient":
        name = f"{ctx.prefix}.inpatient.deductible"
        r = None
        if claim.person.psn_type == "retired" and ctx.prefix == "employee":
            r = ctx.optional("employee.inpatient.deductible_retired")
        r = r or ctx.get(name)
        level = str(claim.encounter.hosp_lv)
        if level not in r.value:
            raise SettlementError(
                f"{r.pack_name}政策包未收录{LEVEL_NAME[level]}医疗机构的住院起付线（{r.name}）"
            )
        schedule = r.value[level]
        nth = ytd.stays + 1
        line = schedule[min(ytd.stays, len(schedule) - 1)]
        annual = ctx.optional(f"{ctx.prefix}.inpatient.deductible_is_annual")
        if annual is not None and annual.value:
            left = max(ZERO, line - ytd.ip_dedc)
            detail = f"{LEVEL_NAME[level]}医疗机构住院起付标准{line}元/年，本年已付{ytd.ip_dedc}元"
            ctx.add("deductible", "起付线按年度计算", "一年只付一次起付线", [annual])
        else:
            left = line
            detail = f"{LEVEL_NAME[level]}医疗机构年内第{nth}次住院，起付线{line}元"
    elif cat == "outpatient":
        r = ctx.get(f"{ctx.prefix}.outpatient.deductible")
        line = _pick(r.value, _person_key(claim), "门诊统筹起付标准")
        left = max(ZERO, line - ytd.op_dedc)
        detail = f"门诊统筹年度起付标准{line}元，本年已付{ytd.op_dedc}元"
    else:
        r = ctx.get(f"{ctx.prefix}.chronic.deductible")
        line = r.value
        left = max(ZERO, line - ytd.mm_dedc)
        detail = f"门诊慢特病年度起付标准{line}元，本年已付{ytd.mm_dedc}元"
    dedc = min(left, inscp)
    ctx.add("deductible", "起付线", detail, [r], act_pay_dedc=dedc)
    return dedc


# --- steps 3-4: pooled fund and its cap ---------------------------------------------------------


def _offsite(ctx: _Ctx) -> tuple[str, Decimal, Resolved | None]:
    enc, person = ctx.claim.encounter, ctx.claim.person
    same_province = (
        regions.province_of(enc.mdtrtarea_admvs).admdvs
        == regions.province_of(person.insuplc_admdvs).admdvs
    )
    if same_province:
        return "none", ZERO, None
    filing = "unfiled" if enc.offsite_filing == "none" else enc.offsite_filing
    try:
        cut = offsite.ratio_reduction(ctx.view, filing)
    except PolicyError:
        ctx.warnings.append(
            f"政策包未收录{OFFSITE_FILING[filing]}的支付比例降幅，本次按参保地比例计算，实际可能更低"
        )
        return filing, ZERO, ctx.optional("common.offsite.ratio_reduction")
    return filing, cut, ctx.optional("common.offsite.ratio_reduction")


def _pool(ctx: _Ctx, inscp: Decimal, dedc: Decimal) -> tuple[Decimal, Decimal]:
    claim, cat = ctx.claim, ctx.claim.encounter.category
    ytd = claim.ytd
    what = {
        "inpatient": "住院统筹支付比例",
        "outpatient": "门诊统筹支付比例",
        "chronic": "门诊慢特病支付比例",
    }[cat]
    bands, r = _bands_for(ctx, f"{ctx.prefix}.{cat}.fund_ratio", what)
    start = {"inpatient": ytd.ip_inscp, "outpatient": ytd.op_inscp, "chronic": ytd.mm_inscp}[cat]
    filing, cut, off_r = _offsite(ctx)
    lo, hi = start + dedc, start + inscp
    raw = banded_pay(bands, lo, hi, cut)
    if ctx.trace_on:
        rate = first_rate(bands, lo)
        off = ""
        if filing != "none":
            off = f"；跨省就医（{OFFSITE_FILING[filing]}），支付比例降低{cut * 100:.0f}个百分点"
        ctx.add(
            "pool",
            "统筹基金按比例支付",
            f"政策范围内{inscp}元减起付线{dedc}元，按{rate * 100:.0f}%（分段时按本年累计所在段）"
            f"支付{off}",
            [r, off_r],
            pool_base=hi - lo,
            hifp_before_cap=raw,
        )
    # caps
    room, used = _cap_room(ctx, cat)
    hifp = raw if room is None else min(raw, room)
    ctx.add(
        "cap",
        "年度最高支付限额",
        ("未收录年度限额，未封顶" if room is None else f"本年剩余可支付额度{room}元")
        + ("，已封顶" if hifp < raw else ""),
        used,
        hifp_pay=hifp,
    )
    return hifp, hi - lo


def _cap_room(ctx: _Ctx, cat: str) -> tuple[Decimal | None, list[Resolved | None]]:
    """What the pooled fund may still pay this year (None: no cap recorded, with a warning)."""
    ytd = ctx.claim.ytd
    rooms: list[Decimal] = []
    used: list[Resolved | None] = []
    if cat == "outpatient":
        cap_r = ctx.optional(f"{ctx.prefix}.outpatient.annual_cap")
        if cap_r is not None:
            cap = _pick(cap_r.value, _person_key(ctx.claim), "门诊统筹年度限额")
            rooms.append(max(ZERO, cap - ytd.op_hifp))
    else:
        cap_r = ctx.optional(f"{ctx.prefix}.inpatient.annual_cap")
        if cap_r is not None:
            rooms.append(max(ZERO, cap_r.value - ytd.hifp_paid))
        if cat == "chronic":
            own = ctx.optional(f"{ctx.prefix}.chronic.annual_cap")
            if own is not None:
                rooms.append(max(ZERO, own.value - ytd.mm_hifp))
                used.append(own)
    used.append(cap_r)
    if cap_r is None:
        what = "门诊统筹年度限额" if cat == "outpatient" else "统筹基金年度最高支付限额"
        ctx.warnings.append(f"政策包未收录{what}，本次结算未按限额封顶")
    return (min(rooms) if rooms else None), used


# --- step 5: second layer ----------------------------------------------------------------------


def _second(ctx: _Ctx, selfpay: Decimal) -> tuple[Decimal, Decimal]:
    """(hifmi_pay, hifob_pay) on this claim's in-scope self-pay added to the year's base."""
    claim = ctx.claim
    if claim.encounter.category == "outpatient" or selfpay <= 0:
        return ZERO, ZERO
    ytd = claim.ytd
    if ctx.prefix == "resident":
        names = ("resident.serious.threshold", "resident.serious.bands", "resident.serious.cap")
        paid, title = ytd.hifmi_paid, "居民大病保险"
    else:
        names = ("employee.large.threshold", "employee.large.bands", "employee.large.cap")
        paid, title = ytd.hifob_paid, "职工大额医疗费用补助"
    rs = [ctx.optional(n) for n in names]
    if any(r is None for r in rs):
        ctx.add("second", title, f"本地区政策包未收录{title}参数，不计算", [])
        return ZERO, ZERO
    thr, bands, cap = (r.value for r in rs)  # type: ignore[union-attr]
    lo = max(ytd.serious_base, thr) - thr
    hi = ytd.serious_base + selfpay - thr
    raw = banded_pay(bands, lo, hi) if hi > lo else ZERO
    pay = min(raw, max(ZERO, cap - paid))
    ctx.add(
        "second",
        title,
        f"本年政策范围内个人负担累计{ytd.serious_base + selfpay}元，超过起付标准{thr}元的部分"
        f"按比例支付，年度限额{cap}元",
        rs,
        pay=pay,
    )
    return (pay, ZERO) if ctx.prefix == "resident" else (ZERO, pay)


# --- steps 6-7: personal account and cash -------------------------------------------------------


def _account(ctx: _Ctx, psn_part: Decimal, out_of_scope: Decimal) -> tuple[Decimal, Decimal]:
    claim = ctx.claim
    full_r = ctx.optional("employee.account.pays_full_ownpay")
    scope_r = ctx.optional("employee.account.pays_inscope_selfpay")
    payable = ZERO
    if scope_r is not None and scope_r.value:
        payable = psn_part - out_of_scope
    if full_r is not None and full_r.value:
        payable += out_of_scope
    own = min(claim.ytd.acct_balance, payable) if ctx.prefix == "employee" else ZERO
    mulaid = min(claim.mulaid_balance, payable - own)
    ctx.add(
        "account",
        "个人账户支付",
        f"个人负担{psn_part}元中个人账户可支付{payable}元；本人账户余额{claim.ytd.acct_balance}元"
        + (f"，家庭共济账户支付{mulaid}元" if mulaid else ""),
        [scope_r, full_r],
        acct_pay=own + mulaid,
        acct_mulaid_pay=mulaid,
    )
    return own, mulaid


# --- the engine ---------------------------------------------------------------------------------


def settle(claim: Claim, policy: Policy | None = None, *, trace: bool = True) -> Settlement:
    """Settle one claim. Pure: the same claim and policy always give the same settlement."""
    policy = policy or default_policy()
    day: dt.date = claim.encounter.enddate
    admdvs = claim.person.insuplc_admdvs
    prefix = "employee" if claim.person.insutype == EMPLOYEE else "resident"
    ctx = _Ctx(claim, policy.view(admdvs, day), trace, prefix)

    f = _fees(ctx)
    inscp = f["inscp_scp_amt"]
    dedc = _deductible(ctx, inscp)
    hifp, base = _pool(ctx, inscp, dedc)
    selfpay_in_scope = inscp - hifp
    hifmi, hifob = _second(ctx, selfpay_in_scope)
    maf = ZERO
    fund = hifp + hifmi + hifob + maf
    psn_part = f["medfee_sumamt"] - fund
    out_of_scope = f["fulamt_ownpay_amt"] + f["overlmt_selfpay"]
    own, mulaid = _account(ctx, psn_part, out_of_scope)
    acct = own + mulaid
    cash = psn_part - acct
    ctx.add(
        "cash",
        "现金支付",
        f"个人负担{psn_part}元，账户支付{acct}元，其余现金支付",
        [],
        psn_cash_pay=cash,
    )

    ratio = (hifp / base).quantize(RATIO_4, rounding=ROUND_HALF_UP) if base > 0 else ZERO
    cat = claim.encounter.category
    delta: dict[str, Decimal | int] = {"acct_balance": -own}
    if cat == "inpatient":
        delta.update(stays=1, ip_dedc=dedc, ip_inscp=inscp, hifp_paid=hifp)
    elif cat == "outpatient":
        delta.update(op_dedc=dedc, op_inscp=inscp, op_hifp=hifp)
    else:
        delta.update(mm_dedc=dedc, mm_inscp=inscp, mm_hifp=hifp, hifp_paid=hifp)
    if cat != "outpatient":
        delta.update(serious_base=selfpay_in_scope, hifmi_paid=hifmi, hifob_paid=hifob)

    info = SetlInfo(
        psn_no=claim.person.psn_no,
        insutype=claim.person.insutype,
        psn_type=claim.person.psn_type,
        med_type=claim.encounter.med_type,
        **f,
        act_pay_dedc=dedc,
        hifp_pay=hifp,
        pool_prop_selfpay=ratio,
        hifmi_pay=hifmi,
        hifob_pay=hifob,
        maf_pay=maf,
        fund_pay_sumamt=fund,
        psn_part_amt=psn_part,
        acct_pay=acct,
        acct_mulaid_pay=mulaid,
        psn_cash_pay=cash,
        balc=claim.ytd.acct_balance - own,
    )
    return Settlement(
        setlinfo=info,
        setldetail=_detail(claim, inscp, hifp, hifmi, hifob),
        trace=ctx.trace,
        warnings=ctx.warnings,
        ytd=claim.ytd.plus(delta),
        ytd_delta=delta,
        policy_date=day,
        admdvs=admdvs,
    )


def presettle(claim: Claim, policy: Policy | None = None, *, trace: bool = True) -> Settlement:
    """预结算: the same computation as ``settle``; the accounts layer commits nothing for it."""
    return settle(claim, policy, trace=trace)


def reverse(settlement: Settlement) -> dict[str, Decimal | int]:
    """结算撤销: the accumulator deltas that undo ``settlement`` exactly."""
    return {k: -v for k, v in settlement.ytd_delta.items()}


def _detail(claim: Claim, inscp: Decimal, hifp, hifmi, hifob) -> list[SetlDetail]:
    if claim.person.insutype == EMPLOYEE:
        rows = [("310100", hifp), ("330100", hifob)]
    else:
        rows = [("390100", hifp), ("390200", hifmi)]
    return [
        SetlDetail(
            fund_pay_type=code,
            fund_pay_type_name=FUND_PAY_TYPE[code],
            inscp_scp_amt=inscp,
            fund_payamt=amt,
        )
        for code, amt in rows
        if amt > 0
    ]


__all__ = ["MED_TYPE", "SettlementError", "Ytd", "presettle", "reverse", "settle"]
