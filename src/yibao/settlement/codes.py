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

# setlinfo amount fields and their Chinese names, in the order a settlement slip lists them.
SETLINFO_LABELS = {
    "medfee_sumamt": "医疗费总额",
    "fulamt_ownpay_amt": "全自费金额",
    "overlmt_selfpay": "超限价自费",
    "preselfpay_amt": "乙类先行自付",
    "inscp_scp_amt": "符合政策范围金额",
    "act_pay_dedc": "实际支付起付线",
    "hifp_pay": "统筹基金支出",
    "hifmi_pay": "居民大病保险",
    "hifob_pay": "职工大额医疗费用补助",
    "maf_pay": "医疗救助",
    "fund_pay_sumamt": "基金支付总额",
    "psn_part_amt": "个人负担总额",
    "acct_pay": "个人账户支出",
    "acct_mulaid_pay": "其中家庭共济支付",
    "psn_cash_pay": "个人现金支出",
    "balc": "个人账户余额",
}
