"""What every face (cli, api, web) shows the same way: masked identity numbers, problem
documents for refused input, the settlement output shape, and exact-digit JSON.

It sits below the faces and above the layers they call; it has no web framework in it, so
the CLI can use it as well as the API and the pages.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field, create_model

from yibao.accounts.idcard import mask_id
from yibao.jsonout import dumps
from yibao.policy.resolve import view
from yibao.rules.inputs import COMMON_FIELDS, RuleInput
from yibao.rules.registry import RULES as RULE_REGISTRY

__all__ = [
    "CHECK_MODELS",
    "CHECK_RULES",
    "PROBLEM_TYPE",
    "CheckBase",
    "Problem",
    "dumps",
    "field_errors",
    "mask_id",
    "masked",
    "problem_body",
    "settlement_output",
]

# --- masking -------------------------------------------------------------------------------------

# one definition, with the ID numbers themselves (accounts.idcard); the journal masks with it too


def masked(obj: Any) -> Any:
    """The same structure with every ID number inside its strings masked."""
    if isinstance(obj, dict):
        return {k: masked(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [masked(v) for v in obj]
    if isinstance(obj, str):
        return mask_id(obj)
    return obj


# --- problems ------------------------------------------------------------------------------------

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """Refused input or a refused operation, answered as an RFC 9457 problem document by the API
    and as a message by the pages and the CLI."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[dict[str, str]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors = errors or []
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return problem_body(self.status, self.title, self.detail, self.errors, **self.extra)

    @property
    def message(self) -> str:
        """One line for a person: the detail, or the field problems, or the title."""
        if self.errors:
            return "；".join(e["problem"] for e in self.errors)
        return self.detail or self.title


def problem_body(
    status: int,
    title: str,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


_LOC_SKIP = ("body", "query", "path", "header", "form")


def field_errors(
    errors: Sequence[Mapping[str, Any]],
    drop_first: bool = False,
    labels: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """pydantic errors → ``[{field, problem}]``. With ``labels`` (field name → Chinese label) the
    problem text names the field in Chinese, for people; ``field`` keeps the machine name."""
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))
        if drop_first and loc and loc[0] in _LOC_SKIP:
            loc = loc[1:]
        field = ".".join(str(p) for p in loc) or "(body)"
        problem = str(e.get("msg", "")).removeprefix("Value error, ")
        if labels is not None:
            problem = _zh_problem(e, labels.get(str(loc[0]) if loc else "", field))
        out.append({"field": field, "problem": problem})
    return out


def _zh_problem(e: Mapping[str, Any], label: str) -> str:
    """A pydantic error in plain Chinese, naming the field by its label."""
    kind = str(e.get("type", ""))
    ctx = e.get("ctx") or {}
    msg = str(e.get("msg", "")).removeprefix("Value error, ")
    if kind == "missing":
        return f"请填写“{label}”"
    if kind.startswith("date"):
        return f"“{label}”应为日期，如 2026-03-01"
    if kind.startswith(("int", "decimal", "float")):
        if "ge" in ctx or "gt" in ctx:
            return f"“{label}”不能小于 {ctx.get('ge', ctx.get('gt'))}"
        if "le" in ctx or "lt" in ctx:
            return f"“{label}”不能大于 {ctx.get('le', ctx.get('lt'))}"
        return f"“{label}”应为数字"
    if kind in ("greater_than_equal", "greater_than"):
        return f"“{label}”不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"“{label}”不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind.startswith("bool"):
        return f"“{label}”请选择“是”或“否”"
    if kind in ("literal_error", "enum"):
        return f"“{label}”请从列表中选择"
    if kind == "extra_forbidden":
        return f"不认识的填写项“{label}”"
    if kind == "value_error" and any("\u4e00" <= ch <= "\u9fff" for ch in msg):
        return msg  # the model's own Chinese message
    return f"“{label}”填写有误"


# --- output shapes -------------------------------------------------------------------------------


def settlement_output(settlement: Any) -> dict[str, Any]:
    """A settlement as every face returns it: the national platform's ``setlinfo`` and
    ``setldetail``, the trace and the warnings (``Settlement.output``)."""
    return settlement.output()


# --- rule checks: one input model per rule, shared by the API, the pages and the CLI ----------

# The rule checks and their request models come from the rule registry (one input model per
# rule, with Chinese titles and the vocabulary's codes); the region and date are added here.
CHECK_RULES: dict[str, Callable[..., Any]] = {name: r.check for name, r in RULE_REGISTRY.items()}


