"""Purchase lines of the chapter-2 tests; every expected value is worked out by hand next to the test."""
import numpy as np
import pandas as pd
import pytest
from chapters.segments.fixtures import W, X, Y, Z, frame


@pytest.fixture
def lines() -> pd.DataFrame:
    """Two scored groups, one too small, two main categories X, Y and one other (Z)."""
    nan = np.nan
    return frame([
        # 20F: X (2 lines), Y, Z
        (1, 1, "20F", X, 100, 10, 1, 1000, "2018-04-02"),
        (1, 2, "20F", X, 200, 30, 3, 3000, "2018-04-03"),
        (2, 3, "20F", Y, 50, 5, 0, 500, "2018-04-04"),
        (3, 4, "20F", Z, 90, 15, 2, 800, "2018-04-05"),
        # 30M: X, Y (2 lines, one with no session time)
        (4, 1, "30M", X, 300, 40, 0, 5000, "2018-04-02"),
        (5, 2, "30M", Y, 100, 20, 4, 100, "2018-04-03"),
        (5, 3, "30M", Y, nan, 20, 2, 300, "2018-04-04"),
        # 40F: one customer only -> below min_customers=2, never scored (its extreme values must not leak)
        (6, 1, "40F", X, 99999, 999, 99, 999999, "2018-04-05"),
    ])


@pytest.fixture
def hand_patterns() -> pd.DataFrame:
    """Category map by hand: X 꼼꼼이 (1101), Y 털털이 (0000), W main but unscored."""
    return pd.DataFrame({"category": [X, Y, W], "pattern": ["1101", "0000", None],
                         "segment": ["꼼꼼이", "털털이", None], "label": ["덜 꼼꼼이", "더 털털이", None]})


@pytest.fixture
def spend() -> pd.DataFrame:
    nan = np.nan
    rows = [  # customer, category, revenue
        (1, X, 3000), (1, Y, 500),   # X -> 꼼꼼이, share 3000/3500
        (2, Y, 1000), (2, Z, 5000),  # Z not main -> NA
        (3, Y, 700),                 # no demographics: still 털털이 (segment comes from the category)
        (4, X, 100), (4, Y, 100),    # tie between main categories -> by name: 건강식품 (Y) < 여성의류 (X)
        (5, X, 0),                   # no revenue
        (6, W, 200),                 # main but unscored
        (7, Z, 100), (7, X, 100),    # tie: main first (X) although 가구 (Z) sorts before 여성의류
        (8, None, 300),              # no category
        (9, X, nan), (9, Y, 50),     # NaN revenue counts as 0 -> Y
    ]
    df = pd.DataFrame(rows, columns=["CLNT_ID", "CLAC1_NM", "REVENUE"])
    df["CLAC1_NM"] = df["CLAC1_NM"].astype("str")
    df["AGE_GENDER"] = pd.Series(["20F"] * len(df), dtype="str").where(df["CLNT_ID"] != 3)
    return df


@pytest.fixture
def two_months() -> pd.DataFrame:
    """Per group one X line and one Y line a month; customer a buys X, b buys Y (same people both months).

    With one line each, X's bit is (x > y) and Y's is (y > x):
    April: X time 200>100, views 20>10, searches 1<3, price 5000>1000 -> X 1101 꼼꼼이, Y 0010 털털이.
    May:   X time 50<100, views 5<10, searches 4>1, price 9000>1000   -> X 0011 매니아, Y 1100 꼼꼼이.
    """
    rows = []
    for group, a, b in (("20F", 11, 12), ("30M", 21, 22)):
        rows += [(a, 1, group, X, 200, 20, 1, 5000, "2018-04-10"), (b, 2, group, Y, 100, 10, 3, 1000, "2018-04-11"),
                 (a, 3, group, X, 50, 5, 4, 9000, "2018-05-10"), (b, 4, group, Y, 100, 10, 1, 1000, "2018-05-11")]
    # customer 13 (20F) buys the same X line in April only: means and bits unchanged, no month pair
    rows.append((13, 5, "20F", X, 200, 20, 1, 5000, "2018-04-12"))
    return frame(rows)
