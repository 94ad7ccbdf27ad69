"""Shared queries of chapter 5 (preference index and model): customer × category aggregates, never lines.

Chapter 5 needs, per customer and main category, how often the customer bought it (purchase lines and purchase
occasions), the revenue, and *when* (recency weights, the fit / validation / holdout split by date). One
day-level aggregate holds all of it: one row per customer × category × day with a purchase. Every split and
every recency weight is then a sum over these rows in numpy, so

* no day arithmetic is needed in SQL (``days_between`` spellings differ between engines), and
* every number is an integer count (revenue a sum of whole-won amounts), exact in any summation order, so both
  engines give identical frames and reruns give identical bytes.

Size: at most one row per purchase line, in practice far fewer (several lines of one category on one day are
one row). Full-scale synthetic data (5 M lines, 1 M customers): see :func:`customer_category_days`.
"""
from __future__ import annotations

from helpers.common.dates import parse_date

__all__ = ["PARITY_CASES", "customer_category_days"]


def _date_literal(value, name: str) -> str:
    return f"DATE '{parse_date(value, name).date().isoformat()}'"


def customer_category_days(*, start=None, end=None) -> str:
    """One row per customer × CLAC1 category × purchase day in ``[start, end]`` (inclusive; default the window).

    Columns: ``CLNT_ID`` (int), ``CLAC1_NM`` (str), ``SESS_DT`` (date), ``n_lines`` (purchase lines),
    ``n_occasions`` (distinct sessions with a line of that category that day: one basket is one choice),
    ``revenue`` (Σ ``REVENUE``, KRW). Ordered by ``CLNT_ID, CLAC1_NM, SESS_DT`` (the key).
    """
    where = []
    if start is not None:
        where.append(f"SESS_DT >= {_date_literal(start, 'start')}")
    if end is not None:
        where.append(f"SESS_DT <= {_date_literal(end, 'end')}")
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    return f"""SELECT CLNT_ID, CLAC1_NM, CAST(SESS_DT AS DATE) AS SESS_DT, CAST(count(*) AS BIGINT) AS n_lines,
            CAST(count(DISTINCT SESS_ID) AS BIGINT) AS n_occasions, CAST(sum(REVENUE) AS DOUBLE) AS revenue
        FROM purchases {condition}
        GROUP BY CLNT_ID, CLAC1_NM, CAST(SESS_DT AS DATE)
        ORDER BY CLNT_ID, CLAC1_NM, SESS_DT"""


PARITY_CASES = [
    (customer_category_days, {}),
    (customer_category_days, {"start": "2018-05-01", "end": "2018-06-30"}),
]
