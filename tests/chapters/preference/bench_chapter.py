"""Chapter 5 step by step on real or synthetic files (not collected by pytest; run by hand, one at a time):

    .venv/bin/python tests/chapters/preference/bench_chapter.py [data_dir] [start end]

Prints wall and CPU seconds (CPU: user + system of all threads), current and peak memory (MB) after each step of the notebook, the size of the engine's
customer × category × day aggregate (the largest input frame) and the method comparison. Products are written
to a temporary folder through ``report.save_product`` as the notebook does.
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time

from helpers.chapters.preference import compute as preference
from helpers.chapters.preference import words
from helpers.data.loader import load_dataset
from helpers.data.queries import preference as queries
from helpers.report import present as report


def _current_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main(data_dir: str | None, start: str, end: str) -> None:
    last = [time.perf_counter(), time.process_time()]

    def mark(step: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{step:44s} {now - last[0]:7.2f} s (CPU {cpu - last[1]:6.2f} s)  now {_current_mb():6.0f} MB  "
              f"peak {peak:6.0f} MB", flush=True)
        last[:] = [now, cpu]

    ds = load_dataset(data_dir, start, end, progress=lambda *_: None)
    mark("load dataset")
    days = ds.query(queries.customer_category_days)
    mark(f"aggregate {len(days):,} rows, {days.memory_usage(deep=True).sum() / 2**20:.0f} MB")
    members = ds.clients()
    mark(f"clients {len(members):,} rows")
    result = preference.preference_index(days, customers=members, demographics=members, weight_col="n_lines")
    words.describe_missing(result), preference.index_distribution(result), preference.top1_share_by_segment(result)
    mark("index and its summaries")
    out = tempfile.mkdtemp(prefix="bench_pref_")
    report.save_product(preference.index_wide(result), "preference_index_wide", out, csv_max_rows=0)
    mark("save preference_index_wide")
    comparison = preference.compare_methods(
        days, holdout_start=preference.last_month_start(end), holdout_end=end, demographics=members,
        variants=preference.EVALUATION_VARIANTS, **preference.DAY_AGGREGATE_COLUMNS)
    mark("compare methods (holdout)")
    scores = preference.method_scores(days, comparison.chosen, customers=members, index=result,
                                      weight_col="n_lines", occasion_weight_col="n_occasions", comparison=comparison)
    report.save_product(preference.model_wide(scores), "preference_model_wide", out, csv_max_rows=0)
    mark("chosen method refit and save")
    print(comparison.table.to_string())


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0] if args else None, *(args[1:3] if len(args) >= 3 else ("2018-04-01", "2018-09-30")))
