"""The narrow module for heavy work: parsing, cleaning, joins and aggregations run in DuckDB.

Every SQL statement of the project lives here. Chapters never see DuckDB: they receive pandas frames
of analysis size from :class:`helpers.data.loader.Dataset`, which calls the functions below. Swapping the
engine for a distributed one means re-implementing this module only.

Cleaning follows DATA.md: text numbers with thousands separators, YYYYMMDD integer dates, zero-padded
ids, empty session times, impossible values. Every rule returns the number of rows it touched so the
loader can show a cleaning log; nothing is dropped without a count.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from helpers.common import config
from helpers.common.labels import AGE_BANDS

# Raw columns every table must have (DATA.md). Extra columns are ignored.
RAW_COLUMNS: dict[str, tuple[str, ...]] = {
    "product": ("CLNT_ID", "SESS_ID", "HITS_SEQ", "PD_C", "PD_ADD_NM", "PD_BRA_NM", "PD_BUY_AM", "PD_BUY_CT"),
    "search1": ("CLNT_ID", "SESS_ID", "KWD_NM", "SEARCH_CNT"),
    "search2": ("SESS_DT", "KWD_NM", "SEARCH_CNT"),
    "custom": ("CLNT_ID", "CLNT_GENDER", "CLNT_AGE"),
    "session": ("CLNT_ID", "SESS_ID", "SESS_SEQ", "SESS_DT", "TOT_PAG_VIEW_CT", "TOT_SESS_HR_V",
                "DVC_CTG_NM", "ZON_NM", "CITY_NM"),
    "master": ("PD_C", "PD_NM", "CLAC1_NM", "CLAC2_NM", "CLAC3_NM"),
}


@dataclass
class CleanResult:
    """Cleaned tables written as Parquet plus the log of what cleaning did."""

    paths: dict[str, Path]
    log: list[dict] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def connect(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection (one per load; cheap)."""
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _q(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def raw_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Header of a CSV as DuckDB reads it (BOM stripped)."""
    rel = con.sql(f"SELECT * FROM read_csv({_q(path)}, header=true, all_varchar=true, sample_size=1000) LIMIT 0")
    return [c.lstrip("\ufeff").strip() for c in rel.columns]


def _read(path: Path) -> str:
    # all_varchar: every quirk (separators, padding, empties) is handled explicitly below, never guessed.
    return (f"read_csv({_q(path)}, header=true, all_varchar=true, quote='\"', escape='\"', delim=',', "
            f"null_padding=true, strict_mode=false)")


def _num(col: str) -> str:
    """Text number with optional thousands separators -> DOUBLE (NULL when empty or not a number)."""
    return f"TRY_CAST(NULLIF(replace(trim({col}), ',', ''), '') AS DOUBLE)"


def _int(col: str) -> str:
    return f"TRY_CAST(NULLIF(replace(trim({col}), ',', ''), '') AS BIGINT)"


def _has_sep(col: str) -> str:
    return f"coalesce(strpos({col}, ',') > 0, false)"


def _log(log: list, table: str, rule: str, rows: int, action: str) -> None:
    log.append({"table": table, "rule": rule, "rows": int(rows or 0), "action": action})


def clean_tables(files: dict[str, Path], out_dir: Path, *, threads: int | None = None) -> CleanResult:
    """Parse and clean the six raw CSV files (already UTF-8) into Parquet files in ``out_dir``.

    Parameters
    ----------
    files : dict
        Table key (``config.TABLES``) -> UTF-8 CSV path.
    out_dir : Path
        Folder for ``<table>.parquet``.

    Returns
    -------
    CleanResult
        Parquet paths, the cleaning log (rule, table, rows, action) and row counts.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect(threads)
    log: list[dict] = []
    rows: dict[str, int] = {}
    for key, path in files.items():
        con.execute(f"CREATE TABLE raw_{key} AS SELECT * FROM {_read(path)}")
        # Column names may carry a BOM or blanks in re-saved copies.
        for col in con.sql(f"SELECT * FROM raw_{key} LIMIT 0").columns:
            clean = col.lstrip("\ufeff").strip()
            if clean != col:
                con.execute(f'ALTER TABLE raw_{key} RENAME COLUMN "{col}" TO "{clean}"')
        rows[f"raw_{key}"] = con.execute(f"SELECT count(*) FROM raw_{key}").fetchone()[0]

    _clean_master(con, log)
    _clean_custom(con, log)
    _clean_session(con, log)
    _clean_search1(con, log)
    _clean_search2(con, log)
    _clean_product(con, log)

    paths = {}
    for key in ("master", "custom", "session", "search1", "search2", "product"):
        p = out_dir / f"{key}.parquet"
        con.execute(f"COPY {key} TO {_q(p)} (FORMAT parquet, COMPRESSION zstd)")
        paths[key] = p
        rows[key] = con.execute(f"SELECT count(*) FROM {key}").fetchone()[0]
    con.close()
    return CleanResult(paths=paths, log=log, rows=rows)


def _dedupe_key(con, table: str, key: str, log: list, label: str) -> None:
    n = con.execute(f"SELECT count(*) - count(DISTINCT ({key})) FROM {table}").fetchone()[0]
    if n:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} "
                    f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _row) = 1")
    _log(log, label, f"중복 키({key}) 제거 — 첫 행 유지", n, "dropped")


