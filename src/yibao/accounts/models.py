"""The accounts schema (SQLAlchemy 2). Money is integer fen (BigInteger), never float.

* ``persons``, ``enrolments`` (insutype, region, person type, since/until, status, months paid);
* ``ledger_accounts``: personal accounts (one per person and region) and system accounts (the
  counterparties: contributions, pooled fund, medical payments, payouts); a personal account's
  ``balance_fen`` is a cache of the sum of its postings, kept in the same transaction and never
  negative (a CHECK constraint);
* ``ledger_entries`` / ``ledger_postings``: the append-only double-entry ledger; the postings of
  an entry sum to zero; ``ledger_entries.ref`` is unique (a month is credited once);
* ``family_bindings``: who (an employee's account) may pay for whom (近亲属);
* ``ytd``: the year-to-date accumulators per person and year (the fields of ``Ytd``);
* ``settlements`` (idempotency key unique per owner scope; the owning hospital and the actor in
  the row itself) and ``reversals`` (one per settlement at most);
* ``audit_log``: the journal of every write, in the transaction of the write;
* ``simulation_jobs``: reform simulations submitted over the API;
* ``platform_signins``, ``visits``, ``visit_fees``, ``visit_settlements``: the national-platform
  sandbox's sign-ins, visits (就诊: 门诊挂号 / 入院办理, discharge), uploaded fee details and which
  settlement belongs to which visit (``visits``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from yibao.settlement.model import ACCUMULATORS

# SQLite autoincrements only an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
Id = BigInteger().with_variant(Integer(), "sqlite")
YTD_FIELDS = tuple(f for f in ACCUMULATORS if f != "acct_balance")
YTD_MONEY = tuple(f for f in YTD_FIELDS if f != "stays")

CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=CONVENTION)


def _now():
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class Person(Base):
    __tablename__ = "persons"
    psn_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    id_no: Mapped[str] = mapped_column(String(18), unique=True)
    sex: Mapped[str] = mapped_column(String(1))  # GB/T 2261.1: 1 male, 2 female
    birth_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = _now()
    __table_args__ = (CheckConstraint("sex IN ('1', '2')", name="sex"),)


class Enrolment(Base):
    __tablename__ = "enrolments"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("persons.psn_no"), index=True)
    insutype: Mapped[str] = mapped_column(String(3))  # 310 employee, 390 resident
    admdvs: Mapped[str] = mapped_column(String(6))
    psn_type: Mapped[str] = mapped_column(String(16))
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    contribution_months: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        CheckConstraint("insutype IN ('310', '390')", name="insutype"),
        CheckConstraint("status IN ('active', 'transferred', 'closed')", name="status"),
        CheckConstraint("contribution_months >= 0", name="months"),
    )


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # personal | system
    psn_no: Mapped[str | None] = mapped_column(ForeignKey("persons.psn_no"), index=True)
    admdvs: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(8), default="open")
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint("kind IN ('personal', 'system')", name="kind"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("kind <> 'personal' OR balance_fen >= 0", name="not_overdrawn"),
    )


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(160), unique=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = _now()


POSTING_KINDS = (
    "credit",  # monthly credit (in-service contribution share / retiree fixed credit)
    "payment",  # paid from one's own account at settlement or at a pharmacy
    "mulaid",  # paid from a bound relative's account (家庭共济)
    "transfer_out",
    "transfer_in",
    "withdrawal",
    "inheritance",
    "reversal",
    "counter",  # the system side of any of the above
)


class LedgerPosting(Base):
    __tablename__ = "ledger_postings"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # + raises the account, − lowers it
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in POSTING_KINDS) + ")", name="kind"
        ),
        Index("ix_ledger_postings_account_entry", "account_id", "entry_id"),
    )


class FamilyBinding(Base):
    __tablename__ = "family_bindings"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    payer_psn_no: Mapped[str] = mapped_column(ForeignKey("persons.psn_no"))
    beneficiary_psn_no: Mapped[str] = mapped_column(ForeignKey("persons.psn_no"))
    relation: Mapped[str] = mapped_column(String(16))
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (
        CheckConstraint("payer_psn_no <> beneficiary_psn_no", name="not_self"),
        Index(
            "uq_family_bindings_active",
            "payer_psn_no",
            "beneficiary_psn_no",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )


class YtdRow(Base):
    """Year-to-date accumulators (``Ytd`` without ``acct_balance``); money in fen."""

    __tablename__ = "ytd"
    psn_no: Mapped[str] = mapped_column(ForeignKey("persons.psn_no"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    stays: Mapped[int] = mapped_column(Integer, default=0)
    ip_dedc: Mapped[int] = mapped_column(BigInteger, default=0)
    ip_inscp: Mapped[int] = mapped_column(BigInteger, default=0)
    hifp_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    op_dedc: Mapped[int] = mapped_column(BigInteger, default=0)
    op_inscp: Mapped[int] = mapped_column(BigInteger, default=0)
    op_hifp: Mapped[int] = mapped_column(BigInteger, default=0)
    mm_dedc: Mapped[int] = mapped_column(BigInteger, default=0)
    mm_inscp: Mapped[int] = mapped_column(BigInteger, default=0)
    mm_hifp: Mapped[int] = mapped_column(BigInteger, default=0)
    serious_base: Mapped[int] = mapped_column(BigInteger, default=0)
    hifmi_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    hifob_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    __table_args__ = tuple(
        CheckConstraint(f"{f} >= 0", name=f"{f}_not_negative") for f in YTD_FIELDS
    )


class SettlementRow(Base):
    __tablename__ = "settlements"
    setl_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    # idempotency keys are namespaced per owner: a hospital's code, '' for the agency
    scope: Mapped[str] = mapped_column(String(32), server_default="")
    idempotency_key: Mapped[str] = mapped_column(String(128))
    actor: Mapped[str] = mapped_column(String(96), server_default="")
    claim_sha256: Mapped[str] = mapped_column(String(64))
    psn_no: Mapped[str] = mapped_column(ForeignKey("persons.psn_no"), index=True)
    payer_psn_no: Mapped[str | None] = mapped_column(ForeignKey("persons.psn_no"))
    year: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    medfee_fen: Mapped[int] = mapped_column(BigInteger)
    fund_pay_fen: Mapped[int] = mapped_column(BigInteger)
    acct_pay_fen: Mapped[int] = mapped_column(BigInteger)
    mulaid_pay_fen: Mapped[int] = mapped_column(BigInteger)
    cash_pay_fen: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    status: Mapped[str] = mapped_column(String(16), default="settled")
    result: Mapped[str] = mapped_column(Text)  # the Settlement as JSON (trace included if asked)
    created_at: Mapped[dt.datetime] = _now()
    __table_args__ = (
        CheckConstraint("status IN ('settled', 'reversed')", name="status"),
        UniqueConstraint("scope", "idempotency_key"),
    )


class Reversal(Base):
    __tablename__ = "reversals"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    setl_id: Mapped[int] = mapped_column(ForeignKey("settlements.setl_id"), unique=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = _now()


class AuditEntry(Base):
    """One audited action (the journal): written in the transaction of the change it records."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = _now()
    actor: Mapped[str] = mapped_column(String(96))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(96))
    detail: Mapped[str] = mapped_column(Text)


