"""The accounts service: persons, enrolments, monthly credits, family bindings, balances and
statements, transfers and withdrawals; settlement and reversal live in ``settling``.

Every method is one transaction: it either writes everything or nothing — its audit row
(``journal``) included — and a refusal is an ``AccountError`` whose message (Chinese) names the
field at fault. Writes take ``by=`` (who acts; default the service's ``actor``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from yibao import vocab
from yibao.accounts import fields, journal, settling
from yibao.accounts.db import make_engine
from yibao.accounts.errors import AccountError, NotFound
from yibao.accounts.idcard import IdNumberError, mask_id, parse_id
from yibao.accounts.ledger import (
    ACCOUNTS,
    BINDINGS,
    ENROLMENTS,
    ENTRIES,
    PERSONS,
    POSTINGS,
    YTD,
    Line,
    SystemAccounts,
    active_enrolment,
    close_account,
    entry_exists,
    lock_persons,
    open_account_of,
    open_personal_account,
    post,
    sum_postings,
)
from yibao.accounts.models import YTD_FIELDS
from yibao.money import from_fen, money, to_fen
from yibao.policy import regions
from yibao.policy.resolve import Policy, default_policy
from yibao.policy.schema import PolicyError
from yibao.rules.common import FactError
from yibao.rules.contribution import monthly_account_credit
from yibao.rules.family_aid import RELATIONS, check_family_aid, relation_code
from yibao.rules.transfer import check_transfer
from yibao.rules.withdrawal import check_withdrawal
from yibao.settlement.model import Ytd

OLDER = {"parent", "grandparent"}  # the beneficiary is older than the payer
YOUNGER = {"child", "grandchild"}


def region_code(value: str, field: str = "region") -> str:
    try:
        return regions.get(value).admdvs
    except regions.UnknownRegion as exc:
        raise AccountError(field, str(exc)) from None


def _rule_error(exc: Exception) -> AccountError:
    if isinstance(exc, FactError):
        return AccountError(exc.field, str(exc))
    return AccountError("region", str(exc))


class Accounts(settling.SettlingMixin):
    """The accounts of one database. ``policy`` defaults to the shipped packs."""

    def __init__(
        self,
        engine: Engine | str | None = None,
        policy: Policy | None = None,
        actor: journal.ActorLike | None = None,
    ) -> None:
        self.engine = engine if isinstance(engine, Engine) else make_engine(engine)
        self.policy = policy or default_policy()
        self.system = SystemAccounts()
        self.actor = actor or journal.local_actor()

    def today(self) -> dt.date:
        return dt.date.today()

    def note(
        self, by: journal.ActorLike | None, action: str, target: str, detail: Any = None
    ) -> None:
        """Journal an action that writes nothing else (a read of personal data)."""
        with self.engine.begin() as conn:
            journal.record(conn, by or self.actor, action, target, detail)

    # --- persons and enrolments ---------------------------------------------------------------

    def _person_row(
        self,
        psn_no: str,
        name: str,
        id_no: str,
        sex: str | None,
        birth_date: dt.date | None,
    ) -> dict[str, Any]:
        psn_no = fields.psn_no(psn_no)
        name = fields.text("name", name, 64, what="姓名")
        try:
            idn = parse_id(id_no if isinstance(id_no, str) else "", self.today())
        except IdNumberError as exc:
            raise AccountError("id_no", str(exc)) from None
        if sex is not None and sex not in ("1", "2"):
            raise AccountError("sex", f"性别应为 1（男）或 2（女），收到 {sex!r}")
        if sex is not None and sex != idn.sex:
            raise AccountError("sex", f"性别 {sex} 与身份证号码（{idn.sex}）不一致")
        if birth_date is not None and birth_date != idn.birth_date:
            raise AccountError(
                "birth_date", f"出生日期 {birth_date} 与身份证号码（{idn.birth_date}）不一致"
            )
        return dict(
            psn_no=psn_no, name=name, id_no=idn.number, sex=idn.sex, birth_date=idn.birth_date
        )

    def _insert_person(self, conn, row: dict[str, Any]) -> None:
        masked = mask_id(row["id_no"])
        if conn.execute(select(PERSONS.c.psn_no).where(PERSONS.c.psn_no == row["psn_no"])).first():
            raise AccountError("psn_no", f"人员编号 {row['psn_no']} 已登记")
        if conn.execute(select(PERSONS.c.psn_no).where(PERSONS.c.id_no == row["id_no"])).first():
            raise AccountError("id_no", f"身份证号码 {masked} 已登记")
        try:
            conn.execute(PERSONS.insert().values(**row))
        except IntegrityError:  # registered meanwhile by a concurrent request
            raise AccountError(
                "id_no", f"人员编号 {row['psn_no']} 或身份证号码 {masked} 已登记"
            ) from None

    def _enrolment(
        self, insutype: str, region: str, psn_type: str, since: dt.date | None, born: dt.date | None
    ) -> dict[str, Any]:
        if insutype not in vocab.INSUTYPE.labels:
            raise AccountError("insutype", f"险种应为 310（职工）或 390（居民），收到 {insutype!r}")
        if psn_type not in vocab.PSN_TYPE.labels:
            raise AccountError("psn_type", f"人员类别应为 in_service 或 retired，收到 {psn_type!r}")
        admdvs = region_code(region)
        since = since or self.today()
        if born is not None and since < born:
            raise AccountError("since", f"参保日期 {since} 早于出生日期 {born}")
        if since > self.today() + dt.timedelta(days=366):
            raise AccountError("since", f"参保日期 {since} 晚于一年以后，不合理")
        return {"insutype": insutype, "admdvs": admdvs, "psn_type": psn_type, "since": since}

    def _insert_enrolment(self, conn, psn_no: str, e: dict[str, Any]) -> None:
        q = select(ENROLMENTS.c.id).where(
            ENROLMENTS.c.psn_no == psn_no, ENROLMENTS.c.status == "active"
        )
        if conn.execute(q).first():
            raise AccountError("psn_no", f"参保人 {psn_no} 已有有效的参保登记，不能重复参保")
        conn.execute(
            ENROLMENTS.insert().values(psn_no=psn_no, **e, status="active", contribution_months=0)
        )
        if e["insutype"] == "310":
            open_personal_account(conn, psn_no, e["admdvs"], e["since"])

    def open_person(
        self,
        psn_no: str,
        name: str,
        id_no: str,
        *,
        sex: str | None = None,
        birth_date: dt.date | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """Register a person (no enrolment)."""
        row = self._person_row(psn_no, name, id_no, sex, birth_date)
        with self.engine.begin() as conn:
            self._insert_person(conn, row)
            journal.record(conn, by or self.actor, "person.open", row["psn_no"], row)
        return row

    def enrol(
        self,
        psn_no: str,
        insutype: str,
        region: str,
        *,
        psn_type: str = "in_service",
        since: dt.date | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """Register an enrolment; an employee (310) gets a personal account in the region."""
        psn_no = fields.psn_no(psn_no)
        e = self._enrolment(insutype, region, psn_type, since, None)
        with self.engine.begin() as conn:
            person = lock_persons(conn, [psn_no])[psn_no]
            if e["since"] < person.birth_date:
                raise AccountError(
                    "since", f"参保日期 {e['since']} 早于出生日期 {person.birth_date}"
                )
            self._insert_enrolment(conn, psn_no, e)
            out = {"psn_no": psn_no, **e}
            journal.record(conn, by or self.actor, "account.enrol", psn_no, out)
        return out

    def open(
        self,
        psn_no: str,
        name: str,
        id_no: str,
        insutype: str,
        region: str,
        *,
        psn_type: str = "in_service",
        since: dt.date | None = None,
        sex: str | None = None,
        birth_date: dt.date | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """Register a person and enrol them, in one transaction (the CLI's ``account open``):
        both or neither."""
        row = self._person_row(psn_no, name, id_no, sex, birth_date)
        e = self._enrolment(insutype, region, psn_type, since, row["birth_date"])
        with self.engine.begin() as conn:
            self._insert_person(conn, row)
            self._insert_enrolment(conn, row["psn_no"], e)
            out = {**row, **e}
            journal.record(conn, by or self.actor, "account.open", row["psn_no"], out)
        return out

    # --- monthly credit -----------------------------------------------------------------------

    def credit_month(
        self,
        psn_no: str,
        month: dt.date,
        *,
        base: Decimal | str | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """Credit one month to the personal account: in service base × the pack's rate
        (rules.contribution), retired the city's fixed monthly credit. A month is credited once."""
        first = month.replace(day=1)
        psn_no = fields.psn_no(psn_no)
        if first > self.today():
            raise AccountError("month", f"{first:%Y-%m} 尚未到来，不能提前划入")
        with self.engine.begin() as conn:
            lock_persons(conn, [psn_no])
            enr = active_enrolment(conn, psn_no)
            if enr.insutype != "310":
                raise AccountError("psn_no", f"参保人 {psn_no} 参加的是居民医保，没有个人账户")
            if first < enr.since.replace(day=1):
                raise AccountError("month", f"{first:%Y-%m} 早于参保日期 {enr.since}")
            acct = open_account_of(conn, psn_no)
            view = self.policy.view(enr.admdvs, first)
            try:
                amount = monthly_account_credit(view, enr.psn_type, _base(base, enr.psn_type))
            except FactError as exc:
                raise AccountError(exc.field, str(exc)) from None
            except PolicyError as exc:
                what = (
                    "退休人员个人账户月定额划入"
                    if enr.psn_type == "retired"
                    else "个人账户划入比例"
                )
                raise AccountError(
                    "psn_type", f"{_region_name(enr.admdvs)}的{what}未收录，不能划入：{exc}"
                ) from None
            ref = f"credit:{psn_no}:{first:%Y-%m}"
            if entry_exists(conn, ref):
                raise AccountError("month", f"{first:%Y-%m} 已为 {psn_no} 划入，不能重复划入")
            source = "pool_fund" if enr.psn_type == "retired" else "contribution"
            fen = to_fen(amount)
            post(
                conn,
                "credit",
                ref,
                first,
                [
                    Line(acct.id, "credit", fen, True),
                    Line(self.system.id(conn, source, enr.admdvs), "counter", -fen, False),
                ],
                memo=f"{first:%Y-%m} 个人账户划入",
            )
            if enr.psn_type == "in_service":
                conn.execute(
                    update(ENROLMENTS)
                    .where(ENROLMENTS.c.id == enr.id)
                    .values(contribution_months=ENROLMENTS.c.contribution_months + 1)
                )
            out = {
                "psn_no": psn_no,
                "month": f"{first:%Y-%m}",
                "amount": amount,
                "balance": from_fen(acct.balance_fen + fen),
            }
            journal.record(conn, by or self.actor, "account.credit", psn_no, out)
        return out

    # --- family bindings ----------------------------------------------------------------------

    def bind(
        self,
        payer: str,
        beneficiary: str,
        relation: str,
        *,
        day: dt.date | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """Bind ``beneficiary`` (the payer's ``relation``) to the payer's personal account."""
        day = day or self.today()
        payer = fields.psn_no(payer, "payer")
        beneficiary = fields.psn_no(beneficiary, "beneficiary")
        relation = fields.text("relation", relation, 32, what="关系")
        if payer == beneficiary:
            raise AccountError("beneficiary", "不能为本人绑定家庭共济")
        with self.engine.begin() as conn:
            rows = lock_persons(conn, [payer, beneficiary])
            enr = active_enrolment(conn, payer, "payer")
            if enr.insutype != "310":
                raise AccountError("payer", f"{payer} 不是职工医保参保人，没有个人账户可共济")
            open_account_of(conn, payer, "payer")
            ben = conn.execute(
                select(ENROLMENTS).where(
                    ENROLMENTS.c.psn_no == beneficiary, ENROLMENTS.c.status == "active"
                )
            ).first()
            try:
                d = check_family_aid(
                    self.policy.view(enr.admdvs, day),
                    relation,
                    beneficiary_insured=ben is not None,
                    same_region=None if ben is None else ben.admdvs == enr.admdvs,
                )
            except (FactError, PolicyError) as exc:
                raise _rule_error(exc) from None
            if d.outcome != "allowed":
                raise AccountError("relation", "；".join(d.reasons))
            code = relation_code(relation)
            assert code is not None  # the family-aid rule allowed the relation above
            _check_ages(code, rows[payer].birth_date, rows[beneficiary].birth_date)
            q = select(BINDINGS.c.id).where(
                BINDINGS.c.payer_psn_no == payer,
                BINDINGS.c.beneficiary_psn_no == beneficiary,
                BINDINGS.c.active.is_(True),
            )
            if conn.execute(q).first():
                raise AccountError("beneficiary", f"{beneficiary} 已绑定到 {payer} 的家庭共济")
            conn.execute(
                BINDINGS.insert().values(
                    payer_psn_no=payer,
                    beneficiary_psn_no=beneficiary,
                    relation=code,
                    since=day,
                    active=True,
                )
            )
            out = {
                "payer": payer,
                "beneficiary": beneficiary,
                "relation": code,
                "relation_name": RELATIONS[code],
                "since": day,
            }
            journal.record(conn, by or self.actor, "account.bind", payer, out)
        return out

    def unbind(
        self,
        payer: str,
        beneficiary: str,
        *,
        day: dt.date | None = None,
        by: journal.ActorLike | None = None,
    ) -> dict:
        day = day or self.today()
        payer = fields.psn_no(payer, "payer")
        beneficiary = fields.psn_no(beneficiary, "beneficiary")
        with self.engine.begin() as conn:
            lock_persons(conn, [payer, beneficiary])
            n = conn.execute(
                update(BINDINGS)
                .where(
                    BINDINGS.c.payer_psn_no == payer,
                    BINDINGS.c.beneficiary_psn_no == beneficiary,
                    BINDINGS.c.active.is_(True),
                )
                .values(active=False, until=day)
            ).rowcount
            if n == 0:
                raise AccountError("beneficiary", f"{beneficiary} 没有绑定到 {payer} 的家庭共济")
            out = {"payer": payer, "beneficiary": beneficiary, "until": day}
            journal.record(conn, by or self.actor, "account.unbind", payer, out)
        return out

    def bindings(self, psn_no: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            q = select(BINDINGS).where(
                (BINDINGS.c.payer_psn_no == psn_no) | (BINDINGS.c.beneficiary_psn_no == psn_no)
            )
            return [dict(r._mapping) for r in conn.execute(q.order_by(BINDINGS.c.id))]

    # --- reading ------------------------------------------------------------------------------

    def balance(self, psn_no: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            if (
                conn.execute(select(PERSONS.c.psn_no).where(PERSONS.c.psn_no == psn_no)).first()
                is None
            ):
                raise NotFound("psn_no", f"参保人 {psn_no} 不存在")
            acct = open_account_of(conn, psn_no)
            return {
                "psn_no": psn_no,
                "admdvs": acct.admdvs,
                "status": acct.status,
                "balance": from_fen(acct.balance_fen),
            }

    def ytd(self, psn_no: str, year: int) -> Ytd:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(YTD).where(YTD.c.psn_no == psn_no, YTD.c.year == year)
            ).first()
        return ytd_from_row(row)

    def statement(self, psn_no: str, start: dt.date, end: dt.date) -> dict[str, Any]:
        """Postings to the person's personal accounts (every region) from ``start`` to ``end``."""
        if end < start:
            raise AccountError("end", f"结束日期 {end} 早于开始日期 {start}")
        with self.engine.connect() as conn:
            ids = list(
                conn.execute(
                    select(ACCOUNTS.c.id).where(
                        ACCOUNTS.c.psn_no == psn_no, ACCOUNTS.c.kind == "personal"
                    )
                ).scalars()
            )
            if not ids:
                raise NotFound("psn_no", f"参保人 {psn_no} 没有个人账户")
            opening = sum_postings(conn, ids, before=start)
            q = (
                select(
                    ENTRIES.c.occurred_on,
                    ENTRIES.c.ref,
                    ENTRIES.c.memo,
                    POSTINGS.c.kind,
                    POSTINGS.c.amount_fen,
                    ACCOUNTS.c.admdvs,
                )
                .join(POSTINGS, POSTINGS.c.entry_id == ENTRIES.c.id)
                .join(ACCOUNTS, ACCOUNTS.c.id == POSTINGS.c.account_id)
                .where(
                    POSTINGS.c.account_id.in_(ids),
                    ENTRIES.c.occurred_on >= start,
                    ENTRIES.c.occurred_on <= end,
                )
                .order_by(ENTRIES.c.occurred_on, ENTRIES.c.id, POSTINGS.c.id)
            )
            lines, running = [], opening
            for r in conn.execute(q):
                running += r.amount_fen
                lines.append(
                    {
                        "date": r.occurred_on,
                        "ref": r.ref,
                        "kind": r.kind,
                        "memo": r.memo,
                        "admdvs": r.admdvs,
                        "amount": from_fen(r.amount_fen),
                        "balance": from_fen(running),
                    }
                )
        return {
            "psn_no": psn_no,
            "start": start,
            "end": end,
            "opening": from_fen(opening),
            "closing": from_fen(running),
            "lines": lines,
        }

    # --- transfer and withdrawal --------------------------------------------------------------

    def transfer(
        self,
        psn_no: str,
        to_region: str,
        *,
        day: dt.date | None = None,
        destination_has_account: bool = True,
        by: journal.ActorLike | None = None,
    ) -> dict[str, Any]:
        """医保关系转移接续 to ``to_region`` following the packs (rules.transfer): the enrolment
        and its months move, the account balance moves (transfer_out / transfer_in), family
        bindings end."""
        day = day or self.today()
        psn_no = fields.psn_no(psn_no)
        dest = region_code(to_region, "to_region")
        with self.engine.begin() as conn:
            lock_persons(conn, [psn_no])
            enr = active_enrolment(conn, psn_no)
            try:
                d = check_transfer(
                    self.policy.view(enr.admdvs, day),
                    dest,
                    apply_date=day,
                    destination_has_account=destination_has_account,
                )
            except (FactError, PolicyError) as exc:
                raise _rule_error(exc) from None
            if d.outcome == "not_needed":
                raise AccountError("to_region", "；".join(d.reasons))
            if enr.insutype == "310" and not destination_has_account:
                raise AccountError("to_region", "；".join(d.reasons + d.consequences))
            conn.execute(
                update(ENROLMENTS)
                .where(ENROLMENTS.c.id == enr.id)
                .values(status="transferred", until=day)
            )
            conn.execute(
                ENROLMENTS.insert().values(
                    psn_no=psn_no,
                    insutype=enr.insutype,
                    admdvs=dest,
                    psn_type=enr.psn_type,
                    since=day,
                    status="active",
                    contribution_months=enr.contribution_months,
                )
            )
            moved = 0
            if enr.insutype == "310":
                old = open_account_of(conn, psn_no)
                new_id = open_personal_account(conn, psn_no, dest, day)
                moved = old.balance_fen
                post(
                    conn,
                    "transfer",
                    f"transfer:{psn_no}:{old.id}:{new_id}:{day}",
                    day,
                    [
                        Line(old.id, "transfer_out", -moved, True),
                        Line(new_id, "transfer_in", moved, True),
                    ],
                    memo=f"{enr.admdvs} → {dest} 转移接续",
                )
                close_account(conn, old.id, day)
            ended = _end_bindings(conn, psn_no, day)
            out = {
                "psn_no": psn_no,
                "from": enr.admdvs,
                "to": dest,
                "moved": from_fen(moved),
                "bindings_ended": ended,
                "reasons": d.reasons,
                "next_steps": d.next_steps,
            }
            journal.record(conn, by or self.actor, "account.transfer", psn_no, out)
        return out

    def withdraw(
        self,
        psn_no: str,
        reason: str,
        materials: list[str],
        *,
        day: dt.date | None = None,
        by: journal.ActorLike | None = None,
        **facts: Any,
    ) -> dict[str, Any]:
        """个人账户余额提取 (or inheritance on death): rules.withdrawal decides; when it is not
        allowed, or a required material is missing, nothing is written. Otherwise the balance is
        paid out, the account closed, the enrolment ended and family bindings released."""
        day = day or self.today()
        psn_no = fields.psn_no(psn_no)
        reason = fields.text("reason", reason, 64, what="提取原因")
        materials = [fields.text("materials", m, 64, what="材料") for m in materials]
        with self.engine.begin() as conn:
            lock_persons(conn, [psn_no])
            enr = active_enrolment(conn, psn_no)
            acct = open_account_of(conn, psn_no)
            try:
                d = check_withdrawal(self.policy.view(enr.admdvs, day), reason, **facts)
            except (FactError, PolicyError) as exc:
                raise _rule_error(exc) from None
            code = d.facts["reason"]
            if code == "emergency_refund":
                raise AccountError("reason", "急诊垫付费用返还个人账户不是提取，无需申请提取")
            if d.outcome != "allowed":
                raise AccountError("reason", "；".join(d.reasons))
            given = {m.strip() for m in materials}
            missing = [m for m in d.materials if m not in given]
            if missing:
                raise AccountError("materials", "缺少材料：" + "、".join(missing))
            kind = "inheritance" if code == "death" else "withdrawal"
            amount = acct.balance_fen
            post(
                conn,
                kind,
                f"{kind}:{psn_no}:{acct.id}:{day}",
                day,
                [
                    Line(acct.id, kind, -amount, True),
                    Line(self.system.id(conn, "payout", enr.admdvs), "counter", amount, False),
                ],
                memo=d.facts["reason_label"],
            )
            close_account(conn, acct.id, day)
            conn.execute(
                update(ENROLMENTS)
                .where(ENROLMENTS.c.id == enr.id)
                .values(status="closed", until=day)
            )
            ended = _end_bindings(conn, psn_no, day)
            out = {
                "psn_no": psn_no,
                "reason": code,
                "kind": kind,
                "amount": from_fen(amount),
                "account_closed": True,
                "bindings_ended": ended,
                "reasons": d.reasons,
                "consequences": d.consequences,
            }
            journal.record(conn, by or self.actor, "account.withdraw", psn_no, out)
        return out


def ytd_from_row(row: Any, balance_fen: int = 0) -> Ytd:
    """The accumulators of a ``ytd`` row (any row with its columns as attributes) and a balance.
    Built without re-validation: the columns are integer fen the database keeps non-negative
    (the ``*_not_negative`` CHECKs, ``not_overdrawn`` for the balance), which is all ``Ytd``
    would check; ``from_fen`` gives the exact fen ``money`` would."""
    if balance_fen < 0:
        raise AccountError("acct_balance", f"个人账户余额为负：{from_fen(balance_fen)}")
    if row is None:
        return Ytd.model_construct(acct_balance=from_fen(balance_fen))
    vals = {f: _fen_field(f, getattr(row, f)) for f in YTD_FIELDS}
    return Ytd.model_construct(**vals, acct_balance=from_fen(balance_fen))


def _fen_field(field: str, value: int) -> Any:
    if value < 0:
        raise AccountError(field, f"年度累计 {field} 为负：{value}")
    return value if field == "stays" else Decimal(value).scaleb(-2)  # == from_fen, faster


def _base(base: Decimal | str | None, psn_type: str) -> Decimal | None:
    if base is None:
        return None
    try:
        value = money(base)
    except (TypeError, ValueError):
        raise AccountError("base", f"缴费基数应为金额（元），收到 {base!r}") from None
    if value <= 0:
        raise AccountError("base", f"缴费基数应大于0，收到 {value}")
    return value


def _region_name(admdvs: str) -> str:
    return regions.get(admdvs).name


def _check_ages(code: str | None, payer_born: dt.date, ben_born: dt.date) -> None:
    if code in OLDER and ben_born >= payer_born:
        raise AccountError("relation", f"被共济人是{RELATIONS[code]}，但其出生日期不早于职工本人")
    if code in YOUNGER and ben_born <= payer_born:
        raise AccountError("relation", f"被共济人是{RELATIONS[code]}，但其出生日期不晚于职工本人")


def _end_bindings(conn, psn_no: str, day: dt.date) -> int:
    return conn.execute(
        update(BINDINGS)
        .where(
            (BINDINGS.c.payer_psn_no == psn_no) | (BINDINGS.c.beneficiary_psn_no == psn_no),
            BINDINGS.c.active.is_(True),
        )
        .values(active=False, until=day)
    ).rowcount


__all__ = ["AccountError", "Accounts", "IntegrityError", "NotFound"]
