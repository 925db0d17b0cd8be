"""Benchmark ``yibao.qa.answer.ask``: p50/p95 per question after warm-up, and the one-off
start-up cost (a fresh interpreter importing ``yibao.qa.answer`` and answering one question).

    .venv/bin/python bench/ask.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "questions.tsv"
STARTUP = (
    "import time; t0 = time.perf_counter(); import yibao.qa.answer as a; t1 = time.perf_counter(); "
    "a.ask('在拉萨三级医院住院花了2万,职工医保能报多少'); t2 = time.perf_counter(); "
    "print(t1 - t0, t2 - t1)"
)


def startup(runs: int = 5) -> tuple[float, float, float]:
    """(median import s, median first answer s, median wall s of the whole process)."""
    imp, first, wall = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP], check=True, capture_output=True, text=True
        )
        wall.append(time.perf_counter() - t)
        a, b = map(float, out.stdout.split())
        imp.append(a)
        first.append(b)
    return statistics.median(imp), statistics.median(first), statistics.median(wall)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from yibao.qa.answer import ask

    qs = [
        line.split("\t")[0]
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()[1:]
        if line
    ]
    for q in qs:  # warm-up
        ask(q)
    times = []
    for _ in range(args.rounds):
        for q in qs:
            t = time.perf_counter()
            ask(q)
            times.append(time.perf_counter() - t)
    times.sort()
    p50 = times[len(times) // 2] * 1000
    p95 = times[int(len(times) * 0.95)] * 1000
    imp, first, wall = startup()
    print(f"questions: {len(qs)} x {args.rounds} rounds = {len(times)} answers")
    print(
        f"per question after warm-up: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1] * 1000:.2f} ms"
    )
    print(
        f"start-up (fresh process, median of 5): import {imp * 1000:.0f} ms + first answer "
        f"{first * 1000:.0f} ms = {(imp + first) * 1000:.0f} ms; whole process {wall * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
