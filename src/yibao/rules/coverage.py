"""不予支付的项目：items excluded from reimbursement (种植牙, 近视手术, 美容…) and the cases of
社会保险法第三十条; whether the personal account may still pay."""

from __future__ import annotations

from typing import Annotated

from yibao import vocab
from yibao.policy.resolve import PolicyView
from yibao.policy.schema import ExcludedItem
from yibao.rules.common import (
    FactError,
    as_cited,
    missing_note,
    required,
    service_steps,
    source_note,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import RuleInput, title

RULE = "coverage"
OUTCOMES = ("excluded", "not_listed", "not_recorded")
# Cases of 社会保险法第三十条, matched against common.coverage.excluded_cases by keyword.
CASES: dict[str, tuple[str, ...]] = {
    "work_injury": ("工伤",),
    "third_party": ("第三人",),
    "public_health": ("公共卫生",),
    "abroad": ("境外",),
}
assert tuple(CASES) == vocab.COVERAGE_CASE.codes


class CoverageInput(RuleInput):
    """不予支付的项目（种植牙、近视手术、美容等）与社会保险法第三十条情形。"""

    item: str | None = title("项目", "项目名称或编码，如 种植牙", default=None, min_length=1)
    case: Annotated[str, vocab.COVERAGE_CASE.code_field] | None = title("情形", default=None)


def _norm(s: str) -> str:
    return "".join(s.split()).lower()


def is_excluded(cited: PolicyView | Cited, item_code_or_name: str) -> ExcludedItem | None:
    """The excluded item matching a code (exactly) or a name (either contains the other);
    None when the item is not on the region's exclusion list. Raises PolicyError when the list is
    not recorded."""
    c = as_cited(cited)
    items: list[ExcludedItem] = required(c, "common.coverage.excluded_items")
    q = _norm(item_code_or_name)
    if not q:
        return None
    for it in items:
        if _norm(it.code) == q:
            return it
    for it in items:
        n = _norm(it.name)
        if n and (n in q or q in n):
            return it
    return None


def check_coverage(
    view: PolicyView | Cited, item: str | None = None, *, case: str | None = None
) -> Decision:
    """Is ``item`` (code or name) excluded from reimbursement, or is the ``case`` (work_injury,
    third_party, public_health, abroad) one the fund does not pay?"""
    if item is None and case is None:
        raise FactError("item", "请给出项目名称或编码，或选择情形")
    if case is not None:
        try:
            case = vocab.COVERAGE_CASE.parse(case)
        except vocab.UnknownCode as exc:
            raise FactError("case", str(exc)) from None
    cited = as_cited(view)
    facts: dict = {"item": item, "case": case}
    notes: list[str] = []
    if case is not None:
        cases = cited.optional("common.coverage.excluded_cases")
        if cases is None:
            notes.append(missing_note(cited, "common.coverage.excluded_cases"))
            hits: list[str] = []
        else:
            hits = [t for t in cases if any(k in t for k in CASES[case])]
        label = vocab.COVERAGE_CASE.label(case)
        if hits:
            reasons = [
                "依照社会保险法第三十条，下列医疗费用不纳入基本医疗保险基金支付范围："
                + "；".join(hits)
            ]
        elif cases:
            reasons = [
                f"“{label}”不在收录的不予支付情形中（{'；'.join(cases)}）。",
            ]
        else:
            reasons = [f"不予支付的情形清单未收录，无法判断“{label}”。"]
        consequences = []
        if case == "third_party":
            consequences.append(
                "第三人不支付或无法确定第三人的，由基本医疗保险基金先行支付，之后向第三人追偿。"
            )
        if case == "work_injury":
            consequences.append("应由工伤保险基金支付，请向工伤保险经办机构申请。")
        return cited.decision(
            RULE,
            "excluded" if hits else ("not_listed" if cases else "not_recorded"),
            reasons=reasons,
            consequences=consequences,
            notes=notes,
            facts=facts,
            next_steps=service_steps(cited),
        )
    assert item is not None
    if cited.view.optional("common.coverage.excluded_items") is None:
        return cited.decision(
            RULE,
            "not_recorded",
            reasons=[
                f"“{item}”：本地区不予支付项目清单未收录，无法判断。种植牙、近视手术、美容等项目一般不在基本医保支付范围内，请向当地医保部门确认。"
            ],
            notes=[missing_note(cited, "common.coverage.excluded_items")],
            facts=facts,
            next_steps=service_steps(cited),
        )
    hit = is_excluded(cited, item)
    notes.extend(source_note(cited, "common.coverage.excluded_items"))
    if hit is None:
        return cited.decision(
            RULE,
            "not_listed",
            reasons=[
                f"“{item}”不在不予支付项目清单中。",
                "能否报销还取决于药品目录和医疗服务项目目录（甲类、乙类按规定支付，目录外全额自付）、是否在定点医药机构以及是否符合适应症。",
            ],
            notes=notes,
            facts=facts,
            next_steps=service_steps(cited),
        )
    facts.update({"code": hit.code, "name": hit.name, "account_may_pay": hit.account_may_pay})
    reasons = [f"“{hit.name}”不属于基本医疗保险支付范围：{hit.reason}"]
    if hit.account_may_pay:
        consequences = ["统筹基金不报销；可用职工医保个人账户余额支付（须在定点医药机构）。"]
    else:
        consequences = ["统筹基金不报销，个人账户也不能支付，需全部自费。"]
    return cited.decision(
        RULE,
        "excluded",
        reasons=reasons,
        consequences=consequences,
        notes=notes,
        facts=facts,
        next_steps=service_steps(cited),
    )
