"""Chapter-1 shared queries on the hand-made raw folder of tests/conftest.py; every expectation is worked out by hand.

The cleaned window (2018-04-01..2018-09-30) holds 8 purchase lines in 5 sessions and 6 purchase sessions:

    101/1  여성의류, 패션잡화, (미분류)   30F   mobile   Seoul
    101/2  가구, 가구                    30F   desktop  Seoul
    102/1  남성의류                      20M   mobile   Busan
    104/4  여성의류                      (age 99 -> NA, F)   mobile  Daegu
    105/5  화장품/뷰티케어               (no Custom row)      NA (smartTV)  Seoul
    103/3  (no purchase line left)       tablet   Gyeonggi-do
"""
import pytest
from conftest import rows

from helpers.data.queries import eda as q


def test_buyer_genders_count_buyers_in_custom_once(ds):
    # buyers 101 (F), 102 (M), 104 (F), 105 (no Custom row); 103 is a member without a purchase
    assert rows(ds.query(q.buyer_genders)) == [("F", 2, 0), ("M", 1, 0)]


def test_line_ages_count_purchase_lines(ds):
    # 101's five lines are 30, 102's one is 20; 104 (age 99 repaired to NA) and 105 (no Custom row) unknown
    assert rows(ds.query(q.line_ages)) == [(20, 1), (30, 5), (None, 2)]


def test_session_values_count_sessions_once(ds):
    assert rows(ds.query(q.session_values, column="DVC_CTG_NM")) == [("desktop", 1), ("mobile", 3), ("tablet", 1),
                                                                     (None, 1)]
    assert rows(ds.query(q.session_values, column="ZON_NM")) == [("Busan", 1), ("Daegu", 1), ("Gyeonggi-do", 1),
                                                                 ("Seoul", 3)]
    with pytest.raises(ValueError, match="column"):
        q.session_values("CLNT_ID; DROP TABLE x")


def test_category_lines(ds):
    assert rows(ds.query(q.category_lines)) == [("(미분류)", 1), ("가구", 2), ("남성의류", 1), ("여성의류", 2),
                                                ("패션잡화", 1), ("화장품/뷰티케어", 1)]


def test_baskets_and_pairs_are_sets_of_categories_per_session(ds):
    # 5 sessions with a categorised line; only 101/1 holds two or more categories; 101/2's two 가구 lines count once
    baskets = ds.query(q.category_baskets)
    assert rows(baskets) == [(c, 2 if c == "여성의류" else 1, 5, 1)
                             for c in ["(미분류)", "가구", "남성의류", "여성의류", "패션잡화", "화장품/뷰티케어"]]
    assert rows(ds.query(q.copurchase_pairs, min_count=1)) == [("(미분류)", "여성의류", 1), ("(미분류)", "패션잡화", 1),
                                                               ("여성의류", "패션잡화", 1)]
    assert ds.query(q.copurchase_pairs, min_count=2).empty


def test_every_parity_case_runs_and_is_ordered(ds):
    for fn, params in q.PARITY_CASES:
        sql = fn(**params)
        assert "ORDER BY" in sql and "QUALIFY" not in sql and "EXCLUDE" not in sql
        first = ds.query(fn, **params)
        assert first.equals(ds._views.df(sql))  # rerun: same rows in the same order
