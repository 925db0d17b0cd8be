"""Resolution: ``(region, parameter, date) → value`` with its source.

The nearest pack on the chain city → province → national that defines the parameter decides;
within it, the version in force on the date. Before a pack's first version of a parameter the
parent's value applied (the local rule did not exist yet), so resolution moves up the chain;
a date in a gap is an error, not a guess. After a pack's last version has ended (an annual
amount whose next year is not recorded) only a parent's *bound* (不低于/不超过) may answer, shown
as a bound; otherwise it is an error too. Packs are parsed once per process
(``default_policy`` is cached), and each ``PolicyView`` memoises what it resolved.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from yibao.policy import display, regions
from yibao.policy.loader import load_catalogue, load_packs
from yibao.policy.schema import Pack, ParamSpec, PolicyError, Source, Version

NATIONAL = "000000"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A parameter's value for a region and date, and where it comes from."""

    name: str
    value: Any
    since: dt.date
    until: dt.date | None
    source: Source
    source_key: str
    article: str
    pack: str  # admdvs of the pack that defined it
    pack_name: str
    note: str | None = None
    overlay: bool = False
    quote: str | None = None
    derived: str | None = None
    dispute: str | None = None  # set when the version is disputed: why
    bound: str | None = None  # "floor" | "ceiling" when the figure is a bound, not the value
    spec: ParamSpec | None = None  # the catalogue entry (label, kind, unit)

    @property
    def evidence(self) -> str:
        """official | secondary | derived: how the value is known (disputes are separate)."""
        return "derived" if self.derived else self.source.confidence

    @property
    def disputed(self) -> bool:
        return self.dispute is not None

    @property
    def label(self) -> str:
        return self.spec.label if self.spec else self.name

    def shown(self) -> str:
        """The value as a citizen reads it, a bound as 不低于/不超过/最长 (e.g. 不低于400元)."""
        if self.spec is None:
            return str(self.value)
        return display.shown(self.spec, self.value, self.bound)

    def shown_in(self, admdvs: str) -> str:
        """``shown`` for an answer about region ``admdvs``: a bound as a bound, and a figure
        from another region's pack (the province's, the national one) naming that region."""
        return display.qualified(self.shown(), self.cite(), admdvs)

    @property
    def caveat(self) -> str | None:
        """What a citizen must be told with this value, in plain Chinese; None when nothing.

        A disputed value: why it is disputed. A bound: that it is the national (or provincial)
        floor/ceiling and the local figure may differ.
        """
        parts: list[str] = []
        if self.dispute:
            parts.append(
                f"“{self.label}”的数字来源存在争议：{self.dispute.rstrip('。')}。"
                "计算仍按此数字进行，请以当地医保部门的答复为准。"
            )
        if self.bound:
            scope = "全国" if self.pack == NATIONAL else self.pack_name
            local = display.bound_local(self.spec, self.bound)
            parts.append(f"“{self.label}”：{scope}规定{self.shown()}，{local}。")
        return "".join(parts) or None

    def cite(self) -> dict[str, Any]:
        """A JSON-ready citation: what a Decision or trace puts in its ``basis``."""
        s = self.source
        return {
            "parameter": self.name,
            "label": self.label,
            "value": _jsonable(self.value),
            "shown": self.shown(),
            "pack": self.pack,
            "pack_name": self.pack_name,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "source": {
                "title": s.title,
                "doc_no": s.doc_no,
                "url": s.url,
                "issuer": s.issuer,
                "article": self.article,
                "read": s.read.isoformat(),
                "confidence": s.confidence,
                "via": s.via,
            },
            "evidence": self.evidence,
            "quote": self.quote,
            "derived": self.derived,
            "disputed": self.disputed,
            "dispute": self.dispute,
            "bound": self.bound,
            "caveat": self.caveat,
            "overlay": self.overlay,
        }


