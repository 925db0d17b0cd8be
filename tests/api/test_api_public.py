"""Public, read-only HTTP operations and their error documents."""

from __future__ import annotations

CLAIM = {
    "person": {"psn_no": "P1", "insutype": "310", "insuplc_admdvs": "540100"},
    "encounter": {"med_type": "21", "hosp_lv": 3, "mdtrtarea_admvs": "540100",
                  "begndate": "2025-05-01", "enddate": "2025-05-10"},
    "fees": [{"code": "A", "chrg_item_lv": "01", "amount": "20000"}],
}  # fmt: skip


def test_presettle_lasa(client):
    r = client.post("/api/presettle", json=CLAIM)
    assert r.status_code == 200
    info = r.json()["setlinfo"]
    # 拉萨 三级, 1st stay: (20000 − 700) × 85% = 16405.00; person 3595.00
    assert info["hifp_pay"] == 16405.00 and info["psn_part_amt"] == 3595.00
    assert '"hifp_pay": 16405.00' in r.text  # exact decimals, as numbers


def test_invalid_claim_is_problem_json_naming_fields(client):
    bad = {**CLAIM, "fees": [{"code": "A", "chrg_item_lv": "09", "amount": "-1"}]}
    r = client.post("/api/presettle", json=bad)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"fees.0.chrgitm_lv", "fees.0.amount"} <= fields


def test_unsettleable_claim_is_422_not_500(client):
    bad = {**CLAIM, "encounter": {**CLAIM["encounter"], "hosp_lv": 2}}
    r = client.post("/api/presettle", json=bad)
    assert r.status_code == 422 and "二级" in r.json()["detail"]


def test_check_withdrawal_and_unknown_region(client):
    r = client.post("/api/checks/withdrawal", json={"region": "拉萨", "reason": "death"})
    assert r.status_code == 200
    body = r.json()
    assert body["outcome"] == "allowed" and body["region"]["admdvs"] == "540100"
    assert all("source" in b for b in body["basis"])
    r = client.post("/api/checks/withdrawal", json={"region": "拉撒", "reason": "death"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "region"
    assert r.json()["suggestions"][0]["admdvs"] == "540100"


def test_check_bad_fact_names_field(client):
    r = client.post("/api/checks/newborn", json={"region": "拉萨", "birth_date": "2025-02-30"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "birth_date"


def test_policy_and_compare(client):
    r = client.get("/api/policy", params={"region": "拉萨", "date": "2025-04-16",
                                          "group": "inpatient"})  # fmt: skip
    ded = next(
        p for p in r.json()["parameters"] if p["parameter"] == "employee.inpatient.deductible"
    )
    assert ded["value"]["3"][0] == 700
    r = client.get("/api/compare", params={"region": "540100", "date": "2025-04-16"})
    assert r.status_code == 200 and r.json()["rows"]
    assert client.get("/api/policy", params={"region": "拉萨", "group": "x"}).status_code == 422


def test_openapi_and_home(client):
    assert "/api/presettle" in client.get("/openapi.json").json()["paths"]
    home = client.get("/")
    assert home.status_code == 200 and "问答" in home.text


def test_calculator_page_and_errors(client):
    r = client.post("/calc", data={"region": "拉萨", "amt_a": "20000"})
    assert r.status_code == 200 and "16405.00" in r.text and "money-chart" in r.text
    r = client.post("/calc", data={"region": "拉萨", "amt_a": "两万"})
    assert r.status_code == 422 and "甲类费用" in r.text
    r = client.post("/calc", data={"region": "火星", "amt_a": "1"})
    assert r.status_code == 422 and "火星" in r.text


def test_account_page_needs_staff(client, keys):
    assert client.get("/account").status_code == 401
    hospital = keys.add("医院A", "hospital", hospital="H001")
    client.cookies.set("yibao_key", hospital)
    assert client.get("/account").status_code == 401
    staff = keys.add("经办员", "staff")
    r = client.post("/login", data={"key": staff}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.set("yibao_key", staff)
    assert client.get("/account").status_code == 200


def test_api_ask_same_shape_as_cli(client):
    r = client.post("/api/ask", json={"question": "在拉萨三级医院住院花了2万,职工医保能报多少"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"intent", "region", "slots", "answer", "missing", "basis"}
    assert body["intent"] == "reimbursement" and body["region"]["admdvs"] == "540100"
    # (20000 − 700) × 85% = 16405 appears in the computed answer
    assert "16405" in body["answer"].replace(",", "")
    assert client.post("/api/ask", json={"question": ""}).status_code == 422


def test_calculator_class_b_needs_a_ratio_where_none_is_recorded(client):
    # no shipped pack records 拉萨's 乙类先行自付比例: without one the page says so
    r = client.post("/calc", data={"region": "拉萨", "amt_a": "10000", "amt_b": "10000"})
    assert r.status_code == 422 and "先行自付" in r.text
    # with 10%: 乙类 10000 → 1000 先行自付, in scope 10000 + 9000 = 19000;
    # fund (19000 − 700) × 85% = 15555.00
    r = client.post("/calc", data={"region": "拉萨", "amt_a": "10000", "amt_b": "10000",
                                   "b_prop": "10"})  # fmt: skip
    assert r.status_code == 200 and "15555.00" in r.text
