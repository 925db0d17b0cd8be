"""FHIR ClaimResponse export of a settlement."""

from __future__ import annotations

import datetime as dt

from fhir.resources.R4B.claimresponse import ClaimResponse

from tests.settlement.helpers import claim
from yibao.settlement.engine import settle
from yibao.settlement.fhir import claim_response


def test_claim_response_maps_amounts_to_hl7_categories():
    s = settle(claim())  # 拉萨 employee, 三级, 20000: fund 16405.00, person 3595.00 (see cities)
    doc = claim_response(s, "S1", created=dt.datetime(2025, 5, 10, tzinfo=dt.UTC))
    ClaimResponse.model_validate(doc)  # round-trips as a valid resource
    totals = {t["category"]["coding"][0]["code"]: t["amount"]["value"] for t in doc["total"]}
    assert totals == {
        "submitted": 20000.0,
        "eligible": 20000.0,
        "deductible": 700.0,
        "benefit": 16405.0,
        "copay": 3595.0,
    }
    funds = [
        a
        for a in doc["item"][0]["adjudication"]
        if a["category"]["coding"][0]["system"].endswith("fund_pay_type")
    ]
    assert [(f["category"]["coding"][0]["code"], f["amount"]["value"]) for f in funds] == [
        ("310100", 16405.0)
    ]
    assert doc["patient"]["identifier"]["value"] == "P001"
