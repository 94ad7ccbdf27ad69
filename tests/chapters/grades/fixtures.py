"""Small hand-made transaction frames shared by chapter 3's tests (expected values worked out by hand)."""
from __future__ import annotations

import pandas as pd

AS_OF = "2018-09-30"


def tx(rows, customer_col="CLNT_ID", date_col="SESS_DT", amount_col="REVENUE"):
    """Transactions frame from (customer, ISO date, amount) tuples."""
    customers, dates, amounts = zip(*rows)
    return pd.DataFrame({customer_col: list(customers),
                         date_col: pd.to_datetime(list(dates)),
                         amount_col: [float(a) for a in amounts]})


FOUR_GRADES = [
    # 스타: last Sep (R3), every 10 days (F3), 1,200,000 (M3) -> interest 6 high, money high
    ("star", "2018-09-01", 600_000), ("star", "2018-09-11", 600_000),
    # 나비: last Apr = 5 months ago (R1), 10 days apart (F3): interest 4 = low; 1,000,000 (M3)
    ("butterfly", "2018-04-01", 500_000), ("butterfly", "2018-04-11", 500_000),
    # 계륵: last Sep (R3), 20 days apart (F2): interest 5 = high; 150,000 (M2) = money low
    ("chicken", "2018-09-01", 100_000), ("chicken", "2018-09-21", 50_000),
    # 관리제외: one day in Sep (R3, F1): interest 4 = low; 30,000 (M1)
    ("excluded", "2018-09-15", 30_000),
]

HOLDOUT_PAST = [
    # graded at 2018-06-30
    ("S", "2018-06-01", 500_000), ("S", "2018-06-10", 500_000),   # R3 F3 M3 -> 스타
    ("N", "2018-02-01", 500_000), ("N", "2018-02-05", 500_000),   # R1 (4 months) F3 M3 -> 나비
    ("G", "2018-06-01", 100_000), ("G", "2018-06-20", 50_000),    # R3 F2 (19 days) M2 -> 계륵
    ("X", "2018-06-05", 30_000),                                  # R3 F1 M1 -> 관리제외
    ("X2", "2018-05-20", 10_000),                                 # R3 F1 M1 -> 관리제외
]
HOLDOUT_FUTURE = [
    ("S", "2018-07-05", 300_000), ("S", "2018-08-01", 100_000),   # 400,000
    ("N", "2018-08-15", 200_000),                                 # 200,000
    ("X", "2018-09-30", 50_000),                                  # 50,000 (G, X2: nothing)
    ("Z", "2018-07-10", 70_000),                                  # new after the cut-off
]


def planted_transactions(n_customers=400, seed=11, start="2018-04-01", days=183):
    """Customer-days of customers with planted purchase speeds: customer i buys on each day with probability
    rate_i (rate ~ Gamma(0.5, mean 0.02)), spending Gamma(2, mean 50,000 × basket_i). Returns (frame, rates)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rates = np.minimum(rng.gamma(0.5, 0.04, n_customers), 0.5)
    basket = rng.gamma(4.0, 0.25, n_customers)
    bought = rng.random((n_customers, days)) < rates[:, None]
    who, day = np.nonzero(bought)
    amounts = np.round(rng.gamma(2.0, 25_000 * basket[who]), -2)
    frame = pd.DataFrame({"CLNT_ID": who.astype(np.int64) + 1000,
                          "SESS_DT": pd.Timestamp(start) + pd.to_timedelta(day, unit="D"),
                          "REVENUE": amounts})
    return frame, rates
