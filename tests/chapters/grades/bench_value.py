"""Full-scale timing of chapter 3's value section (not a test: run it by hand, one core's worth of time).

    .venv/bin/python tests/chapters/grades/bench_value.py [n_customers [new|existing]]   # 900,000 new

Input: a customer-day table (CLNT_ID, SESS_DT, REVENUE) built from :func:`clv.simulate_population` — every
customer is born on a day of the window 2018-04-01..2018-09-30 (age 0–182 days), buys on the birth day, on
day birth + t_x and on x − 1 further days drawn uniformly in between (days that collide merge, as in day-level
shop data); each purchase spends Gamma(2.3, mean = the customer's simulated mean spend). Parameters are of the
size fitted on the sample data (purchase rate r/α ≈ 0.013 a day) with some dropout. Deterministic (seed 7).

Prints wall and CPU seconds of: the grading steps the value section needs, ``value_check``, ``forecast_value``
and the whole value section (sections 7–8 of notebook 03: compute, tables, sentences and figures).
"""
from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from helpers.chapters.grades import clv, figures, words
from helpers.chapters.grades import compute as g

START, END = "2018-04-01", "2018-09-30"
BG = clv.BetaGeoParams(r=0.7, alpha=55.0, a=0.5, b=4.0)
GG = clv.GammaGammaParams(p=2.3, q=4.5, v=140_000.0)
#: "existing": near-Poisson buyers (dropout mean 0.3 %, as the sample data's fit) born up to a year before the
#: window end; only their purchase days inside the window are kept (customers without one drop out).
EXISTING = clv.BetaGeoParams(r=0.67, alpha=54.0, a=0.1, b=30.0)


def customer_days(n_customers: int, seed: int = 7, scenario: str = "new") -> pd.DataFrame:
    """The customer-day table described in the module docstring."""
    bg, age = (BG, (0.0, 182.0)) if scenario == "new" else (EXISTING, (0.0, 365.0))
    pop = clv.simulate_population(n_customers, bg, GG, age_days=age, horizon_days=0.0, seed=seed)
    rng = np.random.default_rng(seed + 1)
    end_day = int(np.datetime64(END, "D").astype(np.int64))
    x = pop["frequency"].to_numpy()
    big_t = pop["T"].to_numpy().astype(np.int64)
    t_x = np.where(x > 0, np.clip(pop["recency"].to_numpy().astype(np.int64), 1, None), 0)
    x = np.where(big_t > 0, x, 0)
    t_x = np.minimum(t_x, big_t)
    birth = end_day - big_t
    ids = pop["CLNT_ID"].to_numpy() + 1
    extra = np.maximum(x - 1, 0)
    who = np.repeat(np.arange(n_customers), extra)
    middle = birth[who] + 1 + np.floor(rng.random(len(who)) * np.maximum(t_x[who] - 1, 1)).astype(np.int64)
    last = np.flatnonzero(x > 0)
    cust = np.concatenate([np.arange(n_customers), last, who])
    day = np.concatenate([birth, birth[last] + t_x[last], np.minimum(middle, birth[who] + t_x[who])])
    mean = pop["monetary_value"].to_numpy()
    mean = np.where(mean > 0, mean, GG.mean_spend)
    amount = np.round(rng.gamma(2.3, mean[cust] / 2.3), -2) + 100
    frame = pd.DataFrame({"CLNT_ID": ids[cust], "SESS_DT": day.astype("datetime64[D]").astype("datetime64[us]"),
                          "REVENUE": amount})
    frame = frame[frame["SESS_DT"] >= pd.Timestamp(START)]
    return frame.groupby(["CLNT_ID", "SESS_DT"], sort=True, as_index=False)["REVENUE"].sum()


