"""Reform simulation jobs over HTTP (staff only)."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from yibao.asgi import create_app
from yibao.cli.main import app as cli

REFORM = Path(__file__).parents[2] / "examples" / "reform-lasa-deductible.yaml"


def test_simulation_job_round_trip(tmp_path, keys):
    claims = tmp_path / "claims.parquet"
    r = CliRunner().invoke(cli, ["synth", "--claims", "3000", "--seed", "5", "-o", str(claims)])
    assert r.exit_code == 0, r.output
    client = TestClient(create_app(keys=keys))
    files = {"claims": ("claims.parquet", claims.read_bytes(), "application/octet-stream")}
    data = {"reform": REFORM.read_text(encoding="utf-8")}
    assert client.post("/api/jobs/simulate", files=files, data=data).status_code == 401
    staff = {"X-API-Key": keys.add("分析员", "staff")}
    r = client.post("/api/jobs/simulate", files=files, data=data, headers=staff)
    assert r.status_code == 202
    job_id = r.json()["job_id"]
    for _ in range(600):
        body = client.get(f"/api/jobs/{job_id}", headers=staff).json()
        if body["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert body["status"] == "done", body
    totals = body["result"]["totals"]
    assert totals["claims"] == 3000
    # a lower 1st-stay deductible (700 → 500 at 三级 in 拉萨) can only raise fund spending and
    # can leave no one worse off
    assert totals["fund_change"] >= 0 and totals["worse"] == 0
    assert totals["fund_change"] == totals["fund_reform"] - totals["fund_base"]
    # only 拉萨 employees in 三级 hospitals are touched; each gains at most 200 × 91% = 182
    for row in body["result"]["rows"]:
        touched = (row["insuplc_admdvs"], row["insutype"], row["hosp_lv"]) == ("540100", "310", 3)
        if touched:
            assert row["better"] > 0 and 0 < row["fund_change"] <= row["better"] * 182
        else:
            assert row["fund_change"] == 0 and row["better"] == 0


def test_simulation_job_bad_input(keys):
    client = TestClient(create_app(keys=keys))
    staff = {"X-API-Key": keys.add("分析员", "staff")}
    files = {"claims": ("x.parquet", b"not parquet", "application/octet-stream")}
    r = client.post("/api/jobs/simulate", files=files, data={"reform": "x"}, headers=staff)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "claims"
    assert client.get("/api/jobs/nope", headers=staff).status_code == 404
