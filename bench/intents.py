"""Intent accuracy on the FROZEN test split of real question phrasings
(tests/data/corpus/test.tsv; split off and committed before any tuning, sha256 checked here).

    .venv/bin/python bench/intents.py [--errors]

Reports, on the same questions and in the same run: the shipped system (patterns combined with
the statistical model, as ``yibao.qa.understand``), the patterns alone (the baseline: what the
project had before), and the model alone; for each, accuracy and the share of in-scope questions
answered as out of scope.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
TEST = ROOT / "tests" / "data" / "corpus" / "test.tsv"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", action="store_true", help="list the misclassified questions")
    args = ap.parse_args()
    from test_qa_corpus import FROZEN_TEST_SHA256
    from yibao.qa import intents, model, place, slots
    from yibao.qa.normalize import normalize
    from yibao.qa.understand import understand

    digest = hashlib.sha256(TEST.read_bytes()).hexdigest()
    if digest != FROZEN_TEST_SHA256:
        raise SystemExit(f"test split changed: sha256 {digest} != frozen {FROZEN_TEST_SHA256}")
    with TEST.open(encoding="utf-8", newline="") as f:
        rows = [(r["question"], r["intent"]) for r in csv.DictReader(f, delimiter="\t")]
    m = model.load()
    systems = {"patterns + model (shipped)": [], "patterns only": [], "model only": []}
    for q, _ in rows:
        text = normalize(q)
        found = slots.extract(text)
        places = place.mentions(text)
        pat = intents.classify(text, {**found, "regions_named": len(places)})
        spans = [(x.start, x.end) for x in places]
        systems["patterns + model (shipped)"].append(understand(q).intent)
        systems["patterns only"].append(pat.intent)
        systems["model only"].append(m.predict(text, spans)[0] if m else "out_of_scope")
    gold = [g for _, g in rows]
    in_scope = [i for i, g in enumerate(gold) if g != "out_of_scope"]
    print(
        f"frozen test split: {len(rows)} questions ({len(in_scope)} in scope), sha256 {digest[:12]}…"
    )
    for name, got in systems.items():
        acc = sum(a == b for a, b in zip(got, gold, strict=True)) / len(gold)
        oos = sum(got[i] == "out_of_scope" for i in in_scope) / len(in_scope)
        print(f"  {name:28s} intent accuracy {acc:6.1%}   in-scope → out_of_scope {oos:5.1%}")
    shipped = systems["patterns + model (shipped)"]
    per, ok = Counter(gold), Counter(g for g, s in zip(gold, shipped, strict=True) if g == s)
    print("  per intent (shipped): recall, and how often the intent was chosen wrongly")
    chosen = Counter(s for g, s in zip(gold, shipped, strict=True) if g != s)
    for name in sorted(per, key=lambda k: -per[k]):
        print(f"    {name:15s} {ok[name]:3d}/{per[name]:3d}   wrongly chosen {chosen[name]:2d}")
    if args.errors:
        for (q, g), s in zip(rows, shipped, strict=True):
            if g != s:
                print(f"  ✗ {g:14s} → {s:14s} {q}")


if __name__ == "__main__":
    main()
