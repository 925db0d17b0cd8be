"""Settlements carry their owner: idempotency keys unique per scope (a hospital's code, '' for
the agency), the owner and actor in the settlement row itself (written in the same transaction);
``settlement_owners`` folded in and dropped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope", sa.String(length=32), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("actor", sa.String(length=96), server_default="", nullable=False)
        )
    op.execute(
        "UPDATE settlements SET "
        "scope = COALESCE((SELECT o.hospital FROM settlement_owners o "
        "WHERE o.setl_id = settlements.setl_id), ''), "
        "actor = COALESCE((SELECT o.actor FROM settlement_owners o "
        "WHERE o.setl_id = settlements.setl_id), '')"
    )
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_settlements_idempotency_key", type_="unique")
        batch_op.create_unique_constraint("uq_settlements_scope", ["scope", "idempotency_key"])
    op.drop_table("settlement_owners")


def downgrade() -> None:
    op.create_table(
        "settlement_owners",
        sa.Column(
            "setl_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
        ),
        sa.Column("hospital", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(96), nullable=False),
    )
    op.execute(
        "INSERT INTO settlement_owners (setl_id, hospital, actor) "
        "SELECT setl_id, NULLIF(scope, ''), actor FROM settlements"
    )
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_settlements_scope", type_="unique")
        batch_op.create_unique_constraint("uq_settlements_idempotency_key", ["idempotency_key"])
        batch_op.drop_column("actor")
        batch_op.drop_column("scope")
