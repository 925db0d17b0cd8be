"""Code tables of the national medical-insurance platform used by settlement.

The codes and their labels are defined once in ``yibao.vocab``; this module gives settlement
the shapes it indexes by. As commonly used by public HIS integrations; the full official tables
were not read, so only the codes yibao emits are listed.
"""

from __future__ import annotations

from yibao import vocab

INSUTYPE = dict(vocab.INSUTYPE.labels)
EMPLOYEE, RESIDENT = vocab.EMPLOYEE_INSUTYPE, vocab.RESIDENT_INSUTYPE

# med_type 医疗类别 → (name, benefit category used by the engine).
MED_TYPE = {c: (z, vocab.MED_TYPE_CATEGORY[c]) for c, z in vocab.MED_TYPE.labels.items()}

CHRG_ITEM_LV = dict(vocab.CHRG_ITEM_LV.labels)

HOSP_LV = {int(c): z for c, z in vocab.HOSP_LV.labels.items()}

OFFSITE_FILING = dict(vocab.OFFSITE_FILING.labels)

# fund_pay_type 基金支付类型 (setldetail rows).
FUND_PAY_TYPE = dict(vocab.FUND_PAY_TYPE.labels)

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

# psn_type 人员类别 (platform codes, ``vocab.PSN_TYPE_CODE``): (label, person group), the group
# being what the packs key employee tables by; residents' tables use ``resident_group``.
_GROUP = {"11": "in_service", "12": "retired", "14": "resident", "15": "resident"}
PSN_TYPE = {c: (z, _GROUP[c[:2]]) for c, z in vocab.PSN_TYPE_CODE.labels.items()}
# The project's old psn_type values (deprecated on input): the code each stands for.
PSN_TYPE_OLD = {"in_service": "1101", "retired": "1201"}
RESIDENT_DEFAULT_PSN_TYPE = {"minor": "1405", "all": "1501", "adult": "1501", "senior": "1501"}