class CheckBase(RuleInput):
    model_config = ConfigDict(extra="forbid")
    region: str = Field(
        title=COMMON_FIELDS["region"]["title"], description=COMMON_FIELDS["region"]["description"]
    )
    date: dt.date | None = Field(
        default=None,
        title=COMMON_FIELDS["date"]["title"],
        description=COMMON_FIELDS["date"]["description"],
    )


def _model(rule: str) -> type[CheckBase]:
    cls_name = "Check" + "".join(w.title() for w in rule.split("-"))
    bases = (CheckBase, RULE_REGISTRY[rule].inputs)
    return create_model(cls_name, __base__=bases)  # type: ignore[arg-type]  # stubs want one base type


CHECK_MODELS: dict[str, type[CheckBase]] = {rule: _model(rule) for rule in RULE_REGISTRY}
CHECK_TITLES: dict[str, str] = {name: r.title for name, r in RULE_REGISTRY.items()}


# --- amounts typed by people ---------------------------------------------------------------------

_AMOUNT_RE = re.compile(r"^(\d+(?:\.\d{1,2})?)(万)?$")
AMOUNT_LIMIT = Decimal("100000000")  # 1 亿元: larger figures are typing mistakes here


def parse_amount(text: str, label: str, *, limit: Decimal = AMOUNT_LIMIT) -> Decimal:
    """An amount in yuan as a person types it: ``20000``, ``20,000元``, ``２万``, ``1.5万``.
    Raises ``ValueError`` with a Chinese message naming the field (``label``)."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    t = raw.replace(",", "").replace("，", "").replace(" ", "").removesuffix("元")
    m = _AMOUNT_RE.match(t)
    if not m:
        raise ValueError(f"“{label}”应为金额（元），如 20000 或 2万，收到“{raw}”")
    d = Decimal(m.group(1)) * (10000 if m.group(2) else 1)
    if d > limit:
        raise ValueError(f"“{label}”超过 {limit / 10000:.0f} 万元，请检查是否多输了位数")
    return d


def parse_percent(text: str, label: str) -> Decimal:
    """A percentage typed by a person (``10``, ``10%``, ``１０％``) → a rate (0.10)."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    t = raw.removesuffix("%").strip()
    if not re.fullmatch(r"\d+(\.\d+)?", t):
        raise ValueError(f"“{label}”应为 0 到 100 之间的百分数，收到“{raw}”")
    d = Decimal(t)
    if d > 100:
        raise ValueError(f"“{label}”应在 0 到 100 之间，收到“{raw}”")
    return d / 100


# --- settlement errors in plain Chinese ----------------------------------------------------------

_PARAM_RE = re.compile(r"[（(]?\b([a-z_]+(?:\.[a-z_0-9]+)+)\b[)）]?")


def hotline(day: dt.date | None = None) -> str:
    """The national 医保 service hotline as the national pack records it on ``day`` (today by
    default), in a phrase: '医保服务热线 12393', or the generic phrase when none is recorded."""
    r = view("000000", day or dt.date.today()).optional("common.service.hotline")
    return f"医保服务热线 {r.value}" if r is not None else "参保地的医保服务热线"


def plain_policy_error(message: str) -> str:
    """A policy gap for a person: the parameter names (``（参数 a.b.c）``) left out."""
    text = re.sub(r"[（(]参数\s*[a-z_.0-9]+[)）]", "", message)
    text = _PARAM_RE.sub("", text).replace("参数 ", "")
    line = hotline()
    return text + ("" if line in text else f"可拨打{line}咨询当地规定。")


def plain_settlement_error(message: str, region: str, labels: dict[str, str]) -> str:
    """A settlement refusal for a person: parameter names replaced by their Chinese labels
    (``labels``: catalogue name → label), field names dropped, and what the person can do."""
    names = _PARAM_RE.findall(message)
    said = re.search(r"未收录([^（(，,。]+)[（(]", message)  # the engine's own description
    what = (
        said.group(1)
        if said
        else "、".join(dict.fromkeys(labels[n] for n in names if labels.get(n)))
    )
    if "class_b_preselfpay_rate" in message:
        return (
            f"{region}的乙类先行自付比例暂未收录，所以含乙类费用时无法自动计算。"
            "您可以：填写结算单或当地规定上的“乙类先行自付比例”（如 10%），"
            "或按 0% 估算（结果会偏高）；也可以把乙类费用并入甲类估算。"
        )
    text = _PARAM_RE.sub("", message).replace("参数 ", "").strip("：: ")
    if what:
        head = f"{region}的“{what}”暂未收录，无法算出这种情形的报销金额。"
    else:
        head = f"暂时无法计算：{text}。"
    return (
        head + "您可以：换一种情形试算（如医院级别、险种或就诊类型），"
        f"查看“数据来源与覆盖”了解已收录的地区，或拨打{hotline()}咨询。"
    )
