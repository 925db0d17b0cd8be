"""Markdown for answers: a ``Reply`` collects conclusion, sections, assumptions, follow-up
questions and the basis (citations), and renders them like a good 社保 page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yibao.policy.resolve import PolicyView
from yibao.rules.decision import Decision, caveats_of

SECTION_TITLES = {
    "reasons": "条件与依据",
    "consequences": "须知与后果",
    "materials": "所需材料",
    "next_steps": "怎么办理",
    "notes": "注意",
}


@dataclass(frozen=True, slots=True)
class Ask:
    """A follow-up question to the asker: its text, the slot its answer fills, likely answers
    (shown as buttons; each is a complete reply the understanding reads), and whether a free
    answer is expected (shown as a small input)."""

    text: str
    slot: str | None = None
    options: tuple[str, ...] = ()
    free: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.text,
            "slot": self.slot,
            "options": list(self.options),
            "input": self.free,
        }


@dataclass
class Reply:
    title: str
    conclusion: str = ""
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)  # (heading, markdown table)
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    followups: list[Ask] = field(default_factory=list)
    basis: list[dict[str, Any]] = field(default_factory=list)

    def section(self, heading: str, lines: list[str]) -> None:
        lines = _dedupe([x for x in lines if x])
        if not lines:
            return
        for i, (h, old) in enumerate(self.sections):
            if h == heading:
                self.sections[i] = (h, _dedupe(old + lines))
                return
        self.sections.append((heading, lines))

    def cite(self, items: list[dict[str, Any]] | None) -> None:
        for c in items or []:
            if c and c not in self.basis:
                self.basis.append(c)

    def ask(self, *questions: str | Ask) -> None:
        for q in questions:
            a = q if isinstance(q, Ask) else Ask(q)
            if a.text not in self.missing:
                self.missing.append(a.text)
                self.followups.append(a)

    def assume(self, *lines: str) -> None:
        for x in lines:
            if x not in self.assumptions:
                self.assumptions.append(x)

    def decision(self, d: Decision, prefix: str = "") -> None:
        """Add a rule's Decision: reasons, consequences, materials, steps, notes and basis."""
        for key in ("reasons", "consequences", "materials", "next_steps", "notes"):
            values = [v for v in getattr(d, key) if not v.startswith("尚未收录该地区的地方政策")]
            if values:
                self.section(prefix + SECTION_TITLES[key], values)
        self.cite(d.basis)

    def markdown(self) -> str:
        out = [f"### {self.title}", ""]
        if self.conclusion:
            disputed = any(c.get("disputed") for c in self.basis)
            note = "（所依据的部分数字存在争议，见下方“请注意”）" if disputed else ""
            out += [f"**结论**：{self.conclusion}{note}", ""]
        for heading, table in self.tables:
            out += [f"**{heading}**", "", table, ""]
        for heading, lines in self.sections:
            out += [f"**{heading}**", ""] + [f"- {x}" for x in lines] + [""]
        if self.assumptions:
            out += ["**本回答的假设**", ""] + [f"- {x}" for x in self.assumptions] + [""]
        if self.missing:
            out += ["**还需要您补充（回答后可算得更准）**", ""]
            out += [f"- {x}" for x in self.missing] + [""]
        caveats = caveats_of(self.basis)  # disputed figures and national bounds used
        if caveats:
            out += ["**请注意：所用数字的可靠程度**", ""] + [f"- {x}" for x in caveats] + [""]
        src = sources(self.basis)
        if src:
            out += ["**来源**", ""] + [f"{i}. {s}" for i, s in enumerate(src, 1)] + [""]
        return "\n".join(out).rstrip() + "\n"


def _dedupe(xs: list[str]) -> list[str]:
    return list(dict.fromkeys(xs))


def sources(basis: list[dict[str, Any]]) -> list[str]:
    """One line per distinct source document and article, secondary ones marked; a source kept
    only as a local capture shows its issuer, not a file path."""
    lines: list[str] = []
    for c in basis:
        s = c.get("source") or {}
        url = s.get("url") if str(s.get("url") or "").startswith("http") else None
        ref = "，".join(x for x in (s.get("doc_no"), url or s.get("issuer")) if x)
        line = f"《{s.get('title', '未注明')}》"
        if ref:
            line += f"（{ref}）"
        if s.get("article"):
            line += f" · {s['article']}"
        if c.get("pack_name"):
            line += f" · {c['pack_name']}政策包"
        if s.get("confidence") == "secondary":
            line += " ·（二手来源，仅供参考，请以官方文件为准）"
        if line not in lines:
            lines.append(line)
    return lines


def param_lines(view: PolicyView, names: list[str], reply: Reply) -> list[str]:
    """'label：value' for each parameter that resolves; cites them on ``reply``."""
    out: list[str] = []
    for name in names:
        r = view.optional(name)
        if r is None:
            continue
        # with its unit; a bound as 不低于/不超过/最长; another region's figure names it
        out.append(f"{r.label}：{r.shown_in(view.admdvs)}")
        reply.cite([r.cite()])
    return out


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
    return "\n".join(lines)
