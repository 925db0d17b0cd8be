"""Reform simulation jobs kept in the accounts database: submitted (queued), taken by the one
runner (running), finished (done with a report, or failed with a reason). A restart puts the
jobs that were running back in the queue; their input is kept until they finish."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Engine, select, update

from yibao.accounts import journal
from yibao.accounts.models import T

JOBS = T["simulation_jobs"]


class JobStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def submit(self, by: journal.ActorLike, claims: bytes, reform: str) -> str:
        job_id = uuid.uuid4().hex[:16]
        with self.engine.begin() as conn:
            conn.execute(
                JOBS.insert().values(
                    id=job_id,
                    actor=by.name[:96],
                    status="queued",
                    claims_done=0,
                    claims=claims,
                    reform=reform,
                )
            )
            journal.record(conn, by, "job.simulate", job_id, {"bytes": len(claims)})
        return job_id

    def get(self, job_id: str) -> dict[str, Any] | None:
        q = select(JOBS.c.id, JOBS.c.status, JOBS.c.claims_done, JOBS.c.error, JOBS.c.result)
        with self.engine.connect() as conn:
            row = conn.execute(q.where(JOBS.c.id == job_id)).first()
        if row is None:
            return None
        return {
            "job_id": row.id,
            "status": row.status,
            "claims_done": row.claims_done,
            "error": row.error,
            "result": json.loads(row.result) if row.result else None,
        }

    def requeue_running(self) -> int:
        """At start-up: jobs left running by a process that died are queued again."""
        with self.engine.begin() as conn:
            return conn.execute(
                update(JOBS).where(JOBS.c.status == "running").values(status="queued")
            ).rowcount

    def take(self) -> tuple[str, bytes, str] | None:
        """The oldest queued job, now running (None: the queue is empty)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(JOBS.c.id, JOBS.c.claims, JOBS.c.reform)
                .where(JOBS.c.status == "queued")
                .order_by(JOBS.c.created_at, JOBS.c.id)
                .limit(1)
            ).first()
            if row is None:
                return None
            taken = conn.execute(
                update(JOBS)
                .where(JOBS.c.id == row.id, JOBS.c.status == "queued")
                .values(status="running", claims_done=0)
            ).rowcount
        return (row.id, row.claims, row.reform) if taken else None

    def progress(self, job_id: str, claims_done: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(claims_done=claims_done))

    def finish(self, job_id: str, *, result: Any = None, error: str | None = None) -> None:
        from yibao.jsonout import dumps

        values: dict[str, Any] = {"claims": None}  # the input is not kept once finished
        if error is None:
            values |= {"status": "done", "result": dumps(result)}
        else:
            values |= {"status": "failed", "error": error}
        with self.engine.begin() as conn:
            conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(**values))
