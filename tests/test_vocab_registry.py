"""The vocabulary and the rule registry: one definition of each code, one input model per rule."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest
from pydantic import ValidationError

from yibao import vocab
from yibao.policy.resolve import default_policy
from yibao.rules.registry import RULES
from yibao.settlement import codes

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_label_is_chinese_and_codes_unique():
    for v in vocab.ALL:
        assert HAN.search(v.title), v.name
        assert len(set(v.codes)) == len(v.codes)
        for code, zh in v.labels.items():
            assert HAN.search(zh), (v.name, code)
    assert len(vocab.BY_NAME) == len(vocab.ALL)


def test_parse_codes_labels_and_aliases():
    assert vocab.RELATION.parse("老婆") == "spouse"
    assert vocab.RELATION.parse("配偶") == "spouse"
    assert vocab.HOSP_LV.parse("三甲") == "3"
    assert vocab.WITHDRAWAL_REASON.parse(" 出国定居 ") == "emigration"
    with pytest.raises(vocab.UnknownCode, match="可选：在职、退休"):
        vocab.PSN_TYPE.parse("in_servce")


def test_settlement_codes_are_the_vocabulary():
    assert {int(c): z for c, z in vocab.HOSP_LV.labels.items()} == codes.HOSP_LV
    assert set(codes.MED_TYPE) == set(vocab.MED_TYPE.codes) == set(vocab.MED_TYPE_CATEGORY)
    assert set(vocab.MED_TYPE_CATEGORY.values()) <= set(vocab.CATEGORY.codes)
    assert list(codes.OFFSITE_FILING) == list(vocab.OFFSITE_FILING.codes)


def test_pydantic_code_type_accepts_words_and_names_choices():
    model = RULES["family-aid"].inputs
    assert model(relation="老公", use="买药").use == "drugs"
    with pytest.raises(ValidationError) as exc:
        model(relation="配偶", use="旅游")
    assert exc.value.errors()[0]["loc"] == ("use",)
    assert "可选：" in str(exc.value)
    schema = RULES["withdrawal"].inputs.model_json_schema()["properties"]["reason"]
    assert schema["enum"] == list(vocab.WITHDRAWAL_REASON.codes)
    assert schema["title"] == "情形"


@pytest.mark.parametrize("name", list(RULES))
def test_every_rule_has_a_chinese_input_model_matching_its_function(name):
    rule = RULES[name]
    assert HAN.search(rule.title) and HAN.search(rule.summary)
    params = list(inspect.signature(rule.check).parameters)[1:]
    assert set(rule.inputs.model_fields) == set(params), name
    for field, info in rule.inputs.model_fields.items():
        assert info.title and HAN.search(info.title), (name, field)
    for outcome, zh in rule.outcome_labels.items():
        assert HAN.search(zh), (name, outcome)


def test_registry_runs_a_rule_from_plain_data():
    view = default_policy().view("540100", dt.date(2026, 12, 1))
    # 出生20天 asked on 2026-12-01: born 2026-11-11, 90-day deadline 2027-02-09 (review D3b)
    d = RULES["newborn"].run(view, {"age_days": 20})
    assert d.outcome == "enrol_by"
    assert d.facts["birth_date"] == "2026-11-11"
    assert d.facts["deadline"] == "2027-02-09"
    with pytest.raises(ValidationError):
        RULES["newborn"].run(view, {"age_days": -1})


def test_glossary_code_table_is_current():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"
    text = path.read_text(encoding="utf-8")
    assert vocab.GLOSSARY_BEGIN in text, "run: python -m yibao.vocab docs/glossary.md"
    assert vocab.with_glossary_table(text) == text, "run: python -m yibao.vocab docs/glossary.md"
