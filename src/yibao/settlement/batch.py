"""Vectorised batch settlement of a table of claims, with the scalar engine's exact semantics.

Input: an Arrow table, one row per claim (``CLAIM_COLUMNS``; optional columns take defaults),
amounts in integer fen. A claim row maps to the scalar ``Claim`` (``claim_from_row``) as:

- person: ``psn_no``, ``insutype``, ``psn_type``, ``resident_group``, ``insuplc_admdvs``;
- encounter: ``med_type``, ``hosp_lv``, ``mdtrtarea_admvs`` (default: the insured region),
  ``offsite_filing`` (default ``none``), ``designated`` (default true), ``begndate`` (default:
  ``enddate``), ``enddate``;
- fees: one line per catalogue class with a non-zero amount — ``amt_01`` 甲类, ``amt_02`` 乙类,
  ``amt_03`` 丙类 — code ``CLASS-01``/``-02``/``-03``, quantity 1, no price limit, no item
  ``selfpay_prop`` (the pack's 乙类先行自付比例 applies); a claim of zero has one 甲类 line of 0;
- ytd: each person's claims are settled in ``enddate`` order (input order on ties), carrying
  the accumulators forward; the opening accumulators are the optional ``ytd_<field>`` columns of
  the person's first claim (zero when absent). A person's claims must fall in one year.

Output (``BatchResult``): the ``setlinfo`` amounts per claim (int64 fen, input order) and the
closing accumulators per person. Family mutual aid is not modelled (``acct_mulaid_pay`` = 0).

How the sequential parts are vectorised: claims are sorted by person and date, and every
accumulator is a grouped cumulative sum. The year-dependent amounts (起付线 left this year, the
pooled fund's room under its cap, 大病 room, the account balance) all follow
``x_n = max(x_{n-1}, min(L_n, x_{n-1} + s_n))``; where ``L`` is constant over a run of claims
this is ``max(x_0, min(L, x_0 + cumsum(s)))`` — a capped cumulative sum — and per-claim amounts
are differences of it. Runs with a different ``L`` (a person visiting hospitals of another
level under an annual deductible, a mid-year policy change) are chained by a loop over the run
rank within a person, vectorised over all persons. Parameters are resolved once per parameter
group (region × policy epoch × insurance type × person type × category × level × off-site ×
designated) and broadcast. Ratios are exact integers scaled by 10^6; each product is summed
exactly and rounded once, half up, as ``bands.banded_pay`` and ``money.round_fen`` do.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yibao.money import from_fen, to_fen
from yibao.policy import regions
from yibao.policy.resolve import Policy, default_policy
from yibao.policy.schema import Band, PolicyError
from yibao.settlement.codes import EMPLOYEE, HOSP_LV, MED_TYPE, OFFSITE_FILING
from yibao.settlement.model import ACCUMULATORS, Claim

REQUIRED = (
    "psn_no",
    "insutype",
    "insuplc_admdvs",
    "med_type",
    "hosp_lv",
    "enddate",
    "amt_01",
    "amt_02",
    "amt_03",
)
OPTIONAL = {
    "psn_type": "in_service",
    "resident_group": "all",
    "mdtrtarea_admvs": None,  # the insured region
    "offsite_filing": "none",
    "designated": True,
    "begndate": None,  # enddate
}
CLAIM_COLUMNS = REQUIRED + tuple(OPTIONAL)
YTD_PREFIX = "ytd_"
AMOUNTS = (
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "overlmt_selfpay",
    "preselfpay_amt",
    "inscp_scp_amt",
    "act_pay_dedc",
    "hifp_pay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "fund_pay_sumamt",
    "psn_part_amt",
    "acct_pay",
    "psn_cash_pay",
    "balc",
)
SCALE = 10**6  # ratios as integers: rate × 10^6
INF = 1 << 62
MAX_AMOUNT = 1 << 40  # fen per class per claim (about 11 billion yuan): keeps products in int64

INSUTYPES = ("310", "390")
PSN_TYPES = ("in_service", "retired")
GROUPS = ("all", "minor", "adult", "senior")
CATS = ("inpatient", "outpatient", "chronic")
FILINGS = tuple(OFFSITE_FILING)  # index 0 "none" = not off-site (same province)
LEVEL_NAME = {str(k): v for k, v in HOSP_LV.items()}


class BatchError(ValueError):
    """The table cannot be settled: bad columns or values, or parameters missing from packs."""


@dataclass(frozen=True)
class BatchResult:
    claims: pa.Table  # one row per input claim, input order
    closing: pa.Table  # one row per person: psn_no and the closing accumulators


# --- the scalar mapping -------------------------------------------------------------------------


def claim_from_row(row: dict[str, Any], ytd: Any = None) -> Claim:
    """The scalar ``Claim`` a batch row stands for (see the module docstring)."""
    end = row["enddate"]
    fees = [
        {"code": f"CLASS-{lv}", "chrg_item_lv": lv, "amount": from_fen(row[f"amt_{lv}"])}
        for lv in ("01", "02", "03")
        if row[f"amt_{lv}"]
    ] or [{"code": "CLASS-01", "chrg_item_lv": "01", "amount": from_fen(0)}]
    data = {
        "person": {
            "psn_no": row["psn_no"],
            "insutype": row["insutype"],
            "psn_type": row.get("psn_type") or "in_service",
            "resident_group": row.get("resident_group") or "all",
            "insuplc_admdvs": row["insuplc_admdvs"],
        },
        "encounter": {
            "med_type": row["med_type"],
            "hosp_lv": int(row["hosp_lv"]),
            "mdtrtarea_admvs": row.get("mdtrtarea_admvs") or row["insuplc_admdvs"],
            "offsite_filing": row.get("offsite_filing") or "none",
            "designated": True if row.get("designated") is None else bool(row["designated"]),
            "begndate": row.get("begndate") or end,
            "enddate": end,
        },
        "fees": fees,
    }
    if ytd is not None:
        data["ytd"] = ytd
    return Claim.model_validate(data)


# --- parameters per group -----------------------------------------------------------------------


@dataclass
class _Params:
    """One parameter group's values, in fen and ratio × SCALE."""

    error: str | None = None
    pre_rate: int | None = None  # 乙类先行自付 (None: not in the packs)
    dedc: tuple[int, ...] = (0,)  # 起付线 by nth stay (last repeats)
    dedc_annual: bool = False
    bands: tuple[tuple[int, int], ...] = ()  # (upto fen or INF, rate × SCALE after cut)
    cap: int = INF  # pooled fund annual cap (outpatient: its own cap)
    cap_own: int = INF  # chronic own cap
    second: tuple[int, tuple[tuple[int, int], ...], int] | None = None  # thr, bands, cap
    acct_scope: bool = False
    acct_full: bool = False


