"""HTTP latency at a steady load on loopback: ask and pre-settle at 200 requests/s.

Run: .venv/bin/python bench/http_load.py [--rate 200] [--seconds 10]

Starts ``yibao serve`` (uvicorn, one process, temp SQLite) on 127.0.0.1, then sends requests
at a fixed rate (open loop: each request starts on schedule whether or not earlier ones have
answered, so queueing shows up in the latency) with httpx from this process. Baseline in the
same run: ``GET /api/regions?q=拉萨`` (routing + JSON, no rules). Target: p99 ≤ 50 ms at
200 requests/s for ask and pre-settle.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CLAIM = {
    "person": {"psn_no": "B1", "insutype": "310", "insuplc_admdvs": "540100"},
    "encounter": {"med_type": "21", "hosp_lv": 3, "mdtrtarea_admvs": "540100",
                  "begndate": "2025-05-01", "enddate": "2025-05-10"},
    "fees": [{"code": f"A{i}", "chrgitm_lv": "01", "amount": "1000"} for i in range(20)],
}  # fmt: skip
QUESTIONS = [
    "拉萨医保卡里的钱能取出来吗?",
    "在拉萨三级医院住院花了2万,职工医保能报多少",
    "异地就医备案需要什么材料",
    "石家庄医保必须缴纳多少年才能终身享受?",
    "广州医保家庭共济如何绑定使用?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def steady(client: httpx.AsyncClient, make, rate: float, seconds: float) -> dict:
    lat: list[float] = []
    errors = 0
    n = int(rate * seconds)
    start = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal errors
        method, url, body = make(i)
        t0 = time.perf_counter()
        r = await client.request(method, url, json=body)
        lat.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            errors += 1

    tasks = []
    for i in range(n):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    lat.sort()
    return {
        "requests": n,
        "achieved_rps": n / wall,
        "p50": statistics.median(lat),
        "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
        "max": lat[-1],
        "errors": errors,
    }


async def main(rate: float, seconds: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="yibao-http-"))
    port = free_port()
    env = {**os.environ, "YIBAO_DATABASE_URL": f"sqlite:///{tmp / 'b.db'}",
           "YIBAO_API_KEYS": str(tmp / "keys.json")}  # fmt: skip
    exe = Path(sys.executable).with_name("yibao")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10,
                                     limits=httpx.Limits(max_connections=64)) as client:  # fmt: skip
            for _ in range(200):
                try:
                    if (await client.get("/api/regions", params={"q": "拉萨"})).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            cases = {
                "baseline GET /api/regions": lambda i: ("GET", "/api/regions?q=拉萨", None),
                "POST /api/ask": lambda i: ("POST", "/api/ask",
                                            {"question": QUESTIONS[i % len(QUESTIONS)]}),
                "POST /api/presettle (20 lines)": lambda i: ("POST", "/api/presettle", CLAIM),
            }  # fmt: skip
            for make in cases.values():  # warm-up
                for i in range(50):
                    m, u, b = make(i)
                    await client.request(m, u, json=b)
            results = {name: await steady(client, make, rate, seconds)
                       for name, make in cases.items()}  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)
    base_p99 = results["baseline GET /api/regions"]["p99"]
    print(f"rate {rate:.0f} req/s for {seconds:.0f} s each, loopback, one uvicorn worker")
    print(f"{'endpoint':<34}{'achieved':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'p99/base':>10}{'errors':>8}")  # fmt: skip
    for name, r in results.items():
        print(f"{name:<34}{r['achieved_rps']:>10.1f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
              f"{r['max']:>9.2f}{r['p99'] / base_p99:>9.1f}×{r['errors']:>8}")  # fmt: skip


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=10)
    a = ap.parse_args()
    asyncio.run(main(a.rate, a.seconds))
