"""The narrow module for heavy work: parsing, cleaning, joins and aggregations run in an engine (DuckDB).

Every SQL statement of the project lives in the data layer: the cleaning steps are shared SQL in
:mod:`helpers.data.queries.cleaning` (run here through a :class:`~helpers.data.backends.base.Backend`, DuckDB
by default, Spark when asked), the strict CSV read in :mod:`helpers.data.parsing`, and the window views below.
Chapters never see the engine: they receive pandas frames of analysis size from
:class:`helpers.data.loader.Dataset`, which calls the functions below.

Every input row is used as written, repaired by a named rule, or dropped with a reason, and for each table
``raw records = set aside + dropped + kept`` is checked (:func:`clean_tables`).
"""
from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from helpers.common import config
from helpers.common.errors import DataError
from helpers.data import cleaning, parsing
from helpers.data.backends.duckdb import DuckDBBackend
from helpers.data.queries import cleaning as q

#: Category of a purchase line whose PD_C is not in Master (its revenue is kept, counted in the log).
UNCLASSIFIED = q.UNCLASSIFIED

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
_C = cleaning.Col
#: The typed columns of every table (kind, what a bad value does, the lower bound) = its cleaned columns.
TYPED: dict[str, list] = {
    "master": [_C("PD_C", minimum="neg"), _C("PD_NM", "raw"), _C("CLAC1_NM", "text", bad="keep"),
               _C("CLAC2_NM", "text", bad="keep"), _C("CLAC3_NM", "text", bad="keep")],
    "custom": [_C("CLNT_ID", minimum="neg"), _C("CLNT_GENDER", "text", bad="keep"), _C("CLNT_AGE", bad="null")],
    "session": [_C("CLNT_ID", minimum="neg"), _C("SESS_ID", minimum="neg"), _C("SESS_SEQ", bad="null"),
                _C("SESS_DT", "date"), _C("TOT_PAG_VIEW_CT", "float", bad="null", minimum="neg"),
                _C("TOT_SESS_HR_V", "float", bad="null", minimum="neg"), _C("DVC_CTG_NM", "text", bad="keep"),
                _C("ZON_NM", "text", bad="keep"), _C("CITY_NM", "text", bad="keep")],
    "search1": [_C("CLNT_ID", minimum="neg"), _C("SESS_ID", minimum="neg"), _C("KWD_NM", "text"),
                _C("SEARCH_CNT", minimum="neg")],
    "search2": [_C("SESS_DT", "date"), _C("KWD_NM", "text"), _C("SEARCH_CNT", minimum="neg")],
    "product": [_C("CLNT_ID", minimum="neg"), _C("SESS_ID", minimum="neg"), _C("HITS_SEQ", minimum="neg"),
                _C("PD_C", minimum="neg"), _C("PD_ADD_NM", "raw"), _C("PD_BRA_NM", "raw"),
                _C("PD_BUY_AM", minimum="neg"), _C("PD_BUY_CT", minimum="nonpos")],
}
#: Duplicate keys (the first row in the file wins).
KEYS = {"master": ["PD_C"], "custom": ["CLNT_ID"], "session": ["CLNT_ID", "SESS_ID"],
        "search1": ["CLNT_ID", "SESS_ID", "KWD_NM"], "search2": ["SESS_DT", "KWD_NM"],
        "product": ["CLNT_ID", "SESS_ID", "HITS_SEQ", "PD_C", "PD_ADD_NM"]}
#: Counted over the typed rows that stay, before duplicates (name -> condition).
TYPED_EXTRA = {"product": {"hits1": "HITS_SEQ = 1"}}
#: The cleaning steps run in this order (Product needs the cleaned Master and Session).
CLEAN_ORDER = ("master", "custom", "session", "search1", "search2", "product")
#: DuckDB's memory cap while cleaning (it spills to the work folder beyond): ``$LPOINT_DUCKDB_MEMORY`` or 2 GB.
MEMORY_LIMIT = os.environ.get("LPOINT_DUCKDB_MEMORY", "2GB")


def columns(key: str) -> list[str]:
    """The cleaned table's columns, in the order they are written."""
    return [c.name for c in TYPED[key]]


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


def _log(log: list, table: str, rule: str, rows, action: str) -> None:
    cleaning.log_row(log, table, rule, rows, action)


def parse_duckdb(backend, key: str, source: Path, utf8: Path, scan, work: Path, required):
    """The default parse: DuckDB's strict CSV read registered as ``raw_<key>`` (:func:`parsing.open_raw`)."""
    return parsing.open_raw(backend.con, key, source, utf8, scan, work, required)


