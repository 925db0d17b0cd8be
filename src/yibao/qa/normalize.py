"""Text clean-up before matching: traditional → simplified, full-width → half-width, typos.

Traditional characters are converted with OpenCC's t2s tables (``opencc-python-reimplemented``,
which ships its dictionaries); the converter is built once, on first use.
"""

from __future__ import annotations

import re
from functools import cache

# Common misspellings and homophone slips seen in questions, and variant spellings that
# mean the same thing. Longest first is not needed: the keys do not overlap.
TYPOS: dict[str, str] = {
    "医宝": "医保",
    "医疗宝险": "医疗保险",
    "报消": "报销",
    "报效": "报销",
    "抱销": "报销",
    "备按": "备案",
    "被案": "备案",
    "断交": "断缴",
    "补交": "补缴",
    "断保": "断缴",
    "停交": "停缴",
    "提线": "提现",
    "体现": "提现",
    "取线": "取现",
    "共计账户": "共济账户",
    "家庭共计": "家庭共济",
    "家庭共挤": "家庭共济",
    "家庭公济": "家庭共济",
    "共剂": "共济",
    "接绪": "接续",
    "接继": "接续",
    "新生二": "新生儿",
    "帐户": "账户",
    "余款": "余额",
    "起伏线": "起付线",
    "起负线": "起付线",
    "封顶限": "封顶线",
    "种值牙": "种植牙",
    "农合": "新农合",
    "石家装": "石家庄",
    "哈尔宾": "哈尔滨",
    "乌鲁木其": "乌鲁木齐",
    "沈杨": "沈阳",
    "呼和浩忒": "呼和浩特",
    "防城巷": "防城港",
    "双鸭子山": "双鸭山",
}
_TYPO_RE = re.compile("|".join(sorted(map(re.escape, TYPOS), key=len, reverse=True)))
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_SPACE = re.compile(r"\s+")


@cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def _has_non_ascii(text: str) -> bool:
    return any(ord(c) > 0x2E7F for c in text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (identity on simplified text)."""
    if not _has_non_ascii(text):
        return text
    return _t2s().convert(text)


def normalize(text: str) -> str:
    """The text matching works on: simplified, half-width, no spaces, typos corrected, and
    the ambiguous 新新农合 that a typo fix could create collapsed."""
    t = to_simplified(text).translate(_FULLWIDTH)
    t = _SPACE.sub("", t)
    t = _TYPO_RE.sub(lambda m: TYPOS[m.group(0)], t)
    return t.replace("新新农合", "新农合")
