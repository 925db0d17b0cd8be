"""Withdrawal: every case of the seed pages, in three regions (全国 default via 林芝, 杭州, 上海)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_rules_packs import HANGZHOU, LASA, LINZHI, POLICY, SHANGHAI, basis_names, view
from yibao.policy.resolve import Policy
from yibao.policy.schema import PolicyError
from yibao.rules.common import FactError, add_working_days
from yibao.rules.withdrawal import ALLOWED_CASES, FORBIDDEN, check_withdrawal, reason_code

# 林芝 has no pack in the test policy: it follows the national list (8 cases).
NATIONAL_ALLOWED = [
    "death",
    "emigration",
    "retire_abroad",
    "moved_no_transfer",
    "public_medical_employer",
    "quit_employee_scheme",
    "long_term_offsite",
    "serious_disease",
]


@pytest.mark.parametrize("reason", NATIONAL_ALLOWED)
def test_every_national_case_allowed_with_its_materials(reason):
    d = check_withdrawal(view(LINZHI), reason)
    assert d.outcome == "allowed"
    assert d.materials  # from employee.withdrawal.materials[reason]
    assert "提取后个人账户注销。" in d.consequences
    assert "employee.withdrawal.allowed_reasons" in basis_names(d)
    assert "employee.withdrawal.materials" in basis_names(d)
    assert any("12393" in s for s in d.next_steps)
    assert d.region == {"name": "林芝市", "admdvs": "540400"}


def test_military_not_in_national_test_list():
    d = check_withdrawal(view(LINZHI), "military")
    assert d.outcome == "not_allowed"
    assert "不包括" in d.reasons[0]


def test_death_materials_and_heirs():
    d = check_withdrawal(view(LINZHI), "death")
    assert d.materials == ["死亡证明", "继承关系证明"]
    assert any("继承" in c for c in d.consequences)
    # death: no "re-enrol" line (the member has died)
    assert not any("重新参保" in c for c in d.consequences)


def test_quit_consequence_reenrol():
    d = check_withdrawal(view(LINZHI), "quit_employee_scheme")
    assert any("重新参保" in c for c in d.consequences)


def test_long_term_offsite_needs_filing():
    assert (
        check_withdrawal(view(LINZHI), "long_term_offsite", filing_done=True).outcome == "allowed"
    )
    d = check_withdrawal(view(LINZHI), "long_term_offsite", filing_done=False)
    assert d.outcome == "not_allowed"
    assert any("备案" in r for r in d.reasons)


def test_moved_destination_accepting_balance_means_transfer_not_withdrawal():
    assert check_withdrawal(view(LINZHI), "moved_no_transfer").outcome == "allowed"
    d = check_withdrawal(view(LINZHI), "moved_no_transfer", destination_accepts_balance=True)
    assert d.outcome == "not_allowed"
    assert any("转移接续" in s for s in d.next_steps)


def test_serious_disease_counts_from_pack():
    # 2025: 74 serious diseases + 12 rare ones (rare count in force since 2025-01-01)
    d = check_withdrawal(view(LINZHI), "serious_disease")
    assert any("74种" in r and "12种" in r for r in d.reasons)
    # 2024: the rare-disease count is not in force yet → only 74
    d24 = check_withdrawal(view(LINZHI, dt.date(2024, 6, 1)), "serious_disease")
    assert any("74种" in r for r in d24.reasons)
    assert not any("12种" in r for r in d24.reasons)
    no_proof = check_withdrawal(view(LINZHI), "serious_disease", hospital_proof=False)
    assert no_proof.outcome == "not_allowed"


def test_emergency_refund_across_national_day_2025():
    # Advance on Tue 2025-09-30. 国庆/中秋 2025: 10-01..10-08 off; Sat 10-11 is a makeup workday.
    # Working days after 09-30: 10-09 (1), 10-10 (2), 10-11 Sat makeup (3), 10-13 (4),
    # 10-14 (5), 10-15 (6), 10-16 (7) → refund by 2025-10-16.
    d = check_withdrawal(view(LINZHI), "emergency_refund", advance_date=dt.date(2025, 9, 30))
    assert d.outcome == "allowed"
    assert d.facts["refund_by"] == "2025-10-16"
    assert d.facts["working_days"] == 7
    # 上海's own (test) figure is 3 working days: 10-09, 10-10, 10-11 → 2025-10-11.
    s = check_withdrawal(view(SHANGHAI), "emergency_refund", advance_date=dt.date(2025, 9, 30))
    assert s.facts["refund_by"] == "2025-10-11"


def test_working_days_plain_week():
    # Mon 2025-06-02 + 7 working days: 06-03..06-06 (4), 06-09..06-11 (7) → 2025-06-11
    assert add_working_days(dt.date(2025, 6, 2), 7) == (dt.date(2025, 6, 11), True)
    # 0 days: the same day
    assert add_working_days(dt.date(2025, 6, 2), 0) == (dt.date(2025, 6, 2), True)


@pytest.mark.parametrize("reason", list(FORBIDDEN))
def test_forbidden_everywhere(reason):
    for code in (LINZHI, HANGZHOU, SHANGHAI, LASA):
        d = check_withdrawal(view(code), reason)
        assert d.outcome == "not_allowed"
        assert any("刑事" in c for c in d.consequences)


def test_pension_account_never():
    d = check_withdrawal(view(LINZHI), "养老保险")
    assert d.facts["reason"] == "pension_account"
    assert d.outcome == "not_allowed"
    assert any("养老保险个人账户" in r for r in d.reasons)


def test_cash_out_wechat_alias():
    assert reason_code("微信") == "cash_out"
    assert reason_code("支付宝") == "cash_out"
    d = check_withdrawal(view(LINZHI), "微信")
    assert "employee.withdrawal.forbidden" in basis_names(d)


def test_hangzhou_variation():
    # 杭州 lists 4 cases only: serious disease and long-term off-site are not among them.
    for reason in (
        "serious_disease",
        "long_term_offsite",
        "public_medical_employer",
    ):
        d = check_withdrawal(view(HANGZHOU), reason)
        assert d.outcome == "not_allowed", reason
        assert d.basis[0]["pack"] == HANGZHOU
    # 杭州 allows 出国（境）定居, so a retiree who emigrates may withdraw too (review D5).
    r = check_withdrawal(view(HANGZHOU), "retire_abroad")
    assert r.outcome == "allowed"
    assert any("出国（境）定居" in x for x in r.reasons)
    d = check_withdrawal(view(HANGZHOU), "death")
    assert d.outcome == "allowed"
    assert d.materials == ["死亡证明", "继承人身份证", "亲属关系证明"]
    assert any("杭州市" in n for n in d.notes)  # local rule flagged
    # 杭州 has no materials entry for quit_employee_scheme: allowed, with a note instead.
    q = check_withdrawal(view(HANGZHOU), "quit_employee_scheme")
    assert q.outcome == "allowed" and q.materials == []
    assert any("材料未收录" in n for n in q.notes)


def test_shanghai_variation():
    assert check_withdrawal(view(SHANGHAI), "serious_disease").outcome == "allowed"
    assert check_withdrawal(view(SHANGHAI), "quit_employee_scheme").outcome == "not_allowed"
    assert check_withdrawal(view(SHANGHAI), "death").region == {
        "name": "上海市",
        "admdvs": "310000",
    }


def test_lasa_follows_national_list():
    d = check_withdrawal(view(LASA), "death")
    assert d.outcome == "allowed"
    assert d.region == {"name": "拉萨市", "admdvs": "540100"}


def test_every_case_code_is_known():
    assert set(NATIONAL_ALLOWED) <= set(ALLOWED_CASES)
    with pytest.raises(FactError) as e:
        reason_code("lottery")
    assert e.value.field == "reason"


def test_missing_list_is_a_clear_policy_error():
    empty = Policy(POLICY.catalogue, {})
    with pytest.raises(PolicyError, match="可以提取个人账户余额的情形"):
        check_withdrawal(empty.view(LASA, dt.date(2025, 6, 1)), "death")


def test_missing_optional_figures_are_noted():
    # A policy whose only withdrawal parameter is the list: materials, closure, counts absent.
    from tests.test_rules_packs import CATALOGUE, SOURCES
    from yibao.policy.loader import parse_pack

    text = (
        'admdvs: "000000"\nname: 全国\n'
        + SOURCES
        + "parameters:\n  employee.withdrawal.allowed_reasons: "
        "[{since: 2020-01-01, value: [death, serious_disease], source: t, article: 一}]\n"
    )
    p = Policy(CATALOGUE, {"000000": parse_pack(text, CATALOGUE)})
    v = p.view(LASA, dt.date(2025, 6, 1))
    d = check_withdrawal(v, "death")
    assert d.outcome == "allowed"
    assert any("尚未收录" in n for n in d.notes)
    s = check_withdrawal(v, "serious_disease")
    assert any("病种数未收录" in r for r in s.reasons)
    e = check_withdrawal(v, "emergency_refund", advance_date=dt.date(2025, 9, 30))
    assert "refund_by" not in e.facts
    assert any("尚未收录" in n for n in e.notes)
