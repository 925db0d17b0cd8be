"""Where each yuan comes from: an inline SVG stacked bar (no scripts, no external assets)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

PARTS = (
    ("hifp_pay", "统筹基金", "#0b6e4f"),
    ("hifmi_pay", "大病保险", "#2f9e7a"),
    ("hifob_pay", "大额补助", "#5cb8a0"),
    ("acct_pay", "个人账户", "#3a6ea5"),
    ("psn_cash_pay", "现金", "#d9822b"),
)


def money_chart(setlinfo: dict[str, Decimal], width: int = 640) -> str:
    total = Decimal(setlinfo["medfee_sumamt"])
    if total <= 0:
        return ""
    bar_h, x = 28, Decimal(0)
    rects, legend = [], []
    for i, (key, label, colour) in enumerate(PARTS):
        amount = Decimal(setlinfo[key])
        if key == "acct_pay":
            amount = Decimal(setlinfo["acct_pay"])
        w = amount / total * width
        if w > 0:
            rects.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{escape(label)} {amount:.2f} 元</title></rect>"
            )
        x += w
        share = amount / total * 100
        legend.append(
            f'<rect x="{(i % 3) * 210}" y="{40 + (i // 3) * 22}" width="12" height="12" '
            f'fill="{colour}"/><text x="{(i % 3) * 210 + 18}" y="{51 + (i // 3) * 22}">'
            f"{escape(label)} {amount:.2f}元（{share:.1f}%）</text>"
        )
    return (
        f'<svg role="img" aria-label="费用来源构成" class="money-chart" viewBox="0 0 {width} 90" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">{"".join(rects)}{"".join(legend)}</svg>'
    )
