"""The platform's request and response envelopes.

Request (all transactions): ``infno`` 交易编号, ``msgid`` 发送方报文ID (定点医药机构编号 +
yyyyMMddHHmmss + 4-digit sequence), ``mdtrtarea_admvs`` 就医地医保区划, ``insuplc_admdvs`` 参保地
医保区划 (required when the input names a person), ``recer_sys_code`` 接收方系统代码, ``infver``
接口版本号, ``opter_type`` 经办人类别 (1 经办人, 2 自助终端, 3 移动终端), ``opter`` 经办人,
``opter_name`` 经办人姓名, ``inf_time`` 交易时间, ``fixmedins_code``/``fixmedins_name`` 定点医药机构
编号/名称, ``sign_no`` 交易签到流水号 (from 9001), ``input`` 交易输入; optional ``dev_no``,
``dev_safe_info``, ``cainfo``, ``signtype``.

Response: ``infcode`` (0 成功, -1 失败), ``inf_refmsgid`` 接收方报文ID (就医地区划 + yyyyMMddHHmmss
+ 10-digit sequence), ``refmsg_time`` / ``respond_time`` (yyyyMMddHHmmssSSS), ``err_msg``,
``output``. The sandbox adds ``warn_msg`` (deprecated input names it read; also sent as an HTTP
``Warning`` header) — not a platform field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from yibao.policy import regions

_SEQ = itertools.count(1)
MSGID = re.compile(r"^.{1,30}\d{14}\d{4}$")


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    infno: str = Field(pattern=r"^\w{4}$", description="交易编号")
    msgid: str = Field(min_length=19, max_length=60, description="发送方报文ID")
    mdtrtarea_admvs: str = Field(description="就医地医保区划")
    insuplc_admdvs: str | None = Field(default=None, description="参保地医保区划")
    recer_sys_code: str = Field(min_length=1, max_length=10, description="接收方系统代码")
    dev_no: str | None = None
    dev_safe_info: str | None = None
    cainfo: str | None = None
    signtype: str | None = None
    infver: str = Field(min_length=1, max_length=6, description="接口版本号")
    opter_type: str = Field(pattern="^[123]$", description="经办人类别")
    opter: str = Field(min_length=1, max_length=30, description="经办人")
    opter_name: str = Field(min_length=1, max_length=50, description="经办人姓名")
    inf_time: str = Field(description="交易时间 yyyy-MM-dd HH:mm:ss")
    fixmedins_code: str = Field(min_length=1, max_length=30, description="定点医药机构编号")
    fixmedins_name: str = Field(min_length=1, max_length=200, description="定点医药机构名称")
    sign_no: str | None = Field(default=None, max_length=30, description="交易签到流水号")
    input: dict[str, Any] = Field(default_factory=dict, description="交易输入")

    @field_validator("mdtrtarea_admvs", "insuplc_admdvs")
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not re.fullmatch(r"\d{6}", v):
            raise ValueError("应为6位医保区划代码")
        try:
            return regions.get(v).admdvs
        except regions.UnknownRegion as exc:
            raise ValueError(str(exc)) from None

    @field_validator("inf_time")
    @classmethod
    def _time(cls, v: str) -> str:
        try:
            dt.datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise ValueError("应为 yyyy-MM-dd HH:mm:ss") from None
        return v


def stamp(t: dt.datetime) -> str:
    """yyyyMMddHHmmssSSS."""
    return t.strftime("%Y%m%d%H%M%S") + f"{t.microsecond // 1000:03d}"


def answer(
    received: dt.datetime,
    admvs: str | None,
    output: dict[str, Any] | None,
    err_msg: str | None = None,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """The response envelope (infcode 0 with ``output``, or -1 with ``err_msg``)."""
    now = dt.datetime.now()
    body: dict[str, Any] = {
        "infcode": 0 if err_msg is None else -1,
        "inf_refmsgid": f"{admvs or '000000'}{now:%Y%m%d%H%M%S}{next(_SEQ) % 10**10:010d}",
        "refmsg_time": stamp(received),
        "respond_time": stamp(now),
        "err_msg": err_msg,
        "output": output if err_msg is None else {},
    }
    if warnings:
        body["warn_msg"] = "；".join(warnings)
    return body
