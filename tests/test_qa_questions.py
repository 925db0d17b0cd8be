"""The labelled question set: intent ≥ 95 %, region ≥ 98 %, overall and on the held-out parts.
Splits: ``dev`` (patterns tuned on it), ``heldout`` (written before any pattern existed),
``heldout2`` (written after tuning, measured once before two generic fixes: 81 % intent).
Per-intent figures are printed (pytest -s)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from yibao.qa.intents import INTENTS
from yibao.qa.understand import understand

DATA = Path(__file__).parent / "data" / "questions.tsv"


def _rows() -> list[tuple[str, str, str, str]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:3] == ["question", "intent", "region_admdvs"]
    out = []
    for line in lines[1:]:
        if line.strip():
            q, intent, code, split = line.split("\t")
            out.append((q, intent, code, split))
    return out


ROWS = _rows()


def test_question_set_shape():
    assert len(ROWS) >= 200
    labels = {r[1] for r in ROWS}
    assert labels <= set(INTENTS) and len(labels) >= 14
    assert len({r[2] for r in ROWS if r[2]}) >= 40
    assert sum(r[3] != "dev" for r in ROWS) >= 80
    assert len({r[0] for r in ROWS}) == len(ROWS), "duplicate questions"


def _score(rows):
    per, ok_per = Counter(), Counter()
    ok_i = ok_r = 0
    wrong = []
    for q, intent, code, _ in rows:
        u = understand(q)
        got = u.region.admdvs if u.region else ""
        per[intent] += 1
        if u.intent == intent:
            ok_i += 1
            ok_per[intent] += 1
        else:
            wrong.append(f"intent {q!r}: want {intent}, got {u.intent}")
        if got == code:
            ok_r += 1
        else:
            wrong.append(f"region {q!r}: want {code or '-'}, got {got or '-'}")
    return ok_i / len(rows), ok_r / len(rows), per, ok_per, wrong


@pytest.mark.parametrize("split", ["all", "heldout", "heldout2"])
def test_accuracy(split):
    rows = [r for r in ROWS if split == "all" or r[3] == split]
    intent_acc, region_acc, per, ok_per, wrong = _score(rows)
    print(f"\n[{split}] {len(rows)} questions: intent {intent_acc:.1%}, region {region_acc:.1%}")
    for name in INTENTS:
        if per[name]:
            print(f"  {name:15s} {ok_per[name]:3d}/{per[name]:3d} = {ok_per[name] / per[name]:.0%}")
    for w in wrong:
        print("  ✗", w)
    assert intent_acc >= 0.95, wrong
    assert region_acc >= 0.98, wrong
