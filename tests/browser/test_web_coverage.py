"""数据来源与覆盖 and disputed-figure notes, in a real browser at phone width."""

from __future__ import annotations

from tests.browser.conftest import SHOTS


def test_coverage_page_from_the_nav(live_app, page):
    page.goto(live_app["url"] + "/calc")
    page.click("header >> text=数据来源与覆盖")
    assert page.url.endswith("/coverage")
    sources = page.locator("#sources")
    assert sources.locator("tbody tr").count() >= 10  # one row per region with a pack
    assert "西藏自治区" in sources.inner_text() and "官方原文" in sources.inner_text()
    missing = page.locator("#missing")
    first = missing.locator("details").first
    first.locator("summary").click()  # which figures are missing opens on demand
    assert first.locator(".muted").is_visible()
    page.screenshot(path=str(SHOTS / "coverage.png"), full_page=True)


def test_calculator_says_the_lasa_figures_are_disputed(live_app, page):
    page.goto(live_app["url"] + "/calc?mode=detail")
    page.fill("#region", "拉萨")
    page.select_option("#insutype", "310")
    page.select_option("#hosp_lv", "3")
    page.fill("#amt_a", "20000")
    page.click("main button[type=submit]")
    notes = page.locator("#result .caveats")
    assert notes.is_visible() and "存在争议" in notes.inner_text()
