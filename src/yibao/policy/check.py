"""``python -m yibao.policy.check``: validate every pack against the schema and catalogue.

Prints one line per pack with its count of official and secondary values; exits 1 on the first
invalid pack with the problems listed.
"""

from __future__ import annotations

import sys
from collections import Counter

from yibao.policy.loader import load_catalogue, load_packs
from yibao.policy.schema import Pack, PolicyError


def confidence_counts(pack: Pack) -> Counter[str]:
    """How many parameter versions of the pack cite official vs secondary sources."""
    return Counter(pack.sources[v.source].confidence for vs in pack.parameters.values() for v in vs)


def main() -> int:
    try:
        packs = load_packs(load_catalogue())
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 1
    for code, pack in sorted(packs.items()):
        c = confidence_counts(pack)
        print(f"{code} {pack.name}: {c['official']} official, {c['secondary']} secondary")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
