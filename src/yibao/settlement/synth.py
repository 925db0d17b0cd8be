"""A synthetic, realistic-looking population and claim set for the batch engine, streamed to
Parquet in chunks (deterministic for a seed; 50M claims never sit in memory).

Only combinations the packs can settle are generated: ``probe`` asks the scalar engine, once,
for every region with a pack × insurance type × person type × medical type × hospital level
(on three dates of the year), and keeps the ones that settle. Where a region's packs give no
乙类先行自付比例, its claims carry no 乙类 amount (the would-be 乙类 share is counted as 甲类).

Distribution parameters. All figures below are modelling ASSUMPTIONS chosen to be of the
order of published national statistics, not fitted to data:

- insurance type: ~28% employees (310), ~72% residents (390) — the proportion of the
  national enrolment figures (职工 about 3.7 亿, 居民 about 9.6 亿) in the NHSA's annual
  医疗保障事业发展统计快报/公报 (read from memory, not re-checked: an assumption);
- age: employees 18–79 (retired from 60), residents 0–89, uniform;
- inpatient stays a year: Poisson with mean 0.08 + 0.006 × max(0, age − 30) (about 0.2 on
  average, the order of the national 住院率 in the 卫生健康统计公报; an assumption), so some
  people have several stays;
- outpatient pooled visits (11): Poisson, mean 1.5 + age / 25; chronic-disease visits (14):
  16% of people over 45 have a chronic condition, Poisson mean 6 visits;
- cost per stay (yuan): log-normal, σ = 0.9, mean by level 三级 14 000 / 二级 7 000 / 一级
  4 000 (the order of the bulletin's 次均住院费用; an assumption); 1% of stays are catastrophic
  (× 12) so that some people reach the annual cap and 大病保险 / 职工大额;
- cost per outpatient visit: log-normal, σ = 0.7, mean 基层 120 / 一级 180 / 二级 250 / 三级
  400; chronic visit: mean 600, σ = 0.8;
- catalogue classes: 甲类 45–80% of the cost, 丙类 0–15%, 乙类 the rest (uniform draws);
- off-site: 3% of stays are in another province, with a random filing status;
- personal-account opening balance (employees): log-normal, mean about 2 000 yuan.

Columns: ``psn_no`` (string, zero-padded so the file is sorted by person, then date),
``mdtrt_id`` (int64), ``insutype``, ``psn_type`` (人员类别 code), ``age`` (int16), ``insuplc_admdvs``,
``med_type``, ``hosp_lv`` (int8), ``mdtrtarea_admvs``, ``offsite_filing``, ``begndate``,
``enddate`` (date32), ``amt_01``/``amt_02``/``amt_03`` (int64 fen: 甲/乙/丙 totals),
``ytd_acct_balance`` (int64 fen, the opening balance); partitioned output (``write(parts=N)``)
adds ``claim_row`` (the claim's position in the single-file order). See ``batch.claim_from_row`` for the
mapping of a row to the scalar ``Claim``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from yibao.policy import regions
from yibao.policy.resolve import NATIONAL, Policy, default_policy
from yibao.settlement.engine import SettlementError, settle
from yibao.settlement.model import Claim

MEDS = ("11", "14", "21")
LEVELS = {"11": (0, 1, 2, 3), "14": (1, 2, 3), "21": (1, 2, 3)}
LEVEL_WEIGHT = {0: 0.35, 1: 0.15, 2: 0.25, 3: 0.25}
MEAN_COST = {  # yuan
    "21": {1: 4000, 2: 7000, 3: 14000},
    "11": {0: 120, 1: 180, 2: 250, 3: 400},
    "14": {1: 600, 2: 600, 3: 600},
}
SIGMA = {"21": 0.9, "11": 0.7, "14": 0.8}
FILINGS = ("long_term", "temporary", "referral", "emergency", "unfiled")
PERSONS_PER_CHUNK = 200_000


@dataclass(frozen=True)
class Kind:
    """A settleable person kind and what its claims may be."""

    region: str
    insutype: str
    psn_type: str
    combos: dict[str, tuple[int, ...]]  # med_type → settleable levels
    class_b: bool  # the packs give a 乙类先行自付比例


def _probe_one(
    policy: Policy,
    region: str,
    ins: str,
    ptype: str,
    med: str,
    lv: int,
    amt02: bool,
    days: list[dt.date],
) -> bool:
    fees = [{"code": "P1", "chrgitm_lv": "01", "amount": "5000.00"}]
    if amt02:
        fees.append({"code": "P2", "chrgitm_lv": "02", "amount": "1000.00"})
    for d in days:
        claim = Claim.model_validate(
            {
                "person": {
                    "psn_no": "probe",
                    "insutype": ins,
                    "psn_type": ptype,
                    "insuplc_admdvs": region,
                },
                "encounter": {
                    "med_type": med,
                    "hosp_lv": lv,
                    "mdtrtarea_admvs": region,
                    "begndate": d,
                    "enddate": d,
                },
                "fees": fees,
            }
        )
        try:
            settle(claim, policy, trace=False)
        except SettlementError:
            return False
    return True


def probe(policy: Policy, year: int) -> list[Kind]:
    """Every (region, insutype, psn_type) with at least one inpatient level it can settle."""
    days = [dt.date(year, 1, 1), dt.date(year, 7, 1), dt.date(year, 12, 31)]
    kinds = []
    for region in sorted(policy.packs):
        if region == NATIONAL:
            continue
        for ins, ptypes in (("310", ("in_service", "retired")), ("390", ("in_service",))):
            for ptype in ptypes:
                b_ok = _probe_one(policy, region, ins, ptype, "21", 3, True, days) or not any(
                    _probe_one(policy, region, ins, ptype, "21", lv, False, days)
                    for lv in (1, 2, 3)
                )
                combos = {}
                for med in MEDS:
                    ok = tuple(
                        lv
                        for lv in LEVELS[med]
                        if _probe_one(policy, region, ins, ptype, med, lv, b_ok, days)
                    )
                    if ok:
                        combos[med] = ok
                if "21" in combos:
                    kinds.append(Kind(region, ins, ptype, combos, b_ok))
    return kinds


def _offsite_region(region: str) -> str:
    return "310000" if regions.province_of(region).admdvs == "110000" else "110000"


def _chunk(
    rng: np.random.Generator,
    kinds: list[Kind],
    first: int,
    npers: int,
    seed: int,
    year: int,
    claim_base: int,
) -> pa.Table:
    ins_kinds = {
        ins: [i for i, k in enumerate(kinds) if k.insutype == ins] for ins in ("310", "390")
    }
    ins_kinds = {k: v for k, v in ins_kinds.items() if v}
    emp = rng.random(npers) < (0.28 if len(ins_kinds) == 2 else (1.0 if "310" in ins_kinds else 0))
    age = np.where(emp, rng.integers(18, 80, npers), rng.integers(0, 90, npers))
    retired = emp & (age >= 60)
    # kind per person: uniform over regions of the person's insurance type and person type
    kind = np.empty(npers, dtype=np.int64)
    for ins, idx in ins_kinds.items():
        for ptype in ("in_service", "retired"):
            cand = [i for i in idx if kinds[i].psn_type == ptype] or idx
            m = (emp if ins == "310" else ~emp) & (retired if ptype == "retired" else ~retired)
            kind[m] = rng.choice(np.array(cand), m.sum())
    n_ip = rng.poisson(0.08 + 0.006 * np.maximum(0, age - 30))
    n_op = rng.poisson(1.5 + age / 25)
    chronic = (age > 45) & (rng.random(npers) < 0.16)
    n_mm = np.where(chronic, rng.poisson(6, npers), 0)
    counts = {"21": n_ip, "11": n_op, "14": n_mm}
    parts = []
    for med in MEDS:
        cnt = counts[med].copy()
        for i, k in enumerate(kinds):  # kinds without this medical type get no such claims
            if med not in k.combos:
                cnt[kind == i] = 0
        person = np.repeat(np.arange(npers), cnt)
        lv = np.zeros(len(person), dtype=np.int8)
        for i, k in enumerate(kinds):
            if med not in k.combos:
                continue
            m = kind[person] == i
            levels = np.array(k.combos[med])
            w = np.array([LEVEL_WEIGHT[x] for x in levels])
            lv[m] = rng.choice(levels, m.sum(), p=w / w.sum())
        mean = np.array([MEAN_COST[med].get(x, 0) for x in range(4)], dtype=float)[lv]
        sig = SIGMA[med]
        cost = mean * np.exp(rng.normal(-sig * sig / 2, sig, len(person)))  # E = mean
        if med == "21":
            cost *= np.where(rng.random(len(person)) < 0.01, 12.0, 1.0)
        parts.append((med, person, lv, cost))
    med_col = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])
    person = np.concatenate([p[1] for p in parts])
    lv = np.concatenate([p[2] for p in parts])
    cost_fen = np.round(np.concatenate([p[3] for p in parts]) * 100).astype(np.int64)
    n = len(person)
    doy = rng.integers(0, 365, n)
    order = np.lexsort((doy, person))
    person, lv, cost_fen, doy, med_col = (
        person[order],
        lv[order],
        cost_fen[order],
        doy[order],
        med_col[order],
    )
    f1 = rng.uniform(0.45, 0.80, n)
    f3 = rng.uniform(0.0, 0.15, n)
    a1 = np.floor(cost_fen * f1).astype(np.int64)  # float only for the synthetic split
    a3 = np.floor(cost_fen * f3).astype(np.int64)
    a2 = cost_fen - a1 - a3
    no_b = ~np.array([k.class_b for k in kinds])[kind[person]]
    a1 = np.where(no_b, a1 + a2, a1)
    a2 = np.where(no_b, 0, a2)
    region = np.array([k.region for k in kinds], dtype=object)[kind[person]]
    offsite = (med_col == "21") & (rng.random(n) < 0.03)
    mdtrt = region.copy()
    if offsite.any():
        mdtrt[offsite] = [_offsite_region(r) for r in region[offsite]]
    filing = np.where(offsite, np.array(FILINGS)[rng.integers(0, len(FILINGS), n)], "none")
    stay = np.where(med_col == "21", rng.integers(2, 15, n), 0)
    start = np.datetime64(f"{year}-01-01")
    end = start + doy
    begin = np.maximum(end - stay, start)
    bal = np.where(emp, np.round(rng.lognormal(np.log(2000) - 0.5, 1.0, npers) * 100), 0)
    psn_type = np.where(retired, "1201", np.where(emp, "1101", "1501"))  # 人员类别 codes
    names = np.char.add(f"S{seed}-", np.char.zfill((first + person).astype(str), 10))
    return pa.table(
        {
            "psn_no": pa.array(names.astype(object), pa.string()),
            "mdtrt_id": pa.array(claim_base + np.arange(n, dtype=np.int64)),
            "insutype": pa.array(np.where(emp, "310", "390")[person].astype(object), pa.string()),
            "psn_type": pa.array(psn_type[person].astype(object), pa.string()),
            "age": pa.array(age[person].astype(np.int16)),
            "insuplc_admdvs": pa.array(region, pa.string()),
            "med_type": pa.array(med_col.astype(object), pa.string()),
            "hosp_lv": pa.array(lv.astype(np.int8)),
            "mdtrtarea_admvs": pa.array(mdtrt, pa.string()),
            "offsite_filing": pa.array(filing.astype(object), pa.string()),
            "begndate": pa.array(begin.astype("datetime64[D]"), pa.date32()),
            "enddate": pa.array(end.astype("datetime64[D]"), pa.date32()),
            "amt_01": pa.array(a1),
            "amt_02": pa.array(a2),
            "amt_03": pa.array(a3),
            "ytd_acct_balance": pa.array(bal.astype(np.int64)[person]),
        }
    )


def generate(
    claims: int,
    seed: int,
    *,
    year: int = 2025,
    policy: Policy | None = None,
    kinds: list[Kind] | None = None,
) -> Iterator[pa.Table]:
    """Chunks of exactly ``claims`` claims in all, sorted by person then date."""
    policy = policy or default_policy()
    kinds = kinds if kinds is not None else probe(policy, year)
    if not kinds:
        raise ValueError("政策包中没有可结算的地区组合")
    done, first, chunk_no = 0, 0, 0
    while done < claims:
        rng = np.random.default_rng([seed, chunk_no])
        t = _chunk(rng, kinds, first, PERSONS_PER_CHUNK, seed, year, done)
        if done + t.num_rows > claims:
            t = t.slice(0, claims - done)
        done += t.num_rows
        first += PERSONS_PER_CHUNK
        chunk_no += 1
        yield t


def write(
    path: Path,
    claims: int,
    seed: int,
    *,
    year: int = 2025,
    policy: Policy | None = None,
    progress: Callable[[int], None] | None = None,
    parts: int | None = None,
) -> int:
    """Write ``claims`` claims to ``path``: one file sorted by person then date, or, with
    ``parts``, a directory of part files by person hash (``partition``) — every claim of a
    person in one part, ready for the cluster runner without a shuffle."""
    if parts:
        from yibao.settlement.partition import write_parts

        return write_parts(generate(claims, seed, year=year, policy=policy), path, parts, progress)
    writer = None
    n = 0
    try:
        for t in generate(claims, seed, year=year, policy=policy):
            if writer is None:
                writer = pq.ParquetWriter(path, t.schema, compression="zstd")
            writer.write_table(t, row_group_size=1 << 20)
            n += t.num_rows
            if progress:
                progress(t.num_rows)
        if writer is None:  # zero claims: an empty file with the schema
            empty = next(
                iter(
                    [
                        _chunk(
                            np.random.default_rng(0),
                            probe(policy or default_policy(), year),
                            0,
                            1,
                            seed,
                            year,
                            0,
                        ).slice(0, 0)
                    ]
                )
            )
            writer = pq.ParquetWriter(path, empty.schema)
            writer.write_table(empty)
    finally:
        if writer is not None:
            writer.close()
    return n


__all__ = ["Kind", "generate", "probe", "write"]
