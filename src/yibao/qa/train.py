"""Train the intent model (``yibao.qa.model``) on labelled question files. Needs scikit-learn
(a development dependency); the shipped model is plain arrays read with NumPy.

    python -m yibao.qa.train tests/data/corpus/questions.tsv tests/data/questions.tsv \
        --exclude tests/data/corpus/test.tsv
    python -m yibao.qa.train --split tests/data/corpus/questions.tsv   # (done once: the frozen split)

Each file is TSV with a header and the columns ``question`` and ``intent``; rows whose ``split``
column starts with ``heldout`` are skipped (they belong to evaluations). Steps: TF-IDF over character
1–2-grams of ``model.features_text`` (places masked, synonyms folded); multinomial logistic
regression (C chosen by 5-fold cross-validation); the patterns that are precise on the training
rows (``precise_rules``); then the weights in ``intents.decide`` (pattern scores, out-of-domain
bonus, medical penalty, precise-pattern bonus), chosen on the out-of-fold predictions of the
same folds. The figure to compare versions by is the out-of-fold accuracy on the rows of the FIRST file
(the real phrasings); the others (phrasings written by the project) only add training rows. The
frozen test split is read only to leave its questions out.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from yibao.qa import intents, model, place, slots
from yibao.qa.normalize import normalize

DEFAULT_OUT = Path(__file__).parent / "data" / model.MODEL_FILE


def read_rows(paths: list[Path], exclude: Sequence[Path] = ()) -> list[tuple[str, str, int]]:
    """Labelled (question, intent, file number) rows for training: every file's rows except the
    questions of the ``exclude`` files (the frozen test split), evaluation rows (``split``
    heldout…) and question bodies whose title may be in the test split (note "question body")."""
    held = {q for p in exclude for q, _ in _tsv(p)}
    rows = []
    for n, p in enumerate(paths):
        with p.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if (r.get("split") or "").startswith("heldout") or not r.get("question"):
                    continue
                if r["question"].strip() in held or "question body" in (r.get("note") or ""):
                    continue
                if r["intent"] not in intents.INTENTS:
                    raise SystemExit(f"{p}: unknown intent {r['intent']!r} for {r['question']!r}")
                rows.append((r["question"].strip(), r["intent"], n))
    return rows


def _tsv(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["question"].strip(), r["intent"]) for r in reader]


def freeze_split(path: Path) -> tuple[Path, Path]:
    """Split a reviewed corpus into ``test.tsv`` and ``train.tsv`` beside it: per intent, rows
    ordered by the SHA-256 of the question, every 4th to test; rows marked ``unsure`` never go to
    test; exact duplicates are kept once. Run once, before any tuning; the test file is then
    frozen (its hash is checked by tests/test_qa_corpus.py)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    seen: set[str] = set()
    by_intent: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        q = r["question"].strip()
        if q and q not in seen:
            seen.add(q)
            by_intent.setdefault(r["intent"], []).append(r)
    test, train_rows = [], []
    for name in sorted(by_intent):
        group = sorted(
            by_intent[name],
            key=lambda r: hashlib.sha256(r["question"].strip().encode()).hexdigest(),
        )
        sure = [r for r in group if "unsure" not in (r.get("note") or "")]
        test += sure[::4]
        train_rows += [r for i, r in enumerate(sure) if i % 4] + [r for r in group if r not in sure]
    out = []
    for name, part in (("test.tsv", test), ("train.tsv", train_rows)):
        target = path.with_name(name)
        lines = ["\t".join(fields)] + ["\t".join(r.get(k) or "" for k in fields) for r in part]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append(target)
    return out[0], out[1]


def place_spans(text: str) -> list[tuple[int, int]]:
    """Where ``understand`` finds place names in a normalized question."""
    return [(m.start, m.end) for m in place.mentions(text)]


def pattern_scores(text: str) -> intents.IntentScore:
    """The pattern scores (and matched rules) ``understand`` computes for a normalized question."""
    found = slots.extract(text)
    return intents.classify(text, {**found, "regions_named": len(place.mentions(text))})


PRECISE_MIN_HITS = 3
PRECISE_MIN_SHARE = 0.85
"""A pattern is precise when it matched at least this many real training rows and at least
this share of them carry its intent (chosen by cross-validation on the training rows)."""


def precise_rules(hits: Sequence[tuple[int, ...]], y: Sequence[str]) -> frozenset[str]:
    """``intents.rule_key`` of every precise pattern, measured on the given rows."""
    fired: dict[int, list[bool]] = {}
    for row_hits, gold in zip(hits, y, strict=True):
        for k in row_hits:
            fired.setdefault(k, []).append(gold == intents.RULES[k][0])
    return frozenset(
        intents.rule_key(k)
        for k, ok in fired.items()
        if len(ok) >= PRECISE_MIN_HITS and sum(ok) / len(ok) >= PRECISE_MIN_SHARE
    )


GRID = tuple(
    itertools.product(
        (0.1, 0.2, 0.3, 0.5, 0.8), (0.0, 1.0, 2.0, 3.0), (0.0, 1.0, 2.0), (0.0, 1.0, 2.0, 3.0, 5.0)
    )
)
OOS_COST = 3
"""An in-scope question answered as out of scope costs this many errors (it gets no answer)."""


