"""The web UI in a real browser at phone width; screenshots go to out/screenshots/."""

from __future__ import annotations

from tests.browser.conftest import SHOTS


def test_calculator_shows_breakdown_and_chart(live_app, page):
    page.goto(live_app["url"] + "/calc?mode=detail")
    page.fill("#region", "拉萨")
    page.select_option("#insutype", "310")
    page.select_option("#hosp_lv", "3")
    page.fill("#amt_a", "20000")
    page.click("main button[type=submit]")
    result = page.locator("#result")
    # 拉萨 三级 1st stay: fund (20000 − 700) × 85% = 16405.00, person 3595.00
    assert "16405.00" in result.inner_text()
    assert page.locator("svg.money-chart rect").count() >= 2
    page.screenshot(path=str(SHOTS / "calculator.png"), full_page=True)


def test_calculator_bad_amount_shows_message(live_app, page):
    page.goto(live_app["url"] + "/calc?mode=detail")
    page.fill("#amt_a", "两万")
    page.click("main button[type=submit]")
    assert "甲类费用" in page.locator(".error").inner_text()


def test_withdrawal_checker(live_app, page):
    page.goto(live_app["url"] + "/check/withdrawal")
    page.fill("#region", "拉萨")
    if page.locator("select#reason").count():
        page.select_option("#reason", "death")
    else:  # until the rule's input model lists the reasons
        page.fill("#reason", "death")
    page.click("main button[type=submit]")
    text = page.locator("#decision").inner_text()
    assert "可以" in text and "死亡证明" in text
    page.screenshot(path=str(SHOTS / "withdrawal.png"), full_page=True)


def test_account_page_public_refused_staff_allowed(live_app, page):
    page.goto(live_app["url"] + "/account")
    assert "仅限医保经办人员" in page.locator(".error").inner_text()
    page.fill("#key", live_app["staff_key"])
    page.click("main button[type=submit]")
    page.wait_for_url("**/account")
    assert "经办人员" in page.inner_text("body") and page.locator("#q").count() == 1
    page.fill("#q", "LS0001")  # a demo person: 拉萨 employee bound to 卓玛 (spouse)
    page.click("main button[type=submit]")
    account = page.locator("#account").inner_text()
    assert (
        "拉萨市" in account
        and "LS0002" in account
        and "配偶" in account
        and "个人账户划入" in account
    )
    page.screenshot(path=str(SHOTS / "account.png"), full_page=True)


def test_ask_seed_question_shows_cited_answer(live_app, page):
    page.goto(live_app["url"] + "/")
    page.fill("#q", "拉萨医保卡里的钱能取出来吗?")
    page.click("main button[type=submit]")
    answer = page.locator("#answer")
    text = answer.inner_text()
    assert "拉萨市" in text and "来源" in text
    # the sources list names the seed page the 拉萨 withdrawal rules come from
    assert "拉萨医保卡里的钱能取出来吗" in text.split("来源", 1)[1]
    page.screenshot(path=str(SHOTS / "ask.png"), full_page=True)
