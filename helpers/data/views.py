"""The window views: joins and aggregations over the cleaned Parquet tables, in the shared SQL subset.

One SQL text per view, run by any :class:`~helpers.data.backends.base.Backend` (DuckDB by default, Spark for
scale); the few spellings that differ come from the backend's dialect (``date_series``). The rules of the
subset are in :mod:`helpers.data.queries`: no ``* REPLACE``, no ``range()``, ``CAST(... AS ...)`` instead of
``::`` where types differ, conditional counts with ``sum(CASE ...)``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Category of a purchase line whose PD_C is not in Master (the same text as the cleaning's).
UNCLASSIFIED = "(미분류)"
SESSION_COLUMNS = ("CLNT_ID", "SESS_ID", "SESS_SEQ", "TOT_PAG_VIEW_CT", "TOT_SESS_HR_V", "DVC_CTG_NM", "ZON_NM",
                   "CITY_NM")


def _count_if(cond: str) -> str:
    return f"coalesce(sum(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)"


class Views:
    """Window-filtered joins and aggregations over the cleaned Parquet tables, through a backend.

    ``paths`` maps table keys (``product``, ``session``, ...) to cleaned Parquet files; they are registered as
    relations of those names. SQL-returning methods (``*_sql``) are composed by the loader; the others run.
    """

    def __init__(self, backend, paths: dict[str, Path], start: str, end: str):
        self.backend = backend
        for key, p in paths.items():
            backend.register_parquet(key, p)
        self.start, self.end = start, end
        self._win = f"SESS_DT BETWEEN DATE '{start}' AND DATE '{end}'"

    def close(self):
        self.backend.close()

    def df(self, sql: str) -> pd.DataFrame:
        return self.backend.fetch(sql)

    def one(self, sql: str) -> tuple:
        return tuple(self.backend.rows(sql)[0])

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        lo, hi = self.one("SELECT min(SESS_DT), max(SESS_DT) FROM session")
        return pd.Timestamp(lo), pd.Timestamp(hi)

    def count(self, table: str, where: str = "true") -> int:
        return int(self.one(f"SELECT count(*) FROM {table} WHERE {where}")[0])

    def window_counts(self) -> dict[str, int]:
        """Rows outside the window or without a session (excluded, reported in the cleaning log)."""
        win = self._win
        s_win = win.replace("SESS_DT", "s.SESS_DT")
        orphan1, outside1 = self.one(f"""SELECT {_count_if('s.SESS_DT IS NULL')}, {_count_if(f'NOT ({s_win})')}
            FROM search1 q LEFT JOIN session s USING (CLNT_ID, SESS_ID)""")
        outside_lines = self.one(f"SELECT count(*) FROM product JOIN session USING (CLNT_ID, SESS_ID) "
                                 f"WHERE NOT ({win})")[0]
        return {"session_outside": self.count("session", f"NOT ({win})"), "product_outside": int(outside_lines),
                "search1_orphan": int(orphan1), "search1_outside": int(outside1),
                "search2_outside": self.count("search2", f"NOT ({win})")}

    def sessionless(self) -> tuple[int, float, int, float]:
        """Lines and revenue without a session row (no date), and the totals of all cleaned lines."""
        n, rev, total, total_rev = self.one(f"""SELECT {_count_if('s.CLNT_ID IS NULL')},
            coalesce(sum(CASE WHEN s.CLNT_ID IS NULL THEN p.PD_BUY_AM * p.PD_BUY_CT END), 0), count(*),
            coalesce(sum(p.PD_BUY_AM * p.PD_BUY_CT), 0)
            FROM product p LEFT JOIN (SELECT DISTINCT CLNT_ID, SESS_ID FROM session) s
            USING (CLNT_ID, SESS_ID)""")
        return int(n), float(rev), int(total), float(total_rev)

    def sessions_sql(self) -> str:
        cols = ", ".join(f"s.{c}" for c in SESSION_COLUMNS[:3])
        rest = ", ".join(f"s.{c}" for c in SESSION_COLUMNS[3:])
        return f"""SELECT {cols}, CAST(s.SESS_DT AS TIMESTAMP) AS SESS_DT, {rest},
                CAST(coalesce(q.SEARCH_CNT, 0) AS BIGINT) AS SEARCH_CNT FROM session s
            LEFT JOIN (SELECT CLNT_ID, SESS_ID, sum(SEARCH_CNT) AS SEARCH_CNT FROM search1 GROUP BY ALL) q
            USING (CLNT_ID, SESS_ID) WHERE s.{self._win}"""

    def purchases_sql(self) -> str:
        cats = ", ".join(f"coalesce(m.{c}, '{UNCLASSIFIED}') AS {c}" for c in ("CLAC1_NM", "CLAC2_NM", "CLAC3_NM"))
        return f"""SELECT p.CLNT_ID, p.SESS_ID, p.HITS_SEQ, p.PD_C, p.PD_BUY_AM, p.PD_BUY_CT,
                p.PD_BUY_AM * p.PD_BUY_CT AS REVENUE, s.SESS_DT, s.TOT_PAG_VIEW_CT, s.TOT_SESS_HR_V,
                s.SEARCH_CNT, s.DVC_CTG_NM, s.ZON_NM, s.CITY_NM, {cats}, c.CLNT_GENDER, c.CLNT_AGE,
                CASE WHEN c.CLNT_AGE IS NOT NULL AND c.CLNT_GENDER IS NOT NULL
                     THEN concat(CAST(c.CLNT_AGE AS STRING), c.CLNT_GENDER) END AS AGE_GENDER
            FROM product p JOIN ({self.sessions_sql()}) s USING (CLNT_ID, SESS_ID)
            LEFT JOIN master m USING (PD_C) LEFT JOIN custom c USING (CLNT_ID)"""

    def clients_sql(self, purchases: str) -> str:
        return f"""SELECT coalesce(c.CLNT_ID, b.CLNT_ID) AS CLNT_ID, c.CLNT_GENDER, c.CLNT_AGE,
            b.CLNT_ID IS NOT NULL AS buys FROM custom c
            FULL OUTER JOIN (SELECT DISTINCT CLNT_ID FROM {purchases}) b USING (CLNT_ID) ORDER BY 1"""

    def search1_sql(self) -> str:
        return f"SELECT q.* FROM search1 q SEMI JOIN ({self.sessions_sql()}) s USING (CLNT_ID, SESS_ID)"

    def search2_sql(self) -> str:
        return f"""SELECT CAST(SESS_DT AS TIMESTAMP) AS SESS_DT, KWD_NM, SEARCH_CNT FROM search2
            WHERE {self._win}"""

    def keyword_counts_sql(self, source: str) -> str:
        base = self.search1_sql() if source == "search1" else self.search2_sql()
        return f"SELECT KWD_NM, CAST(sum(SEARCH_CNT) AS BIGINT) AS SEARCH_CNT FROM ({base}) k GROUP BY KWD_NM"

    def customer_daily_sql(self, purchases: str) -> str:
        return f"""SELECT CLNT_ID, SESS_DT, sum(REVENUE) AS REVENUE, count(DISTINCT SESS_ID) AS sessions
            FROM {purchases} GROUP BY ALL ORDER BY CLNT_ID, SESS_DT"""

    def row_counts(self, purchases: str, sessions: str) -> dict[str, int]:
        lines, buyers = self.one(f"SELECT count(*), count(DISTINCT CLNT_ID) FROM {purchases}")
        return {"purchase_lines": int(lines), "sessions": self.count(sessions), "customers_buying": int(buyers),
                "members": self.count("custom")}

    def write(self, sql: str, path: Path, order_by: str | None = None) -> Path:
        """Write ``sql`` to one Parquet file at ``path`` (the backend writes a unique name, then renames)."""
        return self.backend.write_parquet(sql, path, order_by=order_by)

    def daily_revenue_sql(self, purchases: str, category_col: str = "CLAC1_NM") -> str:
        """Every day of the window × every category, 0 where nothing was sold."""
        days = self.backend.dialect.date_series(self.start, self.end)
        return f"""WITH d AS ({days}),
                c AS (SELECT DISTINCT {category_col} AS category FROM {purchases}),
                r AS (SELECT {category_col} AS category, CAST(SESS_DT AS DATE) AS date, sum(REVENUE) AS revenue,
                        count(*) AS lines FROM {purchases} GROUP BY ALL)
            SELECT c.category, CAST(d.date AS TIMESTAMP) AS date, CAST(coalesce(r.revenue, 0) AS DOUBLE) AS revenue,
                   CAST(coalesce(r.lines, 0) AS BIGINT) AS lines
            FROM c CROSS JOIN d LEFT JOIN r ON r.category = c.category AND r.date = d.date
            ORDER BY c.category, d.date"""
