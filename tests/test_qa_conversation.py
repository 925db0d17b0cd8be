"""Conversations: follow-up turns carry the earlier slots, through the library, the CLI's JSON
lines, the API and the web page.

拉萨 figures (540100 pack, from the seed page): 职工 三级 起付线 700 元 for the first stay and
500 元 for the second; the fund pays 85% (在职) or 91% (退休) of the in-scope amount above it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from yibao.cli.main import app
from yibao.qa import conversation
from yibao.qa.answer import ConversationError, ask

warnings.filterwarnings("ignore", category=DeprecationWarning, module="fastapi.testclient")
from fastapi.testclient import TestClient  # noqa: E402

from yibao.api.auth import KeyStore  # noqa: E402
from yibao.asgi import create_app  # noqa: E402

DAY = dt.date(2026, 12, 1)
runner = CliRunner()


def fund(answer: dict) -> str:
    """The fund payment stated in an answer's conclusion, digits only."""
    m = re.search(r"约报销([\d,]+\.\d\d)元", answer["answer"])
    assert m, answer["answer"][:300]
    return m.group(1).replace(",", "")


def turns(*questions: str) -> list[dict]:
    out, token = [], None
    for q in questions:
        out.append(ask(q, date=DAY, conversation_token=token))
        token = out[-1]["conversation"]
    return out


def test_two_turns_recompute_for_lasa():
    first, second = turns("拉萨职工医保住院报销比例", "三级医院，花了2万")
    assert first["intent"] == "reimbursement" and "amount" in {
        f["slot"] for f in first["followups"]
    }
    assert second["region"]["admdvs"] == "540100" and second["turn"] == 2
    # (20000 − 700) × 85% = 16405.00
    assert fund(second) == "16405.00"


def test_three_turns_retired_second_stay():
    a, b, c = turns("我爸退休了，住院花了3万能报多少", "拉萨", "三甲，第二次住院")
    assert a["region"] is None and b["region"]["admdvs"] == "540100"
    # turn 2: first stay, 三级 by default: (30000 − 700) × 91% = 26663.00
    assert fund(b) == "26663.00"
    # turn 3: second stay: (30000 − 500) × 91% = 26845.00
    assert fund(c) == "26845.00"
    assert c["slots"]["person_type"] == "retired" and c["slots"]["nth_stay"] == 2


@pytest.mark.parametrize(
    ("bare", "slot", "value"),
    [
        ("退休", "person_type", "retired"),
        ("三级", "hospital_level", 3),
        ("3万", "amount", 30000),
        ("居民医保呢", "insurance", "resident"),
    ],
)
def test_bare_answers_keep_the_topic(bare, slot, value):
    _, second = turns("拉萨职工医保住院报销比例", bare)
    assert second["intent"] == "reimbursement"
    assert second["region"]["admdvs"] == "540100"
    assert second["slots"][slot] == value


def test_bare_city_answers_the_city_question():
    first, second = turns("医保断缴了半年，现在补缴要等多久才能报销", "杭州")
    assert first["region"] is None and "region" in {f["slot"] for f in first["followups"]}
    assert second["intent"] == "lapse" and second["region"]["admdvs"] == "330100"
    assert second["slots"]["lapse_months"] == 6


def test_bare_period_fills_the_lapse_the_answer_asked_for():
    first, second = turns("郑州居民医保断缴了还能补吗", "3个月")
    assert "lapse_months" in {f["slot"] for f in first["followups"]}
    assert second["intent"] == "lapse" and second["slots"]["lapse_months"] == 3


def test_new_topic_keeps_only_region_and_who_is_asking():
    _, second = turns("拉萨职工退休，住院花了2万能报多少", "医保卡里的钱能给老婆用吗")
    assert second["intent"] == "family_aid"
    assert second["region"]["admdvs"] == "540100"
    assert second["slots"]["person_type"] == "retired"
    assert "amount" not in second["slots"]


def test_token_is_signed_and_expires():
    ctx = conversation.Context("reimbursement", "540100", {"amount": Decimal("20000")}, "x")
    token = conversation.encode(ctx, now=1_000_000)
    back = conversation.decode(token, now=1_000_060)
    assert back.slots["amount"] == Decimal("20000") and back.region == "540100"
    payload, sig = token.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + sig
    with pytest.raises(ConversationError):
        conversation.decode(forged, now=1_000_060)
    with pytest.raises(ConversationError):
        conversation.decode(token, now=1_000_000 + 25 * 3600)
    with pytest.raises(ConversationError):
        ask("退休", conversation_token="not-a-token")


def test_cli_json_lines_conversations_by_id():
    lines = [
        {"id": "a", "question": "拉萨职工医保住院报销比例"},
        {"id": "b", "question": "我爸退休了，住院花了3万能报多少"},
        {"id": "a", "question": "三级医院，花了2万"},
        "医保卡里的钱能取出来吗",  # a plain line stays independent
        {"id": "b", "question": "拉萨"},
        {"id": "b", "question": "三甲，第二次住院"},
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    r = runner.invoke(app, ["ask", "-", "--json", "--date", DAY.isoformat()], input=text + "\n")
    assert r.exit_code == 0, r.output
    out = [json.loads(x) for x in r.stdout.strip().split("\n")]
    assert [o.get("id") for o in out] == ["a", "b", "a", None, "b", "b"]
    assert [o["turn"] for o in out] == [1, 1, 2, 1, 2, 3]
    assert fund(out[2]) == "16405.00"  # (20000 − 700) × 85%
    assert out[3]["intent"] == "withdrawal" and out[3]["region"] is None
    assert fund(out[5]) == "26845.00"  # (30000 − 500) × 91%


def test_cli_bad_json_line_names_the_field_and_the_rest_is_answered():
    text = '{"id": "a"}\n{oops\n拉萨住院起付线是多少钱\n'
    r = runner.invoke(app, ["ask", "-", "--json"], input=text)
    assert r.exit_code == 2
    out = [json.loads(x) for x in r.stdout.strip().split("\n")]
    assert out[0]["field"] == "question" and "第1行" in out[0]["error"]
    assert out[1]["field"] == "line"
    assert out[2]["intent"] == "reimbursement"


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(keys=KeyStore(tmp_path / "keys.json")))


