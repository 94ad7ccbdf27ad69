"""Shared queries: SQL text, defined once, that every engine runs (DuckDB by default, Spark for scale).

Each module here holds the queries of one consumer (a chapter, or the data layer's views). A query is a plain
function returning a ``SELECT`` in the *shared SQL subset* over the window relations that
:meth:`helpers.data.loader.Dataset.query` provides:

============ ======================================================================================
relation     rows
============ ======================================================================================
purchases    window purchase lines, columns of ``Dataset.purchases()`` (docs/ARCHITECTURE.md)
sessions     window purchase sessions with ``SEARCH_CNT`` (``Dataset.sessions()``)
clients      every member and every buyer of the window (``Dataset.clients()``)
customers    the cleaned Custom table (``Dataset.customers()``)
============ ======================================================================================

Rules of the shared subset (both DuckDB and Spark 4 run it as written): ``TRY_CAST`` for every cast that may
fail, ``GROUP BY ALL``, ``SEMI``/``ANTI JOIN ... USING``, ``FULL OUTER JOIN ... USING``, ``median``, ``instr``,
``DATE '2018-01-01'`` literals, ``CAST(x AS STRING)``, window functions with an ``ORDER BY``. Not allowed:
``QUALIFY``, ``DISTINCT ON``, ``* EXCLUDE`` / ``* REPLACE``, ``strpos``, ``TRY_STRPTIME``, ``range()``,
``row_number() OVER ()`` without ``ORDER BY``, ``::`` casts on expressions whose type differs between engines,
DuckDB-only functions (``list``, ``struct``, ``epoch``), DML. Every query ends with an ``ORDER BY`` over a key
that makes the order total, so results are byte-identical on rerun and between engines.

Each module lists ``PARITY_CASES``: ``(function, params)`` pairs the parity test runs through both engines.
"""
