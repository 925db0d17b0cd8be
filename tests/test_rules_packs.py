"""Small in-test policy packs for the rules tests (values are test figures, not the law).

The real packs are being written concurrently; tests that check specific figures build their
own ``Policy`` from the YAML below with the real catalogue. Imported by the other
``test_rules_*`` modules; the smoke test at the end only checks that the packs parse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from yibao.policy.loader import load_catalogue, parse_pack
from yibao.policy.resolve import NATIONAL, Policy, PolicyView
from yibao.policy.schema import Pack

CATALOGUE = load_catalogue()

SOURCES = """
sources:
  t:
    title: 测试文件
    doc_no: 测〔2025〕1号
    read: 2025-06-01
    confidence: official
  web:
    title: 测试网页
    url: https://example.org/seed
    read: 2025-06-01
    confidence: secondary
"""

NATIONAL_YAML = (
    """
admdvs: "000000"
name: 全国
"""
    + SOURCES
    + """
parameters:
  employee.contribution.employer_rate: [{since: 2020-01-01, value: 0.06, source: t, article: 一}]
  employee.contribution.personal_rate: [{since: 2020-01-01, value: 0.02, source: t, article: 一}]
  employee.contribution.flexible_rate: [{since: 2020-01-01, value: 0.08, source: t, article: 一}]
  employee.contribution.base_floor_share: [{since: 2020-01-01, value: 0.6, source: t, article: 一}]
  resident.contribution.personal_annual:
    - {since: 2024-01-01, until: 2024-12-31, value: 380, source: t, article: 一}
    - {since: 2025-01-01, value: 400, source: t, article: 一}
  resident.contribution.subsidy_annual: [{since: 2024-01-01, value: 700, source: t, article: 一}]
  resident.contribution.enrolment_period: [{since: 2020-01-01, value: 每年9月至12月, source: t, article: 一}]
  employee.account.in_service_credit_rate: [{since: 2020-01-01, value: 0.02, source: t, article: 二}]
  employee.account.retired_monthly_credit: [{since: 2020-01-01, value: 150, source: t, article: 二}]
  employee.family_aid.relations:
    - {since: 2020-01-01, value: [spouse, parent, child, sibling, grandparent, grandchild], source: t, article: 三}
  employee.family_aid.uses: [{since: 2020-01-01, value: [care, drugs, resident_contribution], source: t, article: 三}]
  employee.family_aid.beneficiary_must_be_insured: [{since: 2020-01-01, value: true, source: t, article: 三}]
  employee.family_aid.cross_region: [{since: 2020-01-01, value: false, source: t, article: 三}]
  employee.family_aid.channels: [{since: 2020-01-01, value: [国家医保服务平台APP], source: t, article: 三}]
  employee.family_aid.materials: [{since: 2020-01-01, value: [双方身份证, 关系证明], source: t, article: 三}]
  resident.serious.cap: [{since: 2020-01-01, value: 300000, source: t, article: 四}]
  resident.serious.continuous_after_years: [{since: 2025-01-01, value: 4, source: t, article: 四}]
  resident.serious.continuous_increment: [{since: 2025-01-01, value: 3000, source: t, article: 四}]
  resident.serious.zero_claim_increment: [{since: 2025-01-01, value: 2000, source: t, article: 四}]
  resident.serious.increment_max_share: [{since: 2025-01-01, value: 0.2, source: t, article: 四}]
  resident.serious.lapse_reduction: [{since: 2025-01-01, value: 3000, source: t, article: 四}]
  common.coverage.excluded_items:
    - since: 2020-01-01
      source: t
      article: 五
      value:
        - {code: X001, name: 种植牙, reason: 属于更高层次的医疗需求, account_may_pay: true}
        - {code: X002, name: 近视手术, reason: 属于改善视力的选择性手术, account_may_pay: false}
        - {code: X003, name: 美容整形, reason: 美容性质, account_may_pay: false}
  common.coverage.excluded_cases:
    - {since: 2020-01-01, value: [应当从工伤保险基金中支付的, 应当由第三人负担的, 应当由公共卫生负担的, 在境外就医的], source: t, article: 第三十条}
  common.offsite.filing_types:
    - {since: 2020-01-01, value: {long_term: [异地安置退休人员, 异地长期居住人员, 常驻异地工作人员], temporary: [异地转诊就医人员, 异地急诊抢救人员, 其他临时外出就医人员]}, source: t, article: 六}
  common.offsite.conditions: [{since: 2020-01-01, value: [正常参保缴费, 在联网定点医疗机构就医], source: t, article: 六}]
  common.offsite.materials: [{since: 2020-01-01, value: {long_term: [有效身份凭证, 备案表], temporary: [有效身份凭证, 个人承诺书]}, source: t, article: 六}]
  common.offsite.channels: [{since: 2020-01-01, value: [国家医保服务平台APP, 参保地经办窗口], source: t, article: 六}]
  common.offsite.ratio_reduction:
    - {since: 2020-01-01, value: {long_term: 0, referral: 0.10, emergency: 0.10, temporary: 0.20, unfiled: 0.20}, source: t, article: 六}
  common.offsite.temporary_validity_months: [{since: 2020-01-01, value: 6, source: t, article: 六}]
  common.offsite.long_term_min_months: [{since: 2020-01-01, value: 6, source: t, article: 六}]
  common.offsite.manual_claim_materials: [{since: 2020-01-01, value: [发票, 费用清单, 出院小结], source: t, article: 六}]
  common.offsite.manual_claim_limit: [{since: 2020-01-01, value: 结算之日起2年内, source: t, article: 六}]
  common.offsite.unfiled_direct_settlement: [{since: 2020-01-01, value: false, source: t, article: 六}]
  resident.waiting.fixed_months: [{since: 2025-01-01, value: 3, source: t, article: 七}]
  resident.waiting.variable_months_per_year: [{since: 2025-01-01, value: 1, source: t, article: 七}]
  resident.waiting.repair_months_per_year: [{since: 2025-01-01, value: 1, source: t, article: 七}]
  resident.waiting.long_lapse_years: [{since: 2025-01-01, value: 4, source: t, article: 七}]
  resident.waiting.long_lapse_min_months: [{since: 2025-01-01, value: 6, source: t, article: 七}]
  resident.waiting.exempt: [{since: 2025-01-01, value: [新生儿, 医疗救助对象, 退役军人], source: t, article: 七}]
  employee.waiting.grace_months: [{since: 2020-01-01, value: 3, source: t, article: 七}]
  employee.waiting.after_grace_months: [{since: 2020-01-01, value: 6, source: t, article: 七}]
  employee.waiting.cross_scheme_grace_months: [{since: 2020-01-01, value: 3, source: t, article: 七}]
  resident.newborn.window_days: [{since: 2020-01-01, value: 90, source: t, article: 八}]
  resident.newborn.late_effect: [{since: 2020-01-01, value: next_month, source: t, article: 八}]
  resident.newborn.materials: [{since: 2020-01-01, value: [出生医学证明, 户口簿], source: t, article: 八}]
  resident.newborn.channels: [{since: 2020-01-01, value: [医保服务平台APP, 社区服务站], source: t, article: 八}]
  employee.withdrawal.allowed_reasons:
    - {since: 2020-01-01, value: [death, emigration, retire_abroad, moved_no_transfer, public_medical_employer, quit_employee_scheme, long_term_offsite, serious_disease], source: web, article: 九}
  employee.withdrawal.materials:
    - since: 2020-01-01
      source: web
      article: 九
      value:
        death: [死亡证明, 继承关系证明]
        emigration: [国外定居证明]
        retire_abroad: [国外定居证明, 退休证]
        moved_no_transfer: [新参保地不接收余额的证明]
        public_medical_employer: [新单位公费医疗证明]
        quit_employee_scheme: [停保证明]
        long_term_offsite: [长期异地就医备案回执]
        serious_disease: [医院证明, 费用清单]
  employee.withdrawal.closes_account: [{since: 2020-01-01, value: true, source: web, article: 九}]
  employee.withdrawal.serious_disease_count: [{since: 2020-01-01, value: 74, source: web, article: 九}]
  employee.withdrawal.rare_disease_count: [{since: 2025-01-01, value: 12, source: web, article: 九}]
  employee.withdrawal.emergency_refund_working_days: [{since: 2020-01-01, value: 7, source: web, article: 九}]
  employee.withdrawal.forbidden: [{since: 2020-01-01, value: [提现到微信支付宝, 买卖医保卡, 套现], source: web, article: 九}]
  common.transfer.moves: [{since: 2020-01-01, value: [参保信息, 缴费年限, 个人账户余额], source: t, article: 十}]
  common.transfer.inbound_days: [{since: 2020-01-01, value: 5, source: t, article: 十}]
  common.transfer.outbound_days: [{since: 2020-01-01, value: 10, source: t, article: 十}]
  common.transfer.materials: [{since: 2020-01-01, value: [有效身份证件], source: t, article: 十}]
  common.transfer.channels: [{since: 2020-01-01, value: [国家医保服务平台APP], source: t, article: 十}]
  common.transfer.balance_rules:
    - {since: 2020-01-01, value: {within_province: [省内不划转余额], cross_province: [随关系划转], no_account_at_destination: [可申请划入本人银行账户]}, source: t, article: 十}
  employee.lifetime.min_years: [{since: 2020-01-01, value: {male: 25, female: 20}, source: t, article: 十一}]
  employee.lifetime.shortfall_options: [{since: 2020-01-01, value: [一次性补缴至规定年限, 按月继续缴费至规定年限], source: t, article: 十一}]
  common.enrollment.flexible_conditions: [{since: 2020-01-01, value: [未在用人单位参加职工医保, 持本地户籍或居住证], source: t, article: 十二}]
  common.enrollment.frozen_reasons: [{since: 2020-01-01, value: [离职后单位停保, 断缴], source: t, article: 十二}]
  common.enrollment.unfreeze_steps: [{since: 2020-01-01, value: [新单位增员或以灵活就业身份续保], source: t, article: 十二}]
  employee.enrollment.effective_rule: [{since: 2020-01-01, value: next_month, source: t, article: 十二}]
  resident.enrollment.effective_rule: [{since: 2020-01-01, value: 集中参保期内缴费的，次年1月1日起享受待遇, source: t, article: 十二}]
  common.service.hotline: [{since: 2020-01-01, value: "12393", source: t, article: 十三}]