def _jsonable(value: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return _jsonable(value.model_dump())
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _in_force(versions: list[Version], day: dt.date) -> Version | None:
    for i, v in enumerate(versions):
        nxt = versions[i + 1].since if i + 1 < len(versions) else None
        if v.covers(day, nxt):
            return v
    return None


@dataclass
class Policy:
    """All packs and the catalogue; optionally an overlay (a reform) consulted first."""

    catalogue: dict[str, ParamSpec]
    packs: dict[str, Pack]
    overlay: dict[str, Pack] = field(default_factory=dict)

    def chain(self, admdvs: str) -> list[str]:
        """Region codes consulted for ``admdvs``: itself, its ancestors, then the nation."""
        if admdvs == NATIONAL:
            return [NATIONAL]
        return [r.admdvs for r in regions.chain(admdvs)] + [NATIONAL]

    def resolve(self, admdvs: str, name: str, day: dt.date) -> Resolved:
        if name not in self.catalogue:
            raise PolicyError(f"未知参数 {name}")
        earliest: dt.date | None = None
        ended: str | None = None  # a nearer pack's last version ended before ``day``
        for code in self.chain(admdvs):
            for pack, is_overlay in ((self.overlay.get(code), True), (self.packs.get(code), False)):
                if pack is None or name not in pack.parameters:
                    continue
                versions = pack.parameters[name]
                if day < versions[0].since:
                    earliest = min(earliest or versions[0].since, versions[0].since)
                    continue  # before this pack set its own value, the parent's applied
                version = _in_force(versions, day)
                no_version = (
                    f"参数 {name}：{pack.name}（{pack.admdvs}）的政策包没有在 {day} 生效的版本"
                )
                if version is None:
                    last = versions[-1].until
                    if ended is None and last is not None and day > last:
                        # The local figure (an annual amount) has ended and the next is not
                        # recorded: only a parent's bound (不低于/不超过) may stand in, and it
                        # is shown as a bound.
                        ended = no_version + f"（最后一个版本至 {last} 止）"
                        continue
                    raise PolicyError(no_version)
                if ended is not None and version.bound is None:
                    raise PolicyError(ended)
                return Resolved(
                    name=name,
                    value=version.value,
                    since=version.since,
                    until=version.until,
                    source=pack.sources[version.source],
                    source_key=version.source,
                    article=version.article,
                    pack=pack.admdvs,
                    pack_name=pack.name,
                    note=version.note,
                    overlay=is_overlay,
                    quote=version.quote,
                    derived=version.derived,
                    dispute=version.dispute if version.status == "disputed" else None,
                    bound=version.bound,
                    spec=self.catalogue[name],
                )
        if ended is not None:
            raise PolicyError(ended)
        if earliest is not None:
            raise PolicyError(
                f"参数 {name}：{admdvs} 及其上级地区的政策包没有在 {day} 生效的版本"
                f"（最早的版本自 {earliest} 起）"
            )
        raise PolicyError(f"参数 {name} 在 {admdvs} 及其上级地区和全国政策包中都没有定义")

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - policies live for the process
    def view(self, admdvs: str, day: dt.date) -> PolicyView:
        return PolicyView(self, admdvs, day)

    def with_overlay(self, overlay: dict[str, Pack]) -> Policy:
        """The same packs with a reform overlay; nothing is parsed again."""
        return Policy(self.catalogue, self.packs, overlay)

    def local_packs(self, admdvs: str) -> list[Pack]:
        """The packs of ``admdvs``'s chain that exist (nearest first), national excluded."""
        return [self.packs[c] for c in self.chain(admdvs)[:-1] if c in self.packs]

    __hash__ = object.__hash__
    __eq__ = object.__eq__


class PolicyView:
    """The law for one region on one date. ``get`` returns a ``Resolved``; ``value`` its value."""

    __slots__ = ("_cache", "admdvs", "day", "policy")

    def __init__(self, policy: Policy, admdvs: str, day: dt.date) -> None:
        self.policy = policy
        self.admdvs = admdvs
        self.day = day
        self._cache: dict[str, Resolved | PolicyError] = {}

    def _lookup(self, name: str) -> Resolved | PolicyError:
        hit = self._cache.get(name)
        if hit is None:
            try:
                hit = self.policy.resolve(self.admdvs, name, self.day)
            except PolicyError as exc:
                hit = exc
            self._cache[name] = hit
        return hit

    def get(self, name: str) -> Resolved:
        hit = self._lookup(name)
        if isinstance(hit, PolicyError):
            raise hit
        return hit

    def value(self, name: str) -> Any:
        return self.get(name).value

    def optional(self, name: str) -> Resolved | None:
        """The parameter if some pack on the chain defines it for this date, else None."""
        hit = self._lookup(name)
        return None if isinstance(hit, PolicyError) else hit

    def all(self, names: Iterable[str] | None = None) -> list[Resolved]:
        """Every catalogue parameter (or those named) that resolves here, in catalogue order."""
        names = list(names) if names is not None else list(self.policy.catalogue)
        return [r for n in names if (r := self.optional(n)) is not None]

    @property
    def has_local_pack(self) -> bool:
        return bool(self.policy.local_packs(self.admdvs))


@functools.cache
def default_policy() -> Policy:
    """The packs shipped with yibao, parsed once per process."""
    catalogue = load_catalogue()
    return Policy(catalogue, load_packs(catalogue))


def view(admdvs: str, day: dt.date) -> PolicyView:
    return default_policy().view(admdvs, day)
