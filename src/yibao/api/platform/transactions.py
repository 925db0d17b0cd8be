"""The sandbox's transactions, one function per ``infno``: input node → output node.

Outpatient: 9001 签到, 1101 人员信息获取, 2201 门诊挂号, 2203 门诊就诊信息上传, 2204 门诊费用明细
信息上传, 2206 门诊预结算, 2207 门诊结算, 2208 门诊结算撤销. Inpatient: 2401 入院办理, 2301 住院
费用明细信息上传, 2302 住院费用明细信息撤销, 2402 出院办理, 2303 住院预结算, 2304 住院结算, 2305
住院结算撤销. Then 3201 医药机构费用结算对总账 and 5203 结算信息查询.

Where the real platform looks something up in its own registries, the sandbox takes it from the
input's ``exp_content`` extension node (the platform's own extension mechanism): the
institution's level ``hosp_lv`` (0–3) at 2201/2401, and on fee lines the item's ``chrgitm_lv``
(01 甲类, 02 乙类, 03 丙类), ``pric_uplmt_amt`` 限价 and ``selfpay_prop`` 自付比例 — directly on
the line or in its ``exp_content``, since the sandbox has no catalogue of 医保目录编码.

State (sign-ins, visits, fee details, which settlement belongs to which visit) lives in the
accounts database (``yibao.accounts.visits``); settlements in the ledger (``Accounts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from yibao.accounts.journal import ActorLike
from yibao.accounts.visits import Fee, NewFee, Visit, Visits
from yibao.money import ZERO, money
from yibao.present import mask_id
from yibao.settlement.codes import MED_TYPE, PSN_TYPE_OLD, RESIDENT_DEFAULT_PSN_TYPE
from yibao.settlement.engine import LineSplit, fee_lines
from yibao.settlement.model import Claim, FeeLine
from yibao.settlement.plan import SettlementError

from .envelope import Envelope


class Refused(Exception):
    """A transaction the platform answers with infcode -1 and this message."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = f"{field}：{message}" if field else message


class Ctx:
    def __init__(self, env: Envelope, visits: Visits, accounts: Any, who: ActorLike):
        self.env, self.visits, self.accounts, self.who = env, visits, accounts, who
        self.warnings: list[str] = []
        # set by the router (audited): settle(claim, key, link) → {setl_id, settlement}
        self.settle: Callable[[Claim, str, Any], dict[str, Any]] | None = None
        self.reverse: Callable[[int], Any] | None = None


# --- helpers -------------------------------------------------------------------------------------


def _node(ctx: Ctx, name: str, kind: type = dict) -> Any:
    v = ctx.env.input.get(name)
    if not isinstance(v, kind):
        what = "对象" if kind is dict else "数组"
        raise Refused(f"缺少或不是{what}", f"input.{name}")
    return v


def _req(d: dict[str, Any], key: str, where: str) -> Any:
    v = d.get(key)
    if v is None or v == "":
        raise Refused("必填", f"{where}.{key}")
    return v


def _time(v: Any, where: str) -> dt.datetime:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(str(v), fmt)
        except ValueError:
            continue
    raise Refused("应为 yyyy-MM-dd HH:mm:ss", where)


def _amount(v: Any, where: str) -> Decimal:
    try:
        return money(str(v))
    except (TypeError, ValueError):
        raise Refused(f"不是有效金额：{v!r}", where) from None


def _count(v: Any, where: str) -> int:
    s = str(v)
    if not (s.isascii() and s.isdigit() and len(s) <= 12):
        raise Refused(f"应为非负整数：{v!r}", where)
    return int(s)


def _exp(d: dict[str, Any]) -> dict[str, Any]:
    e = d.get("exp_content")
    if isinstance(e, list):  # some integrations send a one-element list
        e = e[0] if e and isinstance(e[0], dict) else {}
    return e if isinstance(e, dict) else {}


