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
#: Kinds are materialised as small integers (cheaper than text for millions of values).
KINDS = ("ok", "sep", "dot0", "dotk", "frac", "hex", "nonfinite", "text", "empty", "impossible", "format", "neg",
         "nonpos")
K = {name: i for i, name in enumerate(KINDS)}


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
    """SQL classifying the trimmed text ``v`` of a number column (see the module table).

    Plain digits and well-formed ``"39,000"`` texts (nearly every value) match the first two patterns.
    ``TRY_CAST`` is not used to classify: it reads ``0x10`` as 16, ``1e3`` as 1000 and rounds ``1.5`` to 2;
    values are cast separately and kept only where the kind allows (:func:`typed_table`).
    """
    return f"""CASE WHEN {v} IS NULL OR {v} = '' THEN {K['empty']}
        WHEN regexp_full_match({v}, '[-+]?[0-9]+') THEN {K['ok']}
        WHEN regexp_full_match({v}, '[-+]?[0-9]{{1,3}}(,[0-9]{{3}})+') THEN {K['sep']}
        WHEN regexp_full_match({v}, '[-+]?[0-9]{{1,3}}(\\.[0-9]{{3}})+') THEN {K['dotk']}
        WHEN regexp_full_match({v}, '[-+]?[0-9]+\\.0+') THEN {K['dot0']}
        WHEN regexp_full_match({v}, '[-+]?([0-9]*\\.[0-9]+|[0-9]+\\.?)([eE][-+]?[0-9]+)?') THEN {K['frac']}
        WHEN regexp_full_match(lower({v}), '[-+]?0x[0-9a-f]+') THEN {K['hex']}
        WHEN regexp_full_match(lower({v}), '[-+]?(inf|infinity|nan)') THEN {K['nonfinite']}
        ELSE {K['text']} END::UTINYINT"""


def _date_kind_sql(v: str) -> str:
    return f"""CASE WHEN {v} IS NULL OR {v} = '' THEN {K['empty']}
        WHEN regexp_full_match({v}, '[0-9]{{8}}') THEN
            CASE WHEN TRY_STRPTIME({v}, '%Y%m%d') IS NULL THEN {K['impossible']} ELSE {K['ok']} END
        ELSE {K['format']} END::UTINYINT"""


def _typed_select(cols: list[Col], raw: str) -> str:
    """SELECT giving, per typed column, its kind ``_k_<c>`` and value ``_v_<c>``; text trimmed, raw as written.

    One flat level (DuckDB evaluates it faster than nested levels that trim once).
    """
    parts = ["rowid AS _row"]
    for c in cols:
        t = f'trim("{c.name}")'
        if c.kind == "raw":
            parts.append(f'"{c.name}" AS {c.name}')
        elif c.kind == "text":
            parts.append(f"nullif({t}, '') AS {c.name}")
        elif c.kind == "date":
            parts += [f"{_date_kind_sql(t)} AS _k_{c.name}", f"TRY_STRPTIME({t}, '%Y%m%d')::DATE AS {c.name}"]
        else:  # the value is kept only where the kind allows it (typed_table)
            parts += [f"{kind_sql(t)} AS _k_{c.name}", f"TRY_CAST(replace({t}, ',', '') AS DOUBLE) AS _v_{c.name}"]
    return f"SELECT {', '.join(parts)} FROM {raw}"


def _ok_kinds(c: Col) -> str:
    names = ("ok", "sep", "dot0", "frac") if c.kind == "float" else ("ok", "sep", "dot0")
    return "(" + ", ".join(str(K[n]) for n in names) + ")"


def _bad_sql(c: Col) -> tuple[str, str]:
    """(condition, reason-kind code SQL) of a bad value of column ``c`` (on the typed table)."""
    if c.kind == "text":
        return f"{c.name} IS NULL", str(K["empty"])
    if c.kind == "date":
        return f"_k_{c.name} <> {K['ok']}", f"_k_{c.name}"
    below = {"neg": f"_v_{c.name} < 0", "nonpos": f"_v_{c.name} <= 0"}.get(c.minimum, "false")
    cond = f"(_k_{c.name} NOT IN {_ok_kinds(c)} OR {below})"
    reason = f"CASE WHEN _k_{c.name} NOT IN {_ok_kinds(c)} THEN _k_{c.name} ELSE {K.get(c.minimum, 0)} END"
    return cond, reason


