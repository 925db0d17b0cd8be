"""Worked cases as data (``tests/cases/*.yaml``), readable by a 医保 clerk.

Each file holds named cases with their inputs, the expected outcome (and amounts or dates) and
the arithmetic worked by hand in Chinese (``worked``), from the shipped packs' values and their
sources — never copied from program output. A rule file (``rule: <name>``) runs each case through
the rule registry; a settlement file (``engine: settlement``) runs each claim through BOTH the
scalar engine and the batch engine on the shipped packs and expects the same amounts from both.

Expected values: ``outcome``; ``facts`` (a subset of the decision's facts); ``reasons_include``
(text that must appear in a reason); ``error`` (the field a ``FactError`` or validation error
names); for settlement, amounts in yuan by national field name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml
from pydantic import ValidationError

from yibao.policy import regions
from yibao.policy.resolve import default_policy
from yibao.rules.common import FactError
from yibao.rules.registry import RULES
from yibao.settlement.batch import settle_table
from yibao.settlement.engine import settle
from yibao.settlement.model import Claim

CASES = Path(__file__).parent / "cases"
FEE_CLASSES = ("01", "02", "03")


def _load() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append((f"{path.stem}: {case['name']}", doc, case))
    return out


ALL = _load()


def test_every_rule_has_at_least_ten_cases_and_each_case_is_worked():
    per_rule: dict[str, int] = {}
    for _, doc, case in ALL:
        key = doc.get("rule") or doc["engine"]
        per_rule[key] = per_rule.get(key, 0) + 1
        assert case.get("worked"), case["name"]
        assert case.get("expect"), case["name"]
    assert per_rule.get("settlement", 0) >= 10
    assert set(RULES) <= set(per_rule), set(RULES) - set(per_rule)
    short = {r: n for r, n in per_rule.items() if n < 10}
    assert not short, short


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dt.date):
        expected = expected.isoformat()
    if isinstance(expected, bool) or expected is None:
        return expected == actual
    if isinstance(expected, int | float | Decimal) and not isinstance(actual, str | bool):
        return Decimal(str(expected)) == Decimal(str(actual))
    return str(expected) == str(actual)


@pytest.mark.parametrize(("doc", "case"), [(d, c) for _, d, c in ALL], ids=[i for i, _, _ in ALL])
def test_case(doc, case):
    checked = _rule_case(doc["rule"], case) if "rule" in doc else _settlement_case(case)
    assert checked > 0, f"case {case.get('name')!r} expects nothing: a case must check something"


def _rule_case(name: str, case: dict[str, Any]) -> int:
    """Run one rule case; the number of expectations checked."""
    rule = RULES[name]
    day = case["date"]
    view = default_policy().view(regions.get(case["region"]).admdvs, day)
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises((FactError, ValidationError)) as exc:
            rule.run(view, case.get("input") or {})
        err = exc.value
        field = err.field if isinstance(err, FactError) else err.errors()[0]["loc"][0]
        assert field == expect["error"], str(err)
        return 1
    d = rule.run(view, case.get("input") or {})
    checked = 0
    if "outcome" in expect:
        assert d.outcome == expect["outcome"], d.reasons
        checked += 1
    for key, want in (expect.get("facts") or {}).items():
        assert key in d.facts, (key, d.facts)
        assert _same(want, d.facts[key]), (key, want, d.facts[key])
        checked += 1
    for text in expect.get("reasons_include") or []:
        assert any(text in r for r in d.reasons), (text, d.reasons)
        checked += 1
    return checked


def _claim_data(c: dict[str, Any]) -> dict[str, Any]:
    person, enc = c["person"], c["encounter"]
    end = enc["enddate"]
    return {
        "person": {"psn_no": "CASE", **person},
        "encounter": {
            "mdtrtarea_admvs": person["insuplc_admdvs"],
            "begndate": end,
            **enc,
        },
        "fees": [
            {"code": f"CLASS-{lv}", "chrgitm_lv": lv, "amount": str(amt)}
            for lv, amt in c["fees"].items()
        ],
        "ytd": c.get("ytd") or {},
    }


def _batch_row(c: dict[str, Any]) -> pa.Table:
    person, enc = c["person"], c["encounter"]
    row: dict[str, Any] = {
        "psn_no": "CASE",
        "insutype": person["insutype"],
        "psn_type": person.get("psn_type", ""),
        "resident_group": person.get("resident_group", "all"),
        "insuplc_admdvs": person["insuplc_admdvs"],
        "med_type": enc["med_type"],
        "hosp_lv": enc["hosp_lv"],
        "enddate": enc["enddate"],
        **{f"amt_{lv}": int(Decimal(str(c["fees"].get(lv, 0))) * 100) for lv in FEE_CLASSES},
    }
    for k, v in (c.get("ytd") or {}).items():
        row[f"ytd_{k}"] = v if k == "stays" else int(Decimal(str(v)) * 100)
    return pa.Table.from_pylist([row])


def _settlement_case(case: dict[str, Any]) -> int:
    """Run one settlement case through both engines; the number of amounts checked."""
    c = case["claim"]
    expect = case["expect"]
    scalar = settle(Claim.model_validate(_claim_data(c)), trace=False)
    got = scalar.setlinfo.model_dump() if hasattr(scalar, "setlinfo") else scalar.model_dump()
    batch = settle_table(_batch_row(c)).claims.to_pylist()[0]
    for field, want in expect.items():
        want = Decimal(str(want))
        assert Decimal(str(got[field])) == want, ("scalar", field, got[field], want)
        assert Decimal(batch[field]) / 100 == want, ("batch", field, batch[field], want)
    return len(expect)