def clean_tables(files: dict[str, Path], out_dir: Path, *, sources: dict[str, Path], scans: dict,
                 threads: int | None = None, progress=print, backend=None, parse=None) -> CleanResult:
    """Parse strictly and clean the six raw CSV files (already UTF-8) into Parquet files in ``out_dir``.

    Parameters
    ----------
    files : dict
        Table key (``config.TABLES``) -> UTF-8 CSV path.
    out_dir : Path
        Folder for ``<table>.parquet`` (and temporary copies; DuckDB spills below it).
    sources, scans : dict
        The user's file and its :class:`~helpers.data.rawscan.RawScan` per table (names and counts).
    backend : Backend, optional
        The engine (default: a fresh :class:`DuckDBBackend` with ``threads`` and :data:`MEMORY_LIMIT`, closed at
        the end; a given backend is left open).
    parse : callable, optional
        ``parse(backend, key, source, utf8, scan, work, required)`` registers ``raw_<key>`` (text columns and
        ``_row``) and returns ``finish(parsed: int) -> parsing.Parsed``, called once the typed step has read the
        relation (``parsed``: the records it read); default :func:`parse_duckdb`.

    Returns
    -------
    CleanResult
        Parquet paths, the cleaning log (rule, table, rows, action), row accounting per table and the
        set-aside lines (``rejected``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    spill = out_dir / ".spill"
    be = backend or DuckDBBackend(threads, memory_limit=MEMORY_LIMIT, temp_directory=spill)
    parse = parse or parse_duckdb
    finish = {}
    parsed: dict = {}
    clean_log: list[dict] = []
    try:
        for k in files:  # headers checked in file order; each file is read by its table's typed step
            finish[k] = parse(be, k, sources[k], files[k], scans[k], out_dir, RAW_COLUMNS[k])
        paths = clean_raw_tables(be, clean_log, out_dir=out_dir,
                                 on_typed=lambda k, typed: parsed.__setitem__(k, finish[k](typed.rows)))
    finally:
        if backend is None:
            be.close()
            shutil.rmtree(spill, ignore_errors=True)
    parsed = {k: parsed[k] for k in files}
    log: list[dict] = []
    for k in files:
        log += parsing.reject_log(parsed[k])
        cleaning.excel_warning(k, scans[k].records + len(scans[k].set_aside), log, progress)
    log += clean_log
    rows = _account(parsed, log, sources, paths)
    return CleanResult(paths=paths, log=log, rows=rows, rejected=parsing.rejected_sample(list(parsed.values())))


def clean_raw_tables(backend, log: list, *, out_dir: Path | None = None, on_typed=None) -> dict:
    """Run every cleaning step on the registered ``raw_<key>`` relations of the six tables, in any engine.

    ``raw_<key>`` holds the table's :data:`RAW_COLUMNS` as text (NULL for an empty field) and ``_row``, the
    record's order in the file; it is read once, by the table's typed step (then dropped). Appends the
    cleaning-log rows to ``log``; ``on_typed(key, typed)`` is called after each typed step
    (:class:`cleaning.Typed`: ``rows`` = records read).

    Without ``out_dir`` the cleaned tables stay registered as relations ``<key>`` (``_row`` plus
    :func:`columns`; read one with ``queries.cleaning.output_sql(key, columns(key))``) and their names are
    returned. With ``out_dir`` each table is written to ``<key>.parquet`` in file order as soon as it is final
    and forgotten once no later step needs it; the paths are returned.
    """
    out: dict = {}
    for key in CLEAN_ORDER:  # typed just in time: one table's typed rows in memory at a time
        typed = cleaning.type_table(backend, key, TYPED[key], TYPED_EXTRA.get(key))
        if on_typed:
            on_typed(key, typed)
        log += typed.log
        STEPS[key](backend, log, typed)  # materialises the cleaned table <key>
        _forget(backend, key, final=False)
        if out_dir is None:
            out[key] = key
            continue
        out[key] = _write_table(backend, key, out_dir)
        for done in {"custom": ["custom"], "search1": ["search1"], "search2": ["search2"],
                     "product": ["product", "master", "session"]}.get(key, []):
            _forget(backend, done)
    return out


def _forget(backend, key: str, final: bool = True) -> None:
    """Drop the intermediate relations of ``key`` (and with ``final`` the cleaned table itself)."""
    for name in ([key] if final else []) + [f"{key}_ref", f"{key}_u", f"{key}_dup", f"{key}_dk", f"{key}_t",
                                              f"{key}_k"]:
        backend.drop(name)


def _write_table(backend, key: str, out_dir: Path) -> Path:
    """Write one cleaned table in file order (deterministic bytes) to a unique name, then rename it."""
    return backend.write_parquet(q.output_sql(key, columns(key)), out_dir / f"{key}.parquet")


def _account(parsed: dict, log: list, sources: dict, paths: dict) -> dict[str, int]:
    """Row accounting per table: raw records = set aside + dropped + kept, else a DataError (never silent)."""
    rows: dict[str, int] = {}
    for k, pr in parsed.items():
        kept = pq.ParquetFile(paths[k]).metadata.num_rows  # what was written
        cleaning.check_not_empty(k, sources[k].name, pr.scan.records, kept, log)
        dropped = sum(r["rows"] for r in log if r["table"] == k and r["action"] == "dropped")
        raw = pr.scan.records + len(pr.scan.set_aside)  # every record, blank and broken-quote lines included
        if raw != dropped + kept:
            raise DataError(f"Row accounting failed for '{sources[k]}': {raw:,} raw records but {dropped:,} "
                            f"dropped + {kept:,} kept. This is a bug in the cleaner: report it with the file.")
        rows.update({f"raw_{k}": raw, f"set_aside_{k}": len(pr.rejected), k: kept,
                     f"dropped_{k}": dropped - len(pr.rejected)})
    return rows


# --------------------------------------------------------------------------------------------------
# The steps per table: typed rows (``<key>_k``) -> kept (``<key>_t``) -> deduplicated -> cleaned (``<key>``)
# --------------------------------------------------------------------------------------------------

def _clean_master(backend, log, typed):
    rel = _dedupe(backend, log, "master")
    miss = backend.rows(q.master_counts_sql(rel))[0][0]
    _log(log, "master", "CLAC1_NM 빈 값 → '(미분류)'", miss, "repaired")
    backend.materialise("master", q.master_sql(rel))


def _clean_custom(backend, log, typed):
    rel = _dedupe(backend, log, "custom")
    r = backend.rows(q.custom_counts_sql(rel))[0]
    _log(log, "custom", "성별 소문자 → 대문자(\"f\" → \"F\")", r[0], "repaired")
    _log(log, "custom", "성별이 F/M 아님 → 성별 미상(NA)", r[1], "repaired")
    _log(log, "custom", "연령대가 10..80 아님 → 연령 미상(NA)", r[2], "repaired")
    backend.materialise("custom", q.custom_sql(rel))


def _clean_session(backend, log, typed):
    rel = _dedupe(backend, log, "session")
    r = backend.rows(q.session_counts_sql(rel))[0]
    _log(log, "session", "TOT_SESS_HR_V 빈 값 → 결측(NaN) 유지", r[0], "kept")
    _log(log, "session", "TOT_PAG_VIEW_CT 결측 → 결측(NaN) 유지", r[1], "kept")
    _log(log, "session", "기기 대문자 → 소문자(\"Mobile\" → \"mobile\")", r[2], "repaired")
    _log(log, "session", "기기가 mobile/desktop/tablet 아님 → 기기 미상(NA)", r[3], "repaired")
    backend.materialise("session", q.session_sql(rel))


def _clean_search1(backend, log, typed):
    backend.materialise("search1", f"SELECT * FROM {_dedupe(backend, log, 'search1')}")


def _clean_search2(backend, log, typed):
    backend.materialise("search2", f"SELECT * FROM {_dedupe(backend, log, 'search2')}")


def _clean_product(backend, log, typed):
    _log(log, "product", "HITS_SEQ = 1 (공식 권고: 제외)", typed.extra["hits1"], "dropped")
    rel = _dedupe(backend, log, "product", where="HITS_SEQ <> 1")
    backend.materialise("product_ref", q.price_reference_sql(rel, "master"))
    nomaster, n, rev, fix, out = backend.rows(q.product_counts_sql(rel, "product_ref", "session"))[0]
    _log(log, "product", f"PD_C가 Master에 없음 → 매출 유지, 분류 '{UNCLASSIFIED}'", nomaster, "kept")
    _log(log, "product", f"(CLNT_ID, SESS_ID)가 Session에 없음 — 날짜 없음: 날짜 기반 분석에서 제외 "
         f"(매출 {rev:,.0f}원)", n, "excluded")
    _log(log, "product", "÷1000 가격 오류(가구·가전·컴퓨터) → ×1000", fix, "repaired")
    backend.materialise("product", q.product_sql(rel, "product_ref"))
    _log(log, "product", f"세션 합계 {config.SESSION_OUTLIER_KRW:,}원 초과 이상치 (표시만, 유지)", out, "flagged")


def _dedupe(backend, log: list, key: str, where: str = "true") -> str:
    """Register the typed rows that stay as ``<key>_t``, drop duplicate keys; the relation of the rows kept."""
    backend.view(f"{key}_t", q.kept_sql(TYPED[key], f"{key}_k", where))
    return cleaning.dedupe(backend, key, KEYS[key], columns(key), log, f"{key}_t")


STEPS = {"master": _clean_master, "custom": _clean_custom, "session": _clean_session, "search1": _clean_search1,
         "search2": _clean_search2, "product": _clean_product}


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
        """Rows outside the window or without a session (excluded, reported in the cleaning log)."""
        win = self._win
        s_win = win.replace("SESS_DT", "s.SESS_DT")
        q1 = f"""SELECT count(*) FILTER (WHERE s.SESS_DT IS NULL), count(*) FILTER (WHERE NOT ({s_win}))
            FROM search1 q LEFT JOIN session s USING (CLNT_ID, SESS_ID)"""
        orphan1, outside1 = self.con.execute(q1).fetchone()
        return {
            "session_outside": self.count("session", f"NOT ({win})"),
            "product_outside": self.con.execute(
                f"SELECT count(*) FROM product JOIN session USING (CLNT_ID, SESS_ID) WHERE NOT ({win})"
            ).fetchone()[0],
            "search1_orphan": orphan1, "search1_outside": outside1,
            "search2_outside": self.count("search2", f"NOT ({win})"),
        }

    def sessionless(self) -> tuple[int, float, int, float]:
        """Lines and revenue without a session row (no date), and the totals of all cleaned lines."""
        return self.con.execute("""SELECT count(*) FILTER (WHERE s.CLNT_ID IS NULL),
            coalesce(sum(p.PD_BUY_AM * p.PD_BUY_CT) FILTER (WHERE s.CLNT_ID IS NULL), 0), count(*),
            coalesce(sum(p.PD_BUY_AM * p.PD_BUY_CT), 0)
            FROM product p LEFT JOIN (SELECT DISTINCT CLNT_ID, SESS_ID FROM session) s
            USING (CLNT_ID, SESS_ID)""").fetchone()

    def sessions_sql(self) -> str:
        return f"""SELECT s.* REPLACE (s.SESS_DT::TIMESTAMP AS SESS_DT),
                coalesce(q.SEARCH_CNT, 0)::BIGINT AS SEARCH_CNT FROM session s
            LEFT JOIN (SELECT CLNT_ID, SESS_ID, sum(SEARCH_CNT) AS SEARCH_CNT FROM search1 GROUP BY ALL) q
            USING (CLNT_ID, SESS_ID) WHERE s.{self._win}"""

    def purchases_sql(self) -> str:
        return f"""SELECT p.CLNT_ID, p.SESS_ID, p.HITS_SEQ, p.PD_C, p.PD_BUY_AM, p.PD_BUY_CT,
                p.PD_BUY_AM * p.PD_BUY_CT AS REVENUE, s.SESS_DT, s.TOT_PAG_VIEW_CT, s.TOT_SESS_HR_V,
                s.SEARCH_CNT, s.DVC_CTG_NM, s.ZON_NM, s.CITY_NM, coalesce(m.CLAC1_NM, '{UNCLASSIFIED}') AS CLAC1_NM,
                coalesce(m.CLAC2_NM, '{UNCLASSIFIED}') AS CLAC2_NM, coalesce(m.CLAC3_NM, '{UNCLASSIFIED}') AS CLAC3_NM,
                c.CLNT_GENDER, c.CLNT_AGE,
                CASE WHEN c.CLNT_AGE IS NOT NULL AND c.CLNT_GENDER IS NOT NULL
                     THEN c.CLNT_AGE::VARCHAR || c.CLNT_GENDER END AS AGE_GENDER
            FROM product p JOIN ({self.sessions_sql()}) s USING (CLNT_ID, SESS_ID)
            LEFT JOIN master m USING (PD_C) LEFT JOIN custom c USING (CLNT_ID)"""

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
        """Write ``sql`` to ``path`` through a unique temporary name (concurrent writers never share a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.parquet")
        try:
            self.con.execute(f"COPY ({sql}) TO {_q(tmp)} (FORMAT parquet, COMPRESSION zstd)")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
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
