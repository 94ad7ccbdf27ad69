"""Apache Spark as the engine of the shared SQL (:mod:`helpers.data.queries`): for data beyond one machine.

pyspark is an optional extra (``pip install -e '.[spark]'``, needs Java 17+) and is imported only here, only
when ``engine='spark'`` is chosen. The session:

* ``master=None``: ``local[*]`` (this machine; tests and the benchmark). ``spark://host:7077``, ``yarn``,
  ``k8s://...``: an existing cluster (``spark-submit``-style master URL). ``sc://host:15002``: Spark Connect
  (``SparkSession.builder.remote``), where no JVM runs on this machine.
* One Spark session per process (the JVM starts once, 10-60 s); every :class:`SparkBackend` is a child session
  (``newSession``) with its own temporary views, so two backends never see each other's relation names.
* ANSI mode on (a failing ``CAST`` throws: the shared SQL uses ``TRY_CAST``), session time zone UTC (dates
  and timestamps are wall-clock values, never shifted), UI off, ``SPARK_LOCAL_IP=127.0.0.1`` unless set,
  few shuffle partitions in local mode (Spark's default 200 makes small data slow).

Results come back through Arrow and are converted like DuckDB's ``.df()`` (DATE/TIMESTAMP → ``datetime64[us]``,
integers with NULLs → nullable ``Int64``, DECIMAL → float), so a chapter sees the same frame on both engines.
"""
from __future__ import annotations

import os
import secrets
import shutil
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.common.errors import DataError

_LOCK = threading.Lock()
_ROOT = {}  # master -> the process's root SparkSession (one JVM per process)


def _lit(text: str) -> str:
    """A Spark SQL string literal (backslashes are escapes in Spark's default parser)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class SparkDialect:
    """Spark SQL spellings of the :class:`~helpers.data.backends.base.Dialect` hooks."""

    name = "spark"

    def full_match(self, expr: str, pattern: str) -> str:
        return f"coalesce(({expr}) RLIKE {_lit('^(?:' + pattern + ')$')}, false)"

    def yyyymmdd(self, expr: str) -> str:
        # try_to_date is lenient about the length (``2018041``): only 8 digits may reach it
        return f"CASE WHEN ({expr}) RLIKE '^[0-9]{{8}}$' THEN try_to_date({expr}, 'yyyyMMdd') END"

    def row_hash(self, exprs: list[str]) -> str:
        return f"xxhash64({', '.join(exprs)})"

    def days_between(self, start: str, end: str) -> str:
        return f"datediff({end}, {start})"

    def date_series(self, start: str, end: str) -> str:
        return f"SELECT explode(sequence(DATE '{start}', DATE '{end}', INTERVAL 1 DAY)) AS date"


def _conf(master: str, shuffle_partitions: int | None, driver_memory: str | None, options: dict) -> dict:
    local = master.startswith("local")
    conf = {"spark.ui.enabled": "false", "spark.sql.ansi.enabled": "true", "spark.sql.session.timeZone": "UTC",
            "spark.ui.showConsoleProgress": "false", "spark.sql.adaptive.enabled": "true",
            "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"}  # not legacy INT96 (nanoseconds)
    if local:
        conf["spark.sql.shuffle.partitions"] = str(shuffle_partitions or max(2, 2 * (os.cpu_count() or 1)))
        conf["spark.driver.memory"] = driver_memory or "4g"
    elif shuffle_partitions:
        conf["spark.sql.shuffle.partitions"] = str(shuffle_partitions)
    conf.update({k if k.startswith("spark.") else f"spark.{k}": str(v) for k, v in options.items()})
    return conf


def root_session(master: str | None = None, *, shuffle_partitions: int | None = None,
                 driver_memory: str | None = None, **options):
    """The process's Spark session for ``master`` (created on first use, then reused)."""
    master = master or os.environ.get("HELPERS_SPARK_MASTER") or "local[*]"
    with _LOCK:
        if master in _ROOT:
            return _ROOT[master]
        try:
            from pyspark.sql import SparkSession  # noqa: PLC0415 - optional extra
        except ImportError:
            raise DataError("engine='spark' needs pyspark: install the extra with `pip install -e '.[spark]'` "
                            "(or `make report ENGINE=spark`), and Java 17 or newer.") from None
        conf = _conf(master, shuffle_partitions, driver_memory, options)
        if master.startswith("sc://"):
            builder = SparkSession.builder.remote(master)
            conf = {k: v for k, v in conf.items() if k.startswith("spark.sql.")}  # server owns the rest
        else:
            if master.startswith("local"):
                os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            builder = SparkSession.builder.master(master).appName("lpoint-report")
        for key, value in conf.items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # noqa: BLE001 - no Java, no cluster: say what to fix
            raise DataError(f"Spark session for master '{master}' could not start ({type(exc).__name__}: "
                            f"{str(exc)[:300]}). Local mode needs Java 17+ (`java -version`); a cluster needs "
                            "its master URL reachable from this machine.") from None
        if not master.startswith("sc://"):
            session.sparkContext.setLogLevel("ERROR")
        _ROOT[master] = session
        return session


