"""CLI contract of ``yibao settle``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from yibao.cli.main import app

runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "examples" / "lasa-employee-inpatient.json"


def test_example_settles_to_json():
    r = runner.invoke(app, ["settle", str(EXAMPLE), "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert set(body) >= {"setlinfo", "setldetail", "trace", "ytd"}
    # example: 2nd stay (ytd.stays = 1) in a 三级 hospital, 20000 甲类:
    # deductible 500, fund 19500 × 85% = 16575.00, person 3425.00
    assert body["setlinfo"]["hifp_pay"] == 16575.00
    assert body["setlinfo"]["psn_part_amt"] == 3425.00
    assert '"hifp_pay": 16575.00' in r.stdout  # two decimals, as a JSON number
    assert body["ytd"]["stays"] == 2


def test_invalid_claim_lists_every_problem(tmp_path):
    bad = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    bad["fees"][0]["amount"] = "-5"
    bad["fees"][0]["chrgitm_lv"] = "09"
    bad["encounter"]["enddate"] = "2025-04-01"
    bad["encounter"]["med_type"] = "99"
    bad["person"]["insuplc_admdvs"] = "火星"
    del bad["person"]["psn_no"]
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["settle", str(f), "--json"])
    assert r.exit_code == 2
    fields = {p["field"] for p in json.loads(r.stdout)["problems"]}
    assert {
        "fees.0.amount",
        "fees.0.chrgitm_lv",
        "encounter.med_type",
        "person.insuplc_admdvs",
        "person.psn_no",
    } <= fields
    # end before begin is reported on the encounter once med_type is valid
    bad["encounter"]["med_type"] = "21"
    f.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["settle", str(f)])
    assert r.exit_code == 2 and "enddate" in r.output and "Traceback" not in r.output


def test_missing_file_and_bad_json(tmp_path):
    r = runner.invoke(app, ["settle", str(tmp_path / "none.json")])
    assert r.exit_code == 2 and "找不到文件" in r.output
    f = tmp_path / "x.json"
    f.write_text("{not json", encoding="utf-8")
    assert runner.invoke(app, ["settle", str(f)]).exit_code == 2


def test_unsupported_level_is_a_clean_error(tmp_path):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["encounter"]["hosp_lv"] = 2  # 拉萨 has no 二级 inpatient ratio in its pack
    f = tmp_path / "c.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    r = runner.invoke(app, ["settle", str(f), "--json"])
    assert r.exit_code == 2 and "二级" in json.loads(r.stdout)["error"]


def test_commit_goes_through_the_accounts_service(tmp_path, monkeypatch):
    from yibao.accounts.db import upgrade
    from yibao.accounts.idcard import make_id
    from yibao.accounts.service import Accounts

    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    monkeypatch.setenv("YIBAO_DATABASE_URL", url)
    import datetime as dt

    Accounts(url).open(
        "P001",
        "测试",
        make_id("540102", dt.date(1980, 1, 2), 3),
        "310",
        "540100",
        since=dt.date(2025, 1, 1),
    )
    assert runner.invoke(app, ["settle", str(EXAMPLE), "--commit"]).exit_code == 2  # no --key
    r = runner.invoke(app, ["settle", str(EXAMPLE), "--commit", "--key", "k1", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    # the books, not the file, give the year-to-date figures: this is the 1st stay, so the
    # deductible is 700 and the fund pays (20000 − 700) × 85% = 16405.00
    assert body["setlinfo"]["act_pay_dedc"] == 700.00 and body["setlinfo"]["hifp_pay"] == 16405.00
    again = json.loads(
        runner.invoke(app, ["settle", str(EXAMPLE), "--commit", "--key", "k1", "--json"]).stdout
    )
    assert again["setl_id"] == body["setl_id"] and again["replayed"] is True
