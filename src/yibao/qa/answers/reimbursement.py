"""报销待遇: an amount runs the settlement engine; without one, the employee vs resident rows
of ``rules.compare``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yibao.policy.display import LEVEL_NAMES, num, qualified
from yibao.policy.resolve import PolicyView
from yibao.qa.answers.common import (
    ASK_AMOUNT,
    ASK_LEVEL,
    ASK_PERSON_TYPE,
    ASK_SCHEME,
    ASK_STAY,
    SCHEME_NAMES,
    plain,
)
from yibao.qa.render import Reply, table
from yibao.rules.compare import compare
from yibao.settlement.engine import SettlementError, settle
from yibao.settlement.model import Claim, Encounter, FeeLine, Person, Ytd

MED = {
    "inpatient": ("21", "住院"),
    "outpatient": ("11", "普通门诊"),
    "chronic": ("14", "门诊慢特病"),
}
ROWS = (
    ("医疗费用总额", "medfee_sumamt"),
    ("全自费（目录外、不予支付）", "fulamt_ownpay_amt"),
    ("超限价自费", "overlmt_selfpay"),
    ("乙类先行自付", "preselfpay_amt"),
    ("政策范围内费用", "inscp_scp_amt"),
    ("起付线（个人先付）", "act_pay_dedc"),
    ("统筹基金支付", "hifp_pay"),
    ("大病保险支付", "hifmi_pay"),
    ("职工大额医疗费用补助", "hifob_pay"),
    ("基金支付合计", "fund_pay_sumamt"),
    ("个人负担", "psn_part_amt"),
)


def handle(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    if "amount" in s:
        settle_answer(reply, view, s)
    else:
        compare_answer(reply, view, s)


def yuan(d: Decimal) -> str:
    return f"{d:,.2f}元"


def _claim(admdvs: str, day: dt.date, scheme: str, s: dict[str, Any]) -> Claim:
    med, _ = MED[s.get("med_type", "inpatient")]
    stays = max(0, int(s.get("nth_stay", 1)) - 1)
    return Claim(
        person=Person(
            psn_no="qa",
            insutype="310" if scheme == "employee" else "390",
            psn_type=s.get("person_type", "in_service") if scheme == "employee" else "in_service",
            insuplc_admdvs=admdvs,
        ),
        encounter=Encounter(
            med_type=med,
            hosp_lv=s.get("hospital_level", 3),
            mdtrtarea_admvs=admdvs,
            begndate=day,
            enddate=day,
        ),
        fees=[
            FeeLine(code="qa-1", name="医疗费用（按甲类计）", chrgitm_lv="01", amount=s["amount"])
        ],
        ytd=Ytd(stays=stays),
    )


def _assumptions(reply: Reply, s: dict[str, Any], schemes: list[str]) -> None:
    med = s.get("med_type", "inpatient")
    who = "、".join(SCHEME_NAMES[x] for x in schemes)
    parts = [who]
    if "employee" in schemes:
        parts.append("退休人员" if s.get("person_type") == "retired" else "在职职工")
    if med == "inpatient":
        parts.append(f"{LEVEL_NAMES[str(s.get('hospital_level', 3))]}医院")
        parts.append(f"年内第{s.get('nth_stay', 1)}次住院")
    else:
        parts.append(MED[med][1])
    parts.append("费用全部为甲类（政策范围内）、本年此前没有其他报销、在参保地定点医院就医")
    reply.assume("按" + "、".join(parts) + "计算。")
    if "insurance" not in s:
        reply.ask(ASK_SCHEME)
    if "employee" in schemes and "person_type" not in s:
        reply.ask(ASK_PERSON_TYPE)
    if med == "inpatient" and "hospital_level" not in s:
        reply.ask(ASK_LEVEL)
    if med == "inpatient" and "nth_stay" not in s:
        reply.ask(ASK_STAY)
    reply.ask("费用中乙类药品/项目、目录外（自费）项目各有多少？")


def settle_answer(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    """Run the engine for the amount in ``s`` under one or both schemes."""
    schemes = [s["insurance"]] if "insurance" in s else ["employee", "resident"]
    if view.admdvs == "000000":
        reply.conclusion = "报销金额取决于参保城市的起付线和支付比例，全国没有统一标准；告诉我城市后可以算出具体金额。"
        compare_answer(reply, view, s)
        return
    _assumptions(reply, s, schemes)
    results: dict[str, Any] = {}
    for scheme in schemes:
        try:
            results[scheme] = settle(_claim(view.admdvs, view.day, scheme, s))
        except SettlementError as exc:
            results[scheme] = exc
    ok = {k: v for k, v in results.items() if not isinstance(v, Exception)}
    for scheme, res in results.items():
        if isinstance(res, Exception):
            reply.section(
                "未能计算的部分",
                [f"{SCHEME_NAMES[scheme]}：{plain(str(res), view)}，无法算出报销金额。"],
            )
    if ok:
        header = ["项目", *(SCHEME_NAMES[k] for k in ok)]
        rows = []
        for label, key in ROWS:
            vals = [getattr(r.setlinfo, key) for r in ok.values()]
            if key in ("overlmt_selfpay", "preselfpay_amt", "hifmi_pay", "hifob_pay") and not any(
                vals
            ):
                continue
            rows.append([label, *(yuan(v) for v in vals)])
        reply.tables.append(("报销测算", table(header, rows)))
        first = next(iter(ok))
        lines = []
        for step in ok[first].trace:
            lines.append(f"{step.title}：{step.detail}")
            reply.cite(step.basis)
        reply.section(f"计算过程（{SCHEME_NAMES[first]}）", lines)
        for scheme, r in ok.items():
            if len(ok) > 1 and scheme != first:
                for step in r.trace:
                    reply.cite(step.basis)
            reply.section("注意", [f"{SCHEME_NAMES[scheme]}：{w}。" for w in r.warnings])
        amount = s["amount"]
        parts = []
        for scheme, r in ok.items():
            info = r.setlinfo
            share = (info.fund_pay_sumamt / amount * 100) if amount else Decimal(0)
            parts.append(
                f"{SCHEME_NAMES[scheme]}约报销{yuan(info.fund_pay_sumamt)}"
                f"（约{num(share.quantize(Decimal('0.1')))}%），个人负担{yuan(info.psn_part_amt)}"
            )
        reply.conclusion = f"花费{yuan(amount)}，" + "；".join(parts) + "。"
    else:
        reply.conclusion = (
            "该地区政策包缺少计算所需的数字，暂时算不出具体报销金额；下面列出已收录的待遇标准。"
        )
        compare_answer(reply, view, s)


def compare_answer(reply: Reply, view: PolicyView, s: dict[str, Any]) -> None:
    """职工 vs 居民 (or one of them) as a table of resolved parameters."""
    rows = compare(view)
    scheme = s.get("insurance") if not s.get("compare") else None
    columns = [scheme] if scheme else list(SCHEME_NAMES)
    header = ["项目", *(SCHEME_NAMES[x] for x in columns)]
    body = []
    missing = []
    for row in rows:
        cells = [getattr(row, x) for x in columns]
        gaps = [SCHEME_NAMES[x] for x, c in zip(columns, cells, strict=True) if c.text == "未收录"]
        if gaps:
            missing.append(f"{row.topic}（{'、'.join(gaps)}）")
        if all(c.text in ("未收录", "不适用") for c in cells):
            continue
        body.append([row.topic, *(qualified(c.text, c.cite, view.admdvs) for c in cells)])
        for c in cells:
            if c.cite:
                reply.cite([c.cite])
    if body:
        reply.tables.append(("待遇标准对比" if scheme is None else "待遇标准", table(header, body)))
    if missing:
        reply.section(
            "注意", ["该地区尚未收录这些数字（表中标为“未收录”）：" + "、".join(missing) + "。"]
        )
    if not reply.conclusion:
        reply.conclusion = (
            "职工医保由单位和个人按工资缴费、待遇较高（起付线、自付比例更低，设个人账户）；"
            "居民医保按年定额缴费、有财政补助，待遇相对低一些。具体数字见下表。"
            if scheme is None
            else f"{SCHEME_NAMES[scheme]}的起付线、支付比例和限额见下表；告诉我花费金额可以帮您算出能报多少。"
        )
    if "amount" not in s:
        reply.ask(ASK_AMOUNT)