def _visit(ctx: Ctx, mdtrt_id: Any, psn_no: Any = None, where: str = "input.data") -> Visit:
    v = ctx.visits.get(mdtrt_id, ctx.env.fixmedins_code)  # another institution's: none
    if v is None:
        raise Refused(f"就诊ID {mdtrt_id} 不存在", f"{where}.mdtrt_id")
    if psn_no is not None and str(psn_no) != v.psn_no:
        raise Refused(f"人员编号与就诊ID {mdtrt_id} 不符", f"{where}.psn_no")
    return v


def _enrolment(ctx: Ctx, psn_no: str, insutype: str | None = None):
    from yibao.accounts.ledger import ENROLMENTS, PERSONS

    with ctx.accounts.engine.connect() as conn:
        person = conn.execute(select(PERSONS).where(PERSONS.c.psn_no == psn_no)).first()
        rows = conn.execute(
            select(ENROLMENTS).where(ENROLMENTS.c.psn_no == psn_no).order_by(ENROLMENTS.c.id)
        ).all()
    if person is None:
        raise Refused(f"人员编号 {psn_no} 不存在", "psn_no")
    active = [
        e for e in rows if e.status == "active" and (insutype is None or e.insutype == insutype)
    ]
    return person, rows, (active[-1] if active else None)


def psn_type_code(insutype: str, group: str) -> str:
    """The platform's 人员类别 for the project's person group (employees) or a resident."""
    if insutype == "390":
        return RESIDENT_DEFAULT_PSN_TYPE["all"]
    return PSN_TYPE_OLD.get(group, group)


# --- sign-in and person ----------------------------------------------------------------------------


def t9001(ctx: Ctx) -> dict[str, Any]:
    node = _node(ctx, "signIn")
    _req(node, "opter_no", "input.signIn")
    _req(node, "ip", "input.signIn")
    sign_no = ctx.visits.sign_in(ctx.env.fixmedins_code)
    return {
        "signinoutb": {"sign_time": f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}", "sign_no": sign_no}
    }


def t1101(ctx: Ctx) -> dict[str, Any]:
    from yibao.accounts.ledger import PERSONS

    data = _node(ctx, "data")
    psn_no = data.get("psn_no")
    if not psn_no:
        certno = _req(data, "certno", "input.data")
        with ctx.accounts.engine.connect() as conn:
            row = conn.execute(select(PERSONS).where(PERSONS.c.id_no == str(certno))).first()
        if row is None:
            raise Refused("未查询到参保人员信息", "input.data.certno")
        psn_no = row.psn_no
    person, rows, _ = _enrolment(ctx, str(psn_no))
    balc = None
    try:
        balc = ctx.accounts.balance(person.psn_no)["balance"]
    except Exception:  # no personal account (residents)
        balc = None
    return {
        "baseinfo": {
            "psn_no": person.psn_no,
            "psn_cert_type": "01",
            "certno": mask_id(person.id_no),
            "psn_name": person.name,
            "gend": person.sex,
            "brdy": person.birth_date,
        },
        "insuinfo": [
            {
                "insutype": e.insutype,
                "psn_type": psn_type_code(e.insutype, e.psn_type),
                "insuplc_admdvs": e.admdvs,
                "psn_insu_stas": "1" if e.status == "active" else "2",
                "psn_insu_date": e.since,
                "paus_insu_date": e.until,
                "balc": balc if e.insutype == "310" and e.status == "active" else None,
            }
            for e in rows
        ],
    }


# --- visits -----------------------------------------------------------------------------------------


def _diseinfo(ctx: Ctx) -> list[Any] | None:
    """The input's ``diseinfo`` 诊断信息 list (None when absent)."""
    d = ctx.env.input.get("diseinfo")
    if d is None or d == "":
        return None
    if not isinstance(d, list) or not all(isinstance(x, dict) for x in d):
        raise Refused("应为对象数组", "input.diseinfo")
    return d


