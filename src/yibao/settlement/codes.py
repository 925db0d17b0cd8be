"""Code tables of the national medical-insurance platform used by settlement.

As commonly used by public HIS integrations (see ../shared/research/platform-notes.md); the
full official tables were not read, so only the codes yibao emits are listed.
"""

from __future__ import annotations

INSUTYPE = {"310": "职工基本医疗保险", "390": "城乡居民基本医疗保险"}
EMPLOYEE, RESIDENT = "310", "390"

# med_type 医疗类别 → benefit category used by the engine.
MED_TYPE = {
    "11": ("普通门诊", "outpatient"),
    "14": ("门诊慢特病", "chronic"),
    "21": ("普通住院", "inpatient"),
    "22": ("外伤住院", "inpatient"),
}

CHRG_ITEM_LV = {"01": "甲类", "02": "乙类", "03": "丙类（目录外，自费）"}

HOSP_LV = {0: "基层/社区", 1: "一级", 2: "二级", 3: "三级"}

OFFSITE_FILING = {
    "none": "本地就医（无需备案）",
    "long_term": "异地长期居住备案",
    "temporary": "临时外出就医备案",
    "referral": "异地转诊备案",
    "emergency": "异地急诊抢救",
    "unfiled": "异地就医未备案",
}

# fund_pay_type 基金支付类型 (setldetail rows).
FUND_PAY_TYPE = {
    "310100": "职工基本医疗保险统筹基金",
    "330100": "职工大额医疗费用补助基金",
    "390100": "城乡居民基本医疗保险基金",
    "390200": "城乡居民大病医疗保险资金",
    "610100": "医疗救助基金",
}
