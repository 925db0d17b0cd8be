"""Reform simulation: settle a claim file under the baseline packs and under a reform overlay.

A reform is a pack-format YAML (``admdvs``, ``name``, ``sources``, ``parameters``) whose
versions override the shipped packs for that region (``Policy.with_overlay``: nothing is
re-read). Each person-complete chunk is read once and settled twice, so a reform run costs
about twice a baseline run. Reported by region × insurance type × hospital level: fund
spending, average personal burden per claim, and the number of people better or worse off
(a person's total personal burden at that level, reform against baseline).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yibao.money import from_fen
from yibao.policy import regions
from yibao.policy.loader import parse_pack
from yibao.policy.resolve import Policy, default_policy
from yibao.policy.schema import PolicyError
from yibao.settlement.batch import BatchError, settle_table
from yibao.settlement.distributed import person_chunks

KEYS = ("insuplc_admdvs", "insutype", "hosp_lv")
SUMS = ("claims", "fund_base", "fund_reform", "psn_base", "psn_reform")


def load_reform(path: Path, policy: Policy | None = None) -> Policy:
    """The policy with the reform at ``path`` as an overlay."""
    policy = policy or default_policy()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BatchError(f"找不到改革方案文件 {path}") from None
    try:
        pack = parse_pack(text, policy.catalogue, str(path))
    except PolicyError as exc:
        raise BatchError(f"改革方案 {path} 无效：{exc}") from None
    return policy.with_overlay({pack.admdvs: pack})


@dataclass
class Report:
    rows: list[dict]  # one per region × insutype × hosp_lv, amounts in fen

    def totals(self) -> dict:
        t = {k: sum(r[k] for r in self.rows) for k in (*SUMS, "better", "worse", "people")}
        return t


def simulate(
    src: Path,
    reform: Policy,
    baseline: Policy | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    baseline = baseline or default_policy()
    parts = []
    for t, _ in person_chunks(src):
        base = settle_table(t, baseline).claims
        new = settle_table(t, reform).claims
        parts.append(_aggregate(t, base, new))
        if progress:
            progress(t.num_rows)
    if not parts:
        raise BatchError("输入文件没有理赔记录")
    agg = (
        pa.concat_tables(parts)
        .group_by(list(KEYS))
        .aggregate([(c, "sum") for c in (*SUMS, "people", "better", "worse")])
    )
    rows = [
        {k.removesuffix("_sum"): v for k, v in r.items()}
        for r in agg.sort_by([(k, "ascending") for k in KEYS]).to_pylist()
    ]
    return Report(rows)


def _aggregate(t: pa.Table, base: pa.Table, new: pa.Table) -> pa.Table:
    lv = t.column("hosp_lv").cast(pa.int8())
    claims = pa.table(
        {
            "psn_no": t.column("psn_no"),
            "insuplc_admdvs": t.column("insuplc_admdvs").cast(pa.string()),
            "insutype": t.column("insutype").cast(pa.string()),
            "hosp_lv": lv,
            "claims": pa.array(np.ones(t.num_rows, dtype=np.int64)),
            "fund_base": base.column("fund_pay_sumamt"),
            "fund_reform": new.column("fund_pay_sumamt"),
            "psn_base": base.column("psn_part_amt"),
            "psn_reform": new.column("psn_part_amt"),
        }
    )
    per = claims.group_by(["psn_no", *KEYS]).aggregate([(c, "sum") for c in SUMS])
    diff = pc.subtract(per.column("psn_reform_sum"), per.column("psn_base_sum"))
    per = per.append_column("people", pa.array(np.ones(per.num_rows, dtype=np.int64)))
    per = per.append_column("better", pc.cast(pc.less(diff, 0), pa.int64()))
    per = per.append_column("worse", pc.cast(pc.greater(diff, 0), pa.int64()))
    per = per.rename_columns([c.removesuffix("_sum") for c in per.column_names])
    out = per.group_by(list(KEYS)).aggregate(
        [(c, "sum") for c in (*SUMS, "people", "better", "worse")]
    )
    return out.rename_columns([c.removesuffix("_sum") for c in out.column_names])


# --- rendering ----------------------------------------------------------------------------------

LEVEL = {0: "基层", 1: "一级", 2: "二级", 3: "三级"}
INS = {"310": "职工", "390": "居民"}
HEADERS = (
    "地区",
    "险种",
    "医院等级",
    "理赔笔数",
    "人数",
    "基金支出（基线）",
    "基金支出（改革）",
    "基金变化",
    "人均次个人负担（基线）",
    "人均次个人负担（改革）",
    "受益人数",
    "受损人数",
)


def _region_name(code: str) -> str:
    try:
        return regions.get(code).name
    except regions.UnknownRegion:
        return code


def table_rows(report: Report) -> list[list[str]]:
    out = []
    for r in report.rows:
        n = max(r["claims"], 1)
        out.append(
            [
                _region_name(r["insuplc_admdvs"]),
                INS.get(r["insutype"], r["insutype"]),
                LEVEL.get(r["hosp_lv"], str(r["hosp_lv"])),
                str(r["claims"]),
                str(r["people"]),
                str(from_fen(r["fund_base"])),
                str(from_fen(r["fund_reform"])),
                str(from_fen(r["fund_reform"] - r["fund_base"])),
                str(from_fen((r["psn_base"] + n // 2) // n)),  # average, rounded half up to the fen
                str(from_fen((r["psn_reform"] + n // 2) // n)),
                str(r["better"]),
                str(r["worse"]),
            ]
        )
    return out


def chart_png(report: Report) -> bytes:
    """Fund spending change by region × insutype × level (ASCII labels unless a CJK font
    is installed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [
        f.name
        for f in font_manager.fontManager.ttflist
        if any(k in f.name for k in ("CJK", "WenQuanYi", "SimHei", "Hei"))
    ]
    if cjk:
        plt.rcParams["font.sans-serif"] = [cjk[0]]
    labels = [
        (
            f"{_region_name(r['insuplc_admdvs'])}{INS.get(r['insutype'], '')}"
            f"{LEVEL.get(r['hosp_lv'], '')}"
        )
        if cjk
        else f"{r['insuplc_admdvs']}/{r['insutype']}/L{r['hosp_lv']}"
        for r in report.rows
    ]
    delta = [float(from_fen(r["fund_reform"] - r["fund_base"])) / 1e4 for r in report.rows]
    fig, ax = plt.subplots(figsize=(8, max(3, 0.3 * len(labels))))
    ax.barh(labels, delta, color=["#c0392b" if d > 0 else "#2e86c1" for d in delta])
    ax.set_xlabel("基金支出变化（万元）" if cjk else "fund spending change (10k yuan)")
    ax.invert_yaxis()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def to_html(report: Report, title: str, png: bytes) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in table_rows(report)
    )
    img = base64.b64encode(png).decode()
    return (
        "<!doctype html><html lang='zh-CN'><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><body><h1>{html.escape(title)}</h1>"
        f"<table border='1' cellspacing='0' cellpadding='4'><tr>{head}</tr>{body}</table>"
        f"<p><img alt='基金支出变化' src='data:image/png;base64,{img}'></p></body></html>"
    )


__all__ = ["Report", "chart_png", "load_reform", "simulate", "table_rows", "to_html"]
