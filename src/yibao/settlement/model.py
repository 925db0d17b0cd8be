"""Claim and settlement models with the national platform's field names.

Money is ``Decimal`` yuan rounded to the fen (ROUND_HALF_UP, ``yibao.money``). Floats are
accepted only as JSON numbers on input and converted through their decimal text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from yibao.money import ZERO, money
from yibao.policy import regions
from yibao.settlement.codes import MED_TYPE, PSN_TYPE, PSN_TYPE_OLD, RESIDENT_DEFAULT_PSN_TYPE


def _money_in(v: Any) -> Any:
    if isinstance(v, float):  # a JSON number: use its shortest decimal text, never binary value
        v = repr(v)
    if isinstance(v, str | int | Decimal) and not isinstance(v, bool):
        try:
            return money(v)
        except ValueError as exc:
            if "out of range" in str(exc):
                raise  # pydantic reports it with the field path
            return v  # let pydantic report "not a valid decimal" with the field path
    return v


Money = Annotated[Decimal, BeforeValidator(_money_in), Field(ge=0)]
Rate = Annotated[Decimal, Field(ge=0, le=1)]
Strict = ConfigDict(extra="forbid", frozen=True)


def _check_region(v: str) -> str:
    try:
        return regions.get(v).admdvs
    except regions.UnknownRegion as exc:
        raise ValueError(str(exc)) from None


class Person(BaseModel):
    model_config = Strict
    psn_no: str = Field(min_length=1)
    insutype: Literal["310", "390"]
    # 人员类别 as the platform codes it (codes.PSN_TYPE); the old values in_service / retired
    # are read as 1101 / 1201 (deprecated: ``deprecations`` lists them). Default: 1101 for
    # employees, 1501 (1405 for minors) for residents.
    psn_type: str = ""
    # Resident groups some cities set apart in their ratio tables; "all" otherwise.
    resident_group: Literal["all", "minor", "adult", "senior"] = "all"
    insuplc_admdvs: str

    _region = field_validator("insuplc_admdvs")(classmethod(lambda cls, v: _check_region(v)))

    @model_validator(mode="after")
    def _psn_type(self) -> Person:
        code = self.psn_type
        if code in PSN_TYPE_OLD:  # deprecated names; residents had no real person type
            code = PSN_TYPE_OLD[code] if self.insutype == "310" else ""
        if not code:
            code = (
                "1101" if self.insutype == "310" else RESIDENT_DEFAULT_PSN_TYPE[self.resident_group]
            )
        if code not in PSN_TYPE:
            allowed = "、".join(f"{k} {v[0]}" for k, v in PSN_TYPE.items())
            raise ValueError(f"psn_type：未知的人员类别 {self.psn_type!r}；可用：{allowed}")
        resident = PSN_TYPE[code][1] == "resident"
        if resident != (self.insutype == "390"):
            raise ValueError(
                f"psn_type：人员类别 {code} {PSN_TYPE[code][0]} 与险种 {self.insutype} 不符"
            )
        object.__setattr__(self, "psn_type", code)
        return self

    @property
    def group(self) -> str:
        """in_service | retired: the person group employee tables in the packs are keyed by
        (residents: in_service, unused — their tables are keyed by ``resident_group``)."""
        g = PSN_TYPE[self.psn_type][1]
        return "in_service" if g == "resident" else g


class Encounter(BaseModel):
    model_config = Strict
    med_type: str
    hosp_lv: Literal[0, 1, 2, 3]
    mdtrtarea_admvs: str
    offsite_filing: Literal[
        "none", "long_term", "temporary", "referral", "emergency", "unfiled"
    ] = "none"
    designated: bool = True
    begndate: dt.date
    enddate: dt.date

    _region = field_validator("mdtrtarea_admvs")(classmethod(lambda cls, v: _check_region(v)))

    @field_validator("med_type")
    @classmethod
    def _med_type(cls, v: str) -> str:
        if v not in MED_TYPE:
            supported = "、".join(f"{k} {n}" for k, (n, _) in MED_TYPE.items())
            raise ValueError(f"unsupported med_type {v!r}; supported: {supported}")
        return v

    @model_validator(mode="after")
    def _dates(self) -> Encounter:
        if self.enddate < self.begndate:
            raise ValueError(f"enddate {self.enddate} is before begndate {self.begndate}")
        return self

    @property
    def category(self) -> str:
        return MED_TYPE[self.med_type][1]


class FeeLine(BaseModel):
    model_config = Strict
    code: str = Field(min_length=1)
    name: str = ""
    chrgitm_lv: Literal["01", "02", "03"]  # 收费项目等级 01 甲类, 02 乙类, 03 丙类
    amount: Money  # line total (数量 × 单价)
    quantity: Decimal = Field(default=Decimal(1), gt=0, lt=10**9, allow_inf_nan=False)
    price_limit: Money | None = None  # 限价 per unit; above it is 超限价自费
    selfpay_prop: Rate | None = None  # 乙类先行自付比例 for this item (else the pack's)

    @model_validator(mode="before")
    @classmethod
    def _old_name(cls, data: Any) -> Any:
        # the old name (deprecated) is read as the new one; both at once is an error (extra field)
        if isinstance(data, dict) and "chrg_item_lv" in data and "chrgitm_lv" not in data:
            data = dict(data)
            data["chrgitm_lv"] = data.pop("chrg_item_lv")
        return data


class Ytd(BaseModel):
    """Year-to-date accumulators of one person (all zero at the start of a year)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    stays: int = Field(default=0, ge=0)  # inpatient stays already settled this year
    ip_dedc: Money = ZERO  # inpatient deductible paid this year (cities with an annual one)
    ip_inscp: Money = ZERO  # inpatient in-scope spending this year (band position)
    hifp_paid: Money = ZERO  # inpatient pooled fund paid this year (annual cap)
    op_dedc: Money = ZERO  # outpatient pooling deductible paid this year
    op_inscp: Money = ZERO
    op_hifp: Money = ZERO  # outpatient pooled fund paid this year (its own cap)
    mm_dedc: Money = ZERO  # chronic/special-disease deductible paid this year
    mm_inscp: Money = ZERO
    mm_hifp: Money = ZERO
    serious_base: Money = ZERO  # in-scope self-pay accumulated for 大病保险/职工大额
    hifmi_paid: Money = ZERO
    hifob_paid: Money = ZERO
    acct_balance: Money = ZERO  # personal-account balance before this claim

    def new_year(self) -> Ytd:
        """The accumulators on 1 January: all zero, the account balance carried over."""
        return Ytd(acct_balance=self.acct_balance)

    def plus(self, delta: Ytd | dict[str, Any], sign: int = 1) -> Ytd:
        d = delta if isinstance(delta, dict) else delta.model_dump()
        out = {k: getattr(self, k) + sign * d.get(k, 0) for k in ACCUMULATORS}
        if any(v < 0 for v in out.values()):
            return Ytd.model_validate(out)  # raises, naming the negative accumulator
        return Ytd.model_construct(**out)


