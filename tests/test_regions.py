"""Tests for yibao.policy.regions (GB/T 2260 registry).

Expected codes are the published GB/T 2260 / 民政部 codes, not program output.
"""

from __future__ import annotations

import timeit

import pytest

from yibao.policy import regions
from yibao.policy.regions import Region, UnknownRegion

SPOT_CHECKS = {
    "拉萨市": "540100",
    "林芝市": "540400",
    "防城港市": "450600",
    "双鸭山市": "230500",
    "揭阳市": "445200",
    "潮州市": "445100",
    "乌鲁木齐市": "650100",
    "石家庄市": "130100",
    "内江市": "511000",
    "日照市": "371100",
    "广州市": "440100",
    "深圳市": "440300",
    "成都市": "510100",
    "杭州市": "330100",
    "阜阳市": "341200",
    "舟山市": "330900",
    "玉林市": "450900",
    "汕头市": "440500",
    "东莞市": "441900",
    "泉州市": "350500",
    "沈阳市": "210100",
    # Recent changes (city status since 2013-2018, new cities in 海南)
    "海东市": "630200",
    "日喀则市": "540200",
    "昌都市": "540300",
    "山南市": "540500",
    "那曲市": "540600",
    "阿里地区": "542500",
    "吐鲁番市": "650400",
    "哈密市": "650500",
    "三沙市": "460300",
    "儋州市": "460400",
    # County-level units governed directly by a province
    "济源市": "419001",
    "仙桃市": "429004",
    "潜江市": "429005",
    "天门市": "429006",
    "神农架林区": "429021",
    "石河子市": "659001",
    # Provincial level
    "北京市": "110000",
    "内蒙古自治区": "150000",
    "西藏自治区": "540000",
    "新疆维吾尔自治区": "650000",
    "台湾省": "710000",
    "香港特别行政区": "810000",
    "澳门特别行政区": "820000",
}


@pytest.mark.parametrize(("name", "code"), sorted(SPOT_CHECKS.items()))
def test_spot_check_codes(name: str, code: str) -> None:
    assert regions.get(name).admdvs == code
    assert regions.get(code).name == name


def test_counts() -> None:
    levels = [r.level for r in regions.all_regions()]
    assert levels.count("province") == 34
    assert levels.count("prefecture") == 333
    # 济源 (1) + 湖北 (4) + 海南 (15) + 新疆兵团城市 (12)
    assert levels.count("county") == 32


def test_prefecture_kinds() -> None:
    # 293 地级市, 7 地区, 30 自治州, 3 盟 (民政部 statistics, end of 2023)
    names = [r.name for r in regions.all_regions() if r.level == "prefecture"]
    assert sum(n.endswith("自治州") for n in names) == 30
    assert sum(n.endswith("地区") for n in names) == 7
    assert sum(n.endswith("盟") for n in names) == 3
    assert sum(n.endswith("市") for n in names) == 293


def test_removed_divisions_absent() -> None:
    for name in ("莱芜市", "日喀则地区", "林芝地区", "那曲地区", "吐鲁番地区", "巢湖市"):
        with pytest.raises(UnknownRegion):
            regions.get(name)
    with pytest.raises(UnknownRegion):
        regions.get("371200")  # 莱芜, merged into 济南 in 2019


def test_structure() -> None:
    rs = regions.all_regions()
    by_code = {r.admdvs: r for r in rs}
    assert len(by_code) == len(rs)
    assert [r.admdvs for r in rs] == sorted(by_code)
    for r in rs:
        assert len(r.admdvs) == 6 and r.admdvs.isdigit()
        if r.level == "province":
            assert r.parent is None
            assert r.admdvs.endswith("0000")
        else:
            assert r.parent is not None
            parent = by_code[r.parent]
            assert parent.level == "province"
            assert r.admdvs[:2] == parent.admdvs[:2]
        if r.level == "prefecture":
            assert r.admdvs.endswith("00")


def test_short_names_unique_and_not_single_chars() -> None:
    seen: dict[str, str] = {}
    for r in regions.all_regions():
        for key in (r.name, *r.short_names):
            assert len(key) >= 2, key
            assert key not in seen, (key, seen.get(key), r.admdvs)
            seen[key] = r.admdvs


def test_province_short_names() -> None:
    expected = [
        "北京",
        "天津",
        "河北",
        "山西",
        "内蒙古",
        "辽宁",
        "吉林",
        "黑龙江",
        "上海",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "河南",
        "湖北",
        "湖南",
        "广东",
        "广西",
        "海南",
        "重庆",
        "四川",
        "贵州",
        "云南",
        "西藏",
        "陕西",
        "甘肃",
        "青海",
        "宁夏",
        "新疆",
        "香港",
        "澳门",
        "台湾",
    ]
    for short in expected:
        r = regions.get(short)
        assert r.level == "province", short
        assert short in r.short_names


