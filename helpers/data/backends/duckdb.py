"""DuckDB, the embedded default engine of the shared SQL (:mod:`helpers.data.queries`): nothing to install.

One :class:`DuckDBBackend` is one in-memory DuckDB connection (``backend.con``; the strict CSV parse of
:mod:`helpers.data.parsing` uses it directly). ``memory_limit`` caps DuckDB's own memory: beyond it, tables and
intermediate results spill to ``temp_directory`` instead of growing the process. Insertion order is not
preserved (faster, less memory) except while a CSV is read into a table whose ``rowid`` is the file order and
while Parquet is written (the ``ORDER BY`` of the written query decides the row order, hence the bytes).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import duckdb
import pandas as pd


def _q(text: str | Path) -> str:
    """A DuckDB string literal."""
    return "'" + str(text).replace("'", "''") + "'"


class DuckDBDialect:
    """DuckDB spellings of the :class:`~helpers.data.backends.base.Dialect` hooks."""

    name = "duckdb"

    def full_match(self, expr: str, pattern: str) -> str:
        return f"coalesce(regexp_full_match({expr}, {_q(pattern)}), false)"

    def yyyymmdd(self, expr: str) -> str:
        # only an 8-digit text is a date (as in the Spark hook): no lenient reading of other lengths
        return (f"CASE WHEN regexp_full_match({expr}, '[0-9]{{8}}') "
                f"THEN CAST(TRY_STRPTIME({expr}, '%Y%m%d') AS DATE) END")

    def row_hash(self, exprs: list[str]) -> str:
        return f"hash({', '.join(exprs)})"

    def days_between(self, start: str, end: str) -> str:
        return f"date_diff('day', {start}, {end})"

    def date_series(self, start: str, end: str) -> str:
        return (f"SELECT CAST(range AS DATE) AS date FROM range(DATE '{start}', DATE '{end}' + INTERVAL 1 DAY, "
                "INTERVAL 1 DAY)")


class DuckDBBackend:
    """The :class:`~helpers.data.backends.base.Backend` protocol on one in-memory DuckDB connection.

    Parameters
    ----------
    threads : int, optional
        DuckDB worker threads (default: DuckDB's, one per core).
    memory_limit : str, optional
        DuckDB's memory cap, e.g. ``"2GB"`` (default: DuckDB's, 80 % of RAM); past it DuckDB spills to disk.
    temp_directory : str or Path, optional
        Where DuckDB spills (default: DuckDB's ``.tmp`` beside the process); the caller removes it.
    """

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None,
                 temp_directory: str | Path | None = None, **_options):
        self.con = duckdb.connect(":memory:")
        self.dialect = DuckDBDialect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_q(memory_limit)}")
        if temp_directory:
            self.con.execute(f"SET temp_directory = {_q(temp_directory)}")
        self.con.execute("SET preserve_insertion_order = false")

    # -- relations ------------------------------------------------------------------------------------
    def read_csv_text(self, name: str, path: Path, columns: list[str]) -> None:
        """``name``: ``columns`` as text plus ``_row`` (file order). A lenient read (DuckDB's dialect detection
        off, comma and double quote); the data layer's strict read with rejects is :func:`parsing.load_raw`."""
        cols = ", ".join(columns)
        self.drop(name)
        self.con.execute("SET preserve_insertion_order = true")
        try:
            self.con.execute(f"""CREATE TEMP TABLE {name}_csv AS SELECT {cols}
                FROM read_csv({_q(path)}, all_varchar = true, header = true, delim = ',', quote = '"',
                              escape = '"')""")
        finally:
            self.con.execute("SET preserve_insertion_order = false")
        self.con.execute(f"CREATE TEMP VIEW {name} AS SELECT rowid AS _row, {cols} FROM {name}_csv")

    def register_parquet(self, name: str, path: Path) -> None:
        self.view(name, f"SELECT * FROM read_parquet({_q(path)})")

    def register_frame(self, name: str, df: pd.DataFrame) -> None:
        self.con.register(f"_frame_{name}", df)
        try:
            self.materialise(name, f"SELECT * FROM _frame_{name}")
        finally:
            self.con.unregister(f"_frame_{name}")

    def materialise(self, name: str, sql: str) -> None:
        self.drop(name)
        self.con.execute(f"CREATE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.drop(name)
        self.con.execute(f"CREATE TEMP VIEW {name} AS {sql}")

    def drop(self, name: str) -> None:
        """Drop the view or table ``name`` (a view ``x`` over a CSV's table ``x_csv`` takes that with it)."""
        kinds = self.con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                 "WHERE table_name IN (?, ?)", [name, f"{name}_csv"]).fetchall()
        for table, kind in kinds:
            self.con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {table}")

    # -- results --------------------------------------------------------------------------------------
    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def fetch(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def write_parquet(self, sql: str, path: Path, order_by: str | None = None) -> Path:
        """One Parquet file (zstd) at ``path``, rows in the order of ``order_by`` (or of ``sql``'s ORDER BY),
        written to a unique temporary name and renamed (concurrent writers never share a file)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.parquet")
        ordered = f"SELECT * FROM ({sql}) _w ORDER BY {order_by}" if order_by else sql
        self.con.execute("SET preserve_insertion_order = true")
        try:
            self.con.execute(f"COPY ({ordered}) TO {_q(tmp)} (FORMAT parquet, COMPRESSION zstd)")
            os.replace(tmp, path)
        finally:
            self.con.execute("SET preserve_insertion_order = false")
            tmp.unlink(missing_ok=True)
        return path

    def close(self) -> None:
        self.con.close()
