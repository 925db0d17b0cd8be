"""ID numbers (GB 11643) and the schema: the Alembic migrations build exactly the models."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from yibao.accounts.db import (
    alembic_config,
    current_revision,
    database_url,
    make_engine,
    upgrade,
)
from yibao.accounts.idcard import IdNumberError, check_char, make_id, parse_id
from yibao.accounts.models import Base

pytest_plugins = ["tests.pg"]
OURS = set(Base.metadata.tables)


def test_gb11643_check_character():
    # the standard's worked example: 11010519491231002X
    assert check_char("11010519491231002") == "X"
    got = parse_id("11010519491231002x")
    assert (got.number, got.birth_date, got.sex) == (
        "11010519491231002X",
        dt.date(1949, 12, 31),
        "2",
    )
    assert parse_id(make_id("540102", dt.date(1980, 5, 1), 11)).sex == "1"


@pytest.mark.parametrize(
    "bad, why",
    [
        ("110105194912310021", "校验码错误"),
        ("110105491231002", "15位"),
        ("11010519491331002X", "不是有效日期"),
        ("A1010519491231002X", "17位数字"),
    ],
)
def test_gb11643_rejects(bad, why):
    with pytest.raises(IdNumberError, match=why):
        parse_id(bad)


def test_migrations_match_the_models(db_url):
    upgrade(db_url)  # a second upgrade is a no-op
    engine = make_engine(db_url)
    try:
        head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
        assert current_revision(engine) == head
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(ctx, Base.metadata)
        # tables of other layers (later revisions, e.g. the API's audit log) are not ours
        assert [d for d in diffs if not (d[0] == "remove_table" and d[1].name not in OURS)] == []
    finally:
        engine.dispose()


def test_database_url(monkeypatch):
    monkeypatch.setenv("YIBAO_DATABASE_URL", "postgresql://u:p@h:5432/d")
    assert database_url() == "postgresql+psycopg://u:p@h:5432/d"
    monkeypatch.delenv("YIBAO_DATABASE_URL")
    assert database_url().startswith("sqlite:///") and database_url().endswith("yibao.db")


def test_postgres_missing_fails_under_ci_and_skips_elsewhere(monkeypatch):
    from tests import pg

    def broken(self):
        raise pg.PgUnavailable("initdb not found")

    monkeypatch.setattr(pg.PgServer, "start", broken)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI"):
        pg.start_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        pg.start_or_skip()
