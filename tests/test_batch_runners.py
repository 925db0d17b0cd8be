"""synth, the local and dask runners, the CLI contract and the reform simulation."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.batch_support import multi_policy, scalar_run
from yibao.cli.main import app
from yibao.settlement import synth
from yibao.settlement.batch import AMOUNTS, settle_table
from yibao.settlement.distributed import run_cluster, run_local
from yibao.settlement.reform import load_reform, simulate

runner = CliRunner()
EXAMPLE = "examples/reform-lasa-deductible.yaml"


def cli(*args: str):
    r = runner.invoke(app, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "claims.parquet"
    r = cli("synth", "--claims", "20000", "--seed", "5", "-o", str(path), "--json")
    assert r.exit_code == 0, r.output
    return path


def test_synth_deterministic_and_sorted(claims_file, tmp_path):
    other = tmp_path / "again.parquet"
    assert synth.write(other, 20000, 5) == 20000
    a, b = pq.read_table(claims_file), pq.read_table(other)
    assert a.equals(b)
    psn = a.column("psn_no")
    assert pc.all(pc.less_equal(psn[:-1], psn[1:])).as_py()
    assert set(a.column("med_type").to_pylist()) <= {"11", "14", "21"}
    assert pc.min(a.column("amt_01")).as_py() >= 0


def test_synth_fixture_policy_reaches_caps_and_serious(tmp_path):
    """With a complete policy every category is generated, and settles exactly as the scalar."""
    pol = multi_policy()
    t = pa.concat_tables(list(synth.generate(3000, 1, policy=pol)))
    assert set(t.column("med_type").to_pylist()) == {"11", "14", "21"}
    got = settle_table(t, pol).claims
    ref, _ = scalar_run(t, pol)
    for k in AMOUNTS:
        assert got.column(k).to_pylist() == ref[k], k


def test_cli_batch_sums(claims_file, tmp_path):
    out = tmp_path / "out.parquet"
    r = cli("batch", str(claims_file), "-o", str(out), "--json")
    assert r.exit_code == 0, r.output
    t = pq.read_table(out)
    assert t.num_rows == 20000
    for k in ("medfee_sumamt", "hifp_pay", "fund_pay_sumamt", "psn_cash_pay"):
        assert t.schema.field(k).type == pa.int64()
    med = t.column("medfee_sumamt").to_numpy()
    fund = t.column("fund_pay_sumamt").to_numpy()
    psn = t.column("psn_part_amt").to_numpy()
    assert (med == fund + psn).all()
    assert (psn == t.column("acct_pay").to_numpy() + t.column("psn_cash_pay").to_numpy()).all()
    src = pq.read_table(claims_file)
    assert t.column("mdtrt_id").equals(src.column("mdtrt_id"))


def test_cli_bad_input(tmp_path):
    r = cli("batch", str(tmp_path / "missing.parquet"), "-o", str(tmp_path / "o.parquet"))
    assert r.exit_code == 2 and "找不到" in r.output
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"psn_no": ["A"]}), bad)
    r = cli("batch", str(bad), "-o", str(tmp_path / "o.parquet"))
    assert r.exit_code == 2 and "缺少列" in r.output
    row = {
        "psn_no": "A",
        "insutype": "390",
        "insuplc_admdvs": "540100",
        "med_type": "21",
        "hosp_lv": 3,
        "enddate": dt.date(2025, 3, 1),
        "amt_01": 100,
        "amt_02": 0,
        "amt_03": 0,
    }
    pq.write_table(pa.Table.from_pylist([row]), bad)  # 拉萨 residents: no inpatient ratio
    r = cli("batch", str(bad), "-o", str(tmp_path / "o.parquet"))
    assert r.exit_code == 2 and "政策包" in r.output and "Traceback" not in r.output


def test_local_runner_unsorted_input(claims_file, tmp_path):
    t = pq.read_table(claims_file).slice(0, 3000)
    shuffled = t.take(pa.array(list(range(2999, -1, -1))))
    src = tmp_path / "shuffled.parquet"
    pq.write_table(shuffled, src, row_group_size=700)
    out = tmp_path / "o.parquet"
    run_local(src, out, chunk_rows=500)
    got = pq.read_table(out)
    exp = settle_table(shuffled).claims
    assert got.select(list(AMOUNTS)).equals(exp.select(list(AMOUNTS)))


def test_local_runner_chunks_cut_at_persons(claims_file, tmp_path):
    out = tmp_path / "o.parquet"
    run_local(claims_file, out, chunk_rows=777)  # many chunk boundaries inside persons
    exp = settle_table(pq.read_table(claims_file)).claims
    assert pq.read_table(out).select(list(AMOUNTS)).equals(exp.select(list(AMOUNTS)))


def test_dask_local_cluster(claims_file, tmp_path):
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1, processes=False, threads_per_worker=2, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        out = tmp_path / "dist"
        assert run_cluster(claims_file, out, client, nparts=3).claims == 20000
    got = pq.read_table(out, schema=None).sort_by("claim_row")
    assert len(list(out.glob("part-*.parquet"))) == 3
    exp = settle_table(pq.read_table(claims_file)).claims
    assert got.select(list(AMOUNTS)).equals(exp.select(list(AMOUNTS)))


def test_simulate_lasa_reform(claims_file, tmp_path):
    report = simulate(claims_file, load_reform(__import__("pathlib").Path(EXAMPLE)))
    lasa = [r for r in report.rows if r["insuplc_admdvs"] == "540100"]
    assert lasa and all(r["hosp_lv"] == 3 for r in lasa)
    assert sum(r["fund_reform"] - r["fund_base"] for r in lasa) > 0
    assert sum(r["better"] for r in lasa) > 0 and sum(r["worse"] for r in lasa) == 0
    others = [r for r in report.rows if r["insuplc_admdvs"] != "540100"]
    assert all(r["fund_reform"] == r["fund_base"] and r["better"] == 0 for r in others)
    r = cli("simulate", str(claims_file), "--reform", EXAMPLE, "-o", str(tmp_path / "s"), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["totals"]["better"] > 0
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"
    assert "改革模拟" in (tmp_path / "s.html").read_text(encoding="utf-8")


def test_partition_keeps_persons_whole_and_cluster_needs_no_shuffle(claims_file, tmp_path):
    """`yibao partition` → every person in exactly one part; the cluster settles the parts as
    they are and equals the single-file settlement, claim by claim."""
    from distributed import Client, LocalCluster

    parts = tmp_path / "parts"
    r = cli("partition", str(claims_file), "-o", str(parts), "--parts", "4", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["claims"] == 20000
    files = sorted(parts.glob("part-*.parquet"))
    assert len(files) == 4
    owners: dict[str, int] = {}
    for i, f in enumerate(files):
        for p in set(pq.read_table(f, columns=["psn_no"]).column(0).to_pylist()):
            assert owners.setdefault(p, i) == i
    with (
        LocalCluster(
            n_workers=1, processes=False, threads_per_worker=2, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        out = tmp_path / "dist"
        assert run_cluster(parts, out, client).claims == 20000
    assert not (tmp_path / "dist._input").exists()
    got = pq.read_table(out).sort_by("claim_row")
    exp = settle_table(pq.read_table(claims_file)).claims
    assert got.select(list(AMOUNTS)).equals(exp.select(list(AMOUNTS)))
    # the local runner on the same parts gives the same dataset
    r = cli("batch", str(parts), "-o", str(tmp_path / "loc"), "--json")
    assert r.exit_code == 0, r.output
    loc = pq.read_table(tmp_path / "loc").sort_by("claim_row")
    assert loc.select(list(AMOUNTS)).equals(got.select(list(AMOUNTS)))


def test_synth_parts_equal_single_file(claims_file, tmp_path):
    r = cli("synth", "--claims", "20000", "--seed", "5", "--parts", "3", "-o", str(tmp_path / "p"))
    assert r.exit_code == 0, r.output
    got = pq.read_table(tmp_path / "p").sort_by("claim_row").drop_columns(["claim_row"])
    exp = pq.read_table(claims_file)
    assert got.cast(exp.schema).equals(exp)


def test_closing_written_only_when_asked(claims_file, tmp_path):
    """Part by part: no closing accumulators unless asked; asked, they are the persons'
    closing accumulators of the single-file settlement, person by person."""
    parts = tmp_path / "parts"
    r = cli("partition", str(claims_file), "-o", str(parts), "--parts", "3", "--json")
    assert r.exit_code == 0, r.output
    r = cli("batch", str(parts), "-o", str(tmp_path / "a"), "--json")
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "a" / "_closing").exists()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    r = cli("batch", str(parts), "-o", str(tmp_path / "b"), "--closing", str(tmp_path / "c"))
    assert r.exit_code == 0, r.output
    got = pq.read_table(tmp_path / "c").sort_by("psn_no")
    exp = settle_table(pq.read_table(claims_file)).closing.sort_by("psn_no")
    assert got.num_rows == exp.num_rows > 0
    assert got.equals(exp.select(got.column_names))


def test_cli_workers_starts_a_configured_local_cluster(claims_file, tmp_path):
    """`yibao batch --workers 1`: a local dask cluster (one worker process) settles the file,
    equal claim by claim to the single-file settlement; its worker runs with one Arrow thread
    and dask's profiler off (cluster.SettlementWorker, cluster.WORKER_CONFIG)."""
    import dask
    from distributed import Client

    from yibao.settlement.cluster import local_cluster, setup_workers

    r = cli("batch", str(claims_file), "-o", str(tmp_path / "o"), "--workers", "1", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["claims"] == 20000
    got = pq.read_table(tmp_path / "o").sort_by("claim_row")
    exp = settle_table(pq.read_table(claims_file)).claims
    assert got.select(list(AMOUNTS)).equals(exp.select(list(AMOUNTS)))
    with local_cluster(1) as cluster, Client(cluster) as client:
        setup_workers(client)
        ((_, threads),) = client.run(pa.cpu_count).items()
        ((_, profile),) = client.run(dask.config.get, "distributed.worker.profile.enabled").items()
    assert threads == 1 and profile is False
    r = cli(
        "batch",
        str(claims_file),
        "-o",
        str(tmp_path / "x"),
        "--workers",
        "1",
        "--scheduler",
        "tcp://127.0.0.1:1",
    )
    assert r.exit_code == 2 and "只能选一个" in r.output


def test_batch_tells_the_caveats_of_the_figures_used(tmp_path):
    """`yibao batch` says, as `yibao settle` does, which figures it used are disputed or
    national bounds: the batch caveats are the scalar engine's ``Settlement.caveats`` of the
    same claims, each once (拉萨 and 深圳 employees' stays read disputed pack figures; 北京's
    figures carry none)."""
    from yibao.policy.resolve import default_policy
    from yibao.settlement.batch import claim_from_row
    from yibao.settlement.engine import settle

    def stay(psn: str, region: str, day: int) -> dict:
        return {
            "psn_no": psn,
            "insutype": "310",
            "insuplc_admdvs": region,
            "med_type": "21",
            "hosp_lv": 3,
            "enddate": dt.date(2025, 6, day),
            "amt_01": 2_000_000,
            "amt_02": 0,
            "amt_03": 0,
        }

    rows = [stay("A", "540100", 5), stay("A", "540100", 20), stay("B", "110000", 5)]
    rows.append(stay("D", "440300", 5))
    pol = default_policy()
    scalar = [c for r in rows for c in settle(claim_from_row(r), pol, trace=False).caveats]
    assert any("存在争议" in c for c in scalar)
    assert settle(claim_from_row(rows[2]), pol, trace=False).caveats == []
    src = tmp_path / "stays.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    got = settle_table(pa.Table.from_pylist(rows)).caveats
    assert sorted(got) == sorted(set(scalar))
    r = cli("batch", str(src), "-o", str(tmp_path / "o.parquet"), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["caveats"] == list(got)
    r = cli("batch", str(src), "-o", str(tmp_path / "o.parquet"))
    assert r.exit_code == 0, r.output
    assert r.output.count("请注意所用数字：") == len(got)
    assert run_local(src, tmp_path / "again.parquet").caveats == got
