"""Every page at a phone's size (390×844) and a desk's (1280×900): no sideways scrolling, the
API documentation with no request leaving the machine, every checker run end to end, the
calculator from a total cost alone, large-font mode and keyboard use."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import SHOTS

VIEWPORTS = {"phone": (390, 844), "desk": (1280, 900)}
PUBLIC_PAGES = [
    "/",
    "/?q=拉萨医保卡里的钱能取出来吗",
    "/?q=拉萨职工医保和居民医保报销差别有多少",
    "/calc",
    "/calc?mode=detail",
    "/check",
    "/coverage",
    "/login",
    "/docs",
    "/redoc",
]
CODE_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\.[a-z_]+\b")  # snake_case, dotted


def _overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0: no sideways scroll)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def _login(page, live_app) -> None:
    page.goto(live_app["url"] + "/login")
    page.fill("#key", live_app["staff_key"])
    page.click("main button[type=submit]")
    page.wait_for_url("**/account")


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def sized(request, browser):
    w, h = VIEWPORTS[request.param]
    ctx = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    yield request.param, pg
    ctx.close()


def _checker_pages() -> list[str]:
    from yibao.present import CHECK_RULES

    return [f"/check/{r}" for r in CHECK_RULES]


def test_every_page_fits_the_screen(live_app, sized):
    name, page = sized
    wide = {}
    for path in PUBLIC_PAGES + _checker_pages():
        page.goto(live_app["url"] + path)
        page.wait_for_load_state("load")
        if path in ("/docs", "/redoc"):
            continue  # third-party viewers; rendered and checked offline below
        wide[path] = _overflow(page)
    # pages that exist only after an action: a calculator result, a checker decision, the desk
    page.goto(live_app["url"] + "/calc")
    page.click("main form button[type=submit]")
    page.locator("#result").wait_for()
    wide["/calc (result)"] = _overflow(page)
    page.goto(live_app["url"] + "/check/withdrawal")
    page.click("main form button[type=submit]")
    page.locator("#decision, #error").first.wait_for()
    wide["/check/withdrawal (decision)"] = _overflow(page)
    _login(page, live_app)
    wide["/account"] = _overflow(page)
    page.goto(live_app["url"] + "/account?psn_no=LS0001")
    wide["/account?psn_no=LS0001"] = _overflow(page)
    page.screenshot(path=str(SHOTS / f"desk-{name}.png"), full_page=True)
    assert {p: w for p, w in wide.items() if w > 0} == {}


def test_api_docs_render_with_no_request_leaving_the_machine(live_app, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host not in ("127.0.0.1", "localhost") and not route.request.url.startswith("data:"):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.goto(live_app["url"] + "/docs")
    page.locator(".swagger-ui .info .title").wait_for(timeout=20000)
    assert "yibao" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 10  # the operations are listed
    page.screenshot(path=str(SHOTS / "docs.png"))
    page.goto(live_app["url"] + "/redoc")
    heading = page.locator("h1", has_text="yibao")
    heading.wait_for(timeout=20000)
    assert page.get_by_text("规则判定").count() > 1  # the operations are listed
    page.screenshot(path=str(SHOTS / "redoc.png"))
    ctx.close()
    assert outside == []


def test_new_user_estimates_a_stay_from_the_total_alone(live_app, page):
    page.goto(live_app["url"] + "/calc")
    assert page.locator("label[for=nth]").inner_text() == "这是今年第几次住院"
    page.fill("#region", "拉萨")
    page.fill("#total", "2万")
    page.click("main form button[type=submit]")
    result = page.locator("#result").inner_text()
    # 拉萨 在职 三级, first stay, everything assumed 甲类: fund (20000 − 700) × 85% = 16405.00
    assert "16405.00" in result
    assumptions = page.locator("#assumptions").inner_text()
    assert "甲类" in assumptions and "0%" in assumptions  # the assumption is stated, not hidden
    assert not CODE_NAME.search(result), CODE_NAME.search(result)
    page.screenshot(path=str(SHOTS / "calc-total.png"), full_page=True)

    # the person changes the assumption: 10% 自费 → 甲类 18000; fund (18000 − 700) × 85% = 14705
    page.fill("#share_c", "10")
    page.click("main form button[type=submit]")
    assert "14705.00" in page.locator("#result").inner_text()

    # second stay this year: deductible 500 (seed table) → (20000 − 500) × 85% = 16575.00
    page.fill("#share_c", "0")
    page.fill("#nth", "2")
    page.click("main form button[type=submit]")
    assert "16575.00" in page.locator("#result").inner_text()


def test_a_missing_figure_says_what_to_do_in_plain_chinese(live_app, page):
    page.goto(live_app["url"] + "/calc")
    page.fill("#region", "拉萨")
    page.select_option("#insutype", "390")
    page.select_option("#hosp_lv", "2")
    page.fill("#total", "8000")
    page.click("main form button[type=submit]")
    msg = page.locator("#error").inner_text()
    assert "暂未收录" in msg and "您可以" in msg
    assert not CODE_NAME.search(msg), msg


def test_the_result_explains_bands(live_app, page):
    page.goto(live_app["url"] + "/calc")
    page.fill("#region", "北京")
    page.fill("#total", "50000")
    page.click("main form button[type=submit]")
    bands = page.locator("#bands").inner_text()
    assert bands.count("报销") >= 2 and "落在这一段" in bands


def _fill_required(page, form) -> None:
    """Give each required field a plausible value: the first choice of a list, a past date, a
    small number; free text from a short table of examples."""
    examples = {  # free-text facts (coded facts are lists to choose from)
        "to_admdvs": "北京",
        "item": "美容",
        "reason": "death",
        "scheme": "resident",
        "filing": "temporary",
        "relation": "spouse",
        "psn_type": "in_service",
        "sex": "男",
        "topic": "effective",
    }
    if form.locator("details").count():
        form.locator("details").evaluate("d => d.open = true")
    asked = ":scope > .row [required], :scope > .row select"
    extra = ", ".join(f"details [name={n}]" for n in examples)
    for el in form.locator(f"{asked}, {extra}").all():
        name = el.get_attribute("name")
        if not name or (el.input_value() and name not in examples):
            continue
        tag = el.evaluate("e => e.tagName")
        if tag == "SELECT":
            values = [v for o in el.locator("option").all() if (v := o.get_attribute("value"))]
            el.select_option(examples[name] if examples.get(name) in values else values[0])
        elif el.get_attribute("type") == "date":
            el.fill("2026-03-01")
        elif name in examples:
            el.fill(examples[name])
        elif el.get_attribute("inputmode") == "numeric":
            el.fill("3")
        else:
            el.fill(examples.get(name, "拉萨"))


def test_every_checker_runs(live_app, page):
    outcomes, followups = {}, {}
    for path in _checker_pages():
        page.goto(live_app["url"] + path)
        form = page.locator("#check-form")
        if path.endswith("/contribution"):
            form.locator("#region").fill("北京")  # 拉萨's contribution rates are not recorded
        _fill_required(form.page, form)
        form.locator("button[type=submit]").click()
        page.locator("#decision, #error").first.wait_for()
        if page.locator("#error").count() and page.locator("[aria-invalid=true]").count():
            # a fact the rule needs: the page marks that field; the person fills it in
            field = page.locator("[aria-invalid=true]").first
            assert field.is_visible(), path
            followups[path] = field.get_attribute("name")
            field.fill("2026-11-01" if field.get_attribute("type") == "date" else "8000")
            page.locator("#check-form button[type=submit]").click()
            page.locator("#decision, #error").first.wait_for()
        assert page.locator("#error").count() == 0, (path, page.locator("#error").inner_text())
        outcomes[path] = page.locator("#decision .outcome").inner_text()
        assert page.locator("#decision .sources li").count() >= 1, path
    assert len(outcomes) == 10 and all(outcomes.values()), outcomes


def test_large_font_mode_and_keyboard(live_app, page):
    page.goto(live_app["url"] + "/calc")
    base = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.click("header form.font button")
    page.wait_for_url("**/calc")
    large = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large > base * 1.2
    assert _overflow(page) == 0  # large type still fits the phone screen
    # keyboard: the first Tab reaches the skip link; the form submits with Enter
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "跳到正文"
    page.focus("#total")
    page.keyboard.press("Enter")
    page.locator("#result").wait_for()
    page.click("header form.font button")  # back to the normal size for the other tests


def test_staff_desk_finds_a_person_and_acts_with_confirmation(live_app, page):
    _login(page, live_app)
    persons = page.locator("#persons").inner_text()
    assert all(p in persons for p in ("LS0001", "LS0002", "BJ0001"))  # the demo people listed
    # found by the masked ID number printed on the list, in lower-case input too
    masked = page.locator("#persons tr", has_text="LS0002").locator("td").nth(2).inner_text()
    page.fill("#q", masked)
    page.click("main form[role=search] button")
    assert "卓玛 · LS0002" in page.locator("#account h2").inner_text()
    page.fill("#q", "ls0001")
    page.click("main form[role=search] button")
    account = page.locator("#account").inner_text()
    assert "扎西 · LS0001" in account and "职工基本医疗保险" in account and "参保中" in account

    # unbind 卓玛: a confirmation page first, nothing done until confirmed
    page.locator("summary", has_text="家庭共济").click()
    page.click("form[action$='/unbind'] button")
    assert "请确认" in page.locator("h1").inner_text()
    assert "LS0002" in page.locator("#confirm").inner_text()
    page.click("#confirm-yes")
    page.wait_for_url("**/account?psn_no=LS0001&done=unbind*")
    assert "已办理" in page.locator("#done").inner_text()
    trail = page.locator("#audit").inner_text()
    assert "解除家庭共济" in trail and "测试经办员" in trail  # the clerk's key is on the record
    assert "已解除" in page.locator("#account").inner_text()

    # bind again (so the other tests see the demo as it was), through the same two steps
    page.locator("summary", has_text="家庭共济").click()
    page.fill("#bind-ben", "LS0002")
    page.select_option("#bind-rel", "spouse")
    page.click("form[action$='/bind'] button")
    page.click("#confirm-yes")
    page.wait_for_url("**done=bind*")
    assert "绑定家庭共济" in page.locator("#audit").inner_text()
    page.screenshot(path=str(SHOTS / "desk-action.png"), full_page=True)
