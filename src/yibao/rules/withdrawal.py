"""个人账户余额提取：when the employee personal-account balance may be taken out, and what not.

The allowed situations and their materials are ``employee.withdrawal.allowed_reasons`` and
``employee.withdrawal.materials`` (a city pack may override the national list, e.g. 杭州, 上海).
Forbidden acts (提现到微信/支付宝, 买卖医保卡, 套现, 养老保险个人账户) are never allowed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from yibao import vocab
from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    add_working_days,
    as_cited,
    missing_note,
    region_name,
    required,
    service_steps,
    source_note,
    texts_for,
    working_days_note,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import Day, RuleInput, title

RULE = "withdrawal"
OUTCOMES = ("allowed", "not_allowed")

# Situations a pack may list in employee.withdrawal.allowed_reasons (codes from the vocabulary).
ALLOWED_CASES: dict[str, str] = dict(vocab.WITHDRAWAL_ALLOWED.labels)
# Not a withdrawal: an emergency advance returned to the account.
EMERGENCY = {"emergency_refund": vocab.WITHDRAWAL_REASON.label("emergency_refund")}
# Never allowed, whatever the region.
FORBIDDEN: dict[str, str] = {
    c: vocab.WITHDRAWAL_REASON.label(c) for c in vocab.WITHDRAWAL_FORBIDDEN
}
REASONS: dict[str, str] = dict(vocab.WITHDRAWAL_REASON.labels)
# Chinese names accepted for the codes (CLI and qa).
ALIASES: dict[str, str] = dict(vocab.WITHDRAWAL_REASON.aliases)


class WithdrawalInput(RuleInput):
    """职工医保个人账户余额能否提取。"""

    reason: Annotated[str, vocab.WITHDRAWAL_REASON.code_field] = title(
        "情形", "想提取或使用个人账户余额的情形"
    )
    filing_done: bool | None = title(
        "是否已办理长期异地就医备案", "仅“长期异地居住”情形需要", default=None
    )
    hospital_proof: bool | None = title(
        "是否有医院证明", "仅“重大疾病”情形需要：医院出具的诊断证明和费用清单", default=None
    )
    destination_accepts_balance: bool | None = title(
        "新参保地是否接收个人账户余额", "仅“跨统筹地区流动”情形需要", default=None
    )
    advance_date: Day | None = title(
        "急诊垫付日期", "仅“急诊垫付”情形需要，默认判定日期", default=None
    )


def reason_code(value: str) -> str:
    """A reason code from a code or a Chinese name; ``FactError`` naming the choices if unknown."""
    try:
        return vocab.WITHDRAWAL_REASON.parse(value)
    except vocab.UnknownCode as exc:
        raise FactError("reason", str(exc)) from None


def check_withdrawal(
    view: PolicyView | Cited,
    reason: str,
    *,
    filing_done: bool | None = None,
    hospital_proof: bool | None = None,
    destination_accepts_balance: bool | None = None,
    advance_date: dt.date | None = None,
) -> Decision:
    """May the employee personal-account balance be withdrawn for ``reason``?

    ``filing_done``: for long_term_offsite, whether the 长期异地就医备案 is done.
    ``hospital_proof``: for serious_disease, whether a hospital certificate is available.
    ``destination_accepts_balance``: for moved_no_transfer, whether the new region takes it.
    ``advance_date``: for emergency_refund, the day the member advanced the fee (default: the
    view's date)."""
    cited = as_cited(view)
    code = reason_code(reason)
    facts = {"reason": code, "reason_label": REASONS[code]}
    if code in FORBIDDEN:
        return _forbidden(cited, code, facts)
    if code in EMERGENCY:
        return _emergency(cited, advance_date or cited.view.day, facts)

    allowed = required(cited, "employee.withdrawal.allowed_reasons")
    where = region_name(cited)
    notes = source_note(cited, "employee.withdrawal.allowed_reasons")
    reasons: list[str] = []
    next_steps: list[str] = []
    consequences: list[str] = []
    materials: list[str] = []

    # A narrower situation is allowed wherever the broader one is (a retiree who emigrates
    # emigrates); its materials are the broader one's unless the pack lists its own.
    broader = vocab.WITHDRAWAL_SPECIAL_CASE_OF.get(code)
    as_code = code
    if broader is not None and code not in allowed and broader in allowed:
        as_code = broader
    if as_code not in allowed:
        listed = "、".join(ALLOWED_CASES.get(c, c) for c in allowed)
        reasons.append(f"{where}可以提取个人账户余额的情形不包括“{REASONS[code]}”。")
        reasons.append(f"可以提取的情形为：{listed}。")
        narrower = [c for c, b in vocab.WITHDRAWAL_SPECIAL_CASE_OF.items() if b == code]
        for c in narrower:
            if c in allowed:
                reasons.append(f"如属于“{REASONS[c]}”，可以按该情形申请提取。")
        next_steps.extend(_alternatives(code))
        next_steps.extend(service_steps(cited))
        return cited.decision(
            RULE, "not_allowed", reasons=reasons, next_steps=next_steps, notes=notes, facts=facts
        )

    outcome = "allowed"
    if as_code == code:
        reasons.append(f"“{REASONS[code]}”属于{where}可以提取个人账户余额的情形。")
    else:
        reasons.append(
            f"“{REASONS[code]}”也是“{REASONS[as_code]}”，属于{where}可以提取个人账户余额的情形。"
        )
    if code == "long_term_offsite":
        if filing_done is False:
            outcome = "not_allowed"
            reasons.append("尚未办理长期异地就医备案：须先办理备案，备案后方可申请提取。")
            next_steps.append("先办理长期异地就医备案（见“异地就医”）。")
        elif filing_done is None:
            reasons.append("前提是已办理长期异地就医备案（异地安置、长期居住或常驻异地工作）。")
    elif code == "moved_no_transfer":
        if destination_accepts_balance:
            outcome = "not_allowed"
            reasons.append("新参保地接收个人账户余额：余额随医保关系转移，不能提取现金。")
            next_steps.append("办理医保关系转移接续（见“医保关系转移接续”）。")
        else:
            reasons.append("前提是新参保地明确不接收个人账户余额（如未建立个人账户）。")
    elif code == "serious_disease":
        reasons.extend(_serious_disease(cited, notes))
        if hospital_proof is False:
            outcome = "not_allowed"
            reasons.append("没有医院出具的诊断证明和费用清单，不能按重大疾病申请提取。")
    elif code == "death":
        reasons.append("个人账户余额可依法继承，由继承人申请办理。")

    if outcome == "not_allowed":
        next_steps.extend(service_steps(cited))
        return cited.decision(
            RULE, outcome, reasons=reasons, next_steps=next_steps, notes=notes, facts=facts
        )

    got = texts_for(cited, "employee.withdrawal.materials", code)
    if got is None and as_code != code:
        got = texts_for(cited, "employee.withdrawal.materials", as_code)
    if got is None:
        notes.append(
            f"{where}“{REASONS[code]}”情形所需材料未收录，请向参保地医保经办机构确认。"
            if cited.view.optional("employee.withdrawal.materials")
            else missing_note(cited, "employee.withdrawal.materials")
        )
    else:
        materials.extend(got)
        notes.extend(source_note(cited, "employee.withdrawal.materials"))

    closes = cited.optional("employee.withdrawal.closes_account")
    if closes is None:
        notes.append(missing_note(cited, "employee.withdrawal.closes_account"))
    elif closes:
        consequences.append("提取后个人账户注销。")
        if code != "death":
            consequences.append("如需再次享受医保待遇，须重新参保缴费。")
    if code == "death":
        consequences.append("余额由法定继承人（或遗嘱继承人）继承，医保关系终止。")
    consequences.append("办理前须结清在医疗机构、药店的医保费用。")

    employer = {
        "moved_no_transfer": "由原单位或新单位协助办理减员和转移手续。",
        "public_medical_employer": "由新单位（公费医疗单位）出具证明并协助办理。",
        "quit_employee_scheme": "由单位办理减员（停保）后，本人申请。",
        "retire_abroad": "由原单位或退休管理机构协助办理。",
        "military": "由原单位办理减员，凭入伍通知书申请。",
    }.get(code)
    counter = (
        "继承人携死亡证明、继承关系证明等材料到参保地医保经办机构窗口办理。"
        if code == "death"
        else None
    )
    next_steps.extend(
        service_steps(
            cited, channels="employee.withdrawal.channels", employer=employer, counter=counter
        )
    )
    return cited.decision(
        RULE,
        outcome,
        reasons=reasons,
        materials=materials,
        next_steps=next_steps,
        consequences=consequences,
        notes=notes,
        facts=facts,
    )


def _serious_disease(cited: Cited, notes: list[str]) -> list[str]:
    out = []
    n = cited.optional("employee.withdrawal.serious_disease_count")
    rare = cited.optional("employee.withdrawal.rare_disease_count")
    if n is None:
        notes.append(missing_note(cited, "employee.withdrawal.serious_disease_count"))
        out.append("患恶性肿瘤等重大疾病可凭医院证明及费用清单申请提取（病种数未收录）。")
    else:
        text = f"恶性肿瘤等{n}种重大疾病可凭医院证明及费用清单申请提取"
        if rare:
            text += f"（另有新增{rare}种罕见病）"
        out.append(text + "。")
        notes.extend(source_note(cited, "employee.withdrawal.serious_disease_count"))
    return out


def _emergency(cited: Cited, advance: dt.date, facts: dict) -> Decision:
    facts = {**facts, "advance_date": advance.isoformat()}
    notes: list[str] = []
    reasons = ["急诊费用个人垫付后按规定返还个人账户，这是退回账户，不是提取现金。"]
    days = cited.optional("employee.withdrawal.emergency_refund_working_days")
    if days is None:
        notes.append(missing_note(cited, "employee.withdrawal.emergency_refund_working_days"))
    else:
        due, exact = add_working_days(advance, days)
        facts.update({"working_days": days, "refund_by": due.isoformat()})
        reasons.append(
            f"垫付后{days}个工作日内自动返还医保个人账户：{advance} 垫付，预计最迟 {due} 到账"
            "（按国家法定节假日和调休安排计算工作日）。"
        )
        notes.extend(working_days_note(exact))
        notes.extend(source_note(cited, "employee.withdrawal.emergency_refund_working_days"))
    steps = ["保存急诊病历、发票和费用清单；逾期未到账可向参保地医保经办机构查询。"]
    steps.extend(service_steps(cited))
    return cited.decision(
        RULE,
        "allowed",
        reasons=reasons,
        materials=[],
        next_steps=steps,
        notes=notes,
        facts=facts,
    )


def _forbidden(cited: Cited, code: str, facts: dict) -> Decision:
    reasons = [f"“{FORBIDDEN[code]}”不被允许。"]
    if code == "pension_account":
        reasons.append("养老保险个人账户与医保个人账户不同，在职期间严禁提取。")
    else:
        reasons.append("医保个人账户资金只能用于规定的医疗费用，不得提取现金或挪作他用。")
    notes: list[str] = []
    listed = cited.optional("employee.withdrawal.forbidden")
    if listed:
        reasons.append("明令禁止：" + "；".join(listed) + "。")
    else:
        notes.append(missing_note(cited, "employee.withdrawal.forbidden"))
    consequences = [
        "违规套取医保基金属于违法行为：追回资金、暂停医保卡结算，情节严重的依法追究刑事责任。",
    ]
    steps = [
        "如需合法使用余额：可在定点医院、药店支付本人或已绑定家庭共济的近亲属的医药费用（见“家庭共济”）。"
    ]
    steps.extend(service_steps(cited))
    return cited.decision(
        RULE,
        "not_allowed",
        reasons=reasons,
        next_steps=steps,
        consequences=consequences,
        notes=notes,
        facts=facts,
    )


def _alternatives(code: str) -> list[str]:
    if code in ("moved_no_transfer", "long_term_offsite", "emigration", "retire_abroad"):
        return [
            "余额不会丢失：可随医保关系转移（见“医保关系转移接续”），或办理异地就医备案后在外地使用。"
        ]
    return ["余额仍可用于本人及已绑定家庭共济的近亲属在定点医药机构的医药费用。"]
