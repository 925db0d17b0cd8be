"""Questions outside basic medical insurance: say so, and what this system can answer."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.render import Reply


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    reply.conclusion = (
        "抱歉，这个问题超出了本系统的范围：我只解答基本医疗保险（职工医保、居民医保）的政策问题，"
        "不推荐医院或医生，也不解答商业保险、养老金、公积金等问题。"
    )
    reply.section(
        "我可以回答",
        [
            "住院、门诊能报销多少（给出城市和金额可以算出来）",
            "医保个人账户的钱能否取出、怎么给家人用（家庭共济）",
            "异地就医备案、医保转移接续、断缴补缴和等待期",
            "新生儿参保、缴费标准、缴费年限、哪些项目不能报销",
        ],
    )
