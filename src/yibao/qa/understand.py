"""Understanding: one Chinese question → region, intent and slots.

Pipeline: normalize (traditional → simplified, typos) → slots → intent (the precise patterns of
``yibao.qa.intents`` combined with the statistical model of ``yibao.qa.model``) → region. An explicit
``region`` argument (code or name) overrides the one found in the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yibao.policy import regions
from yibao.qa import intents, model, place, slots
from yibao.qa.normalize import normalize


@dataclass(frozen=True)
class Understanding:
    question: str
    text: str  # normalized
    intent: str
    region: regions.Region | None
    slots: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    region_given: bool = False  # region came from the caller, not the text
    topicless: bool = False  # names the domain only (医保, 拉萨医保): answer with the topics


def understand(question: str, region: str | None = None) -> Understanding:
    """Parse ``question``. ``region`` (code, full or short name) overrides the text's region;
    an unknown ``region`` raises ``regions.UnknownRegion``."""
    text = normalize(question)
    found_slots = slots.extract(text)
    found = place.mentions(text)
    scored = intents.classify(text, {**found_slots, "regions_named": len(found)})
    intent = scored.intent
    m = model.load()
    spans = [(x.start, x.end) for x in found]
    if m is not None:
        precise = intents.precise_intents(scored.hits, m.precise)
        p = m.proba(text, spans)
        intent = intents.decide(scored.scores, text, m.labels, p, m.weights, precise)
    home, dest = place.pick(found, moving=intent in ("transfer", "offsite"))
    if dest is not None:
        found_slots["destination"] = {"name": dest.name, "admdvs": dest.admdvs}
    given = regions.get(region) if region else None
    return Understanding(
        question=question,
        text=text,
        intent=intent,
        region=given or home,
        slots=found_slots,
        scores=scored.scores,
        region_given=given is not None,
        topicless=intents.topicless(text, spans),
    )
