"""Settlement against the books: presettle (reads only), settle (idempotent, atomic), reverse,
and a plain account payment (定点药店购药).

``settle`` locks the patient (and the paying relative) first, then reads the accumulators and
the balances, runs the engine and writes the settlement, its ledger entry and the new
accumulators in the same transaction. The idempotency key is looked up under the lock, so a
retry — even a concurrent one — returns the first result and writes nothing.

Idempotency keys are namespaced per owner (``journal.scope_of``: a hospital's code, '' for the
agency): one hospital's key never finds, blocks or reveals another's settlement. The owner and
the audit row are written in the settlement's own transaction. The stored result is validated
before anything is written, so a settlement whose totals leave the money range is refused, not
committed and then unreadable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from yibao.accounts import fields, journal, pgfast
from yibao.accounts.errors import AccountError, NotFound, NotOwner
from yibao.accounts.ledger import (
    ACCOUNTS,
    BINDINGS,
    ENROLMENTS,
    ENTRIES,
    POSTINGS,
    REVERSALS,
    SETTLEMENTS,
    YTD,
    Line,
    insert_ignore,
    lock_persons,
    open_account_of,
    post,
)
from yibao.accounts.models import YTD_FIELDS
from yibao.money import from_fen, money, to_fen
from yibao.settlement.engine import SettlementError
from yibao.settlement.engine import settle as engine_settle
from yibao.settlement.model import Claim, Settlement, Ytd

if TYPE_CHECKING:
    from yibao.accounts.ledger import SystemAccounts
    from yibao.policy.resolve import Policy


@dataclass(frozen=True)
class Settled:
    setl_id: int
    idempotency_key: str
    settlement: Settlement
    replayed: bool  # True: the key was already used; this is the first result, nothing written


@dataclass
class _Books:
    """What a settlement reads: accumulators, the patient's and the payer's accounts."""

    # Rows from SQLAlchemy, or pgfast's named tuples / _Acct on the PostgreSQL fast path
    year: int
    ytd_row: Any
    account: Any
    payer_account: Any

    def claim(self, claim: Claim) -> Claim:
        from yibao.accounts.service import ytd_from_row

        own = self.account.balance_fen if self.account is not None else 0
        aid = self.payer_account.balance_fen if self.payer_account is not None else 0
        return claim.model_copy(
            update={"ytd": ytd_from_row(self.ytd_row, own), "mulaid_balance": from_fen(aid)}
        )


def _key_conflict(exc: Exception) -> bool:
    """A unique violation on the idempotency key (or the entry's ``setl`` ref): the same key was
    committed meanwhile by a settlement of another patient; retrying replays it. Recognised by
    the constraint's name (PostgreSQL) or SQLite's message, never by text in the failing row."""
    if isinstance(exc, IntegrityError):
        exc = exc.orig if isinstance(exc.orig, Exception) else exc
    elif not pgfast.is_integrity_error(exc):
        return False
    diag = getattr(exc, "diag", None)
    if diag is not None:
        return diag.constraint_name in ("uq_settlements_scope", "uq_ledger_entries_ref")
    text = str(exc)
    return text.startswith("UNIQUE constraint failed") and (
        "settlements.idempotency_key" in text or "ledger_entries.ref" in text
    )


def claim_digest(claim: Claim, payer: str | None) -> str:
    text = claim.model_dump_json(exclude={"ytd", "mulaid_balance"}) + f"|payer={payer or ''}"
    return hashlib.sha256(text.encode()).hexdigest()


class SettlingMixin:
    engine: Any
    policy: Policy
    system: SystemAccounts
    actor: journal.ActorLike  # provided by Accounts
    today: Callable[[], dt.date]

    # --- presettle ----------------------------------------------------------------------------

    def presettle(
        self, claim: Claim, *, payer: str | None = None, trace: bool = True
    ) -> Settlement:
        """预结算: the settlement the books would give now; nothing is written."""
        with self.engine.connect() as conn:
            books = self._books(conn, claim, payer)
            conn.rollback()
        return self._run(books.claim(claim), trace)

    # --- settle -------------------------------------------------------------------------------

    def settle(
        self,
        claim: Claim,
        idempotency_key: str,
        *,
        payer: str | None = None,
        trace: bool = True,
        by: journal.ActorLike | None = None,
        link: Callable[[Connection, int], None] | None = None,
    ) -> Settled:
        """Settle ``claim`` under ``idempotency_key`` in the namespace of ``by`` (default: this
        service's actor); a retry by the same owner returns the first result. ``link(conn,
        setl_id)`` writes what belongs to a new settlement (a visit's link, ``visits``) in the
        settlement's own transaction; an ``AccountError`` it raises refuses the settlement."""
        key = fields.text("idempotency_key", idempotency_key or "", 128, what="幂等键")
        fields.psn_no(claim.person.psn_no, "person.psn_no")
        if payer is not None:
            payer = fields.psn_no(payer, "payer")
        by = by or self.actor
        if claim.encounter.enddate > self.today() + dt.timedelta(days=1):
            raise AccountError(
                "encounter.enddate", f"结束日期 {claim.encounter.enddate} 晚于今天，不能结算记账"
            )
        digest = claim_digest(claim, payer)
        fast = payer is None and link is None and self.engine.dialect.name == "postgresql"
        for _ in range(3):
            try:
                if fast:
                    return self._settle_fast(claim, key, digest, trace, by)
                with self.engine.begin() as conn:
                    return self._settle(conn, claim, key, digest, payer, trace, by, link)
            except Exception as exc:  # the same key committed meanwhile by another patient
                if not _key_conflict(exc):
                    raise
        raise AccountError("idempotency_key", f"幂等键 {key} 冲突，请重试")  # pragma: no cover

    def _settle_fast(
        self, claim: Claim, key: str, digest: str, trace: bool, by: journal.ActorLike
    ) -> Settled:
        """PostgreSQL, no family aid: ``pgfast`` on the driver connection, three round trips."""
        psn = claim.person.psn_no
        with pgfast.transaction(self.engine) as tx:
            row = tx.read(psn, claim.encounter.enddate.year, journal.scope_of(by), key)
            if row is None:
                raise AccountError(
                    "person.psn_no", f"参保人 {psn} 不存在（请先用 yibao account open 登记）"
                )
            if row.key_setl is not None:
                return _replay(pgfast.replayed(row), digest)
            books = _fast_books(row, claim)
            s, stored = _checked(self._run(books.claim(claim), trace))
            setl_id = self._write_settlement(tx, claim, key, digest, None, books, s, stored, by)
        return Settled(setl_id, key, s, False)

    def _settle(
        self,
        conn: Connection,
        claim: Claim,
        key: str,
        digest: str,
        payer: str | None,
        trace: bool,
        by: journal.ActorLike,
        link: Callable[[Connection, int], None] | None = None,
    ) -> Settled:
        psn = claim.person.psn_no
        lock_persons(conn, [psn] + ([payer] if payer else []), "person.psn_no")
        first = conn.execute(
            select(SETTLEMENTS).where(
                SETTLEMENTS.c.scope == journal.scope_of(by), SETTLEMENTS.c.idempotency_key == key
            )
        ).first()
        if first is not None:
            return _replay(first, digest)
        books = self._books(conn, claim, payer)
        s, stored = _checked(self._run(books.claim(claim), trace))
        setl_id = self._write_settlement(conn, claim, key, digest, payer, books, s, stored, by)
        if link is not None:
            link(conn, setl_id)
        return Settled(setl_id, key, s, False)

    def _run(self, claim: Claim, trace: bool) -> Settlement:
        try:
            return engine_settle(claim, self.policy, trace=trace)
        except SettlementError as exc:
            raise AccountError("encounter", str(exc)) from None

    def _books(self, conn: Connection, claim: Claim, payer: str | None) -> _Books:
        p, enc = claim.person, claim.encounter
        enr = conn.execute(
            select(ENROLMENTS).where(
                ENROLMENTS.c.psn_no == p.psn_no, ENROLMENTS.c.status == "active"
            )
        ).first()
        _check_enrolment(enr, claim)
        year = enc.enddate.year
        row = conn.execute(select(YTD).where(YTD.c.psn_no == p.psn_no, YTD.c.year == year)).first()
        account = open_account_of(conn, p.psn_no, "person.psn_no") if p.insutype == "310" else None
        payer_account = None
        if payer:
            bound = conn.execute(
                select(BINDINGS.c.id).where(
                    BINDINGS.c.payer_psn_no == payer,
                    BINDINGS.c.beneficiary_psn_no == p.psn_no,
                    BINDINGS.c.active.is_(True),
                    BINDINGS.c.since <= enc.enddate,
                )
            ).first()
            if bound is None:
                raise AccountError(
                    "payer",
                    f"{p.psn_no} 没有绑定到 {payer} 的家庭共济，{payer} 的个人账户不能为其支付",
                )
            payer_account = open_account_of(conn, payer, "payer")
        return _Books(year, row, account, payer_account)

    def _write_settlement(
        self,
        conn: Connection | pgfast.Tx,
        claim: Claim,
        key: str,
        digest: str,
        payer: str | None,
        books: _Books,
        s: Settlement,
        stored: str,
        by: journal.ActorLike,
    ) -> int:
        info = s.setlinfo
        mulaid = to_fen(info.acct_mulaid_pay)
        own = to_fen(info.acct_pay) - mulaid
        admdvs = claim.person.insuplc_admdvs
        lines = []
        if own:
            lines.append(Line(books.account.id, "payment", -own, True))
        if mulaid:
            lines.append(Line(books.payer_account.id, "mulaid", -mulaid, True))
        if own or mulaid:
            lines.append(
                Line(self.system.id(conn, "medical", admdvs), "counter", own + mulaid, False)
            )
        day = claim.encounter.enddate
        scope = journal.scope_of(by)
        # the agency's keys keep their historical ref; a hospital's are prefixed by its code
        ref = f"setl@{scope}:{key}" if scope else f"setl:{key}"
        memo = f"结算 {claim.person.psn_no}"
        note = {"psn_no": claim.person.psn_no, "idempotency_key": key}
        row = dict(
            key=key,
            scope=scope,
            actor=by.name[:96],
            digest=digest,
            psn=claim.person.psn_no,
            payer=payer,
            year=books.year,
            day=day,
            medfee_fen=to_fen(info.medfee_sumamt),
            fund_pay_fen=to_fen(info.fund_pay_sumamt),
            acct_pay_fen=to_fen(info.acct_pay),
            mulaid_pay_fen=mulaid,
            cash_pay_fen=to_fen(info.psn_cash_pay),
            result=stored,
        )
        if isinstance(conn, pgfast.Tx) or conn.dialect.name == "postgresql":
            tx = conn if isinstance(conn, pgfast.Tx) else conn.connection.driver_connection
            try:
                audit = journal.entry(by, "settlement.settle", "", note)
                return pgfast.write(
                    tx,
                    {**row, "ref": ref, "memo": memo},
                    lines,
                    _delta_fen(s.ytd_delta, 1),
                    audit,
                )
            except Exception as exc:
                if pgfast.is_integrity_error(exc) and "not_overdrawn" in str(exc):
                    raise AccountError("amount", "个人账户余额不足，不能透支") from None
                raise
        entry_id = post(conn, "settlement", ref, day, lines, memo=memo)
        setl_id = conn.execute(
            SETTLEMENTS.insert()
            .values(
                idempotency_key=key,
                scope=scope,
                actor=row["actor"],
                claim_sha256=digest,
                psn_no=row["psn"],
                payer_psn_no=payer,
                year=books.year,
                occurred_on=day,
                entry_id=entry_id,
                status="settled",
                **{
                    k: row[k]
                    for k in (
                        "medfee_fen",
                        "fund_pay_fen",
                        "acct_pay_fen",
                        "mulaid_pay_fen",
                        "cash_pay_fen",
                        "result",
                    )
                },
            )
            .returning(SETTLEMENTS.c.setl_id)
        ).scalar_one()
        _apply_ytd(conn, claim.person.psn_no, books.year, s.ytd_delta, +1, books.ytd_row is None)
        journal.record(conn, by, "settlement.settle", str(setl_id), note)
        return setl_id

    # --- reverse ------------------------------------------------------------------------------

    def reverse(
        self,
        setl_id: int,
        *,
        reason: str = "",
        day: dt.date | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """结算撤销: undo the settlement's postings and accumulators exactly; only once. A
        hospital (``by``) may reverse only the settlements it owns."""
        reason = fields.text("reason", reason or "", 200, required=False, what="撤销原因")
        by = by or self.actor
        with self.engine.begin() as conn:
            row = conn.execute(select(SETTLEMENTS).where(SETTLEMENTS.c.setl_id == setl_id)).first()
            if row is None:
                raise NotFound("setl_id", f"结算 {setl_id} 不存在")
            if by.role == "hospital" and row.scope != journal.scope_of(by):
                raise NotOwner("setl_id", "医院只能查看或撤销本机构的结算")
            lock_persons(conn, [row.psn_no] + ([row.payer_psn_no] if row.payer_psn_no else []))
            row = conn.execute(select(SETTLEMENTS).where(SETTLEMENTS.c.setl_id == setl_id)).first()
            if row.status == "reversed":
                raise AccountError("setl_id", f"结算 {setl_id} 已撤销，不能重复撤销")
            s = Settlement.model_validate_json(row.result)
            original = conn.execute(
                select(
                    POSTINGS.c.account_id, POSTINGS.c.amount_fen, ACCOUNTS.c.kind, ACCOUNTS.c.status
                )
                .join(ACCOUNTS, ACCOUNTS.c.id == POSTINGS.c.account_id)
                .where(POSTINGS.c.entry_id == row.entry_id)
            ).all()
            if any(p.kind == "personal" and p.status != "open" for p in original):
                raise AccountError(
                    "setl_id", f"结算 {setl_id} 使用的个人账户已注销或转出，不能撤销"
                )
            lines = [
                Line(
                    p.account_id,
                    "reversal" if p.kind == "personal" else "counter",
                    -p.amount_fen,
                    p.kind == "personal",
                )
                for p in original
            ]
            day = day or row.occurred_on
            entry_id = post(
                conn, "reversal", f"rev:{setl_id}", day, lines, memo=reason or "结算撤销"
            )
            conn.execute(
                REVERSALS.insert().values(setl_id=setl_id, entry_id=entry_id, reason=reason)
            )
            conn.execute(
                update(SETTLEMENTS)
                .where(SETTLEMENTS.c.setl_id == setl_id)
                .values(status="reversed")
            )
            _apply_ytd(conn, row.psn_no, row.year, s.ytd_delta, -1, False)
            out = {
                "setl_id": setl_id,
                "psn_no": row.psn_no,
                "restored_acct": from_fen(row.acct_pay_fen),
                "restored_ytd": {k: -v for k, v in s.ytd_delta.items() if k != "acct_balance"},
            }
            journal.record(conn, by, "settlement.reverse", str(setl_id), out)
        return out

    def settlement(
        self, setl_id: int, *, by: journal.ActorLike | None = None, audit_as: str = ""
    ) -> dict[str, Any]:
        """The stored settlement. A hospital (``by``) sees only its own (any other id, existing
        or not, is ``NotOwner``: no existence oracle); ``audit_as`` journals the read."""
        with self.engine.begin() as conn:
            row = conn.execute(select(SETTLEMENTS).where(SETTLEMENTS.c.setl_id == setl_id)).first()
            hospital = by is not None and by.role == "hospital"
            if by is not None and hospital and (row is None or row.scope != journal.scope_of(by)):
                raise NotOwner("setl_id", "医院只能查看或撤销本机构的结算")
            if row is None:
                raise NotFound("setl_id", f"结算 {setl_id} 不存在")
            if audit_as:
                journal.record(conn, by or self.actor, audit_as, str(setl_id))
        return {
            "setl_id": row.setl_id,
            "idempotency_key": row.idempotency_key,
            "owner": row.scope or None,
            "status": row.status,
            "settlement": Settlement.model_validate_json(row.result),
        }

    # --- account payment ----------------------------------------------------------------------

    def pay(
        self,
        psn_no: str,
        amount: Decimal | str,
        key: str,
        *,
        payer: str | None = None,
        day: dt.date | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """Pay ``amount`` from the personal account (or a bound relative's): 定点药店购药. Refused,
        writing nothing, when the balance is short or the payer is not bound."""
        try:
            fen = to_fen(money(amount))
        except (TypeError, ValueError):
            raise AccountError("amount", f"金额应为数字（元），收到 {amount!r}") from None
        if fen <= 0:
            raise AccountError("amount", "支付金额应大于0")
        day = day or dt.date.today()
        ref = f"pay:{key}"
        with self.engine.begin() as conn:
            lock_persons(conn, [psn_no] + ([payer] if payer else []))
            if conn.execute(select(ENTRIES.c.id).where(ENTRIES.c.ref == ref)).first():
                raise AccountError("key", f"支付 {key} 已记账")
            if payer:
                bound = conn.execute(
                    select(BINDINGS.c.id).where(
                        BINDINGS.c.payer_psn_no == payer,
                        BINDINGS.c.beneficiary_psn_no == psn_no,
                        BINDINGS.c.active.is_(True),
                    )
                ).first()
                if bound is None:
                    raise AccountError("payer", f"{psn_no} 没有绑定到 {payer} 的家庭共济，不能代付")
            acct = open_account_of(conn, payer or psn_no, "payer" if payer else "psn_no")
            if acct.balance_fen < fen:
                raise AccountError(
                    "amount",
                    f"个人账户余额不足：余额{from_fen(acct.balance_fen)}元，需支付{from_fen(fen)}元",
                )
            post(
                conn,
                "payment",
                ref,
                day,
                [
                    Line(acct.id, "mulaid" if payer else "payment", -fen, True),
                    Line(self.system.id(conn, "medical", acct.admdvs), "counter", fen, False),
                ],
                memo="定点药店购药",
            )
            out = {
                "psn_no": psn_no,
                "payer": payer,
                "amount": from_fen(fen),
                "balance": from_fen(acct.balance_fen - fen),
            }
            journal.record(conn, by or self.actor, "account.pay", psn_no, {**out, "key": key})
        return out


@dataclass(frozen=True, slots=True)
class _Acct:
    id: int
    balance_fen: int


def _check_enrolment(enr: Any, claim: Claim) -> None:
    p, enc = claim.person, claim.encounter
    if enr is None:
        raise AccountError("person.psn_no", f"参保人 {p.psn_no} 没有有效的参保登记")
    if enr.insutype != p.insutype:
        raise AccountError(
            "person.insutype", f"参保登记的险种是 {enr.insutype}，理赔为 {p.insutype}"
        )
    if enr.admdvs != p.insuplc_admdvs:
        raise AccountError(
            "person.insuplc_admdvs", f"参保地是 {enr.admdvs}，理赔为 {p.insuplc_admdvs}"
        )
    if p.insutype == "310" and enr.psn_type != p.group:
        raise AccountError(
            "person.psn_type", f"参保登记的人员类别是 {enr.psn_type}，理赔为 {p.psn_type}"
        )
    if enc.enddate < enr.since:
        raise AccountError(
            "encounter.enddate", f"出院（结束）日期 {enc.enddate} 早于参保日期 {enr.since}"
        )


def _fast_books(row: Any, claim: Claim) -> _Books:
    """The books from ``pgfast.Tx.read``'s single row."""
    _check_enrolment(row if row.enr_id is not None else None, claim)
    account = None
    if claim.person.insutype == "310":
        if row.acct_id is None:
            raise AccountError("person.psn_no", f"参保人 {row.psn_no} 没有在用的职工医保个人账户")
        account = _Acct(row.acct_id, row.balance_fen)
    ytd_row = row if row.ytd_psn is not None else None
    return _Books(claim.encounter.enddate.year, ytd_row, account, None)


def _delta_fen(delta: dict[str, Any], sign: int) -> dict[str, int]:
    out = {}
    for f in YTD_FIELDS:
        v = delta.get(f)
        if v:
            out[f] = sign * (int(v) if f == "stays" else to_fen(Decimal(v)))
    return out


def _checked(s: Settlement) -> tuple[Settlement, str]:
    """The settlement in its stored form (what a retry returns) and its JSON, validated before
    anything is written: totals or year accumulators beyond the money range refuse the claim."""
    stored = s.model_dump_json()
    try:
        return Settlement.model_validate_json(stored), stored
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0].get("loc", ())) or "claim"
        raise AccountError(
            "claim.fees", f"结算金额或年度累计超出可记账范围（{where}），请核对费用金额"
        ) from None


def _replay(row: Any, digest: str) -> Settled:  # a Row or pgfast.Stored
    if row.claim_sha256 != digest:
        raise AccountError(
            "idempotency_key",
            f"幂等键 {row.idempotency_key} 已用于另一笔不同的结算（结算号 {row.setl_id}）",
        )
    return Settled(
        row.setl_id, row.idempotency_key, Settlement.model_validate_json(row.result), True
    )


def _apply_ytd(
    conn: Connection, psn_no: str, year: int, delta: dict[str, Any], sign: int, new: bool
) -> None:
    values = _delta_fen(delta, sign)
    if new:
        insert_ignore(conn, YTD, {"psn_no": psn_no, "year": year, **{f: 0 for f in YTD_FIELDS}})
    if not values:
        return
    try:
        conn.execute(
            update(YTD)
            .where(YTD.c.psn_no == psn_no, YTD.c.year == year)
            .values({YTD.c[f]: YTD.c[f] + v for f, v in values.items()})
        )
    except IntegrityError:  # a *_not_negative CHECK: the books disagree with the settlement
        raise AccountError("setl_id", "年度累计将变为负数，账务不一致，已拒绝") from None


def ytd_of(conn: Connection, psn_no: str, year: int) -> Ytd:
    from yibao.accounts.service import ytd_from_row

    row = conn.execute(select(YTD).where(YTD.c.psn_no == psn_no, YTD.c.year == year)).first()
    return ytd_from_row(row)