def _open_visit(ctx: Ctx, d: dict[str, Any], where: str, category: str, no_key: str) -> Visit:
    psn_no = str(_req(d, "psn_no", where))
    insutype = str(_req(d, "insutype", where))
    if insutype not in ("310", "390"):
        raise Refused(
            "沙箱支持 310 职工基本医疗保险、390 城乡居民基本医疗保险", f"{where}.insutype"
        )
    _, _, enr = _enrolment(ctx, psn_no, insutype)
    if enr is None:
        raise Refused(f"人员 {psn_no} 没有有效的 {insutype} 参保记录", f"{where}.psn_no")
    if ctx.env.insuplc_admdvs and ctx.env.insuplc_admdvs != enr.admdvs:
        raise Refused(f"参保地应为 {enr.admdvs}", "insuplc_admdvs")
    lv = _exp(d).get("hosp_lv", d.get("hosp_lv"))
    if str(lv) not in ("0", "1", "2", "3"):
        raise Refused(
            "沙箱需要医疗机构等级 0–3（exp_content.hosp_lv）", f"{where}.exp_content.hosp_lv"
        )
    med_type = str(d.get("med_type") or ("21" if category == "inpatient" else "11"))
    if med_type not in MED_TYPE or MED_TYPE[med_type][1] not in (
        ("inpatient",) if category == "inpatient" else ("outpatient", "chronic")
    ):
        raise Refused(f"医疗类别 {med_type} 不适用于此交易", f"{where}.med_type")
    begntime = _time(_req(d, "begntime", where), f"{where}.begntime")
    return ctx.visits.open(
        ctx.who,
        fixmedins_code=ctx.env.fixmedins_code,
        psn_no=enr.psn_no,
        insutype=insutype,
        insuplc_admdvs=enr.admdvs,
        mdtrtarea_admvs=ctx.env.mdtrtarea_admvs,
        med_type=med_type,
        category=category,
        hosp_lv=int(str(lv)),
        begntime=begntime,
        ipt_otp_no=str(_req(d, no_key, where)),
        diseinfo=(_diseinfo(ctx) or []) if category == "inpatient" else [],
        where=where,
        no_field=no_key,
    )


def t2201(ctx: Ctx) -> dict[str, Any]:
    v = _open_visit(ctx, _node(ctx, "data"), "input.data", "outpatient", "ipt_otp_no")
    return {"data": {"mdtrt_id": v.mdtrt_id, "psn_no": v.psn_no, "ipt_otp_no": v.ipt_otp_no}}


def t2203(ctx: Ctx) -> dict[str, Any]:
    info = _node(ctx, "mdtrtinfo")
    v = _visit(
        ctx, _req(info, "mdtrt_id", "input.mdtrtinfo"), info.get("psn_no"), "input.mdtrtinfo"
    )
    med_type = str(_req(info, "med_type", "input.mdtrtinfo"))
    if med_type not in MED_TYPE or MED_TYPE[med_type][1] == "inpatient":
        raise Refused(
            f"门诊医疗类别应为 {', '.join(k for k, (_, c) in MED_TYPE.items() if c != 'inpatient')}",
            "input.mdtrtinfo.med_type",
        )
    ctx.visits.update(v, med_type=med_type, diseinfo=_diseinfo(ctx) or [])
    return {}


def t2401(ctx: Ctx) -> dict[str, Any]:
    v = _open_visit(ctx, _node(ctx, "mdtrtinfo"), "input.mdtrtinfo", "inpatient", "ipt_no")
    return {"result": {"mdtrt_id": v.mdtrt_id}}


def t2402(ctx: Ctx) -> dict[str, Any]:
    d = _node(ctx, "dscginfo")
    v = _visit(ctx, _req(d, "mdtrt_id", "input.dscginfo"), d.get("psn_no"), "input.dscginfo")
    if v.category != "inpatient":
        raise Refused("不是住院就诊", "input.dscginfo.mdtrt_id")
    end = _time(_req(d, "endtime", "input.dscginfo"), "input.dscginfo.endtime")
    if end < v.begntime:
        raise Refused("出院时间早于入院时间", "input.dscginfo.endtime")
    ctx.visits.update(v, endtime=end, diseinfo=_diseinfo(ctx))
    return {}


# --- fee details ---------------------------------------------------------------------------------