def timed(label: str, func, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = func(*args, **kwargs)
    print(f"{label:<34} wall {time.perf_counter() - wall:7.1f} s   cpu {time.process_time() - cpu:7.1f} s",
          flush=True)
    return out


def value_section(tx, graded, holdout, dates, rules):
    """Sections 7 and 8 of notebook 03, as the notebook calls them."""
    check = g.value_check(tx, holdout, start_date=START, rules=rules)
    figures.plot_value_check(check)
    words.value_check_table(check)
    words.describe_value_check(check)
    figures.plot_value_by_grade(check)
    forecast = g.forecast_value(tx, observation_end=END, horizon_days=dates.forecast_days, start_date=START,
                                **_reuse(check))
    words.value_model_table(forecast)
    words.describe_value_model(forecast)
    value = g.customer_value_forecast(graded, forecast)
    value_grades = g.value_by_grade(value, rules=rules)
    words.describe_value_by_grade(value_grades, dates.forecast_days)
    candidates = g.upgrade_candidates(value, rules=rules)
    words.describe_upgrade(candidates, value)
    g.value_forecast_check(check)
    return check, forecast


def _png(fig) -> None:
    import io

    import matplotlib.pyplot as plt

    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def grading_sections(tx, dates, rules):
    """Sections 1–6 of notebook 03 (grades, grid, summary, playbook, migration, holdout), figures drawn to PNG."""
    words.describe_input(tx, dates)
    graded = g.grade_customers(tx, as_of=END, start_date=START, rules=rules)
    scores = g.score_distribution(graded, rules=rules)
    _png(figures.plot_score_distributions(scores))
    words.describe_scores(scores)
    grid = g.interest_money_grid(graded, rules=rules)
    _png(figures.plot_grade_grid(grid, rules=rules))
    words.describe_grid(grid)
    summary = g.grade_summary(graded, rules=rules)
    _png(figures.plot_grade_summary(summary))
    words.describe_grades(summary), words.describe_points(summary), words.playbook_table(rules=rules)
    migration = g.grade_migration(tx, as_of_a=dates.migration_from, as_of_b=END, start_date=START, rules=rules)
    _png(figures.plot_migration(migration))
    words.describe_migration(migration), words.migration_table(migration)
    holdout = g.holdout_check(tx, cutoff=dates.holdout_cutoff, horizon_end=END, start_date=START, rules=rules)
    _png(figures.plot_holdout(holdout))
    words.describe_holdout(holdout)
    return graded, migration, holdout


def save_products(graded, migration, holdout, check, forecast, folder):
    """The chapter's seven products as the notebook saves them (CSV + Parquet)."""
    from helpers.report import present

    value = g.customer_value_forecast(graded, forecast)
    products = {"customer_grades": graded, "grade_migration": migration.customers,
                "grade_migration_matrix": migration.matrix.reset_index(), "grade_holdout_check": holdout.by_grade,
                "customer_value_forecast": value, "customer_upgrade_candidates": g.upgrade_candidates(value),
                "value_forecast_check": g.value_forecast_check(check)}
    for name, frame in products.items():
        present.save_product(frame, name, folder)


def _reuse(check) -> dict:
    """The variant chosen for the holdout forecast, when this version of forecast_value can take it."""
    import inspect

    return {"variant": check.forecast} if "variant" in inspect.signature(g.forecast_value).parameters else {}


def main(n_customers: int, scenario: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    tx = timed("build customer-day table", customer_days, n_customers, scenario=scenario)
    print(f"rows {len(tx):,}  customers {tx['CLNT_ID'].nunique():,}", flush=True)
    dates = g.chapter_dates(END)
    rules = g.resolve_rules(None)
    graded = timed("grade_customers", g.grade_customers, tx, as_of=END, start_date=START, rules=rules)
    holdout = timed("holdout_check", g.holdout_check, tx, cutoff=dates.holdout_cutoff, horizon_end=END,
                    start_date=START, rules=rules)
    check = timed("value_check", g.value_check, tx, holdout, start_date=START, rules=rules)
    print(check.forecast.validation.to_string(), "\n", check.table.to_string(), flush=True)
    forecast = timed("forecast_value", g.forecast_value, tx, observation_end=END, horizon_days=dates.forecast_days,
                     start_date=START, **_reuse(check))
    print(forecast.origin, forecast.spend_model, forecast.model.bgnbd, forecast.model.bgnbd_rows, flush=True)
    timed("value section (7-8) end to end", value_section, tx, graded, holdout, dates, rules)
    graded, migration, holdout = timed("grading sections (1-6)", grading_sections, tx, dates, rules)
    check, forecast = timed("value section (7-8) again", value_section, tx, graded, holdout, dates, rules)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        timed("save the 7 products (CSV+Parquet)", save_products, graded, migration, holdout, check, forecast,
              folder)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 900_000, sys.argv[2] if len(sys.argv) > 2 else "new")
