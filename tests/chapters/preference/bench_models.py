"""Benchmark of the chapter 5 model at full scale (not collected by pytest; run by hand):

    .venv/bin/python tests/chapters/preference/bench_models.py [n_customers] [n_lines]

Simulates ``n_customers`` (default 1,000,000) × 37 categories × ``n_lines`` (default 5,000,000) purchase lines
over six months (73 % of customers with age × gender, sessions of 1–3 lines) and times
``fit_dirichlet_preference`` with its default validation grid (2 units × 5 half-lives) and the final fit.
"""
from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np
import pandas as pd

from helpers.chapters.preference.models import fit_dirichlet_preference


def simulate(n_customers: int, n_lines: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    k = 37
    cats = np.array([f"상품군{i:02d}" for i in range(k)], dtype=object)
    shares = rng.dirichlet(np.full(k, 0.7))
    favourite = rng.choice(k, size=n_customers, p=shares)
    cust = rng.integers(0, n_customers, n_lines)
    cat = np.where(rng.random(n_lines) < 0.5, favourite[cust], rng.choice(k, size=n_lines, p=shares))
    lines = pd.DataFrame({
        "CLNT_ID": cust + 1,
        "SESS_ID": rng.integers(0, 3, n_lines) + 10 * (np.arange(n_lines) // 2),
        "SESS_DT": pd.Timestamp("2018-04-01") + pd.to_timedelta(rng.integers(0, 183, n_lines), "D"),
        "CLAC1_NM": pd.array(cats[cat], dtype="str"),
    })
    known = rng.random(n_customers) < 0.73
    demo = pd.DataFrame({
        "CLNT_ID": np.arange(n_customers) + 1,
        "CLNT_AGE": pd.array(np.where(known, rng.choice([20, 30, 40, 50], n_customers), -1), dtype="Int64"),
        "CLNT_GENDER": pd.array(np.where(known, rng.choice(["F", "M"], n_customers), None), dtype="str"),
    })
    demo.loc[~known, "CLNT_AGE"] = pd.NA
    return lines, demo


if __name__ == "__main__":
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    n_customers = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
    lines, demo = simulate(n_customers, n_lines)
    started, cpu_started = time.perf_counter(), time.process_time()
    model = fit_dirichlet_preference(lines, customers=demo)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"{n_customers:,} customers × {model.scores.shape[1]} categories × {n_lines:,} lines: "
          f"{seconds:.1f} s wall ({cpu:.1f} s CPU; the machine is shared), peak memory {peak_gb:.1f} GB; params {model.params}")
