"""Demo data for ``make run``: a few insured persons, accounts and family bindings in 拉萨 and
北京, one committed settlement, and a staff and a hospital API key. Idempotent: running it
against a database that already has the demo persons only prints the keys again."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from yibao.accounts.errors import AccountError
from yibao.accounts.idcard import make_id
from yibao.api.auth import KeyStore

# (psn_no, name, address code for the ID number, birth date, sex seq, insutype, region, psn_type)
PERSONS = (
    ("LS0001", "扎西", "540102", dt.date(1981, 3, 14), 11, "310", "540100", "in_service"),
    ("LS0002", "卓玛", "540102", dt.date(1983, 8, 2), 22, "390", "540100", "in_service"),
    ("LS0003", "次仁", "540102", dt.date(1958, 1, 20), 31, "310", "540100", "retired"),
    ("BJ0001", "王芳", "110105", dt.date(1990, 6, 30), 42, "310", "110000", "in_service"),
    ("BJ0002", "王小明", "110105", dt.date(2019, 9, 9), 51, "390", "110000", "in_service"),
)
BINDINGS = (("LS0001", "LS0002", "spouse"), ("BJ0001", "BJ0002", "child"))
BASE = Decimal("8000")


def _months(today: dt.date) -> list[dt.date]:
    return [dt.date(today.year, m, 1) for m in range(1, today.month + 1)]


def load_demo(accounts: Any, keys: KeyStore, today: dt.date | None = None) -> Iterator[str]:
    """Create the demo data; yield lines to print (including the API keys, shown once)."""
    today = today or dt.date.today()
    since = dt.date(today.year, 1, 1)
    created = 0
    for psn_no, name, addr, born, seq, insutype, region, psn_type in PERSONS:
        try:
            accounts.open(
                psn_no,
                name,
                make_id(addr, born, seq),
                insutype,
                region,
                psn_type=psn_type,
                since=since,
            )
        except AccountError as exc:
            if exc.field == "psn_no":  # already loaded
                continue
            raise
        created += 1
        if insutype == "310" and psn_type == "in_service":
            for month in _months(today):
                accounts.credit_month(psn_no, month, base=BASE)
    if created:
        for payer, beneficiary, relation in BINDINGS:
            accounts.bind(payer, beneficiary, relation, day=since)
        _demo_settlement(accounts, today)
        yield f"已载入演示数据：{created} 位参保人（拉萨、北京），家庭共济绑定 {len(BINDINGS)} 组。"
    people = "、".join(f"{psn_no} {name}" for psn_no, name, *_ in PERSONS)
    yield f"演示参保人（经办柜台可按人员编号查找）：{people}"
    staff, hospital = demo_keys(keys)
    yield f"经办人员密钥（网页“经办柜台”登录用，重启后不变）：{staff}"
    yield f"医院密钥（X-API-Key）：{hospital}"


def demo_keys(keys: KeyStore) -> tuple[str, str]:
    """The demo's staff and hospital keys, the same across restarts: made once with the key
    store's ``add`` and kept, for the demo only, in ``demo-keys.json`` beside the key store
    (readable by its owner only), so a clerk's login survives ``make run`` again."""
    saved_at = keys.path.with_name("demo-keys.json")
    if saved_at.exists():
        saved = json.loads(saved_at.read_text(encoding="utf-8"))
        staff, hospital = saved.get("staff"), saved.get("hospital")
        ok = keys.lookup(staff), keys.lookup(hospital)
        if ok[0] is not None and ok[0].role == "staff" and ok[1] is not None:
            return staff, hospital
    staff = keys.add("演示经办员", "staff", replace=True, demo=True)
    hospital = keys.add("演示医院", "hospital", hospital="H54010001", replace=True, demo=True)
    fd = os.open(saved_at, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"staff": staff, "hospital": hospital}, f)
    return staff, hospital


def _demo_settlement(accounts: Any, today: dt.date) -> None:
    from yibao.settlement.model import Claim

    day = max(dt.date(today.year, 1, 10), today - dt.timedelta(days=3))
    claim = Claim.model_validate(
        {
            "person": {
                "psn_no": "LS0001",
                "insutype": "310",
                "psn_type": "in_service",
                "insuplc_admdvs": "540100",
            },
            "encounter": {
                "med_type": "21",
                "hosp_lv": 3,
                "mdtrtarea_admvs": "540100",
                "begndate": day - dt.timedelta(days=5),
                "enddate": day,
            },
            "fees": [{"code": "A001", "name": "住院费用", "chrgitm_lv": "01", "amount": "3000"}],
        }
    )
    accounts.settle(claim, f"demo-{today.year}-LS0001-1")
