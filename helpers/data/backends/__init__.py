"""Engines that run the shared SQL of :mod:`helpers.data.queries`: DuckDB (embedded default) and Spark (scale).

:func:`get_backend` is the one place an engine is chosen (``engine`` parameter, ``--engine`` option or the
``HELPERS_ENGINE`` environment variable). Spark is imported only when asked for.
"""
from __future__ import annotations

import os

from helpers.common.errors import DataError
from helpers.data.backends.base import Backend, Dialect

ENGINES = ("duckdb", "spark")
ENGINE_ENV = "HELPERS_ENGINE"

__all__ = ["Backend", "Dialect", "ENGINES", "ENGINE_ENV", "engine_name", "get_backend"]


def engine_name(engine: str | None = None) -> str:
    """The engine to use: ``engine`` if given, else ``$HELPERS_ENGINE``, else DuckDB."""
    name = (engine or os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if name not in ENGINES:
        raise DataError(f"engine='{name}' is unknown: use one of {', '.join(ENGINES)} (parameter engine, option "
                        f"--engine or the environment variable {ENGINE_ENV}).")
    return name


def get_backend(engine: str | None = None, **options) -> Backend:
    """A fresh backend of the chosen engine (``options``: threads, memory_limit, master, ...)."""
    name = engine_name(engine)
    if name == "spark":
        from helpers.data.backends.spark import SparkBackend  # noqa: PLC0415 - pyspark is an optional extra
        return SparkBackend(**options)
    from helpers.data.backends.duckdb import DuckDBBackend  # noqa: PLC0415
    return DuckDBBackend(**options)
