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


def money_chart(setlinfo: dict[str, Decimal], width: int = 600) -> str:
    """A stacked bar of the total by payer, with an HTML legend that stays legible on phones."""
    total = Decimal(setlinfo["medfee_sumamt"])
    if total <= 0:
        return ""
    bar_h, x = 30, Decimal(0)
    rects, legend = [], []
    for key, label, colour in PARTS:
        amount = Decimal(setlinfo[key])
        w = amount / total * width
        if w > 0:
            rects.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{escape(label)} {amount:.2f} 元</title></rect>"
            )
        x += w
        legend.append(
            f'<li><span class="swatch" style="background:{colour}"></span>{escape(label)} '
            f"<b>{amount:.2f}</b> 元（{amount / total * 100:.1f}%）</li>"
        )
    svg = (
        f'<svg role="img" aria-label="费用来源构成" class="money-chart" viewBox="0 0 {width} '
        f'{bar_h}" width="100%" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
        f"{''.join(rects)}</svg>"
    )
    return f'<figure class="chart">{svg}<ul class="legend">{"".join(legend)}</ul></figure>'
