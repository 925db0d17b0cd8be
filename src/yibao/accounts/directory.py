"""Finding people and reading a person's file, for the staff desk: read-only queries.

``find`` takes what a clerk has at the counter — a 人员编号 (any case), a full ID number, a
masked one as printed on our own pages (``5401**********1234``) or part of a name — and returns
the matching persons with their ID numbers masked. ``person_file`` gathers one person's
enrolments, settlements and the audit trail of changes made to their records.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from sqlalchemy import Engine, or_, select

from yibao.accounts.idcard import mask_id
from yibao.accounts.models import T
from yibao.money import from_fen

PERSONS, ENROLMENTS = T["persons"], T["enrolments"]
SETTLEMENTS, AUDIT = T["settlements"], T["audit_log"]
_MASKED = re.compile(r"^(\d{4})\*+(\d{3}[\dX])$")
_FULL_ID = re.compile(r"^\d{17}[\dX]$")


def _person(row: Any) -> dict[str, Any]:
    return {
        "psn_no": row.psn_no,
        "name": row.name,
        "id_no": mask_id(row.id_no),
        "sex": row.sex,
        "birth_date": row.birth_date,
    }


def find(engine: Engine, query: str = "", limit: int = 50) -> list[dict[str, Any]]:
    """Persons matching ``query`` (all persons, up to ``limit``, when it is empty)."""
    q = unicodedata.normalize("NFKC", query or "").strip().upper()
    stmt = select(PERSONS).order_by(PERSONS.c.psn_no).limit(limit)
    if q:
        if m := _MASKED.match(q):
            head, tail = m.groups()
            stmt = stmt.where(PERSONS.c.id_no.like(f"{head}%"), PERSONS.c.id_no.like(f"%{tail}"))
        elif _FULL_ID.match(q):
            stmt = stmt.where(PERSONS.c.id_no == q)
        else:
            stmt = stmt.where(
                or_(
                    PERSONS.c.psn_no == q,
                    PERSONS.c.psn_no.like(f"{q}%"),
                    PERSONS.c.name.contains(query.strip()),
                )
            )
    with engine.connect() as conn:
        return [_person(r) for r in conn.execute(stmt)]


def person_file(engine: Engine, psn_no: str, audit_limit: int = 30) -> dict[str, Any] | None:
    """One person: identity (ID masked), enrolments, settlements, and the audit trail of the
    writes that name them (newest first). None when there is no such person."""
    with engine.connect() as conn:
        row = conn.execute(select(PERSONS).where(PERSONS.c.psn_no == psn_no)).first()
        if row is None:
            return None
        enrolments = [
            dict(r._mapping)
            for r in conn.execute(
                select(ENROLMENTS).where(ENROLMENTS.c.psn_no == psn_no).order_by(ENROLMENTS.c.id)
            )
        ]
        settlements = [
            {
                "setl_id": r.setl_id,
                "occurred_on": r.occurred_on,
                "medfee": from_fen(r.medfee_fen),
                "fund_pay": from_fen(r.fund_pay_fen),
                "acct_pay": from_fen(r.acct_pay_fen + r.mulaid_pay_fen),
                "cash_pay": from_fen(r.cash_pay_fen),
                "status": r.status,
            }
            for r in conn.execute(
                select(SETTLEMENTS)
                .where(SETTLEMENTS.c.psn_no == psn_no)
                .order_by(SETTLEMENTS.c.setl_id.desc())
            )
        ]
        targets = [psn_no] + [str(s["setl_id"]) for s in settlements]
        trail = [
            {**r._mapping, "detail": json.loads(r.detail or "{}")}
            for r in conn.execute(
                select(AUDIT)
                .where(AUDIT.c.target.in_(targets))
                .order_by(AUDIT.c.id.desc())
                .limit(audit_limit)
            )
        ]
    return {
        "person": _person(row),
        "enrolments": enrolments,
        "settlements": settlements,
        "audit": trail,
    }
