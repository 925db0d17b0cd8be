"""The compiled batch kernel: input order, chunking and string types do not change results."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pyarrow as pa

from tests.batch_support import OFFSITE, REGIONS, multi_policy
from yibao.settlement.batch import AMOUNTS, settle_table

POLICY = multi_policy(True)


def _table(n_people: int = 60, seed: int = 3) -> pa.Table:
    rnd = random.Random(seed)
    rows = []
    for p in range(n_people):
        ins = rnd.choice(["310", "390"])
        reg = rnd.choice(REGIONS)
        # distinct days: claims of one person on one day are settled in input order
        for day in rnd.sample(range(365), rnd.randint(1, 8)):
            med = rnd.choice(["11", "14", "21", "22"])
            rows.append(
                {
                    "psn_no": f"K{p:03d}",
                    "insutype": ins,
                    "insuplc_admdvs": reg,
                    "med_type": med,
                    "hosp_lv": rnd.randint(0, 3) if med == "11" else rnd.randint(1, 3),
                    "mdtrtarea_admvs": OFFSITE if rnd.random() < 0.1 else reg,
                    "enddate": dt.date(2025, 1, 1) + dt.timedelta(days=day),
                    "amt_01": rnd.randint(0, 20_000_000),
                    "amt_02": rnd.randint(0, 5_000_000),
                    "amt_03": rnd.randint(0, 100_000),
                    "ytd_acct_balance": rnd.choice([0, 300_000]),
                }
            )
    return pa.Table.from_pylist(rows)


def _sorted_closing(res) -> list[dict]:
    return sorted(res.closing.to_pylist(), key=lambda r: r["psn_no"])


def test_order_does_not_matter():
    t = _table()
    ref = settle_table(t, POLICY)
    perm = np.random.default_rng(1).permutation(t.num_rows)
    got = settle_table(t.take(pa.array(perm)), POLICY)
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    back = got.claims.take(pa.array(inv))
    for k in ("psn_no", *AMOUNTS):
        assert back.column(k).to_pylist() == ref.claims.column(k).to_pylist(), k
    assert _sorted_closing(got) == _sorted_closing(ref)


def test_chunks_and_large_strings():
    t = _table()
    ref = settle_table(t, POLICY)
    chunked = pa.Table.from_batches(t.to_batches(max_chunksize=37))
    large = t.cast(
        pa.schema(
            [pa.field(f.name, pa.large_string()) if f.type == pa.string() else f for f in t.schema]
        )
    )
    for variant in (chunked, large):
        got = settle_table(variant, POLICY)
        for k in AMOUNTS:
            assert got.claims.column(k).to_pylist() == ref.claims.column(k).to_pylist(), k
        assert _sorted_closing(got) == _sorted_closing(ref)


def test_dictionary_categorical_columns_as_the_reader_gives_them(tmp_path):
    """``open_parquet`` reads categorical columns as dictionaries (per row group, so chunks may
    carry different dictionaries); results must equal plain string input exactly."""
    import pyarrow.parquet as pq

    from yibao.settlement.distributed import CATEGORICAL, open_parquet

    t = _table()
    ref = settle_table(t, POLICY)
    path = tmp_path / "c.parquet"
    pq.write_table(t, path, row_group_size=41)
    read = open_parquet(path).read()
    cats = [c for c in CATEGORICAL if c in read.column_names]
    assert cats and all(pa.types.is_dictionary(read.schema.field(c).type) for c in cats)
    got = settle_table(read, POLICY)
    for k in AMOUNTS:
        assert got.claims.column(k).to_pylist() == ref.claims.column(k).to_pylist(), k
    assert _sorted_closing(got) == _sorted_closing(ref)
