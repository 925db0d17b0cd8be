"""医保卡与医保电子凭证: losing, replacing and activating the card; a pointer. The card
(社会保障卡) is issued by 人社 departments and their partner banks, so its channels are the
card's own (from the packs), never the 医保 counter or another task's app."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import channel_lines, mentions, pointer
from yibao.qa.render import Reply

CARD = "common.service.card_channels"
EVOUCHER = "common.service.evoucher_channels"
CARD_UNKNOWN = "挂失、补领渠道尚未收录，可向发卡地的社会保障卡服务机构咨询。"
EVOUCHER_UNKNOWN = "激活入口尚未收录，可向参保地医保部门咨询。"


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    evoucher = channel_lines(
        reply, view, EVOUCHER, EVOUCHER_UNKNOWN, "医保电子凭证激活：", one_line=True
    )
    if mentions(s, ("丢", "掉", "遗失", "不见", "补办", "补卡", "挂失", "坏", "消磁")):
        conclusion = (
            "医保卡（社会保障卡）丢了要先挂失、再申请补领；补领期间可以激活医保电子凭证看病买药。"
        )
        steps = [
            "先挂失，防止被冒用；确认找不回的，正式挂失后申请补领。",
            "补领期间：激活医保电子凭证，在定点医院、药店出示即可就医购药。",
        ]
        channels = channel_lines(reply, view, CARD, CARD_UNKNOWN) + evoucher
    elif mentions(s, ("电子凭证", "电子医保", "医保码", "激活", "电子社保卡")):
        conclusion = "医保电子凭证是参保人的医保身份凭证，不依托实体卡，激活后在定点医院、药店出示即可就医购药。"
        steps = ["本人完成实名认证和人脸识别后激活。"]
        channels = evoucher
    else:
        conclusion = (
            "医保卡（社会保障卡）的申领、补领、换领渠道见下；看病买药也可以用医保电子凭证。"
        )
        steps = ["医保电子凭证不依托实体卡，激活后即可使用。"]
        channels = channel_lines(reply, view, CARD, CARD_UNKNOWN) + evoucher
    pointer(reply, view, conclusion, steps, channels)
