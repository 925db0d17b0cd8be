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
  the person's first claim (zero when absent). A claim in a later calendar year than the
  person's previous claim starts from ``Ytd.new_year()`` (zero, the account balance carried);
- ``mulaid_balance`` (optional, fen): the claim's ``Claim.mulaid_balance``, a bound relative's
  account balance that pays after the person's own account (家庭共济).

Output (``BatchResult``): the ``setlinfo`` amounts per claim (int64 fen, input order), a
``warnings`` column (the plan's warnings joined by a newline, "" when none), and the closing
accumulators per person (of the year of the person's last claim).

Which parameters apply, with which fallback and warning, is decided by ``plan.build`` — the
same plan the scalar engine uses.

How the sequential parts are computed: the columns are decoded and the claims ordered by
person and date (a stable argsort, skipped when the input is already in that order). Parameters
are resolved once per parameter group (region × policy epoch × insurance type × person type ×
category × level × off-site × designated) in Python and handed to a compiled kernel
(``_kernel.settle``, numba) as integer tables; the kernel walks each person's claims once, in
order, carrying the accumulators exactly as the scalar engine does from one claim to the next.
Ratios are exact integers scaled by 10^6; each product is summed exactly and rounded once, half
up, as ``bands.banded_pay`` and ``money.round_fen`` do.
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

from yibao import vocab
from yibao.money import from_fen, to_fen
from yibao.policy import regions
from yibao.policy.resolve import Policy, default_policy
from yibao.settlement import _kernel as _k
from yibao.settlement.codes import EMPLOYEE, HOSP_LV, MED_TYPE, OFFSITE_FILING, PSN_TYPE
from yibao.settlement.model import ACCUMULATORS, Claim
from yibao.settlement.plan import SettlementError, build

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
    "psn_type": "",  # 人员类别 code; 1101 (employees) or 1501/1405 (residents) when empty
    "resident_group": "all",
    "mdtrtarea_admvs": None,  # the insured region
    "offsite_filing": "none",
    "designated": True,
    "begndate": None,  # enddate
    "mulaid_balance": 0,  # fen: a bound relative's account balance (家庭共济)
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
    "acct_mulaid_pay",
    "psn_cash_pay",
    "balc",
)
WARNING_SEP = "\n"  # the ``warnings`` column joins a claim's warnings with it ("" when none)
SCALE = 10**6  # ratios as integers: rate × 10^6
INF = 1 << 62
MAX_AMOUNT = 1 << 40  # fen per class per claim (about 11 billion yuan): keeps products in int64

INSUTYPES = (vocab.EMPLOYEE_INSUTYPE, vocab.RESIDENT_INSUTYPE)  # kernel index order
PSN_TYPES = tuple(vocab.PSN_TYPE.codes)  # kernel index order: in_service, retired
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
    # what a citizen must be told about the figures the claims were settled on (disputed
    # values, national bounds: ``Plan.caveats`` of every parameter group used), in order
    caveats: tuple[str, ...] = ()


# --- the scalar mapping -------------------------------------------------------------------------


def claim_from_row(row: dict[str, Any], ytd: Any = None) -> Claim:
    """The scalar ``Claim`` a batch row stands for (see the module docstring)."""
    end = row["enddate"]
    fees = [
        {"code": f"CLASS-{lv}", "chrgitm_lv": lv, "amount": from_fen(row[f"amt_{lv}"])}
        for lv in ("01", "02", "03")
        if row[f"amt_{lv}"]
    ] or [{"code": "CLASS-01", "chrgitm_lv": "01", "amount": from_fen(0)}]
    data: dict[str, Any] = {
        "person": {
            "psn_no": row["psn_no"],
            "insutype": row["insutype"],
            "psn_type": row.get("psn_type") or "",
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
    if row.get("mulaid_balance"):
        data["mulaid_balance"] = from_fen(row["mulaid_balance"])
    return Claim.model_validate(data)


# --- parameters per group -----------------------------------------------------------------------


@dataclass
class _Params:
    """One parameter group's plan (``plan.build``) in fen and ratio × SCALE."""

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
    warnings: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()  # Plan.caveats: disputed figures and bounds the plan uses


def _scaled(rate: Decimal) -> int:
    v = rate * SCALE
    if v != v.to_integral_value():
        raise BatchError(f"比例 {rate} 超过 6 位小数，批量引擎无法精确计算")
    return int(v)


def _bands(bands, cut: Decimal = Decimal(0)) -> tuple[tuple[int, int], ...]:
    return tuple(
        (INF if b.upto is None else to_fen(b.upto), _scaled(max(b.rate - cut, Decimal(0))))
        for b in bands
    )


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
    """The group's plan as integer tables (``designated`` is part of the key, not the plan)."""
    try:
        p = build(
            policy.view(admdvs, day),
            insutype=ins,
            group=ptype,
            resident_group=rgroup,
            category=cat,
            level=level,
            filing=filing,
        )
    except SettlementError as exc:
        return _Params(error=str(exc))
    sec = p.second
    return _Params(
        pre_rate=None if p.pre_rate is None else _scaled(p.pre_rate),
        dedc=tuple(to_fen(v) for v in p.dedc),
        dedc_annual=p.dedc_annual,
        bands=_bands(p.bands, p.cut),
        cap=INF if p.cap is None else to_fen(p.cap),
        cap_own=INF if p.cap_own is None else to_fen(p.cap_own),
        second=None if sec is None else (to_fen(sec.threshold), _bands(sec.bands), to_fen(sec.cap)),
        acct_scope=p.acct_scope,
        acct_full=p.acct_full,
        warnings=p.warnings,
        caveats=tuple(p.caveats),
    )


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


# --- input decoding -----------------------------------------------------------------------------


def _col(table: pa.Table, name: str) -> pa.Array:
    col = table.column(name)
    if isinstance(col, pa.ChunkedArray):
        return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    return col


def _encode(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode a column without nulls: int32 codes and the distinct values."""
    if pa.types.is_dictionary(arr.type):
        return arr.indices.to_numpy(zero_copy_only=False).astype(np.int32), arr.dictionary
    enc = arr.dictionary_encode()
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int32), enc.dictionary


def _codes(table: pa.Table, name: str, allowed: tuple[str, ...], default: str) -> np.ndarray:
    """Small-vocabulary string column → int8 index into ``allowed``."""
    n = table.num_rows
    if name not in table.column_names:
        return np.full(n, allowed.index(default), dtype=np.int8)
    arr = _col(table, name)
    if arr.null_count:
        arr = pc.fill_null(arr.cast(pa.string()), default)
    codes, dictionary = _encode(arr)
    vocab = [str(v) for v in dictionary.to_pylist()]
    bad = [v for v in vocab if v not in allowed]
    if bad:
        raise BatchError(f"列 {name} 含无法识别的取值 {bad[:5]}；可用：{'、'.join(allowed)}")
    lut = np.array([allowed.index(v) for v in vocab], dtype=np.int8)
    return lut[codes]


def _psn_groups(table: pa.Table) -> np.ndarray:
    """``psn_type`` (platform code, or the deprecated in_service / retired) → index into
    PSN_TYPES of the person group the packs key employee tables by."""
    n = table.num_rows
    if "psn_type" not in table.column_names:
        return np.zeros(n, dtype=np.int8)
    arr = _col(table, "psn_type")
    if arr.null_count:
        arr = pc.fill_null(arr.cast(pa.string()), "in_service")
    codes, dictionary = _encode(arr)
    lut = []
    for v in (str(x) for x in dictionary.to_pylist()):
        if v in PSN_TYPES:
            lut.append(PSN_TYPES.index(v))
        elif v in PSN_TYPE:
            g = PSN_TYPE[v][1]
            lut.append(PSN_TYPES.index("retired" if g == "retired" else "in_service"))
        else:
            raise BatchError(
                f"列 psn_type 含无法识别的取值 {v!r}；可用：人员类别代码 {'、'.join(PSN_TYPE)}"
            )
    return np.array(lut, dtype=np.int8)[codes]


def _regions(table: pa.Table, name: str, fallback: str | None = None):
    """Region column → (codes per claim, normalised codes, province codes)."""
    if name not in table.column_names and fallback is not None:
        name = fallback
    arr = _col(table, name)
    if arr.null_count:
        if fallback is None:
            raise BatchError(f"列 {name} 有空值")
        arr = pc.coalesce(arr.cast(pa.string()), _col(table, fallback).cast(pa.string()))
    idx, dictionary = _encode(arr)
    codes, provs = [], []
    for v in dictionary.to_pylist():
        try:
            r = regions.get(str(v))
        except regions.UnknownRegion:
            raise BatchError(f"列 {name}：未知的行政区划代码 {v!r}") from None
        codes.append(r.admdvs)
        provs.append(regions.province_of(r.admdvs).admdvs)
    return idx, codes, provs


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
    return arr.cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)


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
    pcode = penc.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    day = _date_col(table, "enddate")
    if day.min() < 0:
        raise BatchError("列 enddate 超出范围")
    key, ordered = _k.sort_key(pcode, day)
    order = key if ordered else np.argsort(key, kind="stable")  # (unused when ordered)
    del key
    npers = len(penc.dictionary)
    starts = _k.persons(order, ordered, pcode, npers)
    if "begndate" in table.column_names:
        b = _col(table, "begndate")
        if b.null_count < len(b):
            later = pc.greater(b.cast(pa.date32()), _col(table, "enddate").cast(pa.date32()))
            if pc.any(later).as_py():
                raise BatchError("列 begndate 晚于 enddate")

    # group key
    a1, a2, a3 = (_int_col(table, f"amt_{lv}") for lv in ("01", "02", "03"))
    ins = _codes(table, "insutype", INSUTYPES, "310")
    ptype = _psn_groups(table)
    rgroup = _codes(table, "resident_group", GROUPS, "all")
    med_codes = tuple(MED_TYPE)
    med = _codes(table, "med_type", med_codes, "21")
    cat_of_med = np.array([CATS.index(MED_TYPE[m][1]) for m in med_codes], dtype=np.int8)
    lv = _int_col(table, "hosp_lv")
    reg, reg_codes, reg_provs = _regions(table, "insuplc_admdvs")
    mdt, _, mdt_provs = _regions(table, "mdtrtarea_admvs", "insuplc_admdvs")
    filing = _codes(table, "offsite_filing", FILINGS, "none")
    provs = sorted(set(reg_provs) | set(mdt_provs))
    pid_reg = np.array([provs.index(x) for x in reg_provs], dtype=np.int64)
    pid_mdt = np.array([provs.index(x) for x in mdt_provs], dtype=np.int64)
    if "designated" in table.column_names:
        des_arr = pc.fill_null(_col(table, "designated"), True)
        des = des_arr.to_numpy(zero_copy_only=False).astype(bool, copy=False)
    else:
        des = np.ones(n, dtype=bool)
    bounds = _epoch_bounds(policy)
    dims = (len(reg_codes), len(bounds) + 1, 2, 2, 4, 3, 4, len(FILINGS), 2)
    uniq, gid, has_b, err = _k.group_ids(
        reg, mdt, pid_reg, pid_mdt, day, bounds, ins, ptype, rgroup, med, cat_of_med, lv,
        filing, FILINGS.index("unfiled"), des, a1, a2, a3, np.array(dims, dtype=np.int64),
    )  # fmt: skip
    if err:
        raise BatchError("列 hosp_lv 应为 0–3" if err == 4 else f"列 amt_0{err} 含负数或过大的金额")
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
    _check_errors(params, uniq, dims, reg_codes, has_b)
    mb = _int_col(table, "mulaid_balance")
    if (mb < 0).any() or (mb >= MAX_AMOUNT).any():
        raise BatchError("列 mulaid_balance 含负数或过大的金额")
    return _compute(
        table, order, ordered, penc, starts, day, gid, params, uniq, dims, a1, a2, a3, mb
    )


def _check_errors(params, uniq, dims, reg_codes, has_b) -> None:
    bad = [(g, p.error) for g, p in enumerate(params) if p.error]
    if bad:
        lines: list[str] = []
        for g, msg in bad:
            k = int(uniq[g])
            vals = []
            for size in reversed(dims):
                vals.append(k % size)
                k //= size
            r, _e, i, pt, _rg, c, lvl, _oc, _d = reversed(vals)
            line = (
                f"{reg_codes[r]} {INSUTYPES[i]} {PSN_TYPES[pt]} {CATS[c]} "
                f"{LEVEL_NAME[str(lvl)]}：{msg}"
            )
            if line not in lines:  # groups differing only in date or filing say the same
                lines.append(line)
            if len(lines) == 8:
                break
        raise BatchError("以下参数组无法结算（政策包缺少必要参数）：\n" + "\n".join(lines))
    # a designated claim with 乙类 fees needs the 先行自付 rate (the group key ends in designated)
    if any(
        p.pre_rate is None and hb and int(k) % 2
        for p, hb, k in zip(params, has_b, uniq, strict=True)
    ):
        raise BatchError(
            "政策包未收录乙类先行自付比例（common.items.class_b_preselfpay_rate），"
            "含乙类金额（amt_02）的理赔无法结算"
        )


def _band_tables(band_lists: list[tuple[tuple[int, int], ...]]):
    k = max(1, max(len(b) for b in band_lists))
    ups = np.full((len(band_lists), k), INF, dtype=np.int64)
    rates = np.zeros((len(band_lists), k), dtype=np.int64)
    for g, bl in enumerate(band_lists):
        for j, (u, r) in enumerate(bl):
            ups[g, j], rates[g, j] = u, r
    return ups, rates


def _param_tables(params: list[_Params], uniq: np.ndarray, dims) -> tuple[np.ndarray, ...]:
    """The per-group parameters as the kernel's integer matrices."""
    P = np.zeros((len(params), _k.NP), dtype=np.int64)
    for g, (p, key) in enumerate(zip(params, uniq.tolist(), strict=True)):
        vals = []
        for size in reversed(dims):
            vals.append(key % size)
            key //= size
        _r, _e, i, _pt, _rg, c, _lvl, _oc, d = reversed(vals)
        P[g, _k.P_CAT] = c
        P[g, _k.P_EMP] = INSUTYPES[i] == EMPLOYEE
        P[g, _k.P_DES] = d
        P[g, _k.P_PRE] = p.pre_rate or 0
        P[g, _k.P_DLEN] = len(p.dedc)
        P[g, _k.P_ANNUAL] = p.dedc_annual
        P[g, _k.P_CAP] = p.cap
        P[g, _k.P_CAP_OWN] = p.cap_own
        P[g, _k.P_SEC] = p.second is not None
        P[g, _k.P_THR] = p.second[0] if p.second else 0
        P[g, _k.P_SCAP] = p.second[2] if p.second else INF
        P[g, _k.P_SCOPE] = p.acct_scope
        P[g, _k.P_FULL] = p.acct_full
    dmax = max(len(p.dedc) for p in params)
    sched = np.array(
        [p.dedc + (p.dedc[-1],) * (dmax - len(p.dedc)) for p in params], dtype=np.int64
    )
    ups, rates = _band_tables([p.bands for p in params])
    sups, srates = _band_tables([p.second[1] if p.second else () for p in params])
    return P, sched, ups, rates, sups, srates


def _compute(table, order, ordered, penc, starts, day, gid, params, uniq, dims, a1, a2, a3, mb):
    n = table.num_rows
    npers = len(starts) - 1
    st = np.zeros((len(ACCUMULATORS), npers), dtype=np.int64)
    first_rows = None
    for k, name in enumerate(ACCUMULATORS):
        col = YTD_PREFIX + name
        if col in table.column_names:
            if first_rows is None:
                first_rows = starts[:-1] if ordered else order[starts[:-1]]
            st[k] = _int_col(table, col)[first_rows]
            if (st[k] < 0).any():
                raise BatchError(f"列 {col} 含负数")
    computed = [a for a in AMOUNTS if a not in _k.OUT_ZERO]
    out = np.empty((len(computed), n), dtype=np.int64)
    tables = _param_tables(params, uniq, dims)
    _k.settle(order, ordered, starts, day, a1, a2, a3, mb, gid, *tables, st, out)
    cols = dict(zip(computed, (pa.array(v) for v in out), strict=True))
    zero = pa.array(np.zeros(n, dtype=np.int64))
    texts = pa.array([WARNING_SEP.join(p.warnings) for p in params], pa.string())
    warnings = pa.DictionaryArray.from_arrays(pa.array(gid, pa.int32()), texts)
    claims = pa.table(
        [_col(table, "psn_no"), *(cols.get(a, zero) for a in AMOUNTS), warnings],
        names=["psn_no", *AMOUNTS, "warnings"],
    )
    # persons are numbered by first appearance and the claims sorted by that number
    close = pa.table([penc.dictionary, *(pa.array(v) for v in st)], names=["psn_no", *ACCUMULATORS])
    return BatchResult(claims, close, merge_caveats(dict.fromkeys(p.caveats for p in params)))


def merge_caveats(lists) -> tuple[str, ...]:
    """Caveat lists joined in order, without repeats."""
    out: dict[str, None] = {}
    for caveats in lists:
        out.update(dict.fromkeys(caveats))
    return tuple(out)


def _empty(table: pa.Table) -> BatchResult:
    out = pa.table(
        {
            "psn_no": pa.array([], pa.string()),
            **{k: pa.array([], pa.int64()) for k in AMOUNTS},
            "warnings": pa.array([], pa.dictionary(pa.int32(), pa.string())),
        }
    )
    close = pa.table(
        {"psn_no": pa.array([], pa.string()), **{k: pa.array([], pa.int64()) for k in ACCUMULATORS}}
    )
    return BatchResult(out, close)


def closing_to_ytd(row: dict[str, Any]) -> dict[str, Any]:
    """A closing-accumulator row (fen) → scalar ``Ytd`` fields (yuan)."""
    return {k: (row[k] if k == "stays" else from_fen(row[k])) for k in ACCUMULATORS}


__all__ = ["AMOUNTS", "BatchError", "BatchResult", "claim_from_row", "settle_table"]
