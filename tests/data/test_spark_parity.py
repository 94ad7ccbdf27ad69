"""Parity: every shared query and every window view gives the same frame on DuckDB and on Spark.

Runs over the hand-made raw folder of ``conftest.write_raw_folder`` (every DATA.md quirk). One Spark session
per test run (2 shuffle partitions, UI off); skipped with the reason when Java or pyspark is missing.
Frames are compared exactly after normalising dtypes (integers → int64, floats → float64, dates → datetime64,
text → str), so a value that differs in any digit fails.
"""
from __future__ import annotations

import csv
import importlib
import os
import pkgutil
import shutil
import time

import numpy as np
import pandas as pd
import pytest
from conftest import HEADERS, write_raw_folder

import helpers.data.queries as queries_pkg
from helpers.data.backends import get_backend
from helpers.data.loader import load_dataset

pytestmark = pytest.mark.spark
START, END = "2018-04-01", "2018-09-30"
SPARK_OPTIONS = {"shuffle_partitions": 2}


def _spark_missing() -> str:
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Java is not installed (Spark needs Java 17+: apt-get install openjdk-17-jre-headless)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    return ""


def parity_cases() -> list[tuple[str, object, dict]]:
    """Every ``PARITY_CASES`` entry of every module of :mod:`helpers.data.queries` (found with pkgutil)."""
    cases = []
    for info in sorted(pkgutil.iter_modules(queries_pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{queries_pkg.__name__}.{info.name}")
        for i, (fn, params) in enumerate(getattr(module, "PARITY_CASES", [])):
            cases.append((f"{info.name}.{fn.__name__}[{i}]", fn, dict(params)))
    return cases


CASES = parity_cases()


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """The same raw folder loaded twice, each engine building its own window tables (separate caches)."""
    reason = _spark_missing()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("parity")
    raw = write_raw_folder(root / "raw")
    quiet = {"progress": lambda *_: None}
    duck = load_dataset(raw, START, END, cache_dir=root / "cache_duckdb", engine="duckdb", **quiet)
    t0 = time.time()
    spark = load_dataset(raw, START, END, cache_dir=root / "cache_spark", engine="spark", engine_options=SPARK_OPTIONS,
                         **quiet)
    print(f"[spark] session + window checks: {time.time() - t0:.1f} s")
    yield {"duckdb": duck, "spark": spark, "raw": raw}
    duck.close()
    spark.close()


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Engine-independent dtypes: int64 (float64 when NULLs), float64, datetime64[us], bool, str with None."""
    out = {}
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_bool_dtype(s) and not s.isna().any():
            out[name] = s.astype(bool)
        elif pd.api.types.is_integer_dtype(s) or pd.api.types.is_float_dtype(s):
            out[name] = s.astype("float64") if s.isna().any() or pd.api.types.is_float_dtype(s) else s.astype("int64")
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[name] = pd.to_datetime(s).astype("datetime64[us]")
        else:
            out[name] = s.astype(object).where(s.notna(), None).map(lambda v: v if v is None else str(v))
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


def assert_same(a: pd.DataFrame, b: pd.DataFrame, what: str) -> None:
    a, b = normalise(a), normalise(b)
    assert list(a.columns) == list(b.columns), f"{what}: columns differ {list(a.columns)} vs {list(b.columns)}"
    for col in a.columns:  # int vs float of the same values is a type difference, not a value difference
        if a[col].dtype != b[col].dtype and {a[col].dtype.kind, b[col].dtype.kind} <= {"i", "f"}:
            a[col], b[col] = a[col].astype("float64"), b[col].astype("float64")
    pd.testing.assert_frame_equal(a, b, check_exact=True, obj=what)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_shared_query_parity(engines, case):
    """Each shared query returns the same frame from DuckDB and Spark (Dataset.query on both)."""
    label, fn, params = case
    duck = engines["duckdb"].query(fn, **params)
    spark = engines["spark"].query(fn, **params)
    assert len(duck) == len(spark), f"{label}: {len(duck)} rows on DuckDB, {len(spark)} on Spark"
    assert_same(duck, spark, label)


VIEWS = ["purchases", "sessions", "customers", "clients", "search1", "search2", "daily_revenue", "customer_daily",
         "sessionless_lines"]


@pytest.mark.parametrize("view", VIEWS)
def test_window_view_parity(engines, view):
    duck, spark = getattr(engines["duckdb"], view)(), getattr(engines["spark"], view)()
    assert len(duck) > 0
    assert_same(duck, spark, view)


def test_window_products_and_counts(engines):
    """Keyword counts, the window's row counts and the window log agree; the hand-made data's known numbers."""
    duck, spark = engines["duckdb"], engines["spark"]
    for source in ("search1", "search2"):
        assert_same(duck.keyword_counts(source), spark.keyword_counts(source), f"keyword_counts({source})")
    assert duck.row_counts() == spark.row_counts()
    assert spark.row_counts()["purchase_lines"] == 8  # 13 raw lines: 5 dropped or outside the window
    assert_same(duck.cleaning_log, spark.cleaning_log, "cleaning_log")
    outside = spark.cleaning_log[spark.cleaning_log["rule"].str.contains("구매 행")]
    assert outside["rows"].tolist() == [1]
    assert (duck.data_start, duck.data_end) == (spark.data_start, spark.data_end)


def _date_hooks(*, d) -> str:
    """A query that needs the dialect: each hook once, over the window relations."""
    return f"""WITH days AS ({d.date_series('2018-04-01', '2018-04-03')})
        SELECT days.date, {d.days_between("DATE '2018-04-01'", 'days.date')} AS n,
            {d.yyyymmdd("'20180231'")} AS bad_day, {d.yyyymmdd("'20180402'")} AS good_day,
            {d.yyyymmdd("'2018042'")} AS short_day, {d.full_match("'a1'", '[a-z][0-9]')} AS hit,
            {d.full_match("'xa1'", '[a-z][0-9]')} AS partial, {d.full_match('CAST(NULL AS STRING)', 'a')} AS null_hit
        FROM days ORDER BY days.date"""


def test_dialect_hooks_agree(engines):
    """Dialect hooks: known answers (an impossible date is NULL, full_match is anchored), same on both engines."""
    duck = engines["duckdb"].query(_date_hooks)
    spark = engines["spark"].query(_date_hooks)
    assert duck["n"].tolist() == [0, 1, 2]
    assert duck["bad_day"].isna().all() and duck["short_day"].isna().all()
    assert (duck["good_day"] == pd.Timestamp("2018-04-02")).all()
    assert duck["hit"].all() and not duck["partial"].any() and not duck["null_hit"].any()
    assert_same(duck, spark, "dialect hooks")
    for name in ("duckdb", "spark"):
        b = engines[name].backend
        one, two = b.dialect.row_hash(["1", "'a'"]), b.dialect.row_hash(["2", "'a'"])
        h = b.rows(f"SELECT {one}, {one}, {two}")[0]
        assert h[0] == h[1] != h[2], name


def _file_rows(path) -> list[list]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return [[v if v != "" else None for v in r] for r in rows]


@pytest.mark.parametrize("num", [h[0] for h in HEADERS])
def test_read_csv_text_keeps_file_order_and_text(engines, num):
    """Spark reads every column as text in file order (``_row`` 0, 1, 2, ...): the csv module's answer, and
    the same relation as the DuckDB backend's reader."""
    header = next(h for k, h in HEADERS.items() if k[0] == num)
    path = next(p for p in engines["raw"].iterdir() if f"-{num}." in p.name)
    spark_b = engines["spark"].backend
    spark_b.read_csv_text(f"raw_{num}", path, header)
    got = spark_b.fetch(f"SELECT * FROM raw_{num} ORDER BY _row")
    assert got["_row"].tolist() == list(range(len(got)))
    want = pd.DataFrame(_file_rows(path), columns=header, dtype=object)
    assert_same(got.drop(columns="_row"), want, f"Spark read of {path.name}")
    duck_b = get_backend("duckdb")
    try:
        duck_b.read_csv_text(f"raw_{num}", path, header)
        assert_same(duck_b.fetch(f"SELECT * FROM raw_{num} ORDER BY _row"), got, f"DuckDB vs Spark read {num}")
    finally:
        duck_b.close()


def test_spark_session_settings(engines):
    """ANSI mode on (a failing CAST throws; shared SQL uses TRY_CAST), few shuffle partitions, UTC."""
    spark = engines["spark"].backend.spark
    assert spark.conf.get("spark.sql.ansi.enabled") == "true"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert engines["spark"].backend.rows("SELECT TRY_CAST('x' AS BIGINT)")[0][0] is None
    with pytest.raises(Exception):  # noqa: B017 - ANSI: the plain CAST of a non-number fails
        engines["spark"].backend.rows("SELECT CAST('x' AS BIGINT)")


def test_write_parquet_is_one_ordered_file(engines, tmp_path):
    """Spark writes one Parquet file, ordered, with DuckDB's column types (naive timestamps, string)."""
    import pyarrow.parquet as pq
    b = engines["spark"].backend
    path = b.write_parquet("SELECT CLNT_ID, CAST(SESS_DT AS TIMESTAMP) AS SESS_DT, DVC_CTG_NM FROM session",
                           tmp_path / "s.parquet", order_by="CLNT_ID DESC, SESS_DT")
    assert [p.name for p in tmp_path.iterdir()] == ["s.parquet"]
    table = pq.read_table(path)
    assert str(table.schema.field("SESS_DT").type) == "timestamp[us]"
    ids = table.column("CLNT_ID").to_pylist()
    assert ids == sorted(ids, reverse=True) and len(ids) == engines["duckdb"].backend.rows("SELECT count(*) FROM session")[0][0]
    assert np.isfinite(ids).all()


def test_cleaned_tables_parity(engines):
    """With the shared cleaning, Spark parses and cleans: the cleaned tables and the accounting are DuckDB's."""
    import inspect

    from helpers.common import config
    from helpers.data import engine
    if "parse" not in inspect.signature(engine.clean_tables).parameters:
        pytest.skip("the cleaning does not take a backend yet (shared cleaning steps not merged): both caches "
                    "were cleaned by DuckDB")
    duck, spark = engines["duckdb"], engines["spark"]
    for key in config.TABLES:
        assert_same(pd.read_parquet(duck.paths[key]), pd.read_parquet(spark.paths[key]), f"cleaned {key}")
    assert_same(duck.accounting(), spark.accounting(), "row accounting")
    assert_same(duck.rejected_lines(), spark.rejected_lines(), "rejected lines")
