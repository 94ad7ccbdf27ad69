"""Cleaning rules of the six tables: one rule per kind of bad value, each counted (SQL in the shared subset).

Every value of a number column is classified before it is used (:func:`helpers.data.queries.cleaning.kind_sql`):

========== ==================================== ===================================================
kind       example                              outcome
========== ==================================== ===================================================
ok         ``39000``, ``0555562``               used as written (zero-padded ids are plain integers)
sep        ``"39,000"``, ``"1,440"``            counted repair: separators removed (DATA.md format)
dot0       ``2.0``                              counted repair: integer (a re-saved copy's float)
dotk       ``13.200``                           counted drop (or missing): dot-thousands or a decimal?
frac       ``1.5`` in a quantity or id          counted drop (or missing); fractions are valid only in
                                                float columns (page views)
hex        ``0x10``                             counted drop (or missing): never read as 16
nonfinite  ``inf``, ``NaN``                     counted drop (or missing)
text/empty ``n/a``, ````                        counted drop (or missing)
========== ==================================== ===================================================

"drop" removes the row (ids, prices, quantities, counts, dates); "missing" keeps the row with NA (optional
session measures, age). Dates must be ``YYYYMMDD``: an impossible date (``20180231``) or another format
(``05/06/2018``, ``2018-05-06``) is a counted drop, never guessed. Duplicates: exact duplicate rows and
conflicting duplicate keys (same key, other values) are counted separately; the first row *in the file*
(``_row``, the record's order in the file) is kept.

The SQL of every step is in :mod:`helpers.data.queries.cleaning` (DuckDB and Spark run it as written); this
module runs the steps through a :class:`~helpers.data.backends.base.Backend` and writes the log rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from helpers.common import config
from helpers.common.errors import DataError
from helpers.data.queries import cleaning as q
from helpers.data.queries.cleaning import KINDS, Col, K  # noqa: F401 - the kinds and columns of the rules

KIND_LABELS = {
    "sep": "천 단위 구분자(\"39,000\") → 숫자",
    "dot0": "소수점 0(\"2.0\") → 정수",
    "dotk": "점 천 단위 의심(\"13.200\": 13.2인지 13200인지 모름)",
    "frac": "소수(정수여야 함, 예 \"1.5\")",
    "hex": "16진수 형태(\"0x10\")",
    "nonfinite": "무한대/NaN(\"inf\")",
    "text": "숫자 아님",
    "empty": "빈 값",
    "neg": "음수",
    "nonpos": "0 이하",
}
DATE_LABELS = {"impossible": "없는 날짜(예 20180231)", "format": "YYYYMMDD 아닌 형식(예 05/06/2018)",
               "empty": "빈 값"}
EXCEL_ROW_LIMIT = 1_048_575


@dataclass
class Typed:
    """The typed step of one table: its log rows (drops, then repairs), the records read (``rows``) and the
    ``extra`` counts asked for."""

    log: list[dict] = field(default_factory=list)
    rows: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def log_row(log: list, table: str, rule: str, rows, action: str) -> None:
    log.append({"table": table, "rule": rule, "rows": int(rows or 0), "action": action})


def type_table(backend, table: str, cols: list[Col], extra: dict[str, str] | None = None) -> Typed:
    """Type ``raw_<table>`` into ``<table>_k`` (then forget the raw text) and count drops and repairs.

    Rows with a bad value in a "drop" column are dropped, counted per column and reason; bad values of "null"
    columns become NA (counted); separators and trailing ``.0`` are counted repairs (over the rows that stay).
    ``extra``: name -> condition, counted over the rows that stay (:attr:`Typed.extra`).
    """
    backend.materialise(f"{table}_k", q.typed_sql(backend.dialect, cols, f"raw_{table}"))
    backend.drop(f"raw_{table}")
    groups = backend.rows(q.typed_counts_sql(cols, f"{table}_k", extra))
    out = Typed(rows=sum(g[1] for g in groups))
    drop = q.drop_columns(cols)
    for why, n, *_ in sorted((g for g in groups if g[0] is not None), key=lambda g: g[0]):
        col, kind = drop[why // 100].name, KINDS[why % 100]
        label = (DATE_LABELS if kind in DATE_LABELS and kind != "empty" else KIND_LABELS)[kind]
        log_row(out.log, table, f"{col} {label}", n, "dropped")
    kept = iter(next((g[2:] for g in groups if g[0] is None), ()))
    _repair_rows(out.log, table, cols, kept)
    out.extra = {name: int(next(kept, 0) or 0) for name in (extra or {})}
    return out


def _repair_rows(log: list, table: str, cols: list[Col], counts) -> None:
    """Log rows of the counted repairs per number column, in column order (``counts``: an iterator)."""
    for c in cols:
        if c.kind not in ("int", "float"):
            continue
        log_row(log, table, f"{c.name} {KIND_LABELS['sep']}", next(counts, 0), "repaired")
        log_row(log, table, f"{c.name} {KIND_LABELS['dot0']}", next(counts, 0), "repaired")
        if c.bad == "null":
            log_row(log, table, f"{c.name} 숫자 아님/음수/모호한 형식 → 결측(NA)", next(counts, 0), "repaired")


def dedupe(backend, table: str, key: list[str], cols: list[str], log: list, source: str) -> str:
    """Keep the first row in the file of every key of ``source``; count the others as exact duplicates (the same
    values as an earlier row of the key) or conflicting duplicates (same key, other values).

    Repeated keys are found with one aggregate over a key hash; only their rows are ranked. Returns the relation
    of the rows kept (``source`` itself when no key repeats).
    """
    d = backend.dialect
    backend.materialise(f"{table}_dk", q.repeated_keys_sql(d, source, key))
    extra = exact = 0
    out = source
    if backend.rows(f"SELECT count(*) FROM {table}_dk")[0][0]:
        backend.materialise(f"{table}_dup", q.duplicate_rows_sql(d, source, key, cols, f"{table}_dk"))
        extra, exact = backend.rows(q.duplicate_counts_sql(f"{table}_dup"))[0]
        out = f"{table}_u"
        backend.view(out, q.without_rows_sql(source, f"{table}_dup"))
    log_row(log, table, "완전히 같은 중복 행 — 파일에서 첫 행만 유지", exact, "dropped")
    log_row(log, table, f"중복 키({', '.join(key)})에 다른 값 — 파일에서 첫 행 유지, 나머지 제외", extra - exact, "dropped")
    return out


def check_not_empty(key: str, source, raw_records: int, kept: int, log: list) -> None:
    """An empty table (or one whose every row was dropped) is an error naming the table and the cause."""
    name = f"table {config.TABLES[key][0]} {key} ('{source}')"
    if raw_records == 0:
        raise DataError(f"The {name} has no data rows (header only): restore the file from the original data.")
    if kept == 0:
        causes = [f"{r['rule']} ({r['rows']:,})" for r in log if r["table"] == key and r["rows"]
                  and r["action"] == "dropped"]
        raise DataError(f"The {name}: all {raw_records:,} rows were dropped by cleaning — "
                        + ("; ".join(causes[:4]) or "no rule matched") + ". Fix these values in the file.")


def excel_warning(key: str, raw_records: int, log: list, progress=print) -> None:
    """A table of exactly 1,048,575 data rows is probably a copy cut by Excel: say so loudly."""
    if raw_records == EXCEL_ROW_LIMIT:
        rule = ("데이터 행이 정확히 1,048,575개 — Excel 시트 한도에서 잘린 사본일 가능성이 큼: 원본 CSV를 쓰세요")
        log_row(log, key, rule, raw_records, "warning")
        progress(f"[data] WARNING: table {key} has exactly {EXCEL_ROW_LIMIT:,} data rows, the Excel sheet limit: "
                 "this copy was probably cut by Excel; use the original CSV.")
