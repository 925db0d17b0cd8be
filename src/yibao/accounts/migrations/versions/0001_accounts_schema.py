"""Accounts schema: persons, enrolments, ledger, family bindings, ytd, settlements, reversals.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=160), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("ref", name=op.f("uq_ledger_entries_ref")),
    )
    op.create_table(
        "persons",
        sa.Column("psn_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_no", sa.String(length=18), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("sex IN ('1', '2')", name=op.f("ck_persons_sex")),
        sa.PrimaryKeyConstraint("psn_no", name=op.f("pk_persons")),
        sa.UniqueConstraint("id_no", name=op.f("uq_persons_id_no")),
    )
    op.create_table(
        "enrolments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("psn_no", sa.String(length=32), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("psn_type", sa.String(length=16), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("contribution_months", sa.Integer(), nullable=False),
        sa.CheckConstraint("insutype IN ('310', '390')", name=op.f("ck_enrolments_insutype")),
        sa.CheckConstraint(
            "status IN ('active', 'transferred', 'closed')", name=op.f("ck_enrolments_status")
        ),
        sa.CheckConstraint("contribution_months >= 0", name=op.f("ck_enrolments_months")),
        sa.ForeignKeyConstraint(
            ["psn_no"], ["persons.psn_no"], name=op.f("fk_enrolments_psn_no_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_psn_no"), ["psn_no"], unique=False)

    op.create_table(
        "family_bindings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("payer_psn_no", sa.String(length=32), nullable=False),
        sa.Column("beneficiary_psn_no", sa.String(length=32), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "payer_psn_no <> beneficiary_psn_no", name=op.f("ck_family_bindings_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_psn_no"],
            ["persons.psn_no"],
            name=op.f("fk_family_bindings_beneficiary_psn_no_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_psn_no"],
            ["persons.psn_no"],
            name=op.f("fk_family_bindings_payer_psn_no_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_bindings")),
    )
    with op.batch_alter_table("family_bindings", schema=None) as batch_op:
        batch_op.create_index(
            "uq_family_bindings_active",
            ["payer_psn_no", "beneficiary_psn_no"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "ledger_accounts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("psn_no", sa.String(length=32), nullable=True),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind <> 'personal' OR balance_fen >= 0", name=op.f("ck_ledger_accounts_not_overdrawn")
        ),
        sa.CheckConstraint("kind IN ('personal', 'system')", name=op.f("ck_ledger_accounts_kind")),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_ledger_accounts_status")),
        sa.ForeignKeyConstraint(
            ["psn_no"], ["persons.psn_no"], name=op.f("fk_ledger_accounts_psn_no_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_accounts_code")),
    )
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_accounts_psn_no"), ["psn_no"], unique=False)

    op.create_table(
        "settlements",
        sa.Column(
            "setl_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("claim_sha256", sa.String(length=64), nullable=False),
        sa.Column("psn_no", sa.String(length=32), nullable=False),
        sa.Column("payer_psn_no", sa.String(length=32), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("medfee_fen", sa.BigInteger(), nullable=False),
        sa.Column("fund_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("acct_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("mulaid_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("cash_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("status IN ('settled', 'reversed')", name=op.f("ck_settlements_status")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entries.id"], name=op.f("fk_settlements_entry_id_ledger_entries")
        ),
        sa.ForeignKeyConstraint(
            ["payer_psn_no"], ["persons.psn_no"], name=op.f("fk_settlements_payer_psn_no_persons")
        ),
        sa.ForeignKeyConstraint(
            ["psn_no"], ["persons.psn_no"], name=op.f("fk_settlements_psn_no_persons")
        ),
        sa.PrimaryKeyConstraint("setl_id", name=op.f("pk_settlements")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_settlements_idempotency_key")),
    )
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_settlements_psn_no"), ["psn_no"], unique=False)

    op.create_table(
        "ytd",
        sa.Column("psn_no", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stays", sa.Integer(), nullable=False),
        sa.Column("ip_dedc", sa.BigInteger(), nullable=False),
        sa.Column("ip_inscp", sa.BigInteger(), nullable=False),
        sa.Column("hifp_paid", sa.BigInteger(), nullable=False),
        sa.Column("op_dedc", sa.BigInteger(), nullable=False),
        sa.Column("op_inscp", sa.BigInteger(), nullable=False),
        sa.Column("op_hifp", sa.BigInteger(), nullable=False),
        sa.Column("mm_dedc", sa.BigInteger(), nullable=False),
        sa.Column("mm_inscp", sa.BigInteger(), nullable=False),
        sa.Column("mm_hifp", sa.BigInteger(), nullable=False),
        sa.Column("serious_base", sa.BigInteger(), nullable=False),
        sa.Column("hifmi_paid", sa.BigInteger(), nullable=False),
        sa.Column("hifob_paid", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("hifmi_paid >= 0", name=op.f("ck_ytd_hifmi_paid_not_negative")),
        sa.CheckConstraint("hifob_paid >= 0", name=op.f("ck_ytd_hifob_paid_not_negative")),
        sa.CheckConstraint("hifp_paid >= 0", name=op.f("ck_ytd_hifp_paid_not_negative")),
        sa.CheckConstraint("ip_dedc >= 0", name=op.f("ck_ytd_ip_dedc_not_negative")),
        sa.CheckConstraint("ip_inscp >= 0", name=op.f("ck_ytd_ip_inscp_not_negative")),
        sa.CheckConstraint("mm_dedc >= 0", name=op.f("ck_ytd_mm_dedc_not_negative")),
        sa.CheckConstraint("mm_hifp >= 0", name=op.f("ck_ytd_mm_hifp_not_negative")),
        sa.CheckConstraint("mm_inscp >= 0", name=op.f("ck_ytd_mm_inscp_not_negative")),
        sa.CheckConstraint("op_dedc >= 0", name=op.f("ck_ytd_op_dedc_not_negative")),
        sa.CheckConstraint("op_hifp >= 0", name=op.f("ck_ytd_op_hifp_not_negative")),
        sa.CheckConstraint("op_inscp >= 0", name=op.f("ck_ytd_op_inscp_not_negative")),
        sa.CheckConstraint("serious_base >= 0", name=op.f("ck_ytd_serious_base_not_negative")),
        sa.CheckConstraint("stays >= 0", name=op.f("ck_ytd_stays_not_negative")),
        sa.ForeignKeyConstraint(["psn_no"], ["persons.psn_no"], name=op.f("fk_ytd_psn_no_persons")),
        sa.PrimaryKeyConstraint("psn_no", "year", name=op.f("pk_ytd")),
    )
    op.create_table(
        "ledger_postings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('credit', 'payment', 'mulaid', 'transfer_out', 'transfer_in', 'withdrawal', 'inheritance', 'reversal', 'counter')",
            name=op.f("ck_ledger_postings_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_postings_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_postings_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_postings")),
    )
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_postings_account_entry", ["account_id", "entry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_postings_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "reversals",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("setl_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entries.id"], name=op.f("fk_reversals_entry_id_ledger_entries")
        ),
        sa.ForeignKeyConstraint(
            ["setl_id"], ["settlements.setl_id"], name=op.f("fk_reversals_setl_id_settlements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reversals")),
        sa.UniqueConstraint("setl_id", name=op.f("uq_reversals_setl_id")),
    )


def downgrade() -> None:
    op.drop_table("reversals")
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_postings_entry_id"))
        batch_op.drop_index("ix_ledger_postings_account_entry")

    op.drop_table("ledger_postings")
    op.drop_table("ytd")
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlements_psn_no"))

    op.drop_table("settlements")
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_accounts_psn_no"))

    op.drop_table("ledger_accounts")
    with op.batch_alter_table("family_bindings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_family_bindings_active",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.drop_table("family_bindings")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_psn_no"))

    op.drop_table("enrolments")
    op.drop_table("persons")
    op.drop_table("ledger_entries")
