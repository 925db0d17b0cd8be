"""What the API reads of the journal (``accounts.journal``): the audit log, and the owner of a
settlement (a column of the settlement itself, written in the settlement's transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from yibao.accounts import journal
from yibao.accounts.ledger import SETTLEMENTS
from yibao.api.auth import Principal


def audit(engine: Engine, who: Principal, action: str, target: str, detail: Any = None) -> None:
    """Append one audit row in its own transaction (for actions that write nothing else)."""
    with engine.begin() as conn:
        journal.record(conn, who, action, target, detail)


def audit_rows(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return journal.rows(conn, limit)


def owner(engine: Engine, setl_id: int) -> str | None:
    """The hospital that owns the settlement (None: the agency's, or no such settlement)."""
    with engine.connect() as conn:
        scope = conn.execute(
            select(SETTLEMENTS.c.scope).where(SETTLEMENTS.c.setl_id == setl_id)
        ).scalar_one_or_none()
    return scope or None
