"""What the sandbox remembers between transactions: sign-ins, visits (门诊挂号 / 入院办理) with
their diagnoses and discharge, and uploaded fee details — the platform-side state an HIS builds
up before it settles.

Scope: held in the API process's memory, per server, for the sandbox only (a restart starts
afresh; one uvicorn worker). Settlements themselves are committed through the accounts layer
(the real ledger, idempotent on ``msgid``) and survive restarts; ``settlements`` only links a
settlement ID back to its visit for reversal, reconciliation and queries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class Visit:
    mdtrt_id: str
    fixmedins_code: str
    psn_no: str
    insutype: str
    insuplc_admdvs: str
    mdtrtarea_admvs: str
    med_type: str
    category: str  # outpatient | inpatient
    hosp_lv: int
    begntime: dt.datetime
    ipt_otp_no: str
    endtime: dt.datetime | None = None
    diseinfo: list[dict[str, Any]] = field(default_factory=list)
    fees: dict[str, dict[str, Any]] = field(default_factory=dict)  # feedetl_sn → line
    setl_ids: list[int] = field(default_factory=list)


@dataclass
class Settled:
    setl_id: int
    mdtrt_id: str
    fixmedins_code: str
    insutype: str
    day: dt.date
    medfee_sumamt: Decimal
    fund_pay_sumamt: Decimal
    acct_pay: Decimal
    reversed: bool = False


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.signins: dict[str, str] = {}  # sign_no → fixmedins_code
        self.visits: dict[str, Visit] = {}
        self.settlements: dict[int, Settled] = {}
        self._seq = itertools.count(1)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{dt.datetime.now():%Y%m%d%H%M%S}{next(self._seq):06d}"
