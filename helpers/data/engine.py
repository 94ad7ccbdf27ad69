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
