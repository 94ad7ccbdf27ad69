"""Strict CSV parsing with row accounting: every raw record is parsed or set aside with its line and rule.

DuckDB reads each table (once, lazily: the typed cleaning step is the read) with the dialect fixed (comma, double quote, header row, every column text) and
``strict_mode``: a row with too many or too few fields, or a quote that breaks the row, is *set aside*
(``store_rejects``) instead of being shifted into other columns. The file's records are also counted without
the parser (:mod:`helpers.data.rawscan`), and ``raw records = parsed + set aside`` is checked per table; a
difference is an error naming the file, never a silent loss.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from helpers.common import config
from helpers.common.errors import DataError
from helpers.data import rawscan

#: Rejected lines kept per table as the ``rejected_lines`` data product (the counts cover all of them).
REJECTED_SAMPLE = 200
REJECTED_COLUMNS = ("table", "file", "line", "rule", "text")
_REJECT_RULES = {
    "TOO MANY COLUMNS": "필드가 너무 많음(따옴표 없는 쉼표?)",
    "MISSING COLUMNS": "필드가 모자람",
    "UNQUOTED VALUE": "따옴표가 값을 깨뜨림",
    "LINE SIZE OVER MAXIMUM": "줄이 너무 긺(닫히지 않은 따옴표?)",
    "INVALID UNICODE": "인코딩이 깨진 줄",
}
#: Physical-line problems found by the byte scan (rule text for the log and ``rejected_lines``).
BLANK_RULE = "빈 줄"
BROKEN_QUOTE_RULE = f"닫히지 않은 따옴표({rawscan.MAX_RECORD_LINES}줄 안에 닫히지 않음)"


@dataclass
class Parsed:
    """One table read into the relation ``raw_<key>`` (text columns and ``_row``, the record's order in the file)."""

    key: str
    source: Path               # the user's file (named in messages)
    scan: rawscan.RawScan
    parsed: int
    rejected: pd.DataFrame     # REJECTED_COLUMNS, every set-aside record (also blank / broken-quote lines)


def _label(key: str, source: Path) -> str:
    return f"File '{source}' (table {config.TABLES[key][0]} {key})"


def read_header(key: str, source: Path, utf8: Path, required: tuple[str, ...]) -> list[str]:
    """Column names of the first record (BOM, blanks and quotes removed); missing columns are an error."""
    with open(utf8, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise DataError(f"{_label(key, source)} is empty (no header row): restore the file; it needs the columns "
                        f"{', '.join(required)}.")
    names = [c.lstrip("\ufeff").strip() for c in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise DataError(f"{_label(key, source)} lacks column(s) {', '.join(missing)} in its header (line 1); it "
                        f"has {', '.join(names)}. Fix the header or the file.")
    return names


def _columns_sql(names: list[str]) -> str:
    seen: dict[str, int] = {}
    parts = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        name = n if seen[n] == 1 else f"{n}__{seen[n]}"
        parts.append("'" + name.replace("'", "''") + "': 'VARCHAR'")
    return "{" + ", ".join(parts) + "}"


def _q(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def open_raw(con: duckdb.DuckDBPyConnection, key: str, source: Path, utf8: Path, scan: rawscan.RawScan,
             work: Path, required: tuple[str, ...]):
    """Register ``raw_<key>``: a lazy strict read of one UTF-8 CSV (every column text, ``_row`` = the record's
    order in the file). The file is parsed once, by the step that reads ``raw_<key>`` (the typed step);
    then call the returned ``finish(parsed)`` with the number of records read: it checks raw records = parsed
    + set aside and returns the :class:`Parsed` (with the set-aside lines)."""
    names = read_header(key, source, utf8, required)
    path = utf8
    if scan.set_aside:
        path = rawscan.without_lines(utf8, scan.set_aside, work / f"{key}.lines.csv")
    # row_number() OVER () runs as a streaming window in scan order (insertion order kept until finish): the file
    # order, as the rowid of a table read from the file would be
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW raw_{key} AS SELECT row_number() OVER () - 1 AS _row, *
        FROM read_csv({_q(path)}, header=true, columns={_columns_sql(names)}, auto_detect=false, delim=',',
        quote='"', escape='"', strict_mode=true, null_padding=false, ignore_errors=true, store_rejects=true,
        rejects_table='rej_{key}', rejects_scan='rejscan_{key}', max_line_size=4194304)""")

    def finish(parsed: int) -> Parsed:
        con.execute("SET preserve_insertion_order = false")
        return _checked(con, key, source, scan, parsed)
    return finish


def load_raw(con: duckdb.DuckDBPyConnection, key: str, source: Path, utf8: Path, scan: rawscan.RawScan,
             work: Path, required: tuple[str, ...]) -> Parsed:
    """Parse one UTF-8 CSV strictly into the table ``raw_<key>`` now (text columns and ``_row``); check raw
    records = parsed + set aside. (The data layer reads lazily instead: :func:`open_raw`.)"""
    finish = open_raw(con, key, source, utf8, scan, work, required)
    con.execute(f"CREATE TEMP TABLE raw_{key}_csv AS SELECT * FROM raw_{key}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw_{key} AS SELECT * FROM raw_{key}_csv")
    return finish(con.execute(f"SELECT count(*) FROM raw_{key}_csv").fetchone()[0])


def _checked(con, key: str, source: Path, scan: rawscan.RawScan, parsed: int) -> Parsed:
    """Raw records = parsed + set aside (parser rejects and the byte scan's lines), else a DataError."""
    rejected = _rejected(con, key, source, scan)
    if scan.records != parsed + len(rejected) - len(scan.set_aside):
        first = (f" (first suspicious line: {scan.continuation_lines[0] - 1})" if scan.continuation_lines else "")
        raise DataError(f"{_label(key, source)}: the CSV parser read {parsed:,} records and set aside "
                        f"{len(rejected) - len(scan.set_aside):,}, but a quote-aware count finds "
                        f"{scan.records:,} records{first}. The quoting is inconsistent: check quotes around "
                        "that line, or re-export the file with every text value quoted.")
    return Parsed(key=key, source=source, scan=scan, parsed=parsed, rejected=rejected)


def _rejected(con, key: str, source: Path, scan: rawscan.RawScan) -> pd.DataFrame:
    """Every set-aside record: the parser's rejects (one per record) and the byte scan's lines."""
    rej = con.execute(f"""SELECT line, arg_min(error_type, error_type) AS error_type,
        arg_min(csv_line, error_type) AS text FROM rej_{key} GROUP BY line ORDER BY line""").df()
    lines = rawscan.physical_lines(scan, rej["line"].tolist())
    parser = pd.DataFrame({"table": key, "file": source.name, "line": lines,
                           "rule": [_REJECT_RULES.get(str(e), str(e)) for e in rej["error_type"]],
                           "text": rej["text"].astype(str).str.slice(0, 500)})
    scanned = pd.DataFrame(
        [(key, source.name, ln, BLANK_RULE, "") for ln in scan.blank_lines]
        + [(key, source.name, ln, BROKEN_QUOTE_RULE, _line_text(scan.path, ln)) for ln in scan.broken_quote_lines[:50]]
        + [(key, source.name, ln, BROKEN_QUOTE_RULE, "") for ln in scan.broken_quote_lines[50:]],
        columns=list(REJECTED_COLUMNS))
    out = pd.concat([parser, scanned], ignore_index=True) if len(scanned) else parser
    out["line"] = out["line"].astype("int64")
    return out.sort_values("line", kind="stable").reset_index(drop=True)


def _line_text(path: Path, line: int) -> str:
    with open(path, "rb") as fh:
        for i, text in enumerate(fh, 1):
            if i == line:
                return text.decode("utf-8", "replace").rstrip("\r\n")[:500]
    return ""


def reject_log(parsed: Parsed) -> list[dict]:
    """Cleaning-log rows (one per rule) for the records set aside while parsing."""
    if parsed.rejected.empty:
        return [{"table": parsed.key, "rule": "구조가 깨진 줄(필드 수·따옴표) → 따로 보관(rejected_lines)", "rows": 0,
                 "action": "dropped"}]
    counts = parsed.rejected.groupby("rule", sort=True).size()
    return [{"table": parsed.key, "rule": f"{rule} → 따로 보관(rejected_lines)", "rows": int(n), "action": "dropped"}
            for rule, n in counts.items()]


def rejected_sample(parsed: list[Parsed]) -> pd.DataFrame:
    """The first :data:`REJECTED_SAMPLE` set-aside lines of every table (the ``rejected_lines`` product)."""
    frames = [p.rejected.head(REJECTED_SAMPLE) for p in parsed if not p.rejected.empty]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else "object") for c in REJECTED_COLUMNS})
    return pd.concat(frames, ignore_index=True)