def _plain_type(t: pa.DataType) -> pa.DataType:
    if pa.types.is_timestamp(t):
        return pa.timestamp("us")             # UTC wall clock (session time zone UTC) → naive, as in DuckDB
    if pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_decimal(t):
        return pa.float64()
    return t


def plain_arrow(table: pa.Table) -> pa.Table:
    """Spark's Arrow result with DuckDB's conventions: naive timestamps, ``string``, floats for decimals,
    every field nullable and no Spark metadata (so written Parquet does not depend on the engine)."""
    fields = [pa.field(f.name, _plain_type(f.type), nullable=True) for f in table.schema]
    cols = [c.cast(f.type) if c.type != f.type else c for c, f in zip(table.columns, fields)]
    return pa.Table.from_arrays(cols, schema=pa.schema(fields))


def _rewrite_plain(src: Path, dest: Path, batch_rows: int = 1 << 16) -> None:
    """Copy Spark's Parquet file batch by batch with DuckDB's conventions (:func:`plain_arrow`: naive timestamps,
    plain strings, no Spark metadata): memory stays one batch, whatever the table's size."""
    reader = pq.ParquetFile(src)
    schema = pa.schema([pa.field(f.name, _plain_type(f.type), nullable=True) for f in reader.schema_arrow])
    with pq.ParquetWriter(dest, schema, compression="zstd") as writer:
        for batch in reader.iter_batches(batch_size=batch_rows):
            writer.write_table(plain_arrow(pa.Table.from_batches([batch])))


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → pandas like DuckDB's ``.df()``: dates as ``datetime64[us]``, integers with NULLs nullable."""
    out = {}
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        if pa.types.is_date(t) or pa.types.is_timestamp(t):
            out[name] = col.cast(pa.timestamp("us")).to_pandas().astype("datetime64[us]")
        elif pa.types.is_integer(t) and col.null_count:
            out[name] = col.to_pandas(types_mapper=pd.ArrowDtype).astype(f"Int{t.bit_width}")
        else:
            out[name] = col.to_pandas()
    return pd.DataFrame(out, index=pd.RangeIndex(table.num_rows))


