"""Writes that need a key: accounts (agency staff) and committed settlements (hospitals, staff).

Every write is recorded in the audit log (who, what, when) by the accounts service, in the
write's own transaction; reads of personal data are audited too. ID numbers are masked in every
response. A hospital may read or reverse only the settlements it made; its idempotency keys are
its own namespace.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from yibao.accounts.errors import AccountError, NotFound, NotOwner
from yibao.api.auth import Principal, mask_id
from yibao.api.deps import HospitalOrStaff, Staff
from yibao.api.problems import Problem
from yibao.api.routes_public import settlement_body
from yibao.api.store import owner
from yibao.jsonout import json_response_class
from yibao.present import masked
from yibao.settlement.engine import SettlementError
from yibao.settlement.model import Claim

Exact = json_response_class()
SetlId = Annotated[int, Path(ge=1, le=2**62, description="结算ID")]
router = APIRouter(prefix="/api", default_response_class=Exact)


def service(request: Request) -> Any:
    svc = request.app.state.accounts
    if svc is None:
        raise Problem(503, "账户服务未启用", "此服务实例没有配置数据库")
    return svc


def account_call(request: Request, who: Principal, action: str, target: str, fn, *a, **kw):
    """Run a service call; map its refusals to problems. A call with an ``action`` is a write:
    the service journals it as ``who`` in its own transaction."""
    service(request)
    if action:
        kw["by"] = who
    try:
        return fn(*a, **kw)
    except NotOwner as exc:
        raise Problem(403, "无权操作", exc.message) from None
    except NotFound as exc:
        raise Problem(
            404, "未找到", exc.message, [{"field": exc.field, "problem": exc.message}]
        ) from None
    except AccountError as exc:
        raise Problem(
            422,
            "操作被拒绝",
            mask_id(exc.message),
            [{"field": exc.field, "problem": mask_id(exc.message)}],
        ) from None
    except SettlementError as exc:
        raise Problem(422, "无法结算", str(exc)) from None


def read_audited(request: Request, who: Principal, action: str, target: str, fn, *a, **kw):
    """A read of personal data: answered, then journalled (who read whose data)."""
    result = account_call(request, who, "", target, fn, *a, **kw)
    service(request).note(who, action, target)
    return result


# --- accounts (staff) ----------------------------------------------------------------------------


class OpenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    psn_no: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    id_no: str = Field(min_length=15, max_length=18, description="身份证号码（GB 11643 校验）")
    insutype: str = Field(pattern="^(310|390)$")
    region: str
    psn_type: str = Field(default="in_service", pattern="^(in_service|retired)$")
    since: dt.date | None = None


@router.post("/accounts", tags=["accounts"], status_code=201, summary="参保登记并开立账户")
def open_account(body: OpenBody, request: Request, who: Staff):
    svc = service(request)
    r = account_call(
        request,
        who,
        "account.open",
        body.psn_no,
        svc.open,
        body.psn_no,
        body.name,
        body.id_no,
        body.insutype,
        body.region,
        psn_type=body.psn_type,
        since=body.since,
    )
    return Exact(masked(r), status_code=201)


class CreditBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: dt.date
    base: Decimal | None = Field(default=None, ge=0, description="在职职工月缴费基数（元）")


@router.post("/accounts/{psn_no}/credits", tags=["accounts"], summary="划入一个月个人账户")
def credit(psn_no: str, body: CreditBody, request: Request, who: Staff):
    svc = service(request)
    return masked(
        account_call(
            request,
            who,
            "account.credit",
            psn_no,
            svc.credit_month,
            psn_no,
            body.month,
            base=body.base,
        )
    )


class BindBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    beneficiary: str = Field(min_length=1, max_length=32)
    relation: str = Field(min_length=1, max_length=32)


@router.post("/accounts/{psn_no}/bindings", tags=["accounts"], summary="绑定家庭共济")
def bind(psn_no: str, body: BindBody, request: Request, who: Staff):
    svc = service(request)
    return masked(
        account_call(
            request, who, "account.bind", psn_no, svc.bind, psn_no, body.beneficiary, body.relation
        )
    )


@router.delete("/accounts/{psn_no}/bindings/{beneficiary}", tags=["accounts"], summary="解除共济")
def unbind(psn_no: str, beneficiary: str, request: Request, who: Staff):
    svc = service(request)
    return masked(
        account_call(request, who, "account.unbind", psn_no, svc.unbind, psn_no, beneficiary)
    )


@router.get("/accounts/{psn_no}", tags=["accounts"], summary="个人账户余额与绑定")
def balance(psn_no: str, request: Request, who: Staff):
    svc = service(request)
    bal = read_audited(request, who, "account.read", psn_no, svc.balance, psn_no)
    binds = account_call(request, who, "", psn_no, svc.bindings, psn_no)
    return masked({**bal, "bindings": binds})


@router.get("/accounts/{psn_no}/statement", tags=["accounts"], summary="账户流水")
def statement(psn_no: str, start: dt.date, end: dt.date, request: Request, who: Staff):
    svc = service(request)
    return masked(
        read_audited(request, who, "account.statement", psn_no, svc.statement, psn_no, start, end)
    )


class TransferBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_region: str
    destination_has_account: bool = True


@router.post("/accounts/{psn_no}/transfer", tags=["accounts"], summary="转移接续")
def transfer(psn_no: str, body: TransferBody, request: Request, who: Staff):
    svc = service(request)
    return masked(
        account_call(
            request,
            who,
            "account.transfer",
            psn_no,
            svc.transfer,
            psn_no,
            body.to_region,
            destination_has_account=body.destination_has_account,
        )
    )


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=64)
    materials: list[str] = Field(default_factory=list, max_length=20)


@router.post("/accounts/{psn_no}/withdraw", tags=["accounts"], summary="提取个人账户余额")
def withdraw(psn_no: str, body: WithdrawBody, request: Request, who: Staff):
    svc = service(request)
    return masked(
        account_call(
            request,
            who,
            "account.withdraw",
            psn_no,
            svc.withdraw,
            psn_no,
            body.reason,
            body.materials,
        )
    )


# --- committed settlements (hospital or staff) ---------------------------------------------------


class SettleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim: Claim
    payer: str | None = Field(default=None, description="家庭共济付款人（已绑定的近亲属）")


def commit_settlement(
    request: Request, who: Principal, claim: Claim, key: str, payer: str | None
) -> dict[str, Any]:
    """Settle under the caller's own key namespace; the settlement, its owner and its audit row
    commit together, and a retry by the owner returns the original."""
    svc = service(request)
    done = account_call(request, who, "settlement.settle", key, svc.settle, claim, key, payer=payer)
    return {"setl_id": done.setl_id, "replayed": done.replayed, **settlement_body(done.settlement)}


@router.post("/settlements", tags=["settlement"], summary="结算并记账（需 Idempotency-Key）")
def settle(
    body: SettleBody,
    request: Request,
    who: HospitalOrStaff,
    idempotency_key: Annotated[str, Header(min_length=1, max_length=128)],
):
    return commit_settlement(request, who, body.claim, idempotency_key, body.payer)


def _owned(request: Request, who: Principal, setl_id: int) -> Any:
    svc = service(request)
    if who.role == "hospital" and owner(svc.engine, setl_id) != who.hospital:
        raise Problem(403, "无权操作", "医院只能查看或撤销本机构的结算")
    return svc


@router.get("/settlements/{setl_id}", tags=["settlement"], summary="查看结算")
def get_settlement(setl_id: SetlId, request: Request, who: HospitalOrStaff):
    svc = service(request)
    row = account_call(
        request, who, "", str(setl_id), svc.settlement, setl_id, by=who, audit_as="settlement.read"
    )
    return {
        "setl_id": row["setl_id"],
        "status": row["status"],
        **settlement_body(row["settlement"]),
    }


class ReverseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=200)


@router.post("/settlements/{setl_id}/reverse", tags=["settlement"], summary="结算撤销")
def reverse(
    setl_id: SetlId, request: Request, who: HospitalOrStaff, body: ReverseBody | None = None
):
    svc = _owned(request, who, setl_id)
    reason = body.reason if body else ""
    return masked(
        account_call(
            request, who, "settlement.reverse", str(setl_id), svc.reverse, setl_id, reason=reason
        )
    )


@router.get("/settlements/{setl_id}/fhir", tags=["settlement"], summary="FHIR ClaimResponse")
def settlement_fhir(setl_id: SetlId, request: Request, who: HospitalOrStaff):
    from yibao.settlement.fhir import claim_response

    svc = service(request)
    row = account_call(
        request, who, "", str(setl_id), svc.settlement, setl_id, by=who, audit_as="settlement.fhir"
    )
    return claim_response(row["settlement"], str(setl_id))


# Short aliases named in the issue: /settlements/{id}/fhir without the /api prefix.
fhir_router = APIRouter(default_response_class=Exact)
fhir_router.add_api_route(
    "/settlements/{setl_id}/fhir",
    settlement_fhir,
    methods=["GET"],
    tags=["settlement"],
    summary="FHIR ClaimResponse",
)
