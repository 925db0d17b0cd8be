"""The real-phrasing corpus (tests/data/corpus, README there): the test split is frozen, and its
labels are ones the system knows."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from yibao.qa.intents import INTENTS

CORPUS = Path(__file__).parent / "data" / "corpus"
FROZEN_TEST_SHA256 = "2d84b72e0c07e1965b8d0f804a2fb38c30836e48244b66512619f74bec9f1cfa"
"""sha256 of test.tsv when it was split off, before any tuning (commit "Freeze the test split")."""


def rows(name: str) -> list[dict[str, str]]:
    with (CORPUS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_test_split_is_frozen():
    assert hashlib.sha256((CORPUS / "test.tsv").read_bytes()).hexdigest() == FROZEN_TEST_SHA256


def test_splits_are_disjoint_and_labelled_with_known_intents():
    test, train = rows("test.tsv"), rows("train.tsv")
    assert len(test) >= 200
    assert not {r["question"] for r in test} & {r["question"] for r in train}
    assert {r["intent"] for r in test + train} <= set(INTENTS)
