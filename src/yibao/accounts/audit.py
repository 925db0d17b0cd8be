"""Consistency checks of the books (what must hold after any crash or race):

* every personal balance equals the sum of its postings, and none is negative;
* every entry's postings sum to zero;
* every settlement has its entry, whose personal postings sum to minus its account payment;
  every reversal's entry mirrors it;
* every year's accumulators equal the sum of the deltas of the settlements not reversed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Connection, func, select

from yibao.accounts.ledger import ACCOUNTS, ENTRIES, POSTINGS, REVERSALS, SETTLEMENTS, YTD
from yibao.accounts.models import YTD_FIELDS
from yibao.money import to_fen
from yibao.settlement.model import Settlement


def audit(conn: Connection) -> list[str]:
    """Every inconsistency found, in Chinese; an empty list means the books are consistent."""
    return _balances(conn) + _entries(conn) + _settlements(conn) + _accumulators(conn)


def _balances(conn: Connection) -> list[str]:
    sums = dict(
        conn.execute(
            select(POSTINGS.c.account_id, func.sum(POSTINGS.c.amount_fen)).group_by(
                POSTINGS.c.account_id
            )
        ).all()
    )
    out = []
    q = select(ACCOUNTS.c.id, ACCOUNTS.c.code, ACCOUNTS.c.balance_fen).where(
        ACCOUNTS.c.kind == "personal"
    )
    for acct_id, code, bal in conn.execute(q):
        if bal != int(sums.get(acct_id) or 0):
            out.append(f"账户 {code} 余额 {bal} 分 ≠ 记账合计 {sums.get(acct_id) or 0} 分")
        if bal < 0:
            out.append(f"账户 {code} 余额为负（{bal} 分）")
    return out


def _entries(conn: Connection) -> list[str]:
    q = (
        select(POSTINGS.c.entry_id, func.sum(POSTINGS.c.amount_fen))
        .group_by(POSTINGS.c.entry_id)
        .having(func.sum(POSTINGS.c.amount_fen) != 0)
    )
    return [f"凭证 {e} 借贷不平（合计 {s} 分）" for e, s in conn.execute(q)]


def _personal_sum(conn: Connection, entry_id: int) -> int | None:
    if conn.execute(select(ENTRIES.c.id).where(ENTRIES.c.id == entry_id)).first() is None:
        return None
    q = (
        select(func.coalesce(func.sum(POSTINGS.c.amount_fen), 0))
        .join(ACCOUNTS, ACCOUNTS.c.id == POSTINGS.c.account_id)
        .where(POSTINGS.c.entry_id == entry_id, ACCOUNTS.c.kind == "personal")
    )
    return int(conn.execute(q).scalar_one())


def _settlements(conn: Connection) -> list[str]:
    out = []
    for sid, entry_id, acct in conn.execute(
        select(SETTLEMENTS.c.setl_id, SETTLEMENTS.c.entry_id, SETTLEMENTS.c.acct_pay_fen)
    ):
        got = _personal_sum(conn, entry_id)
        if got is None:
            out.append(f"结算 {sid} 没有记账凭证")
        elif got != -acct:
            out.append(f"结算 {sid} 的账户记账 {got} 分 ≠ 账户支付 {-acct} 分")
    q = select(REVERSALS.c.setl_id, REVERSALS.c.entry_id, SETTLEMENTS.c.acct_pay_fen).join(
        SETTLEMENTS, SETTLEMENTS.c.setl_id == REVERSALS.c.setl_id
    )
    for sid, entry_id, acct in conn.execute(q):
        got = _personal_sum(conn, entry_id)
        if got != acct:
            out.append(f"结算 {sid} 的撤销凭证记账 {got} 分 ≠ {acct} 分")
    return out


def _accumulators(conn: Connection) -> list[str]:
    want: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(YTD_FIELDS, 0))
    q = select(SETTLEMENTS.c.psn_no, SETTLEMENTS.c.year, SETTLEMENTS.c.result).where(
        SETTLEMENTS.c.status == "settled"
    )
    for psn, year, result in conn.execute(q):
        delta = Settlement.model_validate_json(result).ytd_delta
        acc = want[(psn, year)]
        for f in YTD_FIELDS:
            v = delta.get(f, 0)
            acc[f] += int(v) if f == "stays" else to_fen(Decimal(v))
    out = []
    have = {(r.psn_no, r.year): r for r in conn.execute(select(YTD))}
    for key in sorted(set(want) | set(have)):
        row = have.get(key)
        got = {f: (getattr(row, f) if row is not None else 0) for f in YTD_FIELDS}
        exp = want.get(key, dict.fromkeys(YTD_FIELDS, 0))
        diff = {f: (got[f], exp[f]) for f in YTD_FIELDS if got[f] != exp[f]}
        if diff:
            out.append(f"{key[0]} {key[1]} 年度累计与结算不符：{diff}")
    return out
