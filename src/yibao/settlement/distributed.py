"""Runners around the batch kernel: a local streaming runner and a dask.distributed one.

``run_local`` streams a Parquet file sorted by person (as ``synth`` writes it) in chunks cut at
person boundaries, so memory stays bounded whatever the size; an unsorted file is read whole
and sorted by person first. ``run_cluster`` partitions claims by a hash of ``psn_no`` (every
claim of a person lands in the same partition), settles each partition with the batch kernel
on the cluster, and writes a partitioned Parquet dataset (``part-NNNNN.parquet``) with a
``claim_row`` column giving each claim's row in the input.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from yibao.policy.resolve import Policy, default_policy
from yibao.settlement.batch import BatchError, check_columns, settle_table

KEEP = ("mdtrt_id", "insuplc_admdvs", "insutype", "psn_type", "med_type", "hosp_lv")
Progress = Callable[[int], None] | None


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
) -> int:
    """Settle ``src`` into ``dst`` (one row per claim, input order). Returns the claim count."""
    policy = policy or default_policy()
    writer = cwriter = None
    rows, parts = [], []
    n = 0
    try:
        for t, where in person_chunks(src, chunk_rows):
            res = settle_table(t, policy)
            out = output_table(t, res.claims)
            if where is not None:  # unsorted input: put back in input order at the end
                parts.append(out)
                rows.append(where)
            else:
                if writer is None:
                    writer = pq.ParquetWriter(dst, out.schema, compression="zstd")
                writer.write_table(out)
            if closing is not None:
                if cwriter is None:
                    cwriter = pq.ParquetWriter(closing, res.closing.schema, compression="zstd")
                cwriter.write_table(res.closing)
            n += t.num_rows
            if progress:
                progress(t.num_rows)
        if parts:
            out = pa.concat_tables(parts)
            where = pa.chunked_array(rows).to_numpy()
            inv = np.empty(len(where), dtype=np.int64)
            inv[where] = np.arange(len(where))
            pq.write_table(out.take(pa.array(inv)), dst, compression="zstd")
        elif writer is None:
            raise BatchError("输入文件没有理赔记录")
    finally:
        if writer is not None:
            writer.close()
        if cwriter is not None:
            cwriter.close()
    return n


# --- dask.distributed ---------------------------------------------------------------------------


def _bucket(psn: pa.Array, nparts: int) -> np.ndarray:
    enc = psn.dictionary_encode()
    h = np.array([zlib.crc32(s.encode()) for s in enc.dictionary.to_pylist()], dtype=np.int64)
    return (h % nparts)[enc.indices.to_numpy(zero_copy_only=False)]


def _split(src: str, row_groups: list[int], offset: int, nparts: int, tmp: str, task: int) -> int:
    """Read some row groups, send each claim to its person's partition (a file per pair)."""
    t = open_parquet(src).read_row_groups(row_groups)
    t = t.append_column("claim_row", pa.array(np.arange(offset, offset + t.num_rows)))
    b = _bucket(t.column("psn_no").combine_chunks(), nparts)
    order = np.argsort(b, kind="stable")
    bounds = np.searchsorted(b[order], np.arange(nparts + 1))
    t = t.take(pa.array(order))
    for p in range(nparts):
        lo, hi = int(bounds[p]), int(bounds[p + 1])
        if hi > lo:
            d = Path(tmp) / f"p{p:05d}"
            d.mkdir(parents=True, exist_ok=True)
            pq.write_table(t.slice(lo, hi - lo), d / f"in-{task:05d}.parquet")
    return t.num_rows


def _settle_part(tmp: str, p: int, dst: str, policy: Policy | None) -> int:
    d = Path(tmp) / f"p{p:05d}"
    if not d.exists():
        return 0
    t = pq.read_table(d)
    res = settle_table(t, policy or default_policy())
    out = output_table(t, res.claims).append_column("claim_row", t.column("claim_row"))
    pq.write_table(out, Path(dst) / f"part-{p:05d}.parquet", compression="zstd")
    pq.write_table(res.closing, Path(dst) / "_closing" / f"part-{p:05d}.parquet")
    return t.num_rows


def run_cluster(
    src: Path,
    dst: Path,
    client,
    policy: Policy | None = None,
    *,
    nparts: int | None = None,
    progress: Progress = None,
) -> int:
    """Settle ``src`` on a dask.distributed ``client`` into the dataset directory ``dst``."""
    from distributed import as_completed

    pf = open_parquet(src)
    meta = pf.metadata
    nworkers = max(1, len(client.scheduler_info().get("workers", {})))
    nparts = nparts or max(2 * nworkers, meta.num_rows // 2_000_000 + 1)
    if dst.exists():
        shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
    (dst / "_closing").mkdir(parents=True)
    tmp = dst / "_shuffle"
    groups, offset, tasks = [], 0, []
    for rg in range(meta.num_row_groups):
        groups.append(rg)
        rows = sum(meta.row_group(g).num_rows for g in groups)
        if rows >= 1_000_000 or rg == meta.num_row_groups - 1:
            tasks.append((groups, offset))
            offset += rows
            groups = []
    pol = client.scatter(policy, broadcast=True) if policy is not None else None
    futs = [
        client.submit(_split, str(src), g, o, nparts, str(tmp), i, pure=False)
        for i, (g, o) in enumerate(tasks)
    ]
    client.gather(futs)
    futs = [
        client.submit(_settle_part, str(tmp), p, str(dst), pol, pure=False) for p in range(nparts)
    ]
    n = 0
    for f in as_completed(futs):
        k = f.result()
        n += k
        if progress:
            progress(k)
    shutil.rmtree(tmp, ignore_errors=True)
    return n


__all__ = ["output_table", "run_cluster", "run_local"]
