"""A small, complete synthetic policy for engine tests that must not move with real packs."""

from __future__ import annotations

from yibao.policy.loader import load_catalogue, parse_pack
from yibao.policy.resolve import NATIONAL, Policy

NATIONAL_PACK = """
admdvs: "000000"
name: 测试全国
sources:
  t: {title: 测试用政策, doc_no: 测试〔2025〕1号, read: 2026-11-27, confidence: official}
parameters:
  common.items.class_b_preselfpay_rate: [{since: 2020-01-01, value: 0.10, source: t, article: 一}]
  common.coverage.excluded_items:
    - since: 2020-01-01
      source: t
      article: 二
      value:
        - {code: X-IMPLANT, name: 种植牙, reason: 不属于基本医保支付范围, account_may_pay: true}
  common.offsite.ratio_reduction:
    - since: 2020-01-01
      source: t
      article: 三
      value: {long_term: 0, referral: 0.10, emergency: 0.10, temporary: 0.20, unfiled: 0.20}
  employee.account.pays_inscope_selfpay: [{since: 2020-01-01, value: true, source: t, article: 四}]
  employee.account.pays_full_ownpay: [{since: 2020-01-01, value: false, source: t, article: 四}]
  employee.inpatient.deductible:
    - {since: 2020-01-01, value: {"1": [200], "2": [600, 400, 300, 200], "3": [700, 500, 400, 300]}, source: t, article: 五}
  employee.inpatient.fund_ratio:
    - since: 2020-01-01
      source: t
      article: 六
      value:
        in_service:
          "1": [{rate: 0.90}]
          "2": [{upto: 30000, rate: 0.85}, {rate: 0.90}]
          "3": [{upto: 30000, rate: 0.85}, {upto: 100000, rate: 0.88}, {rate: 0.90}]
        retired:
          "1": [{rate: 0.94}]
          "2": [{upto: 30000, rate: 0.91}, {rate: 0.94}]
          "3": [{upto: 30000, rate: 0.91}, {upto: 100000, rate: 0.93}, {rate: 0.94}]
  employee.inpatient.annual_cap: [{since: 2020-01-01, value: 300000, source: t, article: 七}]
  employee.large.threshold: [{since: 2020-01-01, value: 20000, source: t, article: 八}]
  employee.large.bands: [{since: 2020-01-01, value: [{rate: 0.80}], source: t, article: 八}]
  employee.large.cap: [{since: 2020-01-01, value: 400000, source: t, article: 八}]
  employee.outpatient.deductible: [{since: 2020-01-01, value: {in_service: 1000, retired: 500}, source: t, article: 九}]
  employee.outpatient.fund_ratio:
    - since: 2020-01-01
      source: t
      article: 九
      value:
        in_service: {"0": [{rate: 0.80}], "1": [{rate: 0.70}], "2": [{rate: 0.60}], "3": [{rate: 0.50}]}
        retired: {"0": [{rate: 0.85}], "1": [{rate: 0.75}], "2": [{rate: 0.65}], "3": [{rate: 0.55}]}
  employee.outpatient.annual_cap: [{since: 2020-01-01, value: {in_service: 3000, retired: 4000}, source: t, article: 九}]
  employee.chronic.deductible: [{since: 2020-01-01, value: 300, source: t, article: 十}]
  employee.chronic.fund_ratio:
    - {since: 2020-01-01, source: t, article: 十, value: {in_service: {"1": [{rate: 0.8}], "2": [{rate: 0.8}], "3": [{rate: 0.8}]}, retired: {"1": [{rate: 0.85}], "2": [{rate: 0.85}], "3": [{rate: 0.85}]}}}
  employee.chronic.annual_cap: [{since: 2020-01-01, value: 10000, source: t, article: 十}]
  resident.inpatient.deductible:
    - {since: 2020-01-01, value: {"1": [200], "2": [500, 400], "3": [1000, 800]}, source: t, article: 十一}
  resident.inpatient.fund_ratio:
    - since: 2020-01-01
      source: t
      article: 十一
      value:
        all: {"1": [{rate: 0.85}], "2": [{rate: 0.75}], "3": [{rate: 0.60}]}
        minor: {"1": [{rate: 0.90}], "2": [{rate: 0.85}], "3": [{rate: 0.80}]}
  resident.inpatient.annual_cap: [{since: 2020-01-01, value: 200000, source: t, article: 十二}]
  resident.serious.threshold: [{since: 2020-01-01, value: 15000, source: t, article: 十三}]
  resident.serious.bands: [{since: 2020-01-01, value: [{upto: 100000, rate: 0.60}, {rate: 0.70}], source: t, article: 十三}]
  resident.serious.cap: [{since: 2020-01-01, value: 300000, source: t, article: 十三}]
  resident.outpatient.deductible: [{since: 2020-01-01, value: {all: 0}, source: t, article: 十四}]
  resident.outpatient.fund_ratio:
    - {since: 2020-01-01, source: t, article: 十四, value: {all: {"0": [{rate: 0.6}], "1": [{rate: 0.5}], "2": [{rate: 0.5}], "3": [{rate: 0.5}]}}}
  resident.outpatient.annual_cap: [{since: 2020-01-01, value: {all: 600}, source: t, article: 十四}]
  resident.chronic.deductible: [{since: 2020-01-01, value: 0, source: t, article: 十五}]
  resident.chronic.fund_ratio:
    - {since: 2020-01-01, source: t, article: 十五, value: {all: {"1": [{rate: 0.6}], "2": [{rate: 0.6}], "3": [{rate: 0.6}]}}}
"""


def fixture_policy() -> Policy:
    catalogue = load_catalogue()
    return Policy(catalogue, {NATIONAL: parse_pack(NATIONAL_PACK, catalogue, "test")})
