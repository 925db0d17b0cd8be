"""One handler per intent: read the slots, call the rules (never stored prose), fill a Reply.

Each handler gets the Reply, the policy view (the region's, or the national one when the
question names no region) and the slots. A rule that raises because a figure is not recorded
for the region is reported as such, and the rest of the answer still stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from yibao.policy import regions
from yibao.policy.resolve import PolicyView
from yibao.policy.schema import PolicyError
from yibao.qa.reimburse import compare_answer, settle_answer
from yibao.qa.render import Reply, param_lines
from yibao.qa.slots import REL_NAMES
from yibao.rules import (
    contribution,
    coverage,
    enrollment,
    family_aid,
    lifetime,
    newborn,
    offsite,
    transfer,
    waiting,
    withdrawal,
)
from yibao.rules.common import FactError
from yibao.rules.decision import Cited, Decision

Handler = Callable[[Reply, PolicyView, dict[str, Any]], None]


def _run(reply: Reply, fn: Callable[[], Decision], prefix: str = "") -> Decision | None:
    """Call a rule; on a missing figure or fact, say so in the reply and return None."""
    try:
        d = fn()
    except (PolicyError, FactError) as exc:
        reply.section("未能判定的部分", [f"{prefix}{exc}"])
        return None
    reply.decision(d, prefix)
    return d


def h_withdrawal(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    reason = s.get("withdrawal_reason")
    if reason is None:
        reply.assume(
            "您没有说明属于哪种情形，下面列出可以提取的情形、各自的材料，以及不允许的做法。"
        )
        reply.ask(
            "您想提取的原因是什么？（参保人去世、出国定居、调到享受公费医疗的单位、不再参加职工医保、长期异地居住等）"
        )
        cited = Cited(view)
        allowed = cited.optional("employee.withdrawal.allowed_reasons") or []
        lines = []
        for code in allowed:
            d = _safe(lambda c=code: withdrawal.check_withdrawal(cited, c))
            label = withdrawal.REASONS.get(code, code)
            mats = "；所需材料：" + "、".join(d.materials) if d and d.materials else ""
            lines.append(f"{label}{mats}")
        reply.section("可以申请提取的情形", lines)
        d = _run(reply, lambda: withdrawal.check_withdrawal(cited, "cash_out"))
        reply.conclusion = "医保个人账户的钱原则上不能提现、不能转到微信或支付宝；只有下列特定情形可以申请提取或结清。"
        if d is None:
            reply.cite(cited.basis)
        return
    d = _run(reply, lambda: withdrawal.check_withdrawal(view, reason))
    if d is not None:
        label = withdrawal.REASONS.get(reason, reason)
        reply.conclusion = f"“{label}”：" + (
            "符合提取条件，可以申请提取个人账户余额。" if d.outcome == "allowed" else "不可以。"
        )


def _safe(fn: Callable[[], Decision]) -> Decision | None:
    try:
        return fn()
    except (PolicyError, FactError):
        return None


def h_reimbursement(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    if "amount" in s:
        settle_answer(reply, view, s)
    else:
        compare_answer(reply, view, s)


def h_offsite(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    filing = s.get("filing")
    if filing is None:
        filing = "temporary"
        reply.assume(
            "按“临时外出就医”备案说明；长期在外地居住（异地安置、常驻异地工作）请按长期居住备案办理。"
        )
        reply.ask(
            "您是长期在外地居住（异地安置退休、常驻工作），还是临时外出就医（转诊、急诊、出差旅游）？"
        )
    d = _run(reply, lambda: offsite.check_offsite(view, filing))
    lines = param_lines(view, ["common.offsite.filing_types"], reply)
    reply.section("备案类型", lines)
    if d is not None:
        reply.conclusion = {
            "local": "在参保地所在省内就医一般不需要跨省备案。",
            "direct_settlement": f"办理{offsite.FILINGS.get(filing, filing)}后，可以在跨省联网定点医院直接结算。",
            "manual_claim": "未备案的费用一般不能直接结算，可出院后补办备案或回参保地按规定手工报销。",
        }.get(d.outcome, "")
    if "destination" not in s:
        reply.ask("您要去哪个城市就医？")


def h_family_aid(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    rel = s.get("relation")
    use = _aid_use(s)
    who = REL_NAMES.get(rel, rel) if rel else "近亲属"
    if rel is None:
        rel = "spouse"
        reply.assume(
            "您没有说明给谁用，下面以配偶为例说明；父母、子女等近亲属同样适用（见可共济范围）。"
        )
        reply.ask("要给谁用？（配偶、父母、子女、兄弟姐妹、祖父母、孙子女……）")
    d = _run(reply, lambda: family_aid.check_family_aid(view, rel, use=use))
    if d is not None:
        reply.conclusion = (
            f"可以：职工医保个人账户的钱可以通过“家庭共济”给已参保的{who}使用"
            + ("（就医、买药的个人负担及居民医保缴费等）。" if d.outcome == "allowed" else "。")
            if d.outcome == "allowed"
            else f"给{who}使用不符合家庭共济的规定。"
        )
    reply.ask("被共济的家人是否已参加基本医保？")


def _aid_use(s: dict[str, Any]) -> str | None:
    t = s.get("_text", "")
    if any(k in t for k in ("交医保", "缴医保", "交居民", "缴居民", "缴费", "交费")):
        return "resident_contribution"
    if any(k in t for k in ("买药", "拿药", "药店")):
        return "drugs"
    if any(k in t for k in ("看病", "住院", "就医", "门诊")):
        return "care"
    return None


def h_balance(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    online = cited.optional("common.service.online_channels")
    hotline = cited.optional("common.service.hotline")
    reply.conclusion = "本系统不连接医保账户，查不到您的实时余额；可以通过下面的官方渠道自己查询。"
    lines = []
    if online:
        lines.append(
            "线上：" + "、".join(online) + "（登录后在“个人账户”或“账户查询”中查看余额和明细）。"
        )
    else:
        lines.append("线上：当地医保部门的网上服务平台或医保App（渠道清单尚未收录）。")
    lines.append("医保电子凭证：在已激活医保电子凭证的App里查看个人账户信息。")
    lines.append(
        "线下：到定点医院、定点药店刷医保卡（社保卡）时可打印或查看余额，或到医保经办窗口查询。"
    )
    lines.append(
        f"电话：拨打医保服务热线 {hotline} 查询。"
        if hotline
        else "电话：拨打当地医保服务热线（号码尚未收录）。"
    )
    reply.section("查询渠道", lines)
    uses = cited.optional("employee.account.allowed_uses")
    if uses:
        reply.section("个人账户可以支付", uses)
    reply.cite(cited.basis)


def h_transfer(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    dest = (s.get("destination") or {}).get("admdvs")
    if dest is None:
        reply.ask("要转到哪个城市（转入地）？")
        origin = view.admdvs
        dest = "310000" if not origin.startswith("31") else "110000"
        reply.assume(
            f"您没有说明转入地，下面按跨省转移说明（以转入{regions.get(dest).name}为例）；省内跨市转移时个人账户余额的处理可能不同。"
        )
    if view.admdvs == "000000":
        reply.ask("您现在的医保是在哪个城市参保的（转出地）？")
    d = _run(reply, lambda: transfer.check_transfer(view, dest))
    if d is not None:
        reply.conclusion = (
            "可以办理医保关系转移接续：基本医保关系、缴费年限和职工医保个人账户余额随之转移。"
            if d.outcome == "transfer"
            else "转出地和转入地属于同一统筹地区，不需要办理转移接续。"
        )


def h_lapse(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    months = s.get("lapse_months")
    schemes = [s["insurance"]] if "insurance" in s else ["employee", "resident"]
    if months is None:
        reply.ask("断缴了多长时间（几个月或几年）？")
    else:
        reply.assume(f"按中断{months}个月计算。")
    if len(schemes) > 1:
        reply.ask("您参加的是职工医保还是居民医保？")
        reply.assume("您没有说明险种，下面分别说明职工医保和居民医保。")
    names = {"employee": "职工医保", "resident": "居民医保"}
    parts = []
    for scheme in schemes:
        prefix = f"{names[scheme]}：" if len(schemes) > 1 else ""
        if scheme == "employee" and months is None:
            lines = param_lines(view, ["employee.waiting.grace_months", "employee.waiting.after_grace_months",
                                       "employee.waiting.cross_scheme_grace_months"], reply)  # fmt: skip
            reply.section(prefix + "条件与依据", lines or ["职工医保断缴补缴规则尚未收录。"])
            grace = view.optional("employee.waiting.grace_months")
            after = view.optional("employee.waiting.after_grace_months")
            if grace and after:
                parts.append(
                    f"职工医保中断{grace.value}个月以内补缴，待遇可以接续；超过的，重新缴费后有{after.value}个月等待期"
                )
            continue
        kw: dict[str, Any] = {"lapse_months": months or 0}
        d = _run(reply, lambda sc=scheme, kw=kw: waiting.check_waiting(view, sc, **kw), prefix)
        if d is not None:
            ok = d.outcome == "no_waiting"
            parts.append(names[scheme] + ("：补缴后不设等待期，待遇可以接续" if ok
                         else "：需要经过待遇等待期，期间发生的费用医保不报"))  # fmt: skip
    if parts:
        reply.conclusion = "；".join(parts) + "。"


def h_newborn(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    birth = _date(s)
    if birth is None:
        birth = view.day
        reply.assume(f"您没有给出出生日期，按{birth}出生计算办理期限。")
        reply.ask("宝宝是哪天出生的？已经办理参保缴费了吗（哪天缴的）？")
    d = _run(reply, lambda: newborn.check_newborn(view, birth))
    if d is not None:
        w = d.facts.get("window_days")
        reply.conclusion = (
            f"新生儿出生后{w}天内办理参保并缴费，自出生之日起发生的医疗费用都可以按规定报销。"
        )


def _date(s: dict[str, Any]) -> dt.date | None:
    ds = s.get("dates") or []
    try:
        return dt.date.fromisoformat(ds[0]) if ds else None
    except ValueError:
        return None


def h_contribution(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    kinds = []
    if s.get("flexible"):
        kinds.append("flexible")
    elif s.get("insurance") == "resident":
        kinds.append("resident")
    elif s.get("insurance") == "employee":
        kinds.append("retired" if s.get("person_type") == "retired" else "in_service")
    else:
        kinds = ["resident", "in_service"]
        reply.assume("您没有说明险种，下面分别说明居民医保和职工医保的缴费。")
        reply.ask("您要交的是居民医保，还是职工医保（单位职工/灵活就业）？")
    wage = s.get("wage") or (s.get("amount") if kinds != ["resident"] else None)
    names = {
        "resident": "居民医保：",
        "in_service": "职工医保：",
        "flexible": "灵活就业：",
        "retired": "退休人员：",
    }
    for k in kinds:
        prefix = names[k] if len(kinds) > 1 else ""
        if k in ("in_service", "flexible") and wage is None:
            params = ["employee.contribution.employer_rate", "employee.contribution.personal_rate",
                      "employee.account.in_service_credit_rate"]  # fmt: skip
            if k == "flexible":
                params = ["employee.contribution.flexible_rate", *params[2:]]
            params += [
                "employee.contribution.base_floor_share",
                "employee.contribution.base_ceiling_share",
            ]
            reply.section(
                prefix + "费率", param_lines(view, params, reply) or ["该地区费率尚未收录。"]
            )
            reply.ask("您的月缴费基数（工资）是多少？给出后可以算出每月缴多少。")
            continue
        d = _run(reply, lambda k=k: contribution.check_contribution(view, k, base=wage), prefix)
        if d is not None and "personal_monthly" in d.facts:
            f = d.facts
            emp = f"，单位每月缴{f['employer_monthly']}元" if "employer_monthly" in f else ""
            reply.conclusion = f"按缴费基数{wage}元计算，个人每月缴{f['personal_monthly']}元{emp}。"
    if not reply.conclusion:
        reply.conclusion = "职工医保按月缴费基数的比例缴纳（费率见下）；居民医保按年定额缴纳。"
    if "resident" in kinds:
        r = view.optional("resident.contribution.personal_annual")
        if r is not None:
            reply.conclusion = (
                f"居民医保个人缴费{r.value}元/人/年（另有财政补助）；职工医保按缴费基数的比例由单位和个人按月缴纳。"
                if len(kinds) > 1
                else f"居民医保个人缴费{r.value}元/人/年。"
            )


def h_lifetime(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    cited = Cited(view)
    table = cited.optional("employee.lifetime.min_years")
    sex, years = s.get("sex"), s.get("paid_years")
    if table is None:
        reply.section("未能判定的部分", ["该地区的最低缴费年限尚未收录。"])
    else:
        reply.conclusion = (
            f"职工医保退休时累计缴费男满{table.get('male', '?')}年、女满{table.get('female', '?')}年，"
            "退休后不再缴费、终身享受退休人员医保待遇（居民医保没有最低年限，需每年缴费）。"
        )
    reply.cite(cited.basis)
    if years is not None:
        for sx in [sex] if sex else ["male", "female"]:
            prefix = "" if sex else ("男性：" if sx == "male" else "女性：")
            _run(reply, lambda sx=sx: lifetime.check_lifetime(view, sx, Decimal(years)), prefix)
        reply.assume(f"按已累计缴费{years}年计算。")
    else:
        names = ["employee.lifetime.min_years", "employee.lifetime.min_local_years"]
        reply.section("条件与依据", param_lines(view, names, reply))
        reply.section(
            "年限不够怎么办", param_lines(view, ["employee.lifetime.shortfall_options"], reply)
        )
        reply.ask("您已经累计缴了多少年职工医保（其中在本地缴了多少年）？")
    if sex is None:
        reply.ask("您是男性还是女性？")


def h_excluded(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    item, case = s.get("item"), s.get("case")
    if item is None and case is None:
        reply.ask("您想问的是哪个项目或情形？")
        item = "种植牙"
    d = _run(reply, lambda: coverage.check_coverage(view, item, case=None if item else case))
    what = item or {"work_injury": "工伤", "third_party": "第三人责任（打架、车祸等）",
                    "abroad": "境外就医", "public_health": "公共卫生"}.get(case, case)  # fmt: skip
    if d is not None:
        reply.conclusion = {
            "excluded": f"{what}不属于基本医保统筹基金的报销范围。",
            "not_listed": f"{what}不在不予支付清单中，能否报销取决于目录和具体项目。",
        }.get(d.outcome, f"{what}：该地区的不予支付项目清单尚未收录，请以当地医保部门为准。")
    if item in ("种植牙", "牙齿矫正", "镶牙"):
        reply.section(
            "注意",
            [
                "补牙、拔牙、牙周治疗等治疗性口腔项目按目录报销；部分地区已将种植牙医疗服务和集采牙冠纳入支付，请以当地规定为准。"
            ],
        )


def h_enrollment(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    t = s.get("_text", "")
    if any(k in t for k in ("封存", "解封", "冻结", "暂停", "停保", "恢复参保", "激活")):
        topic = "frozen"
    elif s.get("flexible") or any(k in t for k in ("没有工作", "没工作", "无业", "外地户口")):
        topic = "flexible"
    else:
        topic = "effective"
    scheme = "resident" if s.get("insurance") == "resident" else "employee"
    if topic == "effective" and "insurance" not in s:
        reply.ask("您要参加的是职工医保还是居民医保？")
        reply.assume("按职工医保说明缴费后的生效时间。")
    d = _run(reply, lambda: enrollment.check_enrollment(view, topic, scheme=scheme))
    if d is not None:
        reply.conclusion = {
            "conditions": "灵活就业人员（无雇工的个体户、自由职业者等）可以只参加职工医保，也可以参加居民医保。",
            "frozen": "医保封存一般是单位停缴或离职造成的；重新参保缴费后即可解封恢复。",
            "effective": "缴费后的待遇生效时间见下。",
        }.get(d.outcome, "")


def h_account_credit(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    kinds = []
    if s.get("person_type") == "retired":
        kinds = ["retired"]
    elif s.get("person_type") == "in_service" or s.get("wage"):
        kinds = ["in_service"]
    else:
        kinds = ["in_service", "retired"]
        reply.ask("您是在职职工还是退休人员？")
    for k in kinds:
        prefix = ("在职职工：" if k == "in_service" else "退休人员：") if len(kinds) > 1 else ""
        if k == "retired":
            _run(reply, lambda: contribution.check_contribution(view, "retired"), prefix)
            continue
        wage = s.get("wage") or s.get("amount")
        if wage is None:
            reply.section(
                prefix + "划入标准",
                param_lines(view, ["employee.account.in_service_credit_rate"], reply),
            )
            reply.ask("您的月缴费基数（工资）是多少？")
        else:
            d = _safe(lambda w=wage: contribution.check_contribution(view, "in_service", base=w))
            try:
                credit = contribution.monthly_account_credit(view, "in_service", wage)
                reply.section(
                    prefix + "划入标准", [f"缴费基数{wage}元，每月划入个人账户约{credit}元。"]
                )
            except (PolicyError, FactError) as exc:
                reply.section("未能判定的部分", [str(exc)])
            if d is not None:
                reply.cite(d.basis)
    cited = Cited(view)
    rate = cited.optional("employee.account.in_service_credit_rate")
    share = f"（缴费基数的{rate * 100:g}%）" if rate is not None else ""
    reply.conclusion = (
        f"在职职工个人缴费{share}计入个人账户，单位缴费全部进统筹基金；"
        "退休人员由统筹基金按定额每月划入。"
    )
    reply.cite(cited.basis)


def h_out_of_scope(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    reply.conclusion = (
        "抱歉，这个问题超出了本系统的范围：我只解答基本医疗保险（职工医保、居民医保）的政策问题，"
        "不推荐医院或医生，也不解答商业保险、养老金、公积金等问题。"
    )
    reply.section(
        "我可以回答",
        [
            "住院、门诊能报销多少（给出城市和金额可以算出来）",
            "医保个人账户的钱能否取出、怎么给家人用（家庭共济）",
            "异地就医备案、医保转移接续、断缴补缴和等待期",
            "新生儿参保、缴费标准、缴费年限、哪些项目不能报销",
        ],
    )


HANDLERS: dict[str, Handler] = {
    "withdrawal": h_withdrawal,
    "reimbursement": h_reimbursement,
    "offsite": h_offsite,
    "family_aid": h_family_aid,
    "balance": h_balance,
    "transfer": h_transfer,
    "lapse": h_lapse,
    "newborn": h_newborn,
    "contribution": h_contribution,
    "lifetime": h_lifetime,
    "excluded": h_excluded,
    "enrollment": h_enrollment,
    "account_credit": h_account_credit,
    "out_of_scope": h_out_of_scope,
}
