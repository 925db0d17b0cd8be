"""The Decision every rule returns, and ``Cited``: a policy view that records what was read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, computed_field

from yibao.policy import regions
from yibao.policy.resolve import PolicyView, Resolved

# Every rule outcome code and how it reads in Chinese.
OUTCOME_ZH = {
    "allowed": "可以",
    "not_allowed": "不可以",
    "transfer": "需办理转移接续",
    "not_needed": "不需要转移",
    "no_waiting": "无等待期",
    "waiting": "有待遇等待期",
    "from_birth": "自出生之日起享受待遇",
    "from_later_date": "逾期参保，自较晚日期起享受待遇",
    "enrol_by": "请在期限内参保",
    "overdue": "已逾期",
    "late_rule_unknown": "逾期参保（生效规则未收录）",
    "local": "本地就医",
    "direct_settlement": "可直接结算",
    "manual_claim": "需手工报销",
    "employee": "职工医保缴费",
    "flexible": "灵活就业缴费",
    "retired": "退休人员",
    "resident": "居民医保缴费",
    "qualifies": "已达到最低缴费年限",
    "short": "缴费年限不足",
    "conditions": "参保条件",
    "frozen": "封存与解封",
    "effective": "待遇生效",
    "rule_unknown": "生效规则未收录",
    "rule_stated": "按当地规定的时间生效",
    "excluded": "不予支付",
    "not_listed": "不在不予支付清单中",
    "not_recorded": "未收录，无法判断",
}

# Appended to the outcome label of a Decision that rests on a disputed figure: never a bare 可以.
DISPUTED_QUALIFIER = "（所依据的数字存在争议，请向当地医保部门核实）"


class Decision(BaseModel):
    """A rule's outcome with its reasons, materials, next steps, consequences and basis."""

    rule: str
    outcome: str
    region: dict[str, str] | None
    date: dt.date
    reasons: list[str] = Field(default_factory=list)
    materials: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    consequences: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    basis: list[dict[str, Any]] = Field(default_factory=list)
    # What a citizen must be told about the figures used (disputed values, national bounds), in
    # plain Chinese, one line per figure: collected from ``basis``.
    caveats: list[str] = Field(default_factory=list)
    disputed: bool = False  # some figure in the basis is disputed

    @computed_field  # type: ignore[prop-decorator]
    @property
    def outcome_zh(self) -> str:
        """The outcome in Chinese, qualified when it rests on a disputed figure."""
        text = OUTCOME_ZH.get(self.outcome, self.outcome)
        return text + DISPUTED_QUALIFIER if self.disputed else text


def caveats_of(basis: list[dict[str, Any]]) -> list[str]:
    """The citizen caveats of a list of citations (``Resolved.cite()`` dicts), without repeats."""
    out: list[str] = []
    for c in basis:
        text = c.get("caveat")
        if text and text not in out:
            out.append(text)
    return out


class Cited:
    """Wraps a ``PolicyView``; every value read is added (once) to ``basis``."""

    def __init__(self, view: PolicyView) -> None:
        self.view = view
        self._seen: dict[str, Resolved] = {}

    def get(self, name: str) -> Resolved:
        r = self.view.get(name)
        self._seen.setdefault(name, r)
        return r

    def value(self, name: str) -> Any:
        return self.get(name).value

    def optional(self, name: str, default: Any = None) -> Any:
        r = self.view.optional(name)
        if r is None:
            return default
        self._seen.setdefault(name, r)
        return r.value

    @property
    def basis(self) -> list[dict[str, Any]]:
        return [r.cite() for r in self._seen.values()]

    @property
    def region(self) -> dict[str, str] | None:
        if self.view.admdvs == "000000":
            return None
        r = regions.chain(self.view.admdvs)[0]
        return {"name": r.name, "admdvs": r.admdvs}

    def local_note(self) -> list[str]:
        """A caveat when no local pack exists for the region: national rules were used."""
        if self.view.has_local_pack:
            return []
        where = self.region["name"] if self.region else "该地区"
        return [
            f"尚未收录{where}的地方政策，以下按全国通用规则作答，当地规定可能不同，请以当地医保部门为准。"
        ]

    def decision(self, rule: str, outcome: str, **fields: Any) -> Decision:
        notes = list(fields.pop("notes", [])) + self.local_note()
        basis = self.basis
        return Decision(
            rule=rule,
            outcome=outcome,
            region=self.region,
            date=self.view.day,
            notes=notes,
            basis=basis,
            caveats=caveats_of(basis),
            disputed=any(c.get("disputed") for c in basis),
            **fields,
        )