class _Missing(Exception):
    pass


def _scaled(rate: Decimal) -> int:
    v = rate * SCALE
    if v != v.to_integral_value():
        raise BatchError(f"比例 {rate} 超过 6 位小数，批量引擎无法精确计算")
    return int(v)


def _bands(bands: list[Band], cut: Decimal = Decimal(0)) -> tuple[tuple[int, int], ...]:
    return tuple(
        (INF if b.upto is None else to_fen(b.upto), _scaled(max(b.rate - cut, Decimal(0))))
        for b in bands
    )


def _person_key(ins: str, ptype: str, rgroup: str) -> tuple[str, ...]:
    if ins == EMPLOYEE:
        return (ptype,)
    return (rgroup, "all") if rgroup != "all" else ("all",)


def _pick(table: dict[str, Any], keys: tuple[str, ...], what: str) -> Any:
    for k in keys:
        if k in table:
            return table[k]
    raise _Missing(f"政策包未收录{what}（{'/'.join(keys)}）")


@functools.lru_cache(maxsize=65536)
def _group_params(
    policy: Policy,
    admdvs: str,
    day: dt.date,
    ins: str,
    ptype: str,
    rgroup: str,
    cat: str,
    level: str,
    filing: str,
    designated: bool,
) -> _Params:
    view = policy.view(admdvs, day)
    prefix = "employee" if ins == EMPLOYEE else "resident"
    keys = _person_key(ins, ptype, rgroup)
    out = _Params()

    def get(name: str):
        try:
            return view.get(name)
        except PolicyError as exc:
            raise _Missing(str(exc)) from None

    def opt(name: str):
        return view.optional(name)

    pre = opt("common.items.class_b_preselfpay_rate")
    out.pre_rate = None if pre is None else _scaled(pre.value)
    try:
        # deductible
        if cat == "inpatient":
            r = None
            if ptype == "retired" and prefix == "employee":
                r = opt("employee.inpatient.deductible_retired")
            r = r or get(f"{prefix}.inpatient.deductible")
            if level not in r.value:
                raise _Missing(
                    f"{r.pack_name}政策包未收录{LEVEL_NAME[level]}医疗机构的住院起付线（{r.name}）"
                )
            out.dedc = tuple(to_fen(v) for v in r.value[level])
            annual = opt(f"{prefix}.inpatient.deductible_is_annual")
            out.dedc_annual = bool(annual is not None and annual.value)
        elif cat == "outpatient":
            r = get(f"{prefix}.outpatient.deductible")
            out.dedc = (to_fen(_pick(r.value, keys, "门诊统筹起付标准")),)
            out.dedc_annual = True
        else:
            out.dedc = (to_fen(get(f"{prefix}.chronic.deductible").value),)
            out.dedc_annual = True
        # pooled fund ratios
        what = {
            "inpatient": "住院统筹支付比例",
            "outpatient": "门诊统筹支付比例",
            "chronic": "门诊慢特病支付比例",
        }[cat]
        name = f"{prefix}.{cat}.fund_ratio"
        r = get(name)
        by_level = _pick(r.value, keys, what)
        if level not in by_level:
            raise _Missing(
                f"{r.pack_name}政策包未收录{LEVEL_NAME[level]}医疗机构的{what}（{name}）"
            )
        cut = Decimal(0)
        if filing != "none":
            red = opt("common.offsite.ratio_reduction")
            cut = Decimal(0) if red is None else red.value.get(filing, Decimal(0))
        out.bands = _bands(by_level[level], cut)
        # caps
        if cat == "outpatient":
            cap_r = opt(f"{prefix}.outpatient.annual_cap")
            if cap_r is not None:
                out.cap = to_fen(_pick(cap_r.value, keys, "门诊统筹年度限额"))
        else:
            cap_r = opt(f"{prefix}.inpatient.annual_cap")
            if cap_r is not None:
                out.cap = to_fen(cap_r.value)
            if cat == "chronic":
                own = opt(f"{prefix}.chronic.annual_cap")
                if own is not None:
                    out.cap_own = to_fen(own.value)
            # second layer
            names = (
                ("resident.serious.threshold", "resident.serious.bands", "resident.serious.cap")
                if prefix == "resident"
                else ("employee.large.threshold", "employee.large.bands", "employee.large.cap")
            )
            rs = [opt(n) for n in names]
            if all(x is not None for x in rs):
                out.second = (to_fen(rs[0].value), _bands(rs[1].value), to_fen(rs[2].value))
    except _Missing as exc:
        out.error = str(exc)
        return out
    scope = opt("employee.account.pays_inscope_selfpay")
    full = opt("employee.account.pays_full_ownpay")
    out.acct_scope = bool(scope is not None and scope.value) and prefix == "employee"
    out.acct_full = bool(full is not None and full.value) and prefix == "employee"
    return out


