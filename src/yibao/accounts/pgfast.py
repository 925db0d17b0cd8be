"""PostgreSQL fast path of a settlement: lock, read and write in three round trips.

The generic path (``settling``) issues a dozen statements through SQLAlchemy; on PostgreSQL a
settlement without family aid runs three statements on the driver's (psycopg) connection taken
from the engine's pool, skipping SQLAlchemy's statement and result machinery:

* ``SELECT … FOR UPDATE`` of the person (the lock);
* one ``SELECT`` joining the person's enrolment, account, year accumulators and the settlement
  already made under the idempotency key, if any (its snapshot is taken after the lock is granted,
  so it sees every settlement committed before);
* one statement of data-modifying CTEs writing the entry, its postings, the balance, the
  accumulators (upsert), the settlement (with its owner scope) and its audit row.

Same rows, same constraints (an overdraft still violates ``ck_ledger_accounts_not_overdrawn``),
same lock order.

The statements travel in psycopg's pipeline mode as one implicit transaction: the server runs
everything between two Sync messages as a single transaction and commits it at the Sync
(PostgreSQL protocol, "Pipelining"), so no ``BEGIN``/``COMMIT`` statements are sent. Round trips:
(1) the lock and the read, sent together — the server still runs them one after the other, the
read starting, and taking its snapshot, only once the lock is held; (2) the write, whose result
(the settlement id) is awaited, so a process killed after it leaves nothing committed; (3) the
Sync, which commits. A statement that fails aborts the pipeline and the server rolls the
transaction back at the Sync; if the block raises after a write succeeded, the connection is
closed rather than synced, and the server rolls back. psycopg prepares each statement on the
server after a few uses.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from yibao.accounts.models import YTD_FIELDS

_COLS = ", ".join(f"y.{f}" for f in YTD_FIELDS)
READ = f"""
SELECT p.psn_no,
       s.setl_id AS key_setl, s.idempotency_key, s.claim_sha256, s.result,
       e.id AS enr_id, e.insutype, e.admdvs, e.psn_type, e.since,
       a.id AS acct_id, a.balance_fen, y.psn_no AS ytd_psn, {_COLS}
FROM persons p
LEFT JOIN settlements s ON s.scope = %(scope)s AND s.idempotency_key = %(key)s
LEFT JOIN enrolments e ON e.psn_no = p.psn_no AND e.status = 'active'
LEFT JOIN ledger_accounts a
       ON a.psn_no = p.psn_no AND a.kind = 'personal' AND a.status = 'open'
