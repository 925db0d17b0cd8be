"""医保目录: what 甲类, 乙类 and 丙类 mean (as the settlement engine applies them, with the
region's 乙类先行自付 ratio where the packs record it) and how to check an item's class."""

from __future__ import annotations

from typing import Any

from yibao.policy.display import num
from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import channel_lines, hotline_line
from yibao.qa.render import Reply
from yibao.rules.common import reach
from yibao.rules.decision import Cited

UNKNOWN = "目录查询入口尚未收录，可向参保地医保经办机构查询某个药品或项目的类别。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    rate = cited.optional("common.items.class_b_preselfpay_rate")
    c_pays = cited.optional("common.items.class_c_fund_pays")
    b_line = "乙类：目录内、但要先由个人自付一定比例（“先行自付”），其余部分再按规定报销"
    if rate is not None:
        b_line += f"；先行自付比例为{num(rate * 100)}%{reach(cited, 'common.items.class_b_preselfpay_rate')}。"
    else:
        b_line += "；先行自付比例由各地规定（本系统尚未收录该地区的比例）。"
    c_line = "丙类：目录外的药品和项目，"
    c_line += (
        "医保基金不支付，全部由个人负担（全自费）。"
        if c_pays is False or c_pays is None
        else "本地区按规定部分支付。"
    )
    reply.conclusion = (
        "甲类、乙类、丙类是医保目录对药品和诊疗项目的分类，决定这笔费用能不能报、先自付多少。"
    )
    reply.section(
        "三类的含义",
        [
            "甲类：目录内，全部纳入报销范围，扣除起付线后按支付比例报销。",
            b_line,
            c_line,
        ],
    )
    reply.section(
        "怎么查某个药或项目属于哪一类",
        [
            *channel_lines(reply, view, "common.service.catalogue_lookup_channels", UNKNOWN),
            "看病、买药时也可以请医生或药师说明某项费用属于哪一类。",
            hotline_line(cited),
        ],
    )
    reply.cite(cited.basis)
