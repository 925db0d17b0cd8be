"""Strict packs: a repeated YAML key, or a key or code the catalogue does not allow, is an error
that names the place and the allowed ones (review: a misspelt ``in_servce`` loaded silently)."""

from __future__ import annotations

import pytest

from yibao.policy.loader import load_catalogue, parse_pack
from yibao.policy.schema import ParamSpec, PolicyError

CATALOGUE = load_catalogue()

HEAD = """
admdvs: "540100"
name: 拉萨市
sources:
  s1: {title: 测试文件, doc_no: 测〔2025〕1号, read: 2026-11-27, confidence: official}
parameters:
"""


def pack(body: str):
    return parse_pack(HEAD + body, CATALOGUE, "540100-test.yaml")


def test_duplicate_parameter_rejected_with_both_lines():
    body = """  employee.inpatient.annual_cap:
    - {since: 2025-01-01, value: 700000, source: s1, article: 第一条}
  employee.inpatient.annual_cap:
    - {since: 2025-01-01, value: 900000, source: s1, article: 第一条}
"""
    with pytest.raises(PolicyError) as exc:
        pack(body)
    msg = str(exc.value)
    assert "540100-test.yaml" in msg
    assert "duplicate key 'employee.inpatient.annual_cap'" in msg
    assert "line 9" in msg and "first at line 7" in msg


def test_duplicate_key_inside_a_value_rejected():
    body = """  employee.outpatient.deductible:
    - {since: 2025-01-01, value: {in_service: 200, in_service: 100}, source: s1, article: 一}
"""
    with pytest.raises(PolicyError, match="duplicate key 'in_service'"):
        pack(body)


@pytest.mark.parametrize(
    ("name", "value", "bad", "allowed"),
    [
        ("employee.outpatient.deductible", "{in_servce: 200, retired: 100}", "in_servce",
         "allowed: in_service, retired"),
        ("common.offsite.ratio_reduction", "{tempory: 0.2}", "tempory",
         "allowed: long_term, temporary, referral, emergency, unfiled"),
        ("employee.lifetime.min_years", "{male: 25, femal: 20}", "femal",
         "allowed: male, female"),
        ("resident.inpatient.fund_ratio", '{adults: {"3": [{rate: 0.6}]}}', "adults",
         "allowed: all, minor, adult, senior"),
        ("employee.withdrawal.materials", "{deth: [死亡证明]}", "deth", "allowed: death,"),
    ],
)  # fmt: skip
def test_unknown_key_names_the_allowed_ones(name, value, bad, allowed):
    body = f"  {name}:\n    - {{since: 2025-01-01, value: {value}, source: s1, article: 一}}\n"
    with pytest.raises(PolicyError) as exc:
        pack(body)
    msg = str(exc.value)
    assert f"{name}[since 2025-01-01].value: unknown key {bad!r}" in msg
    assert allowed in msg


@pytest.mark.parametrize(
    ("name", "value", "bad"),
    [
        ("employee.withdrawal.allowed_reasons", "[deth, emigration]", "deth"),
        ("employee.family_aid.relations", "[spouse, cousin]", "cousin"),
        ("resident.newborn.late_effect", "next_week", "next_week"),
    ],
)
def test_unknown_code_names_the_allowed_ones(name, value, bad):
    body = f"  {name}:\n    - {{since: 2025-01-01, value: {value}, source: s1, article: 一}}\n"
    with pytest.raises(PolicyError, match=f"unknown code {bad!r}; allowed: "):
        pack(body)


def test_good_keys_and_codes_load():
    body = """  employee.outpatient.deductible:
    - {since: 2025-01-01, value: {in_service: 200, retired: 100}, source: s1, article: 一}
  employee.withdrawal.allowed_reasons:
    - {since: 2025-01-01, value: [death, emigration], source: s1, article: 二}
"""
    p = pack(body)
    assert p.parameters["employee.withdrawal.allowed_reasons"][0].value == ["death", "emigration"]


def test_catalogue_declarations_are_checked():
    with pytest.raises(ValueError, match="unknown vocabulary 'relations'"):
        ParamSpec(kind="texts", group="g", label="x", codes="relations")
    with pytest.raises(ValueError, match="'keys' is only for"):
        ParamSpec(kind="money", group="g", label="x", keys=["a"])
    # every keyed parameter of the shipped catalogue declares its keys
    keyed = [s for s in CATALOGUE.values() if s.kind.endswith("_by_key") or s.kind == "ratio_table"]
    assert keyed and all(s.keys is not None for s in keyed), [s.name for s in keyed if not s.keys]
