"""职工医保 vs 居民医保: the seed's second question as rows of resolved parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yibao.policy.resolve import PolicyView

# (topic in Chinese, employee parameter, resident parameter)
ROWS: tuple[tuple[str, str | None, str | None], ...] = (
    ("住院起付线", "employee.inpatient.deductible", "resident.inpatient.deductible"),
    ("住院统筹支付比例", "employee.inpatient.fund_ratio", "resident.inpatient.fund_ratio"),
    ("统筹基金年度最高支付限额", "employee.inpatient.annual_cap", "resident.inpatient.annual_cap"),
    ("大病保险/大额补助起付标准", "employee.large.threshold", "resident.serious.threshold"),
    ("大病保险/大额补助支付比例", "employee.large.bands", "resident.serious.bands"),
    ("大病保险/大额补助最高限额", "employee.large.cap", "resident.serious.cap"),
    ("普通门诊起付标准", "employee.outpatient.deductible", "resident.outpatient.deductible"),
    ("普通门诊支付比例", "employee.outpatient.fund_ratio", "resident.outpatient.fund_ratio"),
    ("普通门诊年度限额", "employee.outpatient.annual_cap", "resident.outpatient.annual_cap"),
    ("门诊慢特病支付比例", "employee.chronic.fund_ratio", "resident.chronic.fund_ratio"),
    ("“两病”门诊用药", None, "resident.two_diseases.fund_ratio"),
    ("单位缴费费率", "employee.contribution.employer_rate", None),
    ("个人缴费", "employee.contribution.personal_rate", "resident.contribution.personal_annual"),
    ("财政补助", None, "resident.contribution.subsidy_annual"),
    ("个人账户", "employee.account.in_service_credit_rate", None),
    ("退休人员个人账户", "employee.account.retired_monthly_credit", None),
    ("最低缴费年限（终身享受）", "employee.lifetime.min_years", None),
    (
        "待遇等待期（未按时参保）",
        "employee.waiting.after_grace_months",
        "resident.waiting.fixed_months",
    ),
)


@dataclass(frozen=True)
class Cell:
    text: str
    cite: dict[str, Any] | None


@dataclass(frozen=True)
class Row:
    topic: str
    employee: Cell
    resident: Cell

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "employee": {"text": self.employee.text, "basis": self.employee.cite},
            "resident": {"text": self.resident.text, "basis": self.resident.cite},
        }


def _cell(view: PolicyView, name: str | None, none_text: str) -> Cell:
    if name is None:
        return Cell(none_text, None)
    r = view.optional(name)
    if r is None:
        return Cell("未收录", None)
    text = r.shown()  # a bound reads 不低于/不超过
    if r.disputed:
        text += "（存在争议）"
    return Cell(text, r.cite())


def compare(view: PolicyView) -> list[Row]:
    """Employee vs resident insurance, row by row, for the view's region and date."""
    return [
        Row(topic, _cell(view, emp, "不适用"), _cell(view, res, "不适用"))
        for topic, emp, res in ROWS
    ]