def _clean_master(con, log):
    con.execute(f"""
        CREATE TABLE m0 AS SELECT row_number() OVER () AS _row, {_int('PD_C')} AS PD_C, PD_NM,
            nullif(trim(CLAC1_NM), '') AS CLAC1_NM, nullif(trim(CLAC2_NM), '') AS CLAC2_NM,
            nullif(trim(CLAC3_NM), '') AS CLAC3_NM
        FROM raw_master""")
    bad = con.execute("SELECT count(*) FROM m0 WHERE PD_C IS NULL").fetchone()[0]
    _log(log, "master", "PD_C 숫자 아님/빈 값", bad, "dropped")
    con.execute("DELETE FROM m0 WHERE PD_C IS NULL")
    _dedupe_key(con, "m0", "PD_C", log, "master")
    miss = con.execute("SELECT count(*) FROM m0 WHERE CLAC1_NM IS NULL").fetchone()[0]
    _log(log, "master", "CLAC1_NM 빈 값 → '(미분류)'", miss, "repaired")
    con.execute("""CREATE TABLE master AS SELECT PD_C, PD_NM, coalesce(CLAC1_NM, '(미분류)') AS CLAC1_NM,
        coalesce(CLAC2_NM, '(미분류)') AS CLAC2_NM, coalesce(CLAC3_NM, '(미분류)') AS CLAC3_NM FROM m0""")


def _clean_custom(con, log):
    con.execute(f"""
        CREATE TABLE c0 AS SELECT row_number() OVER () AS _row, {_int('CLNT_ID')} AS CLNT_ID,
            upper(trim(CLNT_GENDER)) AS G, {_int('CLNT_AGE')} AS A FROM raw_custom""")
    bad = con.execute("SELECT count(*) FROM c0 WHERE CLNT_ID IS NULL").fetchone()[0]
    _log(log, "custom", "CLNT_ID 숫자 아님/빈 값", bad, "dropped")
    con.execute("DELETE FROM c0 WHERE CLNT_ID IS NULL")
    _dedupe_key(con, "c0", "CLNT_ID", log, "custom")
    genders = ", ".join(f"'{g}'" for g in config.GENDERS)
    ages = ", ".join(str(a) for a in AGE_BANDS)
    n_g = con.execute(f"SELECT count(*) FROM c0 WHERE G IS NULL OR G NOT IN ({genders})").fetchone()[0]
    n_a = con.execute(f"SELECT count(*) FROM c0 WHERE A IS NULL OR A NOT IN ({ages})").fetchone()[0]
    _log(log, "custom", "성별이 F/M 아님 → 성별 미상(NA)", n_g, "repaired")
    _log(log, "custom", "연령대가 10..80 아님 → 연령 미상(NA)", n_a, "repaired")
    con.execute(f"""CREATE TABLE custom AS SELECT CLNT_ID,
        CASE WHEN G IN ({genders}) THEN G END AS CLNT_GENDER,
        CASE WHEN A IN ({ages}) THEN A END AS CLNT_AGE FROM c0""")