"""
)

# 浙江 / 杭州: 杭州 allows fewer withdrawal cases (no serious-disease, no long-term off-site).
ZHEJIANG_YAML = (
    """
admdvs: "330000"
name: 浙江省
"""
    + SOURCES
    + """
parameters:
  resident.newborn.late_effect: [{since: 2020-01-01, value: next_day, source: t, article: 浙一}]
"""
)
HANGZHOU_YAML = (
    """
admdvs: "330100"
name: 杭州市
"""
    + SOURCES
    + """
parameters:
  employee.withdrawal.allowed_reasons:
    - {since: 2020-01-01, value: [death, moved_no_transfer, quit_employee_scheme, emigration], source: t, article: 杭一}
  employee.withdrawal.materials:
    - {since: 2020-01-01, value: {death: [死亡证明, 继承人身份证, 亲属关系证明], emigration: [注销户籍证明]}, source: t, article: 杭一}
  employee.lifetime.min_years: [{since: 2020-01-01, value: {male: 20, female: 20}, source: t, article: 杭二}]
  employee.lifetime.min_local_years: [{since: 2020-01-01, value: 10, source: t, article: 杭二}]
  employee.contribution.employer_rate: [{since: 2020-01-01, value: 0.095, source: t, article: 杭三}]
"""
)
# 上海: its own rates, a 3-day emergency refund (test figure), and no family-aid for siblings.
SHANGHAI_YAML = (
    """