@functools.lru_cache(maxsize=64)
def _epoch_bounds(policy: Policy) -> np.ndarray:
    """Days (since 1970) on which some version of some pack starts or ends: between two of
    them every parameter of every region resolves the same way."""
    days: set[int] = set()
    for pack in (*policy.packs.values(), *policy.overlay.values()):
        for versions in pack.parameters.values():
            for v in versions:
                days.add((v.since - dt.date(1970, 1, 1)).days)
                if v.until is not None:
                    days.add((v.until - dt.date(1970, 1, 1)).days + 1)
    return np.array(sorted(days), dtype=np.int64)


def _epoch_day(bounds: np.ndarray, e: int) -> dt.date:
    base = dt.date(1970, 1, 1)
    if len(bounds) == 0:
        return base
    return base + dt.timedelta(days=int(bounds[e - 1] if e > 0 else bounds[0] - 1))


# --- vector helpers -----------------------------------------------------------------------------


def _gcum_excl(v: np.ndarray, starts: np.ndarray, pidx: np.ndarray) -> np.ndarray:
    """Per-person cumulative sum of ``v`` before each claim."""
    c = np.cumsum(v)
    off = c[starts] - v[starts]
    c -= off[pidx]
    c -= v
    return c


def _round(num: np.ndarray) -> np.ndarray:
    """ROUND_HALF_UP of num / SCALE for num ≥ 0."""
    return (2 * num + SCALE) // (2 * SCALE)


