"""Cleaning rules of the six tables, in DuckDB SQL: one rule per kind of bad value, each counted.

Every value of a number column is classified before it is used (:func:`kind_sql`):

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
(``rowid`` of the order-preserving read) is kept.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpers.common import config
from helpers.common.errors import DataError
from helpers.common.labels import AGE_BANDS

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


@dataclass(frozen=True)
class Col:
    """A typed column: ``kind`` int / float / date / text; ``bad`` drop (row) or null (value → NA)."""

    name: str
    kind: str = "int"
    bad: str = "drop"
    minimum: str = ""          # "neg": < 0 is bad; "nonpos": <= 0 is bad


def log_row(log: list, table: str, rule: str, rows, action: str) -> None:
    log.append({"table": table, "rule": rule, "rows": int(rows or 0), "action": action})


def kind_sql(v: str) -> str:
    """SQL classifying the trimmed text ``v`` of a number column (see the module table)."""
    return f"""CASE WHEN {v} IS NULL OR {v} = '' THEN 'empty'
        WHEN regexp_full_match({v}, '[-+]?[0-9]+') THEN 'ok'
        WHEN regexp_full_match({v}, '[-+]?[0-9]{{1,3}}(,[0-9]{{3}})+') THEN 'sep'
        WHEN regexp_full_match({v}, '[-+]?[0-9]{{1,3}}(\\.[0-9]{{3}})+') THEN 'dotk'
        WHEN regexp_full_match({v}, '[-+]?[0-9]+\\.0+') THEN 'dot0'
        WHEN regexp_full_match({v}, '[-+]?([0-9]*\\.[0-9]+|[0-9]+\\.?)([eE][-+]?[0-9]+)?') THEN 'frac'
        WHEN regexp_full_match(lower({v}), '[-+]?0x[0-9a-f]+') THEN 'hex'
        WHEN regexp_full_match(lower({v}), '[-+]?(inf|infinity|nan)') THEN 'nonfinite'
        ELSE 'text' END"""


def _date_kind_sql(v: str) -> str:
    return f"""CASE WHEN {v} IS NULL OR {v} = '' THEN 'empty'
        WHEN regexp_full_match({v}, '[0-9]{{8}}') THEN
            CASE WHEN TRY_STRPTIME({v}, '%Y%m%d') IS NULL THEN 'impossible' ELSE 'ok' END
        ELSE 'format' END"""


def _typed_select(cols: list[Col], raw: str) -> str:
    """SELECT giving, per typed column, its kind ``_k_<c>`` and value ``_v_<c>``; text trimmed, raw as written."""
    parts = ["rowid AS _row"]
    for c in cols:
        v = f'trim("{c.name}")'
        if c.kind == "raw":
            parts.append(f'"{c.name}" AS {c.name}')
            continue
        if c.kind == "text":
            parts.append(f"nullif({v}, '') AS {c.name}")
            continue
        if c.kind == "date":
            parts += [f"{_date_kind_sql(v)} AS _k_{c.name}", f"TRY_STRPTIME({v}, '%Y%m%d')::DATE AS {c.name}"]
            continue
        ok = ("'ok', 'dot0', 'frac'" if c.kind == "float" else "'ok', 'dot0'")
        parts += [f"{kind_sql(v)} AS _k_{c.name}",
                  f"CASE WHEN _k_{c.name} IN ({ok}) THEN TRY_CAST({v} AS DOUBLE) WHEN _k_{c.name} = 'sep' "
                  f"THEN TRY_CAST(replace({v}, ',', '') AS DOUBLE) END AS _v_{c.name}"]
    return f"SELECT {', '.join(parts)} FROM {raw}"


def _bad_sql(c: Col) -> tuple[str, str]:
    """(condition, reason-kind SQL) of a bad value of column ``c`` (on the typed table)."""
    ok = "('ok', 'sep', 'dot0', 'frac')" if c.kind == "float" else "('ok', 'sep', 'dot0')"
    if c.kind == "text":
        return f"{c.name} IS NULL", "'empty'"
    if c.kind == "date":
        return f"_k_{c.name} <> 'ok'", f"_k_{c.name}"
    below = {"neg": f"_v_{c.name} < 0", "nonpos": f"_v_{c.name} <= 0"}.get(c.minimum, "false")
    cond = f"(_k_{c.name} NOT IN {ok} OR {below})"
    reason = f"CASE WHEN _k_{c.name} NOT IN {ok} THEN _k_{c.name} ELSE '{c.minimum}' END"
    return cond, reason


def typed_table(con, table: str, raw: str, cols: list[Col], log: list) -> None:
    """Create ``<table>_t``: typed values, rows with a bad "drop" value removed, each reason counted."""
    con.execute(f"CREATE TEMP TABLE {table}_k AS {_typed_select(cols, raw)}")
    drop = [c for c in cols if c.kind != "raw" and c.bad == "drop"]
    why = " ".join(f"WHEN {_bad_sql(c)[0]} THEN '{c.name}:' || {_bad_sql(c)[1]}" for c in drop)
    con.execute(f"ALTER TABLE {table}_k ADD COLUMN _why VARCHAR")
    if why:
        con.execute(f"UPDATE {table}_k SET _why = CASE {why} END")
    for reason, n in con.execute(f"SELECT _why, count(*) FROM {table}_k WHERE _why IS NOT NULL "
                                 "GROUP BY 1 ORDER BY 1").fetchall():
        col, kind = reason.split(":")
        label = (DATE_LABELS if kind in DATE_LABELS and kind != "empty" else KIND_LABELS)[kind]
        log_row(log, table, f"{col} {label}", n, "dropped")
    _count_repairs(con, table, cols, log)
    keep = []
    for c in cols:
        if c.kind in ("text", "date", "raw"):
            keep.append(c.name)
            continue
        val = f"_v_{c.name}" if c.kind == "float" else f"_v_{c.name}::BIGINT"
        if c.bad == "null":
            val = f"CASE WHEN NOT {_bad_sql(c)[0]} THEN {val} END"
        keep.append(f"{val} AS {c.name}")
    con.execute(f"CREATE TEMP TABLE {table}_t AS SELECT _row, {', '.join(keep)} "
                f"FROM {table}_k WHERE _why IS NULL ORDER BY _row")


def _count_repairs(con, table: str, cols: list[Col], log: list) -> None:
    """Counted repairs (separators, trailing .0) and values set to NA, over the rows that stay."""
    nums = [c for c in cols if c.kind in ("int", "float")]
    if not nums:
        return
    exprs = []
    for c in nums:
        exprs += [f"sum((_k_{c.name} = 'sep')::INT)", f"sum((_k_{c.name} = 'dot0')::INT)"]
        if c.bad == "null":
            exprs.append(f"sum(({_bad_sql(c)[0]} AND _k_{c.name} <> 'empty')::INT)")
    r = iter(con.execute(f"SELECT {', '.join(exprs)} FROM {table}_k WHERE _why IS NULL").fetchone())
    for c in nums:
        log_row(log, table, f"{c.name} {KIND_LABELS['sep']}", next(r), "repaired")
        log_row(log, table, f"{c.name} {KIND_LABELS['dot0']}", next(r), "repaired")
        if c.bad == "null":
            log_row(log, table, f"{c.name} 숫자 아님/음수/모호한 형식 → 결측(NA)", next(r), "repaired")


def dedupe(con, table: str, key: list[str], cols: list[str], log: list) -> None:
    """Drop exact duplicate rows, then rows repeating a key with other values; the first row in the file stays."""
    before = con.execute(f"SELECT count(*) FROM {table}_t").fetchone()[0]
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table}_t AS SELECT * FROM {table}_t
        QUALIFY row_number() OVER (PARTITION BY {', '.join(cols)} ORDER BY _row) = 1 ORDER BY _row""")
    mid = con.execute(f"SELECT count(*) FROM {table}_t").fetchone()[0]
    log_row(log, table, "완전히 같은 중복 행 — 파일에서 첫 행만 유지", before - mid, "dropped")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table}_t AS SELECT * FROM {table}_t
        QUALIFY row_number() OVER (PARTITION BY {', '.join(key)} ORDER BY _row) = 1 ORDER BY _row""")
    after = con.execute(f"SELECT count(*) FROM {table}_t").fetchone()[0]
    log_row(log, table, f"중복 키({', '.join(key)})에 다른 값 — 파일에서 첫 행 유지, 나머지 제외", mid - after,
            "dropped")


def check_not_empty(con, key: str, source, raw_records: int, log: list) -> None:
    """An empty table (or one whose every row was dropped) is an error naming the table and the cause."""
    name = f"table {config.TABLES[key][0]} {key} ('{source}')"
    if raw_records == 0:
        raise DataError(f"The {name} has no data rows (header only): restore the file from the original data.")
    n = con.execute(f"SELECT count(*) FROM {key}").fetchone()[0]
    if n == 0:
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


GENDERS_SQL = ", ".join(f"'{g}'" for g in config.GENDERS)
AGES_SQL = ", ".join(str(a) for a in AGE_BANDS)
DEVICES_SQL = ", ".join(f"'{d}'" for d in config.DEVICES)
