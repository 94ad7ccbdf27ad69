"""The backend interface: the few operations the data layer needs from an engine, and its SQL dialect.

Everything else is SQL text in the shared subset (:mod:`helpers.data.queries`). The :class:`Dialect` holds
the handful of spellings that differ between engines, so that a query is written once with ``d.full_match(...)``
and the like, never twice.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pandas as pd


class Dialect(Protocol):
    """Spellings that differ between DuckDB and Spark SQL (each returns an SQL expression)."""

    name: str

    def full_match(self, expr: str, pattern: str) -> str:
        """True when the whole text ``expr`` matches the regular expression ``pattern`` (RE2/Java subset)."""

    def yyyymmdd(self, expr: str) -> str:
        """The DATE of an 8-digit ``YYYYMMDD`` text, NULL when the date does not exist (``20180231``)."""

    def row_hash(self, exprs: list[str]) -> str:
        """A 64-bit hash of the values (equal values give equal hashes within one engine)."""

    def days_between(self, start: str, end: str) -> str:
        """Whole days from DATE ``start`` to DATE ``end`` (an integer, negative when end < start)."""

    def date_series(self, start: str, end: str) -> str:
        """A ``SELECT`` of one column ``date`` (DATE), every day from ISO ``start`` to ``end`` inclusive."""


class Backend(Protocol):
    """One engine session. Names are relation names visible to later SQL of the same backend."""

    name: str
    dialect: Dialect

    def read_csv_text(self, name: str, path: Path, columns: list[str]) -> None:
        """Register ``name``: every column as text, plus ``_row`` (BIGINT, the record's order in the file)."""

    def register_parquet(self, name: str, path: Path) -> None:
        """Register ``name`` as a view over a Parquet file."""

    def register_frame(self, name: str, df: pd.DataFrame) -> None:
        """Register a pandas frame as relation ``name``."""

    def materialise(self, name: str, sql: str) -> None:
        """Compute ``sql`` once and register the result as ``name`` (a temp table, or a cached view)."""

    def view(self, name: str, sql: str) -> None:
        """Register ``sql`` as the lazy view ``name``."""

    def drop(self, name: str) -> None:
        """Forget relation ``name`` (and free what it holds)."""

    def rows(self, sql: str) -> list[tuple]:
        """The result rows of a small query (counts, log aggregates)."""

    def fetch(self, sql: str) -> pd.DataFrame:
        """The result of ``sql`` as a pandas frame (analysis-size results only)."""

    def write_parquet(self, sql: str, path: Path, order_by: str | None = None) -> Path:
        """Write ``sql`` (ordered by ``order_by``) to one Parquet file at ``path``, atomically."""

    def close(self) -> None:
        """End the session."""