def test_api_two_and_three_turn_conversations(client):
    def post(q, token=None):
        body = {"question": q, "date": DAY.isoformat()}
        if token:
            body["conversation"] = token
        r = client.post("/api/ask", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    a1 = post("拉萨职工医保住院报销比例")
    a2 = post("三级医院，花了2万", a1["conversation"])
    assert fund(a2) == "16405.00"  # (20000 − 700) × 85%
    b1 = post("我爸退休了，住院花了3万能报多少")
    b2 = post("拉萨", b1["conversation"])
    b3 = post("三甲，第二次住院", b2["conversation"])
    assert fund(b3) == "26845.00"  # (30000 − 500) × 91%
    r = client.post("/api/ask", json={"question": "退休", "conversation": "x.y"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "conversation"


def test_web_follow_up_chips_continue_the_conversation(client):
    r = client.post("/", data={"question": "拉萨职工医保住院报销比例"})
    assert r.status_code == 200
    chips = re.findall(r'href="(/\?q=[^"]+)"', r.text)
    assert chips, "follow-up chips are links"
    token = re.search(r'name="c" value="([^"]+)"', r.text).group(1)
    r = client.get("/", params={"q": "三级医院，花了2万", "c": token})
    assert r.status_code == 200 and "16,405.00元" in r.text
    # a stale token: answered as a new question, with a notice
    r = client.get("/", params={"q": "拉萨住院花了2万", "c": "stale.token"})
    assert r.status_code == 200 and "已失效" in r.text


def _conclusion(answer: dict) -> str:
    line = next(x for x in answer["answer"].splitlines() if x.startswith("**结论**"))
    return line


def test_newborn_age_in_the_question_sets_the_deadline():
    # UX review #24: born 20 days before 2026-12-01 → 2026-11-11; 90-day window → 2027-02-09
    a = ask("宝宝刚出生20天，在拉萨怎么办医保，什么时候能用", date=DAY)
    assert a["intent"] == "newborn" and a["slots"]["born_days_ago"] == 20
    assert "2027-02-09" in _conclusion(a)
    # 出生两个月 → born 2026-10-01; + 90 days = 2026-12-30
    b = ask("孩子出生两个月了还没上医保，现在办还来得及吗", date=DAY)
    assert "2026-12-30" in _conclusion(b)
    # 出生四个月 → 2026-08-01; + 90 days = 2026-10-30, passed 32 days before 2026-12-01
    c = ask("宝宝出生四个月了还没交医保怎么办", date=DAY)
    assert "已超过" in _conclusion(c) and "2026-10-30" in _conclusion(c)
    assert "已过32天" in c["answer"]


def test_newborn_within_deadline_phrase_is_not_an_age():
    # "三个月内" states the rule's window, not the baby's age: no birth date is assumed from it
    a = ask("宝宝刚出生三个月内交医保能报出生时的住院费吗", date=DAY)
    assert "born_months_ago" not in a["slots"] and "born_days_ago" not in a["slots"]


def test_bare_age_answers_the_birth_question():
    # turn 2 "出生20天" / "两周": 2026-12-01 − 20 days = 2026-11-11 → deadline 2027-02-09;
    # two weeks = 14 days → born 2026-11-17 → deadline 2027-02-15
    _, second = turns("新生儿医保怎么办，什么时候能用", "20天")
    assert second["intent"] == "newborn" and "2027-02-09" in _conclusion(second)
    _, second = turns("新生儿医保怎么办，什么时候能用", "两周")
    assert "2027-02-15" in _conclusion(second)


@pytest.mark.parametrize("question", ["医保", "社保", "我想问一下医保", "医保问题？", "社保怎么弄"])
def test_a_question_naming_no_topic_gets_the_topics(question):
    # UX review #36: a bare 医保 got 超出范围, later a generic table with no conclusion
    a = ask(question, date=DAY)
    assert "您想了解医保的哪方面" in _conclusion(a)
    assert "住院能报多少" in a["followups"][0]["options"]


def test_a_city_and_no_topic_keeps_the_city():
    a = ask("拉萨医保", date=DAY)
    assert a["region"]["admdvs"] == "540100" and "拉萨市医保的哪方面" in _conclusion(a)
    # a chip answer is a question of its own, still for 拉萨: (20000 − 700) × 85% = 16405.00
    b = turns("拉萨医保", "职工医保三级医院住院花了2万能报多少")[1]
    assert fund(b) == "16405.00"


@pytest.mark.parametrize("question", ["医保卡", "医保怎么交", "医保报销比例"])
def test_a_topic_word_is_not_topicless(question):
    assert "您想了解医保的哪方面" not in _conclusion(ask(question, date=DAY))