class SparkBackend:
    """The :class:`~helpers.data.backends.base.Backend` protocol on a Spark session (see the module doc).

    Parameters
    ----------
    master : str, optional
        ``local[*]`` when empty (or ``$HELPERS_SPARK_MASTER``); a cluster master URL or ``sc://`` for Connect.
    shuffle_partitions : int, optional
        ``spark.sql.shuffle.partitions`` (local default: 2 × cores; cluster default: Spark's).
    collect_writes : bool, optional
        Write Parquet through the driver (Arrow, one file, same writer as DuckDB's data products). Default False:
        Spark's writer streams one part file (``coalesce(1)``) to a path the executors reach — collecting the
        5 M-line window table through a 4 GB driver ran out of Java heap at full scale (make bench, 2026-12-02).
    options : dict
        Further Spark settings (``executor_memory="8g"`` → ``spark.executor_memory``; full keys allowed).
    """

    name = "spark"

    def __init__(self, master: str | None = None, *, shuffle_partitions: int | None = None,
                 collect_writes: bool | None = None, threads: int | None = None, memory_limit: str | None = None,
                 **options):
        root = root_session(master, shuffle_partitions=shuffle_partitions, driver_memory=memory_limit, **options)
        self.master = master or os.environ.get("HELPERS_SPARK_MASTER") or "local[*]"
        self.spark = root.newSession() if hasattr(root, "newSession") else root
        self.dialect = SparkDialect()
        self.collect_writes = bool(collect_writes)
        self._held: dict[str, object] = {}
        self.rejects: dict[str, pd.DataFrame] = {}

    # -- relations ------------------------------------------------------------------------------------
    def read_csv_text(self, name: str, path: Path, columns: list[str]) -> None:
        """``name``: ``_row`` (file order) and the file's columns ``columns`` as text; malformed records apart.

        ``multiLine`` keeps one file in one partition, so ``monotonically_increasing_id`` numbers the records
        0, 1, 2, ... in file order. Records with too many or too few fields go to ``<name>_rejects``
        (``backend.rejects[name]``: ``_row, text``) instead of being shifted into other columns.
        """
        from pyspark.sql import functions as F  # noqa: PLC0415
        from pyspark.sql import types as T  # noqa: PLC0415
        header = _header(Path(path))
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataError(f"File '{path}' lacks column(s) {', '.join(missing)} (it has {', '.join(header)}).")
        fields = [T.StructField(f"_c{i}", T.StringType()) for i in range(len(header))]
        schema = T.StructType([*fields, T.StructField("_corrupt", T.StringType())])
        df = (self.spark.read.schema(schema)
              .options(header="true", quote='"', escape='"', multiLine="true", mode="PERMISSIVE", encoding="UTF-8",
                       columnNameOfCorruptRecord="_corrupt", nullValue="", emptyValue="")
              .csv(str(path)).withColumn("_row", F.monotonically_increasing_id()))
        df = df.persist()
        self._held[name] = df
        pick = [F.col(f"_c{header.index(c)}").alias(c) for c in columns]
        df.where(F.col("_corrupt").isNull()).select("_row", *pick).createOrReplaceTempView(name)
        # the malformed records now, while the cached read holds every column (Spark refuses a later scan of
        # the raw file that needs only the corrupt-record column); they are few
        bad = df.where(F.col("_corrupt").isNotNull()).select("_row", F.col("_corrupt").alias("text"))
        self.rejects[name] = arrow_to_pandas(plain_arrow(bad.toArrow()))

    def register_parquet(self, name: str, path: Path) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def register_frame(self, name: str, df: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(df, preserve_index=False)
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def materialise(self, name: str, sql: str) -> None:
        df = self.spark.sql(sql).persist()
        df.count()
        old = self._held.pop(name, None)
        df.createOrReplaceTempView(name)
        self._held[name] = df
        if old is not None:
            old.unpersist()

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        held = self._held.pop(name, None)
        if held is not None:
            held.unpersist()

    # -- results --------------------------------------------------------------------------------------
    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def arrow(self, sql: str) -> pa.Table:
        return plain_arrow(self.spark.sql(sql).toArrow())

    def fetch(self, sql: str) -> pd.DataFrame:
        return arrow_to_pandas(self.arrow(sql))

    def write_parquet(self, sql: str, path: Path, order_by: str | None = None) -> Path:
        """One Parquet file at ``path`` (zstd), rows ordered by ``order_by``, published by an atomic rename."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        ordered = f"SELECT * FROM ({sql}) _w ORDER BY {order_by}" if order_by else sql
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.parquet")
        try:
            if self.collect_writes:
                pq.write_table(self.arrow(ordered), tmp, compression="zstd")
            else:
                self._write_on_executors(ordered, tmp)
            os.replace(tmp, path)
        finally:
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
        return path

    def _write_on_executors(self, sql: str, tmp: Path) -> None:
        """The executors write one part file (``coalesce(1)`` keeps the sorted order); in local mode the driver's
        JVM is the executor, and nothing is collected into Python."""
        folder = tmp.with_suffix(".dir")
        self.spark.sql(sql).coalesce(1).write.option("compression", "zstd").parquet(str(folder))
        parts = sorted(folder.glob("part-*.parquet"))
        if len(parts) != 1:
            raise DataError(f"Spark wrote {len(parts)} part files to '{folder}' (expected 1): the output path must "
                            "be a folder the driver can read (a shared file system).")
        _rewrite_plain(parts[0], tmp)
        shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        for name in list(self._held):
            self.drop(name)
        for table in self.spark.catalog.listTables():
            if table.isTemporary:
                self.spark.catalog.dropTempView(table.name)


def _header(path: Path) -> list[str]:
    """The first record's column names (BOM and spaces removed; repeated names get ``__2``, ``__3``)."""
    import csv  # noqa: PLC0415
    with open(path, encoding="utf-8-sig", newline="") as fh:
        names = [c.lstrip("\ufeff").strip() for c in next(csv.reader(fh), [])]
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}__{seen[n]}")
    return out


