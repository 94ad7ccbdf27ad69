"""Shared inputs of the chapter-1 tests: tiny hand-made frames whose expected results are worked out by hand."""

import pandas as pd
import pytest


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def purchases5() -> pd.DataFrame:
    """Five sessions (SESS_ID 1 is reused by three clients, as in the real data).

    s1 (1,1): 가구, 여성의류, 여성의류   -> {가구, 여성의류}   (repeated category)
    s2 (1,2): 가구, 여성의류, 패션잡화   -> {가구, 여성의류, 패션잡화}
    s3 (2,1): 가구                      -> single category
    s4 (3,1): 가구, 패션잡화             -> {가구, 패션잡화}
    s5 (4,7): 패션잡화, 패션잡화         -> single category (repeated)

    N = 5; n(가구) = 4, n(여성의류) = 2, n(패션잡화) = 3
    n(가구, 여성의류) = 2 (s1, s2); n(가구, 패션잡화) = 2 (s2, s4); n(여성의류, 패션잡화) = 1 (s2)
    """
    return pd.DataFrame({
        "CLNT_ID": [1, 1, 1, 1, 1, 1, 2, 3, 3, 4, 4],
        "SESS_ID": [1, 1, 1, 2, 2, 2, 1, 1, 1, 7, 7],
        "CLAC1_NM": ["가구", "여성의류", "여성의류", "가구", "여성의류", "패션잡화", "가구", "가구", "패션잡화",
                     "패션잡화", "패션잡화"],
        "CLNT_AGE": pd.array([30, 30, 30, 30, 30, 30, None, 20, 20, 45, 45], dtype="Int64"),
        "CLNT_GENDER": ["F", "F", "F", "F", "F", "F", None, "M", "M", "F", "F"],
        "DVC_CTG_NM": ["mobile"] * 3 + ["desktop"] * 3 + ["mobile", "mobile", "mobile", "tablet", "tablet"],
        "ZON_NM": ["Seoul"] * 6 + ["Busan", "Seoul", "Seoul", None, None],
    })



# ---------------------------------------------------------------------------------------------
# Keywords and word cloud
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def search() -> pd.DataFrame:
    return pd.DataFrame({
        "KWD_NM": ["원피스", "가방", "원피스 ", "나이키", "운동화", "샌들", None, "  "],
        "SEARCH_CNT": [3, 5, 2, 4, 4, 1, 6, 1],
    })
