"""The resolver: nearest pack on city → province → national wins; dates pick the version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yibao.policy.loader import load_catalogue
from yibao.policy.resolve import NATIONAL, Policy, default_policy
from yibao.policy.schema import Pack, PolicyError, Source, Version

CATALOGUE = load_catalogue()
SRC = {"s": Source(title="测试", doc_no="测1", read=dt.date(2026, 11, 27), confidence="official")}
CAP = "employee.inpatient.annual_cap"
D0 = dt.date(2020, 1, 1)


def pack(code: str, versions: list[tuple[dt.date, dt.date | None, int]]) -> Pack:
    vs = [
        Version(since=s, until=u, value=Decimal(v), source="s", article="第1条")
        for s, u, v in versions
    ]
    return Pack(admdvs=code, name=code, sources=SRC, parameters={CAP: vs}).validate_against(
        CATALOGUE
    )


def test_inheritance_city_province_nation():
    nat = pack(NATIONAL, [(D0, None, 1)])
    prov = pack("540000", [(D0, None, 2)])
    city = pack("540100", [(D0, None, 3)])
    day = dt.date(2025, 1, 1)
    assert Policy(CATALOGUE, {NATIONAL: nat}).resolve("540100", CAP, day).value == 1
    p2 = Policy(CATALOGUE, {NATIONAL: nat, "540000": prov})
    assert p2.resolve("540100", CAP, day).value == 2
    # 林芝 has no pack of its own: it inherits 西藏's
    assert p2.resolve("540400", CAP, day).pack == "540000"
    p3 = Policy(CATALOGUE, {NATIONAL: nat, "540000": prov, "540100": city})
    assert p3.resolve("540100", CAP, day).value == 3
    assert p3.resolve("540400", CAP, day).value == 2
    # another province is untouched
    assert p3.resolve("130100", CAP, day).value == 1


def test_unknown_parameter_and_undefined_everywhere():
    p = Policy(CATALOGUE, {NATIONAL: pack(NATIONAL, [(D0, None, 1)])})
    with pytest.raises(PolicyError, match="未知参数"):
        p.resolve("540100", "no.such.thing", D0)
    with pytest.raises(PolicyError, match="都没有定义"):
        p.resolve("540100", "employee.large.cap", D0)


def test_overlay_wins_over_base_at_same_region():
    base = Policy(CATALOGUE, {NATIONAL: pack(NATIONAL, [(D0, None, 1)])})
    reform = base.with_overlay({"540100": pack("540100", [(D0, None, 9)])})
    r = reform.resolve("540100", CAP, dt.date(2025, 1, 1))
    assert r.value == 9 and r.overlay
    assert base.resolve("540100", CAP, dt.date(2025, 1, 1)).value == 1


dates = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31))


@given(
    cuts=st.lists(dates, min_size=1, max_size=5, unique=True),
    gap_after=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    day=dates,
)
def test_dated_versions_property(cuts, gap_after, day):
    """Version i (value i) is in force from cuts[i] up to the day before cuts[i+1]; if one
    version ends early (``until``), the days between its end and the next version are a gap,
    and asking for them is an error. Before the first version is an error too."""
    cuts = sorted(cuts)
    versions = []
    gap = None
    for i, since in enumerate(cuts):
        until = None
        nxt = cuts[i + 1] if i + 1 < len(cuts) else None
        if gap_after == i and nxt is not None and (nxt - since).days >= 2:
            until = since + (nxt - since) // 2  # ends halfway: a gap until nxt
            gap = (until, nxt)
        versions.append((since, until, i))
    policy = Policy(CATALOGUE, {NATIONAL: pack(NATIONAL, versions)})

    expected: int | None = None
    for i, since in enumerate(cuts):
        if day >= since:
            expected = i
    if gap is not None and gap[0] < day < gap[1]:
        expected = None
    if expected is None:
        with pytest.raises(PolicyError, match="没有在"):
            policy.resolve("540100", CAP, day)
    else:
        r = policy.resolve("540100", CAP, day)
        assert r.value == expected
        assert r.since == cuts[expected]


def test_before_a_local_version_the_parent_applies():
    nat = pack(NATIONAL, [(D0, None, 1)])
    city = pack("540100", [(dt.date(2025, 1, 1), dt.date(2025, 12, 31), 5)])
    p = Policy(CATALOGUE, {NATIONAL: nat, "540100": city})
    # before the city's first version: the national value (the local rule did not exist yet)
    assert p.resolve("540100", CAP, dt.date(2024, 12, 31)).value == 1
    assert p.resolve("540100", CAP, dt.date(2025, 1, 1)).value == 5
    # after the city's version ended with nothing after it: unknown, not the national value
    with pytest.raises(PolicyError, match="没有在"):
        p.resolve("540100", CAP, dt.date(2026, 1, 1))


def test_after_a_local_version_ended_only_a_parent_bound_answers():
    floor = Version(since=D0, value=Decimal(700), source="s", article="第1条", bound="floor")
    nat = Pack(
        admdvs=NATIONAL, name="全国", sources=SRC, parameters={CAP: [floor]}
    ).validate_against(CATALOGUE)
    prov = pack("540000", [(dt.date(2024, 1, 1), dt.date(2024, 12, 31), 705)])
    p = Policy(CATALOGUE, {NATIONAL: nat, "540000": prov})
    assert p.resolve("540100", CAP, dt.date(2024, 6, 1)).value == 705
    # 2025: 西藏's own figure is not recorded; the national floor answers, as a floor
    r = p.resolve("540100", CAP, dt.date(2025, 6, 1))
    assert (r.value, r.pack, r.bound) == (700, NATIONAL, "floor")
    assert r.shown().startswith("不低于")


def test_boundary_days_exactly():
    p = Policy(
        CATALOGUE,
        {
            NATIONAL: pack(
                NATIONAL,
                [(dt.date(2024, 1, 1), dt.date(2024, 6, 30), 1), (dt.date(2024, 7, 1), None, 2)],
            )
        },
    )
    assert p.resolve("110000", CAP, dt.date(2024, 6, 30)).value == 1
    assert p.resolve("110000", CAP, dt.date(2024, 7, 1)).value == 2
    with pytest.raises(PolicyError):
        p.resolve("110000", CAP, dt.date(2023, 12, 31))


def test_default_policy_parsed_once_and_seed_deductible():
    assert default_policy() is default_policy()
    r = default_policy().view("540100", dt.date(2025, 4, 16)).get("employee.inpatient.deductible")
    # the seed page: 三级医院 700, then 500, 400, 300 for later stays in the year
    assert r.value["3"] == [700, 500, 400, 300]
    assert r.source.confidence == "secondary"
