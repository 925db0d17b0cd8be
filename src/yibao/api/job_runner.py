"""Runs reform simulation jobs away from the API: one at a time, each in its own process with a
memory and CPU limit, so that no upload can starve or exhaust the server.

The input is bounded before it is read: the Parquet file's own metadata must declare at most
``MAX_ROWS`` rows and ``MAX_UNCOMPRESSED`` bytes once decompressed (a 1 MB file can describe
20 million rows); the reform YAML is parsed with an alias limit (``policy.loader``). The child
process runs under ``RLIMIT_AS`` (``MEMORY_LIMIT``) and ``RLIMIT_CPU``: a job that still
outgrows them fails alone, and its memory goes back to the system with the process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from typing import Any

from yibao.accounts.jobs import JobStore
from yibao.money import from_fen

MAX_ROWS = int(os.environ.get("YIBAO_JOB_MAX_ROWS", "2000000"))
MAX_UNCOMPRESSED = 1 << 30  # 1 GiB of column data once decompressed
MEMORY_LIMIT = 6 << 30  # address space of the job process
CPU_LIMIT = 900  # seconds
_CTX = mp.get_context("spawn")


class JobFailed(Exception):
    """The job cannot run or did not finish; the message (Chinese) says why."""


def check_parquet(path) -> None:
    """Refuse a file whose metadata declares too many rows or too much data."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:
        raise JobFailed("理赔文件不是有效的 Parquet 文件") from None
    if meta.num_rows > MAX_ROWS:
        raise JobFailed(
            f"理赔文件有 {meta.num_rows:,} 行，作业最多 {MAX_ROWS:,} 行；大文件请用 yibao simulate"
        )
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > MAX_UNCOMPRESSED:
        raise JobFailed(
            f"理赔文件解压后约 {size // (1 << 20):,} MB，超过作业上限 "
            f"{MAX_UNCOMPRESSED // (1 << 20):,} MB；大文件请用 yibao simulate"
        )


def _limit_resources() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))


def _child(claims: bytes, reform_text: str, out) -> None:
    """The job process: bounds, then the simulation; sends progress, then done or failed."""
    import tempfile
    from pathlib import Path

    try:
        _limit_resources()
        from yibao.policy.loader import parse_pack
        from yibao.policy.resolve import default_policy
        from yibao.policy.schema import PolicyError
        from yibao.settlement.batch import BatchError
        from yibao.settlement.reform import simulate

        base = default_policy()
        try:
            pack = parse_pack(reform_text, base.catalogue, "reform.yaml")
        except PolicyError as exc:
            raise JobFailed(f"改革方案无效：{exc}") from None
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "claims.parquet"
            src.write_bytes(claims)
            del claims
            check_parquet(src)
            done = 0

            def progress(n: int) -> None:
                nonlocal done
                done += n
                out.send(("progress", done))

            try:
                report = simulate(src, base.with_overlay({pack.admdvs: pack}), base, progress)
            except BatchError as exc:
                raise JobFailed(str(exc).replace(tmp, "")) from None
        out.send(("done", report_body(report)))
    except JobFailed as exc:
        out.send(("failed", str(exc)))
    except MemoryError:
        out.send(("failed", "作业超出内存上限；大文件请用 yibao simulate"))
    except Exception as exc:  # anything else: named, without paths
        out.send(("failed", f"作业失败：{type(exc).__name__}"))
    finally:
        out.close()


def run_job(claims: bytes, reform: str, progress=None) -> dict[str, Any]:
    """Run one job in a child process; its report, or JobFailed."""
    receive, send = _CTX.Pipe(duplex=False)
    proc = _CTX.Process(target=_child, args=(claims, reform, send), daemon=True)
    proc.start()
    send.close()
    outcome: tuple[str, Any] | None = None
    try:
        while True:
            try:
                kind, value = receive.recv()
            except EOFError:  # the child ended (or was killed) without a word
                break
            if kind == "progress":
                if progress:
                    progress(value)
            else:
                outcome = (kind, value)
    finally:
        proc.join(30)
        if proc.is_alive():  # pragma: no cover
            proc.kill()
    if outcome is None:
        raise JobFailed("作业进程异常终止（可能超出内存或时间上限）；大文件请用 yibao simulate")
    if outcome[0] == "failed":
        raise JobFailed(outcome[1])
    return outcome[1]


def report_body(report) -> dict[str, Any]:
    totals = report.totals()

    def money(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "fund_base": from_fen(r["fund_base"]),
            "fund_reform": from_fen(r["fund_reform"]),
            "fund_change": from_fen(r["fund_reform"] - r["fund_base"]),
        }

    rows = [
        {
            "insuplc_admdvs": r["insuplc_admdvs"],
            "insutype": r["insutype"],
            "hosp_lv": r["hosp_lv"],
            "claims": r["claims"],
            "people": r["people"],
            **money(r),
            "better": r["better"],
            "worse": r["worse"],
        }
        for r in report.rows
    ]
    return {
        "totals": {
            "claims": totals["claims"],
            "people": totals["people"],
            **money(totals),
            "better": totals["better"],
            "worse": totals["worse"],
        },
        "rows": rows,
    }


class Runner:
    """The one job worker of a server: a daemon thread taking queued jobs from the database."""

    def __init__(self, store: JobStore) -> None:
        self.store = store
        self.wake = threading.Event()
        store.requeue_running()  # jobs of a process that died are run again
        self.thread = threading.Thread(target=self._loop, name="yibao-jobs", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            try:
                job = self.store.take()
            except Exception:  # the database is away: try again later
                job = None
            if job is None:
                self.wake.wait(5)
                self.wake.clear()
                continue
            job_id, claims, reform = job
            try:
                result = run_job(claims, reform, lambda n, j=job_id: self.store.progress(j, n))
            except JobFailed as exc:
                self.store.finish(job_id, error=str(exc))
            except Exception as exc:  # pragma: no cover - the runner itself must not die
                self.store.finish(job_id, error=f"作业失败：{type(exc).__name__}")
            else:
                self.store.finish(job_id, result=result)