class SimulationJob(Base):
    """A reform simulation submitted over the API: its input, state and report, kept in the
    database so that a restart neither loses a finished report nor a queued job."""

    __tablename__ = "simulation_jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    actor: Mapped[str] = mapped_column(String(96))
    status: Mapped[str] = mapped_column(String(16))
    claims_done: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # the report as JSON
    claims: Mapped[bytes | None] = mapped_column(LargeBinary)  # the upload; dropped when finished
    reform: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _now()
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )


class PlatformSignin(Base):
    """A 9001 签到 of an institution: its id is the ``sign_no`` later transactions carry."""

    __tablename__ = "platform_signins"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fixmedins_code: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = _now()


class VisitRow(Base):
    """A visit (就诊) opened on the platform sandbox by 2201 门诊挂号 or 2401 入院办理; owned by
    the institution that opened it. Its id is the ``mdtrt_id`` 就诊ID."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fixmedins_code: Mapped[str] = mapped_column(String(30), index=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("persons.psn_no"), index=True)
    insutype: Mapped[str] = mapped_column(String(3))
    insuplc_admdvs: Mapped[str] = mapped_column(String(6))
    mdtrtarea_admvs: Mapped[str] = mapped_column(String(6))
    med_type: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(16))
    hosp_lv: Mapped[int] = mapped_column(Integer)
    begntime: Mapped[dt.datetime] = mapped_column(DateTime)
    endtime: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ipt_otp_no: Mapped[str] = mapped_column(String(30))
    diseinfo: Mapped[str] = mapped_column(Text)  # the diagnoses as sent (JSON list)
    created_at: Mapped[dt.datetime] = _now()
    __table_args__ = (
        CheckConstraint("category IN ('outpatient', 'inpatient')", name="category"),
        CheckConstraint("hosp_lv BETWEEN 0 AND 3", name="hosp_lv"),
    )


class VisitFee(Base):
    """A fee detail (费用明细) uploaded for a visit (2204 / 2301); deleted by 2302."""

    __tablename__ = "visit_fees"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    feedetl_sn: Mapped[str] = mapped_column(String(30))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    line: Mapped[str] = mapped_column(Text)  # the claim's fee line (FeeLine fields) as JSON
    fee_ocur_time: Mapped[str | None] = mapped_column(String(32))
    __table_args__ = (UniqueConstraint("visit_id", "feedetl_sn"),)


class VisitSettlement(Base):
    """Which visit a settlement belongs to; written in the settlement's own transaction."""

    __tablename__ = "visit_settlements"
    setl_id: Mapped[int] = mapped_column(ForeignKey("settlements.setl_id"), primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    settled_on: Mapped[dt.date] = mapped_column(Date)  # the day of 结算 (for 3201 对总账)


T = Base.metadata.tables
__all__ = ["YTD_FIELDS", "YTD_MONEY", "Base", "T"]