admdvs: "310000"
name: 上海市
"""
    + SOURCES
    + """
parameters:
  employee.contribution.employer_rate: [{since: 2020-01-01, value: 0.09, source: t, article: 沪一}]
  employee.withdrawal.allowed_reasons:
    - {since: 2020-01-01, value: [death, emigration, serious_disease], source: t, article: 沪二}
  employee.withdrawal.emergency_refund_working_days: [{since: 2020-01-01, value: 3, source: t, article: 沪二}]
  employee.family_aid.relations: [{since: 2020-01-01, value: [spouse, parent, child], source: t, article: 沪三}]
"""
)
# 拉萨: newborns enrolled late wait the resident fixed period.
LASA_YAML = (
    """
admdvs: "540100"
name: 拉萨市
"""
    + SOURCES
    + """
parameters:
  resident.newborn.late_effect: [{since: 2020-01-01, value: waiting_period, source: web, article: 拉一}]
  employee.account.retired_monthly_credit: [{since: 2020-01-01, value: 120, source: web, article: 拉二}]
"""
)

PACK_TEXTS = {
    NATIONAL: NATIONAL_YAML,
    "330000": ZHEJIANG_YAML,
    "330100": HANGZHOU_YAML,
    "310000": SHANGHAI_YAML,
    "540100": LASA_YAML,
}
PACKS: dict[str, Pack] = {
    code: parse_pack(text, CATALOGUE, f"test-{code}") for code, text in PACK_TEXTS.items()
}
POLICY = Policy(CATALOGUE, PACKS)
HANGZHOU, SHANGHAI, LASA, LINZHI, NINGBO = "330100", "310000", "540100", "540400", "330200"
DAY = dt.date(2025, 6, 1)


def view(code: str, day: dt.date = DAY) -> PolicyView:
    return POLICY.view(code, day)


def overlay(code: str, params: dict[str, Any], policy: Policy = POLICY) -> Policy:
    """``policy`` with an overlay pack for ``code`` setting ``params`` (name → value)."""
    text = yaml.safe_dump(
        {
            "admdvs": code,
            "name": f"覆盖{code}",
            "sources": {
                "o": {
                    "title": "覆盖测试",
                    "doc_no": "测〔2025〕9号",
                    "read": "2025-06-01",
                    "confidence": "official",
                }
            },
            "parameters": {
                name: [{"since": "2020-01-01", "value": v, "source": "o", "article": "覆"}]
                for name, v in params.items()
            },
        },
        allow_unicode=True,
    )
    return policy.with_overlay({code: parse_pack(text, CATALOGUE, f"overlay-{code}")})


def basis_names(decision) -> set[str]:
    return {b["parameter"] for b in decision.basis}


def test_packs_parse():
    assert set(PACKS) == set(PACK_TEXTS)
    assert POLICY.resolve(HANGZHOU, "resident.newborn.late_effect", DAY).value == "next_day"
