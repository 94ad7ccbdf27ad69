"""Shared queries of chapter 2 (행동 기반 고객 세분화): the aggregates the segmentation needs.

Each function returns one ``SELECT`` in the shared SQL subset (see :mod:`helpers.data.queries`).

============================ ================================================================ ===============
query                        columns                                                          rows
============================ ================================================================ ===============
``group_sizes``              AGE_GENDER, n_customers, n_lines                                 groups
``category_lines``           CLAC1_NM, n_lines                                                categories
``behaviour_sums``           [MONTH,] AGE_GENDER, CLAC1_NM, n_lines, <v>_sum, <v>_n           group x category
``group_sums``               [MONTH,] AGE_GENDER, n_lines, <v>_sum, <v>_n                     groups
``customer_top_categories``  CLNT_ID, [MONTH,] CLAC1_NM, REVENUE, TOTAL_REVENUE               customers (+ ties)
============================ ================================================================ ===============

``<v>`` is each behaviour variable: ``time`` (TOT_SESS_HR_V), ``views`` (TOT_PAG_VIEW_CT), ``searches``
(SEARCH_CNT), ``price`` (PD_BUY_AM). ``MONTH`` is the calendar month of SESS_DT as months since 1970-01 (the
ordinal of a pandas ``Period[M]``). NULL values are left out of sums and counts.

Sums are order-independent: every value is rounded to 0.01 and summed as an integer (exact in both engines,
whatever the partitioning), then divided by 100. Values with at most two decimals (seconds, counts, KRW) are
therefore summed exactly; finer decimals are rounded to 0.01 first (an assumption stated here for real data).
"""
from __future__ import annotations

__all__ = [
    "PARITY_CASES",
    "VARIABLE_COLUMNS",
    "behaviour_sums",
    "category_lines",
    "customer_top_categories",
    "group_sums",
    "group_sizes",
]

#: Behaviour variable -> purchases column (bit order of the report).
VARIABLE_COLUMNS = {"time": "TOT_SESS_HR_V", "views": "TOT_PAG_VIEW_CT", "searches": "SEARCH_CNT",
                    "price": "PD_BUY_AM"}
_MONTH = "CAST((year(SESS_DT) - 1970) * 12 + month(SESS_DT) - 1 AS BIGINT)"
_WEIGHTS = ("line", "session")


def _exact_sum(expr: str) -> str:
    """Σ expr at 0.01 precision, summed as integers (order-independent), as DOUBLE."""
    return f"CAST(SUM(CAST(ROUND({expr} * 100) AS BIGINT)) AS DOUBLE) / 100"


def _check(weight: str, by_month: bool) -> None:
    if weight not in _WEIGHTS:
        raise ValueError(f"weight must be one of {list(_WEIGHTS)}, got {weight!r}")
    if not isinstance(by_month, bool):
        raise ValueError(f"by_month must be True or False, got {by_month!r}")


def group_sizes() -> str:
    """Distinct customers and purchase lines per age x gender group (lines without a group left out).

    Columns ``AGE_GENDER``, ``n_customers`` (distinct non-missing CLNT_ID), ``n_lines``; ordered by group.
    """
    return """
    SELECT AGE_GENDER, COUNT(DISTINCT CLNT_ID) AS n_customers, COUNT(*) AS n_lines
    FROM purchases
    WHERE AGE_GENDER IS NOT NULL
    GROUP BY AGE_GENDER
    ORDER BY AGE_GENDER"""


def category_lines() -> str:
    """Purchase lines per CLAC1 category (lines without one left out): ``CLAC1_NM, n_lines``; by name."""
    return """
    SELECT CLAC1_NM, COUNT(*) AS n_lines
    FROM purchases
    WHERE CLAC1_NM IS NOT NULL
    GROUP BY CLAC1_NM
    ORDER BY CLAC1_NM"""


def _units(keys: list[str], weight: str, by_month: bool) -> str:
    """The rows that are averaged: lines, or (CLNT_ID, SESS_ID) units whose value is the mean of their lines;
    only lines with a group (and a date, by month)."""
    month = [f"{_MONTH} AS MONTH"] if by_month else []
    where = "AGE_GENDER IS NOT NULL" + (" AND SESS_DT IS NOT NULL" if by_month else "")
    if weight == "line":
        return f"SELECT {', '.join([*month, *keys, *VARIABLE_COLUMNS.values()])} FROM purchases WHERE {where}"
    means = ", ".join(f"AVG({c}) AS {c}" for c in VARIABLE_COLUMNS.values())
    group_keys = ", ".join([_MONTH] * by_month + keys + ["CLNT_ID", "SESS_ID"])
    return (f"SELECT {', '.join([*month, *keys])}, CLNT_ID, SESS_ID, {means} FROM purchases WHERE {where} "
            f"GROUP BY {group_keys}")


