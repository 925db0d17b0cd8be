"""Intent name → the handler that answers it (every intent of ``yibao.qa.intents.INTENTS``)."""

from __future__ import annotations

from yibao.qa.answers import (
    account_credit,
    balance,
    contribution,
    enrollment,
    excluded,
    family_aid,
    lapse,
    lifetime,
    newborn,
    offsite,
    out_of_scope,
    reimbursement,
    transfer,
    withdrawal,
)
from yibao.qa.answers.common import Handler

HANDLERS: dict[str, Handler] = {
    "withdrawal": withdrawal.handle,
    "reimbursement": reimbursement.handle,
    "offsite": offsite.handle,
    "family_aid": family_aid.handle,
    "balance": balance.handle,
    "transfer": transfer.handle,
    "lapse": lapse.handle,
    "newborn": newborn.handle,
    "contribution": contribution.handle,
    "lifetime": lifetime.handle,
    "excluded": excluded.handle,
    "enrollment": enrollment.handle,
    "account_credit": account_credit.handle,
    "out_of_scope": out_of_scope.handle,
}