def _fee_line(ctx: Ctx, raw: dict[str, Any], where: str) -> dict[str, Any]:
    ext = _exp(raw)
    lv = raw.get("chrgitm_lv", ext.get("chrgitm_lv"))
    if lv is None and ("chrg_item_lv" in raw or "chrg_item_lv" in ext):
        lv = raw.get("chrg_item_lv", ext.get("chrg_item_lv"))
        ctx.warnings.append(f"{where}.chrg_item_lv 已弃用，请改用 chrgitm_lv")
    if lv is None:
        raise Refused("必填（沙箱没有医保目录，收费项目等级随明细传入）", f"{where}.chrgitm_lv")
    line = {
        "code": str(_req(raw, "med_list_codg", where)),
        "name": str(raw.get("medins_list_name") or raw.get("med_list_name") or ""),
        "chrgitm_lv": str(lv),
        "amount": str(_req(raw, "det_item_fee_sumamt", where)),
        "quantity": str(raw.get("cnt", "1")),
    }
    limit = raw.get("pric_uplmt_amt", ext.get("pric_uplmt_amt"))
    if limit not in (None, ""):
        line["price_limit"] = str(limit)
    prop = raw.get("selfpay_prop", ext.get("selfpay_prop"))
    if prop not in (None, ""):
        line["selfpay_prop"] = str(prop)
    try:
        FeeLine.model_validate(line)
    except ValidationError as exc:
        e = exc.errors()[0]
        name = {"amount": "det_item_fee_sumamt", "quantity": "cnt", "price_limit": "pric_uplmt_amt"}
        loc = ".".join(name.get(str(x), str(x)) for x in e["loc"])
        raise Refused(e["msg"], f"{where}.{loc}") from None
    return line


def _upload(ctx: Ctx, category: str) -> dict[str, Any]:
    lines = _node(ctx, "feedetail", list)
    if not lines:
        raise Refused("至少一条费用明细", "input.feedetail")
    staged: list[NewFee] = []
    visits: dict[str, Visit] = {}
    for i, raw in enumerate(lines):
        where = f"input.feedetail.{i}"
        if not isinstance(raw, dict):
            raise Refused("应为对象", where)
        mdtrt_id = str(_req(raw, "mdtrt_id", where))
        v = visits.get(mdtrt_id) or _visit(ctx, mdtrt_id, raw.get("psn_no"), where)
        if raw.get("psn_no") is not None and str(raw["psn_no"]) != v.psn_no:
            raise Refused(f"人员编号与就诊ID {mdtrt_id} 不符", f"{where}.psn_no")
        visits[mdtrt_id] = v
        if v.category != category:
            raise Refused("就诊类别与交易不符", f"{where}.mdtrt_id")
        sn = str(_req(raw, "feedetl_sn", where))
        when = raw.get("fee_ocur_time")
        staged.append(
            NewFee(where, v, sn, _fee_line(ctx, raw, where), None if when is None else str(when))
        )
    # all checked, then stored in one transaction: nothing half-stored; an outpatient visit
    # takes no fee details once settled (an inpatient stay may, after a 中途结算)
    splits = _splits(ctx, staged)
    ctx.visits.add_fees(staged, after_settlement=category == "inpatient")
    result = []
    for fee, raw, part in zip(staged, lines, splits, strict=True):
        line = fee.line
        result.append(
            {
                "feedetl_sn": fee.feedetl_sn,
                "det_item_fee_sumamt": money(line["amount"]),
                "cnt": Decimal(line["quantity"]),
                "pric": raw.get("pric"),
                "pric_uplmt_amt": money(line["price_limit"]) if "price_limit" in line else None,
                "selfpay_prop": Decimal(line["selfpay_prop"]) if "selfpay_prop" in line else None,
                **_split_fields(part),
                "chrgitm_lv": line["chrgitm_lv"],
            }
        )
    return {"result": result}


def _split_fields(part: LineSplit | None) -> dict[str, Any]:
    names = ("fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")
    return {k: None if part is None else getattr(part, k) for k in names}


def t2204(ctx: Ctx) -> dict[str, Any]:
    return _upload(ctx, "outpatient")


