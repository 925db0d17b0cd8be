"""How far to trust each pack: evidence counts and what a claim would lack.

For every pack: how many parameter versions are official with a quote, official without one
(still to be given its quote), secondary, derived, disputed and bounds (disputed and bound
versions are also counted under their evidence); and, for each scheme (职工/居民) and claim type
(住院/普通门诊/门诊慢特病), which of the parameters the settlement engine reads are **missing**.

"Missing" means: not resolvable for the region on the audit date along its chain (the region's
own pack, then its province's, then the national pack) — exactly what the engine would see when
settling a claim of that region on that date. A city with an empty pack therefore shows only what
the national pack does not give. Parameters the engine cannot do without (it refuses to settle)
are ``blocking``; the others make it settle with a warning (no cap, no second layer, 乙类 lines
need their own self-pay share).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from yibao.policy import evidence
from yibao.policy.resolve import NATIONAL, Policy

SCHEMES = {"employee": "职工医保", "resident": "居民医保"}
CLAIMS = {"inpatient": "住院", "outpatient": "普通门诊", "chronic": "门诊慢特病"}
SECOND_LAYER = {
    "employee": ("employee.large.threshold", "employee.large.bands", "employee.large.cap"),
    "resident": ("resident.serious.threshold", "resident.serious.bands", "resident.serious.cap"),
}
CLASS_B = "common.items.class_b_preselfpay_rate"


def needed(scheme: str, claim: str) -> tuple[list[str], list[str]]:
    """(blocking, warned): the parameters the scalar engine reads for a claim of this scheme
    and type; without a blocking one it refuses to settle, without a warned one it warns."""
    blocking = [f"{scheme}.{claim}.deductible", f"{scheme}.{claim}.fund_ratio"]
    warned = [f"{scheme}.{claim}.annual_cap", CLASS_B]
    if claim == "chronic":
        warned.append(f"{scheme}.inpatient.annual_cap")
    if claim != "outpatient":
        warned += SECOND_LAYER[scheme]
    return blocking, warned


@dataclass(frozen=True)
class PackAudit:
    admdvs: str
    name: str
    counts: dict[str, int]
    missing: dict[str, dict[str, list[str]]]  # scheme → claim → parameter names
    blocking: dict[str, dict[str, list[str]]]

    @property
    def versions(self) -> int:
        c = self.counts
        return c["official"] + c["official_unquoted"] + c["secondary"] + c["derived"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "admdvs": self.admdvs,
            "name": self.name,
            "versions": self.versions,
            **self.counts,
            "missing": self.missing,
            "blocking": self.blocking,
        }


def audit_region(policy: Policy, admdvs: str, name: str, day: dt.date) -> PackAudit:
    pack = policy.packs.get(admdvs)
    counts = evidence.counts(pack) if pack else dict.fromkeys(evidence.COUNT_KEYS, 0)
    view = policy.view(admdvs, day)
    missing: dict[str, dict[str, list[str]]] = {}
    blocking: dict[str, dict[str, list[str]]] = {}
    for scheme in SCHEMES:
        for claim in CLAIMS:
            block, warn = needed(scheme, claim)
            gone = [n for n in block + warn if view.optional(n) is None]
            missing.setdefault(scheme, {})[claim] = gone
            blocking.setdefault(scheme, {})[claim] = [n for n in gone if n in block]
    return PackAudit(admdvs, name, counts, missing, blocking)


def audit(policy: Policy, day: dt.date) -> list[PackAudit]:
    """One audit per shipped pack, by region code."""
    return [audit_region(policy, code, p.name, day) for code, p in sorted(policy.packs.items())]


# --- the README table ---------------------------------------------------------------------------

README_START = "<!-- policy-audit:start -->"
README_END = "<!-- policy-audit:end -->"


def _missing_cell(a: PackAudit, scheme: str) -> str:
    return " / ".join(str(len(a.missing[scheme][c])) for c in CLAIMS)


def markdown(audits: list[PackAudit], day: dt.date) -> str:
    """The README block: one row per pack (``yibao policy audit --markdown --date DAY``)."""
    lines = [
        README_START,
        f"Evidence per pack and parameters missing for a claim on {day} "
        f"(`yibao policy audit --markdown --date {day}`; missing = not resolvable on the "
        "region's chain, counted for inpatient / outpatient / chronic):",
        "",
        "| pack | official (quoted) | official (no quote yet) | secondary | derived | disputed "
        "| bound | employee missing | resident missing |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for a in audits:
        c = a.counts
        lines.append(
            f"| {a.admdvs} {a.name} | {c['official']} | {c['official_unquoted']} | "
            f"{c['secondary']} | {c['derived']} | {c['disputed']} | {c['bound']} | "
            f"{_missing_cell(a, 'employee')} | {_missing_cell(a, 'resident')} |"
        )
    lines.append(README_END)
    return "\n".join(lines)


__all__ = ["CLAIMS", "NATIONAL", "SCHEMES", "PackAudit", "audit", "audit_region", "markdown"]
