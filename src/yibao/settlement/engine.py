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

Which parameters apply, with which fallback and warning, is decided by ``plan.build`` (shared
with the batch engine); this module computes from the plan in ``Decimal``. The policy is the
insured region's (参保地政策) on the encounter's end date. ``presettle`` is
the same computation (nothing is ever committed here; the accounts layer commits ``settle``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from yibao.money import ZERO, round_fen
from yibao.policy.resolve import Policy, PolicyView, Resolved, default_policy
from yibao.settlement.bands import banded_pay, first_rate
from yibao.settlement.codes import EMPLOYEE, FUND_PAY_TYPE, MED_TYPE, OFFSITE_FILING
from yibao.settlement.model import (
    Claim,
    SetlDetail,
    SetlInfo,
    Settlement,
    TraceStep,
    Ytd,
)
from yibao.settlement.plan import (
    LEVEL_NAME,
    MISSING_PRE_RATE,
    SECOND_TITLE,
    Plan,
    SettlementError,
    build,
    effective_filing,
    fee_params,
)

RATIO_4 = Decimal("0.0001")


@dataclass
class _Ctx:
    claim: Claim
    plan: Plan
    trace_on: bool
    trace: list[TraceStep] = field(default_factory=list)

    def add(self, step: str, title: str, detail: str, used, **amounts):
        # A disputed or bounded figure is said in the step that used it (the settlement carries
        # them all: ``Plan.caveats``).
        notes = [c for r in used if r is not None and (c := r.caveat)]
        if notes:
            detail += "（注意：" + "".join(notes) + "）"
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


def plan_for(claim: Claim, view: PolicyView) -> Plan:
    """The parameter plan of ``claim`` (``plan.build`` on the claim's group)."""
    p, e = claim.person, claim.encounter
    return build(
        view,
        insutype=p.insutype,
        group=p.group,
        resident_group=p.resident_group,
        category=e.category,
        level=str(e.hosp_lv),
        filing=effective_filing(p.insuplc_admdvs, e.mdtrtarea_admvs, e.offsite_filing),
    )


# --- step 1: fee lines --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSplit:
    """One fee line split as step 1 splits it (the per-line amounts of 2204/2301)."""

    fulamt_ownpay_amt: Decimal  # 全自费
    overlmt_amt: Decimal  # 超限价自费
    preselfpay_amt: Decimal  # 乙类先行自付
    inscp_scp_amt: Decimal  # 符合政策范围
    excluded: str | None = None  # why the item is 不予支付, if it is


def _split(claim: Claim, pre_rate: Decimal | None, excl_r: Resolved | None) -> list[LineSplit]:
    designated = claim.encounter.designated
    excl = {i.code: i for i in excl_r.value} if excl_r else {}
    excl_names = {i.name: i for i in excl_r.value} if excl_r else {}
    out = []
    for line in claim.fees:
        amount = line.amount
        item = excl.get(line.code) or (excl_names.get(line.name) if line.name else None)
        if not designated or line.chrgitm_lv == "03" or item is not None:
            why = f"{line.name or line.code}（{item.reason}）" if item is not None else None
            out.append(LineSplit(amount, ZERO, ZERO, ZERO, why))
            continue
        over = ZERO
        if line.price_limit is not None:
            over = max(ZERO, amount - round_fen(line.price_limit * line.quantity))
            amount -= over
        pre = ZERO
        if line.chrgitm_lv == "02":
            if line.selfpay_prop is not None:
                rate = line.selfpay_prop
            elif pre_rate is not None:
                rate = pre_rate
            else:
                raise SettlementError(f"{MISSING_PRE_RATE}（费用明细 {line.code}）")
            pre = round_fen(amount * rate)
            amount -= pre
        out.append(LineSplit(ZERO, over, pre, amount))
    return out


def fee_lines(claim: Claim, policy: Policy | None = None) -> list[LineSplit]:
    """Each fee line of ``claim`` split into 全自费, 超限价, 先行自付 and 政策范围内 on the
    insured region's packs (what the platform answers per line at 2204/2301); ``settle``'s
    first step is their sum."""
    policy = policy or default_policy()
    pre_r, excl_r = fee_params(policy.view(claim.person.insuplc_admdvs, claim.encounter.enddate))
    return _split(claim, None if pre_r is None else pre_r.value, excl_r)


def _fees(ctx: _Ctx) -> dict[str, Decimal]:
    claim, plan = ctx.claim, ctx.plan
    designated = claim.encounter.designated
    excl_r = plan.excluded_r
    lines = _split(claim, plan.pre_rate, excl_r)
    total = sum((line.amount for line in claim.fees), ZERO)
    fulamt = sum((x.fulamt_ownpay_amt for x in lines), ZERO)
    overlmt = sum((x.overlmt_amt for x in lines), ZERO)
    preself = sum((x.preselfpay_amt for x in lines), ZERO)
    inscp = sum((x.inscp_scp_amt for x in lines), ZERO)
    excluded = [x.excluded for x in lines if x.excluded]
    if ctx.trace_on:
        why = "非定点医疗机构，费用全部自费；" if not designated else ""
        if excluded:
            why += "不予支付项目：" + "、".join(excluded) + "；"
        ctx.add(
            "fees",
            "费用分类",
            why + "丙类全自费，超过限价部分自费，乙类先行自付后其余进入政策范围。",
            [plan.pre_rate_r, excl_r],
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
    plan, ytd = ctx.plan, ctx.claim.ytd
    cat = plan.category
    if cat == "inpatient":
        line = plan.deductible_line(ytd.stays)
        level = LEVEL_NAME[plan.level]
        if plan.dedc_annual:
            left = max(ZERO, line - ytd.ip_dedc)
            detail = f"{level}医疗机构住院起付标准{line}元/年，本年已付{ytd.ip_dedc}元"
            ctx.add("deductible", "起付线按年度计算", "一年只付一次起付线", [plan.dedc_annual_r])
        else:
            left = line
            detail = f"{level}医疗机构年内第{ytd.stays + 1}次住院，起付线{line}元"
    elif cat == "outpatient":
        line = plan.dedc[0]
        left = max(ZERO, line - ytd.op_dedc)
        detail = f"门诊统筹年度起付标准{line}元，本年已付{ytd.op_dedc}元"
    else:
        line = plan.dedc[0]
        left = max(ZERO, line - ytd.mm_dedc)
        detail = f"门诊慢特病年度起付标准{line}元，本年已付{ytd.mm_dedc}元"
    dedc = min(left, inscp)
    ctx.add("deductible", "起付线", detail, [plan.dedc_r], act_pay_dedc=dedc)
    return dedc


# --- steps 3-4: pooled fund and its cap ---------------------------------------------------------


def _pool(ctx: _Ctx, inscp: Decimal, dedc: Decimal) -> tuple[Decimal, Decimal]:
    plan, ytd = ctx.plan, ctx.claim.ytd
    cat = plan.category
    start = {"inpatient": ytd.ip_inscp, "outpatient": ytd.op_inscp, "chronic": ytd.mm_inscp}[cat]
    lo, hi = start + dedc, start + inscp
    raw = banded_pay(plan.bands, lo, hi, plan.cut)
    if ctx.trace_on:
        rate = first_rate(plan.bands, lo)
        off = ""
        if plan.filing != "none":
            off = (
                f"；跨省就医（{OFFSITE_FILING[plan.filing]}），"
                f"支付比例降低{plan.cut * 100:.0f}个百分点"
            )
        ctx.add(
            "pool",
            "统筹基金按比例支付",
            f"政策范围内{inscp}元减起付线{dedc}元，按{rate * 100:.0f}%（分段时按本年累计所在段）"
            f"支付{off}",
            [plan.ratio_r, plan.offsite_r],
            pool_base=hi - lo,
            hifp_before_cap=raw,
        )
    room = _cap_room(plan, ytd)
    hifp = raw if room is None else min(raw, room)
    ctx.add(
        "cap",
        "年度最高支付限额",
        ("未收录年度限额，未封顶" if room is None else f"本年剩余可支付额度{room}元")
        + ("，已封顶" if hifp < raw else ""),
        list(plan.cap_used),
        hifp_pay=hifp,
    )
    return hifp, hi - lo


def _cap_room(plan: Plan, ytd: Ytd) -> Decimal | None:
    """What the pooled fund may still pay this year (None: no cap recorded)."""
    rooms: list[Decimal] = []
    if plan.category == "outpatient":
        if plan.cap is not None:
            rooms.append(max(ZERO, plan.cap - ytd.op_hifp))
    else:
        if plan.cap is not None:
            rooms.append(max(ZERO, plan.cap - ytd.hifp_paid))
        if plan.cap_own is not None:
            rooms.append(max(ZERO, plan.cap_own - ytd.mm_hifp))
    return min(rooms) if rooms else None


# --- step 5: second layer ----------------------------------------------------------------------


def _second(ctx: _Ctx, selfpay: Decimal) -> tuple[Decimal, Decimal]:
    """(hifmi_pay, hifob_pay) on this claim's in-scope self-pay added to the year's base."""
    plan, ytd = ctx.plan, ctx.claim.ytd
    if plan.category == "outpatient" or selfpay <= 0:
        return ZERO, ZERO
    title = SECOND_TITLE[plan.prefix]
    sec = plan.second
    if sec is None:
        ctx.add("second", title, f"本地区政策包未收录{title}参数，未计算（见提示）", [])
        return ZERO, ZERO
    paid = ytd.hifmi_paid if plan.prefix == "resident" else ytd.hifob_paid
    thr = sec.threshold
    lo = max(ytd.serious_base, thr) - thr
    hi = ytd.serious_base + selfpay - thr
    raw = banded_pay(sec.bands, lo, hi) if hi > lo else ZERO
    pay = min(raw, max(ZERO, sec.cap - paid))
    ctx.add(
        "second",
        title,
        f"本年政策范围内个人负担累计{ytd.serious_base + selfpay}元，超过起付标准{thr}元的部分"
        f"按比例支付，年度限额{sec.cap}元",
        list(sec.used),
        pay=pay,
    )
    return (pay, ZERO) if plan.prefix == "resident" else (ZERO, pay)


# --- steps 6-7: personal account and cash -------------------------------------------------------


def _account(ctx: _Ctx, psn_part: Decimal, out_of_scope: Decimal) -> tuple[Decimal, Decimal]:
    claim, plan = ctx.claim, ctx.plan
    payable = ZERO
    if plan.acct_scope:
        payable = psn_part - out_of_scope
    if plan.acct_full:
        payable += out_of_scope
    own = min(claim.ytd.acct_balance, payable) if plan.prefix == "employee" else ZERO
    mulaid = min(claim.mulaid_balance, payable - own)
    ctx.add(
        "account",
        "个人账户支付",
        f"个人负担{psn_part}元中个人账户可支付{payable}元；本人账户余额{claim.ytd.acct_balance}元"
        + (f"，家庭共济账户支付{mulaid}元" if mulaid else ""),
        list(plan.acct_used),
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
    ctx = _Ctx(claim, plan_for(claim, policy.view(admdvs, day)), trace)

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
        warnings=list(ctx.plan.warnings),
        caveats=list(ctx.plan.caveats),
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


__all__ = ["MED_TYPE", "SettlementError", "Ytd", "plan_for", "presettle", "reverse", "settle"]
