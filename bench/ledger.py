"""Benchmark the books: settlements per second through ``yibao.accounts`` (idempotency lookup,
row locks, engine, ledger entry, postings, accumulators, commit), on SQLite and on PostgreSQL with
concurrent worker processes, beside pgbench's TPC-B-like rate on the same server in the same run.

    .venv/bin/python bench/ledger.py [--claims 2000] [--workers 4] [--persons 1000] [--seconds 15]

The PostgreSQL server is a throwaway one (tests/pg.py) with durable settings (fsync and
synchronous_commit on, as in production) unless ``--fast``. pgbench runs ``-c WORKERS -j 2`` at
scale ``WORKERS`` (one branch row per client, so its hot rows do not serialise it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import queue
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pg import PgServer, PgUnavailable, find_bin  # noqa: E402

from yibao.accounts.db import upgrade  # noqa: E402
from yibao.accounts.idcard import make_id  # noqa: E402
from yibao.accounts.service import Accounts  # noqa: E402
from yibao.settlement.model import Claim  # noqa: E402

SPAWN = mp.get_context("spawn")
LASA = "540100"


def claim(psn: str, amount: int, day: int) -> Claim:
    d = f"2025-07-{1 + day % 28:02d}"
    return Claim.model_validate(
        {
            "person": {"psn_no": psn, "insutype": "310", "insuplc_admdvs": LASA},
            "encounter": {
                "med_type": "21",
                "hosp_lv": 3,
                "mdtrtarea_admvs": LASA,
                "begndate": d,
                "enddate": d,
            },
            "fees": [
                {
                    "code": f"F{i}",
                    "chrgitm_lv": "02" if i == 0 else "01",
                    "amount": str(amount + i),
                    **({"selfpay_prop": "0.10"} if i == 0 else {}),
                }
                for i in range(5)
            ],
        }
    )


def populate(url: str, persons: int) -> None:
    acc = Accounts(url)
    born = dt.date(1970, 1, 1)
    for p in range(persons):
        psn = f"B{p:05d}"
        acc.open(
            psn,
            f"测试{p}",
            make_id("540102", born + dt.timedelta(days=p), p % 1000),
            "310",
            LASA,
            since=dt.date(2025, 1, 1),
        )
        for m in range(1, 7):
            acc.credit_month(psn, dt.date(2025, m, 1), base="30000")
    acc.engine.dispose()


def worker(url: str, wid: int, n: int, persons: int, start, out) -> None:
    acc = Accounts(url)
    claims = [
        (
            claim(f"B{(wid * 7919 + i * 104729) % persons:05d}", 300 + (i * 37) % 900, i),
            f"{wid}-{i}",
        )
        for i in range(n)
    ]
    acc.settle(claims[0][0], f"warm-{wid}", trace=False)  # connect and warm caches
    start.wait(120)
    t = time.perf_counter()
    for c, key in claims:
        acc.settle(c, key, trace=False)
    out.put((wid, t, time.perf_counter()))
    acc.engine.dispose()


def run_workers(url: str, workers: int, n: int, persons: int) -> float:
    start, out = SPAWN.Event(), SPAWN.Queue()
    procs = [
        SPAWN.Process(target=worker, args=(url, w, n, persons, start, out)) for w in range(workers)
    ]
    for p in procs:
        p.start()
    time.sleep(3 + workers)  # imports and the warm-up settlement
    start.set()
    spans = []
    while len(spans) < len(procs):
        try:
            spans.append(out.get(timeout=1))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in procs):
                raise SystemExit("a worker failed (its traceback is above)") from None
    for p in procs:
        p.join()
    wall = max(s[2] for s in spans) - min(s[1] for s in spans)
    return workers * n / wall


def pgbench(server: PgServer, clients: int, seconds: int) -> float | None:
    try:
        exe = find_bin("pgbench")
    except PgUnavailable:
        return None
    server.admin("CREATE DATABASE pgbench")
    conn = ["-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres"]
    subprocess.run(
        [exe, *conn, "-i", "-q", "-s", str(clients), "pgbench"], check=True, capture_output=True
    )
    r = subprocess.run(
        [exe, *conn, "-c", str(clients), "-j", "2", "-T", str(seconds), "pgbench"],
        check=True,
        capture_output=True,
        text=True,
    )
    m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", r.stdout)
    return float(m.group(1)) if m else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=2000, help="settlements per worker")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--persons", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=15, help="pgbench duration")
    ap.add_argument("--fast", action="store_true", help="fsync off on the PostgreSQL server")
    a = ap.parse_args()
    rows: list[tuple[str, float | None]] = []

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        populate(url, a.persons)
        rows.append(("SQLite, 1 process", run_workers(url, 1, a.claims, a.persons)))
        rows.append(
            (
                f"SQLite, {a.workers} processes",
                run_workers(url, a.workers, a.claims // 2, a.persons),
            )
        )

    server = PgServer(fast=a.fast).start()
    try:
        server.admin("CREATE DATABASE ledger")
        url = server.url("ledger")
        upgrade(url)
        populate(url, a.persons)
        rows.append(("PostgreSQL, 1 process", run_workers(url, 1, a.claims // 2, a.persons)))
        ours = run_workers(url, a.workers, a.claims, a.persons)
        rows.append((f"PostgreSQL, {a.workers} processes", ours))
        ref = pgbench(server, a.workers, a.seconds)
        rows.append((f"pgbench TPC-B-like, {a.workers} clients (same server)", ref))
    finally:
        server.stop()

    durable = "fsync off" if a.fast else "fsync on, synchronous_commit on"
    print(
        f"settlements through yibao.accounts (trace off), {a.persons} persons, PostgreSQL {durable}"
    )
    print(f"{'measure':52} {'per s':>10}")
    for name, rate in rows:
        print(f"{name:52} {rate:10,.0f}" if rate else f"{name:52} {'pgbench not found':>10}")
    if ref:
        print(f"PostgreSQL {a.workers} processes / pgbench: {ours / ref:.0%} (target ≥ 40%)")


if __name__ == "__main__":
    main()
