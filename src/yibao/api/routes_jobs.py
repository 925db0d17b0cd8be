"""Reform simulation jobs for small files: submit a claims Parquet and a reform YAML, poll the
job's status, read the report. Jobs run one at a time in a background thread and live in memory
(a restart forgets them); analysts with large files use ``yibao simulate`` or the dask runner."""

from __future__ import annotations

import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from yibao.api.deps import Staff
from yibao.api.problems import Problem
from yibao.api.store import audit
from yibao.jsonout import json_response_class
from yibao.money import from_fen

Exact = json_response_class()
router = APIRouter(prefix="/api/jobs", tags=["jobs"], default_response_class=Exact)
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Job:
    id: str
    status: str = "queued"  # queued → running → done | failed
    error: str | None = None
    result: dict[str, Any] | None = None
    claims: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def public(self) -> dict[str, Any]:
        return {
            "job_id": self.id,
            "status": self.status,
            "claims_done": self.claims,
            "error": self.error,
            "result": self.result,
        }


class Jobs:
    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="yibao-job")

    def submit(self, claims: bytes, reform: str) -> Job:
        job = Job(uuid.uuid4().hex[:16])
        self.jobs[job.id] = job
        self.pool.submit(self._run, job, claims, reform)
        return job

    def _run(self, job: Job, claims: bytes, reform_text: str) -> None:
        from yibao.policy.loader import parse_pack
        from yibao.policy.resolve import default_policy
        from yibao.policy.schema import PolicyError
        from yibao.settlement.batch import BatchError
        from yibao.settlement.reform import simulate

        job.status = "running"
        try:
            base = default_policy()
            try:
                pack = parse_pack(reform_text, base.catalogue, "reform.yaml")
            except PolicyError as exc:
                raise BatchError(f"改革方案无效：{exc}") from None
            with tempfile.TemporaryDirectory() as tmp:
                src = Path(tmp) / "claims.parquet"
                src.write_bytes(claims)

                def progress(n: int) -> None:
                    job.claims += n

                report = simulate(src, base.with_overlay({pack.admdvs: pack}), base, progress)
            job.result = _report(report)
            job.status = "done"
        except BatchError as exc:
            job.status, job.error = "failed", str(exc)
        except Exception as exc:
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"


def _report(report) -> dict[str, Any]:
    totals = report.totals()
    rows = [
        {
            "insuplc_admdvs": r["insuplc_admdvs"],
            "insutype": r["insutype"],
            "hosp_lv": r["hosp_lv"],
            "claims": r["claims"],
            "people": r["people"],
            "fund_base": from_fen(r["fund_base"]),
            "fund_reform": from_fen(r["fund_reform"]),
            "fund_change": from_fen(r["fund_reform"] - r["fund_base"]),
            "better": r["better"],
            "worse": r["worse"],
        }
        for r in report.rows
    ]
    return {
        "totals": {
            "claims": totals["claims"],
            "people": totals["people"],
            "fund_base": from_fen(totals["fund_base"]),
            "fund_reform": from_fen(totals["fund_reform"]),
            "fund_change": from_fen(totals["fund_reform"] - totals["fund_base"]),
            "better": totals["better"],
            "worse": totals["worse"],
        },
        "rows": rows,
    }


def jobs_of(request: Request) -> Jobs:
    if getattr(request.app.state, "jobs", None) is None:
        request.app.state.jobs = Jobs()
    return request.app.state.jobs


@router.post("/simulate", status_code=202, summary="提交改革模拟作业（小文件）")
async def submit(
    request: Request,
    who: Staff,
    claims: UploadFile = File(..., description="理赔 Parquet（yibao synth 的格式，≤ 20 MB）"),
    reform: str = Form(..., max_length=100_000, description="改革方案 YAML（政策包格式）"),
):
    data = await claims.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Problem(
            413,
            "文件过大",
            "作业只接受 20 MB 以内的文件；大文件请用 yibao simulate",
            [{"field": "claims", "problem": "超过 20 MB"}],
        )
    if not data.startswith(b"PAR1"):
        raise Problem(
            422, "不是 Parquet 文件", errors=[{"field": "claims", "problem": "应为 Parquet 文件"}]
        )
    job = jobs_of(request).submit(data, reform)
    svc = request.app.state.accounts
    if svc is not None:
        audit(svc.engine, who, "job.simulate", job.id, {"bytes": len(data)})
    return Exact(job.public(), status_code=202)


@router.get("/{job_id}", summary="作业状态与结果")
def status(job_id: str, request: Request, who: Staff):
    job = jobs_of(request).jobs.get(job_id)
    if job is None:
        raise Problem(404, "未找到作业", f"作业 {job_id} 不存在（服务重启后作业会丢失）")
    return job.public()
