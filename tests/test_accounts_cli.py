"""``yibao db upgrade`` and ``yibao account …`` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yibao.cli.main import app

pytest_plugins = ["tests.pg"]

ID_ZHANG = "540102198005010110"  # valid GB 11643 check character
ID_FATHER = "540102195005010133"
CLAIM = {
    "person": {
        "psn_no": "P2",
        "insutype": "310",
        "psn_type": "retired",
        "insuplc_admdvs": "540100",
    },
    "encounter": {
        "med_type": "21",
        "hosp_lv": 3,
        "mdtrtarea_admvs": "540100",
        "begndate": "2025-03-01",
        "enddate": "2025-03-05",
    },
    "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "5000"}],
}


@pytest.fixture
def cli(db_url, monkeypatch):
    monkeypatch.setenv("YIBAO_DATABASE_URL", db_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, [*args, "--json"])
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return json.loads(result.stdout)

    return run


def test_account_commands(cli, tmp_path: Path):
    cli("db", "upgrade")
    cli(
        "account",
        "open",
        "--psn",
        "P1",
        "--name",
        "张三",
        "--id-no",
        ID_ZHANG,
        "--region",
        "拉萨",
        "--since",
        "2025-01-01",
    )
    cli(
        "account",
        "open",
        "--psn",
        "P2",
        "--name",
        "张父",
        "--id-no",
        ID_FATHER,
        "--region",
        "540100",
        "--psn-type",
        "retired",
        "--since",
        "2025-01-01",
    )
    for m in ("2025-01", "2025-02"):
        cli("account", "credit", "P1", "--month", m, "--base", "8000")
    assert cli("account", "balance", "P1")["balance"] == 320
    err = cli("account", "credit", "P2", "--month", "2025-01", code=2)
    assert err["field"] == "psn_type" and "retired_monthly_credit" in err["error"]
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps(CLAIM), encoding="utf-8")
    err = cli("account", "settle", str(claim), "--key", "K1", "--payer", "P1", code=2)
    assert err["field"] == "payer"
    cli("account", "bind", "P1", "P2", "--relation", "父亲", "--date", "2025-02-01")
    first = cli("account", "settle", str(claim), "--key", "K1", "--payer", "P1")
    assert first["setlinfo"]["acct_mulaid_pay"] == 320 and not first["replayed"]
    again = cli("account", "settle", str(claim), "--key", "K1", "--payer", "P1")
    assert again["replayed"] and again["setl_id"] == first["setl_id"]
    assert cli("account", "balance", "P1")["balance"] == 0
    cli("account", "reverse", str(first["setl_id"]))
    assert cli("account", "reverse", str(first["setl_id"]), code=2)["field"] == "setl_id"
    st = cli("account", "statement", "P1", "--from", "2025-01-01", "--to", "2025-12-31")
    assert [ln["kind"] for ln in st["lines"]] == ["credit", "credit", "mulaid", "reversal"]
    assert st["closing"] == 320
    err = cli("account", "withdraw", "P1", "--reason", "提现", code=2)
    assert err["field"] == "reason"
    out = cli("account", "transfer", "P1", "--to", "成都", "--date", "2025-07-01")
    assert out["moved"] == 320 and out["bindings_ended"] == 1
    out = cli("account", "withdraw", "P1", "--reason", "出国定居", "--date", "2025-08-01")
    assert out["amount"] == 320


def test_bad_input_exits_2_naming_the_field(cli, tmp_path: Path):
    cli("db", "upgrade")
    err = cli(
        "account",
        "open",
        "--psn",
        "P1",
        "--name",
        "张三",
        "--id-no",
        "12345",
        "--region",
        "拉萨",
        code=2,
    )
    assert err["field"] == "id_no"
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({**CLAIM, "fees": [{"code": "A", "chrg_item_lv": "09", "amount": "1"}]})
    )
    err = cli("account", "settle", str(bad), "--key", "K", code=2)
    assert err["problems"][0]["field"] == "fees.0.chrgitm_lv"
    err = cli("account", "statement", "P1", "--from", "2025-13-01", code=2)
    assert "--from" in err["error"]
    assert cli("account", "balance", "NOBODY", code=2)["field"] == "psn_no"