def typed_table(con, table: str, raw: str, cols: list[Col], log: list) -> None:
    """Typed values of ``raw``: table ``<table>_k`` (kinds and values) and view ``<table>_t`` (the clean columns).

    Rows with a bad value in a "drop" column are deleted and counted per reason; bad values of "null" columns
    become NA (counted); separators and trailing ``.0`` are counted repairs.
    """
    con.execute(f"CREATE TEMP TABLE {table}_k AS {_typed_select(cols, raw)}")
    drop = [c for c in cols if c.kind != "raw" and c.bad == "drop"]
    # reason code = column position x 100 + kind code
    why = " ".join(f"WHEN {_bad_sql(c)[0]} THEN {i * 100} + {_bad_sql(c)[1]}" for i, c in enumerate(drop))
    why = f"CASE {why} END" if why else "NULL::INTEGER"
    for reason, n in con.execute(f"SELECT _why, count(*) FROM (SELECT {why} AS _why FROM {table}_k) "
                                 "WHERE _why IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall():
        col, kind = drop[reason // 100].name, KINDS[reason % 100]
        label = (DATE_LABELS if kind in DATE_LABELS and kind != "empty" else KIND_LABELS)[kind]
        log_row(log, table, f"{col} {label}", n, "dropped")
    con.execute(f"DELETE FROM {table}_k WHERE ({why}) IS NOT NULL")
    _count_repairs(con, table, cols, log)
    keep = []
    for c in cols:
        if c.kind in ("text", "date", "raw"):
            keep.append(c.name)
            continue
        if c.bad == "null":
            con.execute(f"UPDATE {table}_k SET _v_{c.name} = NULL WHERE {_bad_sql(c)[0]}")
        keep.append(f"_v_{c.name}{'' if c.kind == 'float' else '::BIGINT'} AS {c.name}")
    con.execute(f"CREATE VIEW {table}_t AS SELECT _row, {', '.join(keep)} FROM {table}_k")


def _count_repairs(con, table: str, cols: list[Col], log: list) -> None:
    """Counted repairs (separators, trailing .0) and values set to NA, over the rows that stay."""
    nums = [c for c in cols if c.kind in ("int", "float")]
    if not nums:
        return
    exprs = []
    for c in nums:
        exprs += [f"sum((_k_{c.name} = {K['sep']})::INT)", f"sum((_k_{c.name} = {K['dot0']})::INT)"]
        if c.bad == "null":
            exprs.append(f"sum(({_bad_sql(c)[0]} AND _k_{c.name} <> {K['empty']})::INT)")
    r = iter(con.execute(f"SELECT {', '.join(exprs)} FROM {table}_k").fetchone())
    for c in nums:
        log_row(log, table, f"{c.name} {KIND_LABELS['sep']}", next(r), "repaired")
        log_row(log, table, f"{c.name} {KIND_LABELS['dot0']}", next(r), "repaired")
        if c.bad == "null":
            log_row(log, table, f"{c.name} 숫자 아님/음수/모호한 형식 → 결측(NA)", next(r), "repaired")


def dedupe(con, table: str, key: list[str], cols: list[str], log: list) -> None:
    """Keep the first row in the file of every key; count the others as exact duplicates (the same values as an
    earlier row of the key) or conflicting duplicates (same key, other values).

    Repeated keys are found with one hash aggregate; only their rows are ranked (the table is rewritten only
    when there is something to drop).
    """
    k, h = ", ".join(key), f"hash({', '.join(cols)})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_dk AS SELECT {k} FROM {table}_t GROUP BY ALL "
                "HAVING count(*) > 1")
    extra = exact = 0
    if con.execute(f"SELECT count(*) FROM {table}_dk").fetchone()[0]:
        same = " AND ".join(f"b.{c} IS NOT DISTINCT FROM a.{c}" for c in key)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {table}_r AS SELECT _row, {k}, {h} AS _h,
            row_number() OVER (PARTITION BY {k} ORDER BY _row) AS _rk
            FROM {table}_t SEMI JOIN {table}_dk USING ({k})""")
        extra, exact = con.execute(f"""SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {table}_r b
            WHERE b._h = a._h AND b._rk < a._rk AND {same})) FROM {table}_r a WHERE a._rk > 1""").fetchone()
        con.execute(f"DELETE FROM {table}_k WHERE _row IN (SELECT _row FROM {table}_r WHERE _rk > 1)")
        con.execute(f"DROP TABLE {table}_r")
    con.execute(f"DROP TABLE {table}_dk")
    log_row(log, table, "완전히 같은 중복 행 — 파일에서 첫 행만 유지", exact, "dropped")
    log_row(log, table, f"중복 키({k})에 다른 값 — 파일에서 첫 행 유지, 나머지 제외", extra - exact, "dropped")


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
