"""异地就医：filing types, conditions, materials, channels, validity, the ratio cut, manual claims.

``ratio_reduction`` is the one number the settlement engine needs: how many percentage points (as
a rate, e.g. 0.10) the pooled-fund ratio is lowered for care under a given filing status.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from yibao import vocab
from yibao.policy.resolve import PolicyView
from yibao.policy.schema import PolicyError
from yibao.rules.common import (
    FactError,
    add_months,
    as_cited,
    missing_note,
    reach,
    region_name,
    service_steps,
    source_note,
    texts_for,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import Day, RuleInput, title

RULE = "offsite"
OUTCOMES = ("local", "direct_settlement", "manual_claim")
FILINGS: dict[str, str] = dict(vocab.OFFSITE_FILING.labels)
# The filing group (key of common.offsite.filing_types) each status belongs to.
GROUP = {
    "long_term": "long_term",
    "temporary": "temporary",
    "referral": "temporary",
    "emergency": "temporary",
}


def _filing(filing: str) -> str:
    try:
        return vocab.OFFSITE_FILING.parse(filing)
    except vocab.UnknownCode as exc:
        raise FactError("filing", str(exc)) from None


class OffsiteInput(RuleInput):
    """异地就医：备案类型、条件、材料、有效期、支付比例调整、手工报销。"""

    filing: Annotated[str, vocab.OFFSITE_FILING.code_field] = title(
        "备案类型", "在参保地以外就医时的备案情况"
    )
    filing_date: Day | None = title("备案日期", "默认判定日期", default=None)


def ratio_reduction(view_or_cited: PolicyView | Cited, filing: str) -> Decimal:
    """Percentage points (as a rate) by which the fund ratio is lowered for ``filing``
    (none, long_term, temporary, referral, emergency, unfiled); ``none`` → 0."""
    filing = _filing(filing)
    if filing == "none":
        return Decimal("0")
    if isinstance(view_or_cited, Cited):
        cited, view = view_or_cited, view_or_cited.view
    else:
        cited, view = None, view_or_cited
    r = view.optional("common.offsite.ratio_reduction")
    if r is None or filing not in r.value:
        where = view.admdvs
        raise PolicyError(
            f"无法计算异地就医支付比例：{where} 在 {view.day} 的“异地就医支付比例降低”"
            f"（common.offsite.ratio_reduction）没有收录“{filing}”的数值。"
        )
    if cited is not None:
        cited.get("common.offsite.ratio_reduction")
    return Decimal(r.value[filing])


def check_offsite(
    view: PolicyView | Cited,
    filing: str,
    *,
    filing_date: dt.date | None = None,
) -> Decision:
    """What off-site care under ``filing`` means: conditions, materials, channels, validity,
    the ratio cut, and for unfiled care the manual-claim documents and time limit.
    ``filing_date``: the day the filing was made (default: the view's date)."""
    filing = _filing(filing)
    cited = as_cited(view)
    filing_date = filing_date or cited.view.day
    facts: dict = {"filing": filing, "filing_label": FILINGS[filing]}
    reasons: list[str] = []
    notes: list[str] = []
    steps: list[str] = []
    consequences: list[str] = []
    if filing == "none":
        reasons.append("在参保地本地定点医药机构就医，不需要异地就医备案，按本地待遇结算。")
        facts["ratio_reduction"] = Decimal("0")
        return cited.decision(RULE, "local", reasons=reasons, facts=facts)

    where = region_name(cited)
    types = cited.optional("common.offsite.filing_types")
    group = GROUP.get(filing)
    if types is None:
        notes.append(missing_note(cited, "common.offsite.filing_types"))
    elif group and group in types:
        reasons.append(
            f"{'异地长期居住人员' if group == 'long_term' else '临时外出就医人员'}包括："
            + "、".join(types[group])
            + "。"
        )
    conditions = cited.optional("common.offsite.conditions")
    if conditions:
        reasons.append("直接结算的条件：" + "；".join(conditions) + "。")
    else:
        notes.append(missing_note(cited, "common.offsite.conditions"))

    red_table = cited.optional("common.offsite.ratio_reduction")
    cut: Decimal | None = None
    if red_table is not None and filing in red_table:
        cut = Decimal(red_table[filing])
        facts["ratio_reduction"] = cut
        points = cut * 100
        if cut == 0:
            reasons.append("支付比例不降低，与参保地本地待遇相同（执行参保地起付线、比例和限额）。")
        else:
            reasons.append(
                f"统筹基金支付比例在参保地标准上降低{points.normalize():f}个百分点"
                + reach(cited, "common.offsite.ratio_reduction")
                + "。"
            )
        notes.extend(source_note(cited, "common.offsite.ratio_reduction"))
    else:
        notes.append(f"{where}“{FILINGS[filing]}”的支付比例降低幅度未收录。")

    if filing == "unfiled":
        direct = cited.optional("common.offsite.unfiled_direct_settlement")
        claim_docs = cited.optional("common.offsite.manual_claim_materials")
        limit = cited.optional("common.offsite.manual_claim_limit")
        if direct:
            outcome = "direct_settlement"
            reasons.append("未备案也可在就医地直接结算，但按临时外出就医待遇（比例降低）。")
        elif direct is False:
            outcome = "manual_claim"
            reasons.append("未备案不能直接结算：先全额自付，回参保地手工报销（或出院前补办备案）。")
        else:
            outcome = "manual_claim"
            reasons.append(
                "未备案的，一般要先全额自付，回参保地手工报销（或出院前补办备案）；"
                f"{where}未备案能否直接结算未收录。"
            )
        if direct is None:
            notes.append(missing_note(cited, "common.offsite.unfiled_direct_settlement"))
        if claim_docs is None:
            notes.append(missing_note(cited, "common.offsite.manual_claim_materials"))
        if limit:
            reasons.append(f"手工报销时限：{limit}")
            facts["manual_claim_limit"] = limit
        else:
            notes.append(missing_note(cited, "common.offsite.manual_claim_limit"))
        steps.append(
            "出院或结算前补办备案，可按规定直接结算；已全额自付的，带齐材料回参保地手工报销。"
        )
        steps.extend(
            service_steps(cited, channels="common.claim.manual_channels", label="手工报销渠道")
        )
        consequences.append("比未备案前办理备案的待遇低；超过报销时限可能无法报销。")
        return cited.decision(
            RULE,
            outcome,
            reasons=reasons,
            materials=list(claim_docs or []),
            next_steps=steps,
            consequences=consequences,
            notes=notes,
            facts=facts,
        )

    materials = texts_for(cited, "common.offsite.materials", filing)
    if materials is None and group:
        materials = texts_for(cited, "common.offsite.materials", group)
    if materials is None:
        notes.append(f"{where}“{FILINGS[filing]}”的备案材料未收录。")
    if filing == "long_term":
        months = cited.optional("common.offsite.long_term_min_months")
        reasons.append("长期居住备案长期有效，备案期内在就医地按规定直接结算。")
        if months is not None:
            reach_ = reach(cited, "common.offsite.long_term_min_months")
            reasons.append(f"备案后{months}个月内原则上不得变更或取消{reach_}。")
            facts["long_term_min_months"] = months
            facts["change_after"] = add_months(filing_date, months).isoformat()
        else:
            notes.append(missing_note(cited, "common.offsite.long_term_min_months"))
    else:
        months = cited.optional("common.offsite.temporary_validity_months")
        if months is not None:
            until = add_months(filing_date, months) - dt.timedelta(days=1)
            reasons.append(
                f"临时外出就医备案有效期{months}个月"
                f"{reach(cited, 'common.offsite.temporary_validity_months')}："
                f"{filing_date} 备案，有效至 {until}，期内可多次就诊；"
                "已入院的不受有效期限制。"
            )
            facts["valid_until"] = until.isoformat()
        else:
            notes.append(missing_note(cited, "common.offsite.temporary_validity_months"))
        if filing == "emergency":
            reasons.append("急诊抢救可在就诊后补办备案，视同已备案。")
    if cited.optional("common.offsite.channels") is None:
        notes.append(missing_note(cited, "common.offsite.channels"))
    steps.append("就医时选择开通跨省（省内）异地就医直接结算的定点医疗机构，出示医保码或社保卡。")
    steps.extend(service_steps(cited, channels="common.offsite.channels", label="备案渠道"))
    return cited.decision(
        RULE,
        "direct_settlement",
        reasons=reasons,
        materials=list(materials or []),
        next_steps=steps,
        consequences=["执行就医地的支付范围（目录），参保地的起付线、支付比例和最高支付限额。"],
        notes=notes,
        facts=facts,
    )