def _banded(lo, hi, ups: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Vector ``banded_pay``: Σ |[lo, hi) ∩ band| × rate, rounded once (ups/rates: n × K)."""
    num = np.zeros(len(lo), dtype=np.int64)
    lower = np.zeros(len(lo), dtype=np.int64)
    for k in range(ups.shape[1]):
        up = ups[:, k]
        ov = np.minimum(hi, up) - np.maximum(lo, lower)
        np.maximum(ov, 0, out=ov)
        ov *= rates[:, k]
        num += ov
        lower = up
    return _round(num)


def _scan(
    first: np.ndarray,
    starts: np.ndarray,
    pidx: np.ndarray,
    s: np.ndarray,
    cap: np.ndarray,
    x0: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Per claim, ``x_n - x_{n-1}`` for ``x_n = max(x_{n-1}, min(cap_n, x_{n-1} + s_n))``
    starting from ``x0`` per person (s ≥ 0). Also returns the number of extra runs."""
    n = len(s)
    live = s > 0
    # a claim with s = 0 leaves x unchanged whatever its cap: give it the previous cap
    if not live.all():
        src = np.where(live | first, np.arange(n), 0)
        np.maximum.accumulate(src, out=src)
        cap = cap[src]
    brk = first.copy()
    brk[1:] |= cap[1:] != cap[:-1]
    rs = np.flatnonzero(brk)
    rid = np.cumsum(brk) - 1
    csum = np.cumsum(s)
    w = csum - (csum[rs] - s[rs])[rid]  # inclusive sum within the run
    xs = np.empty(len(rs), dtype=np.int64)
    first_run = first[rs]
    xs[first_run] = x0[pidx[rs[first_run]]]
    after = np.empty(n, dtype=np.int64)
    extra = len(rs) - len(starts)
    if extra == 0:
        xr = xs[rid]
        np.minimum(cap, xr + w, out=after)
        np.maximum(after, xr, out=after)
    else:
        run_person_first = np.flatnonzero(first_run)
        rank = np.arange(len(rs)) - run_person_first[np.cumsum(first_run) - 1]
        xs[~first_run] = 0
        xr = xs[rid]
        np.minimum(cap, xr + w, out=after)
        np.maximum(after, xr, out=after)
        crank = rank[rid]
        later = np.flatnonzero(crank > 0)
        later = later[np.argsort(crank[later], kind="stable")]
        bounds = np.searchsorted(crank[later], np.arange(1, rank.max() + 2))
        for j in range(len(bounds) - 1):
            idx = later[bounds[j] : bounds[j + 1]]
            runs = np.unique(rid[idx])
            xs[runs] = after[rs[runs] - 1]
            xr = xs[rid[idx]]
            after[idx] = np.maximum(xr, np.minimum(cap[idx], xr + w[idx]))
    before = np.empty(n, dtype=np.int64)
    before[1:] = after[:-1]
    before[starts] = x0
    return after - before, extra


# --- input decoding -----------------------------------------------------------------------------


def _col(table: pa.Table, name: str) -> pa.Array:
    col = table.column(name)
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _codes(table: pa.Table, name: str, allowed: tuple[str, ...], default: str) -> np.ndarray:
    """Small-vocabulary string column → int8 index into ``allowed``."""
    n = table.num_rows
    if name not in table.column_names:
        return np.full(n, allowed.index(default), dtype=np.int8)
    arr = _col(table, name)
    if arr.null_count:
        arr = pc.fill_null(arr.cast(pa.string()), default)
    enc = arr.dictionary_encode() if not pa.types.is_dictionary(arr.type) else arr
    vocab = [str(v) for v in enc.dictionary.to_pylist()]
    bad = [v for v in vocab if v not in allowed]
    if bad:
        raise BatchError(f"列 {name} 含无法识别的取值 {bad[:5]}；可用：{'、'.join(allowed)}")
    lut = np.array([allowed.index(v) for v in vocab], dtype=np.int8)
    return lut[enc.indices.to_numpy(zero_copy_only=False)]


def _regions(table: pa.Table, name: str, fallback: str | None = None):
    """Region column → (codes per claim, normalised codes, province codes)."""
    if name not in table.column_names:
        name = fallback
    arr = _col(table, name)
    if arr.null_count:
        if fallback is None:
            raise BatchError(f"列 {name} 有空值")
        arr = pc.coalesce(arr, _col(table, fallback))
    enc = arr.dictionary_encode() if not pa.types.is_dictionary(arr.type) else arr
    codes, provs = [], []
    for v in enc.dictionary.to_pylist():
        try:
            r = regions.get(str(v))
        except regions.UnknownRegion:
            raise BatchError(f"列 {name}：未知的行政区划代码 {v!r}") from None
        codes.append(r.admdvs)
        provs.append(regions.province_of(r.admdvs).admdvs)
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), codes, provs