def tune_combination(
    texts, y, labels, proba, scores, precise, real
) -> tuple[tuple[float, float, float, float], float]:
    """(weights, out-of-fold accuracy on the ``real`` rows) with the lowest cost on those rows
    over ``GRID``."""
    best: tuple[int, tuple[float, float, float, float], float] | None = None
    n_real = int(sum(real))
    for weights in GRID:
        ok = cost = 0
        for t, gold, p, sc, pr, counts in zip(texts, y, proba, scores, precise, real, strict=True):
            if not counts:
                continue
            got = intents.decide(sc.scores, t, labels, p, weights, pr)
            ok += got == gold
            if got != gold:
                cost += OOS_COST if got == "out_of_scope" else 1
        if best is None or cost < best[0]:
            best = (cost, weights, ok / n_real)
    assert best is not None
    return best[1], best[2]


def train(
    rows: list[tuple[str, str, int]], folds: int = 5, seed: int = 0, errors: bool = False
) -> model.IntentModel:
    """Fit the model on ``rows`` (question, intent, file number); out-of-fold figures are
    reported for the rows of file 0 (the real phrasings). Every fold fits the n-gram vocabulary,
    the classifier and the precise-pattern list on its training part only."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline

    texts = [normalize(q) for q, _, _ in rows]
    y = np.array([i for _, i, _ in rows])
    real = np.array([n == 0 for _, _, n in rows])
    feats = [model.features_text(t, place_spans(t)) for t in texts]
    scores = [pattern_scores(t) for t in texts]
    ngram = (1, 2)
    labels = tuple(sorted(set(y)))

    def fit(c: float, idx):
        vec = TfidfVectorizer(analyzer="char", ngram_range=ngram, sublinear_tf=True, min_df=2)
        clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        pipe = make_pipeline(vec, clf).fit([feats[i] for i in idx], y[idx])
        assert tuple(clf.classes_) == labels
        return pipe, vec, clf

    counts = np.unique(y, return_counts=True)[1]
    k = max(2, min(folds, int(counts.min())))
    split = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(feats, y))
    best: tuple[float, float, np.ndarray, list[frozenset[str]]] | None = None
    for c in (10.0, 20.0, 30.0):
        proba = np.zeros((len(rows), len(labels)))
        precise: list[frozenset[str]] = [frozenset()] * len(rows)
        for tr, te in split:
            pipe, _, _ = fit(c, tr)
            proba[te] = pipe.predict_proba([feats[i] for i in te])
            tr_real = [i for i in tr if real[i]]
            keys = precise_rules([scores[i].hits for i in tr_real], [y[i] for i in tr_real])
            for i in te:
                precise[i] = intents.precise_intents(scores[i].hits, keys)
        acc = float((np.array(labels)[proba.argmax(1)] == y)[real].mean())
        print(f"C={c}: model out-of-fold accuracy {acc:.4f}", file=sys.stderr)
        if best is None or acc > best[1]:
            best = (c, acc, proba, precise)
    assert best is not None
    best_c, _, proba, precise = best
    weights, acc = tune_combination(texts, y, labels, proba, scores, precise, real)
    got_all = [
        intents.decide(sc.scores, t, labels, p, weights, pr)
        for t, p, sc, pr in zip(texts, proba, scores, precise, strict=True)
    ]
    in_scope = real & (y != "out_of_scope")
    oos = float(np.mean([got_all[i] == "out_of_scope" for i in np.flatnonzero(in_scope)]))
    print(
        f"combined out-of-fold accuracy {acc:.4f} on {int(real.sum())} real rows, in-scope → "
        f"out_of_scope {oos:.4f} (C {best_c}, weights {weights})",
        file=sys.stderr,
    )
    if errors:  # the real training rows the tuned combination gets wrong out of fold
        for (q, gold, _), got, sc, is_real in zip(rows, got_all, scores, real, strict=True):
            if is_real and got != gold:
                print(f"  {gold:14s} -> {got:14s} {q}  {sc.scores}", file=sys.stderr)
    _, vec, clf = fit(best_c, np.arange(len(rows)))
    keys = precise_rules([s.hits for s, r in zip(scores, real, strict=True) if r], list(y[real]))
    print(f"{len(keys)} precise patterns", file=sys.stderr)
    return model.IntentModel(
        labels=labels,
        vocab={g: int(j) for g, j in vec.vocabulary_.items()},
        idf=vec.idf_.astype(np.float64),
        coef=clf.coef_.T.astype(np.float64),
        intercept=clf.intercept_.astype(np.float64),
        ngram=ngram,
        weights=weights,
        precise=keys,
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--split", action="store_true", help="write the frozen test/train split")
    ap.add_argument("--exclude", type=Path, action="append", default=[], help="held-out file")
    ap.add_argument("--errors", action="store_true", help="list out-of-fold training errors")
    args = ap.parse_args(argv)
    if args.split:
        for p in freeze_split(args.files[0]):
            print(f"wrote {p}", file=sys.stderr)
        return
    rows = read_rows(args.files, args.exclude)
    print(f"{len(rows)} labelled questions", file=sys.stderr)
    m = train(rows, errors=args.errors)
    model.save(args.out, m)
    print(f"wrote {args.out} ({len(m.vocab)} n-grams, {len(m.labels)} intents)", file=sys.stderr)


if __name__ == "__main__":
    main()