def _clean_session(con, log):
    con.execute(f"""
        CREATE TABLE s0 AS SELECT row_number() OVER () AS _row,
            {_int('CLNT_ID')} AS CLNT_ID, {_int('SESS_ID')} AS SESS_ID, {_int('SESS_SEQ')} AS SESS_SEQ,
            TRY_STRPTIME(trim(SESS_DT), '%Y%m%d')::DATE AS SESS_DT,
            {_num('TOT_PAG_VIEW_CT')} AS TOT_PAG_VIEW_CT, {_num('TOT_SESS_HR_V')} AS TOT_SESS_HR_V,
            {_has_sep('TOT_SESS_HR_V')} AS _sep_hr,
            lower(trim(DVC_CTG_NM)) AS DVC_CTG_NM, nullif(trim(ZON_NM), '') AS ZON_NM,
            nullif(trim(CITY_NM), '') AS CITY_NM
        FROM raw_session""")
    bad = con.execute("SELECT count(*) FROM s0 WHERE CLNT_ID IS NULL OR SESS_ID IS NULL").fetchone()[0]
    _log(log, "session", "CLNT_ID/SESS_ID 숫자 아님/빈 값", bad, "dropped")
    bad_dt = con.execute("SELECT count(*) FROM s0 WHERE SESS_DT IS NULL AND CLNT_ID IS NOT NULL "
                     "AND SESS_ID IS NOT NULL").fetchone()[0]
    _log(log, "session", "SESS_DT가 YYYYMMDD 날짜 아님", bad_dt, "dropped")
    con.execute("DELETE FROM s0 WHERE CLNT_ID IS NULL OR SESS_ID IS NULL OR SESS_DT IS NULL")
    _dedupe_key(con, "s0", "CLNT_ID, SESS_ID", log, "session")
    r = con.execute(f"""SELECT sum(_sep_hr::INT), sum((TOT_SESS_HR_V IS NULL)::INT),
        sum((TOT_PAG_VIEW_CT IS NULL)::INT), sum((TOT_SESS_HR_V < 0 OR TOT_PAG_VIEW_CT < 0)::INT),
        sum((DVC_CTG_NM IS NULL OR DVC_CTG_NM NOT IN {tuple(config.DEVICES)})::INT) FROM s0""").fetchone()
    _log(log, "session", "TOT_SESS_HR_V 천 단위 구분자(\"1,890\") → 숫자", r[0], "repaired")
    _log(log, "session", "TOT_SESS_HR_V 빈 값 → 결측(NaN) 유지", r[1], "kept")
    _log(log, "session", "TOT_PAG_VIEW_CT 결측 → 결측(NaN) 유지", r[2], "kept")
    _log(log, "session", "음수 세션시간/페이지뷰 → 결측(NaN)", r[3], "repaired")
    _log(log, "session", "기기가 mobile/desktop/tablet 아님 → 기기 미상(NA)", r[4], "repaired")
    con.execute(f"""CREATE TABLE session AS SELECT CLNT_ID, SESS_ID, SESS_SEQ, SESS_DT,
        CASE WHEN TOT_PAG_VIEW_CT >= 0 THEN TOT_PAG_VIEW_CT END AS TOT_PAG_VIEW_CT,
        CASE WHEN TOT_SESS_HR_V >= 0 THEN TOT_SESS_HR_V END AS TOT_SESS_HR_V,
        CASE WHEN DVC_CTG_NM IN {tuple(config.DEVICES)} THEN DVC_CTG_NM END AS DVC_CTG_NM,
        ZON_NM, CITY_NM FROM s0""")


def _clean_search1(con, log):
    con.execute(f"""CREATE TABLE q0 AS SELECT {_int('CLNT_ID')} AS CLNT_ID, {_int('SESS_ID')} AS SESS_ID,
        trim(KWD_NM) AS KWD_NM, {_int('SEARCH_CNT')} AS SEARCH_CNT FROM raw_search1""")
    bad = con.execute("""SELECT count(*) FROM q0 WHERE CLNT_ID IS NULL OR SESS_ID IS NULL OR SEARCH_CNT IS NULL
        OR SEARCH_CNT < 0 OR KWD_NM IS NULL OR KWD_NM = ''""").fetchone()[0]
    _log(log, "search1", "키/키워드/검색수 누락·음수", bad, "dropped")
    con.execute("""CREATE TABLE search1 AS SELECT * FROM q0 WHERE NOT (CLNT_ID IS NULL OR SESS_ID IS NULL
        OR SEARCH_CNT IS NULL OR SEARCH_CNT < 0 OR KWD_NM IS NULL OR KWD_NM = '')""")


