"""What the API itself records: the audit log of every write and which hospital owns which
settlement. Tables live in the accounts database (Alembic revision 0002)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from yibao.api.auth import Principal, mask_id
from yibao.jsonout import dumps

metadata = MetaData()
AUDIT = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    Column("actor", String(96), nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(96), nullable=False),
    Column("detail", Text, nullable=False),
)
OWNERS = Table(
    "settlement_owners",
    metadata,
    Column("setl_id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("hospital", String(32), nullable=True),
    Column("actor", String(96), nullable=False),
)


def audit(engine: Engine, who: Principal, action: str, target: str, detail: Any = None) -> None:
    """Append one audit row; ID numbers in the detail are masked."""
    text = mask_id(dumps(detail if detail is not None else {}))
    with engine.begin() as conn:
        conn.execute(
            insert(AUDIT).values(
                actor=who.name, role=who.role, action=action, target=mask_id(target), detail=text
            )
        )


def audit_rows(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(AUDIT).order_by(AUDIT.c.id.desc()).limit(limit)).mappings()
        return [{**r, "detail": json.loads(r["detail"])} for r in rows]


def record_owner(engine: Engine, setl_id: int, who: Principal) -> None:
    with engine.begin() as conn:
        if conn.execute(select(OWNERS.c.setl_id).where(OWNERS.c.setl_id == setl_id)).first():
            return  # a retried settlement keeps its first owner
        conn.execute(insert(OWNERS).values(setl_id=setl_id, hospital=who.hospital, actor=who.name))


def owner(engine: Engine, setl_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(OWNERS.c.hospital).where(OWNERS.c.setl_id == setl_id)
        ).scalar_one_or_none()