def _int_col(table: pa.Table, name: str, default: int = 0) -> np.ndarray:
    if name not in table.column_names:
        return np.full(table.num_rows, default, dtype=np.int64)
    arr = _col(table, name)
    if not (pa.types.is_integer(arr.type)):
        raise BatchError(f"列 {name} 应为整数（金额以分为单位），实际为 {arr.type}")
    if arr.null_count:
        arr = pc.fill_null(arr, default)
    return arr.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _date_col(table: pa.Table, name: str) -> np.ndarray:
    arr = _col(table, name)
    if not pa.types.is_date32(arr.type):
        try:
            arr = arr.cast(pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise BatchError(f"列 {name} 应为日期（date32），实际为 {arr.type}") from None
    if arr.null_count:
        raise BatchError(f"列 {name} 有空值")
    return arr.cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)


def check_columns(names: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise BatchError(f"理赔表缺少列：{'、'.join(missing)}（需要：{'、'.join(REQUIRED)}）")


# --- the kernel ---------------------------------------------------------------------------------


def settle_table(table: pa.Table, policy: Policy | None = None) -> BatchResult:
    """Settle every claim of ``table`` (see the module docstring). Raises ``BatchError``."""
    policy = policy or default_policy()
    check_columns(table.column_names)
    n = table.num_rows
    if n == 0:
        return _empty(table)
    psn = _col(table, "psn_no")
    if psn.null_count:
        raise BatchError("列 psn_no 有空值")
    penc = psn.dictionary_encode()
    pcode = penc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    day = _date_col(table, "enddate")
    if day.min() < 0 or day.max() >= 1 << 31:
        raise BatchError("列 enddate 超出范围")
    key = (pcode << 32) | day
    order = None if (key[1:] >= key[:-1]).all() else np.argsort(key, kind="stable")

    def take(a: np.ndarray) -> np.ndarray:
        return a if order is None else a[order]

    day = take(day)
    pcode = take(pcode)
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(pcode[1:], pcode[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    pidx = np.cumsum(first) - 1
    ends = np.append(starts[1:], n) - 1
    year = (day.astype("datetime64[D]").astype("datetime64[Y]")).astype(np.int64)
    if (year[starts] != year[ends]).any():
        raise BatchError("同一参保人的理赔须在同一年度内（年度累计从年初开始）")
    if "begndate" in table.column_names:
        b = _col(table, "begndate")
        if b.null_count < len(b):
            filled = pc.coalesce(b.cast(pa.date32()), _col(table, "enddate").cast(pa.date32()))
            bday = take(filled.cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64))
            if (bday > day).any():
                raise BatchError("列 begndate 晚于 enddate")

    # amounts
    a1, a2, a3 = (take(_int_col(table, f"amt_{lv}")) for lv in ("01", "02", "03"))
    for a, lv in ((a1, "01"), (a2, "02"), (a3, "03")):
        if (a < 0).any() or (a >= MAX_AMOUNT).any():
            raise BatchError(f"列 amt_{lv} 含负数或过大的金额")
    # group key
    ins = take(_codes(table, "insutype", INSUTYPES, "310"))
    ptype = take(_codes(table, "psn_type", PSN_TYPES, "in_service"))
    rgroup = take(_codes(table, "resident_group", GROUPS, "all"))
    med_codes = tuple(MED_TYPE)
    med = take(_codes(table, "med_type", med_codes, "21"))
    cat_of_med = np.array([CATS.index(MED_TYPE[m][1]) for m in med_codes], dtype=np.int8)
    cat = cat_of_med[med]
    lv = take(_int_col(table, "hosp_lv"))
    if ((lv < 0) | (lv > 3)).any():
        raise BatchError("列 hosp_lv 应为 0–3")
    reg, reg_codes, reg_provs = _regions(table, "insuplc_admdvs")
    reg = take(reg)
    mdt, _, mdt_provs = _regions(table, "mdtrtarea_admvs", "insuplc_admdvs")
    filing = take(_codes(table, "offsite_filing", FILINGS, "none"))
    provs = sorted(set(reg_provs) | set(mdt_provs))
    pid_reg = np.array([provs.index(x) for x in reg_provs], dtype=np.int64)
    pid_mdt = np.array([provs.index(x) for x in mdt_provs], dtype=np.int64)
    same = pid_reg[reg] == pid_mdt[take(mdt)]
    offc = np.where(same, 0, np.where(filing == 0, FILINGS.index("unfiled"), filing))
    if "designated" in table.column_names:
        des_arr = pc.fill_null(_col(table, "designated"), True)
        des = take(des_arr.to_numpy(zero_copy_only=False).astype(bool))
    else:
        des = np.ones(n, dtype=bool)
    bounds = _epoch_bounds(policy)
    epoch = np.searchsorted(bounds, day, side="right")
    dims = (len(reg_codes), len(bounds) + 1, 2, 2, 4, 3, 4, len(FILINGS), 2)
    parts = (reg, epoch, ins, ptype, rgroup, cat, lv, offc, des)
    gkey = np.zeros(n, dtype=np.int64)
    for part, size in zip(parts, dims, strict=True):
        gkey *= size
        gkey += part
    uniq, gid = np.unique(gkey, return_inverse=True)
    params = []
    for k in uniq.tolist():
        vals = []
        for size in reversed(dims):
            vals.append(k % size)
            k //= size
        r, e, i, pt, rg, c, lvl, oc, d = reversed(vals)
        params.append(
            _group_params(
                policy,
                reg_codes[r],
                _epoch_day(bounds, e),
                INSUTYPES[i],
                PSN_TYPES[pt],
                GROUPS[rg],
                CATS[c],
                str(lvl),
                FILINGS[oc],
                bool(d),
            )
        )
    _check_errors(params, uniq, dims, reg_codes, gid, des & (a2 > 0))
    return _compute(
        table, order, penc, n, first, starts, pidx, gid, params, cat, ins, des, a1, a2, a3
    )


def _check_errors(params, uniq, dims, reg_codes, gid, needs_pre) -> None:
    bad = [(g, p.error) for g, p in enumerate(params) if p.error]
    if bad:
        lines = []
        for g, msg in bad[:8]:
            k = int(uniq[g])
            vals = []
            for size in reversed(dims):
                vals.append(k % size)
                k //= size
            r, _e, i, pt, _rg, c, lvl, _oc, _d = reversed(vals)
            lines.append(
                f"{reg_codes[r]} {INSUTYPES[i]} {PSN_TYPES[pt]} {CATS[c]} "
                f"{LEVEL_NAME[str(lvl)]}：{msg}"
            )
        raise BatchError("以下参数组无法结算（政策包缺少必要参数）：\n" + "\n".join(lines))
    no_pre = np.array([p.pre_rate is None for p in params])
    if no_pre.any() and (no_pre[gid] & needs_pre).any():
        raise BatchError(
            "政策包未收录乙类先行自付比例（common.items.class_b_preselfpay_rate），"
            "含乙类金额（amt_02）的理赔无法结算"
        )


def _table_of(params: list[_Params], attr) -> np.ndarray:
    return np.array([attr(p) for p in params], dtype=np.int64)


def _band_tables(band_lists: list[tuple[tuple[int, int], ...]]):
    k = max(1, max(len(b) for b in band_lists))
    ups = np.full((len(band_lists), k), INF, dtype=np.int64)
    rates = np.zeros((len(band_lists), k), dtype=np.int64)
    for g, bl in enumerate(band_lists):
        for j, (u, r) in enumerate(bl):
            ups[g, j], rates[g, j] = u, r
    return ups, rates


def _compute(
    table, order, penc, n, first, starts, pidx, gid, params, cat, ins, des, a1, a2, a3
) -> BatchResult:
    npers = len(starts)

    def opening(name: str) -> np.ndarray:
        col = YTD_PREFIX + name
        if col not in table.column_names:
            return np.zeros(npers, dtype=np.int64)
        v = _int_col(table, col)
        v = v if order is None else v[order]
        if (v[starts] < 0).any():
            raise BatchError(f"列 {col} 含负数")
        return v[starts]

    ytd0 = {name: opening(name) for name in ACCUMULATORS}
    is_ip, is_op, is_mm = cat == 0, cat == 1, cat == 2
    # 1. fees
    total = a1 + a2 + a3
    pre_rate = _table_of(params, lambda p: p.pre_rate or 0)[gid]
    pre = np.where(des, _round(a2 * pre_rate), 0)
    fulamt = np.where(des, a3, total)
    inscp = np.where(des, a1 + a2 - pre, 0)
    # 2. deductible
    dmax = max(len(p.dedc) for p in params)
    sched = np.array(
        [p.dedc + (p.dedc[-1],) * (dmax - len(p.dedc)) for p in params], dtype=np.int64
    )
    dlen = _table_of(params, lambda p: len(p.dedc))[gid]
    annual = np.array([p.dedc_annual for p in params])[gid]
    nth = ytd0["stays"][pidx] + _gcum_excl(is_ip.astype(np.int64), starts, pidx)
    line = sched[gid, np.minimum(nth, dlen - 1)]
    dedc = np.zeros(n, dtype=np.int64)
    for mask, acc in ((is_ip, "ip_dedc"), (is_op, "op_dedc"), (is_mm, "mm_dedc")):
        if not mask.any():
            continue
        s = np.where(mask, np.where(annual, inscp, np.minimum(line, inscp)), 0)
        cap = np.where(mask & annual, line, INF)
        inc, _ = _scan(first, starts, pidx, s, cap, ytd0[acc])
        dedc += inc
    # 3. pooled fund: banded on the year's in-scope position
    start = np.zeros(n, dtype=np.int64)
    for mask, acc in ((is_ip, "ip_inscp"), (is_op, "op_inscp"), (is_mm, "mm_inscp")):
        if mask.any():
            v = np.where(mask, inscp, 0)
            start = np.where(mask, _gcum_excl(v, starts, pidx) + ytd0[acc][pidx], start)
    ups, rates = _band_tables([p.bands for p in params])
    raw = _banded(start + dedc, start + inscp, ups[gid], rates[gid])
    # 4. caps
    cap = _table_of(params, lambda p: p.cap)[gid]
    hifp = np.zeros(n, dtype=np.int64)
    if is_op.any():
        hifp += _scan(first, starts, pidx, np.where(is_op, raw, 0), cap, ytd0["op_hifp"])[0]
    pool = is_ip | is_mm
    if pool.any():
        capped = raw
        own_cap = _table_of(params, lambda p: p.cap_own)[gid]
        has_own = is_mm & (own_cap < INF)
        if has_own.any():
            r2, _ = _scan(first, starts, pidx, np.where(is_mm, raw, 0), own_cap, ytd0["mm_hifp"])
            capped = np.where(is_mm, r2, raw)
        inc, extra = _scan(first, starts, pidx, np.where(pool, capped, 0), cap, ytd0["hifp_paid"])
        if extra and has_own.any():
            _check_coupled(starts, pidx, cap, pool, has_own)
        hifp += np.where(pool, inc, 0)
    # 5. second layer
    selfpay = inscp - hifp
    sec_claim = ~is_op
    sp = np.where(sec_claim, selfpay, 0)
    base = _gcum_excl(sp, starts, pidx) + ytd0["serious_base"][pidx]
    second_on = np.array([p.second is not None for p in params])[gid] & sec_claim
    second = np.zeros(n, dtype=np.int64)
    if second_on.any():
        thr = _table_of(params, lambda p: p.second[0] if p.second else 0)[gid]
        sups, srates = _band_tables([p.second[1] if p.second else () for p in params])
        lo = np.maximum(base, thr) - thr
        raw2 = np.where(second_on, _banded(lo, base + sp - thr, sups[gid], srates[gid]), 0)
        scap = _table_of(params, lambda p: p.second[2] if p.second else INF)[gid]
        emp = ins == 0
        paid0 = np.where(emp[starts], ytd0["hifob_paid"], ytd0["hifmi_paid"])
        second, _ = _scan(first, starts, pidx, raw2, scap, paid0)
    emp = ins == 0
    hifmi = np.where(emp, 0, second)
    hifob = np.where(emp, second, 0)
    fund = hifp + second
    psn_part = total - fund
    # 6-7. account and cash
    oos = fulamt
    scope = np.array([p.acct_scope for p in params])[gid]
    full = np.array([p.acct_full for p in params])[gid]
    payable = np.where(scope, psn_part - oos, 0) + np.where(full, oos, 0)
    payable = np.where(emp, payable, 0)
    bal0 = ytd0["acct_balance"]
    acct, _ = _scan(first, starts, pidx, payable, bal0[pidx], np.zeros(npers, dtype=np.int64))
    spent = np.cumsum(acct)
    spent -= (spent[starts] - acct[starts])[pidx]
    balc = bal0[pidx] - spent
    cash = psn_part - acct
    zero = np.zeros(n, dtype=np.int64)
    cols = {
        "medfee_sumamt": total,
        "fulamt_ownpay_amt": fulamt,
        "overlmt_selfpay": zero,
        "preselfpay_amt": pre,
        "inscp_scp_amt": inscp,
        "act_pay_dedc": dedc,
        "hifp_pay": hifp,
        "hifmi_pay": hifmi,
        "hifob_pay": hifob,
        "maf_pay": zero,
        "fund_pay_sumamt": fund,
        "psn_part_amt": psn_part,
        "acct_pay": acct,
        "psn_cash_pay": cash,
        "balc": balc,
    }

    # closing accumulators
    # closing accumulators
    names = (
        "stays",
        "ip_dedc",
        "ip_inscp",
        "hifp_paid",
        "op_dedc",
        "op_inscp",
        "op_hifp",
        "mm_dedc",
        "mm_inscp",
        "mm_hifp",
        "serious_base",
        "hifmi_paid",
        "hifob_paid",
        "acct_balance",
    )
    cols_d = (
        is_ip.astype(np.int64),
        np.where(is_ip, dedc, 0),
        np.where(is_ip, inscp, 0),
        np.where(pool, hifp, 0),
        np.where(is_op, dedc, 0),
        np.where(is_op, inscp, 0),
        np.where(is_op, hifp, 0),
        np.where(is_mm, dedc, 0),
        np.where(is_mm, inscp, 0),
        np.where(is_mm, hifp, 0),
        sp,
        hifmi,
        hifob,
        -acct,
    )
    closing = {k: ytd0[k] + np.add.reduceat(v, starts) for k, v in zip(names, cols_d, strict=True)}
    if order is not None:
        inv = np.empty(n, dtype=np.int64)
        inv[order] = np.arange(n)
        cols = {k: v[inv] for k, v in cols.items()}
    out = pa.table({k: pa.array(v, pa.int64()) for k, v in cols.items()})
    out = out.add_column(0, "psn_no", _col(table, "psn_no"))
    people = penc.dictionary.take(pa.array(_first_codes(penc, order, starts)))
    close = pa.table({"psn_no": people, **{k: pa.array(v, pa.int64()) for k, v in closing.items()}})
    return BatchResult(out, close)


def _first_codes(penc, order, starts) -> np.ndarray:
    codes = penc.indices.to_numpy(zero_copy_only=False)
    return codes[starts] if order is None else codes[order[starts]]


def _check_coupled(starts, pidx, cap, pool, has_own) -> None:
    """The two-stage cap (chronic own cap, then the pooled cap) is exact unless the pooled cap
    changes within a person's year (a mid-year policy change); refuse that rare case."""
    cmax = np.maximum.reduceat(np.where(pool, cap, -1), starts)
    cmin = np.minimum.reduceat(np.where(pool, cap, INF), starts)
    varying = (cmax >= 0) & (cmin != cmax)
    if varying[pidx[has_own]].any():
        raise BatchError(
            "年内统筹基金年度限额发生变化且涉及门诊慢特病限额，批量引擎不支持，请用逐笔结算"
        )


def _empty(table: pa.Table) -> BatchResult:
    out = pa.table(
        {"psn_no": pa.array([], pa.string()), **{k: pa.array([], pa.int64()) for k in AMOUNTS}}
    )
    close = pa.table(
        {"psn_no": pa.array([], pa.string()), **{k: pa.array([], pa.int64()) for k in ACCUMULATORS}}
    )
    return BatchResult(out, close)


def closing_to_ytd(row: dict[str, Any]) -> dict[str, Any]:
    """A closing-accumulator row (fen) → scalar ``Ytd`` fields (yuan)."""
    return {k: (row[k] if k == "stays" else from_fen(row[k])) for k in ACCUMULATORS}


__all__ = ["AMOUNTS", "BatchError", "BatchResult", "claim_from_row", "settle_table"]
