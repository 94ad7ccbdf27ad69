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

TARGETS = {"full_cold_s": 600, "full_warm_s": 300, "sample_s": 180, "peak_gb": 8, "data_cold_s": 60,
           "data_cold_gb": 6, "data_cached_s": 10}


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


def main(args) -> int:
    from helpers.data.loader import synthetic_dir
    bench_root = config.REPORTS_DIR / "bench"
    bench_root.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in args.scales:
        t0 = time.time()
        folder, label = synthetic_dir(scale=scale, start_date=args.start, end_date=args.end)
        gen_s = time.time() - t0
        print(f"[bench] data {label}: ready in {gen_s:.1f} s ({folder})", flush=True)
        cache = Path(tempfile.mkdtemp(prefix=f"bench-cache-{scale}-"))
        data_rows = data_layer(folder, cache)
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
    table += f"\n\nTargets: full cold ≤ {TARGETS['full_cold_s']} s, full warm ≤ {TARGETS['full_warm_s']} s, " \
             f"sample ≤ {TARGETS['sample_s']} s, peak ≤ {TARGETS['peak_gb']} GB; data layer cold ≤ " \
             f"{TARGETS['data_cold_s']} s and ≤ {TARGETS['data_cold_gb']} GB, cached ≤ {TARGETS['data_cached_s']} s. " \
             f"Machine: {os.cpu_count()} cores."
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
