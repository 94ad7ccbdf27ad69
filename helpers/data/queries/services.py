"""Shared queries of chapter 6 (services): the per-customer fields of a profile card and each customer's latest
purchase lines, so that only one row per customer (plus ``n`` lines per customer) crosses into pandas.

Both queries are in the shared SQL subset (:mod:`helpers.data.queries`): window functions always with a total
``ORDER BY``, ranks filtered in an outer ``SELECT`` (no ``QUALIFY``), explicit ``NULLS LAST``.

Public API: profile_totals, recent_purchases, PARITY_CASES.
"""
from __future__ import annotations

__all__ = ["profile_totals", "recent_purchases", "PARITY_CASES"]


def _mode(name: str, column: str, source: str) -> str:
    """CTE pair ``<name>_n`` / ``<name>``: per customer the most frequent non-missing ``column`` of ``source``
    (rows are sessions) with its count ``<name>_n.n``; ties go to the value seen last (latest ``SESS_DT``), then to
    the smaller name."""
    return f"""{name}_n AS (
        SELECT CLNT_ID, {column} AS v, count(*) AS n, max(SESS_DT) AS last_dt FROM {source} AS src
        WHERE CLNT_ID IS NOT NULL AND {column} IS NOT NULL GROUP BY CLNT_ID, {column}),
    {name} AS (
        SELECT CLNT_ID, v, n FROM (
            SELECT CLNT_ID, v, n, row_number() OVER (PARTITION BY CLNT_ID
                ORDER BY n DESC, last_dt DESC, v ASC) AS rk FROM {name}_n) AS r
        WHERE rk = 1)"""


def profile_totals() -> str:
    """One row per customer with a window session or purchase line.

    Columns: ``CLNT_ID``; ``N_SESSIONS`` (window sessions); ``MAIN_DEVICE`` / ``DEVICE_SESSIONS`` and ``REGION``
    / ``REGION_SESSIONS`` (the most frequent ``DVC_CTG_NM`` / ``ZON_NM`` over the customer's sessions and how many
    sessions it has; ties: the value of the latest session, then the smaller name; NULL when never known);
    ``CITY`` (the most frequent ``CITY_NM`` among the sessions in ``REGION``, same ties; metropolitan cities repeat
    the region name here, the chapter blanks those); ``ONLINE_LINES`` (purchase lines), ``ONLINE_AMOUNT``
    (Σ ``REVENUE``, KRW, DOUBLE; NULL without lines), ``ONLINE_LAST_DT`` (latest purchase day). Ordered by id.
    """
    region_sessions = "(SELECT s.CLNT_ID, s.CITY_NM, s.SESS_DT FROM sessions s JOIN region g " \
        "ON s.CLNT_ID = g.CLNT_ID AND s.ZON_NM = g.v)"
    return f"""WITH {_mode("device", "DVC_CTG_NM", "sessions")},
    {_mode("region", "ZON_NM", "sessions")},
    {_mode("city", "CITY_NM", region_sessions)},
    n_sess AS (SELECT CLNT_ID, count(*) AS N_SESSIONS FROM sessions WHERE CLNT_ID IS NOT NULL GROUP BY CLNT_ID),
    online AS (SELECT CLNT_ID, count(*) AS ONLINE_LINES, CAST(sum(REVENUE) AS DOUBLE) AS ONLINE_AMOUNT,
                      max(SESS_DT) AS ONLINE_LAST_DT
               FROM purchases WHERE CLNT_ID IS NOT NULL GROUP BY CLNT_ID),
    ids AS (SELECT CLNT_ID FROM n_sess UNION SELECT CLNT_ID FROM online)
    SELECT ids.CLNT_ID, coalesce(n_sess.N_SESSIONS, 0) AS N_SESSIONS,
           device.v AS MAIN_DEVICE, coalesce(device.n, 0) AS DEVICE_SESSIONS,
           region.v AS REGION, coalesce(region.n, 0) AS REGION_SESSIONS, city.v AS CITY,
           coalesce(online.ONLINE_LINES, 0) AS ONLINE_LINES, online.ONLINE_AMOUNT, online.ONLINE_LAST_DT
    FROM ids
    LEFT JOIN n_sess ON ids.CLNT_ID = n_sess.CLNT_ID
    LEFT JOIN device ON ids.CLNT_ID = device.CLNT_ID
    LEFT JOIN region ON ids.CLNT_ID = region.CLNT_ID
    LEFT JOIN city ON ids.CLNT_ID = city.CLNT_ID
    LEFT JOIN online ON ids.CLNT_ID = online.CLNT_ID
    ORDER BY ids.CLNT_ID"""


def recent_purchases(*, n: int = 5) -> str:
    """Each customer's ``n`` latest purchase lines, ``RN`` 1 = latest.

    Columns: ``CLNT_ID, RN, SESS_DT, SESS_ID, HITS_SEQ, CLAC1_NM, REVENUE, DVC_CTG_NM``. Latest first means:
    day descending, then session id and hit sequence descending; lines of the same hit keep the window table's
    order (``PD_C, PD_BUY_AM, PD_BUY_CT`` ascending), so the ranking is total up to identical lines.
    Ordered by ``CLNT_ID, RN``.

    Raises
    ------
    ValueError
        ``n`` not an integer >= 1.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"recent_purchases: n must be an integer >= 1, got {n!r}")
    return f"""SELECT CLNT_ID, RN, SESS_DT, SESS_ID, HITS_SEQ, CLAC1_NM, REVENUE, DVC_CTG_NM FROM (
        SELECT CLNT_ID, SESS_DT, SESS_ID, HITS_SEQ, CLAC1_NM, REVENUE, DVC_CTG_NM,
               row_number() OVER (PARTITION BY CLNT_ID ORDER BY SESS_DT DESC NULLS LAST, SESS_ID DESC NULLS LAST,
                   HITS_SEQ DESC NULLS LAST, PD_C ASC NULLS LAST, PD_BUY_AM ASC NULLS LAST,
                   PD_BUY_CT ASC NULLS LAST) AS RN
        FROM purchases WHERE CLNT_ID IS NOT NULL) AS r
    WHERE RN <= {int(n)}
    ORDER BY CLNT_ID, RN"""


#: (query, parameters) pairs the parity test runs through DuckDB and Spark.
PARITY_CASES = [(profile_totals, {}), (recent_purchases, {"n": 2}), (recent_purchases, {"n": 5})]
