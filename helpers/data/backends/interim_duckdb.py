"""A minimal DuckDB backend for the window views, used only until ``helpers/data/backends/duckdb.py`` exists.

The cleaning helper's branch adds the real :class:`DuckDBBackend` (``backends/duckdb.py``); when it is merged,
:func:`helpers.data.loader.open_backend` finds it and this module is no longer imported (delete it then).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import duckdb
import pandas as pd


def _q(text: str | Path) -> str:
    return "'" + str(text).replace("'", "''") + "'"


class DuckDBDialect:
    name = "duckdb"

    def full_match(self, expr: str, pattern: str) -> str:
        return f"coalesce(regexp_full_match({expr}, {_q(pattern)}), false)"

    def yyyymmdd(self, expr: str) -> str:
        return f"CASE WHEN regexp_full_match({expr}, '[0-9]{{8}}') THEN TRY_CAST(try_strptime({expr}, '%Y%m%d') AS DATE) END"

    def row_hash(self, exprs: list[str]) -> str:
        return f"hash({', '.join(exprs)})"

    def days_between(self, start: str, end: str) -> str:
        return f"date_diff('day', {start}, {end})"

    def date_series(self, start: str, end: str) -> str:
        return f"SELECT CAST(range AS DATE) AS date FROM range(DATE '{start}', DATE '{end}' + INTERVAL 1 DAY, INTERVAL 1 DAY)"


class InterimDuckDBBackend:
    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None, **_):
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.dialect = DuckDBDialect()

    def read_csv_text(self, name: str, path: Path, columns: list[str]) -> None:
        self.con.execute("SET preserve_insertion_order = true")
        cols = ", ".join(f'"{c}"' for c in columns)
        self.con.execute(f"""CREATE OR REPLACE TABLE {name} AS SELECT row_number() OVER () - 1 AS _row, {cols}
            FROM read_csv({_q(path)}, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
                          parallel = false)""")

    def register_parquet(self, name: str, path: Path) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({_q(path)})")

    def register_frame(self, name: str, df: pd.DataFrame) -> None:
        self.con.register(f"_frame_{name}", df)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame_{name}")
        self.con.unregister(f"_frame_{name}")

    def materialise(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP VIEW IF EXISTS {name}")
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def fetch(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def write_parquet(self, sql: str, path: Path, order_by: str | None = None) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.parquet")
        ordered = f"SELECT * FROM ({sql}) _w ORDER BY {order_by}" if order_by else sql
        try:
            self.con.execute(f"COPY ({ordered}) TO {_q(tmp)} (FORMAT parquet, COMPRESSION zstd)")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def close(self) -> None:
        self.con.close()