ACCUMULATORS = tuple(Ytd.model_fields)


def deprecations(raw: Any) -> list[str]:
    """The deprecated input names and values a raw claim (JSON object) uses, as messages."""
    out: list[str] = []
    if not isinstance(raw, dict):
        return out
    person = raw.get("person")
    if isinstance(person, dict) and person.get("psn_type") in PSN_TYPE_OLD:
        old = person["psn_type"]
        out.append(f"person.psn_type={old} 已弃用，请改用人员类别代码 {PSN_TYPE_OLD[old]}")
    fees = raw.get("fees")
    for i, f in enumerate(fees if isinstance(fees, list) else []):
        if isinstance(f, dict) and "chrg_item_lv" in f:
            out.append(f"fees.{i}.chrg_item_lv 已弃用，请改用 chrgitm_lv")
    return out


class Claim(BaseModel):
    model_config = Strict
    person: Person
    encounter: Encounter
    fees: list[FeeLine] = Field(min_length=1)
    ytd: Ytd = Ytd()
    # A bound relative's personal account (家庭共济) available to pay after one's own account.
    mulaid_balance: Money = ZERO


class TraceStep(BaseModel):
    model_config = ConfigDict(frozen=True)
    step: str
    title: str
    detail: str
    amounts: dict[str, Decimal] = Field(default_factory=dict)
    basis: list[dict[str, Any]] = Field(default_factory=list)


class SetlInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    psn_no: str
    insutype: str
    psn_type: str
    med_type: str
    medfee_sumamt: Decimal
    fulamt_ownpay_amt: Decimal
    overlmt_selfpay: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    act_pay_dedc: Decimal
    hifp_pay: Decimal
    pool_prop_selfpay: Decimal
    hifmi_pay: Decimal
    hifob_pay: Decimal
    maf_pay: Decimal
    fund_pay_sumamt: Decimal
    psn_part_amt: Decimal
    acct_pay: Decimal
    acct_mulaid_pay: Decimal
    psn_cash_pay: Decimal
    balc: Decimal


class SetlDetail(BaseModel):
    model_config = ConfigDict(frozen=True)
    fund_pay_type: str
    fund_pay_type_name: str
    inscp_scp_amt: Decimal
    fund_payamt: Decimal


class Settlement(BaseModel):
    model_config = ConfigDict(frozen=True)
    setlinfo: SetlInfo
    setldetail: list[SetlDetail]
    trace: list[TraceStep]
    warnings: list[str] = Field(default_factory=list)  # figures missing from the packs
    # Figures used that a citizen must be told about (disputed, or a national bound), in Chinese
    caveats: list[str] = Field(default_factory=list)
    ytd: Ytd  # accumulators after this claim
    ytd_delta: dict[str, Decimal | int]  # what this claim added (a reversal subtracts it)
    policy_date: dt.date
    admdvs: str

    def output(self) -> dict[str, Any]:
        """The settlement as the CLI and API print it (Decimals kept; the JSON layer renders)."""
        return {
            "setlinfo": self.setlinfo.model_dump(),
            "setldetail": [d.model_dump() for d in self.setldetail],
            "trace": [t.model_dump() for t in self.trace],
            "warnings": list(self.warnings),
            "caveats": list(self.caveats),
            "ytd": self.ytd.model_dump(),
        }
