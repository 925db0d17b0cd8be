"""Benchmark ``yibao.qa.answer.ask``: p50/p95 per question after warm-up, and the one-off
start-up cost (a fresh interpreter importing ``yibao.qa.answer``, loading the intent model and
answering one question).

    .venv/bin/python bench/ask.py [--rounds 5]

Baselines measured in the same run: the same questions with the statistical intent model
switched off (patterns only, what the project had before), rounds interleaved; and for start-up,
a fresh interpreter that does nothing (``python -c pass``). A two-turn conversation (token
decoded, slots carried) is timed as well.
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
    "import yibao.qa.model as m; m.load(); t2 = time.perf_counter(); "
    "a.ask('在拉萨三级医院住院花了2万,职工医保能报多少'); t3 = time.perf_counter(); "
    "print(t1 - t0, t2 - t1, t3 - t2)"
)


def startup(runs: int = 5) -> dict[str, float]:
    """Medians (s): import, model load, first answer, whole process, and an empty interpreter."""
    cols: dict[str, list[float]] = {k: [] for k in ("import", "model", "first", "wall", "empty")}
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        cols["empty"].append(time.perf_counter() - t)
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP], check=True, capture_output=True, text=True
        )
        cols["wall"].append(time.perf_counter() - t)
        a, b, c = map(float, out.stdout.split())
        cols["import"].append(a)
        cols["model"].append(b)
        cols["first"].append(c)
    return {k: statistics.median(v) for k, v in cols.items()}


def pct(times: list[float], q: float) -> float:
    s = sorted(times)
    return s[min(len(s) - 1, int(len(s) * q))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from yibao.qa import model
    from yibao.qa.answer import ask

    qs = [
        line.split("\t")[0]
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()[1:]
        if line
    ]
    shipped_load = model.load

    def patterns_only():
        return None

    for q in qs:  # warm-up, both variants
        ask(q)
    times: dict[str, list[float]] = {"shipped": [], "patterns only": []}
    for _ in range(args.rounds):
        for name, loader in (("shipped", shipped_load), ("patterns only", patterns_only)):
            model.load = loader
            for q in qs:
                t = time.perf_counter()
                ask(q)
                times[name].append(time.perf_counter() - t)
    model.load = shipped_load
    turns = []
    for _ in range(args.rounds * 20):
        t = time.perf_counter()
        first = ask("拉萨职工医保住院报销比例")
        ask("三级医院，花了2万", conversation_token=first["conversation"])
        turns.append(time.perf_counter() - t)
    print(f"questions: {len(qs)} x {args.rounds} rounds per variant")
    for name, ts in times.items():
        print(
            f"{name:14s} per question: p50 {pct(ts, 0.5):.2f} ms, p95 {pct(ts, 0.95):.2f} ms, "
            f"max {max(ts) * 1000:.2f} ms"
        )
    ratio = pct(times["shipped"], 0.95) / pct(times["patterns only"], 0.95)
    print(f"p95 ratio shipped / patterns only: {ratio:.2f}")
    print(
        f"two-turn conversation (both turns): p50 {pct(turns, 0.5):.2f} ms, p95 {pct(turns, 0.95):.2f} ms"
    )
    s = startup()
    total = s["import"] + s["model"] + s["first"]
    print(
        f"start-up (fresh process, median of 5): import {s['import'] * 1000:.0f} ms + model "
        f"{s['model'] * 1000:.0f} ms + first answer {s['first'] * 1000:.0f} ms = {total * 1000:.0f} ms; "
        f"whole process {s['wall'] * 1000:.0f} ms; empty interpreter {s['empty'] * 1000:.0f} ms "
        f"(ratio {s['wall'] / s['empty']:.1f}x)"
    )


if __name__ == "__main__":
    main()