def t2301(ctx: Ctx) -> dict[str, Any]:
    return _upload(ctx, "inpatient")


def t2302(ctx: Ctx) -> dict[str, Any]:
    rows = ctx.env.input.get("data")
    rows = [rows] if isinstance(rows, dict) else rows
    if not isinstance(rows, list) or not rows:
        raise Refused("缺少撤销的明细", "input.data")
    items: list[tuple[str, Visit, str]] = []
    for i, r in enumerate(rows):
        where = f"input.data.{i}"
        if not isinstance(r, dict):
            raise Refused("应为对象", where)
        v = _visit(ctx, _req(r, "mdtrt_id", where), r.get("psn_no"), where)
        if v.category != "inpatient":
            raise Refused("不是住院就诊", f"{where}.mdtrt_id")
        items.append((where, v, str(_req(r, "feedetl_sn", where))))
    # feedetl_sn "0000" withdraws every detail of the stay; all items or none
    ctx.visits.withdraw_fees(items)
    return {}


# --- settlement ------------------------------------------------------------------------------------


def _claim(ctx: Ctx, v: Visit, fees: list[Fee], d: dict[str, Any]) -> Claim:
    if not fees:
        raise Refused("该就诊没有已上传的费用明细", "input.data.mdtrt_id")
    total = sum((money(f.line["amount"]) for f in fees), ZERO)
    stated = _amount(_req(d, "medfee_sumamt", "input.data"), "input.data.medfee_sumamt")
    if stated != total:
        raise Refused(
            f"医疗费总额 {stated} 与已上传明细合计 {total} 不符", "input.data.medfee_sumamt"
        )
    if str(d.get("insutype", v.insutype)) != v.insutype:
        raise Refused(f"险种应为 {v.insutype}", "input.data.insutype")
    if str(d.get("acct_used_flag", "1")) == "0":
        ctx.warnings.append("沙箱按参保地规定使用个人账户，acct_used_flag=0 未生效")
    if v.category == "inpatient":
        if v.endtime is None:
            if str(d.get("mid_setl_flag", "0")) != "1":
                raise Refused(
                    "请先办理出院（2402），或以中途结算（mid_setl_flag=1）结算",
                    "input.data.mdtrt_id",
                )
            end = dt.datetime.now()
        else:
            end = v.endtime
    else:
        end = v.begntime
    return _claim_of(ctx, v, [f.line for f in fees], end, "input.data")


def _claim_of(
    ctx: Ctx, v: Visit, lines: list[dict[str, Any]], end: dt.datetime, where: str
) -> Claim:
    """The claim of visit ``v`` with these fee lines, ending at ``end``."""
    _, _, enr = _enrolment(ctx, v.psn_no, v.insutype)
    if enr is None:
        raise Refused(f"人员 {v.psn_no} 没有有效的 {v.insutype} 参保记录", f"{where}.psn_no")
    try:
        return Claim.model_validate(
            {
                "person": {
                    "psn_no": v.psn_no,
                    "insutype": v.insutype,
                    "psn_type": psn_type_code(v.insutype, enr.psn_type),
                    "insuplc_admdvs": v.insuplc_admdvs,
                },
                "encounter": {
                    "med_type": v.med_type,
                    "hosp_lv": v.hosp_lv,
                    "mdtrtarea_admvs": v.mdtrtarea_admvs,
                    "begndate": v.begntime.date(),
                    "enddate": max(end.date(), v.begntime.date()),
                },
                "fees": lines,
            }
        )
    except ValidationError as exc:
        raise Refused(str(exc.errors()[0]["msg"]), where) from None


