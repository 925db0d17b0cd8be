"""The schema of policy packs: parameter kinds, sources, dated versions, whole packs.

A pack is one YAML file per region. Its ``sources`` table names the documents; every parameter
version cites one of them (``source``) with the article or section (``article``). A version
without a source, a source without a title or a locator (document number or URL), a value of the
wrong kind, or overlapping versions are rejected when the pack is loaded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from yibao import vocab


class PolicyError(Exception):
    """A policy pack is invalid, or a question to the resolver has no answer."""


# --- value kinds -------------------------------------------------------------------------------

Money = Annotated[
    Decimal, Field(ge=0, decimal_places=2), AfterValidator(lambda d: d.quantize(Decimal("0.01")))
]
Rate = Annotated[Decimal, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]
# Hospital level: "0" 基层/社区, "1" 一级, "2" 二级, "3" 三级.
Level = Literal["0", "1", "2", "3"]


class Band(BaseModel):
    """One band of a banded ratio: ``rate`` applies to amounts up to ``upto`` (None: no limit)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    upto: Money | None = None
    rate: Rate


class ExcludedItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    name: str
    reason: str
    account_may_pay: bool


KINDS: dict[str, Any] = {
    "money": Money,
    "rate": Rate,
    "factor": Annotated[Decimal, Field(ge=0)],  # a multiple, e.g. 3 = 300% of the average wage
    "count": Count,
    "flag": bool,
    "text": str,
    "texts": list[str],
    "money_by_level": dict[Level, Money],
    "rate_by_level": dict[Level, Rate],
    "money_by_key": dict[str, Money],
    "rate_by_key": dict[str, Rate],
    "count_by_key": dict[str, Count],
    "texts_by_key": dict[str, list[str]],
    # 起付线 by hospital level and nth stay of the year: the last entry repeats.
    "deductible_schedule": dict[Level, list[Money]],
    # Fund ratio by person group and hospital level, banded on the year's in-scope spending.
    # (person keys: the catalogue's ``keys``, by default ``vocab.PERSON_KEY``)
    "ratio_table": dict[str, dict[Level, list[Band]]],
    "bands": list[Band],
    "items": list[ExcludedItem],
}
_ADAPTERS = {kind: TypeAdapter(tp) for kind, tp in KINDS.items()}


def check_value(kind: str, value: Any) -> Any:
    """Validate ``value`` against ``kind``; return the typed value or raise ``ValueError``."""
    try:
        adapter = _ADAPTERS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}") from None
    if isinstance(value, float):
        raise ValueError("floats are not allowed; the loader reads decimals exactly")
    typed = adapter.validate_python(value)
    if kind in ("ratio_table", "bands"):
        for bands in _iter_band_lists(kind, typed):
            _check_bands(bands)
    if kind == "deductible_schedule" and any(len(v) == 0 for v in typed.values()):
        raise ValueError("a deductible schedule needs at least one amount per level")
    return typed


def _iter_band_lists(kind: str, typed: Any):
    if kind == "bands":
        yield typed
    else:
        for by_level in typed.values():
            yield from by_level.values()


def _check_bands(bands: list[Band]) -> None:
    if not bands:
        raise ValueError("at least one band is needed")
    limits = [b.upto for b in bands]
    if limits[-1] is not None:
        raise ValueError("the last band must be open-ended (no 'upto')")
    if any(u is None for u in limits[:-1]):
        raise ValueError("only the last band may be open-ended")
    bounded = [u for u in limits[:-1] if u is not None]
    if bounded != sorted(set(bounded)):
        raise ValueError("band limits must increase")


# --- catalogue ---------------------------------------------------------------------------------


# Kinds whose value is keyed by a code (the catalogue's ``keys`` restricts the keys), and kinds
# whose value is a code or list of codes (``codes`` restricts them).
KEYED_KINDS = ("money_by_key", "rate_by_key", "count_by_key", "texts_by_key", "ratio_table")
CODED_KINDS = ("text", "texts")


