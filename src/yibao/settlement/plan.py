"""The parameter plan: which pack parameters a claim's settlement uses, with which fallback and
which warning — decided here, once, for both engines.

A plan depends only on the claim's *parameter group*: the policy view (insured region × date),
the insurance type, the person group, the benefit category, the hospital level and the
effective off-site filing. ``engine.settle`` computes from a plan in ``Decimal``;
``batch.settle_table`` builds one plan per group and turns it into integer-fen tables
(``batch._tables``). Both engines therefore raise the same errors and carry the same warnings:

- a parameter the computation cannot do without (起付线, 支付比例, an outpatient person key) is
  missing → ``SettlementError`` naming it;
- the 乙类先行自付比例 is missing → ``pre_rate`` is None; only a claim with 乙类 fees fails;
- the pooled fund's annual cap is missing → no cap, with a warning;
- the off-site ratio cut for the filing is missing → no cut, with a warning;
- the second layer (居民大病保险 / 职工大额医疗费用补助) is missing for an inpatient or chronic
  claim → nothing paid by it, with a warning (the person may owe less than computed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yibao.money import ZERO
from yibao.policy import regions
from yibao.policy.resolve import PolicyView, Resolved
from yibao.policy.schema import Band, PolicyError
from yibao.rules import offsite
from yibao.settlement.codes import EMPLOYEE, HOSP_LV, OFFSITE_FILING

LEVEL_NAME = {str(k): v for k, v in HOSP_LV.items()}
WHAT_RATIO = {
    "inpatient": "住院统筹支付比例",
    "outpatient": "门诊统筹支付比例",
    "chronic": "门诊慢特病支付比例",
}
SECOND_TITLE = {"resident": "居民大病保险", "employee": "职工大额医疗费用补助"}
SECOND_NAMES = {
    "resident": ("resident.serious.threshold", "resident.serious.bands", "resident.serious.cap"),
    "employee": ("employee.large.threshold", "employee.large.bands", "employee.large.cap"),
}


class SettlementError(ValueError):
    """The claim cannot be settled under the packs (e.g. a level the region has no ratio for)."""


@dataclass(frozen=True)
class Second:
    """The second layer's threshold, bands and annual cap (yuan)."""

    threshold: Decimal
    bands: tuple[Band, ...]
    cap: Decimal
    used: tuple[Resolved, ...]


