"""Reform simulation jobs over HTTP (staff only): kept in the database, run in a bounded child
process; the review's bombs (F4: a Parquet of 20 million rows in 1 MB, a YAML alias bomb) fail
alone with a clear reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from yibao.accounts.db import upgrade
from yibao.accounts.jobs import JobStore
from yibao.accounts.journal import Actor
from yibao.accounts.service import Accounts
from yibao.asgi import create_app
from yibao.cli.main import app as cli
from yibao.policy.loader import load_yaml
from yibao.policy.schema import PolicyError

REFORM = Path(__file__).parents[2] / "examples" / "reform-lasa-deductible.yaml"


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory) -> Path:
    claims = tmp_path_factory.mktemp("jobs") / "claims.parquet"
    r = CliRunner().invoke(cli, ["synth", "--claims", "3000", "--seed", "5", "-o", str(claims)])
    assert r.exit_code == 0, r.output
    return claims


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    upgrade(url)
    return url


def wait(client, job_id, headers, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def submit(client, claims: bytes, reform: str, headers):
    files = {"claims": ("claims.parquet", claims, "application/octet-stream")}
    return client.post("/api/jobs/simulate", files=files, data={"reform": reform}, headers=headers)


def test_simulation_job_round_trip_survives_a_restart(claims_file, db, keys):
    client = TestClient(create_app(keys=keys, accounts=Accounts(db)))
    reform = REFORM.read_text(encoding="utf-8")
    assert submit(client, claims_file.read_bytes(), reform, {}).status_code == 401
    staff = {"X-API-Key": keys.add("分析员", "staff")}
    r = submit(client, claims_file.read_bytes(), reform, staff)
    assert r.status_code == 202
    job_id = r.json()["job_id"]
    body = wait(client, job_id, staff)
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
    # a new server process on the same database still has the report
    again = TestClient(create_app(keys=keys, accounts=Accounts(db)))
    assert again.get(f"/api/jobs/{job_id}", headers=staff).json() == body


def test_a_job_left_running_by_a_dead_process_runs_again(claims_file, db, keys):
    store = JobStore(Accounts(db).engine)
    job_id = store.submit(Actor("分析员", "staff"), claims_file.read_bytes(), REFORM.read_text())
    assert store.take()[0] == job_id  # running … and then the process died
    client = TestClient(create_app(keys=keys, accounts=Accounts(db)))
    staff = {"X-API-Key": keys.add("分析员", "staff")}
    assert wait(client, job_id, staff)["status"] == "done"


def test_parquet_bomb_is_refused_from_its_metadata(claims_file, db, keys, monkeypatch):
    # the review's bomb declared 20,000,000 rows in 1.17 MB; the limit is read from the file's
    # metadata before any row is decompressed (here the limit is lowered below the 3000 rows)
    monkeypatch.setenv("YIBAO_JOB_MAX_ROWS", "1000")
    client = TestClient(create_app(keys=keys, accounts=Accounts(db)))
    staff = {"X-API-Key": keys.add("分析员", "staff")}
    r = submit(client, claims_file.read_bytes(), REFORM.read_text(encoding="utf-8"), staff)
    body = wait(client, r.json()["job_id"], staff)
    assert body["status"] == "failed" and "3,000 行" in body["error"], body


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
) + "admdvs: '540100'\n"  # fmt: skip


def test_yaml_alias_bomb_is_refused_before_it_is_built(claims_file, db, keys):
    assert len(BOMB) < 400  # the review's 370 bytes: 9 levels × 9 aliases = 9^9 nodes
    with pytest.raises(PolicyError, match="别名"):
        load_yaml(BOMB)
    client = TestClient(create_app(keys=keys, accounts=Accounts(db)))
    staff = {"X-API-Key": keys.add("分析员", "staff")}
    t0 = time.monotonic()
    r = submit(client, claims_file.read_bytes(), BOMB, staff)
    body = wait(client, r.json()["job_id"], staff)
    assert body["status"] == "failed" and "别名" in body["error"], body
    assert time.monotonic() - t0 < 60


def test_simulation_job_bad_input(db, keys):
    client = TestClient(create_app(keys=keys, accounts=Accounts(db)))
    staff = {"X-API-Key": keys.add("分析员", "staff")}
    files = {"claims": ("x.parquet", b"not parquet", "application/octet-stream")}
    r = client.post("/api/jobs/simulate", files=files, data={"reform": "x"}, headers=staff)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "claims"
    assert client.get("/api/jobs/nope", headers=staff).status_code == 404
