"""The cleaning as shared SQL (helpers/data/queries/cleaning.py) through the backend interface.

Checks: the queries use no DuckDB-only spelling (a neutral dialect stands in for the engine); kinds, the
first-row-wins dedupe and its exact/conflict split on hand-made rows; and the whole chain run from plain
``raw_<key>`` relations (what another engine registers) gives the tables the data layer writes.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.data import cleaning, engine, loader, synthetic
from helpers.data.backends.duckdb import DuckDBBackend
from helpers.data.queries import cleaning as q


class NeutralDialect:
    """Spellings no engine has, so that a query leaning on DuckDB (or Spark) directly shows up."""

    name = "neutral"

    def full_match(self, expr, pattern):
        return f"FULL_MATCH({expr}, '{pattern}')"

    def yyyymmdd(self, expr):
        return f"YYYYMMDD({expr})"

    def row_hash(self, exprs):
        return f"ROW_HASH({', '.join(exprs)})"

    def days_between(self, start, end):
        return f"DAYS_BETWEEN({start}, {end})"

    def date_series(self, start, end):
        return f"SELECT DATE_SERIES('{start}', '{end}') AS date"


FORBIDDEN = [r"\bQUALIFY\b", r"\bEXCLUDE\b", r"\bREPLACE\s*\(", r"\bDELETE\b", r"\bUPDATE\b", r"\bALTER\b",
             r"::", r"TRY_STRPTIME", r"regexp_full_match", r"\bhash\(", r"UTINYINT", r"\browid\b", r"DISTINCT ON",
             r"\bstrpos\b", r"\brange\(", r"OVER \(\)", r'"']


def _all_queries() -> list[str]:
    d = NeutralDialect()
    out = []
    for key, cols in engine.TYPED.items():
        out += [q.typed_sql(d, cols, f"raw_{key}"), q.typed_counts_sql(cols, f"{key}_k", {"x": "true"}),
                q.kept_sql(cols, f"{key}_k"), q.repeated_keys_sql(d, f"{key}_t", engine.KEYS[key]),
                q.duplicate_rows_sql(d, f"{key}_t", engine.KEYS[key], engine.columns(key), f"{key}_dk"),
                q.duplicate_counts_sql(f"{key}_dup"), q.without_rows_sql(f"{key}_t", f"{key}_dup"),
                q.output_sql(key, engine.columns(key))]
    out += [q.master_counts_sql("m"), q.master_sql("m"), q.custom_counts_sql("c"), q.custom_sql("c"),
            q.session_counts_sql("s"), q.session_sql("s"), q.price_reference_sql("p", "m"),
            q.product_sql("p", "r"), q.product_counts_sql("p", "r", "s")]
    return out


def test_cleaning_queries_use_only_the_shared_subset():
    for sql in _all_queries():
        # the replace() of separators is the portable string function, not DuckDB's * REPLACE
        text = sql.replace("replace(trim(", "strip_sep(trim(")
        bad = [p for p in FORBIDDEN if re.search(p, text, re.I)]
        assert not bad, (bad, sql[:300])
        assert sql.lstrip().upper().startswith(("SELECT", "WITH")), sql[:80]


@pytest.fixture()
def duck():
    be = DuckDBBackend(threads=1)
    yield be
    be.close()


def test_kinds_of_number_texts(duck):
    texts = {"39000": "ok", "0555562": "ok", "39,000": "sep", "1,440": "sep", "2.0": "dot0", "13.200": "dotk",
             "1.5": "frac", "3.9e4": "frac", "0x10": "hex", "inf": "nonfinite", "NaN": "nonfinite",
             "n/a": "text", "39,00": "text", "": "empty"}
    duck.register_frame("v", pd.DataFrame({"t": list(texts)}))
    got = duck.rows(f"SELECT t, {q.kind_sql(duck.dialect, 't')} FROM v")
    assert {t: q.KINDS[k] for t, k in got} == texts


def test_dates_impossible_and_other_formats(duck):
    texts = {"20180531": "ok", "20180231": "impossible", "2018-05-31": "format", "05/31/2018": "format",
             "2018053": "format", "": "empty"}
    duck.register_frame("v", pd.DataFrame({"t": list(texts)}))
    got = duck.rows(f"SELECT t, {q.date_kind_sql(duck.dialect, 't')}, {duck.dialect.yyyymmdd('t')} FROM v")
    assert {t: q.KINDS[k] for t, k, _ in got} == texts
    assert {t: str(v) for t, _, v in got}["20180531"] == "2018-05-31"


def test_dedupe_keeps_the_first_row_in_the_file_and_splits_exact_from_conflicting(duck):
    # key 1: rows 5 (first), 7 (exact copy of 5), 9 (other value); key 2 once; key 3: rows 2 (first), 4 (copy)
    rows = pd.DataFrame({"_row": [9, 5, 2, 7, 3, 4], "K": [1, 1, 3, 1, 2, 3], "V": ["b", "a", "x", "a", "y", "x"]})
    duck.register_frame("t_t", rows)
    log: list = []
    kept = cleaning.dedupe(duck, "t", ["K"], ["K", "V"], log, "t_t")
    assert duck.rows(f"SELECT _row FROM {kept} ORDER BY _row") == [(2,), (3,), (5,)]
    assert [r["rows"] for r in log] == [2, 1]  # exact: rows 7 and 4; conflicting: row 9
    assert "완전히 같은" in log[0]["rule"] and "중복 키(K)" in log[1]["rule"]


def test_the_chain_from_plain_raw_relations_gives_the_written_tables(duck, tmp_path):
    """What another engine does: register raw_<key> (text + _row) and run clean_raw_tables."""
    folder = tmp_path / "tiny"
    synthetic.generate(folder, scale="tiny", seed=7, dirty=False)  # well-formed CSV: no line is set aside
    paths, log, _ = loader.prepare(folder, cache_dir=tmp_path / "cache", progress=lambda *_: None)
    files = loader.find_tables(folder)
    for key, path in files.items():
        duck.read_csv_text(f"raw_{key}", path, list(engine.RAW_COLUMNS[key]))
    chain_log: list = []
    rels = engine.clean_raw_tables(duck, chain_log)
    for key, rel in rels.items():
        got = duck.write_parquet(q.output_sql(rel, engine.columns(key)), tmp_path / "chain" / f"{key}.parquet")
        assert got.read_bytes() == paths[key].read_bytes(), key
    assert len(duck.fetch(q.output_sql("product", engine.columns("product")))) > 1000
    clean_rules = log[~log["rule"].str.contains("rejected_lines")]
    assert [(r["table"], r["rule"], r["rows"]) for r in chain_log] == \
        list(zip(clean_rules["table"], clean_rules["rule"], clean_rules["rows"]))
