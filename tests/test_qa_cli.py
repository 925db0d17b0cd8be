"""``yibao ask``: one question, a batch from stdin (one JSON object per line), bad region."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from yibao.cli.main import app

runner = CliRunner()


def test_ask_json():
    r = runner.invoke(
        app, ["ask", "防城港怎样把医保卡的钱提取到微信?", "--json", "--date", "2026-11-27"]
    )
    assert r.exit_code == 0, r.output
    obj = json.loads(r.stdout)
    assert obj["intent"] == "withdrawal" and obj["region"]["admdvs"] == "450600"


def test_ask_markdown():
    r = runner.invoke(app, ["ask", "拉萨住院起付线是多少钱"])
    assert r.exit_code == 0 and r.stdout.startswith("### ")


def test_ask_batch_stdin_keeps_order():
    qs = ["拉萨住院起付线是多少钱", "", "醫保卡裡的錢可以領出來嗎", "新生儿的医保卡在哪里办"]
    r = runner.invoke(app, ["ask", "-", "--json"], input="\n".join(qs) + "\n")
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().split("\n")
    assert len(lines) == len(qs)
    intents = [json.loads(x)["intent"] for x in lines]
    assert intents == ["reimbursement", "out_of_scope", "withdrawal", "newborn"]


def test_unknown_region_exits_2_with_suggestions():
    r = runner.invoke(app, ["ask", "医保能取吗", "--region", "石家装", "--json"])
    assert r.exit_code == 2
    obj = json.loads(r.stdout)
    assert any(s["admdvs"] == "130100" for s in obj["suggestions"])
