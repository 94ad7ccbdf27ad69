"""Shared queries of chapter 1 (데이터 탐색): every count the chapter shows, aggregated in the engine.

Each function returns one ``SELECT`` in the shared SQL subset (see :mod:`helpers.data.queries`); the frames
are tiny (one row per label, per age, per category or per category pair), whatever the number of lines.
Labels are returned raw (codes such as ``F``/``mobile``, ``NULL`` for missing): the chapter's compute
functions clean and translate them, so they work the same on any shop's data.

========================= =================================================== ==================
query                     columns                                             rows
========================= =================================================== ==================
``buyer_genders``         CLNT_GENDER, n_customers, n_conflicts               genders (+ NULL)
``line_ages``             CLNT_AGE, n_lines                                   ages (+ NULL)
``session_values``        <column>, n_sessions                                values (+ NULL)
``category_lines``        CLAC1_NM, n_lines                                   categories (+ NULL)
``category_baskets``      category, n_baskets, n_sessions, n_multi_category   categories
``copurchase_pairs``      cat_a, cat_b, n_sessions                            pairs (a < b)
========================= =================================================== ==================
"""
from __future__ import annotations

__all__ = [
    "PARITY_CASES",
    "SESSION_COLUMNS",
    "buyer_genders",
    "category_baskets",
    "category_lines",
    "copurchase_pairs",
    "line_ages",
    "session_values",
]

#: Session columns whose split ``session_values`` may count (a fixed list: column names are not user text).
SESSION_COLUMNS = ("DVC_CTG_NM", "ZON_NM", "CITY_NM")

# A basket: the distinct trimmed, non-blank categories of one (CLNT_ID, SESS_ID); SESS_ID alone is reused
# across clients.
_BASKETS = """
    SELECT DISTINCT CLNT_ID, SESS_ID, TRIM(CLAC1_NM) AS category
    FROM purchases
    WHERE CLAC1_NM IS NOT NULL AND TRIM(CLAC1_NM) <> ''"""


def buyer_genders() -> str:
    """Buyers of the window (clients with a purchase line) found in the Custom table, per gender code.

    One count per client: a client's gender is its non-missing value (``MIN``); ``n_conflicts`` counts the
    clients of that row seen with two different genders (0 after the loader's cleaning; the chapter refuses
    a table with conflicts). Columns ``CLNT_GENDER`` (raw code, NULL when missing), ``n_customers``,
    ``n_conflicts``; ordered by gender, NULL last.
    """
    return """
    WITH per_client AS (
        SELECT c.CLNT_ID, MIN(c.CLNT_GENDER) AS CLNT_GENDER, COUNT(DISTINCT c.CLNT_GENDER) AS n_genders
        FROM customers c
        SEMI JOIN (SELECT DISTINCT CLNT_ID FROM purchases) b USING (CLNT_ID)
        GROUP BY c.CLNT_ID
    )
    SELECT CLNT_GENDER, COUNT(*) AS n_customers,
           CAST(SUM(CASE WHEN n_genders > 1 THEN 1 ELSE 0 END) AS BIGINT) AS n_conflicts
    FROM per_client
    GROUP BY CLNT_GENDER
    ORDER BY CLNT_GENDER NULLS LAST"""


def line_ages() -> str:
    """Purchase lines per buyer age (the report counts lines, not customers): ``CLNT_AGE`` (NULL when the
    buyer has no demographics), ``n_lines``; ordered by age, NULL last."""
    return """
    SELECT CLNT_AGE, COUNT(*) AS n_lines
    FROM purchases
    GROUP BY CLNT_AGE
    ORDER BY CLNT_AGE NULLS LAST"""


def session_values(column: str = "DVC_CTG_NM") -> str:
    """Purchase sessions of the window per value of one session column (device, region or city).

    ``sessions`` holds one row per (CLNT_ID, SESS_ID) (the loader dedupes Session on that key), so a row is a
    session. Columns ``<column>`` (raw value, NULL when missing), ``n_sessions``; ordered by value.
    """
    if column not in SESSION_COLUMNS:
        raise ValueError(f"column={column!r} is not one of {list(SESSION_COLUMNS)}")
    return f"""
    SELECT {column}, COUNT(*) AS n_sessions
    FROM sessions
    GROUP BY {column}
    ORDER BY {column} NULLS LAST"""


def category_lines() -> str:
    """Purchase lines per CLAC1 category: ``CLAC1_NM`` (raw, NULL when missing), ``n_lines``; by name."""
    return """
    SELECT CLAC1_NM, COUNT(*) AS n_lines
    FROM purchases
    GROUP BY CLAC1_NM
    ORDER BY CLAC1_NM NULLS LAST"""


def category_baskets() -> str:
    """Sessions whose basket holds each category, with the basket totals on every row.

    Columns ``category`` (trimmed CLAC1), ``n_baskets`` (sessions holding it), ``n_sessions`` (sessions with
    at least one categorised line) and ``n_multi_category`` (sessions with two or more distinct
    categories); the last two are the same on every row. Ordered by category.
    """
    return f"""
    WITH baskets AS ({_BASKETS}),
    sizes AS (SELECT CLNT_ID, SESS_ID, COUNT(*) AS size FROM baskets GROUP BY CLNT_ID, SESS_ID),
    totals AS (SELECT COUNT(*) AS n_sessions, CAST(SUM(CASE WHEN size >= 2 THEN 1 ELSE 0 END) AS BIGINT)
                      AS n_multi_category FROM sizes)
    SELECT b.category, b.n_baskets, t.n_sessions, t.n_multi_category
    FROM (SELECT category, COUNT(*) AS n_baskets FROM baskets GROUP BY category) b
    CROSS JOIN totals t
    ORDER BY b.category"""


def copurchase_pairs(min_count: int = 1) -> str:
    """Category pairs bought in the same session: a self-join of the baskets on (CLNT_ID, SESS_ID).

    Columns ``cat_a``, ``cat_b`` (``cat_a < cat_b`` in code-point order), ``n_sessions`` (sessions holding
    both, at least ``min_count``); ordered by the pair.
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
    return f"""
    WITH baskets AS ({_BASKETS})
    SELECT a.category AS cat_a, b.category AS cat_b, COUNT(*) AS n_sessions
    FROM baskets a
    JOIN baskets b ON a.CLNT_ID = b.CLNT_ID AND a.SESS_ID = b.SESS_ID AND a.category < b.category
    GROUP BY a.category, b.category
    HAVING COUNT(*) >= {min_count}
    ORDER BY cat_a, cat_b"""


PARITY_CASES = [
    (buyer_genders, {}),
    (line_ages, {}),
    (session_values, {"column": "DVC_CTG_NM"}),
    (session_values, {"column": "ZON_NM"}),
    (category_lines, {}),
    (category_baskets, {}),
    (copurchase_pairs, {"min_count": 1}),
]
