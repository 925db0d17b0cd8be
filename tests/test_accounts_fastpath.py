"""How a settlement ends when something goes wrong, on SQLite and on PostgreSQL (where settlements
without family aid take ``accounts.pgfast``: the driver connection in pipeline mode, one implicit
transaction committed by the pipeline's Sync). Whatever fails writes nothing, and the pooled
connection is left as it was found."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.test_accounts_service import books_ok, claim, counts, fund, person
from yibao.accounts import settling
from yibao.accounts.errors import AccountError
from yibao.accounts.service import Accounts

pytest_plugins = ["tests.pg"]


@pytest.fixture
def acc(db_url):
    a = Accounts(db_url)
    person(a, "P1", dt.date(1980, 5, 1), 11)
    fund(a, "P1", 6)  # 960.00
    yield a
    a.engine.dispose()


def pooled_connection_is_clean(acc: Accounts) -> None:
    if acc.engine.dialect.name != "postgresql":
        return
    from psycopg.pq import PipelineStatus, TransactionStatus

    fairy = acc.engine.raw_connection()
    try:
        pg = fairy.driver_connection
        assert not pg.closed and not pg.autocommit
        assert pg.info.transaction_status == TransactionStatus.IDLE
        assert pg.pgconn.pipeline_status == PipelineStatus.OFF
    finally:
        fairy.close()


def test_an_error_after_the_write_commits_nothing(acc, monkeypatch):
    before, balance = counts(acc), acc.balance("P1")
    original = Accounts._write_settlement

    def write_then_fail(self, *args, **kw):
        original(self, *args, **kw)
        raise RuntimeError("after the write")

    monkeypatch.setattr(Accounts, "_write_settlement", write_then_fail)
    with pytest.raises(RuntimeError, match="after the write"):
        acc.settle(claim("P1"), "K-1", trace=False)
    assert counts(acc) == before and acc.balance("P1") == balance
    assert acc.ytd("P1", 2025).stays == 0
    monkeypatch.undo()
    pooled_connection_is_clean(acc)
    s = acc.settle(claim("P1"), "K-1", trace=False)  # the key was never used
    assert not s.replayed and s.settlement.setlinfo.acct_pay == Decimal("960.00")
    books_ok(acc)


def test_a_failing_write_is_rolled_back(acc, monkeypatch):
    """The books disagree with what the engine was told (a balance 10.00 too high): the write
    violates the not-overdrawn CHECK, the settlement is refused and nothing is written."""
    before = counts(acc)
    original = settling._Books.claim

    def richer(self, c):
        got = original(self, c)
        ytd = got.ytd.model_copy(update={"acct_balance": got.ytd.acct_balance + 10})
        return got.model_copy(update={"ytd": ytd})

    monkeypatch.setattr(settling._Books, "claim", richer)
    with pytest.raises(AccountError, match="amount：个人账户余额不足"):
        acc.settle(claim("P1"), "K-1", trace=False)
    assert counts(acc) == before and acc.balance("P1")["balance"] == Decimal("960.00")
    monkeypatch.undo()
    pooled_connection_is_clean(acc)
    assert not acc.settle(claim("P1"), "K-1", trace=False).replayed
    books_ok(acc)


def test_refusals_release_the_lock_and_the_connection(acc):
    before = counts(acc)
    with pytest.raises(AccountError, match=r"person.psn_type"):
        acc.settle(claim("P1", psn_type="retired"), "K-1")
    with pytest.raises(AccountError, match=r"person.psn_no：参保人 NOBODY 不存在"):
        acc.settle(claim("NOBODY"), "K-2")
    assert counts(acc) == before
    pooled_connection_is_clean(acc)
    first = acc.settle(claim("P1", "1000"), "K-1", trace=False)
    with pytest.raises(AccountError, match="idempotency_key：幂等键 K-1 已用于另一笔"):
        acc.settle(claim("P1", "2000"), "K-1", trace=False)
    again = acc.settle(claim("P1", "1000"), "K-1", trace=False)
    assert again.replayed and again.setl_id == first.setl_id
    assert again.settlement == first.settlement
    pooled_connection_is_clean(acc)
    books_ok(acc)