@dataclass(frozen=True)
class Plan:
    """Everything one parameter group's settlement needs, in yuan and rates."""

    prefix: str  # "employee" | "resident"
    category: str  # inpatient | outpatient | chronic
    level: str
    filing: str  # effective off-site filing ("none": same province)
    pre_rate: Decimal | None  # 乙类先行自付比例 (None: not in the packs)
    pre_rate_r: Resolved | None
    excluded_r: Resolved | None  # 不予支付项目 (scalar only: batch rows carry no item codes)
    dedc: tuple[Decimal, ...]  # 起付线 by nth stay this year (the last repeats)
    dedc_annual: bool  # paid once a year (outpatient and chronic always)
    dedc_r: Resolved
    dedc_annual_r: Resolved | None
    bands: tuple[Band, ...]  # pooled-fund ratio bands on the year's in-scope position
    cut: Decimal  # off-site ratio reduction (percentage points as a rate)
    ratio_r: Resolved
    offsite_r: Resolved | None
    cap: Decimal | None  # pooled fund annual cap (outpatient: its own); None = not recorded
    cap_own: Decimal | None  # chronic diseases' own cap
    cap_used: tuple[Resolved | None, ...]
    second: Second | None  # None: not applicable (outpatient) or not recorded (warned)
    acct_scope: bool  # the personal account pays in-scope self-pay
    acct_full: bool  # … and 全自费
    acct_used: tuple[Resolved | None, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def caveats(self) -> list[str]:
        """What a citizen must be told about the figures this plan uses (disputed values,
        national bounds), in plain Chinese, without repeats (``Resolved.caveat``)."""
        used = [self.pre_rate_r, self.excluded_r, self.dedc_r, self.dedc_annual_r, self.ratio_r]
        used += [self.offsite_r, *self.cap_used, *(self.second.used if self.second else ())]
        used += list(self.acct_used)
        out: list[str] = []
        for r in used:
            if r is not None and (c := r.caveat) and c not in out:
                out.append(c)
        return out

    @property
    def dedc_nth(self) -> int:
        return len(self.dedc)

    def deductible_line(self, stays: int) -> Decimal:
        return self.dedc[min(stays, len(self.dedc) - 1)]


def person_keys(insutype: str, group: str, resident_group: str) -> tuple[str, ...]:
    """Keys to look up in ratio tables and by-key amounts, most specific first."""
    if insutype == EMPLOYEE:
        return (group,)
    return (resident_group, "all") if resident_group != "all" else ("all",)


def effective_filing(insuplc_admdvs: str, mdtrtarea_admvs: str, filing: str) -> str:
    """The filing that decides the off-site cut: "none" within the insured province, else the
    declared filing ("none" declared for another province counts as unfiled)."""
    same = regions.province_of(mdtrtarea_admvs).admdvs == regions.province_of(insuplc_admdvs).admdvs
    if same:
        return "none"
    return "unfiled" if filing == "none" else filing


def _pick(table: dict[str, Any], keys: tuple[str, ...], what: str) -> Any:
    for k in keys:
        if k in table:
            return table[k]
    raise SettlementError(f"政策包未收录{what}（{'/'.join(keys)}）")


def fee_params(view: PolicyView) -> tuple[Resolved | None, Resolved | None]:
    """What splitting fee lines needs (step 1): the 乙类先行自付比例 and the 不予支付项目, each
    None when the packs lack it."""
    return (
        view.optional("common.items.class_b_preselfpay_rate"),
        view.optional("common.coverage.excluded_items"),
    )


def build(
    view: PolicyView,
    *,
    insutype: str,
    group: str,
    resident_group: str,
    category: str,
    level: str,
    filing: str,
) -> Plan:
    """The plan of one parameter group. Raises ``SettlementError`` naming a missing parameter.

    ``group``: in_service | retired (the person group the packs key employee tables by);
    ``filing``: the effective filing (``effective_filing``)."""
    prefix = "employee" if insutype == EMPLOYEE else "resident"
    keys = person_keys(insutype, group, resident_group)
    warnings: list[str] = []

    def get(name: str) -> Resolved:
        try:
            return view.get(name)
        except PolicyError as exc:
            raise SettlementError(str(exc)) from None

    opt = view.optional
    pre_r, excl_r = fee_params(view)

    # 起付线
    annual_r: Resolved | None = None
    if category == "inpatient":
        r = None
        if group == "retired" and prefix == "employee":
            r = opt("employee.inpatient.deductible_retired")
        r = r or get(f"{prefix}.inpatient.deductible")
        if level not in r.value:
            raise SettlementError(
                f"{r.pack_name}政策包未收录{LEVEL_NAME[level]}医疗机构的住院起付线（{r.name}）"
            )
        dedc = tuple(r.value[level])
        annual_r = opt(f"{prefix}.inpatient.deductible_is_annual")
        annual = bool(annual_r is not None and annual_r.value)
        if not annual:
            annual_r = None
    elif category == "outpatient":
        r = get(f"{prefix}.outpatient.deductible")
        dedc, annual = (_pick(r.value, keys, "门诊统筹起付标准"),), True
    else:
        r = get(f"{prefix}.chronic.deductible")
        dedc, annual = (r.value,), True
    dedc_r = r

    # 统筹基金支付比例, less the off-site cut
    name = f"{prefix}.{category}.fund_ratio"
    ratio_r = get(name)
    by_level = _pick(ratio_r.value, keys, WHAT_RATIO[category])
    if level not in by_level:
        raise SettlementError(
            f"{ratio_r.pack_name}政策包未收录{LEVEL_NAME[level]}医疗机构的"
            f"{WHAT_RATIO[category]}（{name}）"
        )
    cut, off_r = ZERO, None
    if filing != "none":
        off_r = opt("common.offsite.ratio_reduction")
        try:
            cut = offsite.ratio_reduction(view, filing)
        except PolicyError:
            warnings.append(
                f"政策包未收录{OFFSITE_FILING[filing]}的支付比例降幅，本次按参保地比例计算，"
                "实际可能更低"
            )

    # 年度最高支付限额
    cap = cap_own = None
    cap_used: list[Resolved | None] = []
    if category == "outpatient":
        cap_r = opt(f"{prefix}.outpatient.annual_cap")
        if cap_r is not None:
            cap = _pick(cap_r.value, keys, "门诊统筹年度限额")
    else:
        cap_r = opt(f"{prefix}.inpatient.annual_cap")
        if cap_r is not None:
            cap = cap_r.value
        if category == "chronic":
            own = opt(f"{prefix}.chronic.annual_cap")
            if own is not None:
                cap_own = own.value
                cap_used.append(own)
    cap_used.append(cap_r)
    if cap_r is None:
        what = "门诊统筹年度限额" if category == "outpatient" else "统筹基金年度最高支付限额"
        warnings.append(f"政策包未收录{what}，本次结算未按限额封顶")

    # 大病保险 / 职工大额
    second = None
    if category != "outpatient":
        rs = [opt(n) for n in SECOND_NAMES[prefix]]
        if all(x is not None for x in rs):
            thr, bands, scap = (x.value for x in rs)  # type: ignore[union-attr]
            second = Second(thr, tuple(bands), scap, tuple(rs))  # type: ignore[arg-type]
        else:
            title = SECOND_TITLE[prefix]
            warnings.append(
                f"政策包未收录{title}的起付标准、支付比例或限额，本次结算未计算{title}支付，"
                "实际个人负担可能更低"
            )

    # 个人账户
    scope_r = opt("employee.account.pays_inscope_selfpay")
    full_r = opt("employee.account.pays_full_ownpay")
    return Plan(
        prefix=prefix,
        category=category,
        level=level,
        filing=filing,
        pre_rate=None if pre_r is None else pre_r.value,
        pre_rate_r=pre_r,
        excluded_r=excl_r,
        dedc=dedc,
        dedc_annual=annual,
        dedc_r=dedc_r,
        dedc_annual_r=annual_r,
        bands=tuple(by_level[level]),
        cut=cut,
        ratio_r=ratio_r,
        offsite_r=off_r,
        cap=cap,
        cap_own=cap_own,
        cap_used=tuple(cap_used),
        second=second,
        acct_scope=bool(scope_r is not None and scope_r.value),
        acct_full=bool(full_r is not None and full_r.value),
        acct_used=(scope_r, full_r),
        warnings=tuple(warnings),
    )


MISSING_PRE_RATE = (
    "政策包未收录乙类先行自付比例（common.items.class_b_preselfpay_rate），"
    "含乙类费用的理赔需在费用明细中给出 selfpay_prop"
)

__all__ = ["Plan", "Second", "SettlementError", "build", "effective_filing", "person_keys"]
