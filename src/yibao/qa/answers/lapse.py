"""断缴补缴: whether benefits continue after a lapse or a waiting period applies."""

from __future__ import annotations

from functools import partial
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import ASK_LAPSE, ASK_SCHEME, SCHEME_NAMES, run
from yibao.qa.render import Reply, param_lines
from yibao.rules import waiting


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    months = s.get("lapse_months")
    schemes = [s["insurance"]] if "insurance" in s else ["employee", "resident"]
    if months is None:
        reply.ask(ASK_LAPSE)
    else:
        reply.assume(f"按中断{months}个月计算。")
    if len(schemes) > 1:
        reply.ask(ASK_SCHEME)
        reply.assume("您没有说明险种，下面分别说明职工医保和居民医保。")
    parts = []
    for scheme in schemes:
        prefix = f"{SCHEME_NAMES[scheme]}：" if len(schemes) > 1 else ""
        if scheme == "employee" and months is None:
            lines = param_lines(view, ["employee.waiting.grace_months", "employee.waiting.after_grace_months",
                                       "employee.waiting.cross_scheme_grace_months"], reply)  # fmt: skip
            reply.section(prefix + "条件与依据", lines or ["职工医保断缴补缴规则尚未收录。"])
            grace = view.optional("employee.waiting.grace_months")
            after = view.optional("employee.waiting.after_grace_months")
            if grace and after:
                parts.append(
                    f"职工医保中断{grace.shown_in(view.admdvs)}以内补缴，待遇可以接续；"
                    f"超过的，重新缴费后的等待期为{after.shown_in(view.admdvs)}"
                )
            continue
        kw: dict[str, Any] = {"lapse_months": months or 0}
        d = run(reply, partial(waiting.check_waiting, view, scheme, **kw), prefix)
        if d is not None:
            ok = d.outcome == "no_waiting"
            parts.append(SCHEME_NAMES[scheme] + ("：补缴后不设等待期，待遇可以接续" if ok
                         else "：需要经过待遇等待期，期间发生的费用医保不报"))  # fmt: skip
    if parts:
        reply.conclusion = "；".join(parts) + "。"
