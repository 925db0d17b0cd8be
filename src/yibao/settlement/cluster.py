"""dask.distributed workers set up for batch settlement (imported only when a cluster is used).

A settlement task is one CPU-bound call per part file: read it, run the compiled kernel,
write the result. Two things cost the workers CPU without settling anything, and both are
set here (measured in bench/RESULTS.md, "Scale-out"):

- Arrow's thread pools default to every core of the machine in every worker process; a worker
  running one task per thread gets them sized to its own threads (``SettlementWorker``, which
  ``run_cluster`` registers on every worker of the client's cluster).
- dask's own background work in each worker (``WORKER_CONFIG``): the statistical profiler
  samples every worker thread each 10 ms, the event-loop health tick runs every 20 ms and the
  system monitor every 500 ms. These are read when a worker starts, so they belong in the
  workers' dask configuration (docs/scale.md shows it for ``dask worker``); ``local_cluster``
  starts local workers with it (``yibao batch --workers N``).
"""

from __future__ import annotations

from typing import Any

import dask
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
}


class SettlementWorker(WorkerPlugin):
    """Sizes Arrow's CPU and I/O thread pools to the worker's threads."""

    idempotent = True
    name = "yibao-settlement"

    def setup(self, worker) -> None:
        import pyarrow as pa

        n = max(1, int(worker.state.nthreads))
        pa.set_cpu_count(n)
        pa.set_io_thread_count(n)


def setup_workers(client: Client) -> None:
    client.register_plugin(SettlementWorker())


def local_cluster(workers: int, threads: int = 1) -> LocalCluster:
    """Worker processes on this machine with ``WORKER_CONFIG``; no dashboard, no memory
    monitor (each task holds one part, sized to fit: docs/scale.md)."""
    with dask.config.set(WORKER_CONFIG):  # the nannies hand this config to their workers
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=threads,
            processes=True,
            dashboard_address=None,
            memory_limit=0,
        )


__all__ = ["WORKER_CONFIG", "SettlementWorker", "local_cluster", "setup_workers"]
