"""What the intent handlers share: the handler signature, calling a rule that may lack a figure
or fact, and the wording used by more than one answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from yibao.policy.display import KEY_NAMES
from yibao.policy.resolve import PolicyView
from yibao.policy.schema import PolicyError
from yibao.qa.render import Ask, Reply
from yibao.rules.common import FactError
from yibao.rules.decision import Cited, Decision

Handler = Callable[[Reply, PolicyView, dict[str, Any]], None]

RULE_ERRORS = (PolicyError, FactError)
"""What a rule raises when the region's figure or the question's fact is missing."""

UNDECIDED = "未能判定的部分"
SCHEME_NAMES = {"employee": "职工医保", "resident": "居民医保"}
ASK_SCHEME = Ask("您参加的是职工医保还是居民医保？", "insurance", ("职工医保", "居民医保"))
ASK_PERSON_TYPE = Ask("您是在职职工还是退休人员？", "person_type", ("在职", "退休"))
ASK_CITY = Ask("您在哪个城市参保？", "region", ("拉萨", "北京", "广州", "杭州"), free=True)
ASK_LEVEL = Ask(
    "在几级医院住院（一级、二级还是三级）？", "hospital_level", ("一级医院", "二级医院", "三级医院")
)
ASK_STAY = Ask("今年是第几次住院？", "nth_stay", ("第1次住院", "第2次住院", "第3次住院"))
ASK_AMOUNT = Ask(
    "花了多少钱？在几级医院、住院还是门诊？（给出金额即可算出能报多少）",
    "amount",
    ("住院", "门诊", "三级医院"),
    free=True,
)
ASK_WAGE = Ask("您的月缴费基数（工资）是多少？", "wage", free=True)
ASK_RELATION = Ask(
    "要给谁用？（配偶、父母、子女、兄弟姐妹、祖父母、孙子女……）",
    "relation",
    ("配偶", "父母", "子女", "兄弟姐妹"),
)
ASK_LAPSE = Ask(
    "断缴了多长时间（几个月或几年）？", "lapse_months", ("3个月", "半年", "1年", "2年"), free=True
)
ASK_SEX = Ask("您是男性还是女性？", "sex", ("男性", "女性"))
ASK_PAID_YEARS = Ask(
    "您已经累计缴了多少年职工医保（其中在本地缴了多少年）？", "paid_years", free=True
)
ASK_DESTINATION = Ask("您要去哪个城市就医？", "destination", free=True)
ASK_TRANSFER_TO = Ask("要转到哪个城市（转入地）？", "destination", free=True)
ASK_BIRTH = Ask("宝宝是哪天出生的？已经办理参保缴费了吗（哪天缴的）？", "dates", free=True)


_PARAM_NOTE = re.compile(r"（参数\s*[a-z_]+(?:\.[a-z_0-9]+)+）")
_PARAM = re.compile(r"参数\s*([a-z_]+(?:\.[a-z_0-9]+)+)")


def plain(message: str, view: PolicyView | None = None) -> str:
    """An engine or policy message in citizen words: a parameter name becomes its Chinese label
    and the lookup detail becomes 尚未收录."""
    message = _PARAM_NOTE.sub("", message).replace("未在政策包中收录", "尚未收录")
    m = _PARAM.search(message)
    if not m:
        return message
    spec = view.policy.catalogue.get(m.group(1)) if view is not None else None
    what = f"“{spec.label}”" if spec else "所需的数字"
    return f"{what}尚未收录"


def undecided(
    reply: Reply, exc: Exception, prefix: str = "", view: PolicyView | None = None
) -> None:
    """Say in the reply what could not be decided and why."""
    reply.section(UNDECIDED, [f"{prefix}{plain(str(exc), view)}"])


def run(reply: Reply, fn: Callable[[], Decision], prefix: str = "") -> Decision | None:
    """Call a rule and add its Decision to the reply; on a missing figure or fact, say so in
    the reply and return None."""
    try:
        d = fn()
    except RULE_ERRORS as exc:
        undecided(reply, exc, prefix)
        return None
    reply.decision(d, prefix)
    return d


def safe(fn: Callable[[], Decision]) -> Decision | None:
    """Call a rule quietly: its Decision, or None on a missing figure or fact."""
    try:
        return fn()
    except RULE_ERRORS:
        return None


def mentions(s: dict[str, Any], words: Iterable[str]) -> bool:
    """Does the question's text contain any of ``words``?"""
    t = s.get("_text", "")
    return any(k in t for k in words)


def hotline_line(cited: Any) -> str:
    """'拨打医保服务热线 12393' with the number from the packs (cited), or the generic advice."""
    number = cited.optional("common.service.hotline")
    if number:
        return f"电话咨询：医保服务热线 {number}（各地可能另有本地热线）。"
    return "电话咨询：参保地医保部门的服务热线。"


LOCAL_VARIES = "各地开通的办理地点和网上、手机入口不完全相同，以参保地医保部门公布的为准。"


def channel_lines(
    reply: Reply,
    view: PolicyView,
    name: str,
    unknown: str,
    prefix: str = "",
    *,
    one_line: bool = False,
) -> list[str]:
    """Where to go for one task: the channels the packs record under ``name`` (cited on
    ``reply``; channels from another region's pack say so), else ``unknown`` (what is known,
    e.g. the 经办机构) and that local practice varies. No channel is ever written here.
    ``one_line`` lists short channel names on one line."""
    r = view.optional(name)
    if r is None:
        return [prefix + unknown, LOCAL_VARIES]
    cite = r.cite()
    reply.cite([cite])
    if isinstance(r.value, dict):  # by key (e.g. 在职职工 / 灵活就业人员): one line per key
        values = [f"{KEY_NAMES.get(k, k)}：" + "；".join(v) for k, v in r.value.items()]
    else:
        values = [str(x) for x in r.value]
    lines = [prefix + "、".join(values)] if one_line else [prefix + x for x in values]
    if view.admdvs != "000000" and cite.get("pack") != view.admdvs:
        lines.append(f"以上是{cite.get('pack_name') or '上级'}的规定或说法，当地可能另有安排。")
    return lines


def pointer(
    reply: Reply,
    view: PolicyView,
    conclusion: str,
    steps: list[str],
    channels: list[str],
) -> None:
    """An answer for a 医保 task this system explains but cannot do or compute: what to do, the
    channels (``channel_lines``), the hotline (from the packs)."""
    cited = Cited(view)
    reply.conclusion = conclusion
    reply.section("怎么办理", steps)
    reply.section("办理渠道", [*channels, hotline_line(cited)])
    reply.cite(cited.basis)
