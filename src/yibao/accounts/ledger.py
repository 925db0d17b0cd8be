"""Ledger primitives on a SQLAlchemy Core connection: locks, accounts, balanced entries.

Every operation that changes a person's books first locks that person's row (``lock_persons``,
in psn_no order so two transactions never wait on each other in a cycle); on PostgreSQL that is
``SELECT … FOR UPDATE``, on SQLite the transaction already holds the write lock
(``BEGIN IMMEDIATE``). Only personal accounts keep a cached balance (updated with the postings,
never negative); system accounts are summed on demand, so no hot row serialises settlements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from yibao.accounts.errors import AccountError
from yibao.accounts.models import T

PERSONS = T["persons"]
ENROLMENTS = T["enrolments"]
ACCOUNTS = T["ledger_accounts"]
ENTRIES = T["ledger_entries"]
POSTINGS = T["ledger_postings"]
BINDINGS = T["family_bindings"]
YTD = T["ytd"]
SETTLEMENTS = T["settlements"]
REVERSALS = T["reversals"]


@dataclass(frozen=True, slots=True)
class Line:
    account_id: int
    kind: str
    amount_fen: int
    personal: bool


def insert_ignore(conn: Connection, table, values: dict) -> None:
    """INSERT that does nothing when the row (by a unique key) already exists."""
    mod = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(mod.insert(table).values(**values).on_conflict_do_nothing())


def lock_persons(conn: Connection, psn_nos: list[str], field: str = "psn_no") -> dict[str, Row]:
    """Lock the persons' rows (in psn_no order); AccountError naming ``field`` if one is missing."""
    wanted = sorted(set(psn_nos))
    q = select(PERSONS).where(PERSONS.c.psn_no.in_(wanted)).order_by(PERSONS.c.psn_no)
    rows = {r.psn_no: r for r in conn.execute(q.with_for_update())}
    for p in psn_nos:
        if p not in rows:
            raise AccountError(field, f"参保人 {p} 不存在（请先用 yibao account open 登记）")
    return rows


def active_enrolment(conn: Connection, psn_no: str, field: str = "psn_no") -> Row:
    q = select(ENROLMENTS).where(ENROLMENTS.c.psn_no == psn_no, ENROLMENTS.c.status == "active")
    row = conn.execute(q).first()
    if row is None:
        raise AccountError(field, f"参保人 {psn_no} 没有有效的参保登记")
    return row


def open_account_of(conn: Connection, psn_no: str, field: str = "psn_no") -> Row:
    q = select(ACCOUNTS).where(
        ACCOUNTS.c.psn_no == psn_no, ACCOUNTS.c.kind == "personal", ACCOUNTS.c.status == "open"
    )
    row = conn.execute(q).first()
    if row is None:
        raise AccountError(field, f"参保人 {psn_no} 没有在用的职工医保个人账户")
    return row


def open_personal_account(conn: Connection, psn_no: str, admdvs: str, day: dt.date) -> int:
    """Open (or reopen) the person's account in ``admdvs``; returns its id."""
    code = f"psn:{psn_no}:{admdvs}"
    insert_ignore(
        conn,
        ACCOUNTS,
        dict(
            code=code,
            kind="personal",
            psn_no=psn_no,
            admdvs=admdvs,
            status="open",
            balance_fen=0,
            opened_on=day,
        ),
    )
    conn.execute(
        update(ACCOUNTS)
        .where(ACCOUNTS.c.code == code)
        .values(status="open", opened_on=day, closed_on=None)
    )
    return conn.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.code == code)).scalar_one()


def close_account(conn: Connection, account_id: int, day: dt.date) -> None:
    conn.execute(
        update(ACCOUNTS).where(ACCOUNTS.c.id == account_id).values(status="closed", closed_on=day)
    )


class SystemAccounts:
    """Ids of the system accounts (``sys:<purpose>:<admdvs>``), created on first use."""

    # purposes: contribution (个人缴费划入), pool_fund (统筹基金划入), medical (医药费用结算),
    # payout (提取与继承支付)

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def id(self, conn: Any, purpose: str, admdvs: str) -> int:  # Connection or pgfast.Tx
        """The account's id, created if need be. Only ids of accounts that existed before this
        transaction are remembered: one created here is gone if the transaction rolls back."""
        code = f"sys:{purpose}:{admdvs}"
        hit = self._ids.get(code)
        if hit is not None:
            return hit
        if hasattr(conn, "system_id"):  # pgfast.Tx: the driver connection of a settlement
            got, existed = conn.system_id(code, admdvs)
        else:
            q = select(ACCOUNTS.c.id).where(ACCOUNTS.c.code == code)
            got = conn.execute(q).scalar()
            existed = got is not None
            if got is None:
                insert_ignore(
                    conn,
                    ACCOUNTS,
                    dict(code=code, kind="system", admdvs=admdvs, status="open", balance_fen=0),
                )
                got = conn.execute(q).scalar_one()
        if existed:
            self._ids[code] = got
        return got

    def forget(self) -> None:
        self._ids.clear()


def post(
    conn: Connection, kind: str, ref: str, day: dt.date, lines: list[Line], memo: str = ""
) -> int:
    """Write one balanced entry and its postings; update the personal balances. Returns the
    entry id. A personal balance that would go negative raises AccountError (field amount)."""
    lines = [ln for ln in lines if ln.amount_fen != 0]
    if sum(ln.amount_fen for ln in lines) != 0:
        raise AssertionError(f"unbalanced entry {ref}: {lines}")
    entry_id = conn.execute(
        ENTRIES.insert()
        .values(kind=kind, ref=ref, occurred_on=day, memo=memo)
        .returning(ENTRIES.c.id)
    ).scalar_one()
    if not lines:
        return entry_id
    conn.execute(
        POSTINGS.insert(),
        [
            dict(
                entry_id=entry_id, account_id=ln.account_id, kind=ln.kind, amount_fen=ln.amount_fen
            )
            for ln in lines
        ],
    )
    for ln in lines:
        if not ln.personal:
            continue
        try:
            new = conn.execute(
                update(ACCOUNTS)
                .where(ACCOUNTS.c.id == ln.account_id, ACCOUNTS.c.status == "open")
                .values(balance_fen=ACCOUNTS.c.balance_fen + ln.amount_fen)
                .returning(ACCOUNTS.c.balance_fen)
            ).scalar()
        except IntegrityError:  # the not_overdrawn CHECK constraint
            raise AccountError("amount", "个人账户余额不足，不能透支") from None
        if new is None:
            raise AccountError("psn_no", "个人账户已注销，不能记账")
    return entry_id


def entry_exists(conn: Connection, ref: str) -> bool:
    return conn.execute(select(ENTRIES.c.id).where(ENTRIES.c.ref == ref)).first() is not None


def sum_postings(conn: Connection, account_ids: list[int], before: dt.date | None = None) -> int:
    q = select(func.coalesce(func.sum(POSTINGS.c.amount_fen), 0)).where(
        POSTINGS.c.account_id.in_(account_ids)
    )
    if before is not None:
        q = q.join(ENTRIES, ENTRIES.c.id == POSTINGS.c.entry_id).where(
            ENTRIES.c.occurred_on < before
        )
    return int(conn.execute(q).scalar_one())


def is_unique_violation(exc: IntegrityError, what: str) -> bool:
    return what in str(exc.orig)
