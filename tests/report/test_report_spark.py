"""End to end on Spark: the tiny report rendered with ``engine='spark'`` gives the DuckDB render's data products.

Marked ``spark`` and ``slow``; skipped with the reason when Java or pyspark is missing. Every chapter kernel
starts its own local Spark session (the JVM start dominates the time).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time

import pandas as pd
import pytest

from helpers.common import config
from helpers.report import runner

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _skip_reason() -> str:
    if not shutil.which("java"):
        return "Java is not installed (Spark needs Java 17+: apt-get install openjdk-17-jre-headless)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    return ""


@pytest.fixture(scope="module")
def spark_rendered(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("e2e_spark")
    mp = pytest.MonkeyPatch()
    mp.setenv("LPOINT_CACHE_DIR", str(root / "cache"))  # own cache: Spark builds every window table itself
    mp.setattr(config, "CACHE_DIR", root / "cache")
    mp.setattr(config, "SYNTHETIC_DIR", root / "synthetic")
    declared = set().union(*[set(runner.notebook_parameters(nb)) for nb in runner.discover_notebooks()])
    extra = {"fast": True} if "fast" in declared else {}
    t0 = time.time()
    res = runner.run_report(scale="tiny", output_root=root / "reports", extra_params=extra, engine="spark",
                            progress=lambda *_: None)
    res.wall = time.time() - t0
    yield res
    mp.undo()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_spark_render_matches_duckdb_products(spark_rendered, rendered):
    """Every chapter renders on Spark, and every data product has the DuckDB render's values."""
    print(f"[spark e2e] tiny report on Spark: {spark_rendered.wall:.0f} s")
    assert all(c.status == "ok" for c in spark_rendered.chapters)
    run = json.loads((spark_rendered.report_dir / "run.json").read_text(encoding="utf-8"))
    assert run["parameters"]["engine"] == "spark"
    duck = {p.name: p for p in (rendered.report_dir / "data").glob("*.parquet")}
    spark = {p.name: p for p in (spark_rendered.report_dir / "data").glob("*.parquet")}
    assert set(duck) == set(spark)
    differ = []
    for name in sorted(duck):
        if _sha(duck[name]) != _sha(spark[name]):
            a, b = pd.read_parquet(duck[name]), pd.read_parquet(spark[name])
            try:
                pd.testing.assert_frame_equal(a, b, check_exact=True)
            except AssertionError as exc:
                differ.append(f"{name}: {str(exc)[:300]}")
    assert not differ, differ
