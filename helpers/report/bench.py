"""Benchmark: render the whole report at full and sample scale and measure wall time and peak memory.

For each scale: (1) generate the synthetic data if missing (timed separately), (2) a cold run — empty
Parquet cache, parsing the CSVs — for the default window, (3) a warm rerun for a new window
(2018-06-01..2018-08-31) that reuses the cleaned tables. Each run is a separate ``python -m helpers report``
process; its whole process tree's resident memory is polled. Results go to ``reports/bench/``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

from helpers.common import config

TARGETS = {"full_cold_s": 120, "full_cold_gb": 3, "chapter_s": 10, "demand_s": 60, "data_floor_x": 2,
           "data_cold_gb": 2.5, "data_cached_s": 10}


def _tree_rss(proc) -> int:
    import psutil
    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _measure(cmd: list[str], env: dict) -> tuple[int, float, float]:
    import psutil
    t0 = time.time()
    popen = subprocess.Popen(cmd, env=env, cwd=config.PROJECT_ROOT)
    proc = psutil.Process(popen.pid)
    peak = [0]
    done = threading.Event()

    def poll():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc))
            done.wait(0.25)
    t = threading.Thread(target=poll, daemon=True)
    t.start()
    code = popen.wait()
    done.set()
    t.join()
    return code, time.time() - t0, peak[0] / 2**30


def run_one(scale: str, start: str, end: str, cache_dir: Path, out_root: Path, label: str) -> dict:
    env = dict(os.environ, LPOINT_CACHE_DIR=str(cache_dir))
    cmd = [sys.executable, "-m", "helpers", "report", "--scale", scale, "--start", start, "--end", end,
           "--output-root", str(out_root)]
    print(f"[bench] {label}: {' '.join(cmd[2:])}", flush=True)
    code, wall, peak = _measure(cmd, env)
    row = {"run": label, "scale": scale, "window": f"{start}..{end}", "exit": code, "wall_s": round(wall, 1),
           "peak_gb": round(peak, 2)}
    run_json = out_root / f"{start}_{end}" / "run.json"
    if code == 0 and run_json.exists():
        run = json.loads(run_json.read_text(encoding="utf-8"))
        row["chapters"] = [{"chapter": c["notebook"], "seconds": round(c["seconds"], 1),
                            "kernel_peak_gb": round(c["peak_rss_mb"] / 1024, 2)} for c in run["chapters"]]
        row["rows"] = run["row_counts"]
    return row


DATA_STAGE = ("import sys, time; from helpers.data.loader import prepare; t = time.time(); "
              "paths, log, fp = prepare(sys.argv[1], progress=lambda *_: None); "
              "print(f'cache_hit={fp.cache_hit} seconds={time.time() - t:.1f}')")


#: The floor the data layer is measured against: DuckDB parsing every column of the six CSVs to Parquet, no cleaning.
PARSE_FLOOR = ("import shutil, sys, tempfile, time, duckdb; from pathlib import Path; t = time.time(); "
               "out = Path(tempfile.mkdtemp()); con = duckdb.connect(); "
               "[con.execute(f\"COPY (SELECT * FROM read_csv('{f}', all_varchar=true, header=true)) TO "
               "'{out / (f.stem + '.parquet')}' (FORMAT parquet)\") for f in sorted(Path(sys.argv[1]).glob('*.csv'))]; "
               "print(f'seconds={time.time() - t:.1f}'); shutil.rmtree(out)")


def data_layer(folder: Path, cache_dir: Path) -> list[dict]:
    """The parse floor, then load + validate + clean + cache (cold) and the cached rerun, each in its own process."""
    rows = []
    env = dict(os.environ, LPOINT_CACHE_DIR=str(cache_dir))
    code, wall, peak = _measure([sys.executable, "-c", PARSE_FLOOR, str(folder)], env)
    rows.append({"run": "floor: DuckDB parses the six CSVs to Parquet, no cleaning", "exit": code,
                 "wall_s": round(wall, 1), "peak_gb": round(peak, 2)})
    print(f"[bench] parse floor: {wall:.1f} s, peak {peak:.2f} GB", flush=True)
    for label in ("data layer cold (parse+validate+clean+cache)", "data layer cached rerun"):
        code, wall, peak = _measure([sys.executable, "-c", DATA_STAGE, str(folder)], env)
        rows.append({"run": label, "exit": code, "wall_s": round(wall, 1), "peak_gb": round(peak, 2)})
        print(f"[bench] {label}: {wall:.1f} s, peak {peak:.2f} GB", flush=True)
    return rows


def _spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return bool(shutil.which("java") or os.environ.get("JAVA_HOME"))


def _scale_section(folder: Path) -> tuple[list[dict], str]:
    """Spark local rows (when pyspark and Java are here) and the growth curve: summary rows and their table."""
    detail = (spark_rows(folder) if _spark_available() else []) + growth_curve(folder)
    summary = [{"run": r["run"], "scale": "full", "window": "", "exit": r["exit"], "wall_s": r["wall_s"],
                "peak_gb": round(r["py_peak_gb"] + r["jvm_peak_gb"], 2)} for r in detail]
    cols = ["run", "exit", "wall_s", "py_peak_gb", "jvm_peak_gb", "session_s", "prepare_s", "views_s", "lines"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in cols) + " |" for r in detail]
    return summary, "\n".join(lines)


def main(args) -> int:
    from helpers.data.loader import synthetic_dir
    if getattr(args, "scale_rows", False):  # only the Spark rows and the growth curve, on a given folder
        folder = Path(args.data_dir) if args.data_dir else synthetic_dir(scale="full")[0]
        print(_scale_section(folder)[1])
        return 0
    bench_root = config.REPORTS_DIR / "bench"
    bench_root.mkdir(parents=True, exist_ok=True)
    results, scale_table = [], ""
    for scale in args.scales:
        t0 = time.time()
        folder, label = synthetic_dir(scale=scale, start_date=args.start, end_date=args.end)
        gen_s = time.time() - t0
        print(f"[bench] data {label}: ready in {gen_s:.1f} s ({folder})", flush=True)
        cache = Path(tempfile.mkdtemp(prefix=f"bench-cache-{scale}-"))
        data_rows = data_layer(folder, cache)
        if scale == "full":
            scale_summary, scale_table = _scale_section(folder)
            data_rows += scale_summary
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir()
        try:
            results += [dict(r, scale=scale, window="") for r in data_rows]
            results.append(dict(run_one(scale, args.start, args.end, cache, bench_root / scale, f"{scale} cold"),
                                data_s=round(gen_s, 1)))
            results.append(run_one(scale, "2018-06-01", "2018-08-31", cache, bench_root / scale, f"{scale} warm"))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    lines = ["| run | window | exit | wall (s) | peak (GB) |", "|---|---|---|---|---|"]
    lines += [f"| {r['run']} | {r['window']} | {r['exit']} | {r['wall_s']:,.1f} | {r['peak_gb']:.2f} |"
              for r in results]
    lines.append("\nSynthetic data generation (once, then reused): "
                 + ", ".join(f"{r['scale']} {r['data_s']:.1f} s" for r in results if "data_s" in r))
    per = []
    for r in results:
        for c in r.get("chapters", []):
            per.append({"run": r["run"], **c})
    table = "\n".join(lines)
    if per:
        table += "\n\n" + pd.DataFrame(per).pivot(index="chapter", columns="run", values="seconds").to_markdown() \
            if _has_tabulate() else "\n\n" + pd.DataFrame(per).to_string(index=False)
    if scale_table:
        table += "\n\nSpark local and the growth curve of the data layer (peak RSS: Python, JVM):\n\n" + scale_table
    table += f"\n\nTargets (issue 14): full cold ≤ {TARGETS['full_cold_s']} s and ≤ {TARGETS['full_cold_gb']} GB; " \
             f"chapters 1, 2, 3, 5, 6 ≤ {TARGETS['chapter_s']} s each and chapter 4 ≤ {TARGETS['demand_s']} s at full " \
             f"scale; data layer cold ≤ {TARGETS['data_floor_x']}× the parse floor and ≤ {TARGETS['data_cold_gb']} GB, " \
             f"cached ≤ {TARGETS['data_cached_s']} s. Machine: {os.cpu_count()} cores."
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (bench_root / f"bench-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                                    encoding="utf-8")
    (bench_root / f"bench-{stamp}.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0 if all(r["exit"] == 0 for r in results) else 1


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
        return True
    except ImportError:
        return False


# ------------------------------------------------------------------------------------------------
# Spark local at full scale, and the growth curve of the DuckDB data layer
# ------------------------------------------------------------------------------------------------

def _measure_split(cmd: list[str], env: dict) -> dict:
    """Wall time, peak RSS of the Python process and peak RSS of its children (the Spark JVM), exit code."""
    import psutil
    t0 = time.time()
    popen = subprocess.Popen(cmd, env=env, cwd=config.PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    proc = psutil.Process(popen.pid)
    peak = {"py": 0, "jvm": 0}
    done = threading.Event()

    def poll():
        while not done.is_set():
            try:
                peak["py"] = max(peak["py"], proc.memory_info().rss)
                peak["jvm"] = max(peak["jvm"], _tree_rss(proc) - proc.memory_info().rss)
            except psutil.Error:
                pass
            done.wait(0.25)
    t = threading.Thread(target=poll, daemon=True)
    t.start()
    out, _ = popen.communicate()
    done.set()
    t.join()
    stages = next((json.loads(line) for line in reversed(out.splitlines()) if line.startswith("{")), {})
    return {"exit": popen.returncode, "wall_s": round(time.time() - t0, 1), "py_peak_gb": round(peak["py"] / 2**30, 2),
            "jvm_peak_gb": round(peak["jvm"] / 2**30, 2), **stages}


#: The data layer on one engine in one process: session start (Spark), clean + cache (``prepare``), then the
#: window tables every chapter reads and one aggregate (daily revenue). Prints the stage times as JSON.
DATA_LAYER = """import json, sys, time
t = time.time(); out = {}
folder, engine, start, end = sys.argv[1:5]
if engine == 'spark':
    from helpers.data.backends.spark import root_session; root_session(); out['session_s'] = round(time.time() - t, 1)
