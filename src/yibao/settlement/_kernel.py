"""Compiled kernels of the batch engine (numba, cached on disk after the first compile).

``batch.settle_table`` decodes the columns and resolves the parameters per group in Python;
these loops do the per-claim work: the sort key, the persons and the year check, the group
key of each claim, and the settlement itself — each person's claims walked once, in date
order, carrying the accumulators exactly like ``engine.settle`` does claim by claim (integer
fen, ratios × 10^6, each banded product summed exactly and rounded once, half up).
"""

from __future__ import annotations

import numpy as np
from numba import njit

SCALE = 10**6
MAX_AMOUNT = 1 << 40

# columns of the per-group parameter matrix
P_CAT = 0  # 0 inpatient, 1 outpatient, 2 chronic
P_EMP = 1  # employee (职工) insurance
P_DES = 2  # designated institution
P_PRE = 3  # 乙类先行自付 rate × SCALE
P_DLEN = 4  # length of the 起付线 schedule
P_ANNUAL = 5  # 起付线 is annual
P_CAP = 6  # pooled fund annual cap (INF: none)
P_CAP_OWN = 7  # chronic own cap (INF: none)
P_SEC = 8  # second layer present
P_THR = 9  # second layer threshold
P_SCAP = 10  # second layer cap
P_SCOPE = 11  # account pays in-scope self-pay
P_FULL = 12  # account pays 全自费
NP = 13

OUT_ZERO = ("overlmt_selfpay", "maf_pay")  # not modelled: always 0

# accumulator slots (model.ACCUMULATORS order)
(
    A_STAYS,
    A_IP_DEDC,
    A_IP_INSCP,
    A_HIFP_PAID,
    A_OP_DEDC,
    A_OP_INSCP,
    A_OP_HIFP,
    A_MM_DEDC,
    A_MM_INSCP,
    A_MM_HIFP,
    A_SERIOUS_BASE,
    A_HIFMI_PAID,
    A_HIFOB_PAID,
    A_ACCT_BALANCE,
) = range(14)


@njit(cache=True, nogil=True)
def sort_key(pcode, day):
    """(person << 32 | day) per claim, and whether the claims are already in that order."""
    n = len(pcode)
    key = np.empty(n, np.int64)
    ordered = True
    prev = np.int64(-1)
    for i in range(n):
        k = (np.int64(pcode[i]) << 32) | np.int64(day[i])
        key[i] = k
        if k < prev:
            ordered = False
        prev = k
    return key, ordered


@njit(cache=True)
def _year(d):
    """Civil year of a day count since 1970-01-01 (d ≥ 0)."""
    z = np.int64(d) + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    return yoe + era * 400 + (1 if mp >= 10 else 0)


@njit(cache=True, nogil=True)
def persons(order, ident, pcode, npers):
    """Start of each person's run in sorted position (plus n at the end)."""
    n = len(pcode)
    starts = np.empty(npers + 1, np.int64)
    m = 0
    prev = -1
    for j in range(n):
        i = j if ident else order[j]
        c = pcode[i]
        if c != prev:
            starts[m] = j
            m += 1
            prev = c
    starts[m] = n
    return starts[: m + 1]


