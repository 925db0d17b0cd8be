"""The platform sandbox's state in the database: sign-ins, visits, their fee details and which
settlement belongs to which visit (so a restart or a second worker sees the same visit).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _now() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "platform_signins",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_signins")),
    )
    op.create_table(
        "visits",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("fixmedins_code", sa.String(length=30), nullable=False),
        sa.Column("psn_no", sa.String(length=32), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("insuplc_admdvs", sa.String(length=6), nullable=False),
        sa.Column("mdtrtarea_admvs", sa.String(length=6), nullable=False),
        sa.Column("med_type", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("hosp_lv", sa.Integer(), nullable=False),
        sa.Column("begntime", sa.DateTime(), nullable=False),
        sa.Column("endtime", sa.DateTime(), nullable=True),
        sa.Column("ipt_otp_no", sa.String(length=30), nullable=False),
        sa.Column("diseinfo", sa.Text(), nullable=False),
        _now(),
        sa.CheckConstraint(
            "category IN ('outpatient', 'inpatient')", name=op.f("ck_visits_category")
        ),
        sa.CheckConstraint("hosp_lv BETWEEN 0 AND 3", name=op.f("ck_visits_hosp_lv")),
        sa.ForeignKeyConstraint(
            ["psn_no"], ["persons.psn_no"], name=op.f("fk_visits_psn_no_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    op.create_index(op.f("ix_visits_fixmedins_code"), "visits", ["fixmedins_code"])
    op.create_index(op.f("ix_visits_psn_no"), "visits", ["psn_no"])
    op.create_table(
        "visit_fees",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("visit_id", Id, nullable=False),
        sa.Column("feedetl_sn", sa.String(length=30), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("fee_ocur_time", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_fees_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_fees")),
        sa.UniqueConstraint("visit_id", "feedetl_sn", name=op.f("uq_visit_fees_visit_id")),
    )
    op.create_table(
        "visit_settlements",
        sa.Column("setl_id", Id, nullable=False),
        sa.Column("visit_id", Id, nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["setl_id"],
            ["settlements.setl_id"],
            name=op.f("fk_visit_settlements_setl_id_settlements"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_settlements_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("setl_id", name=op.f("pk_visit_settlements")),
    )
    op.create_index(op.f("ix_visit_settlements_visit_id"), "visit_settlements", ["visit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_visit_settlements_visit_id"), table_name="visit_settlements")
    op.drop_table("visit_settlements")
    op.drop_table("visit_fees")
    op.drop_index(op.f("ix_visits_psn_no"), table_name="visits")
    op.drop_index(op.f("ix_visits_fixmedins_code"), table_name="visits")
    op.drop_table("visits")
    op.drop_table("platform_signins")
