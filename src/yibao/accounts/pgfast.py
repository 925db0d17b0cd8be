"""PostgreSQL fast path of a settlement: one statement to lock, one to read, one to write.

The generic path (``settling``) issues a dozen statements; on PostgreSQL the same work is done in
three round trips: ``SELECT … FOR UPDATE`` of the person; one ``SELECT`` joining the person's
enrolment, account, year accumulators and the idempotency key (its snapshot is taken after the
lock, so it sees every settlement committed before); and one statement of data-modifying CTEs writing the entry,
its postings, the balance, the accumulators (upsert) and the settlement. Same rows, same
constraints (an overdraft still violates ``ck_ledger_accounts_not_overdrawn``), same lock order.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from yibao.accounts.models import YTD_FIELDS

_COLS = ", ".join(f"y.{f}" for f in YTD_FIELDS)
READ = text(
    f"""
SELECT p.psn_no,
       (SELECT s.setl_id FROM settlements s WHERE s.idempotency_key = :key) AS key_setl,
       e.id AS enr_id, e.insutype, e.admdvs, e.psn_type, e.since,
       a.id AS acct_id, a.balance_fen, y.psn_no AS ytd_psn, {_COLS}
FROM persons p
LEFT JOIN enrolments e ON e.psn_no = p.psn_no AND e.status = 'active'
LEFT JOIN ledger_accounts a
       ON a.psn_no = p.psn_no AND a.kind = 'personal' AND a.status = 'open'
LEFT JOIN ytd y ON y.psn_no = p.psn_no AND y.year = :year
WHERE p.psn_no = :psn
"""
)
# A separate statement: a row lock taken inside the reading statement would re-check only the
# locked row after waiting, and join the other tables as of the statement's (older) snapshot.
LOCK = text("SELECT psn_no FROM persons WHERE psn_no = :psn FOR UPDATE")

_YTD_SET = ", ".join(f"{f} = ytd.{f} + EXCLUDED.{f}" for f in YTD_FIELDS)
WRITE = text(
    f"""
WITH e AS (
  INSERT INTO ledger_entries (kind, ref, occurred_on, memo)
  VALUES ('settlement', :ref, :day, :memo) RETURNING id
), p AS (
  INSERT INTO ledger_postings (entry_id, account_id, kind, amount_fen)
  SELECT e.id, v.account_id, v.kind, v.amount_fen
  FROM e, jsonb_to_recordset(CAST(:postings AS jsonb))
       AS v(account_id bigint, kind text, amount_fen bigint)
), a AS (
  UPDATE ledger_accounts SET balance_fen = ledger_accounts.balance_fen + v.delta
  FROM jsonb_to_recordset(CAST(:personal AS jsonb)) AS v(id bigint, delta bigint)
  WHERE ledger_accounts.id = v.id
), y AS (
  INSERT INTO ytd (psn_no, year, {", ".join(YTD_FIELDS)})
  VALUES (:psn, :year, {", ".join(":d_" + f for f in YTD_FIELDS)})
  ON CONFLICT (psn_no, year) DO UPDATE SET {_YTD_SET}
)
INSERT INTO settlements (idempotency_key, claim_sha256, psn_no, payer_psn_no, year, occurred_on,
    medfee_fen, fund_pay_fen, acct_pay_fen, mulaid_pay_fen, cash_pay_fen, entry_id, status, result)
SELECT :key, :digest, :psn, :payer, :year, :day, :medfee_fen, :fund_pay_fen, :acct_pay_fen,
       :mulaid_pay_fen, :cash_pay_fen, e.id, 'settled', :result
FROM e
RETURNING setl_id
"""
)


def read(conn: Connection, psn: str, year: int, key: str) -> Any:
    """Lock the person, then read what a settlement needs (None: no such person)."""
    if conn.execute(LOCK, {"psn": psn}).first() is None:
        return None
    return conn.execute(READ, {"psn": psn, "year": year, "key": key}).first()


def write(conn: Connection, row: dict[str, Any], lines: list, ytd_delta: dict[str, int]) -> int:
    """Write entry, postings, balances, accumulators and the settlement; returns setl_id."""
    postings = [
        {"account_id": ln.account_id, "kind": ln.kind, "amount_fen": ln.amount_fen}
        for ln in lines
        if ln.amount_fen
    ]
    personal = [{"id": ln.account_id, "delta": ln.amount_fen} for ln in lines if ln.personal]
    params = {
        **row,
        "postings": json.dumps(postings),
        "personal": json.dumps(personal),
        **{f"d_{f}": ytd_delta.get(f, 0) for f in YTD_FIELDS},
    }
    return conn.execute(WRITE, params).scalar_one()