def _clean_search2(con, log):
    con.execute(f"""CREATE TABLE w0 AS SELECT TRY_STRPTIME(trim(SESS_DT), '%Y%m%d')::DATE AS SESS_DT,
        trim(KWD_NM) AS KWD_NM, {_int('SEARCH_CNT')} AS SEARCH_CNT, {_has_sep('SEARCH_CNT')} AS _sep
        FROM raw_search2""")
    sep = con.execute("SELECT sum(_sep::INT) FROM w0").fetchone()[0]
    _log(log, "search2", "SEARCH_CNT 천 단위 구분자 → 숫자", sep, "repaired")
    bad = con.execute("""SELECT count(*) FROM w0 WHERE SESS_DT IS NULL OR SEARCH_CNT IS NULL OR SEARCH_CNT < 0
        OR KWD_NM IS NULL OR KWD_NM = ''""").fetchone()[0]
    _log(log, "search2", "날짜/키워드/검색수 누락·음수", bad, "dropped")
    con.execute("""CREATE TABLE search2 AS SELECT SESS_DT, KWD_NM, SEARCH_CNT FROM w0 WHERE NOT (SESS_DT IS NULL
        OR SEARCH_CNT IS NULL OR SEARCH_CNT < 0 OR KWD_NM IS NULL OR KWD_NM = '')""")


def _clean_product(con, log):
    con.execute(f"""
        CREATE TABLE p0 AS SELECT
            {_int('CLNT_ID')} AS CLNT_ID, {_int('SESS_ID')} AS SESS_ID, {_int('HITS_SEQ')} AS HITS_SEQ,
            {_int('PD_C')} AS PD_C, PD_ADD_NM, PD_BRA_NM,
            {_num('PD_BUY_AM')} AS PD_BUY_AM, {_num('PD_BUY_CT')} AS PD_BUY_CT,
            {_has_sep('PD_BUY_AM')} AS _sep_am, {_has_sep('PD_BUY_CT')} AS _sep_ct
        FROM raw_product""")
    n = con.execute("SELECT count(*) FROM p0").fetchone()[0]
    keybad = con.execute("SELECT count(*) FROM p0 WHERE CLNT_ID IS NULL OR SESS_ID IS NULL OR PD_C IS NULL").fetchone()[0]
    _log(log, "product", "CLNT_ID/SESS_ID/PD_C 숫자 아님/빈 값", keybad, "dropped")
    con.execute("DELETE FROM p0 WHERE CLNT_ID IS NULL OR SESS_ID IS NULL OR PD_C IS NULL")
    r = con.execute("SELECT sum(_sep_am::INT), sum(_sep_ct::INT) FROM p0").fetchone()
    _log(log, "product", "PD_BUY_AM 천 단위 구분자(\"39,000\") → 숫자", r[0], "repaired")
    _log(log, "product", "PD_BUY_CT 천 단위 구분자(\"1,440\") → 숫자", r[1], "repaired")
    hits1 = con.execute("SELECT count(*) FROM p0 WHERE HITS_SEQ = 1").fetchone()[0]
    _log(log, "product", "HITS_SEQ = 1 (공식 권고: 제외)", hits1, "dropped")
    con.execute("DELETE FROM p0 WHERE HITS_SEQ = 1")
    before = con.execute("SELECT count(*) FROM p0").fetchone()[0]
    con.execute("""CREATE OR REPLACE TABLE p0 AS SELECT DISTINCT ON (CLNT_ID, SESS_ID, HITS_SEQ, PD_C,
        PD_ADD_NM, PD_BRA_NM, PD_BUY_AM, PD_BUY_CT) * FROM p0""")
    dup = before - con.execute("SELECT count(*) FROM p0").fetchone()[0]
    _log(log, "product", "완전히 같은 중복 행", dup, "dropped")
    badam = con.execute("SELECT count(*) FROM p0 WHERE PD_BUY_AM IS NULL OR PD_BUY_AM < 0").fetchone()[0]
    _log(log, "product", "PD_BUY_AM 음수/숫자 아님", badam, "dropped")
    badct = con.execute("SELECT count(*) FROM p0 WHERE (PD_BUY_AM IS NOT NULL AND PD_BUY_AM >= 0) "
                    "AND (PD_BUY_CT IS NULL OR PD_BUY_CT <= 0)").fetchone()[0]
    _log(log, "product", "PD_BUY_CT 0 이하/숫자 아님", badct, "dropped")
    con.execute("DELETE FROM p0 WHERE PD_BUY_AM IS NULL OR PD_BUY_AM < 0 OR PD_BUY_CT IS NULL OR PD_BUY_CT <= 0")
    nomaster = con.execute("SELECT count(*) FROM p0 ANTI JOIN master USING (PD_C)").fetchone()[0]
    _log(log, "product", "PD_C가 Master에 없음", nomaster, "dropped")
    nosess = con.execute("SELECT count(*) FROM p0 SEMI JOIN master USING (PD_C) "
                     "ANTI JOIN session USING (CLNT_ID, SESS_ID)").fetchone()[0]
    _log(log, "product", "(CLNT_ID, SESS_ID)가 Session에 없음", nosess, "dropped")

    # ÷1000 price errors (DATA.md): in the listed categories a unit price that, ×1000, sits close to the
    # usual price of the same product (or, for a product seen once, of its CLAC3 group) is repaired.
    cats = tuple(config.PRICE_DIV1000_CATEGORIES)
    below = config.PRICE_DIV1000_BELOW
    con.execute(f"""
        CREATE TABLE p1 AS
        WITH j AS (
            SELECT p.*, m.CLAC1_NM, m.CLAC3_NM FROM p0 p
            JOIN master m USING (PD_C) SEMI JOIN session USING (CLNT_ID, SESS_ID)),
        ref_pd AS (SELECT PD_C, median(PD_BUY_AM) AS ref FROM j WHERE PD_BUY_AM >= {below} GROUP BY PD_C),
        ref_c3 AS (SELECT CLAC3_NM, median(PD_BUY_AM) AS ref FROM j
                   WHERE PD_BUY_AM >= {below} AND CLAC1_NM IN {cats} GROUP BY CLAC3_NM)
        SELECT j.* EXCLUDE (CLAC1_NM, CLAC3_NM, _sep_am, _sep_ct),
            (j.CLAC1_NM IN {cats} AND j.PD_BUY_AM > 0 AND j.PD_BUY_AM < {below}
             AND j.PD_BUY_AM * 1000 BETWEEN 0.2 * coalesce(rp.ref, rc.ref) AND 5 * coalesce(rp.ref, rc.ref))
             AS _div1000
        FROM j LEFT JOIN ref_pd rp USING (PD_C) LEFT JOIN ref_c3 rc USING (CLAC3_NM)""")
    fix = con.execute("SELECT count(*) FROM p1 WHERE _div1000").fetchone()[0]
    _log(log, "product", "÷1000 가격 오류(가구·가전·컴퓨터) → ×1000", fix, "repaired")
    con.execute("""CREATE TABLE product AS SELECT CLNT_ID, SESS_ID, HITS_SEQ, PD_C, PD_ADD_NM, PD_BRA_NM,
        CASE WHEN _div1000 THEN PD_BUY_AM * 1000 ELSE PD_BUY_AM END AS PD_BUY_AM,
        PD_BUY_CT::BIGINT AS PD_BUY_CT FROM p1""")
    out = con.execute(f"""SELECT count(*) FROM (SELECT CLNT_ID, SESS_ID, sum(PD_BUY_AM * PD_BUY_CT) AS t
        FROM product GROUP BY ALL) WHERE t > {config.SESSION_OUTLIER_KRW}""").fetchone()[0]
    _log(log, "product", f"세션 합계 {config.SESSION_OUTLIER_KRW:,}원 초과 이상치 (표시만, 유지)", out, "flagged")
    del n