LEFT JOIN ytd y ON y.psn_no = p.psn_no AND y.year = %(year)s
WHERE p.psn_no = %(psn)s
"""
ReadRow: Any = namedtuple(  # type: ignore[misc]  # the columns of READ, in order (YTD_FIELDS appended)
    "ReadRow",
    "psn_no key_setl idempotency_key claim_sha256 result enr_id insutype admdvs psn_type since "
    "acct_id balance_fen ytd_psn " + " ".join(YTD_FIELDS),
)
# The replayed settlement as ``settling._replay`` reads it.
Stored = namedtuple("Stored", "setl_id idempotency_key claim_sha256 result")

# A separate statement: a row lock taken inside the reading statement would re-check only the
# locked row after waiting, and join the other tables as of the statement's (older) snapshot.
LOCK = "SELECT psn_no FROM persons WHERE psn_no = %(psn)s FOR UPDATE"

_YTD_SET = ", ".join(f"{f} = ytd.{f} + EXCLUDED.{f}" for f in YTD_FIELDS)
WRITE = f"""
WITH e AS (
  INSERT INTO ledger_entries (kind, ref, occurred_on, memo)
  VALUES ('settlement', %(ref)s, %(day)s, %(memo)s) RETURNING id
), p AS (
  INSERT INTO ledger_postings (entry_id, account_id, kind, amount_fen)
  SELECT e.id, v.account_id, v.kind, v.amount_fen
  FROM e, jsonb_to_recordset(CAST(%(postings)s AS jsonb))
       AS v(account_id bigint, kind text, amount_fen bigint)
), a AS (
  UPDATE ledger_accounts SET balance_fen = ledger_accounts.balance_fen + v.delta
  FROM jsonb_to_recordset(CAST(%(personal)s AS jsonb)) AS v(id bigint, delta bigint)
  WHERE ledger_accounts.id = v.id
), y AS (
  INSERT INTO ytd (psn_no, year, {", ".join(YTD_FIELDS)})
  VALUES (%(psn)s, %(year)s, {", ".join(f"%(d_{f})s" for f in YTD_FIELDS)})
  ON CONFLICT (psn_no, year) DO UPDATE SET {_YTD_SET}
), s AS (
  INSERT INTO settlements (scope, idempotency_key, actor, claim_sha256, psn_no, payer_psn_no,
      year, occurred_on, medfee_fen, fund_pay_fen, acct_pay_fen, mulaid_pay_fen, cash_pay_fen,
      entry_id, status, result)
  SELECT %(scope)s, %(key)s, %(actor)s, %(digest)s, %(psn)s, %(payer)s, %(year)s, %(day)s,
         %(medfee_fen)s, %(fund_pay_fen)s, %(acct_pay_fen)s, %(mulaid_pay_fen)s, %(cash_pay_fen)s,
         e.id, 'settled', %(result)s
  FROM e
  RETURNING setl_id
), au AS (
  INSERT INTO audit_log (actor, role, action, target, detail)
  SELECT %(a_actor)s, %(a_role)s, %(a_action)s, CAST(s.setl_id AS text), %(a_detail)s FROM s
)
SELECT setl_id FROM s
"""
SYSTEM_ACCOUNT = "SELECT id FROM ledger_accounts WHERE code = %(code)s"
NEW_SYSTEM_ACCOUNT = """
INSERT INTO ledger_accounts (code, kind, admdvs, status, balance_fen)
VALUES (%(code)s, 'system', %(admdvs)s, 'open', 0)
ON CONFLICT (code) DO NOTHING RETURNING id
"""


class Tx:
    """A settlement's transaction on the driver connection (see ``transaction``)."""

    __slots__ = ("pg", "wrote")

    def __init__(self, pg: Any) -> None:
        self.pg = pg
        self.wrote = False  # something was written: leaving by an exception must not sync

    def read(self, psn: str, year: int, scope: str, key: str) -> Any:  # ReadRow | None
        """Lock the person, read what a settlement needs: one round trip (None: no such
        person)."""
        pg = self.pg
        lock = pg.execute(LOCK, {"psn": psn})
        got = pg.execute(READ, {"psn": psn, "year": year, "scope": scope, "key": key}).fetchone()
        if lock.fetchone() is None:  # the row read (if any) was not locked: a person added since
            return None
        return None if got is None else ReadRow._make(got)

    def system_id(self, code: str, admdvs: str) -> tuple[int, bool]:
        """The system account's id, and whether it existed before this transaction."""
        params = {"code": code, "admdvs": admdvs}
        got = self.pg.execute(SYSTEM_ACCOUNT, params).fetchone()
        if got is not None:
            return got[0], True
        self.wrote = True
        got = self.pg.execute(NEW_SYSTEM_ACCOUNT, params).fetchone()
        if got is None:  # created meanwhile by another transaction: a new snapshot sees it
            got = self.pg.execute(SYSTEM_ACCOUNT, params).fetchone()
            return got[0], True
        return got[0], False

    def write(self, params: dict[str, Any]) -> int:
        self.wrote = True
        return self.pg.execute(WRITE, params).fetchone()[0]


def replayed(row: Any) -> Stored:  # a ReadRow
    return Stored(row.key_setl, row.idempotency_key, row.claim_sha256, row.result)


def is_integrity_error(exc: BaseException) -> bool:
    """A constraint violation raised by psycopg itself (not wrapped by SQLAlchemy)."""
    return (getattr(exc, "sqlstate", None) or "").startswith("23")  # class 23: integrity


@contextmanager
def transaction(engine: Any) -> Iterator[Tx]:
    """One settlement transaction on a pooled connection's psycopg connection: committed when the
    block ends, rolled back when it raises."""
    from psycopg.pq import PipelineStatus

    fairy = engine.raw_connection()
    pg = fairy.driver_connection
    try:
        pg.autocommit = True  # for the block only: the pipeline's Sync ends the transaction
        with pg.pipeline():
            tx = Tx(pg)
            try:
                yield tx
            except BaseException:
                if tx.wrote and pg.pgconn.pipeline_status != PipelineStatus.ABORTED:
                    pg.close()  # the Sync would commit what was written: hang up instead
                raise
        # leaving the pipeline sent the Sync and raised if the commit failed
        pg.autocommit = False
    except BaseException:
        if pg.closed or pg.broken:
            fairy.invalidate()
        else:
            pg.autocommit = False
        raise
    finally:
        fairy.close()


def write(
    tx: Tx | Any,
    row: dict[str, Any],
    lines: list,
    ytd_delta: dict[str, int],
    audit: dict[str, str],
) -> int:
    """Write entry, postings, balances, accumulators, the settlement and its audit row (the
    values of ``journal.entry``; its target becomes the new setl_id), in ``tx`` or on the
    psycopg connection of a transaction already begun; returns setl_id."""
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
        **{f"a_{k}": v for k, v in audit.items() if k != "target"},
    }
    if isinstance(tx, Tx):
        return tx.write(params)
    return tx.execute(WRITE, params).fetchone()[0]
