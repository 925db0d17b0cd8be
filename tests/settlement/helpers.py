"""Small builders for claims in tests."""

from __future__ import annotations

from typing import Any

from yibao.settlement.model import Claim


def claim(
    *,
    insutype: str = "310",
    psn_type: str = "in_service",
    region: str = "540100",
    treated_in: str | None = None,
    filing: str = "none",
    level: int = 3,
    med_type: str = "21",
    fees: list[dict[str, Any]] | None = None,
    ytd: dict[str, Any] | None = None,
    end: str = "2025-05-10",
    **extra: Any,
) -> Claim:
    person: dict[str, Any] = {
        "psn_no": "P001",
        "insutype": insutype,
        "psn_type": psn_type,
        "insuplc_admdvs": region,
    }
    person.update(extra.pop("person", {}))
    return Claim.model_validate(
        {
            "person": person,
            "encounter": {
                "med_type": med_type,
                "hosp_lv": level,
                "mdtrtarea_admvs": treated_in or region,
                "offsite_filing": filing,
                "designated": extra.pop("designated", True),
                "begndate": "2025-05-01",
                "enddate": end,
            },
            "fees": fees or [{"code": "A", "chrg_item_lv": "01", "amount": "20000"}],
            "ytd": ytd or {},
            **extra,
        }
    )


def jia(amount: str, code: str = "A") -> dict[str, Any]:
    return {"code": code, "name": "甲类项目", "chrg_item_lv": "01", "amount": amount}
