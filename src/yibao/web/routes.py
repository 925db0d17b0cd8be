"""问答: the ask page (the question box and the cited answer)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from yibao.web.pages import page

router = APIRouter(include_in_schema=False)
_md = MarkdownIt("commonmark", {"html": False}).enable("table")

INTENT_ZH = {
    "withdrawal": "个人账户提取",
    "reimbursement": "报销待遇",
    "offsite": "异地就医",
    "family_aid": "家庭共济",
    "balance": "余额查询",
    "transfer": "转移接续",
    "lapse": "断缴与补缴",
    "newborn": "新生儿参保",
    "contribution": "缴费标准",
    "lifetime": "最低缴费年限",
    "excluded": "不予支付项目",
    "enrollment": "参保登记",
    "account_credit": "个人账户划入",
    "out_of_scope": "超出范围",
}


# --- 问答 -----------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str | None = None):
    if q:
        return _answer(request, q)
    return page(request, "ask.html", title="问答")


@router.post("/", response_class=HTMLResponse)
async def ask_post(request: Request):
    form = await request.form()
    question = str(form.get("question", "")).strip()
    if not question:
        return page(request, "ask.html", 422, title="问答", error="请输入问题。")
    return _answer(request, question)


def _answer(request: Request, question: str) -> HTMLResponse:
    from yibao.qa.answer import ask

    if len(question) > 500:
        return page(
            request,
            "ask.html",
            422,
            title="问答",
            question=question[:500],
            error="问题太长，请控制在500字以内。",
        )
    result = ask(question)
    return page(
        request,
        "ask.html",
        title="问答",
        question=question,
        result=result,
        intent_zh=INTENT_ZH.get(result["intent"], result["intent"]),
        answer_html=_md.render(result["answer"]),
    )