@njit(cache=True, nogil=True)
def group_ids(
    reg, mdt, pid_reg, pid_mdt, day, bounds, ins, ptype, rgroup, med, cat_of_med, lv, filing,
    unfiled, des, a1, a2, a3, dims,
):  # fmt: skip
    """Each claim's parameter group: the mixed-radix key of (region, epoch, insurance type,
    person type, resident group, category, level, off-site filing, designated), numbered in
    order of first appearance. Also per group whether some claim has 乙类 fees, and an error
    code: 1-3 a bad amt_0x, 4 a bad hosp_lv."""
    n = len(reg)
    gid = np.empty(n, np.int32)
    size = 256
    tkey = np.full(size, -1, np.int64)
    tval = np.zeros(size, np.int64)
    uniq = np.empty(64, np.int64)
    hasb = np.zeros(64, np.bool_)
    ng = 0
    bad = 0
    last_k = np.int64(-1)
    last_g = 0
    nb = len(bounds)
    for i in range(n):
        x1 = a1[i]
        x2 = a2[i]
        x3 = a3[i]
        if x1 < 0 or x1 >= MAX_AMOUNT:
            bad |= 1
        if x2 < 0 or x2 >= MAX_AMOUNT:
            bad |= 2
        if x3 < 0 or x3 >= MAX_AMOUNT:
            bad |= 4
        lvl = np.int64(lv[i])
        if lvl < 0 or lvl > 3:
            bad |= 8
            lvl = 0
        d = day[i]
        lo = 0
        hi = nb
        while lo < hi:
            mid = (lo + hi) >> 1
            if bounds[mid] <= d:
                lo = mid + 1
            else:
                hi = mid
        f = np.int64(filing[i])
        if pid_reg[reg[i]] == pid_mdt[mdt[i]]:
            off = 0
        elif f == 0:
            off = unfiled
        else:
            off = f
        k = np.int64(reg[i])
        k = k * dims[1] + lo
        k = k * dims[2] + ins[i]
        k = k * dims[3] + ptype[i]
        k = k * dims[4] + rgroup[i]
        k = k * dims[5] + cat_of_med[med[i]]
        k = k * dims[6] + lvl
        k = k * dims[7] + off
        k = k * dims[8] + (1 if des[i] else 0)
        if k == last_k:
            g = last_g
        else:
            mask = size - 1
            h = (k ^ (k >> 15) ^ (k >> 31)) * 0x2545F491 & mask
            while tkey[h] != -1 and tkey[h] != k:
                h = (h + 1) & mask
            if tkey[h] == k:
                g = tval[h]
            else:
                g = ng
                if ng == len(uniq):
                    uniq2 = np.empty(2 * ng, np.int64)
                    uniq2[:ng] = uniq
                    uniq = uniq2
                    hasb2 = np.zeros(2 * ng, np.bool_)
                    hasb2[:ng] = hasb
                    hasb = hasb2
                uniq[ng] = k
                ng += 1
                tkey[h] = k
                tval[h] = g
                if 2 * ng > size:  # grow and rehash
                    size *= 4
                    mask = size - 1
                    tkey = np.full(size, -1, np.int64)
                    tval = np.zeros(size, np.int64)
                    for q in range(ng):
                        kk = uniq[q]
                        hh = (kk ^ (kk >> 15) ^ (kk >> 31)) * 0x2545F491 & mask
                        while tkey[hh] != -1:
                            hh = (hh + 1) & mask
                        tkey[hh] = kk
                        tval[hh] = q
            last_k = k
            last_g = g
        gid[i] = g
        if x2 > 0:
            hasb[g] = True
    err = 0
    if bad & 1:
        err = 1
    elif bad & 2:
        err = 2
    elif bad & 4:
        err = 3
    elif bad & 8:
        err = 4
    return uniq[:ng].copy(), gid, hasb[:ng].copy(), err


@njit(cache=True, inline="always")
def _banded(ups, rates, g, lo, hi):
    """bands.banded_pay on [lo, hi) with group g's bands, rounded once half up."""
    if hi <= lo:
        return np.int64(0)
    num = np.int64(0)
    lower = np.int64(0)
    for k in range(ups.shape[1]):
        up = ups[g, k]
        a = lo if lo > lower else lower
        b = hi if hi < up else up
        if b > a:
            num += (b - a) * rates[g, k]
        if up >= hi:
            break
        lower = up
    return (2 * num + SCALE) // (2 * SCALE)


