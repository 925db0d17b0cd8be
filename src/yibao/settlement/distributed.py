"""Runners around the batch kernel: a local streaming runner and a dask.distributed one.

``run_local`` streams a Parquet file sorted by person (as ``synth`` writes it) in chunks cut at
person boundaries, so memory stays bounded whatever the size; an unsorted file is read whole
and sorted by person first. ``run_cluster`` settles a dataset partitioned by person hash
(``partition``): one dask task per part file, no claim ever moves between workers; it writes
a partitioned Parquet dataset (``part-NNNNN.parquet``, same part numbers) whose ``claim_row``
column gives each claim's row in the original order. ``run_parts_local`` does the same in
this process (the baseline the cluster is measured against). Every runner writes the persons'
closing accumulators only when asked (``closing``), and writes Parquet with ``write_options``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from yibao.policy.resolve import Policy, default_policy
from yibao.settlement.batch import BatchError, check_columns, merge_caveats, settle_table
from yibao.settlement.partition import default_parts, partition_file, parts_of

KEEP = ("mdtrt_id", "insuplc_admdvs", "insutype", "psn_type", "med_type", "hosp_lv")
Progress = Callable[[int], None] | None
ROW_GROUP = 1 << 17  # rows per Parquet row group written (as the streaming runner's chunks)


@dataclass(frozen=True)
class BatchRun:
    """What a runner settled: the claim count, and what a citizen must be told about the
    figures used (``BatchResult.caveats`` of every chunk or part, without repeats)."""

    claims: int
    caveats: tuple[str, ...] = ()


# Low-cardinality code columns are read as Arrow dictionaries: the batch engine then uses their
# indices directly instead of hashing strings (about 30% of its time on plain string columns).
CATEGORICAL = (
    "insutype",
    "psn_type",
    "resident_group",
    "insuplc_admdvs",
    "med_type",
    "mdtrtarea_admvs",
    "offsite_filing",
)


def open_parquet(src: Path) -> pq.ParquetFile:
    """Open a claims file with its categorical columns read as dictionaries."""
    try:
        names = pq.ParquetFile(src).schema_arrow.names
        pf = pq.ParquetFile(src, read_dictionary=[c for c in CATEGORICAL if c in names])
    except FileNotFoundError:
        raise BatchError(f"找不到文件 {src}") from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise BatchError(f"{src} 不是有效的 Parquet 文件（{exc}）") from None
    check_columns(pf.schema_arrow.names)
    return pf


def write_options(schema: pa.Schema) -> dict[str, Any]:
    """Parquet writer options for settlement output and closing accumulators: zstd, dictionary
    pages only for the code columns read as dictionaries (few distinct values), delta encoding
    for the integer columns (amounts in fen, row numbers); ``psn_no``, sorted, compresses
    plainly. Arrow's default tries a dictionary on every column first: this takes about half
    its CPU and gives smaller files (bench/RESULTS.md, "Scale-out")."""
    return {
        "compression": "zstd",
        "use_dictionary": [f.name for f in schema if pa.types.is_dictionary(f.type)],
        "column_encoding": {
            f.name: "DELTA_BINARY_PACKED" for f in schema if pa.types.is_integer(f.type)
        },
    }


def write_table(table: pa.Table, dst: Path | str) -> None:
    pq.write_table(table, dst, row_group_size=ROW_GROUP, **write_options(table.schema))


def output_table(claims: pa.Table, settled: pa.Table) -> pa.Table:
    """psn_no, the pass-through columns present, then the setlinfo amounts."""
    out = settled
    for i, name in enumerate(k for k in KEEP if k in claims.column_names):
        out = out.add_column(1 + i, name, claims.column(name))
    return out


def _sorted_by_person(pf: pq.ParquetFile) -> bool:
    """One streaming pass over ``psn_no`` only: is the file sorted by person?"""
    last = None
    for batch in pf.iter_batches(batch_size=1 << 20, columns=["psn_no"]):
        psn = batch.column(0)
        if len(psn) == 0:
            continue
        if psn.null_count:
            raise BatchError("列 psn_no 有空值")
        if last is not None and psn[0].as_py() < last:
            return False
        if pc.all(pc.less_equal(psn[:-1], psn[1:])).as_py() is False:
            return False
        last = psn[-1].as_py()
    return True


def person_chunks(
    src: Path, chunk_rows: int = 1 << 20
) -> Iterator[tuple[pa.Table, pa.Array | None]]:
    """Tables holding every claim of their persons, with the input row numbers of an unsorted
    file (None when the file is sorted by person and is streamed in order)."""
    pf = open_parquet(src)
    if _sorted_by_person(pf):
        yield from ((t, None) for t in _cut(pf.iter_batches(batch_size=chunk_rows)))
        return
    table = pf.read()  # unsorted: read whole, sort by person (the kernel orders by date)
    order = pc.sort_indices(table, [("psn_no", "ascending")])
    table = table.take(order)
    lo = 0
    for t in _cut(table.to_batches(chunk_rows)):
        yield t, order.slice(lo, t.num_rows)
        lo += t.num_rows


def _cut(batches) -> Iterator[pa.Table]:
    carry: pa.Table | None = None
    for batch in batches:
        t = pa.Table.from_batches([batch])
        if t.num_rows == 0:
            continue
        if carry is not None:
            t = pa.concat_tables([carry, t])
        psn = t.column("psn_no")
        cut = pc.index(psn, psn[-1]).as_py()  # the last person may go on in the next batch
        carry = t.slice(cut)
        if cut:
            yield t.slice(0, cut)
    if carry is not None and carry.num_rows:
        yield carry


def run_local(
    src: Path,
    dst: Path,
    policy: Policy | None = None,
    *,
    closing: Path | None = None,
    progress: Progress = None,
    chunk_rows: int = 1 << 20,
) -> BatchRun:
    """Settle ``src`` into ``dst`` (one row per claim, input order)."""
    policy = policy or default_policy()
    writer = cwriter = None
    rows, parts = [], []
    n = 0
    caveats: tuple[str, ...] = ()
    try:
        for t, where in person_chunks(src, chunk_rows):
            res = settle_table(t, policy)
            caveats = merge_caveats((caveats, res.caveats))
            out = output_table(t, res.claims)
            if where is not None:  # unsorted input: put back in input order at the end
                parts.append(out)
                rows.append(where)
            else:
                if writer is None:
                    writer = pq.ParquetWriter(dst, out.schema, **write_options(out.schema))
                writer.write_table(out)
            if closing is not None:
                if cwriter is None:
                    schema = res.closing.schema
                    cwriter = pq.ParquetWriter(closing, schema, **write_options(schema))
                cwriter.write_table(res.closing)
            n += t.num_rows
            if progress:
                progress(t.num_rows)
        if parts:
            out = pa.concat_tables(parts)
            where = pa.chunked_array(rows).to_numpy()
            inv = np.empty(len(where), dtype=np.int64)
            inv[where] = np.arange(len(where))
            write_table(out.take(pa.array(inv)), dst)
        elif writer is None:
            raise BatchError("输入文件没有理赔记录")
    finally:
        if writer is not None:
            writer.close()
        if cwriter is not None:
            cwriter.close()
    return BatchRun(n, caveats)


# --- partitioned datasets (no shuffle) ----------------------------------------------------------


def settle_part(
    part: str, dst: str, policy: Policy | None = None, closing: str | None = None
) -> BatchRun:
    """Settle one part file (every claim of its persons) into ``dst/part-NNNNN.parquet`` and,
    when ``closing`` is given, its persons' closing accumulators into
    ``closing/part-NNNNN.parquet``."""
    src = Path(part)
    t = open_parquet(src).read()
    if t.num_rows == 0:
        return BatchRun(0)
    res = settle_table(t, policy or default_policy())
    out = output_table(t, res.claims)
    if "claim_row" in t.column_names:
        out = out.append_column("claim_row", t.column("claim_row"))
    write_table(out, Path(dst) / src.name)
    if closing is not None:
        write_table(res.closing, Path(closing) / src.name)
    return BatchRun(t.num_rows, res.caveats)


def _prepare(*dirs: Path | None) -> None:
    for d in dirs:
        if d is None:
            continue
        if d.exists():
            shutil.rmtree(d) if d.is_dir() else d.unlink()
        d.mkdir(parents=True)


def run_parts_local(
    src: Path,
    dst: Path,
    policy: Policy | None = None,
    *,
    closing: Path | None = None,
    progress: Progress = None,
) -> BatchRun:
    """Settle a partitioned dataset part by part in this process (the local baseline)."""
    policy = policy or default_policy()
    _prepare(dst, closing)
    runs = []
    for part in parts_of(src):
        r = settle_part(str(part), str(dst), policy, None if closing is None else str(closing))
        runs.append(r)
        if progress:
            progress(r.claims)
    return _total(runs)


def _total(runs: list[BatchRun]) -> BatchRun:
    return BatchRun(sum(r.claims for r in runs), merge_caveats(r.caveats for r in runs))


# --- dask.distributed ---------------------------------------------------------------------------


def run_cluster(
    src: Path,
    dst: Path,
    client,
    policy: Policy | None = None,
    *,
    nparts: int | None = None,
    closing: Path | None = None,
    progress: Progress = None,
) -> BatchRun:
    """Settle ``src`` on a dask.distributed ``client`` into the dataset directory ``dst``.

    ``src`` partitioned by person (``synth --parts``, ``yibao partition``): one task per part,
    reading its file and writing its result — claims never move between workers. A single
    file is first partitioned here, in one streaming pass, into ``dst._input``. The workers are
    first set up for settling (``cluster.SettlementWorker``: Arrow's thread pools sized to the
    worker's threads)."""
    from distributed import as_completed

    from yibao.settlement.cluster import setup_workers

    parts = parts_of(src)
    if not parts:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        rows = open_parquet(src).metadata.num_rows
        staged = dst.parent / (dst.name + "._input")
        partition_file(src, staged, nparts or max(2 * nworkers, default_parts(rows)))
        try:
            return run_cluster(staged, dst, client, policy, closing=closing, progress=progress)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    setup_workers(client)
    _prepare(dst, closing)
    pol = client.scatter(policy, broadcast=True) if policy is not None else None
    cdir = None if closing is None else str(closing)
    futs = [client.submit(settle_part, str(p), str(dst), pol, cdir, pure=False) for p in parts]
    done = {}
    for f in as_completed(futs):
        done[f.key] = r = f.result()
        if progress:
            progress(r.claims)
    return _total([done[f.key] for f in futs])  # caveats in part order, whatever finished first


__all__ = [
    "BatchRun",
    "output_table",
    "run_cluster",
    "run_local",
    "run_parts_local",
    "settle_part",
    "write_options",
]
