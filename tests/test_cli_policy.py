"""CLI contracts of the policy layer: regions find, policy show, compare, validate."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from yibao.cli.main import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_regions_find_linzhi_json():
    r = run("regions", "find", "林芝", "--json")
    assert r.exit_code == 0
    assert [x["admdvs"] for x in json.loads(r.stdout)] == ["540400"]


def test_unknown_region_exits_2_with_suggestions():
    r = run("policy", "show", "--region", "拉撒", "--json")
    assert r.exit_code == 2
    body = json.loads(r.stdout)
    assert "拉撒" in body["error"]
    assert "540100" in [s["admdvs"] for s in body["suggestions"]]
    assert "Traceback" not in r.output


def test_policy_show_lasa_has_seed_deductible_with_source():
    r = run("policy", "show", "--region", "拉萨", "--date", "2025-04-16", "--json")
    assert r.exit_code == 0
    body = json.loads(r.stdout)
    assert body["region"] == {"name": "拉萨市", "admdvs": "540100"}
    ded = next(p for p in body["parameters"] if p["parameter"] == "employee.inpatient.deductible")
    assert ded["value"]["3"][0] == 700  # 三级, 1st stay of the year
    assert ded["source"]["confidence"] == "secondary"
    assert ded["source"]["title"].startswith("拉萨医保卡里的钱能取出来吗")
    # 西藏 pools at autonomous-region level: 拉萨 inherits the 西藏 pack, where the seed's
    # figures are kept as disputed
    assert ded["pack"] == "540000"
    assert ded["disputed"] is True


def test_policy_show_bad_date_and_group():
    assert run("policy", "show", "-r", "拉萨", "-d", "2025-13-01").exit_code == 2
    r = run("policy", "show", "-r", "拉萨", "-g", "nope", "--json")
    assert r.exit_code == 2 and "nope" in json.loads(r.stdout)["error"]


def test_compare_lasa_rows():
    r = run("compare", "--region", "拉萨", "--date", "2025-04-16", "--json")
    assert r.exit_code == 0
    rows = {row["topic"]: row for row in json.loads(r.stdout)["rows"]}
    # 拉萨 inherits 西藏's caps, both disputed: the seed's 90万 ("在一些地区") for employees and
    # the aggregator's 6万 for residents (the seed's "某些地区" 50万 is not 西藏's and was dropped)
    cap = rows["统筹基金年度最高支付限额"]
    assert (cap["employee"]["text"], cap["resident"]["text"]) == (
        "90万元（存在争议）",
        "6万元（存在争议）",
    )
    assert rows["住院起付线"]["employee"]["text"].startswith("三级700/500/400/300元")
    # human-readable form renders a table
    assert "职工医保" in run("compare", "--region", "拉萨").stdout


def test_policy_validate_counts():
    r = run("policy", "validate", "--json")
    assert r.exit_code == 0
    rows = {x["admdvs"]: x for x in json.loads(r.stdout)}
    assert rows["540000"].get("secondary", 0) >= 4
    assert rows["000000"].get("official", 0) >= 1
