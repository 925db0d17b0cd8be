"""``yibao check …``: the JSON contract, clean exits, and smoke tests on the shipped packs
(structure only: the packs are being filled in and their figures may change)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from yibao.cli.main import app
from yibao.policy.resolve import default_policy
from yibao.policy.schema import PolicyError
from yibao.rules import (
    contribution,
    coverage,
    enrollment,
    family_aid,
    lifetime,
    newborn,
    offsite,
    transfer,
    waiting,
    withdrawal,
)

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, ["check", *args])
    # never a traceback: the only exception allowed is the clean SystemExit of typer.Exit
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_contract_withdrawal_lasa_death():
    r = run("withdrawal", "--region", "拉萨", "--reason", "death", "--json", "--date", "2025-06-01")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["outcome"] in ("allowed", "not_allowed")
    assert out["region"] == {"name": "拉萨市", "admdvs": "540100"}
    for key in ("reasons", "materials", "consequences"):
        assert isinstance(out[key], list) and all(isinstance(s, str) for s in out[key])
    assert out["basis"] and all("source" in b for b in out["basis"])


def test_unknown_region_exits_2_with_suggestions():
    r = run("withdrawal", "--region", "拉撒", "--reason", "death")
    assert r.exit_code == 2
    assert "拉撒" in r.output and "拉萨市" in r.output
    j = run("withdrawal", "--region", "拉撒", "--reason", "death", "--json")
    assert j.exit_code == 2
    assert json.loads(j.stdout)["suggestions"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["withdrawal", "--region", "拉萨", "--reason", "lottery"], "--reason"),
        (["withdrawal", "--region", "拉萨", "--reason", "death", "--date", "2025-13-01"], "--date"),
        (["newborn", "--region", "拉萨", "--birth-date", "yesterday"], "--birth-date"),
        (
            [
                "newborn",
                "--region",
                "拉萨",
                "--birth-date",
                "2025-02-01",
                "--paid-date",
                "2025-01-01",
            ],
            "--paid-date",
        ),
        (["offsite", "--region", "拉萨", "--filing", "abroad"], "--filing"),
        (["contribution", "--region", "拉萨", "--base", "abc"], "--base"),
        (["contribution", "--region", "拉萨", "--psn-type", "boss"], "--psn-type"),
        (["lifetime", "--region", "拉萨", "--sex", "x", "--years", "3"], "--sex"),
        (["lifetime", "--region", "拉萨", "--sex", "male", "--years", "-3"], "--years"),
        (["waiting", "--region", "拉萨", "--scheme", "x"], "--scheme"),
        (["waiting", "--region", "拉萨", "--lapse-months", "-1"], "--lapse-months"),
        (["enrollment", "--region", "拉萨", "--topic", "x"], "--topic"),
        (["coverage", "--region", "拉萨"], "--item"),
        (["coverage", "--region", "拉萨", "--case", "mars"], "--case"),
        (["family-aid", "--region", "拉萨", "--relation", "spouse", "--use", "golf"], "--use"),
        (["transfer", "--region", "拉萨", "--to", "火星"], "火星"),
    ],
)
def test_bad_options_exit_2_naming_the_option(args, option):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert option in r.output


def test_human_output():
    r = run("withdrawal", "--region", "拉萨", "--reason", "cash_out", "--date", "2025-06-01")
    assert r.exit_code == 0, r.output
    assert "不可以" in r.stdout


# --- smoke tests on the shipped packs: structure only ------------------------------------------

DAY = dt.date(2025, 10, 1)
SMOKE = [
    ("withdrawal", withdrawal.OUTCOMES, lambda v: withdrawal.check_withdrawal(v, "death")),
    ("withdrawal", withdrawal.OUTCOMES, lambda v: withdrawal.check_withdrawal(v, "cash_out")),
    ("transfer", transfer.OUTCOMES, lambda v: transfer.check_transfer(v, "330100")),
    ("waiting", waiting.OUTCOMES, lambda v: waiting.check_waiting(v, "resident", lapse_years=2)),
    ("newborn", newborn.OUTCOMES, lambda v: newborn.check_newborn(v, dt.date(2025, 1, 1), DAY)),
    ("offsite", offsite.OUTCOMES, lambda v: offsite.check_offsite(v, "temporary")),
    ("family_aid", family_aid.OUTCOMES, lambda v: family_aid.check_family_aid(v, "spouse")),
    (
        "contribution",
        contribution.OUTCOMES,
        lambda v: contribution.check_contribution(v, "resident"),
    ),
    ("lifetime", lifetime.OUTCOMES, lambda v: lifetime.check_lifetime(v, "male", 25)),
    ("enrollment", enrollment.OUTCOMES, lambda v: enrollment.check_enrollment(v, "frozen")),
    ("coverage", coverage.OUTCOMES, lambda v: coverage.check_coverage(v, "种植牙")),
]


@pytest.mark.parametrize("region", ["540100", "110000", "440100", "000000"])
@pytest.mark.parametrize(("rule", "outcomes", "call"), SMOKE, ids=[s[0] for s in SMOKE])
def test_smoke_default_policy(rule, outcomes, call, region):
    try:
        policy = default_policy()
        d = call(policy.view(region, DAY))
    except PolicyError as exc:  # a pack still being written lacks a required figure
        pytest.skip(f"shipped packs incomplete: {exc}")
    assert d.rule == rule
    assert d.outcome in outcomes
    assert all(isinstance(s, str) and s for s in d.reasons + d.notes + d.next_steps)
    for b in d.basis:
        assert b["parameter"] in policy.catalogue and b["source"]["title"]
    if d.outcome not in ("local",):
        assert d.basis or d.notes


# --- review 2026-12 D3–D5: the decisions the review found wrong ------------------------------


def test_newborn_past_deadline_is_overdue():
    # born 2026-03-01 + 90 days = deadline 2026-05-30; asked 2026-12-01: 185 days overdue
    r = run("newborn", "-r", "揭阳", "--birth-date", "2026-03-01", "--date", "2026-12-01", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["outcome"] == "overdue"
    assert out["facts"]["deadline"] == "2026-05-30"
    assert out["facts"]["days_overdue"] == 185
    assert any("已逾期" in x for x in out["reasons"])


def test_newborn_future_birth_is_an_error_naming_the_field():
    r = run("newborn", "-r", "拉萨", "--birth-date", "2027-03-01", "--date", "2026-12-01", "--json")
    assert r.exit_code == 2
    assert "--birth-date" in json.loads(r.output)["error"]


def test_waiting_never_lapsed_has_no_waiting_period():
    for extra in (["--in-period"], []):
        r = run(
            "waiting", "-r", "拉萨", "--scheme", "resident", "--lapse-months", "0", *extra,
            "--date", "2026-12-01", "--json",
        )  # fmt: skip
        out = json.loads(r.output)
        assert out["outcome"] == "no_waiting", extra
        assert out["facts"]["waiting_months"] == 0


def test_retiree_who_emigrates_may_withdraw_where_emigration_is_allowed():
    # the national list (苏州 has no pack) and 拉萨 both allow 出国（境）定居
    for region in ("苏州", "拉萨"):
        r = run("withdrawal", "-r", region, "--reason", "退休后出国定居", "--json")
        out = json.loads(r.output)
        assert out["outcome"] == "allowed", region
