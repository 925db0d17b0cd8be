"""``yibao synth``, ``yibao batch``, ``yibao simulate``: population-scale settlement."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from yibao.cli.app import JsonOpt, app, console, err_console, fail, print_json

if TYPE_CHECKING:
    from yibao.settlement.distributed import BatchRun


@contextlib.contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator:
    if quiet or total < 200_000:  # short runs: no bar
        yield None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda k: bar.advance(task, k)


def _rows(path: Path, as_json: bool) -> int:
    import pyarrow.parquet as pq

    from yibao.settlement.partition import parts_of

    try:
        parts = parts_of(path)
        if parts:
            return sum(pq.ParquetFile(p).metadata.num_rows for p in parts)
        return pq.ParquetFile(path).metadata.num_rows
    except FileNotFoundError:
        fail(f"找不到文件 {path}", as_json=as_json)
    except Exception as exc:
        fail(f"{path} 不是有效的 Parquet 文件（{exc}）", as_json=as_json)


@app.command("synth")
def synth_cmd(
    claims: int = typer.Option(..., "--claims", min=0, help="理赔笔数"),
    seed: int = typer.Option(0, "--seed", help="随机种子（同一种子结果相同）"),
    out: Path = typer.Option(..., "-o", "--out", help="输出 Parquet 文件（分区时为目录）"),
    year: int = typer.Option(2025, "--year", help="理赔年度"),
    parts: int | None = typer.Option(
        None, "--parts", min=1, help="按参保人哈希分区写成目录（每人的理赔在同一分区）"
    ),
    as_json: bool = JsonOpt,
) -> None:
    """生成合成参保人群与理赔数据（Parquet，按人、按日期排序；或按人分区）。"""
    from yibao.settlement import synth

    t0 = time.perf_counter()
    with _progress(claims, "生成理赔", as_json) as cb:
        try:
            n = synth.write(out, claims, seed, year=year, progress=cb, parts=parts)
        except (ValueError, OSError) as exc:
            fail(str(exc), as_json=as_json)
    info = {
        "claims": n,
        "seed": seed,
        "out": str(out),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    if as_json:
        print_json(info)
    else:
        console.print(f"已生成 {n} 笔理赔 → {out}（{info['seconds']} 秒）")


@app.command("partition")
def partition_cmd(
    claims: Path = typer.Argument(..., help="理赔 Parquet 文件"),
    out: Path = typer.Option(..., "-o", "--out", help="输出目录（part-NNNNN.parquet）"),
    parts: int | None = typer.Option(
        None, "--parts", min=1, help="分区数（默认每 200 万笔一个分区）"
    ),
    as_json: bool = JsonOpt,
) -> None:
    """按参保人哈希把理赔文件分区，集群结算时无需再搬运数据。"""
    from yibao.settlement.batch import BatchError
    from yibao.settlement.partition import default_parts, partition_file

    total = _rows(claims, as_json)
    parts = parts or default_parts(total)
    t0 = time.perf_counter()
    try:
        with _progress(total, "分区", as_json) as cb:
            n = partition_file(claims, out, parts, progress=cb)
    except (BatchError, ValueError, OSError) as exc:
        fail(str(exc), as_json=as_json)
    info = {"claims": n, "parts": parts, "out": str(out)}
    info["seconds"] = round(time.perf_counter() - t0, 2)
    if as_json:
        print_json(info)
    else:
        console.print(f"已将 {n} 笔理赔分为 {parts} 个分区 → {out}（{info['seconds']} 秒）")


@app.command("warm")
def warm_cmd(as_json: bool = JsonOpt) -> None:
    """预先编译批量结算内核（安装时运行一次，之后首次批量结算无需等待编译）。"""
    from yibao.settlement.warm import warm

    secs = warm()
    if as_json:
        print_json({"seconds": round(secs, 2)})
    else:
        console.print(f"批量结算内核已就绪（{secs:.1f} 秒）")


@app.command("batch")
def batch_cmd(
    claims: Path = typer.Argument(..., help="理赔 Parquet 文件，或按人分区的目录"),
    out: Path = typer.Option(..., "-o", "--out", help="结算结果 Parquet（分区输入或集群为目录）"),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="dask 调度器地址 tcp://HOST:PORT"
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="在本机启动 dask 集群的工作进程数（每进程一个线程）"
    ),
    closing: Path | None = typer.Option(
        None, "--closing", help="年末累计值输出（文件输入为 Parquet 文件，分区或集群为目录）"
    ),
    as_json: bool = JsonOpt,
) -> None:
    """批量结算（向量化引擎；给出 --scheduler 或 --workers 时在 dask 集群上运行）。"""
    from yibao.settlement.batch import BatchError
    from yibao.settlement.distributed import run_local, run_parts_local
    from yibao.settlement.partition import parts_of

    if scheduler and workers:
        fail("--scheduler 与 --workers 只能选一个", as_json=as_json)
    total = _rows(claims, as_json)
    t0 = time.perf_counter()
    try:
        with _progress(total, "批量结算", as_json) as cb:
            if scheduler or workers:
                run = _on_cluster(claims, out, scheduler, workers, closing, cb, as_json)
            elif parts_of(claims):
                run = run_parts_local(claims, out, closing=closing, progress=cb)
            else:
                run = run_local(claims, out, closing=closing, progress=cb)
    except BatchError as exc:
        fail(str(exc), as_json=as_json)
    secs = time.perf_counter() - t0
    n = run.claims
    info = {
        "claims": n,
        "out": str(out),
        "seconds": round(secs, 2),
        "claims_per_second": round(n / secs) if secs > 0 else None,
        "caveats": list(run.caveats),
    }
    if as_json:
        print_json(info)
        return
    console.print(f"已结算 {n} 笔理赔 → {out}（{secs:.1f} 秒，{info['claims_per_second']} 笔/秒）")
    for c in run.caveats:  # disputed figures and national bounds used, as `yibao settle` says
        console.print(f"[yellow]请注意所用数字：{c}[/yellow]")


def _on_cluster(claims, out, scheduler, workers, closing, cb, as_json) -> BatchRun:
    from distributed import Client

    from yibao.settlement.distributed import run_cluster

    if workers:
        from yibao.settlement.cluster import local_cluster

        with local_cluster(workers) as cluster, Client(cluster) as client:
            return run_cluster(claims, out, client, closing=closing, progress=cb)
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        fail(f"无法连接调度器 {scheduler}（{exc}）", as_json=as_json)
    with client:
        return run_cluster(claims, out, client, closing=closing, progress=cb)


@app.command("simulate")
def simulate_cmd(
    claims: Path = typer.Argument(..., help="理赔 Parquet 文件"),
    reform: Path = typer.Option(..., "--reform", help="改革方案 YAML（政策包格式）"),
    out: Path = typer.Option(Path("simulate"), "-o", "--out", help="图表输出前缀（.png/.html）"),
    as_json: bool = JsonOpt,
) -> None:
    """改革模拟：基线与改革方案分别结算，按地区、险种、医院等级比较。"""
    from yibao.settlement.batch import BatchError
    from yibao.settlement.reform import (
        HEADERS,
        chart_png,
        load_reform,
        simulate,
        table_rows,
        to_html,
    )

    total = _rows(claims, as_json)
    try:
        policy = load_reform(reform)
        with _progress(total, "改革模拟", as_json) as cb:
            report = simulate(claims, policy, progress=cb)
    except BatchError as exc:
        fail(str(exc), as_json=as_json)
    png = chart_png(report)
    png_path, html_path = out.with_suffix(".png"), out.with_suffix(".html")
    png_path.write_bytes(png)
    html_path.write_text(to_html(report, f"改革模拟：{reform.name}", png), encoding="utf-8")
    if as_json:
        print_json(
            {
                "rows": report.rows,
                "totals": report.totals(),
                "png": str(png_path),
                "html": str(html_path),
            }
        )
        return
    t = Table(title=f"改革模拟：{reform.name}（金额单位：元）")
    for h in HEADERS:
        t.add_column(h)
    for row in table_rows(report):
        t.add_row(*row)
    console.print(t)
    console.print(f"图表：{png_path}  报告：{html_path}")
