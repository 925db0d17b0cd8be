"""Accounts: the only layer with state (persons, enrolments, ledger, bindings, accumulators,
settlements). SQLite by default, PostgreSQL in production; Alembic migrations."""
