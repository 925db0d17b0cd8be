"""问答: the ask page (the question box and the cited answer)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from yibao.web.pages import page

router = APIRouter(include_in_schema=False)
_md = MarkdownIt("commonmark", {"html": False}).enable("table")


# --- 问答 -----------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str | None = None, c: str | None = None):
    if q:
        return _answer(request, q.strip(), c)
    return page(request, "ask.html", title="问答")


@router.post("/", response_class=HTMLResponse)
async def ask_post(request: Request):
    form = await request.form()
    question = str(form.get("question", "")).strip()
    token = str(form.get("conversation", "")).strip() or None
    if not question:
        return page(request, "ask.html", 422, title="问答", error="请输入问题。")
    return _answer(request, question, token)


FOLLOWUP_HINTS = {
    "region": "如：拉萨",
    "amount": "如：花了2万",
    "wage": "如：8000元",
    "lapse_months": "如：3个月",
    "paid_years": "如：交了15年",
    "destination": "如：北京",
    "dates": "如：2026年11月20日出生",
}


def _answer(request: Request, question: str, token: str | None = None) -> HTMLResponse:
    from yibao.qa.answer import ConversationError, ask
    from yibao.qa.intents import INTENTS

    if len(question) > 500:
        return page(
            request,
            "ask.html",
            422,
            title="问答",
            question=question[:500],
            error="问题太长，请控制在500字以内。",
        )
    notice = None
    try:
        result = ask(question, conversation_token=token)
    except ConversationError:
        notice = "上一段对话已失效，已按新问题作答。"
        result = ask(question)
    return page(
        request,
        "ask.html",
        title="问答",
        error=notice,
        question=question,
        result=result,
        conversation=result["conversation"],
        followup_hint=FOLLOWUP_HINTS,
        intent_zh=INTENTS.get(result["intent"], ""),
        answer_html=_md.render(result["answer"]),
    )
