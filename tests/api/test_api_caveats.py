"""Disputed figures and bounds reach API responses and pages; the 数据来源与覆盖 page."""

from __future__ import annotations

import re

LASA_STAY = {
    "person": {
        "psn_no": "P1",
        "insutype": "310",
        "psn_type": "in_service",
        "insuplc_admdvs": "540100",
    },
    "encounter": {
        "med_type": "21",
        "hosp_lv": 3,
        "mdtrtarea_admvs": "540100",
        "begndate": "2025-06-01",
        "enddate": "2025-06-05",
    },
    "fees": [{"code": "A", "chrgitm_lv": "01", "amount": "20000"}],
}


def test_presettle_carries_caveats(client):
    r = client.post("/api/presettle", json=LASA_STAY)
    assert r.status_code == 200, r.text
    body = r.json()
    # (20000 − 700) × 85% = 16405: computed on 西藏's disputed seed figures
    assert body["setlinfo"]["hifp_pay"] == 16405
    assert body["caveats"] and all("存在争议" in c for c in body["caveats"])
    ded = next(t for t in body["trace"] if t["step"] == "deductible")
    assert "存在争议" in ded["detail"]


def test_policy_shows_bounds_as_bounds(client):
    r = client.get("/api/policy", params={"region": "北京", "date": "2026-06-01"})
    assert r.status_code == 200
    params = {p["parameter"]: p for p in r.json()["parameters"]}
    bounded = [p for p in params.values() if p["bound"]]
    assert bounded, "the national pack states its floors and ceilings as bounds"
    for p in bounded:
        assert re.match(r"^(不低于|不超过|最长)", p["shown"]), p
        assert p["caveat"] and "当地" in p["caveat"]


def test_coverage_page_linked_and_chinese(client):
    home = client.get("/")
    assert 'href="/coverage"' in home.text
    r = client.get("/coverage")
    assert r.status_code == 200
    html = r.text
    assert "数据来源与覆盖" in html and "西藏自治区" in html and "官方原文" in html
    table = html[html.index('id="coverage"') :]
    # no parameter names or English codes in the table a citizen reads
    assert not re.search(r"\b(employee|resident|common)\.[a-z_.]+", table)
    assert "缺" in table or "齐全" in table


def test_check_on_a_disputed_figure_is_never_a_bare_outcome(client):
    # 拉萨 lifetime years come from 西藏's disputed seed figure (男25年): the outcome is qualified
    r = client.post(
        "/api/checks/lifetime",
        json={"region": "拉萨", "date": "2025-06-01", "sex": "male", "years": 30},
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["disputed"] is True
    assert d["outcome_zh"] != "已达到最低缴费年限" and "存在争议" in d["outcome_zh"]
    assert any("存在争议" in c for c in d["caveats"])


def test_compare_marks_disputed_and_bounded_cells(client):
    r = client.get("/api/compare", params={"region": "拉萨", "date": "2026-06-01"})
    assert r.status_code == 200
    rows = {row["topic"]: row for row in r.json()["rows"]}
    # 拉萨 reads 西藏's disputed seed deductibles; the national personal contribution is a floor
    assert rows["住院起付线"]["employee"]["text"].endswith("（存在争议）")
    assert rows["个人缴费"]["resident"]["text"].startswith("不低于")
