"""An HIS client for the national-platform sandbox: one whole inpatient stay.

Against `make run` (the demo server prints a hospital key, 医院密钥):

    python examples/his_client.py --url http://127.0.0.1:8000 --key <医院密钥>

Steps, each a platform transaction posted to /platform/{infno} in the platform's envelope:
9001 签到 → 1101 人员信息获取 → 2401 入院办理 → 2301 住院费用明细信息上传 (three lines) →
2302 撤销其中一条 → 2402 出院办理 → 2303 住院预结算 → 2304 住院结算 → 5203 结算信息查询 →
3201 对总账 → 2305 住院结算撤销 → 3201 again (nothing left to reconcile). Prints each answer's
key figures; exits 1 on any infcode other than 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
from decimal import Decimal
from typing import Any

import httpx


class Platform:
    """Posts envelopes for one institution and returns ``output`` (raises on infcode != 0)."""

    def __init__(self, client: httpx.Client, key: str, fixmedins: str, admvs: str) -> None:
        self.client, self.key, self.fixmedins, self.admvs = client, key, fixmedins, admvs
        self.sign_no: str | None = None
        self.seq = itertools.count(1)

    def envelope(self, infno: str, data: dict[str, Any], insuplc: str | None) -> dict[str, Any]:
        now = dt.datetime.now()
        return {
            "infno": infno,
            "msgid": f"{self.fixmedins}{now:%Y%m%d%H%M%S}{next(self.seq) % 10000:04d}",
            "mdtrtarea_admvs": self.admvs,
            "insuplc_admdvs": insuplc,
            "recer_sys_code": "YBXT",
            "infver": "V1.0",
            "opter_type": "1",
            "opter": "001",
            "opter_name": "收费员",
            "inf_time": f"{now:%Y-%m-%d %H:%M:%S}",
            "fixmedins_code": self.fixmedins,
            "fixmedins_name": "示例医院",
            "sign_no": self.sign_no,
            "input": data,
        }

    def call(self, infno: str, data: dict[str, Any], insuplc: str | None = None) -> dict[str, Any]:
        r = self.client.post(
            f"/platform/{infno}",
            json=self.envelope(infno, data, insuplc),
            headers={"X-API-Key": self.key},
        )
        r.raise_for_status()
        body = r.json()
        if body["infcode"] != 0:
            raise RuntimeError(f"{infno} 失败：{body['err_msg']}")
        return body["output"]


def inpatient_stay(p: Platform, psn_no: str, day: dt.date, log=print) -> dict[str, Any]:
    """Run the stay; return the settlement's setlinfo and the reconciliation results."""
    p.sign_no = p.call("9001", {"signIn": {"opter_no": "001", "mac": "", "ip": "127.0.0.1"}})[
        "signinoutb"
    ]["sign_no"]
    info = p.call("1101", {"data": {"psn_no": psn_no}})
    ins = next(i for i in info["insuinfo"] if i["psn_insu_stas"] == "1")
    insuplc = ins["insuplc_admdvs"]
    log(f"1101 {info['baseinfo']['psn_name']} 险种 {ins['insutype']} 人员类别 {ins['psn_type']}")
    adm = f"{day - dt.timedelta(days=6):%Y-%m-%d} 09:00:00"
    mdtrt_id = p.call(
        "2401",
        {
            "mdtrtinfo": {
                "psn_no": psn_no,
                "insutype": ins["insutype"],
                "begntime": adm,
                "mdtrt_cert_type": "02",
                "mdtrt_cert_no": psn_no,
                "med_type": "21",
                "ipt_no": "ZY0001",
                "atddr_no": "D001",
                "chfpdr_name": "医生甲",
                "adm_diag_dscr": "肺炎",
                "adm_dept_codg": "A03",
                "adm_dept_name": "内科",
                "adm_bed": "12",
                "exp_content": {"hosp_lv": "3"},
            },
            "diseinfo": [
                {"diag_type": "1", "diag_srt_no": 1, "diag_code": "J18.9", "diag_name": "肺炎"}
            ],
        },
        insuplc,
    )["result"]["mdtrt_id"]
    log(f"2401 入院 就诊ID {mdtrt_id}")
    lines = [
        ("F1", "250101001", "01", "12000.00"),  # 甲类
        ("F2", "XJ01CA", "02", "3000.00", {"selfpay_prop": "0.10"}),  # 乙类, 10% 先行自付
        ("F3", "ZZ9999", "03", "800.00"),  # 丙类 (全自费)
        ("F4", "250101002", "01", "500.00"),  # withdrawn below
    ]
    feedetail = []
    for sn, code, lv, amt, *extra in lines:
        feedetail.append(
            {
                "feedetl_sn": sn,
                "mdtrt_id": mdtrt_id,
                "psn_no": psn_no,
                "med_type": "21",
                "fee_ocur_time": adm,
                "med_list_codg": code,
                "medins_list_codg": code,
                "det_item_fee_sumamt": amt,
                "cnt": "1",
                "pric": amt,
                "chrgitm_lv": lv,
                **(extra[0] if extra else {}),
            }
        )
    up = p.call("2301", {"feedetail": feedetail}, insuplc)
    log(f"2301 上传明细 {len(up['result'])} 条")
    p.call(
        "2302", {"data": [{"feedetl_sn": "F4", "mdtrt_id": mdtrt_id, "psn_no": psn_no}]}, insuplc
    )
    log("2302 撤销明细 F4")
    p.call(
        "2402",
        {"dscginfo": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "insutype": ins["insutype"],
                      "endtime": f"{day:%Y-%m-%d} 10:00:00", "dscg_way": "1"}},
        insuplc,
    )  # fmt: skip
    log("2402 出院")
    total = sum(Decimal(x[3]) for x in lines[:3])
    data = {
        "psn_no": psn_no,
        "mdtrt_cert_type": "02",
        "mdtrt_cert_no": psn_no,
        "medfee_sumamt": str(total),
        "psn_setlway": "01",
        "mdtrt_id": mdtrt_id,
        "insutype": ins["insutype"],
        "acct_used_flag": "1",
        "mid_setl_flag": "0",
    }
    pre = p.call("2303", {"data": data}, insuplc)["setlinfo"]
    log(f"2303 预结算 统筹 {pre['hifp_pay']} 个人负担 {pre['psn_part_amt']}")
    setl = p.call("2304", {"data": data}, insuplc)["setlinfo"]
    log(f"2304 结算 结算ID {setl['setl_id']} 统筹 {setl['hifp_pay']} 现金 {setl['psn_cash_pay']}")
    got = p.call(
        "5203",
        {"data": {"psn_no": psn_no, "setl_id": setl["setl_id"], "mdtrt_id": mdtrt_id}},
        insuplc,
    )
    assert got["setlinfo"]["hifp_pay"] == setl["hifp_pay"]
    today = f"{dt.date.today():%Y-%m-%d}"
    stmt = {
        "insutype": ins["insutype"],
        "clr_type": "21",
        "setl_optins": insuplc,
        "stmt_begndate": today,
        "stmt_enddate": today,
        "medfee_sumamt": setl["medfee_sumamt"],
        "fund_pay_sumamt": setl["fund_pay_sumamt"],
        "acct_pay": setl["acct_pay"],
        "fixmedins_setl_cnt": 1,
    }
    first = p.call("3201", {"data": stmt}, insuplc)["stmtinfo"]
    log(f"3201 对总账 {first['stmt_rslt_dscr']}")
    p.call(
        "2305",
        {"data": {"mdtrt_id": mdtrt_id, "setl_id": setl["setl_id"], "psn_no": psn_no}},
        insuplc,
    )
    log("2305 结算撤销")
    after = p.call("3201", {"data": stmt}, insuplc)["stmtinfo"]
    log(f"3201 撤销后对总账 {after['stmt_rslt']} {after['stmt_rslt_dscr']}")
    return {"presettle": pre, "settle": setl, "reconcile": first, "after_reversal": after}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--key", required=True, help="医院密钥（make run 启动时打印）")
    ap.add_argument("--fixmedins", default="H54010001", help="定点医药机构编号（演示医院）")
    ap.add_argument("--admvs", default="540100", help="就医地医保区划（演示：拉萨）")
    ap.add_argument("--psn-no", default="LS0001", help="参保人员编号（演示：扎西）")
    a = ap.parse_args(argv)
    with httpx.Client(base_url=a.url, timeout=30) as client:
        try:
            inpatient_stay(Platform(client, a.key, a.fixmedins, a.admvs), a.psn_no, dt.date.today())
        except (RuntimeError, httpx.HTTPError) as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
