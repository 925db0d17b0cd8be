"""Compile the batch kernels ahead of use, into numba's on-disk cache (``cache=True``).

numba writes the cache next to ``_kernel.py`` (``__pycache__``) when that directory is
writable, else to ``NUMBA_CACHE_DIR`` or its per-user cache directory. ``make install`` runs
``yibao warm`` once, so the first ``yibao batch`` loads compiled code instead of compiling
(measured in bench/RESULTS.md). The kernels are compiled for the exact argument types a real
run passes, by settling a small synthetic table through the normal path.
"""

from __future__ import annotations

import time


def warm() -> float:
    """Settle a few synthetic claims (compiling or loading every kernel); the seconds taken."""
    from yibao.settlement import synth
    from yibao.settlement.batch import settle_table

    t0 = time.perf_counter()
    table = next(iter(synth.generate(200, seed=0)))
    settle_table(table)  # sorted input: the in-order path
    settle_table(table.take(list(range(table.num_rows - 1, -1, -1))))  # the sorting path
    return time.perf_counter() - t0


__all__ = ["warm"]
