"""The narrow module for heavy work: parsing, cleaning, joins and aggregations run in DuckDB.

Every SQL statement of the project lives in the data layer: here (the cleaning steps per table and the
window views), in :mod:`helpers.data.parsing` (the strict CSV read) and :mod:`helpers.data.cleaning` (one rule
per kind of bad value). Chapters never see DuckDB: they receive pandas frames of analysis size from
:class:`helpers.data.loader.Dataset`, which calls the functions below.

Every input row is used as written, repaired by a named rule, or dropped with a reason, and for each table
``raw records = set aside + dropped + kept`` is checked (:func:`clean_tables`).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from helpers.common import config
from helpers.common.errors import DataError
from helpers.data import cleaning, parsing

#: Category of a purchase line whose PD_C is not in Master (its revenue is kept, counted in the log).
UNCLASSIFIED = "(미분류)"

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
    rejected: pd.DataFrame | None = None


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


def _log(log: list, table: str, rule: str, rows: int, action: str) -> None:
    cleaning.log_row(log, table, rule, rows, action)


def _one(con, sql: str):
    return con.execute(sql).fetchone()[0]


def clean_tables(files: dict[str, Path], out_dir: Path, *, sources: dict[str, Path], scans: dict,
                 threads: int | None = None, progress=print) -> CleanResult:
    """Parse strictly and clean the six raw CSV files (already UTF-8) into Parquet files in ``out_dir``.

    Parameters
    ----------
    files : dict
        Table key (``config.TABLES``) -> UTF-8 CSV path.
    out_dir : Path
        Folder for ``<table>.parquet`` (and temporary copies).
    sources, scans : dict
        The user's file and its :class:`~helpers.data.rawscan.RawScan` per table (names and counts).

    Returns
    -------
    CleanResult
        Parquet paths, the cleaning log (rule, table, rows, action), row accounting per table and the
        set-aside lines (``rejected``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect(threads)
    con.execute("SET preserve_insertion_order = true")  # rowid = file order: "first row" is the file's first
    log: list[dict] = []
    try:
        parsed = {k: parsing.load_raw(con, k, sources[k], files[k], scans[k], out_dir, RAW_COLUMNS[k])
                  for k in files}
        for k in files:
            log += parsing.reject_log(parsed[k])
            cleaning.excel_warning(k, scans[k].records + len(scans[k].set_aside), log, progress)
        for step in (_clean_master, _clean_custom, _clean_session, _clean_search1, _clean_search2, _clean_product):
            step(con, log)
        rows = _account(con, parsed, log, sources)
        paths = {k: _write_table(con, k, out_dir) for k in ("master", "custom", "session", "search1", "search2",
                                                            "product")}
    finally:
        con.close()
    return CleanResult(paths=paths, log=log, rows=rows, rejected=parsing.rejected_sample(list(parsed.values())))


def _write_table(con, key: str, out_dir: Path) -> Path:
    """Write one cleaned table in file order (deterministic bytes) to a unique name, then rename it."""
    p = out_dir / f"{key}.parquet"
    tmp = out_dir / f".{key}.{os.getpid()}.{secrets.token_hex(4)}.parquet"
    con.execute(f"COPY (SELECT * EXCLUDE (_row) FROM {key} ORDER BY _row) TO {_q(tmp)} "
                "(FORMAT parquet, COMPRESSION zstd)")
    os.replace(tmp, p)
    return p


def _account(con, parsed: dict, log: list, sources: dict) -> dict[str, int]:
    """Row accounting per table: raw records = set aside + dropped + kept, else a DataError (never silent)."""
    rows: dict[str, int] = {}
    for k, pr in parsed.items():
        cleaning.check_not_empty(con, k, sources[k].name, pr.scan.records, log)
        kept = _one(con, f"SELECT count(*) FROM {k}")
        dropped = sum(r["rows"] for r in log if r["table"] == k and r["action"] == "dropped")
        raw = pr.scan.records + len(pr.scan.set_aside)  # every record, blank and broken-quote lines included
        if raw != dropped + kept:
            raise DataError(f"Row accounting failed for '{sources[k]}': {raw:,} raw records but {dropped:,} "
                            f"dropped + {kept:,} kept. This is a bug in the cleaner: report it with the file.")
        rows.update({f"raw_{k}": raw, f"set_aside_{k}": len(pr.rejected), k: kept,
                     f"dropped_{k}": dropped - len(pr.rejected)})
    return rows


_C = cleaning.Col


def _clean_master(con, log):
    cols = [_C("PD_C", minimum="neg"), _C("PD_NM", "raw"), _C("CLAC1_NM", "text", bad="keep"),
            _C("CLAC2_NM", "text", bad="keep"), _C("CLAC3_NM", "text", bad="keep")]
    cleaning.typed_table(con, "master", "raw_master", cols, log)
    cleaning.dedupe(con, "master", ["PD_C"], [c.name for c in cols], log)
    miss = _one(con, "SELECT count(*) FROM master_t WHERE CLAC1_NM IS NULL")
    _log(log, "master", "CLAC1_NM 빈 값 → '(미분류)'", miss, "repaired")
    con.execute(f"""CREATE TABLE master AS SELECT _row, PD_C, PD_NM,
        coalesce(CLAC1_NM, '{UNCLASSIFIED}') AS CLAC1_NM, coalesce(CLAC2_NM, '{UNCLASSIFIED}') AS CLAC2_NM,
        coalesce(CLAC3_NM, '{UNCLASSIFIED}') AS CLAC3_NM FROM master_t""")


def _clean_custom(con, log):
    cols = [_C("CLNT_ID", minimum="neg"), _C("CLNT_GENDER", "text", bad="keep"), _C("CLNT_AGE", bad="null")]
    cleaning.typed_table(con, "custom", "raw_custom", cols, log)
    cleaning.dedupe(con, "custom", ["CLNT_ID"], [c.name for c in cols], log)
    g, a = cleaning.GENDERS_SQL, cleaning.AGES_SQL
    r = con.execute(f"""SELECT sum((CLNT_GENDER <> upper(CLNT_GENDER) AND upper(CLNT_GENDER) IN ({g}))::INT),
        sum((upper(CLNT_GENDER) NOT IN ({g}) OR CLNT_GENDER IS NULL)::INT),
        sum((CLNT_AGE IS NULL OR CLNT_AGE NOT IN ({a}))::INT) FROM custom_t""").fetchone()
    _log(log, "custom", "성별 소문자 → 대문자(\"f\" → \"F\")", r[0], "repaired")
    _log(log, "custom", "성별이 F/M 아님 → 성별 미상(NA)", r[1], "repaired")
    _log(log, "custom", "연령대가 10..80 아님 → 연령 미상(NA)", r[2], "repaired")
    con.execute(f"""CREATE TABLE custom AS SELECT _row, CLNT_ID,
        CASE WHEN upper(CLNT_GENDER) IN ({g}) THEN upper(CLNT_GENDER) END AS CLNT_GENDER,
        CASE WHEN CLNT_AGE IN ({a}) THEN CLNT_AGE END AS CLNT_AGE FROM custom_t""")


def _clean_session(con, log):
    cols = [_C("CLNT_ID", minimum="neg"), _C("SESS_ID", minimum="neg"), _C("SESS_SEQ", bad="null"),
            _C("SESS_DT", "date"), _C("TOT_PAG_VIEW_CT", "float", bad="null", minimum="neg"),
            _C("TOT_SESS_HR_V", "float", bad="null", minimum="neg"), _C("DVC_CTG_NM", "text", bad="keep"),
            _C("ZON_NM", "text", bad="keep"), _C("CITY_NM", "text", bad="keep")]
    cleaning.typed_table(con, "session", "raw_session", cols, log)
    cleaning.dedupe(con, "session", ["CLNT_ID", "SESS_ID"], [c.name for c in cols], log)
    d = cleaning.DEVICES_SQL
    r = con.execute(f"""SELECT sum((TOT_SESS_HR_V IS NULL)::INT), sum((TOT_PAG_VIEW_CT IS NULL)::INT),
        sum((DVC_CTG_NM <> lower(DVC_CTG_NM) AND lower(DVC_CTG_NM) IN ({d}))::INT),
        sum((DVC_CTG_NM IS NULL OR lower(DVC_CTG_NM) NOT IN ({d}))::INT) FROM session_t""").fetchone()
    _log(log, "session", "TOT_SESS_HR_V 빈 값 → 결측(NaN) 유지", r[0], "kept")
    _log(log, "session", "TOT_PAG_VIEW_CT 결측 → 결측(NaN) 유지", r[1], "kept")
    _log(log, "session", "기기 대문자 → 소문자(\"Mobile\" → \"mobile\")", r[2], "repaired")
    _log(log, "session", "기기가 mobile/desktop/tablet 아님 → 기기 미상(NA)", r[3], "repaired")
    con.execute(f"""CREATE TABLE session AS SELECT _row, CLNT_ID, SESS_ID, SESS_SEQ, SESS_DT, TOT_PAG_VIEW_CT,
        TOT_SESS_HR_V, CASE WHEN lower(DVC_CTG_NM) IN ({d}) THEN lower(DVC_CTG_NM) END AS DVC_CTG_NM,
        ZON_NM, CITY_NM FROM session_t""")


def _clean_search1(con, log):
    cols = [_C("CLNT_ID", minimum="neg"), _C("SESS_ID", minimum="neg"), _C("KWD_NM", "text"),
            _C("SEARCH_CNT", minimum="neg")]
    cleaning.typed_table(con, "search1", "raw_search1", cols, log)
    cleaning.dedupe(con, "search1", ["CLNT_ID", "SESS_ID", "KWD_NM"], [c.name for c in cols], log)
    con.execute("CREATE TABLE search1 AS SELECT * FROM search1_t")  # the view's clean columns


def _clean_search2(con, log):
    cols = [_C("SESS_DT", "date"), _C("KWD_NM", "text"), _C("SEARCH_CNT", minimum="neg")]
    cleaning.typed_table(con, "search2", "raw_search2", cols, log)
    cleaning.dedupe(con, "search2", ["SESS_DT", "KWD_NM"], [c.name for c in cols], log)
    con.execute("CREATE TABLE search2 AS SELECT * FROM search2_t")


def _clean_product(con, log):
    cols = [_C("CLNT_ID", minimum="neg"), _C("SESS_ID", minimum="neg"), _C("HITS_SEQ", minimum="neg"),
            _C("PD_C", minimum="neg"), _C("PD_ADD_NM", "raw"), _C("PD_BRA_NM", "raw"),
            _C("PD_BUY_AM", minimum="neg"), _C("PD_BUY_CT", minimum="nonpos")]
    cleaning.typed_table(con, "product", "raw_product", cols, log)
    hits1 = _one(con, "SELECT count(*) FROM product_t WHERE HITS_SEQ = 1")
    _log(log, "product", "HITS_SEQ = 1 (공식 권고: 제외)", hits1, "dropped")
    con.execute("DELETE FROM product_k WHERE _v_HITS_SEQ = 1")
    cleaning.dedupe(con, "product", ["CLNT_ID", "SESS_ID", "HITS_SEQ", "PD_C", "PD_ADD_NM"],
                    [c.name for c in cols], log)
    nomaster = _one(con, "SELECT count(*) FROM product_t ANTI JOIN master USING (PD_C)")
    _log(log, "product", f"PD_C가 Master에 없음 → 매출 유지, 분류 '{UNCLASSIFIED}'", nomaster, "kept")
    n, rev = con.execute("""SELECT count(*), coalesce(sum(PD_BUY_AM * PD_BUY_CT), 0) FROM product_t
        ANTI JOIN session USING (CLNT_ID, SESS_ID)""").fetchone()
    _log(log, "product", f"(CLNT_ID, SESS_ID)가 Session에 없음 — 날짜 없음: 날짜 기반 분석에서 제외 "
         f"(매출 {rev:,.0f}원)", n, "excluded")
    _repair_div1000(con, log)
    out = _one(con, f"""SELECT count(*) FROM (SELECT CLNT_ID, SESS_ID, sum(PD_BUY_AM * PD_BUY_CT) AS t
        FROM product GROUP BY ALL) WHERE t > {config.SESSION_OUTLIER_KRW}""")
    _log(log, "product", f"세션 합계 {config.SESSION_OUTLIER_KRW:,}원 초과 이상치 (표시만, 유지)", out, "flagged")


def _repair_div1000(con, log):
    """÷1000 price errors (DATA.md): in the listed categories a unit price that, ×1000, sits close to the usual
    price of the same product (or, for a product seen once, of its CLAC3 group) is repaired."""
    cats = tuple(config.PRICE_DIV1000_CATEGORIES)
    below = config.PRICE_DIV1000_BELOW
    con.execute(f"""
        CREATE TEMP TABLE product_d AS
        WITH j AS (SELECT p.*, m.CLAC1_NM, m.CLAC3_NM FROM product_t p LEFT JOIN master m USING (PD_C)),
        ref_pd AS (SELECT PD_C, median(PD_BUY_AM) AS ref FROM j WHERE PD_BUY_AM >= {below} GROUP BY PD_C),
        ref_c3 AS (SELECT CLAC3_NM, median(PD_BUY_AM) AS ref FROM j
                   WHERE PD_BUY_AM >= {below} AND CLAC1_NM IN {cats} GROUP BY CLAC3_NM)
        SELECT j.* EXCLUDE (CLAC1_NM, CLAC3_NM),
            coalesce(j.CLAC1_NM IN {cats} AND j.PD_BUY_AM > 0 AND j.PD_BUY_AM < {below}
             AND j.PD_BUY_AM * 1000 BETWEEN 0.2 * coalesce(rp.ref, rc.ref) AND 5 * coalesce(rp.ref, rc.ref), false)
             AS _div1000
        FROM j LEFT JOIN ref_pd rp USING (PD_C) LEFT JOIN ref_c3 rc USING (CLAC3_NM)""")
    fix = _one(con, "SELECT count(*) FROM product_d WHERE _div1000")
    _log(log, "product", "÷1000 가격 오류(가구·가전·컴퓨터) → ×1000", fix, "repaired")
    con.execute("""CREATE TABLE product AS SELECT _row, CLNT_ID, SESS_ID, HITS_SEQ, PD_C, PD_ADD_NM, PD_BRA_NM,
        (CASE WHEN _div1000 THEN PD_BUY_AM * 1000 ELSE PD_BUY_AM END)::DOUBLE AS PD_BUY_AM,
        PD_BUY_CT::BIGINT AS PD_BUY_CT FROM product_d""")
