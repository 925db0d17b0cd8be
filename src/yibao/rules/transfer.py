"""医保关系转移接续：moving between 统筹地区 — what moves, what may be refused, steps, timing."""

from __future__ import annotations

import datetime as dt

from yibao.policy import regions
from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    add_working_days,
    as_cited,
    missing_note,
    region_name,
    service_steps,
    source_note,
    texts_for,
    working_days_note,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import Day, RuleInput, title

RULE = "transfer"
OUTCOMES = ("transfer", "not_needed")


class TransferInput(RuleInput):
    """跨统筹地区转移接续：随转内容、余额处理、步骤和预计办结日期。"""

    to_admdvs: str = title("转入地", "新参保地的名称或6位代码，如 北京、110000", min_length=1)
    apply_date: Day | None = title("转入地受理日期", "默认判定日期", default=None)
    destination_has_account: bool = title(
        "转入地是否建立个人账户", "在转入地参加居民医保时不建立个人账户", default=True
    )
    gap_months: int | None = title(
        "中断缴费月数", "离开原参保地到新参保地缴费之间", default=None, ge=0
    )


def check_transfer(
    view: PolicyView | Cited,
    to_admdvs: str,
    *,
    apply_date: dt.date | None = None,
    destination_has_account: bool = True,
    gap_months: int | None = None,
) -> Decision:
    """Transfer from the view's region (转出地) to ``to_admdvs`` (转入地).

    ``apply_date``: the day the application is accepted at the destination (default: the view's
    date). ``destination_has_account``: False when the destination sets up no personal account
    (e.g. joining resident insurance there). ``gap_months``: months between leaving and
    re-enrolling, checked against ``employee.waiting.grace_months``."""
    cited = as_cited(view)
    origin = cited.view.admdvs
    try:
        dest = regions.get(to_admdvs)
    except regions.UnknownRegion as exc:
        raise FactError("to_admdvs", str(exc)) from None
    if gap_months is not None and gap_months < 0:
        raise FactError("gap_months", "中断月数不能为负")
    apply_date = apply_date or cited.view.day
    facts: dict = {
        "from": cited.region,
        "to": {"name": dest.name, "admdvs": dest.admdvs},
        "apply_date": apply_date.isoformat(),
    }
    if dest.admdvs == origin or (origin != "000000" and _same_pool(origin, dest.admdvs)):
        return cited.decision(
            RULE,
            "not_needed",
            reasons=["转出地与转入地属于同一统筹地区，医保关系不需要转移接续。"],
            next_steps=["由新单位在本统筹地区办理参保登记（增员）即可。"],
            facts=facts,
        )

    same_province = (
        origin != "000000"
        and regions.province_of(origin).admdvs == regions.province_of(dest.admdvs).admdvs
    )
    scenario = (
        "no_account_at_destination"
        if not destination_has_account
        else ("within_province" if same_province else "cross_province")
    )
    facts["scenario"] = scenario
    reasons: list[str] = []
    notes: list[str] = []
    consequences: list[str] = []

    moves = cited.optional("common.transfer.moves")
    if moves:
        reasons.append("随同转移：" + "；".join(moves) + "。")
    else:
        notes.append(missing_note(cited, "common.transfer.moves"))

    balance = texts_for(cited, "common.transfer.balance_rules", scenario)
    label = {
        "within_province": "省内跨统筹地区",
        "cross_province": "跨省",
        "no_account_at_destination": "转入地不建立个人账户",
    }[scenario]
    if balance:
        reasons.append(f"个人账户余额（{label}）：" + "；".join(balance) + "。")
        notes.extend(source_note(cited, "common.transfer.balance_rules"))
    else:
        notes.append(f"{region_name(cited)}“{label}”情形的个人账户余额处理办法未收录。")
    if scenario == "no_account_at_destination":
        consequences.append(
            "转入地不接收个人账户余额时，可申请提取余额（见“个人账户余额能否提取”）。"
        )

    inbound = cited.optional("common.transfer.inbound_days")
    outbound = cited.optional("common.transfer.outbound_days")
    steps = [f"1. 在转入地（{dest.name}）参保后，向转入地医保经办机构提出转移接续申请。"]
    if inbound is None or outbound is None:
        for name, val in (
            ("common.transfer.inbound_days", inbound),
            ("common.transfer.outbound_days", outbound),
        ):
            if val is None:
                notes.append(missing_note(cited, name))
        steps.append("2. 转入地向转出地发出联系函；3. 转出地生成参保信息表并划转个人账户余额。")
    else:
        letter, exact1 = add_working_days(apply_date, inbound)
        done, exact2 = add_working_days(letter, outbound)
        facts.update(
            {
                "inbound_days": inbound,
                "outbound_days": outbound,
                "letter_by": letter.isoformat(),
                "completed_by": done.isoformat(),
            }
        )
        steps.append(f"2. 转入地受理后{inbound}个工作日内发出联系函：预计 {letter} 前。")
        steps.append(
            f"3. 转出地收到联系函后{outbound}个工作日内生成参保信息表并划转个人账户余额："
            f"预计 {done} 前办结（共约{inbound + outbound}个工作日）。"
        )
        notes.extend(working_days_note(exact1 and exact2))
    steps.append("4. 转入地接收信息和余额，合并计算缴费年限。")
    steps.extend(
        service_steps(cited, channels="common.transfer.channels", label="转移接续办理渠道")
    )

    grace = cited.optional("employee.waiting.grace_months") if gap_months is not None else None
    if gap_months is not None:
        facts["gap_months"] = gap_months
        if grace is None:
            notes.append(missing_note(cited, "employee.waiting.grace_months"))
        elif gap_months <= grace:
            consequences.append(
                f"中断{gap_months}个月，不超过{grace}个月：接续后缴费年限连续计算，不设等待期。"
            )
        else:
            consequences.append(
                f"中断{gap_months}个月，超过{grace}个月：重新参保后可能有待遇等待期"
                "（见“断缴、补缴与等待期”）。"
            )

    materials = cited.optional("common.transfer.materials")
    if materials is None:
        notes.append(missing_note(cited, "common.transfer.materials"))
    return cited.decision(
        RULE,
        "transfer",
        reasons=reasons,
        materials=list(materials or []),
        next_steps=steps,
        consequences=consequences,
        notes=notes,
        facts=facts,
    )


def _same_pool(a: str, b: str) -> bool:
    """Same 统筹地区: a prefecture-level city and its own counties, or the same code."""
    ca = [r.admdvs for r in regions.chain(a)]
    cb = [r.admdvs for r in regions.chain(b)]
    # Pools are prefecture-level (or province-governed county-level) units: compare the
    # nearest non-province ancestor.
    pa = next((c for c in ca if regions.get(c).level != "province"), None)
    pb = next((c for c in cb if regions.get(c).level != "province"), None)
    return pa is not None and pa == pb