class ParamSpec(BaseModel):
    """A parameter the packs may define: its kind, group and Chinese label; for keyed kinds the
    allowed keys, for coded ones the allowed codes (a ``yibao.vocab`` name or a list)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = ""
    kind: str
    group: str
    label: str
    unit: str | None = None
    note: str | None = None
    keys: str | tuple[str, ...] | None = None
    codes: str | tuple[str, ...] | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in KINDS:
            raise ValueError(f"unknown kind {v!r}; known: {sorted(KINDS)}")
        return v

    @field_validator("keys", "codes")
    @classmethod
    def _known_vocab(cls, v: str | tuple[str, ...] | None) -> str | tuple[str, ...] | None:
        if isinstance(v, str) and v not in vocab.BY_NAME:
            raise ValueError(f"unknown vocabulary {v!r}; known: {', '.join(vocab.BY_NAME)}")
        return v

    @model_validator(mode="after")
    def _fits_kind(self) -> ParamSpec:
        if self.keys is not None and self.kind not in KEYED_KINDS:
            raise ValueError(f"'keys' is only for the kinds {', '.join(KEYED_KINDS)}")
        if self.codes is not None and self.kind not in CODED_KINDS:
            raise ValueError(f"'codes' is only for the kinds {', '.join(CODED_KINDS)}")
        return self

    @staticmethod
    def _allowed(spec: str | tuple[str, ...] | None) -> tuple[str, ...] | None:
        if spec is None:
            return None
        return vocab.BY_NAME[spec].codes if isinstance(spec, str) else tuple(spec)

    @property
    def allowed_keys(self) -> tuple[str, ...] | None:
        if self.keys is None and self.kind == "ratio_table":
            return vocab.PERSON_KEY.codes
        return self._allowed(self.keys)

    @property
    def allowed_codes(self) -> tuple[str, ...] | None:
        return self._allowed(self.codes)

    def check_codes(self, value: Any) -> None:
        """Raise ``ValueError`` naming the allowed keys or codes when ``value`` uses another."""
        keys, codes = self.allowed_keys, self.allowed_codes
        if keys is not None:
            for k in value:
                if k not in keys:
                    raise ValueError(f"unknown key {k!r}; allowed: {', '.join(keys)}")
        if codes is not None:
            for c in [value] if isinstance(value, str) else value:
                if c not in codes:
                    raise ValueError(f"unknown code {c!r}; allowed: {', '.join(codes)}")


# --- sources and versions ----------------------------------------------------------------------


class Source(BaseModel):
    """A document a value comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=2)
    doc_no: str | None = None  # 文号, e.g. 国办发〔2024〕38号
    url: str | None = None
    issuer: str | None = None
    published: dt.date | None = None
    read: dt.date  # the date someone read it
    confidence: Literal["official", "secondary"]
    # Where the text was actually read when not at the issuer's own address (``url``): a
    # repository and path that captures the page verbatim, or another page. The confidence stays
    # what the reading supports.
    via: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if not (self.doc_no or self.url):
            raise ValueError("a source needs a document number (doc_no) or a URL")
        return self


class Version(BaseModel):
    """One dated value of a parameter. ``until`` is the last day in force (inclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    since: dt.date
    until: dt.date | None = None
    value: Any
    source: str = Field(min_length=1)  # key into the pack's sources table
    article: str = Field(min_length=1)  # article / section / table the value is read from
    note: str | None = None
    # Evidence. ``quote``: the document's own sentence(s) stating the value (required for an
    # official source). ``derived``: the arithmetic when the value is computed from others.
    # ``status: disputed`` with ``dispute``: another source contradicts it (still computable,
    # always shown with the dispute). ``bound``: the figure is a floor (不低于) or ceiling
    # (不超过/最长), not the local figure itself.
    quote: str | None = None
    derived: str | None = None
    status: Literal["disputed"] | None = None
    dispute: str | None = None
    bound: Literal["floor", "ceiling"] | None = None

    @model_validator(mode="after")
    def _dates(self) -> Version:
        if self.until is not None and self.until < self.since:
            raise ValueError(f"until {self.until} is before since {self.since}")
        if self.status == "disputed" and not self.dispute:
            raise ValueError("a disputed version needs 'dispute': why it is disputed")
        if self.dispute and self.status != "disputed":
            raise ValueError("'dispute' is only for a version with status: disputed")
        return self

    def covers(self, day: dt.date, next_since: dt.date | None) -> bool:
        if day < self.since:
            return False
        if self.until is not None:
            return day <= self.until
        return next_since is None or day < next_since


class Pack(BaseModel):
    """One region's pack: sources and parameter versions, validated against the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    admdvs: str = Field(pattern=r"^\d{6}$")
    name: str
    sources: dict[str, Source]
    parameters: dict[str, list[Version]]
    path: str = ""

    def validate_against(self, catalogue: dict[str, ParamSpec]) -> Pack:
        """Check every parameter against the catalogue; return a pack with typed values."""
        problems: list[str] = []
        typed: dict[str, list[Version]] = {}
        for name, versions in self.parameters.items():
            spec = catalogue.get(name)
            if spec is None:
                problems.append(f"{name}: not in the parameter catalogue")
                continue
            if not versions:
                problems.append(f"{name}: no versions")
                continue
            out = []
            ordered = sorted(versions, key=lambda v: v.since)
            for i, v in enumerate(ordered):
                where = f"{name}[since {v.since}]"
                if v.source not in self.sources:
                    problems.append(f"{where}.source: {v.source!r} is not in this pack's sources")
                if i + 1 < len(ordered):
                    nxt = ordered[i + 1]
                    if nxt.since == v.since or (v.until is not None and v.until >= nxt.since):
                        problems.append(f"{where}: overlaps the version since {nxt.since}")
                try:
                    value = check_value(spec.kind, v.value)
                except (ValueError, ValidationError) as exc:
                    problems.append(f"{where}.value: not a valid {spec.kind}: {_short(exc)}")
                    continue
                try:
                    spec.check_codes(value)
                except ValueError as exc:
                    problems.append(f"{where}.value: {exc}")
                    continue
                out.append(v.model_copy(update={"value": value}))
            typed[name] = out
        if problems:
            raise PolicyError(f"pack {self.path or self.admdvs}: " + "; ".join(problems))
        return self.model_copy(update={"parameters": typed})


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc)
