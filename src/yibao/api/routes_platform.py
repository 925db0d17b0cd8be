"""National-platform-style adapter: ``POST /platform/{infno}`` with ``{"infno", "input"}``
envelopes answered by ``{"infcode": 0|-1, "err_msg", "output"}``.

Transactions: 1101 人员信息获取; 2206/2303 门诊/住院预结算; 2207/2304 门诊/住院结算;
2208/2305 门诊/住院结算撤销. Settlement input is ``{"claim": <Claim>, "payer": …}`` (our
claim shape with the platform's field names); ``msgid`` is the idempotency key of a settlement.
Errors never leave the envelope: the HTTP status is 200 with ``infcode`` -1 and the message,
as the platform does, except for authentication (401/403).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from yibao.api.auth import mask_id
from yibao.api.deps import HospitalOrStaff
from yibao.api.problems import Problem, field_errors
from yibao.api.routes_accounts import _owned, account_call, commit_settlement, masked, service
from yibao.api.routes_public import presettle_claim, settlement_body
from yibao.jsonout import json_response_class
from yibao.settlement.model import Claim

Exact = json_response_class()
router = APIRouter(prefix="/platform", tags=["platform"], default_response_class=Exact)

PRESETTLE = {"2206", "2303"}
SETTLE = {"2207", "2304"}
REVERSE = {"2208", "2305"}
INFNOS = {"1101", *PRESETTLE, *SETTLE, *REVERSE}


class Envelope(BaseModel):
    model_config = ConfigDict(extra="allow")
    infno: str = Field(description="交易编号，如 2303")
    msgid: str | None = Field(default=None, max_length=128, description="报文ID（结算幂等键）")
    input: dict[str, Any] = Field(default_factory=dict)


def ok(output: dict[str, Any]) -> dict[str, Any]:
    return {"infcode": 0, "err_msg": None, "output": output}


def err(message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"infcode": -1, "err_msg": message, "output": {}}
    if errors:
        body["errors"] = errors
    return body


@router.post("/{infno}", summary="国家医保平台风格的交易接口")
def transact(infno: str, env: Envelope, request: Request, who: HospitalOrStaff):
    if env.infno != infno:
        return err(f"报文 infno {env.infno} 与地址 {infno} 不一致")
    if infno not in INFNOS:
        return err(f"不支持的交易 {infno}；支持：{', '.join(sorted(INFNOS))}")
    try:
        return ok(_dispatch(infno, env, request, who))
    except Problem as exc:
        if exc.status in (401, 403):
            raise
        return err(exc.detail or exc.title, exc.errors)
    except ValidationError as exc:
        return err("输入有误", field_errors(list(exc.errors())))


def _claim(env: Envelope) -> tuple[Claim, str | None]:
    raw = env.input.get("claim")
    if not isinstance(raw, dict):
        raise Problem(
            422,
            "输入有误",
            "input.claim 应为结算单对象",
            [{"field": "input.claim", "problem": "缺少结算单"}],
        )
    try:
        return Claim.model_validate(raw), env.input.get("payer")
    except ValidationError as exc:
        errors = [
            {**e, "field": "input.claim." + e["field"]} for e in field_errors(list(exc.errors()))
        ]
        raise Problem(422, "结算单有误", f"{len(errors)} 处问题", errors) from None


def _dispatch(infno: str, env: Envelope, request: Request, who) -> dict[str, Any]:
    if infno == "1101":
        return _person_info(request, who, env)
    if infno in PRESETTLE:
        claim, payer = _claim(env)
        svc = request.app.state.accounts
        if svc is None:  # no books: the claim's own year-to-date figures
            return presettle_claim(claim)
        s = account_call(request, who, "", claim.person.psn_no, svc.presettle, claim, payer=payer)
        return settlement_body(s)
    if infno in SETTLE:
        if not env.msgid:
            raise Problem(
                422,
                "缺少 msgid",
                "结算交易需要 msgid 作为幂等键",
                [{"field": "msgid", "problem": "必填"}],
            )
        claim, payer = _claim(env)
        return commit_settlement(request, who, claim, env.msgid, payer)
    setl_id = env.input.get("setl_id")
    if not (isinstance(setl_id, int) or (isinstance(setl_id, str) and setl_id.isdigit())) or not (
        0 < int(setl_id) <= 2**62
    ):
        raise Problem(
            422,
            "缺少 setl_id",
            "撤销交易需要 input.setl_id",
            [{"field": "input.setl_id", "problem": "应为结算ID（整数）"}],
        )
    svc = _owned(request, who, int(setl_id))
    return masked(
        account_call(
            request,
            who,
            "settlement.reverse",
            str(setl_id),
            svc.reverse,
            int(setl_id),
            reason=str(env.input.get("reason", "")),
        )
    )


def _person_info(request: Request, who, env: Envelope) -> dict[str, Any]:
    from yibao.accounts.ledger import ENROLMENTS, PERSONS

    data = env.input.get("data") or {}
    psn_no = data.get("psn_no") if isinstance(data, dict) else None
    if not psn_no:
        raise Problem(
            422, "缺少人员编号", errors=[{"field": "input.data.psn_no", "problem": "必填"}]
        )
    svc = service(request)
    with svc.engine.connect() as conn:
        person = conn.execute(select(PERSONS).where(PERSONS.c.psn_no == psn_no)).first()
        if person is None:
            raise Problem(404, "未找到", f"人员编号 {psn_no} 不存在")
        enrolments = conn.execute(
            select(ENROLMENTS).where(ENROLMENTS.c.psn_no == psn_no).order_by(ENROLMENTS.c.id)
        ).all()
    balc = None
    try:
        balc = svc.balance(psn_no)["balance"]
    except Exception:
        balc = None
    return {
        "baseinfo": {
            "psn_no": person.psn_no,
            "psn_name": person.name,
            "psn_cert_type": "01",
            "certno": mask_id(person.id_no),
            "gend": person.sex,
            "brdy": person.birth_date,
        },
        "insuinfo": [
            {
                "insutype": e.insutype,
                "psn_type": e.psn_type,
                "insuplc_admdvs": e.admdvs,
                "psn_insu_stas": "1" if e.status == "active" else "2",
                "psn_insu_date": e.since,
                "paus_insu_date": e.until,
                "balc": balc if e.insutype == "310" and e.status == "active" else None,
            }
            for e in enrolments
        ],
    }