@njit(cache=True, nogil=True)
def settle(
    order, ident, starts, day, a1, a2, a3, mb, gid, P, sched, ups, rates, sups, srates, st, out
):  # fmt: skip
    """Settle every claim, person by person in sorted order. ``st`` (14 × persons) holds the
    opening accumulators and receives the closing ones; ``out`` (14 × n) receives the amounts
    at input positions: ``batch.AMOUNTS`` less the two that are always zero (OUT_ZERO).
    A claim in a later calendar year than the person's previous one starts the year's
    accumulators afresh (``Ytd.new_year``: all zero but the account balance). ``mb`` is each
    claim's bound relative's account balance (家庭共济), paying after the person's own."""
    npers = len(starts) - 1
    for p in range(npers):
        j0 = starts[p]
        year = _year(day[j0 if ident else order[j0]])
        stays = st[A_STAYS, p]
        ip_dedc = st[A_IP_DEDC, p]
        ip_inscp = st[A_IP_INSCP, p]
        hifp_paid = st[A_HIFP_PAID, p]
        op_dedc = st[A_OP_DEDC, p]
        op_inscp = st[A_OP_INSCP, p]
        op_hifp = st[A_OP_HIFP, p]
        mm_dedc = st[A_MM_DEDC, p]
        mm_inscp = st[A_MM_INSCP, p]
        mm_hifp = st[A_MM_HIFP, p]
        base = st[A_SERIOUS_BASE, p]
        hifmi_paid = st[A_HIFMI_PAID, p]
        hifob_paid = st[A_HIFOB_PAID, p]
        bal = st[A_ACCT_BALANCE, p]
        for j in range(j0, starts[p + 1]):
            i = j if ident else order[j]
            y = _year(day[i])
            if y != year:
                year = y
                stays = np.int64(0)
                ip_dedc = np.int64(0)
                ip_inscp = np.int64(0)
                hifp_paid = np.int64(0)
                op_dedc = np.int64(0)
                op_inscp = np.int64(0)
                op_hifp = np.int64(0)
                mm_dedc = np.int64(0)
                mm_inscp = np.int64(0)
                mm_hifp = np.int64(0)
                base = np.int64(0)
                hifmi_paid = np.int64(0)
                hifob_paid = np.int64(0)
            g = gid[i]
            x1 = a1[i]
            x2 = a2[i]
            x3 = a3[i]
            total = x1 + x2 + x3
            cat = P[g, P_CAT]
            emp = P[g, P_EMP] != 0
            # 1. fees
            if P[g, P_DES] != 0:
                pre = (2 * x2 * P[g, P_PRE] + SCALE) // (2 * SCALE)
                ful = x3
                inscp = x1 + x2 - pre
            else:
                pre = np.int64(0)
                ful = total
                inscp = np.int64(0)
            # 2. deductible; 3. pooled fund on the year's in-scope position
            if cat == 0:
                dl = P[g, P_DLEN] - 1
                line = sched[g, stays if stays < dl else dl]
                left = line - ip_dedc if P[g, P_ANNUAL] != 0 else line
                start = ip_inscp
            elif cat == 1:
                left = sched[g, 0] - op_dedc
                start = op_inscp
            else:
                left = sched[g, 0] - mm_dedc
                start = mm_inscp
            if left < 0:
                left = np.int64(0)
            dedc = left if left < inscp else inscp
            raw = _banded(ups, rates, g, start + dedc, start + inscp)
            # 4. caps
            if cat == 1:
                room = P[g, P_CAP] - op_hifp
            else:
                room = P[g, P_CAP] - hifp_paid
                if cat == 2:
                    own_room = P[g, P_CAP_OWN] - mm_hifp
                    if own_room < room:
                        room = own_room
            if room < 0:
                room = np.int64(0)
            hifp = raw if raw < room else room
            # 5. second layer
            selfpay = inscp - hifp
            sec = np.int64(0)
            if cat != 1 and selfpay > 0 and P[g, P_SEC] != 0:
                thr = P[g, P_THR]
                lo = (base if base > thr else thr) - thr
                raw2 = _banded(sups, srates, g, lo, base + selfpay - thr)
                room2 = P[g, P_SCAP] - (hifob_paid if emp else hifmi_paid)
                if room2 < 0:
                    room2 = np.int64(0)
                sec = raw2 if raw2 < room2 else room2
            fund = hifp + sec
            psn = total - fund
            # 6-7. account and cash
            payable = np.int64(0)
            if P[g, P_SCOPE] != 0:
                payable = psn - ful
            if P[g, P_FULL] != 0:
                payable += ful
            own = np.int64(0)
            if emp:
                own = bal if bal < payable else payable
            mul = payable - own
            if mb[i] < mul:
                mul = mb[i]
            # accumulators
            if cat == 0:
                stays += 1
                ip_dedc += dedc
                ip_inscp += inscp
                hifp_paid += hifp
            elif cat == 1:
                op_dedc += dedc
                op_inscp += inscp
                op_hifp += hifp
            else:
                mm_dedc += dedc
                mm_inscp += inscp
                mm_hifp += hifp
                hifp_paid += hifp
            if cat != 1:
                base += selfpay
                if emp:
                    hifob_paid += sec
                else:
                    hifmi_paid += sec
            bal -= own
            out[0, i] = total
            out[1, i] = ful
            out[2, i] = pre
            out[3, i] = inscp
            out[4, i] = dedc
            out[5, i] = hifp
            out[6, i] = 0 if emp else sec
            out[7, i] = sec if emp else 0
            out[8, i] = fund
            out[9, i] = psn
            out[10, i] = own + mul
            out[11, i] = mul
            out[12, i] = psn - own - mul
            out[13, i] = bal
        st[A_STAYS, p] = stays
        st[A_IP_DEDC, p] = ip_dedc
        st[A_IP_INSCP, p] = ip_inscp
        st[A_HIFP_PAID, p] = hifp_paid
        st[A_OP_DEDC, p] = op_dedc
        st[A_OP_INSCP, p] = op_inscp
        st[A_OP_HIFP, p] = op_hifp
        st[A_MM_DEDC, p] = mm_dedc
        st[A_MM_INSCP, p] = mm_inscp
        st[A_MM_HIFP, p] = mm_hifp
        st[A_SERIOUS_BASE, p] = base
        st[A_HIFMI_PAID, p] = hifmi_paid
        st[A_HIFOB_PAID, p] = hifob_paid
        st[A_ACCT_BALANCE, p] = bal
