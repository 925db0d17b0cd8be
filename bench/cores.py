"""How much two busy processes slow each other on this machine (not run by the test suite).

    .venv/bin/python bench/cores.py pyloop numpy-cache numpy-mem part

Each job is single-threaded; it runs alone, then as two copies released together, three times
each (interleaved); the figure is the best wall time of two-at-once over the best alone. On a
machine with two independent cores it is ≈ 1.0 for jobs that fit in a core's own caches
(``pyloop``, ``numpy-cache``); above that, the two CPUs share execution resources (e.g. the
hypervisor's two vCPUs are one physical core's two hyperthreads), which bounds how far two
workers can beat one (bench/RESULTS.md, "Scale-out"). ``part``: ``settle_part`` on one part
of the scale benchmark's data (run ``batch.py --scale`` first).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PART = Path("/tmp/yibao-scale-bench/claims-4000000-parts8/part-00000.parquet")


def _job(kind: str) -> Callable[[], None]:
    """Set up (imports, data), return the timed work."""
    import numpy as np

    if kind == "pyloop":

        def run() -> None:
            s = 0
            for i in range(15_000_000):
                s += i * i % 7

        return run
    if kind == "numpy-cache":  # 1 MiB: stays in the core's L2
        a = np.random.default_rng(0).random(1 << 17)

        def run() -> None:
            for _ in range(6000):
                a.sum()
                np.multiply(a, 1.0000001, out=a)

        return run
    if kind == "numpy-mem":  # 400 MB: streams from memory
        b = np.random.default_rng(0).random(50_000_000)

        def run() -> None:
            for _ in range(15):
                b.sum()
                np.multiply(b, 1.0000001, out=b)

        return run
    if kind == "part":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
        from yibao.settlement.batch import settle_table
        from yibao.settlement.distributed import settle_part

        settle_table(pq.read_table(PART).slice(0, 1000))
        d = f"/tmp/yibao-cores-{os.getpid()}"
        os.makedirs(d, exist_ok=True)
        settle_part(str(PART), d)

        def run() -> None:
            for _ in range(3):
                settle_part(str(PART), d)

        return run
    raise SystemExit(f"unknown job {kind}")


def child(kind: str) -> None:
    run = _job(kind)
    print("ready", flush=True)
    sys.stdin.readline()
    t0 = time.perf_counter()
    run()
    print(json.dumps(time.perf_counter() - t0))


def together(kind: str, copies: int) -> float:
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(copies)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    return max(json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs)


def main() -> None:
    if sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    for kind in sys.argv[1:]:
        alone, two = [], []
        for _ in range(3):
            alone.append(round(together(kind, 1), 3))
            two.append(round(together(kind, 2), 3))
        print(
            json.dumps(
                {
                    "job": kind,
                    "alone_s": alone,
                    "two_at_once_s": two,
                    "slowdown": round(min(two) / min(alone), 3),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