# --------------------------------------------------------------------------------------------------
# Views over the cleaned Parquet files (window-filtered); all return pandas frames.
# --------------------------------------------------------------------------------------------------

class Views:
    """Window-filtered joins and aggregations over the cleaned Parquet tables."""

    def __init__(self, paths: dict[str, Path], start: str, end: str, threads: int | None = None):
        self.con = connect(threads)
        for key, p in paths.items():
            self.con.execute(f"CREATE VIEW {key} AS SELECT * FROM read_parquet({_q(p)})")
        self.start, self.end = start, end
        self._win = f"SESS_DT BETWEEN DATE '{start}' AND DATE '{end}'"

    def close(self):
        self.con.close()

    def df(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        lo, hi = self.con.execute("SELECT min(SESS_DT), max(SESS_DT) FROM session").fetchone()
        return pd.Timestamp(lo), pd.Timestamp(hi)

    def count(self, table: str, where: str = "true") -> int:
        return self.con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]

    def window_counts(self) -> dict[str, int]:
        """Rows outside the window (excluded, reported in the cleaning log)."""
        return {
            "session_outside": self.count("session", f"NOT ({self._win})"),
            "product_outside": self.con.execute(
                f"SELECT count(*) FROM product JOIN session USING (CLNT_ID, SESS_ID) WHERE NOT ({self._win})"
            ).fetchone()[0],
        }

    def sessions_sql(self) -> str:
        return f"""SELECT s.* REPLACE (s.SESS_DT::TIMESTAMP AS SESS_DT),
                coalesce(q.SEARCH_CNT, 0)::BIGINT AS SEARCH_CNT FROM session s
            LEFT JOIN (SELECT CLNT_ID, SESS_ID, sum(SEARCH_CNT) AS SEARCH_CNT FROM search1 GROUP BY ALL) q
            USING (CLNT_ID, SESS_ID) WHERE s.{self._win}"""

    def purchases_sql(self) -> str:
        return f"""SELECT p.CLNT_ID, p.SESS_ID, p.HITS_SEQ, p.PD_C, p.PD_BUY_AM, p.PD_BUY_CT,
                p.PD_BUY_AM * p.PD_BUY_CT AS REVENUE, s.SESS_DT, s.TOT_PAG_VIEW_CT, s.TOT_SESS_HR_V,
                s.SEARCH_CNT, s.DVC_CTG_NM, s.ZON_NM, s.CITY_NM, m.CLAC1_NM, m.CLAC2_NM, m.CLAC3_NM,
                c.CLNT_GENDER, c.CLNT_AGE,
                CASE WHEN c.CLNT_AGE IS NOT NULL AND c.CLNT_GENDER IS NOT NULL
                     THEN c.CLNT_AGE::VARCHAR || c.CLNT_GENDER END AS AGE_GENDER
            FROM product p JOIN ({self.sessions_sql()}) s USING (CLNT_ID, SESS_ID)
            JOIN master m USING (PD_C) LEFT JOIN custom c USING (CLNT_ID)"""

    def clients_sql(self, purchases: str) -> str:
        return f"""SELECT coalesce(c.CLNT_ID, b.CLNT_ID) AS CLNT_ID, c.CLNT_GENDER, c.CLNT_AGE,
            b.CLNT_ID IS NOT NULL AS buys FROM custom c
            FULL OUTER JOIN (SELECT DISTINCT CLNT_ID FROM {purchases}) b USING (CLNT_ID) ORDER BY 1"""

    def search1_sql(self) -> str:
        return f"SELECT q.* FROM search1 q SEMI JOIN ({self.sessions_sql()}) s USING (CLNT_ID, SESS_ID)"

    def search2_sql(self) -> str:
        return f"SELECT * REPLACE (SESS_DT::TIMESTAMP AS SESS_DT) FROM search2 WHERE {self._win}"

    def keyword_counts_sql(self, source: str) -> str:
        base = self.search1_sql() if source == "search1" else self.search2_sql()
        return f"SELECT KWD_NM, sum(SEARCH_CNT)::BIGINT AS SEARCH_CNT FROM ({base}) GROUP BY KWD_NM"

    def customer_daily_sql(self, purchases: str) -> str:
        return f"""SELECT CLNT_ID, SESS_DT, sum(REVENUE) AS REVENUE, count(DISTINCT SESS_ID) AS sessions
            FROM {purchases} GROUP BY ALL ORDER BY CLNT_ID, SESS_DT"""

    def row_counts(self, purchases: str, sessions: str) -> dict[str, int]:
        lines, buyers = self.con.execute(f"SELECT count(*), count(DISTINCT CLNT_ID) FROM {purchases}").fetchone()
        return {"purchase_lines": lines, "sessions": self.con.execute(f"SELECT count(*) FROM {sessions}").fetchone()[0],
                "customers_buying": buyers, "members": self.count("custom")}

    def write(self, sql: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.parquet")
        self.con.execute(f"COPY ({sql}) TO {_q(tmp)} (FORMAT parquet, COMPRESSION zstd)")
        tmp.replace(path)
        return path

    def daily_revenue_sql(self, purchases: str, category_col: str = "CLAC1_NM") -> str:
        # Every day of the window × every category, 0 where nothing was sold.
        return f"""WITH d AS (SELECT range::DATE AS date FROM range(DATE '{self.start}',
                        DATE '{self.end}' + INTERVAL 1 DAY, INTERVAL 1 DAY)),
                c AS (SELECT DISTINCT {category_col} AS category FROM {purchases}),
                r AS (SELECT {category_col} AS category, SESS_DT::DATE AS date, sum(REVENUE) AS revenue,
                        count(*) AS lines FROM {purchases} GROUP BY ALL)
            SELECT c.category, d.date::TIMESTAMP AS date, coalesce(r.revenue, 0)::DOUBLE AS revenue,
                   coalesce(r.lines, 0)::BIGINT AS lines
            FROM c CROSS JOIN d LEFT JOIN r USING (category, date) ORDER BY c.category, d.date"""
