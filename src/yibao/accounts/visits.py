"""The national-platform sandbox's visits, kept in the accounts database: 9001 sign-ins, visits
(就诊: 2201 门诊挂号 / 2401 入院办理, 2203 就诊信息, 2402 出院), the fee details uploaded for
them (2204 / 2301, withdrawn by 2302) and which settlement belongs to which visit.

A server restart or a second server process sees the same visits. Each write is one
transaction that checks what it depends on under a lock of the visits involved (``FOR UPDATE``
on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` write lock) and writes everything or nothing; a
refusal is an ``AccountError`` naming the input field (the caller gives each item's field path).
A visit belongs to the institution that opened it: asked for by another, it does not exist.
A settlement is linked to its visit inside the settlement's own transaction (``link``), so a
visit is never settled twice, nor settled on fee details that changed since they were read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from yibao.accounts import fields, journal
from yibao.accounts.errors import AccountError
from yibao.accounts.models import T
from yibao.money import from_fen, money, to_fen

SIGNINS = T["platform_signins"]
VISITS = T["visits"]
FEES = T["visit_fees"]
LINKS = T["visit_settlements"]
SETTLEMENTS = T["settlements"]
ALL_FEES = "0000"  # 2302: feedetl_sn "0000" withdraws every detail of the visit
MAX_ID = 10**15  # ids render as 15 digits at most (BIGINT on PostgreSQL)


def _render(prefix: str, n: int) -> str:
    return f"{prefix}{n:012d}"


def _parse(prefix: str, raw: Any) -> int | None:
    """The row id in ``M000000000042`` (ASCII digits after the prefix), or None."""
    s = str(raw)
    digits = s[len(prefix) :]
    if s.startswith(prefix) and digits.isascii() and digits.isdigit() and len(digits) <= 15:
        return int(digits)
    return None


@dataclass(frozen=True)
class Visit:
    id: int
    fixmedins_code: str
    psn_no: str
    insutype: str
    insuplc_admdvs: str
    mdtrtarea_admvs: str
    med_type: str
    category: str  # outpatient | inpatient
    hosp_lv: int
    begntime: dt.datetime
    endtime: dt.datetime | None
    ipt_otp_no: str

    @property
    def mdtrt_id(self) -> str:
        """就诊ID."""
        return _render("M", self.id)


@dataclass(frozen=True)
class Fee:
    id: int
    feedetl_sn: str
    line: dict[str, Any]  # the claim's fee line (``FeeLine`` fields, amounts as text)
    fee_ocur_time: str | None


@dataclass(frozen=True)
class NewFee:
    """A fee detail to store: ``where`` is its input path (named in refusals)."""

    where: str
    visit: Visit
    feedetl_sn: str
    line: dict[str, Any]
    fee_ocur_time: str | None = None


@dataclass(frozen=True)
class VisitSettlement:
    setl_id: int
    visit_id: int
    settled_on: dt.date
    reversed: bool


@dataclass(frozen=True)
class Totals:
    """对总账: an institution's unreversed settlements of a period."""

    medfee_sumamt: Decimal
    fund_pay_sumamt: Decimal
    acct_pay: Decimal
    fixmedins_setl_cnt: int


def _visit(row: Any) -> Visit:
    return Visit(
        row.id,
        row.fixmedins_code,
        row.psn_no,
        row.insutype,
        row.insuplc_admdvs,
        row.mdtrtarea_admvs,
        row.med_type,
        row.category,
        row.hosp_lv,
        row.begntime,
        row.endtime,
        row.ipt_otp_no,
    )


def _lock(conn: Connection, visit_ids: Iterable[int]) -> None:
    """Lock the visits' rows, in id order (one order everywhere: no deadlock)."""
    ids = sorted(set(visit_ids))
    conn.execute(select(VISITS.c.id).where(VISITS.c.id.in_(ids)).with_for_update()).all()


def _live(conn: Connection, visit_id: int) -> list[int]:
    """The visit's settlements that are not reversed."""
    q = (
        select(LINKS.c.setl_id)
        .join(SETTLEMENTS, SETTLEMENTS.c.setl_id == LINKS.c.setl_id)
        .where(LINKS.c.visit_id == visit_id, SETTLEMENTS.c.status == "settled")
        .order_by(LINKS.c.setl_id)
    )
    return list(conn.execute(q).scalars())


