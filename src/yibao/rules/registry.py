"""The rules yibao decides, in one table: name → check function, input model, Chinese title.

Every face builds from this table: the CLI's ``yibao check <name>`` options, the API's request
models and the web checker forms come from ``Rule.inputs`` (a pydantic model whose fields carry
Chinese titles and, for coded facts, the codes and labels of ``yibao.vocab``). Besides its own
fields every rule takes the region and the decision date (``inputs.COMMON_FIELDS``).

    rule = RULES["newborn"]
    facts = rule.inputs.model_validate({"age_days": 20})
    decision = rule.run(view, facts)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.rules import (
    contribution,
    coverage,
    enrollment,
    family_aid,
    lifetime,
    newborn,
    offsite,
    transfer,
    waiting,
    withdrawal,
)
from yibao.rules.decision import OUTCOME_ZH, Cited, Decision
from yibao.rules.inputs import COMMON_FIELDS, RuleInput


@dataclass(frozen=True)
class Rule:
    """One rule: its URL/CLI ``name``, the ``code`` its decisions carry, its Chinese ``title``,
    its input model and check function, and the outcome codes it can return."""

    name: str
    code: str
    title: str
    summary: str
    inputs: type[RuleInput]
    check: Callable[..., Decision]
    outcomes: tuple[str, ...]

    def facts(self, data: RuleInput | Mapping[str, Any]) -> RuleInput:
        """Validated facts (a pydantic ``ValidationError`` names each bad field)."""
        if isinstance(data, self.inputs):
            return data
        if isinstance(data, RuleInput):
            data = data.model_dump(exclude_unset=True)
        return self.inputs.model_validate(data)

    def run(self, view: PolicyView | Cited, data: RuleInput | Mapping[str, Any]) -> Decision:
        """Decide for ``view`` (a region on a day). Raises ``FactError`` (naming the field) for
        impossible facts, ``PolicyError`` when a parameter the rule needs is not recorded."""
        facts = self.facts(data)
        return self.check(view, **facts.model_dump())

    @property
    def outcome_labels(self) -> dict[str, str]:
        return {o: OUTCOME_ZH.get(o, o) for o in self.outcomes}


def _rule(
    name: str, title: str, module: Any, fn: Callable[..., Decision], inputs: type[RuleInput]
) -> Rule:
    return Rule(
        name=name,
        code=module.RULE,
        title=title,
        summary=(inputs.__doc__ or "").strip(),
        inputs=inputs,
        check=fn,
        outcomes=tuple(module.OUTCOMES),
    )


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        _rule(
            "withdrawal",
            "个人账户余额能否提取",
            withdrawal,
            withdrawal.check_withdrawal,
            withdrawal.WithdrawalInput,
        ),
        _rule(
            "transfer",
            "医保关系转移接续",
            transfer,
            transfer.check_transfer,
            transfer.TransferInput,
        ),
        _rule(
            "waiting", "断缴、补缴与等待期", waiting, waiting.check_waiting, waiting.WaitingInput
        ),
        _rule("newborn", "新生儿参保", newborn, newborn.check_newborn, newborn.NewbornInput),
        _rule("offsite", "异地就医", offsite, offsite.check_offsite, offsite.OffsiteInput),
        _rule(
            "family-aid",
            "家庭共济",
            family_aid,
            family_aid.check_family_aid,
            family_aid.FamilyAidInput,
        ),
        _rule(
            "contribution",
            "缴费与个人账户划入",
            contribution,
            contribution.check_contribution,
            contribution.ContributionInput,
        ),
        _rule(
            "lifetime", "最低缴费年限", lifetime, lifetime.check_lifetime, lifetime.LifetimeInput
        ),
        _rule(
            "enrollment",
            "参保、封存与待遇生效",
            enrollment,
            enrollment.check_enrollment,
            enrollment.EnrollmentInput,
        ),
        _rule(
            "coverage", "不予支付的项目", coverage, coverage.check_coverage, coverage.CoverageInput
        ),
    )
}

__all__ = ["COMMON_FIELDS", "RULES", "Rule"]
