"""Claims laid out by person hash: ``DST/part-NNNNN.parquet``, every claim of a person in one part.

A person's accumulators depend only on that person's own claims, so a part can be settled on
its own, anywhere: ``distributed.run_cluster`` gives each dask task one part and never moves
claims between workers (no shuffle). ``synth`` writes this layout directly (``--parts``);
``yibao partition`` converts an existing claims file in one streaming pass.

The part of a person is ``crc32(psn_no UTF-8) mod parts`` — stable across runs, machines and
Python versions. Each row carries ``claim_row``: its position in the original single-file
order (synth: generation order), so results can be put back in that order.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

PART_GLOB = "part-*.parquet"
ROWS_PER_PART = 2_000_000  # default part size: a part is settled in memory (~0.3 KB/claim)


def part_name(p: int) -> str:
    return f"part-{p:05d}.parquet"


def parts_of(path: Path) -> list[Path]:
    """The part files of a partitioned dataset directory (empty when ``path`` is a file)."""
    if not path.is_dir():
        return []
    return sorted(path.glob(PART_GLOB))


def default_parts(rows: int) -> int:
    return max(1, -(-rows // ROWS_PER_PART))


def bucket(psn: pa.Array | pa.ChunkedArray, parts: int) -> np.ndarray:
    """The part of each claim's person: crc32 of the distinct ``psn_no`` values, mod ``parts``."""
    if isinstance(psn, pa.ChunkedArray):
        psn = psn.combine_chunks()
    enc = psn if pa.types.is_dictionary(psn.type) else psn.dictionary_encode()
    h = np.fromiter(
        (zlib.crc32(str(s).encode()) for s in enc.dictionary.to_pylist()),
        dtype=np.int64,
        count=len(enc.dictionary),
    )
    return (h % parts)[enc.indices.to_numpy(zero_copy_only=False)]


class PartWriter:
    """Streams tables into ``parts`` part files by person hash (a writer per part)."""

    def __init__(self, dst: Path, parts: int) -> None:
        if parts < 1:
            raise ValueError("分区数应为正整数")
        if dst.exists():
            shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
        dst.mkdir(parents=True)
        self.dst, self.parts = dst, parts
        self.writers: dict[int, pq.ParquetWriter] = {}
        self.rows = 0
        self.schema: pa.Schema | None = None

    def write(self, t: pa.Table) -> None:
        if "claim_row" not in t.column_names:
            t = t.append_column("claim_row", pa.array(np.arange(self.rows, self.rows + len(t))))
        self.rows += t.num_rows
        self.schema = self.schema or t.schema
        b = bucket(t.column("psn_no"), self.parts)
        order = np.argsort(b, kind="stable")  # keeps each part's rows in input order
        bounds = np.searchsorted(b[order], np.arange(self.parts + 1))
        t = t.take(pa.array(order))
        for p in range(self.parts):
            lo, hi = int(bounds[p]), int(bounds[p + 1])
            if hi > lo:
                w = self.writers.get(p)
                if w is None:
                    w = self.writers[p] = pq.ParquetWriter(
                        self.dst / part_name(p), t.schema, compression="zstd"
                    )
                w.write_table(t.slice(lo, hi - lo), row_group_size=1 << 20)

    def close(self) -> None:
        for w in self.writers.values():
            w.close()
        if self.schema is not None:  # every part exists, even an empty one
            for p in range(self.parts):
                if p not in self.writers:
                    pq.write_table(self.schema.empty_table(), self.dst / part_name(p))


def write_parts(
    tables: Iterable[pa.Table],
    dst: Path,
    parts: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    w = PartWriter(dst, parts)
    try:
        for t in tables:
            w.write(t)
            if progress:
                progress(t.num_rows)
    finally:
        w.close()
    return w.rows


def partition_file(
    src: Path,
    dst: Path,
    parts: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """``yibao partition``: one streaming pass over ``src`` into ``parts`` part files."""
    from yibao.settlement.distributed import open_parquet

    pf = open_parquet(src)
    parts = parts or default_parts(pf.metadata.num_rows)
    batches = (pa.Table.from_batches([b]) for b in pf.iter_batches(batch_size=1 << 20))
    return write_parts(batches, dst, parts, progress)


__all__ = ["PartWriter", "bucket", "default_parts", "partition_file", "parts_of", "write_parts"]
