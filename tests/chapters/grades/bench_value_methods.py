"""Spearman of later spend by method, beside the chapter's holdout (not a test: run it by hand).

    .venv/bin/python tests/chapters/grades/bench_value_methods.py [data_dir]   # default: the sample data

Same design as ``value_check``: customers graded at the cut-off (last day of the month two months before the
end), their spend in the 61 days after it (0 when none), average ranks for ties. Rows:

- the report's forecast, the grades and past spend (``value_check``'s table, with the AUC / among-buyers split);
- purchase days before the cut-off (a plain count) and the BG/NBD variants *unrounded* (tiny differences within a
  count — recency through P(alive) — break the ties that rounding to whole KRW keeps);
- a gradient-boosted model (LightGBM) on RFM rates, trained at cut-off − 61 days on the rank of the next 61 days'
  spend (time-ordered, inside the fit period), scored on held-out customers of that inner split and on the holdout;
- bounds that no forecast can use: the mean later-spend rank per cell of (purchase days, spend decile, recency
  week) fitted on the holdout outcomes themselves, and an oracle that knows exactly who buys again.
"""
from __future__ import annotations

import sys

import lightgbm as lgb
import numpy as np
import pandas as pd

from helpers.chapters.grades import clv
from helpers.chapters.grades import compute as g
from helpers.data.loader import load_dataset

START, END, DAYS = "2018-04-01", "2018-09-30", 61
FEATURES = ["rate", "since_last", "since_first", "mean_spend", "spend_rate", "max_spend"]


def features(tx: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """RFM rates at ``end`` from the rows up to it (rates, so histories of different length compare)."""
    hist = tx[tx["SESS_DT"] <= end]
    days = (end - pd.Timestamp(START)).days + 1
    a = hist.groupby("CLNT_ID").agg(x=("SESS_DT", "size"), last=("SESS_DT", "max"), first=("SESS_DT", "min"),
                                   tot=("REVENUE", "sum"), mx=("REVENUE", "max"))
    return pd.DataFrame({"rate": a["x"] / days * 30, "since_last": (end - a["last"]).dt.days,
                         "since_first": (end - a["first"]).dt.days, "mean_spend": a["tot"] / a["x"],
                         "spend_rate": a["tot"] / days * 30, "max_spend": a["mx"], "x": a["x"]})


def later_spend(tx: pd.DataFrame, index: pd.Index, end: pd.Timestamp) -> np.ndarray:
    part = tx[(tx["SESS_DT"] > end) & (tx["SESS_DT"] <= end + pd.Timedelta(days=DAYS))]
    return part.groupby("CLNT_ID")["REVENUE"].sum().reindex(index).fillna(0.0).to_numpy()


def gbm_rows(tx: pd.DataFrame, cutoff: pd.Timestamp) -> list[tuple[str, float]]:
    inner_end = cutoff - pd.Timedelta(days=DAYS)
    train, test = features(tx, inner_end), features(tx, cutoff)
    y_train, y_test = later_spend(tx, train.index, inner_end), later_spend(tx, test.index, cutoff)
    params = {"objective": "regression", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 50,
              "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 0, "verbose": -1, "num_threads": 1,
              "deterministic": True}
    target = pd.Series(y_train).rank(pct=True).to_numpy()
    order = np.random.default_rng(0).permutation(len(train))
    fit, held = order[: len(order) // 2], order[len(order) // 2:]
    half = lgb.train(params, lgb.Dataset(train[FEATURES].iloc[fit], target[fit]), num_boost_round=200)
    inner = g.spearman(half.predict(train[FEATURES].iloc[held]), y_train[held])
    full = lgb.train(params, lgb.Dataset(train[FEATURES], target), num_boost_round=200)
    return [("gbm: inner validation (held-out customers)", inner),
            ("count: inner validation (same customers)", g.spearman(train["x"].to_numpy(float)[held], y_train[held])),
            ("gbm: holdout", g.spearman(full.predict(test[FEATURES]), y_test))]


def main(data_dir: str | None) -> None:
    tx = load_dataset(data_dir, START, END, seed=42).customer_daily()
    dates = g.chapter_dates(END)
    holdout = g.holdout_check(tx, cutoff=dates.holdout_cutoff, horizon_end=END, start_date=START)
    check = g.value_check(tx, holdout, start_date=START)
    print(check.table.to_string(index=False))
    y = holdout.customers.set_index("CLNT_ID")["FUTURE_SPEND"]
    feats = features(tx, dates.holdout_cutoff).reindex(y.index)
    rows = [("purchase days (count)", g.spearman(feats["x"].to_numpy(float), y.to_numpy()))]
    summaries = clv.rfm_summaries(tx[tx["SESS_DT"] <= dates.holdout_cutoff], observation_end=dates.holdout_cutoff,
                                  start_date=START)
    for origin, summary in summaries.items():
        model = clv.fit_value_model(summary, left_truncated=origin == "window_start")
        for spend in ("gamma_gamma", "mean"):
            pred = clv.predict_value(model, summary, horizon_days=DAYS, spend=spend).set_index("CLNT_ID")
            rows.append((f"bg/nbd {origin} {spend}, unrounded",
                         g.spearman(pred["PRED_SPEND"].reindex(y.index).to_numpy(), y.to_numpy())))
    rows += gbm_rows(tx, dates.holdout_cutoff)
    ranks = y.rank().to_numpy()
    cells = [np.minimum(feats["x"].to_numpy(), 20), pd.qcut(feats["mean_spend"], 10, labels=False, duplicates="drop").to_numpy(),
             np.minimum(feats["since_last"].to_numpy() // 7, 20)]
    rows.append(("bound: cell means of the outcome's rank", g.spearman(
        pd.Series(ranks).groupby(cells).transform("mean").to_numpy(), y.to_numpy())))
    rows.append(("bound: knows who buys again", g.spearman((y > 0).to_numpy(float), y.to_numpy())))
    for name, rho in rows:
        print(f"{name:<48} {rho:.4f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
