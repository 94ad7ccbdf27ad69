"""Chapter 5's shared query: the customer × category × day aggregate equals grouping the purchase lines."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.data.loader import load_dataset
from helpers.data.queries import preference as queries

START, END = "2018-04-01", "2018-09-30"
KEY = ["CLNT_ID", "CLAC1_NM", "SESS_DT"]


@pytest.fixture
def ds(raw_folder, cache_dir):
    d = load_dataset(raw_folder, START, END, cache_dir=cache_dir, progress=lambda *_: None)
    yield d
    d.close()


def _by_pandas(lines: pd.DataFrame) -> pd.DataFrame:
    """The same aggregate computed independently from the purchase lines."""
    out = lines.groupby(KEY).agg(n_lines=("SESS_ID", "size"), n_occasions=("SESS_ID", "nunique"),
                                 revenue=("REVENUE", "sum")).reset_index()
    return out.sort_values(KEY, kind="mergesort").reset_index(drop=True)


def test_customer_category_days_equals_grouped_lines(ds):
    got = ds.query(queries.customer_category_days)
    lines = ds.purchases()
    pd.testing.assert_frame_equal(got, _by_pandas(lines), check_dtype=False)
    assert got["n_lines"].sum() == len(lines)  # every line counted once
    assert (got["n_occasions"] <= got["n_lines"]).all()


def test_customer_category_days_counts_a_basket_once_per_occasion(ds):
    got = ds.query(queries.customer_category_days)
    lines = ds.purchases()
    per_session = lines.groupby(["CLNT_ID", "CLAC1_NM", "SESS_ID"]).size()
    assert (per_session > 1).any(), "fixture must hold a session with two lines of one category"
    assert got["n_occasions"].sum() == len(per_session)


def test_customer_category_days_restricts_dates_inclusively(ds):
    lines = ds.purchases()
    days = sorted(lines["SESS_DT"].unique())
    start, end = days[1], days[-2]
    got = ds.query(queries.customer_category_days, start=str(start.date()), end=str(end.date()))
    want = _by_pandas(lines[(lines["SESS_DT"] >= start) & (lines["SESS_DT"] <= end)])
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert got["SESS_DT"].min() == start and got["SESS_DT"].max() == end


def test_parity_cases_are_listed():
    assert all(fn is queries.customer_category_days for fn, _ in queries.PARITY_CASES)
    assert {"start", "end"} <= set().union(*(p for _, p in queries.PARITY_CASES))
