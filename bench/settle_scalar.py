"""Scalar settlement throughput: claims/s with 20 fee lines, trace on and off.

Run: .venv/bin/python bench/settle_scalar.py [N]

Baselines measured in the same run (this machine is noisy, so ratios matter more than
absolute numbers): ``floor`` = summing the 20 Decimal amounts of each claim in Python (the
least any engine must do), and ``parse`` = pydantic validation of the claim from a dict.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal

from yibao.policy.resolve import default_policy
from yibao.settlement.engine import settle
from yibao.settlement.model import Claim


def make_claims(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        fees = []
        for j in range(20):
            lv = rnd.choice(["01", "01", "02", "03"])
            line = {
                "code": f"I{j}",
                "chrgitm_lv": lv,
                "amount": str(Decimal(rnd.randint(100, 500_000)) / 100),
            }
            if lv == "02":
                line["selfpay_prop"] = "0.10"
            fees.append(line)
        out.append(
            {
                "person": {
                    "psn_no": f"P{i}",
                    "insutype": "310",
                    "psn_type": rnd.choice(["in_service", "retired"]),
                    "insuplc_admdvs": "540100",
                },
                "encounter": {
                    "med_type": "21",
                    "hosp_lv": 3,
                    "mdtrtarea_admvs": "540100",
                    "begndate": "2025-05-01",
                    "enddate": "2025-05-10",
                },
                "fees": fees,
                "ytd": {"stays": rnd.randint(0, 3), "acct_balance": "500"},
            }
        )
    return out


def rate(fn, items) -> float:
    start = time.perf_counter()
    for it in items:
        fn(it)
    return len(items) / (time.perf_counter() - start)


def main(n: int) -> None:
    raw = make_claims(n)
    policy = default_policy()
    claims = [Claim.model_validate(r) for r in raw]
    settle(claims[0], policy)  # warm the policy view cache
    floor = rate(lambda c: sum((f.amount for f in c.fees), Decimal(0)), claims)
    parse = rate(Claim.model_validate, raw)
    off = rate(lambda c: settle(c, policy, trace=False), claims)
    on = rate(lambda c: settle(c, policy, trace=True), claims)
    e2e = rate(lambda r: settle(Claim.model_validate(r), policy, trace=False), raw)
    print(f"claims: {n}, 20 fee lines each, 拉萨 employee inpatient 三级")
    print(f"{'measure':<34}{'claims/s':>12}{'vs floor':>10}")
    for name, v in [
        ("floor: sum 20 Decimals", floor),
        ("parse: Claim.model_validate", parse),
        ("settle, trace off", off),
        ("settle, trace on", on),
        ("parse + settle, trace off", e2e),
    ]:
        print(f"{name:<34}{v:>12,.0f}{floor / v:>9.1f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
