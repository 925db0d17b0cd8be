"""The statistical intent model: NumPy prediction equals scikit-learn's, the shipped arrays load
and cover every intent, and the new topics of issue 12 are understood and answered for citizens."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from yibao.qa import model
from yibao.qa.answer import ask
from yibao.qa.intents import INTENTS
from yibao.qa.normalize import normalize

DAY = dt.date(2026, 12, 1)


def test_numpy_prediction_equals_scikit_learn(tmp_path):
    sklearn = pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    assert sklearn
    rows = [
        ("医保卡丢了怎么补办", "card"),
        ("社保卡掉了去哪里补", "card"),
        ("医保卡怎么激活", "card"),
        ("住院能报销多少", "reimbursement"),
        ("门诊报销比例是多少", "reimbursement"),
        ("住院花了2万能报多少", "reimbursement"),
        ("今天天气怎么样", "out_of_scope"),
        ("推荐一款重疾险", "out_of_scope"),
        ("公积金怎么提取", "out_of_scope"),
    ]
    feats = [model.features_text(normalize(q)) for q, _ in rows]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=10.0, max_iter=2000).fit(x, [i for _, i in rows])
    m = model.IntentModel(
        labels=tuple(clf.classes_),
        vocab={g: int(j) for g, j in vec.vocabulary_.items()},
        idf=vec.idf_,
        coef=clf.coef_.T,
        intercept=clf.intercept_,
        ngram=(1, 3),
        weights=(0.5, 1.0, 2.0, 3.0),
    )
    model.save(tmp_path / "m.npz", m)
    back = model.read(tmp_path / "m.npz")
    for q in ["医保卡不见了怎么办", "住院报多少", "天气好吗", "完全陌生的句子"]:
        f = model.features_text(normalize(q))
        want = clf.predict_proba(vec.transform([f]))[0]
        assert np.allclose(back.proba(normalize(q)), want, atol=1e-5)
    assert back.weights == (0.5, 1.0, 2.0, 3.0)


def test_shipped_model_covers_every_intent():
    m = model.load()
    assert m is not None and set(m.labels) == set(INTENTS)
    p = m.proba(normalize("医保卡丢了怎么补办"))
    assert p.shape == (len(m.labels),) and abs(p.sum() - 1) < 1e-9


def test_features_fold_digits_and_punctuation():
    assert model.features_text("花了2万，报多少？") == model.features_text("花了30万报多少")


def test_features_mask_places_and_fold_synonyms():
    # 广州 (characters 0–2) is a place; 社保卡 and 医保卡 name the same card; 新农合 is 居民医保.
    assert model.features_text("广州社保卡丢了怎么办？", [(0, 2)]) == "地医保卡丢了怎么办"
    assert model.features_text("新农合住院报多少") == "居民医保住院报多少"


# The review's real, in-scope questions that used to get 超出范围 (review-2026-12-ux.md, issue 12).
REVIEW = {
    "职工医保要缴纳多久": "lifetime",
    "退休了还有医疗保险吗": "retiree",
    "城乡医保一年多少": "contribution",
    "医保药品目录中的甲乙是什么意思": "catalogue",
    "医保卡丢了怎么补办": "card",
    "石家庄职工医保和居民医保有啥不一样": "compare",
}


@pytest.mark.parametrize(("question", "intent"), REVIEW.items())
def test_review_questions_are_understood(question, intent):
    assert ask(question, date=DAY)["intent"] == intent


@pytest.mark.parametrize(
    "question",
    ["医保卡丢了怎么补办", "哪些药店能刷医保", "门诊慢特病怎么申请", "生孩子的费用医保怎么报"],
)
def test_known_topics_without_figures_point_to_a_channel(question):
    r = ask(question, date=DAY)
    assert r["intent"] != "out_of_scope"
    assert "12393" in r["answer"]  # the hotline, from the national pack
    assert "超出" not in r["answer"]


def test_bare_yibao_asks_what_about_instead_of_refusing():
    r = ask("医保", date=DAY)
    assert "超出" not in r["answer"] and r["followups"][0]["options"]
