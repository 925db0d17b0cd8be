"""Questions outside basic medical insurance: say so, and what this system can answer. A question
that is about 医保 but names no topic (医保, 社保怎么弄) gets the topics to choose from instead."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.intents import DOMAIN
from yibao.qa.render import Ask, Reply

TOPICS = Ask(
    "您想问医保的哪方面？",
    None,
    ("住院能报多少", "医保卡里的钱能取吗", "怎么交医保", "医保卡丢了怎么补办", "异地就医怎么备案"),
)
CAN_ANSWER = [
    "住院、门诊能报销多少（给出城市和金额可以算出来）",
    "医保个人账户的钱能否取出、怎么给家人用（家庭共济）",
    "异地就医备案、医保转移接续、断缴补缴和等待期",
    "新生儿参保、缴费标准与渠道、缴费年限、哪些项目不能报销",
    "医保卡补办、医保目录（甲类乙类）、门诊慢特病、退休后的医保",
]


def topics(reply: Reply, place: str | None = None) -> None:
    """A question about 医保 that names no topic: the topics to choose from (``place``: the
    city the question named)."""
    reply.conclusion = (
        f"请说说您想了解{place}医保的哪方面，例如“{place}住院花了2万能报多少”。"
        if place
        else "请说说您想了解医保的哪方面，最好带上参保城市，例如“拉萨住院花了2万能报多少”。"
    )
    reply.section("我可以回答", CAN_ANSWER)
    reply.ask(TOPICS)


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    if DOMAIN.search(s.get("_text", "")):
        topics(reply)
        return
    reply.conclusion = (
        "抱歉，这个问题超出了本系统的范围：我只解答基本医疗保险（职工医保、居民医保）的政策问题，"
        "不推荐医院或医生，也不解答商业保险、养老金、公积金等问题。"
    )
    reply.section("我可以回答", CAN_ANSWER)