def _reject_rule(text: str, width: int) -> str:
    import csv  # noqa: PLC0415

    from helpers.data import parsing  # noqa: PLC0415
    fields = next(csv.reader([text]), [])
    kind = "TOO MANY COLUMNS" if len(fields) > width else "MISSING COLUMNS"
    return parsing._REJECT_RULES[kind]


def parse_spark(backend: SparkBackend, key: str, source: Path, utf8: Path, scan, work: Path, required):
    """The strict parse on Spark (the ``parse`` hook of ``engine.clean_tables``): registers ``raw_<key>``.

    Mirrors :func:`helpers.data.parsing.open_raw`: the byte scan's set-aside lines (blank, broken quotes) are
    removed first; records with another number of fields than the header are set aside with their line.
    Returns ``finish(parsed) -> parsing.Parsed``, which checks ``raw records = parsed + set aside``.
    """
    from helpers.data import parsing, rawscan  # noqa: PLC0415
    names = parsing.read_header(key, source, utf8, required)
    path = rawscan.without_lines(utf8, scan.set_aside, work / f"{key}.lines.csv") if scan.set_aside else utf8
    backend.read_csv_text(f"raw_{key}", path, names)

    def finish(parsed: int):
        rejected = _spark_rejected(backend, key, source, scan, len(names))
        if scan.records != parsed + len(rejected) - len(scan.set_aside):
            raise DataError(f"File '{source}' (table {key}): Spark read {parsed:,} records and set aside "
                            f"{len(rejected) - len(scan.set_aside):,}, but a quote-aware count finds "
                            f"{scan.records:,}. Check the quotes in the file, or re-export it with every text value "
                            "quoted.")
        return parsing.Parsed(key=key, source=source, scan=scan, parsed=parsed, rejected=rejected)
    return finish


def _spark_rejected(backend: SparkBackend, key: str, source: Path, scan, width: int) -> pd.DataFrame:
    """Every set-aside record: Spark's malformed records (with their physical line) and the byte scan's lines."""
    from helpers.data import parsing, rawscan  # noqa: PLC0415
    rej = backend.rejects[f"raw_{key}"].sort_values("_row")
    lines = rawscan.physical_lines(scan, (rej["_row"] + 2).tolist())  # parser numbering: header = line 1
    parser = pd.DataFrame({"table": key, "file": source.name, "line": lines,
                           "rule": [_reject_rule(t, width) for t in rej["text"]],
                           "text": rej["text"].astype(str).str.slice(0, 500)})
    scanned = pd.DataFrame(
        [(key, source.name, ln, parsing.BLANK_RULE, "") for ln in scan.blank_lines]
        + [(key, source.name, ln, parsing.BROKEN_QUOTE_RULE, "") for ln in scan.broken_quote_lines],
        columns=list(parsing.REJECTED_COLUMNS))
    out = pd.concat([parser, scanned], ignore_index=True) if len(scanned) else parser
    out["line"] = out["line"].astype("int64")
    return out.sort_values("line", kind="stable").reset_index(drop=True)
