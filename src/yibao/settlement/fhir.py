"""Export a settlement as an HL7 FHIR R4B ``ClaimResponse``.

Adjudication categories follow the HL7 value set (http://terminology.hl7.org/CodeSystem/
adjudication): submitted = 医疗费总额, eligible = 符合政策范围金额, deductible = 起付线,
benefit = 基金支付, copay = 个人负担. Fund-by-fund payments (统筹, 大病, 大额) are extra
adjudications with the national platform's ``fund_pay_type`` codes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.claimresponse import ClaimResponse

from yibao.settlement.model import Settlement

HL7_ADJ = "http://terminology.hl7.org/CodeSystem/adjudication"
FUND_PAY_TYPE_SYSTEM = "urn:yibao:nhsa:fund_pay_type"
SETL_SYSTEM = "urn:yibao:setl_id"
PSN_SYSTEM = "urn:yibao:psn_no"

CATEGORIES = (
    ("submitted", "医疗费总额", "medfee_sumamt"),
    ("eligible", "符合政策范围金额", "inscp_scp_amt"),
    ("deductible", "实际支付起付线", "act_pay_dedc"),
    ("benefit", "基金支付总额", "fund_pay_sumamt"),
    ("copay", "个人负担总金额", "psn_part_amt"),
)


def _money(v: Decimal) -> dict[str, Any]:
    return {"value": v, "currency": "CNY"}


def _adj(system: str, code: str, display: str, amount: Decimal) -> dict[str, Any]:
    return {
        "category": {"coding": [{"system": system, "code": code, "display": display}]},
        "amount": _money(amount),
    }


def claim_response(s: Settlement, setl_id: str, created: dt.datetime | None = None) -> dict:
    """The settlement as a validated FHIR R4B ClaimResponse, as a JSON-ready dict."""
    info = s.setlinfo
    amounts = info.model_dump()
    adjudication = [_adj(HL7_ADJ, code, name, amounts[f]) for code, name, f in CATEGORIES]
    adjudication += [
        _adj(FUND_PAY_TYPE_SYSTEM, d.fund_pay_type, d.fund_pay_type_name, d.fund_payamt)
        for d in s.setldetail
    ]
    resource = ClaimResponse.model_validate(
        {
            "resourceType": "ClaimResponse",
            "id": setl_id,
            "identifier": [{"system": SETL_SYSTEM, "value": setl_id}],
            "status": "active",
            "type": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                        "code": "institutional"
                        if info.med_type.startswith("2")
                        else "professional",
                    }
                ]
            },
            "use": "claim",
            "patient": {"identifier": {"system": PSN_SYSTEM, "value": info.psn_no}},
            "created": (created or dt.datetime.now(dt.UTC)).isoformat(),
            "insurer": {"display": f"医疗保障经办机构（{s.admdvs}）"},
            "outcome": "complete",
            "disposition": "；".join(t.detail for t in s.trace) or "已结算",
            "item": [{"itemSequence": 1, "adjudication": adjudication}],
            "total": [{"category": a["category"], "amount": a["amount"]} for a in adjudication[:5]],
            "payment": {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/ex-paymenttype",
                            "code": "complete",
                        }
                    ]
                },
                "amount": _money(info.fund_pay_sumamt),
            },
        }
    )
    return resource.model_dump(mode="json", exclude_none=True)
