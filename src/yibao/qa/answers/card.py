"""医保卡与医保电子凭证: losing, replacing and activating the card; a pointer, with the hotline
from the packs."""

from __future__ import annotations

from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import mentions, pointer
from yibao.qa.render import Reply
from yibao.rules.decision import Cited


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    if mentions(s, ("丢", "掉", "遗失", "不见", "补办", "补卡", "挂失", "坏", "消磁")):
        conclusion = (
            "医保卡（社会保障卡）丢了要先挂失、再补办；补办期间可以用医保电子凭证看病买药。"
        )
        steps = [
            "先挂失：社会保障卡由人社部门和合作银行发放，可通过社保卡服务热线、发卡银行或社保卡服务网点挂失，防止被冒用。",
            "再补办：带本人身份证到社保卡服务网点或发卡银行网点补办（可能收取工本费，以当地规定为准）。",
            "补卡期间：医保电子凭证与实体卡效力相同，激活后在定点医院、药店出示即可结算。",
        ]
    elif mentions(s, ("电子凭证", "电子医保", "激活", "电子社保卡")):
        conclusion = "医保电子凭证由国家医保信息平台签发，激活后在定点医院、药店出示即可结算，与实体卡效力相同。"
        steps = [
            "激活：在国家医保服务平台APP，或常用的微信、支付宝中搜索“医保电子凭证”，按提示实名认证后激活。",
            "实体社会保障卡（医保卡）领卡后一般需要到发卡银行网点或按当地方式激活金融功能；医保功能随参保自动开通。",
        ]
    else:
        conclusion = "医保卡（社会保障卡）的申领、换卡由人社部门和合作银行办理；看病买药也可以用医保电子凭证。"
        steps = [
            "申领或换卡：带本人身份证到社保卡服务网点或合作银行网点办理，部分地区可在线申领。",
            "医保电子凭证：在国家医保服务平台APP或微信、支付宝中激活，与实体卡效力相同。",
        ]
    pointer(reply, cited, conclusion, steps)