def _splits(ctx: Ctx, staged: list[NewFee]) -> list[LineSplit | None]:
    """Each uploaded line split as the settlement will split it (全自费, 超限价, 先行自付, 政策
    范围内), on the insured region's packs; None (with a warning) where the packs cannot."""
    out: dict[int, LineSplit | None] = {}
    for vid in dict.fromkeys(f.visit.id for f in staged):
        mine = [i for i, f in enumerate(staged) if f.visit.id == vid]
        v = staged[mine[0]].visit
        end = v.endtime or (dt.datetime.now() if v.category == "inpatient" else v.begntime)
        try:
            claim = _claim_of(ctx, v, [staged[i].line for i in mine], end, "input.feedetail")
            parts: list[LineSplit | None] = list(fee_lines(claim, ctx.accounts.policy))
        except (Refused, SettlementError) as exc:
            ctx.warnings.append(f"沙箱未能按参保地政策拆分费用明细：{exc}")
            parts = [None] * len(mine)
        out.update(zip(mine, parts, strict=True))
    return [out[i] for i in range(len(staged))]


def _setl_output(v: Visit, s: Any, setl_id: int | None = None) -> dict[str, Any]:
    info = {**s.setlinfo.model_dump(), "mdtrt_id": v.mdtrt_id}
    if setl_id is not None:
        info["setl_id"] = str(setl_id)
        info["setl_time"] = f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}"
    return {
        "setlinfo": info,
        "setldetail": [x.model_dump() for x in s.setldetail],
        "warnings": list(s.warnings),
    }


def _presettle(ctx: Ctx, category: str) -> dict[str, Any]:
    d = _node(ctx, "data")
    v = _visit(ctx, _req(d, "mdtrt_id", "input.data"), _req(d, "psn_no", "input.data"))
    if v.category != category:
        raise Refused("就诊类别与交易不符", "input.data.mdtrt_id")
    claim = _claim(ctx, v, ctx.visits.fees(v), d)
    try:
        s = ctx.accounts.presettle(claim, trace=False)
    except SettlementError as exc:
        raise Refused(str(exc)) from None
    return _setl_output(v, s)


def _settle(ctx: Ctx, category: str) -> dict[str, Any]:
    d = _node(ctx, "data")
    v = _visit(ctx, _req(d, "mdtrt_id", "input.data"), _req(d, "psn_no", "input.data"))
    if v.category != category:
        raise Refused("就诊类别与交易不符", "input.data.mdtrt_id")
    fees = ctx.visits.fees(v)
    claim = _claim(ctx, v, fees, d)
    assert ctx.settle is not None
    # the link to the visit is written in the settlement's transaction, which it refuses when
    # the visit is already settled (not reversed) or its fee details changed meanwhile
    done = ctx.settle(claim, ctx.env.msgid, ctx.visits.link(v, fees, dt.date.today()))
    linked = ctx.visits.settlement(done["setl_id"], ctx.env.fixmedins_code)
    if linked is None or linked.visit_id != v.id:  # a retry replayed another settlement
        raise Refused(f"报文ID已用于另一笔结算（结算ID {done['setl_id']}）", "msgid")
    return _setl_output(v, done["settlement"], done["setl_id"])


def t2206(ctx: Ctx) -> dict[str, Any]:
    return _presettle(ctx, "outpatient")


def t2303(ctx: Ctx) -> dict[str, Any]:
    return _presettle(ctx, "inpatient")


def t2207(ctx: Ctx) -> dict[str, Any]:
    return _settle(ctx, "outpatient")