from helpers.data.loader import Dataset, prepare
t1 = time.time(); paths, log, fp = prepare(folder, engine=engine, progress=lambda *_: None)
out['prepare_s'] = round(time.time() - t1, 1); out['cache_hit'] = fp.cache_hit
t2 = time.time(); ds = Dataset(paths, log, fp, start, end, engine=engine); n = ds.row_counts()
out['lines'] = n['purchase_lines']; ds.sessions(); ds.clients(); out['days'] = len(ds.daily_revenue())
out['views_s'] = round(time.time() - t2, 1); ds.close(); print(json.dumps(out))
"""


def data_layer_row(folder: Path, engine: str, cache_dir: Path, label: str, start: str = config.DEFAULT_START,
                   end: str = config.DEFAULT_END) -> dict:
    """One measured run of :data:`DATA_LAYER` in its own process (its own cache folder)."""
    env = dict(os.environ, LPOINT_CACHE_DIR=str(cache_dir))
    row = {"run": label, **_measure_split([sys.executable, "-c", DATA_LAYER, str(folder), engine, start, end], env)}
    print(f"[bench] {label}: {json.dumps(row)}", flush=True)
    return row


def spark_rows(folder: Path) -> list[dict]:
    """Spark local at full scale: the data layer cold (empty cache), then over the cached cleaned tables."""
    cache = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        rows = [data_layer_row(folder, "spark", cache, "Spark local: data layer cold")]
        for window in cache.glob("*/window_*"):  # keep the cleaned tables, rebuild the window tables on Spark
            shutil.rmtree(window)
        rows.append(data_layer_row(folder, "spark", cache, "Spark local: window tables over cached cleaned tables"))
        return rows
    finally:
        shutil.rmtree(cache, ignore_errors=True)


#: Tables whose rows are copied with shifted ids (CLNT_ID is their first column); the others are copied once.
GROWN_TABLES = ("01", "02", "04", "05")


def grow_folder(src: Path, dest: Path, factor: int) -> Path:
    """Write the six tables of ``src`` into ``dest`` with ``factor`` copies of every client (same bytes, encoding).

    Copy ``i`` > 0 of a line starts with ``i`` and six zeros (CLNT_ID ``102`` becomes ``1000000102``): new
    clients with the same behaviour, so every table with client rows (CLNT_ID first) grows ``factor`` times;
    Master and Search2 are copied as they are. A byte-level copy: the continuation line of a multi-line record
    gets the prefix too (it is then set aside like any broken line: a handful of lines); blank lines are not
    copied; a zero-padded id (``0102``) becomes another client than its unpadded twin in the copies.
    """
    from helpers.data.loader import find_tables
    dest.mkdir(parents=True, exist_ok=True)
    for key, path in find_tables(src).items():
        grow = factor if config.TABLES[key][0] in GROWN_TABLES else 1
        body = path.read_bytes()
        with open(dest / path.name, "wb") as out:
            out.write(body)
            if not body.endswith(b"\n"):
                out.write(b"\n")
            lines = body.split(b"\n")[1:] if grow > 1 else []  # no header in the copies
            for i in range(1, grow):
                prefix = f"{i}000000".encode()
                out.write(b"".join(prefix + line + b"\n" for line in lines if line.strip()))
    return dest


def growth_curve(folder: Path, factors: tuple[int, ...] = (1, 2, 4)) -> list[dict]:
    """The DuckDB data layer (cold prepare + window tables + daily revenue) at 1×, 2×, 4× the clients."""
    rows = []
    for factor in factors:
        work = Path(tempfile.mkdtemp(prefix=f"bench-grow{factor}-"))
        try:
            t0 = time.time()
            grown = folder if factor == 1 else grow_folder(folder, work / "data", factor)
            print(f"[bench] growth {factor}x: data written in {time.time() - t0:.0f} s", flush=True)
            rows.append(dict(data_layer_row(grown, "duckdb", work / "cache", f"DuckDB data layer {factor}x"),
                             factor=factor))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return rows

