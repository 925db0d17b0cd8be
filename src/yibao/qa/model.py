"""The statistical intent model: character n-gram TF-IDF features and a multinomial logistic
regression, trained offline on the labelled corpus of real question phrasings
(``python -m yibao.qa.train``, scikit-learn) and shipped as plain arrays in
``yibao/qa/data/intent_model.npz``. Prediction needs NumPy only: the few n-grams of a question
index rows of the coefficient matrix, so loading takes milliseconds and a prediction well under
one.

The same ``features_text`` is used for training and prediction: the normalized question with the
place names it mentions replaced by one placeholder, the many names of one thing folded to one
(社保卡/医疗卡 → 医保卡, 新农合/城乡医保 → 居民医保, …), digits folded to 0 and punctuation dropped
(places, amounts, dates and the scheme's local name say nothing about the topic).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

MODEL_FILE = "intent_model.npz"
_PUNCT = re.compile(r"[\s,.!?;:，。！？；：、“”‘’\"'()（）《》【】\[\]…~～·—\-]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


PLACE = "地"
"""What a place name becomes in the features."""

SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"社会保障卡|社保卡|医疗卡|医保卡|保障卡", "医保卡"),
    (r"医疗保险|医疗险", "医保"),
    (
        r"新型农村合作医疗|新农村合作医疗|农村合作医疗|合作医疗|新农合|农保|农村医保|"
        r"城镇居民医保|城乡居民医保|城乡医保|居民医保",
        "居民医保",
    ),
    (r"城镇职工医保|职工医保|城职", "职工医保"),
)
"""Names of one thing folded to one in the features (pattern matching sees the text as written)."""
_SYNONYMS = tuple((re.compile(p), s) for p, s in SYNONYMS)


def features_text(normalized: str, places: Sequence[tuple[int, int]] = ()) -> str:
    """What the model reads of a normalized question; ``places`` are the (start, end) spans of
    the place names found in it (``yibao.qa.place.mentions``)."""
    t = normalized
    for start, end in sorted(places, reverse=True):
        t = t[:start] + PLACE + t[end:]
    for rx, name in _SYNONYMS:
        t = rx.sub(name, t)
    return _DIGITS.sub("0", _PUNCT.sub("", t.lower()))


def ngrams(text: str, lo: int, hi: int) -> list[str]:
    """Character n-grams of ``text`` for n in [lo, hi] (scikit-learn's ``analyzer="char"``)."""
    out: list[str] = []
    for n in range(lo, hi + 1):
        out.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return out


@dataclass(frozen=True)
class IntentModel:
    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: np.ndarray  # (V,)
    coef: np.ndarray  # (V, C): column c = weights of label c
    intercept: np.ndarray  # (C,)
    ngram: tuple[int, int]
    weights: tuple[float, float, float, float]  # combination with the patterns (intents.decide)
    precise: frozenset[str] = frozenset()  # patterns precise on the training rows (rule_key)

    def proba(self, normalized: str, places: Sequence[tuple[int, int]] = ()) -> np.ndarray:
        """P(label | question) for every label, in ``labels`` order (``places`` as in
        ``features_text``)."""
        counts: dict[int, int] = {}
        for g in ngrams(features_text(normalized, places), *self.ngram):
            j = self.vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        z = self.intercept.astype(np.float64)
        if counts:
            idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.array([1.0 + math.log(c) for c in counts.values()])  # sublinear tf
            x = tf * self.idf[idx]
            x /= np.linalg.norm(x)
            z = z + x @ self.coef[idx]
        z -= z.max()
        e = np.exp(z)
        return e / e.sum()

    def predict(self, normalized: str, places: Sequence[tuple[int, int]] = ()) -> tuple[str, float]:
        p = self.proba(normalized, places)
        i = int(p.argmax())
        return self.labels[i], float(p[i])


def save(path, model: IntentModel) -> None:
    np.savez_compressed(
        path,
        labels=np.array("\n".join(model.labels)),
        vocab=np.array("\n".join(sorted(model.vocab, key=model.vocab.__getitem__))),
        idf=model.idf.astype(np.float32),
        coef=model.coef.astype(np.float32),
        intercept=model.intercept.astype(np.float32),
        ngram=np.array(model.ngram, dtype=np.int64),
        combine=np.array(model.weights, dtype=np.float64),
        precise=np.array("\n".join(sorted(model.precise))),
    )


def read(path) -> IntentModel:
    with np.load(path, allow_pickle=False) as z:
        words = str(z["vocab"]).split("\n")
        combine = z["combine"]
        return IntentModel(
            labels=tuple(str(z["labels"]).split("\n")),
            vocab={w: i for i, w in enumerate(words)},
            idf=z["idf"].astype(np.float64),
            coef=z["coef"].astype(np.float64),
            intercept=z["intercept"].astype(np.float64),
            ngram=(int(z["ngram"][0]), int(z["ngram"][1])),
            weights=(float(combine[0]), float(combine[1]), float(combine[2]), float(combine[3])),
            precise=frozenset(k for k in str(z["precise"]).split("\n") if k),
        )


@cache
def load() -> IntentModel | None:
    """The shipped model (None if the package has none)."""
    f = resources.files("yibao.qa") / "data" / MODEL_FILE
    if not f.is_file():
        return None
    with resources.as_file(f) as path:
        return read(path)
