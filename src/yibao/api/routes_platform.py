"""``POST /platform/{infno}``: the national-platform sandbox (``yibao.api.platform``).

Every answer is a platform response envelope with HTTP 200 — failures carry ``infcode`` -1 and
``err_msg`` naming the field, as the platform does — except authentication (401/403). Only
hospital keys (the HIS) and staff keys may call it. Deprecated input names are answered with
``warn_msg`` in the body and a ``Warning: 299`` header.

The sandbox's state (sign-ins, visits, fee details) is in the accounts database
(``yibao.accounts.visits``), like its settlements: any worker, before or after a restart,
answers the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from yibao.accounts.errors import AccountError
from yibao.accounts.idcard import mask_id
from yibao.accounts.visits import Visits
from yibao.api import store
from yibao.api.deps import HospitalOrStaff
from yibao.api.platform.envelope import Envelope, answer
from yibao.api.platform.transactions import HANDLERS, NAMES, Ctx, Refused
from yibao.api.problems import Problem
from yibao.api.routes_accounts import _owned, account_call, service
from yibao.jsonout import json_response_class

Exact = json_response_class()
router = APIRouter(prefix="/platform", tags=["platform"], default_response_class=Exact)
INFNOS = tuple(HANDLERS)


def _field_error(exc: ValidationError) -> str:
    e = exc.errors()[0]
    return f"{'.'.join(str(x) for x in e['loc'])}：{e['msg']}"


@router.post(
    "/{infno}",
    summary="国家医保信息平台接口沙箱（" + "、".join(f"{k} {v}" for k, v in NAMES.items()) + "）",
)
def transact(
    infno: str, body: dict[str, Any], request: Request, response: Response, who: HospitalOrStaff
):
    received = dt.datetime.now()
    admvs = body.get("mdtrtarea_admvs") if isinstance(body.get("mdtrtarea_admvs"), str) else None
    try:
        env = Envelope.model_validate(body)
    except ValidationError as exc:
        return answer(received, admvs, None, f"报文有误：{_field_error(exc)}")
    if env.infno != infno:
        return answer(received, admvs, None, f"报文 infno {env.infno} 与地址 {infno} 不一致")
    if infno not in HANDLERS:
        return answer(received, admvs, None, f"沙箱不支持交易 {infno}；支持：{'、'.join(INFNOS)}")
    if who.role == "hospital" and who.hospital and env.fixmedins_code != who.hospital:
        return answer(received, admvs, None, f"fixmedins_code 应为本机构编号 {who.hospital}")
    ctx: Ctx | None = None
    try:
        svc = service(request)
        ctx = Ctx(env, Visits(svc.engine), svc, who)
        if infno != "9001" and not ctx.visits.signed_in(env.sign_no, env.fixmedins_code):
            raise Refused("签到流水号无效，请先签到（9001）", "sign_no")
        ctx.settle = lambda claim, key, link: _commit(request, who, claim, key, link)
        ctx.reverse = lambda setl_id: _reverse(request, who, setl_id)
        output = HANDLERS[infno](ctx)
        if infno == "1101":  # a read of personal data: journalled (who read whose record)
            psn_no = str(output["baseinfo"]["psn_no"])
            store.audit(svc.engine, who, "platform.1101", psn_no)
    except Refused as exc:
        warnings = ctx.warnings if ctx else None
        return _reply(response, answer(received, env.mdtrtarea_admvs, None, exc.message, warnings))
    except AccountError as exc:  # refused by the accounts layer: nothing was written
        warnings = ctx.warnings if ctx else None
        msg = f"{exc.field}：{mask_id(exc.message)}"
        return _reply(response, answer(received, env.mdtrtarea_admvs, None, msg, warnings))
    except Problem as exc:
        if exc.status in (401, 403):
            raise
        detail = exc.detail or exc.title
        if exc.errors:
            detail += "（" + "；".join(f"{e['field']}：{e['problem']}" for e in exc.errors) + "）"
        warnings = ctx.warnings if ctx else None
        return _reply(response, answer(received, env.mdtrtarea_admvs, None, detail, warnings))
    return _reply(response, answer(received, env.mdtrtarea_admvs, output, None, ctx.warnings))


def _reply(response: Response, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("warn_msg"):
        response.headers["Warning"] = f'299 yibao "{quote(body["warn_msg"])}"'
    return body


def _commit(request: Request, who, claim, key: str, link) -> dict[str, Any]:
    """Settle under the hospital's own key namespace (a retry by msgid returns the original);
    ``link`` ties the settlement to its visit in the same transaction. Refusals propagate as
    ``AccountError`` naming the field."""
    done = service(request).settle(claim, key, by=who, link=link)
    return {"setl_id": done.setl_id, "settlement": done.settlement}


def _reverse(request: Request, who, setl_id: int) -> Any:
    svc = _owned(request, who, setl_id)
    return account_call(
        request, who, "settlement.reverse", str(setl_id), svc.reverse, setl_id, reason="平台撤销"
    )
