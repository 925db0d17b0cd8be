"""最低缴费年限：may a retiree enjoy employee insurance without paying, given years paid?"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from yibao import vocab
from yibao.policy.resolve import PolicyView
from yibao.rules.common import (
    FactError,
    as_cited,
    missing_note,
    region_name,
    service_steps,
    source_note,
)
from yibao.rules.decision import Cited, Decision
from yibao.rules.inputs import MAX_YEARS, RuleInput, title

RULE = "lifetime"
OUTCOMES = ("qualifies", "short", "not_recorded")
SEXES = dict(vocab.SEX.labels)


class LifetimeInput(RuleInput):
    """最低缴费年限：退休后能否免缴享受医保。"""

    sex: Annotated[str, vocab.SEX.code_field] = title("性别")
    years: Decimal = title("累计缴费年限（年）", "职工医保累计缴费年限", ge=0, le=MAX_YEARS)
    local_years: Decimal | None = title(
        "其中本地实际缴费年限（年）", "在本统筹地区的实际缴费年限", default=None, ge=0, le=MAX_YEARS
    )


def sex_key(value: str) -> str:
    try:
        return vocab.SEX.parse(str(value).strip().lower())
    except vocab.UnknownCode as exc:
        raise FactError("sex", str(exc)) from None


def check_lifetime(
    view: PolicyView | Cited,
    sex: str,
    years: Decimal,
    *,
    local_years: Decimal | None = None,
) -> Decision:
    """Does a member of ``sex`` with ``years`` of employee contributions (``local_years`` of
    them in this 统筹地区) qualify for retiree benefits without further payment?"""
    key = sex_key(sex)
    years = Decimal(years)
    if years < 0 or (local_years is not None and Decimal(local_years) < 0):
        raise FactError("years", "缴费年限不能为负")
    if local_years is not None:
        local_years = Decimal(local_years)
        if local_years > years:
            raise FactError("local_years", "本地缴费年限不能超过累计缴费年限")
    cited = as_cited(view)
    where = region_name(cited)
    table = cited.optional("employee.lifetime.min_years")
    if table is None or key not in table:
        return cited.decision(
            RULE,
            "not_recorded",
            reasons=[
                f"{where}{SEXES[key]}性的最低累计缴费年限未收录：国家没有统一年限，由各统筹地区规定。"
            ],
            next_steps=service_steps(cited),
            notes=[missing_note(cited, "employee.lifetime.min_years")],
            facts={"sex": key, "years": years},
        )
    need = Decimal(table[key])
    facts: dict = {"sex": key, "years": years, "min_years": need}
    reasons = [f"{where}{SEXES[key]}性退休时享受退休人员医保待遇的最低累计缴费年限：{need}年。"]
    notes = source_note(cited, "employee.lifetime.min_years")
    short = max(Decimal(0), need - years)
    ok = short == 0
    reasons.append(
        f"已缴{years}年，" + ("已达到。" if ok else f"还差{need}年−{years}年={short}年。")
    )
    local_need = cited.optional("employee.lifetime.min_local_years")
    local_short = Decimal(0)
    if local_need is not None:
        facts["min_local_years"] = local_need
        if local_years is None:
            notes.append(
                f"其中须在本统筹地区实际缴费满{local_need}年；未提供本地缴费年限，未核对此项。"
            )
        else:
            local_short = max(Decimal(0), Decimal(local_need) - local_years)
            reasons.append(
                f"其中本地实际缴费须满{local_need}年：已缴{local_years}年，"
                + ("已达到。" if local_short == 0 else f"还差{local_short}年。")
            )
            ok = ok and local_short == 0
    elif local_years is not None:
        notes.append(missing_note(cited, "employee.lifetime.min_local_years"))
    facts.update({"short_years": short, "local_short_years": local_short})
    steps: list[str] = []
    consequences: list[str] = []
    if ok:
        consequences.append("办理退休后不再缴纳基本医疗保险费，按规定享受退休人员医保待遇。")
    else:
        options = cited.optional("employee.lifetime.shortfall_options")
        if options:
            steps.extend(options)
        else:
            notes.append(missing_note(cited, "employee.lifetime.shortfall_options"))
            steps.append("可按当地规定一次性或按月续缴至规定年限后享受退休人员医保待遇。")
        consequences.append("未缴足年限前，退休后不能享受退休人员免缴费的医保待遇。")
    steps.extend(
        service_steps(cited, employer="退休前由单位核对缴费年限，不足的随退休手续申报补缴。")
    )
    return cited.decision(
        RULE,
        "qualifies" if ok else "short",
        reasons=reasons,
        next_steps=steps,
        consequences=consequences,
        notes=notes,
        facts=facts,
    )