class Visits:
    """The sandbox's visits in one accounts database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- sign-in ------------------------------------------------------------------------------

    def sign_in(self, fixmedins_code: str) -> str:
        """9001: a new ``sign_no`` for the institution."""
        with self.engine.begin() as conn:
            new = conn.execute(
                insert(SIGNINS).values(fixmedins_code=fixmedins_code).returning(SIGNINS.c.id)
            ).scalar_one()
        return _render("S", new)

    def signed_in(self, sign_no: str | None, fixmedins_code: str) -> bool:
        """Whether ``sign_no`` came from a 9001 of this institution."""
        n = _parse("S", sign_no or "")
        if n is None or n >= MAX_ID:
            return False
        with self.engine.connect() as conn:
            code = conn.execute(
                select(SIGNINS.c.fixmedins_code).where(SIGNINS.c.id == n)
            ).scalar_one_or_none()
        return code == fixmedins_code

    # --- visits -------------------------------------------------------------------------------

    def open(
        self,
        by: journal.ActorLike,
        *,
        fixmedins_code: str,
        psn_no: str,
        insutype: str,
        insuplc_admdvs: str,
        mdtrtarea_admvs: str,
        med_type: str,
        category: str,
        hosp_lv: int,
        begntime: dt.datetime,
        ipt_otp_no: str,
        diseinfo: Sequence[Any] = (),
        where: str = "input",
        no_field: str = "ipt_otp_no",
    ) -> Visit:
        """2201 / 2401: a new visit of the institution (journalled: who opened whose visit)."""
        no = fields.text(f"{where}.{no_field}", ipt_otp_no, 30, what="门诊/住院号")
        with self.engine.begin() as conn:
            row = conn.execute(
                insert(VISITS)
                .values(
                    fixmedins_code=fixmedins_code,
                    psn_no=psn_no,
                    insutype=insutype,
                    insuplc_admdvs=insuplc_admdvs,
                    mdtrtarea_admvs=mdtrtarea_admvs,
                    med_type=med_type,
                    category=category,
                    hosp_lv=hosp_lv,
                    begntime=begntime,
                    endtime=None,
                    ipt_otp_no=no,
                    diseinfo=json.dumps(list(diseinfo)),
                )
                .returning(*VISITS.c)
            ).one()
            visit = _visit(row)
            journal.record(conn, by, "visit.open", visit.mdtrt_id, {"psn_no": psn_no})
        return visit

    def get(self, mdtrt_id: Any, fixmedins_code: str) -> Visit | None:
        """The visit, if it exists and belongs to the institution."""
        n = _parse("M", mdtrt_id)
        if n is None or n >= MAX_ID:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(VISITS).where(VISITS.c.id == n)).first()
        if row is None or row.fixmedins_code != fixmedins_code:
            return None
        return _visit(row)

    def diseinfo(self, visit: Visit) -> list[Any]:
        with self.engine.connect() as conn:
            raw = conn.execute(select(VISITS.c.diseinfo).where(VISITS.c.id == visit.id)).scalar()
        return json.loads(raw or "[]")

    def update(
        self,
        visit: Visit,
        *,
        med_type: str | None = None,
        endtime: dt.datetime | None = None,
        diseinfo: Sequence[Any] | None = None,
    ) -> None:
        """2203 (医疗类别, diagnoses) and 2402 (discharge time, diagnoses)."""
        values: dict[str, Any] = {}
        if med_type is not None:
            values["med_type"] = med_type
        if endtime is not None:
            values["endtime"] = endtime
        if diseinfo is not None:
            values["diseinfo"] = json.dumps(list(diseinfo))
        if values:
            with self.engine.begin() as conn:
                conn.execute(update(VISITS).where(VISITS.c.id == visit.id).values(**values))

    # --- fee details --------------------------------------------------------------------------

    def fees(self, visit: Visit, conn: Connection | None = None) -> list[Fee]:
        """The visit's fee details, in upload order."""
        q = select(FEES).where(FEES.c.visit_id == visit.id).order_by(FEES.c.id)
        if conn is None:
            with self.engine.connect() as c:
                rows = c.execute(q).all()
        else:
            rows = conn.execute(q).all()
        return [Fee(r.id, r.feedetl_sn, json.loads(r.line), r.fee_ocur_time) for r in rows]

    def add_fees(self, items: Sequence[NewFee], *, after_settlement: bool) -> None:
        """2204 / 2301: store every line or none. Refused: a serial number already uploaded (or
        twice in ``items``); with ``after_settlement`` False, a visit that was ever settled."""
        checked = []
        for it in items:
            sn = fields.text(f"{it.where}.feedetl_sn", it.feedetl_sn, 30, what="费用明细流水号")
            t = it.fee_ocur_time
            if t is not None:
                t = fields.text(f"{it.where}.fee_ocur_time", t, 32, what="费用发生时间")
            checked.append((it, sn, t))
        with self.engine.begin() as conn:
            _lock(conn, (it.visit.id for it in items))
            seen: set[tuple[int, str]] = set()
            for it, sn, _ in checked:
                v = it.visit.id
                if (
                    not after_settlement
                    and conn.execute(
                        select(LINKS.c.setl_id).where(LINKS.c.visit_id == v).limit(1)
                    ).first()
                ):
                    raise AccountError(f"{it.where}.mdtrt_id", "该就诊已结算")
                stored = conn.execute(
                    select(FEES.c.id).where(FEES.c.visit_id == v, FEES.c.feedetl_sn == sn)
                ).first()
                if stored is not None or (v, sn) in seen:
                    raise AccountError(f"{it.where}.feedetl_sn", f"费用明细流水号 {sn} 重复上传")
                seen.add((v, sn))
            conn.execute(
                insert(FEES),
                [
                    {
                        "visit_id": it.visit.id,
                        "feedetl_sn": sn,
                        "amount_fen": to_fen(money(it.line["amount"])),
                        "line": json.dumps(it.line),
                        "fee_ocur_time": t,
                    }
                    for it, sn, t in checked
                ],
            )

    def withdraw_fees(self, items: Sequence[tuple[str, Visit, str]]) -> None:
        """2302: withdraw the named fee details (``ALL_FEES``: all of the visit), all or none;
        refused while the visit has a settlement that is not reversed. ``items`` are
        (input path, visit, feedetl_sn)."""
        with self.engine.begin() as conn:
            _lock(conn, (v.id for _, v, _ in items))
            for where, v, sn in items:
                if _live(conn, v.id):
                    raise AccountError(f"{where}.mdtrt_id", "该住院已结算，请先撤销结算（2305）")
                q = delete(FEES).where(FEES.c.visit_id == v.id)
                if sn != ALL_FEES:
                    q = q.where(FEES.c.feedetl_sn == sn)
                if conn.execute(q).rowcount == 0 and sn != ALL_FEES:
                    raise AccountError(f"{where}.feedetl_sn", f"费用明细流水号 {sn} 不存在")

    # --- settlements --------------------------------------------------------------------------

    def link(
        self, visit: Visit, fees: Sequence[Fee], day: dt.date, where: str = "input.data"
    ) -> Callable[[Connection, int], None]:
        """What ``Accounts.settle(link=…)`` runs in the settlement's transaction: under the
        visit's lock, refuse if it has a settlement not reversed, or if its fee details are no
        longer ``fees`` (withdrawn or added since the claim was built); else link them."""

        def write(conn: Connection, setl_id: int) -> None:
            _lock(conn, [visit.id])
            live = _live(conn, visit.id)
            if live:
                raise AccountError(
                    f"{where}.mdtrt_id", f"该就诊已结算，请先撤销（结算ID {live[0]}）"
                )
            if [f.id for f in self.fees(visit, conn)] != [f.id for f in fees]:
                raise AccountError(f"{where}.mdtrt_id", "费用明细已变更，请重新结算")
            conn.execute(insert(LINKS).values(setl_id=setl_id, visit_id=visit.id, settled_on=day))

        return write

    def settlements(self, visit: Visit) -> list[VisitSettlement]:
        with self.engine.connect() as conn:
            rows = conn.execute(self._linked().where(LINKS.c.visit_id == visit.id)).all()
        return [VisitSettlement(r.setl_id, r.visit_id, r.settled_on, r.reversed) for r in rows]

    def settlement(self, setl_id: int, fixmedins_code: str) -> VisitSettlement | None:
        """The visit link of a settlement, if its visit belongs to the institution."""
        with self.engine.connect() as conn:
            r = conn.execute(
                self._linked()
                .join(VISITS, VISITS.c.id == LINKS.c.visit_id)
                .where(LINKS.c.setl_id == setl_id, VISITS.c.fixmedins_code == fixmedins_code)
            ).first()
        return (
            None if r is None else VisitSettlement(r.setl_id, r.visit_id, r.settled_on, r.reversed)
        )

    def visit_of(self, link: VisitSettlement) -> Visit:
        with self.engine.connect() as conn:
            return _visit(conn.execute(select(VISITS).where(VISITS.c.id == link.visit_id)).one())

    @staticmethod
    def _linked():
        return (
            select(
                LINKS.c.setl_id,
                LINKS.c.visit_id,
                LINKS.c.settled_on,
                (SETTLEMENTS.c.status == "reversed").label("reversed"),
            )
            .join(SETTLEMENTS, SETTLEMENTS.c.setl_id == LINKS.c.setl_id)
            .order_by(LINKS.c.setl_id)
        )

    def totals(self, fixmedins_code: str, insutype: str, lo: dt.date, hi: dt.date) -> Totals:
        """3201: the institution's settlements of ``insutype`` settled from ``lo`` to ``hi``
        (inclusive) and not reversed."""
        q = (
            select(
                func.coalesce(func.sum(SETTLEMENTS.c.medfee_fen), 0),
                func.coalesce(func.sum(SETTLEMENTS.c.fund_pay_fen), 0),
                func.coalesce(func.sum(SETTLEMENTS.c.acct_pay_fen), 0),
                func.count(),
            )
            .select_from(LINKS)
            .join(SETTLEMENTS, SETTLEMENTS.c.setl_id == LINKS.c.setl_id)
            .join(VISITS, VISITS.c.id == LINKS.c.visit_id)
            .where(
                VISITS.c.fixmedins_code == fixmedins_code,
                VISITS.c.insutype == insutype,
                LINKS.c.settled_on.between(lo, hi),
                SETTLEMENTS.c.status == "settled",
            )
        )
        with self.engine.connect() as conn:
            medfee, fund, acct, n = conn.execute(q).one()
        return Totals(from_fen(int(medfee)), from_fen(int(fund)), from_fen(int(acct)), int(n))