def test_get_by_code_full_and_short_name() -> None:
    lhasa = regions.get("540100")
    assert lhasa == regions.get("拉萨市") == regions.get("拉萨") == regions.get("  拉萨 ")
    assert lhasa.parent == "540000"
    assert lhasa.level == "prefecture"
    assert regions.get("恩施").admdvs == "422800"
    assert regions.get("恩施州").name == "恩施土家族苗族自治州"
    assert regions.get("黔东南州").admdvs == "522600"
    assert regions.get("广西").name == "广西壮族自治区"
    assert regions.get("重庆").level == "province"
    # 吉林 is the province; the city needs its full name. 海南 is the province, not 海南州.
    assert regions.get("吉林").admdvs == "220000"
    assert regions.get("吉林市").admdvs == "220200"
    assert regions.get("海南").admdvs == "460000"
    assert regions.get("海南州").admdvs == "632500"


def test_to_dict() -> None:
    d = regions.get("540100").to_dict()
    assert d == {
        "name": "拉萨市",
        "admdvs": "540100",
        "level": "prefecture",
        "parent": "540000",
        "short_names": ["拉萨"],
    }


def test_unknown_region_suggestions() -> None:
    with pytest.raises(UnknownRegion) as exc:
        regions.get("拉撒")
    err = exc.value
    assert err.query == "拉撒"
    assert 1 <= len(err.suggestions) <= 5
    assert regions.get("540100") in err.suggestions
    assert "拉撒" in str(err) and "拉萨市（540100）" in str(err)
    with pytest.raises(LookupError):
        regions.get("拉萨市医保")  # exact only


def test_unknown_region_without_suggestions() -> None:
    with pytest.raises(UnknownRegion) as exc:
        regions.get("xyz")
    assert exc.value.suggestions == []
    assert "xyz" in str(exc.value)


def test_find() -> None:
    hits = regions.find("海南")
    assert [r.admdvs for r in hits] == ["460000", "632500"]
    assert regions.find("拉萨")[0].admdvs == "540100"
    assert regions.find("5401")[0].admdvs == "540100"
    assert regions.find("不存在的地方") == []
    assert regions.find("  ") == []
    # Exact match first even when other names contain the query.
    assert regions.find("西藏")[0].admdvs == "540000"


def test_chain_and_province_of() -> None:
    assert regions.chain("540100") == [regions.get("540100"), regions.get("540000")]
    assert regions.chain("540000") == [regions.get("540000")]
    assert [r.admdvs for r in regions.chain("429004")] == ["429004", "420000"]
    assert regions.province_of("450900").name == "广西壮族自治区"
    assert regions.province_of("110000").admdvs == "110000"
    assert regions.province_of("540102").admdvs == "540000"  # 城关区, a district of 拉萨
    with pytest.raises(UnknownRegion):
        regions.chain("999999")
    with pytest.raises(UnknownRegion):
        regions.province_of("999999")


TEXT_CASES = [
    ("在拉萨三级医院住院", "540100"),
    ("以广西玉林为例", "450900"),
    ("以拉萨为例，起付线如何计算", "540100"),
    ("河北石家庄职工医保", "130100"),
    ("广东省深圳市的门诊统筹", "440300"),
    ("内蒙古呼和浩特市居民医保", "150100"),
    ("以广西为例", "450000"),
    ("恩施州的大病保险", "422800"),
    ("新疆石河子市", "659001"),
    ("湖北仙桃异地就医", "429004"),
    ("在黔东南苗族侗族自治州住院", "522600"),
    ("吉林长春的报销比例", "220100"),
    ("吉林市的报销比例", "220200"),
    ("海南州共和县", "632500"),
    ("浙江门诊报销比例是多少", "330000"),  # not 江门
    ("辽宁朝阳", "211300"),
    ("北京朝阳医院", "110000"),  # 朝阳 alone is not the city in 辽宁
    ("阜阳职工医保住院起付线", "341200"),
    ("上海退休职工", "310000"),
    ("东莞参保", "441900"),
]


@pytest.mark.parametrize(("text", "code"), TEXT_CASES)
def test_find_in_text(text: str, code: str) -> None:
    found = regions.find_in_text(text)
    assert found is not None, text
    assert found.admdvs == code


@pytest.mark.parametrize(
    "text",
    [
        "职工医保住院报销比例是多少",
        "",
        "长治久安",  # phrase, not 长治市
        "药品开封后请尽快使用",  # verb, not 开封市
        "欢迎各位来宾",  # "guests", not 来宾市
        "在中山大学附属第一医院就诊",  # a university, not 中山市
    ],
)
def test_find_in_text_none(text: str) -> None:
    assert regions.find_in_text(text) is None


def test_find_in_text_is_fast() -> None:
    text = "参保人在广西玉林市第一人民医院住院治疗，按照当地医保政策报销，请问起付线是多少元"
    regions.find_in_text(text)  # build the index
    n = 2000
    per_call = timeit.timeit(lambda: regions.find_in_text(text), number=n) / n
    assert per_call < 200e-6  # target 50 µs; generous bound for slow CI machines


def test_region_is_frozen() -> None:
    r = regions.get("540100")
    assert isinstance(r, Region)
    with pytest.raises(AttributeError):
        r.name = "x"  # type: ignore[misc]
