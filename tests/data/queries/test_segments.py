"""Chapter-2 shared queries on the hand-made raw folder of tests/conftest.py; every expectation is worked out by hand.

Lines of the cleaned window with a group (time, views, searches, unit price; REVENUE):

    101/1 30F 2018-04-01  여성의류 / 패션잡화 / (미분류): 1890, 55, 3, 39000 / 12000 / 10000 (REVENUE 24000 for 2)
    101/2 30F 2018-04-15  가구 x2: 120, NA, 0, 2672000 each
    102/1 20M 2018-04-02  남성의류: NA, 30, 3, 50000 (REVENUE 72000000, 1440 pieces)
Without a group: 104/4 (2018-09-30, 여성의류 10000) and 105/5 (2018-06-01, 화장품/뷰티케어 90000).
"""
import pandas as pd
import pytest
from conftest import rows

from helpers.data.queries import segments as q

APRIL, JUNE, SEPTEMBER = (pd.Period(m, "M").ordinal for m in ("2018-04", "2018-06", "2018-09"))


def test_group_sizes_and_category_lines(ds):
    assert rows(ds.query(q.group_sizes)) == [("20M", 1, 1), ("30F", 1, 5)]
    assert rows(ds.query(q.category_lines))[:2] == [("(미분류)", 1), ("가구", 2)]


def test_behaviour_sums_per_line(ds):
    sums = ds.query(q.behaviour_sums).set_index(["AGE_GENDER", "CLAC1_NM"])
    # 30F 가구: two lines; time 120 + 120, views missing on both, searches 0, price 2 x 2672000
    assert rows(sums.loc[[("30F", "가구")]]) == [(2, 240.0, 2, None, 0, 0.0, 2, 5344000.0, 2)]
    assert rows(sums.loc[[("20M", "남성의류")]]) == [(1, None, 0, 30.0, 1, 3.0, 1, 50000.0, 1)]
    assert len(sums) == 5  # 20M: 1 category; 30F: 4; lines without a group are left out
    totals = ds.query(q.group_sums).set_index("AGE_GENDER")
    # 30F over all five lines: time 3 x 1890 + 240, views 3 x 55 (two missing), price 39000 + 12000 + 10000 + 5344000
    assert rows(totals.loc[["30F"]]) == [(5, 5910.0, 5, 165.0, 3, 9.0, 5, 5405000.0, 5)]


def test_behaviour_sums_per_session(ds):
    totals = ds.query(q.group_sums, weight="session").set_index("AGE_GENDER")
    # 30F sessions: 101/1 (1890, 55, 3, mean price 61000 / 3 = 20333.33) and 101/2 (120, NA, 0, 2672000)
    assert rows(totals.loc[["30F"]]) == [(2, 2010.0, 2, 55.0, 1, 3.0, 2, 2692333.33, 2)]
    cells = ds.query(q.behaviour_sums, weight="session").set_index(["AGE_GENDER", "CLAC1_NM"])
    assert rows(cells.loc[[("30F", "가구")]]) == [(1, 120.0, 1, None, 0, 0.0, 1, 2672000.0, 1)]
    with pytest.raises(ValueError, match="weight"):
        q.group_sums(weight="visit")


def test_monthly_sums_carry_the_month_ordinal(ds):
    monthly = ds.query(q.group_sums, by_month=True)
    assert rows(monthly[["MONTH", "AGE_GENDER", "n_lines"]]) == [(APRIL, "20M", 1), (APRIL, "30F", 5)]


def test_customer_top_categories(ds):
    # 101: 가구 5344000 of 39000 + 24000 + 10000 + 5344000; 104 and 105 need no demographics
    top = ds.query(q.customer_top_categories)
    assert rows(top) == [(101, "가구", 5344000.0, 5417000.0), (102, "남성의류", 72000000.0, 72000000.0),
                         (104, "여성의류", 10000.0, 10000.0), (105, "화장품/뷰티케어", 90000.0, 90000.0)]
    monthly = ds.query(q.customer_top_categories, by_month=True)
    assert rows(monthly[["CLNT_ID", "MONTH"]]) == [(101, APRIL), (102, APRIL), (104, SEPTEMBER), (105, JUNE)]


def test_every_parity_case_runs_and_is_ordered(ds):
    for fn, params in q.PARITY_CASES:
        sql = fn(**params)
        assert "ORDER BY" in sql and "QUALIFY" not in sql and "EXCLUDE" not in sql
        assert ds.query(fn, **params).equals(ds._views.df(sql))