def _sums(keys: list[str], weight: str, by_month: bool) -> str:
    _check(weight, by_month)
    key_list = ", ".join(["MONTH"] * by_month + keys)
    sums = ",\n           ".join(f"{_exact_sum(c)} AS {v}_sum, COUNT({c}) AS {v}_n"
                                 for v, c in VARIABLE_COLUMNS.items())
    order = ", ".join(["MONTH"] * by_month + [f"{k} NULLS LAST" for k in keys])
    return f"""
    SELECT {key_list}, COUNT(*) AS n_lines,
           {sums}
    FROM ({_units(keys, weight, by_month)}) u
    GROUP BY {key_list}
    ORDER BY {order}"""


def behaviour_sums(weight: str = "line", by_month: bool = False) -> str:
    """Sums and counts of the four behaviour variables per age x gender group and CLAC1 category.

    ``weight='line'``: every purchase line is one value; ``'session'``: every (CLNT_ID, SESS_ID) of the group
    in the category is one value, the mean of its lines. Columns ``[MONTH,] AGE_GENDER, CLAC1_NM`` (NULL for
    lines without a category), ``n_lines`` (lines, or sessions), ``<v>_sum`` (DOUBLE), ``<v>_n`` (non-missing
    values) for ``v`` in time, views, searches, price; lines without a group (or a date, by month) are left
    out. Ordered by the keys, NULL category last.
    """
    return _sums(["AGE_GENDER", "CLAC1_NM"], weight, by_month)


def group_sums(weight: str = "line", by_month: bool = False) -> str:
    """:func:`behaviour_sums` per group over all its purchases (every category, also none): the group's
    "평균". With ``weight='session'`` a session counts once in its group, with the mean of all its lines."""
    return _sums(["AGE_GENDER"], weight, by_month)


def customer_top_categories(by_month: bool = False) -> str:
    """Each customer's top-revenue CLAC1 categories (all tied at the top), with the customer's total.

    Revenue is Σ REVENUE per (customer[, month], category), missing REVENUE counting 0. Returns the categories
    whose revenue equals the customer's maximum (usually one row; the chapter breaks ties), or one row with
    a NULL category for a customer without any categorised line. Columns ``CLNT_ID, [MONTH,] CLAC1_NM,
    REVENUE`` (that category's revenue), ``TOTAL_REVENUE`` (over the customer's categorised lines; NULL
    without one); lines without a client (or a date, by month) are left out. Ordered by the keys.
    """
    _check("line", by_month)
    month, key = ([f"{_MONTH} AS MONTH"], ["MONTH"]) if by_month else ([], [])
    keys = ", ".join(["CLNT_ID", *key])
    where = " AND SESS_DT IS NOT NULL" if by_month else ""
    on = " AND ".join(f"p.{k} = t.{k}" for k in ["CLNT_ID", *key])
    return f"""
    WITH pair AS (
        SELECT {", ".join(["CLNT_ID", *month, "CLAC1_NM"])},
               SUM(CAST(ROUND(COALESCE(REVENUE, 0) * 100) AS BIGINT)) AS revenue
        FROM purchases
        WHERE CLNT_ID IS NOT NULL{where}
        GROUP BY {", ".join(["CLNT_ID", *([_MONTH] if by_month else []), "CLAC1_NM"])}
    ),
    top AS (
        SELECT {keys}, MAX(CASE WHEN CLAC1_NM IS NOT NULL THEN revenue END) AS best,
               SUM(CASE WHEN CLAC1_NM IS NOT NULL THEN revenue END) AS total
        FROM pair
        GROUP BY {keys}
    )
    SELECT {", ".join(f"p.{k}" for k in ["CLNT_ID", *key])}, p.CLAC1_NM,
           CAST(p.revenue AS DOUBLE) / 100 AS REVENUE, CAST(t.total AS DOUBLE) / 100 AS TOTAL_REVENUE
    FROM pair p
    JOIN top t ON {on}
    WHERE t.best IS NULL OR (p.CLAC1_NM IS NOT NULL AND p.revenue = t.best)
    ORDER BY {", ".join(f"p.{k}" for k in ["CLNT_ID", *key])}, p.CLAC1_NM NULLS LAST"""


PARITY_CASES = [
    (group_sizes, {}),
    (category_lines, {}),
    (behaviour_sums, {"weight": "line", "by_month": False}),
    (behaviour_sums, {"weight": "line", "by_month": True}),
    (behaviour_sums, {"weight": "session", "by_month": False}),
    (group_sums, {"weight": "line", "by_month": False}),
    (group_sums, {"weight": "line", "by_month": True}),
    (group_sums, {"weight": "session", "by_month": True}),
    (customer_top_categories, {"by_month": False}),
    (customer_top_categories, {"by_month": True}),
]
