"""The guarantees of the books, proved against a real PostgreSQL server with real processes:

* concurrent settlements for the same people never overdraw and never count a deductible twice:
  afterwards every settlement and accumulator equals a serial replay in commit order;
* concurrent retries of one idempotency key settle once;
* a settling process killed with SIGKILL mid-transaction leaves consistent books.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.test_accounts_service import claim, counts, fund, person
from yibao.accounts.audit import audit
from yibao.accounts.ledger import ENTRIES, POSTINGS, SETTLEMENTS
from yibao.accounts.service import Accounts
from yibao.money import from_fen
from yibao.settlement.engine import settle as engine_settle
from yibao.settlement.model import Settlement, Ytd

pytest_plugins = ["tests.pg"]

WORKERS = 4
PER_WORKER = 12
SPAWN = mp.get_context("spawn")


def setup_family(url: str) -> None:
    acc = Accounts(url)
    person(acc, "A", dt.date(1980, 5, 1), 11)
    person(acc, "B", dt.date(1950, 5, 1), 13, psn_type="retired")
    fund(acc, "A", 6, base="20000")  # 6 × 400.00
    acc.bind("A", "B", "parent", day=dt.date(2025, 2, 1))
    acc.engine.dispose()


def worker_claim(wid: int, i: int):
    amount = str(700 + 97 * wid + 61 * i)
    day = f"2025-07-{1 + (wid * PER_WORKER + i) % 28:02d}"
    if (wid + i) % 2:
        return claim("B", amount, psn_type="retired", day=day), "A"
    return claim("A", amount, day=day), None


def settle_worker(url: str, wid: int, start, out) -> None:
    acc = Accounts(url)
    start.wait(60)
    done = []
    for i in range(PER_WORKER):
        c, payer = worker_claim(wid, i)
        s = acc.settle(c, f"w{wid}-{i}", payer=payer, trace=False)
        shared = acc.settle(claim("A", "900", day="2025-07-15"), "shared", trace=False)
        done.append((s.setl_id, shared.setl_id))
        if wid == 0 and i < 6:  # credits race with the settlements
            acc.credit_month("A", dt.date(2025, 7 + i, 1), base="20000")
    out.put((wid, done))
    acc.engine.dispose()


def serial_replay(acc: Accounts) -> None:
    """Replay every credit and settlement in commit (entry) order through the engine alone and
    compare with what the database holds."""
    with acc.engine.connect() as conn:
        setl = {r.entry_id: r for r in conn.execute(select(SETTLEMENTS))}
        q = (
            select(ENTRIES.c.id, ENTRIES.c.kind, POSTINGS.c.amount_fen)
            .join(POSTINGS, POSTINGS.c.entry_id == ENTRIES.c.id)
            .where(ENTRIES.c.kind == "credit", POSTINGS.c.kind == "credit")
        )
        credits = {r.id: r.amount_fen for r in conn.execute(q)}
    balance = 0
    ytd = {"A": Ytd(), "B": Ytd()}
    for entry_id in sorted(set(setl) | set(credits)):
        if entry_id in credits:
            balance += credits[entry_id]
            continue
        row = setl[entry_id]
        stored = Settlement.model_validate_json(row.result)
        c = stored_claim(row)
        own = from_fen(balance) if row.psn_no == "A" else Decimal("0.00")
        aid = from_fen(balance) if row.payer_psn_no == "A" else Decimal("0.00")
        c = c.model_copy(
            update={
                "ytd": ytd[row.psn_no].model_copy(update={"acct_balance": own}),
                "mulaid_balance": aid,
            }
        )
        replay = engine_settle(c, acc.policy, trace=False)
        assert replay.setlinfo == stored.setlinfo, f"settlement {row.setl_id} differs from replay"
        balance -= int(replay.setlinfo.acct_pay * 100)
        assert balance >= 0
        ytd[row.psn_no] = replay.ytd.model_copy(update={"acct_balance": Decimal("0.00")})
    assert acc.balance("A")["balance"] == from_fen(balance)
    for p in ("A", "B"):
        assert acc.ytd(p, 2025) == ytd[p]


def stored_claim(row):
    """The claim of a settlement row (workers' keys are deterministic)."""
    if row.idempotency_key == "shared":
        return claim("A", "900", day="2025-07-15")
    wid, i = (int(x) for x in row.idempotency_key[1:].split("-"))
    return worker_claim(wid, i)[0]


def test_concurrent_settlements_equal_a_serial_replay(pg_url):
    setup_family(pg_url)
    start, out = SPAWN.Event(), SPAWN.Queue()
    procs = [
        SPAWN.Process(target=settle_worker, args=(pg_url, w, start, out)) for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    time.sleep(0.5)
    start.set()
    results = dict(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    shared = {s for done in results.values() for _, s in done}
    assert len(shared) == 1  # one key, settled once, whoever came first
    acc = Accounts(pg_url)
    with acc.engine.connect() as conn:
        assert audit(conn) == []
        n = len(conn.execute(select(SETTLEMENTS.c.setl_id)).all())
    assert n == WORKERS * PER_WORKER + 1
    ytd_a, ytd_b = acc.ytd("A", 2025), acc.ytd("B", 2025)
    assert ytd_a.stays + ytd_b.stays == n
    # the first stay of the year pays 700, the second 500, the third 400, then 300 each
    for y in (ytd_a, ytd_b):
        assert y.ip_dedc == sum(Decimal(d) for d in ([700, 500, 400] + [300] * 99)[: y.stays])
    serial_replay(acc)
    acc.engine.dispose()


def slow_settle(url: str, marker: str) -> None:
    """Settle, but stop inside the transaction after every row is written (before COMMIT)."""
    original = Accounts._write_settlement

    def write_then_hang(self, *args, **kw):
        got = original(self, *args, **kw)
        Path(marker).write_text("written")
        time.sleep(120)
        return got

    Accounts._write_settlement = write_then_hang
    Accounts(url).settle(claim("A", "3000", day="2025-07-20"), "killed", trace=False)


def busy_settle(url: str, tag: str) -> None:
    acc = Accounts(url)
    for i in range(10_000):
        c = claim("A", str(701 + i % 50), day="2025-07-21")
        acc.settle(c, f"busy{tag}-{i}", trace=False)
        if i % 3 == 0:
            acc.reverse(acc.settle(c, f"busy{tag}-r{i}", trace=False).setl_id)


def wait_for_settlement(acc: Accounts, key: str, proc, timeout: float = 60) -> None:
    """Until the child has committed ``key`` (its start-up time depends on the machine's load)."""
    deadline = time.monotonic() + timeout
    q = select(SETTLEMENTS.c.setl_id).where(SETTLEMENTS.c.idempotency_key == key)
    while True:
        with acc.engine.connect() as conn:
            if conn.execute(q).first() is not None:
                return
        assert time.monotonic() < deadline and proc.is_alive(), f"{key} never settled"
        time.sleep(0.05)


def test_sigkill_mid_transaction_leaves_consistent_books(pg_url, tmp_path):
    setup_family(pg_url)
    acc = Accounts(pg_url)
    before_counts, before_balance = counts(acc), acc.balance("A")
    marker = tmp_path / "marker"
    p = SPAWN.Process(target=slow_settle, args=(pg_url, str(marker)))
    p.start()
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline and p.is_alive(), "the settling process never wrote"
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.join(10)
    assert p.exitcode == -signal.SIGKILL
    assert counts(acc) == before_counts and acc.balance("A") == before_balance
    # the lock died with the process: the same key settles now, once
    s = acc.settle(claim("A", "3000", day="2025-07-20"), "killed", trace=False)
    assert not s.replayed
    # and killed at random points of a busy loop of settlements and reversals, timed from its
    # first committed settlement (starting the child takes seconds on a loaded machine)
    for run, delay in enumerate((0.3, 0.8, 1.3)):
        q = SPAWN.Process(target=busy_settle, args=(pg_url, str(run)))
        q.start()
        wait_for_settlement(acc, f"busy{run}-0", q)
        time.sleep(delay)
        os.kill(q.pid, signal.SIGKILL)
        q.join(10)
        with acc.engine.connect() as conn:
            assert audit(conn) == []
    with acc.engine.connect() as conn:
        assert audit(conn) == []
        busy = conn.execute(
            select(SETTLEMENTS.c.setl_id).where(SETTLEMENTS.c.idempotency_key.like("busy%"))
        ).all()
    assert busy, "the busy loop settled nothing before it was killed"
    acc.engine.dispose()


@pytest.mark.parametrize("n", [8])
def test_concurrent_retries_of_one_key_settle_once(pg_url, n):
    setup_family(pg_url)
    start, out = SPAWN.Event(), SPAWN.Queue()
    procs = [SPAWN.Process(target=retry_worker, args=(pg_url, start, out)) for _ in range(n)]
    for p in procs:
        p.start()
    time.sleep(0.5)
    start.set()
    got = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    assert len({g[0] for g in got}) == 1
    assert sorted(g[1] for g in got) == [False] + [True] * (n - 1)
    acc = Accounts(pg_url)
    with acc.engine.connect() as conn:
        assert audit(conn) == []
        assert len(conn.execute(select(SETTLEMENTS.c.setl_id)).all()) == 1
    acc.engine.dispose()


def retry_worker(url: str, start, out) -> None:
    acc = Accounts(url)
    start.wait(60)
    s = acc.settle(claim("A", "2000", day="2025-07-02"), "retry-me", trace=False)
    out.put((s.setl_id, s.replayed))
    acc.engine.dispose()