def _setl_id(raw: str) -> int | None:
    """A settlement id as sent (ASCII digits, at most 18 of them), or None."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None


def t2304(ctx: Ctx) -> dict[str, Any]:
    return _settle(ctx, "inpatient")


def _reverse(ctx: Ctx, category: str) -> dict[str, Any]:
    d = _node(ctx, "data")
    v = _visit(ctx, _req(d, "mdtrt_id", "input.data"), _req(d, "psn_no", "input.data"))
    raw = str(_req(d, "setl_id", "input.data"))
    setl_id = _setl_id(raw)
    links = {s.setl_id: s for s in ctx.visits.settlements(v)}
    if setl_id is None or setl_id not in links or v.category != category:
        raise Refused(f"结算ID {raw} 不属于该就诊", "input.data.setl_id")
    if links[setl_id].reversed:
        raise Refused(f"结算 {raw} 已撤销", "input.data.setl_id")
    assert ctx.reverse is not None
    ctx.reverse(setl_id)
    return {"setlinfo": {"setl_id": raw, "mdtrt_id": v.mdtrt_id, "psn_no": v.psn_no}}


def t2208(ctx: Ctx) -> dict[str, Any]:
    return _reverse(ctx, "outpatient")


def t2305(ctx: Ctx) -> dict[str, Any]:
    return _reverse(ctx, "inpatient")


# --- reconciliation and queries ----------------------------------------------------------------------


def t3201(ctx: Ctx) -> dict[str, Any]:
    """对总账: the institution's totals of settled (not reversed) claims in the period against
    ours. ``stmt_rslt`` 0 平, 1 不平 (the code values were not confirmed against the spec)."""
    d = _node(ctx, "data")
    w = "input.data"
    insutype = str(_req(d, "insutype", w))
    lo = _time(_req(d, "stmt_begndate", w), f"{w}.stmt_begndate").date()
    hi = _time(_req(d, "stmt_enddate", w), f"{w}.stmt_enddate").date()
    t = ctx.visits.totals(ctx.env.fixmedins_code, insutype, lo, hi)
    ours: dict[str, Any] = {
        "medfee_sumamt": t.medfee_sumamt,
        "fund_pay_sumamt": t.fund_pay_sumamt,
        "acct_pay": t.acct_pay,
        "fixmedins_setl_cnt": t.fixmedins_setl_cnt,
    }
    diffs = []
    for k, want in ours.items():
        got = d.get(k)
        if got is None:
            raise Refused("必填", f"{w}.{k}")
        got = _count(got, f"{w}.{k}") if k == "fixmedins_setl_cnt" else _amount(got, f"{w}.{k}")
        if got != want:
            diffs.append(f"{k} 机构 {got}，中心 {want}")
    return {
        "stmtinfo": {
            "setl_optins": d.get("setl_optins") or ctx.env.insuplc_admdvs,
            "stmt_rslt": "1" if diffs else "0",
            "stmt_rslt_dscr": "；".join(diffs) if diffs else "对账一致",
        }
    }


def t5203(ctx: Ctx) -> dict[str, Any]:
    d = _node(ctx, "data")
    raw = str(_req(d, "setl_id", "input.data"))
    setl_id = _setl_id(raw)
    rec = ctx.visits.settlement(setl_id, ctx.env.fixmedins_code) if setl_id is not None else None
    if rec is None:  # not a settlement of this institution's visits
        raise Refused(f"结算ID {raw} 不存在", "input.data.setl_id")
    v = ctx.visits.visit_of(rec)
    if str(_req(d, "psn_no", "input.data")) != v.psn_no:
        raise Refused("人员编号与结算不符", "input.data.psn_no")
    row = ctx.accounts.settlement(rec.setl_id)
    out = _setl_output(v, row["settlement"], rec.setl_id)
    out["setlinfo"]["setl_time"] = None
    out["setlinfo"]["refd_setl_flag"] = "1" if rec.reversed else "0"
    return out


HANDLERS: dict[str, Callable[[Ctx], dict[str, Any]]] = {
    "9001": t9001,
    "1101": t1101,
    "2201": t2201,
    "2203": t2203,
    "2204": t2204,
    "2206": t2206,
    "2207": t2207,
    "2208": t2208,
    "2401": t2401,
    "2301": t2301,
    "2302": t2302,
    "2402": t2402,
    "2303": t2303,
    "2304": t2304,
    "2305": t2305,
    "3201": t3201,
    "5203": t5203,
}
NAMES = {
    "9001": "签到",
    "1101": "人员信息获取",
    "2201": "门诊挂号",
    "2203": "门诊就诊信息上传",
    "2204": "门诊费用明细信息上传",
    "2206": "门诊预结算",
    "2207": "门诊结算",
    "2208": "门诊结算撤销",
    "2401": "入院办理",
    "2301": "住院费用明细信息上传",
    "2302": "住院费用明细信息撤销",
    "2402": "出院办理",
    "2303": "住院预结算",
    "2304": "住院结算",
    "2305": "住院结算撤销",
    "3201": "医药机构费用结算对总账",
    "5203": "结算信息查询",
}
