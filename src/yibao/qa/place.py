"""Which region a question is about (参保地), and a destination when it names one.

``regions.find_in_text`` finds one name; to see every name we call it again on the text with
the found region's names (and its ancestors') blanked out. Then: ancestors of another found
region are dropped (广西玉林 → 玉林); a region written right after 去/到/往/转到/调到 is a
destination, not the insured region (从北京去上海工作 → 北京, destination 上海); one written
next to 医保/户口/参保 or after 我是/老家在/参保地 is preferred; otherwise the earliest wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yibao.policy import regions

_DEST_BEFORE = re.compile(r"(?:去|到|往|至|转|来|调|迁|搬|入|回)$")
_HOME_BEFORE = re.compile(r"(?:我是|老家在|老家是|参保地在?|参保在|户口在|以)$")
_HOME_AFTER = re.compile(r"^(?:的?医保|的?社保|户口|户籍|参保|的人|人)")


@dataclass(frozen=True, slots=True)
class Mention:
    region: regions.Region
    start: int
    end: int
    destination: bool
    home: bool


def _names(r: regions.Region) -> list[str]:
    out: list[str] = []
    for x in regions.chain(r.admdvs):
        out.extend([x.name, *x.short_names])
    return sorted(set(out), key=len, reverse=True)


def mentions(text: str, limit: int = 4) -> list[Mention]:
    """Regions named in ``text`` in order of appearance (ancestors of another dropped)."""
    found: list[tuple[int, int, regions.Region]] = []
    work = text
    for _ in range(limit):
        r = regions.find_in_text(work)
        if r is None:
            break
        hit = None
        for name in _names(r):
            pos = work.find(name)
            while pos >= 0:
                if hit is None or pos < hit[0]:
                    hit = (pos, pos + len(name))
                work = work[:pos] + "\x00" * len(name) + work[pos + len(name) :]
                pos = work.find(name)
        if hit is None:
            break
        found.append((hit[0], hit[1], r))
    codes = {r.admdvs for _, _, r in found}
    kept = [
        f
        for f in found
        if not any(c != f[2].admdvs and f[2].admdvs in _ancestors(c) for c in codes)
    ]
    kept.sort(key=lambda f: f[0])
    out = []
    for start, end, r in kept:
        before, after = text[max(0, start - 3) : start], text[end : end + 4]
        out.append(
            Mention(
                r,
                start,
                end,
                destination=bool(_DEST_BEFORE.search(before)),
                home=bool(_HOME_BEFORE.search(before) or _HOME_AFTER.search(after)),
            )
        )
    return out


def _ancestors(code: str) -> set[str]:
    return {r.admdvs for r in regions.chain(code)[1:]}


def pick(found: list[Mention], moving: bool) -> tuple[regions.Region | None, regions.Region | None]:
    """(insured region, destination). ``moving``: the intent is transfer or off-site, where a
    lone destination is not the insured region."""
    if not found:
        return None, None
    dest = next((m for m in found if m.destination), None)
    rest = [m for m in found if not m.destination]
    if not rest:
        if moving:
            return None, dest.region if dest else None
        return found[0].region, None
    home = next((m for m in rest if m.home), None)
    chosen = home or rest[0]
    if dest is None and moving and len(rest) > 1:
        other = next(m for m in rest if m is not chosen)
        return chosen.region, other.region
    return chosen.region, dest.region if dest else None
