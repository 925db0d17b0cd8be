"""The audit journal: who changed (or read) what, written in the same transaction as the change.

Every write of the accounts service appends one ``audit_log`` row on the connection of its own
transaction, so a settlement, its owner and its audit row commit together or not at all. The
actor is whoever the caller names (an API key's principal, the CLI's operating-system user);
ID numbers in the target and the detail are masked.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, insert, select

from yibao.accounts.idcard import mask_id
from yibao.accounts.models import T
from yibao.jsonout import dumps

AUDIT = T["audit_log"]


class ActorLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def hospital(self) -> str | None: ...


@dataclass(frozen=True)
class Actor:
    """Who acts: a name, a role (staff, hospital, cli, system) and, for hospitals, the
    institution code that namespaces its idempotency keys and owns its settlements."""

    name: str
    role: str
    hospital: str | None = None


def local_actor() -> Actor:
    """The operator of a command-line process."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment
        user = "unknown"
    return Actor(f"cli:{user}"[:96], "cli")


def scope_of(by: ActorLike) -> str:
    """The idempotency-key namespace (and settlement owner) of an actor: the hospital's code for
    a hospital, '' for the agency (staff, CLI)."""
    return (by.hospital or "") if by.role == "hospital" else ""


def entry(by: ActorLike, action: str, target: str, detail: Any = None) -> dict[str, str]:
    """The values of one audit row (for an INSERT or the PostgreSQL fast path's CTE)."""
    return {
        "actor": by.name[:96],
        "role": by.role[:16],
        "action": action,
        "target": mask_id(str(target))[:96],
        "detail": mask_id(dumps(detail if detail is not None else {})),
    }


def record(conn: Connection, by: ActorLike, action: str, target: str, detail: Any = None) -> None:
    """Append one audit row in the caller's transaction."""
    conn.execute(insert(AUDIT).values(**entry(by, action, target, detail)))


def rows(conn: Connection, limit: int = 100) -> list[dict[str, Any]]:
    import json

    q = select(AUDIT).order_by(AUDIT.c.id.desc()).limit(limit)
    return [{**r, "detail": json.loads(r["detail"])} for r in conn.execute(q).mappings()]
