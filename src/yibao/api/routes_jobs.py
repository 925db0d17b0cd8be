"""Reform simulation jobs for small files: submit a claims Parquet and a reform YAML, poll the
job's status, read the report. Jobs are kept in the database (they survive a restart) and run
one at a time, each in its own bounded process (``job_runner``); analysts with large files use
``yibao simulate`` or the dask runner."""

from __future__ import annotations

import threading

from fastapi import APIRouter, File, Form, Request, UploadFile

from yibao.accounts.jobs import JobStore
from yibao.api.deps import Staff
from yibao.api.job_runner import Runner
from yibao.api.problems import Problem
from yibao.jsonout import json_response_class

Exact = json_response_class()
router = APIRouter(prefix="/api/jobs", tags=["jobs"], default_response_class=Exact)
MAX_BYTES = 20 * 1024 * 1024
_start = threading.Lock()


def runner_of(request: Request) -> Runner:
    """The app's job runner, started on first use (it re-queues jobs a dead process left)."""
    svc = request.app.state.accounts
    if svc is None:
        raise Problem(503, "作业服务未启用", "此服务实例没有配置数据库")
    with _start:
        if getattr(request.app.state, "job_runner", None) is None:
            request.app.state.job_runner = Runner(JobStore(svc.engine))
    return request.app.state.job_runner


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
    runner = runner_of(request)
    job_id = runner.store.submit(who, data, reform)
    runner.wake.set()
    return Exact(runner.store.get(job_id), status_code=202)


@router.get("/{job_id}", summary="作业状态与结果")
def status(job_id: str, request: Request, who: Staff):
    job = runner_of(request).store.get(job_id[:32])
    if job is None:
        raise Problem(404, "未找到作业", f"作业 {job_id[:32]} 不存在")
    return job
