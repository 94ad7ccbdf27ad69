"""Chapter 4 in one call: ``run_chapter`` on any long daily table (id, date, target + calendar columns).

Stages (each a function below, each timed): prepare the series → the report's LSTM (input ablation, data-chosen
epochs, 1-day and recursive hold-out RMSE, oracle vs honest weather) → rolling-origin backtest of every model
(seasonal naive, SARIMAX, global LightGBM, their mean, LSTM at a fixed epoch budget) and the forecast after the
last day → scoring (MASE vs seasonal naive, intervals and coverage, model chosen per series, dip alerts with
precision / recall). Progress goes to stderr (the console), never into the report page.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from helpers.chapters.demand import backtest, scoring
from helpers.chapters.demand.compute import (
    DEFAULT_EXOG,
    DEFAULT_WEATHER,
    ForecastConfig,
    SeasonalIndexResult,
    _ablation_keys,
    _full_inputs,
    _holdout_cutoff,
    _holdout_keys,
    _seed_keys,
    holdout_forecasts,
    input_ablation,
    prepare_series,
    rmse_table,
    seasonal_index,
)
from helpers.chapters.demand.models.base import SeriesArrays, progress, seasonal_factors
from helpers.chapters.demand.models.lstm import LSTMBank
from helpers.chapters.demand.words import model_choice


@dataclass
class ForecastChapter:
    """Everything chapter 4 shows. Frames are documented on the functions that make them."""

    config: ForecastConfig
    series: dict
    seasonal: SeasonalIndexResult
    ablation: pd.DataFrame
    epochs: pd.DataFrame  # unique_id, chosen_epoch, stopped_epoch, val_loss, n_train, n_val (full inputs, hold-out)
    history: pd.DataFrame  # learning curves of the full-input hold-out models
    holdout: pd.DataFrame
    rmse: pd.DataFrame
    cv: pd.DataFrame  # backtest forecasts of every model + Chosen (with intervals)
    metrics: pd.DataFrame
    skill: pd.DataFrame  # MASE skill vs seasonal naive
    intervals: pd.DataFrame
    coverage: pd.DataFrame
    chosen: pd.DataFrame  # choose_models output
    future: pd.DataFrame | None  # forecast_future + intervals + chosen_model / Chosen
    dips: pd.DataFrame  # id, date, cutoff, horizon, forecast, lo, hi, usual, drop_pct, source, model
    dip_runs: pd.DataFrame  # id, cutoff, start, end, n_days, mean_drop_pct, max_drop_pct, source
    actual_dips: pd.DataFrame
    alert_scores: pd.DataFrame  # dip_alert_scores of the chosen forecast over the backtest origins
    models_trained: pd.DataFrame
    timings: dict[str, float]
    notes: list[str]
    id_col: str = "category"
    date_col: str = "date"
    target_col: str = "revenue"


class _Clock:
    """Stage timings, printed to the console as the chapter runs."""

    def __init__(self, verbose: bool):
        self.verbose, self.timings = verbose, {}
        self.start = self.t0 = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.t0, 2)
        self.t0 = now
        progress(f"[chapter 4] {name}: {self.timings[name]:.1f}s", verbose=self.verbose)

    def total(self) -> dict[str, float]:
        self.timings["total"] = round(time.perf_counter() - self.start, 2)
        return self.timings


def _screen_series(series: dict[str, SeriesArrays], config: ForecastConfig) -> tuple[dict, list[str]]:
    """Drop series the chapter cannot model (too short for the backtest, a week without revenue), saying why."""
    keep, dropped = {}, []
    for uid, s in series.items():
        try:
            seasonal_factors(s.y[: s.n_obs], s.day_of_week[: s.n_obs], name=uid)
            backtest._cutoffs(s, config.h, config.n_windows, config.step_size)
            _holdout_cutoff(s, config.test_days)
        except ValueError as exc:
            dropped.append(str(exc))
            continue
        keep[uid] = s
    if not keep:
        raise ValueError("no series can be modelled: " + "; ".join(dropped))
    return keep, dropped




def prepare_chapter(df, *, calendar, config: ForecastConfig, cols: dict, categories, verbose: bool):
    """Validated series (with ``future_days`` calendar days when a calendar is given), the config fitted to the
    window length, the observed long table and notes."""
    future_days = config.future_days if calendar is not None else 0
    if config.future_days and calendar is None:
        progress("no calendar given: no forecast after the last day", verbose=verbose)
    series = prepare_series(df, calendar=calendar, future_days=future_days, categories=categories,
                            max_categories=config.max_categories, **cols)
    config, fit_note = backtest.fit_backtest_to_length(config, min(s.n_obs for s in series.values()))
    series, dropped = _screen_series(series, config)
    notes = ([fit_note] if fit_note else []) + [f"skipped: {m}" for m in dropped]
    for n in notes:
        progress(n, verbose=verbose)
    if not future_days:
        config = _no_future(config)
    id_col, date_col, target_col = cols["id_col"], cols["date_col"], cols["target_col"]
    hist = pd.concat([pd.DataFrame({id_col: u, date_col: s.dates[: s.n_obs], target_col: s.y[: s.n_obs]})
                      for u, s in series.items()], ignore_index=True)
    return series, config, hist, notes


def _no_future(config: ForecastConfig) -> ForecastConfig:
    return replace(config, future_days=0)


def report_lstm(series, config: ForecastConfig, *, verbose: bool) -> dict:
    """The report's LSTM: input ablation and hold-out models (one training batch, early stopping per model),
    the epochs they chose, learning curves, 1-day / recursive hold-out forecasts and the RMSE table."""
    bank = LSTMBank(config.lstm, verbose=verbose)
    full = _full_inputs(series)
    hold_keys = _holdout_keys(series, config)
    bank.ensure(series, _ablation_keys(series, config) + hold_keys)
    ablation = input_ablation(series, config=config, bank=bank, verbose=verbose)
    summ = bank.summary()
    epochs = summ[(summ["inputs"] == "+".join(full))
                  & summ["cutoff"].isin([k.cutoff for k in hold_keys])].drop(columns="inputs").reset_index(drop=True)
    history = bank.history([k for k in hold_keys if k.seed == 0])
    holdout = holdout_forecasts(series, config=config, bank=bank, verbose=verbose)
    return dict(bank=bank, ablation=ablation, epochs=epochs, history=history, holdout=holdout,
                rmse=rmse_table(holdout))


def run_backtest(series, config: ForecastConfig, epochs: pd.DataFrame, *, verbose: bool):
    """Backtest and future forecasts of every model. The backtest LSTMs train a fixed budget: the median epoch
    the hold-out models chose (``config.lstm_backtest_epochs`` overrides). Returns ``cv, future, bank, notes``."""
    budget = config.lstm_backtest_epochs or (int(np.median(epochs["chosen_epoch"])) if len(epochs) else 20)
    cfg = backtest.fixed_budget(config, budget)
    bank = LSTMBank(cfg.lstm, verbose=verbose) if "LSTM" in config.models else None
    if bank is not None:  # every backtest origin and the final model in one training batch
        jobs = backtest.backtest_origins(series, cfg) + (
            [(u, s.n_obs - 1) for u, s in series.items()] if config.future_days else [])
        bank.ensure(series, [k for u, c in jobs
                             for k in _seed_keys(u, series[u].dates[c], _full_inputs(series), cfg.lstm.n_seeds)])
    cv = backtest.cross_validation(series, config=cfg, bank=bank, verbose=verbose)
    notes = [f"backtest LSTM: fixed budget of {budget} epochs"] + cv.attrs.get("notes", [])
    future = None
    if config.future_days:
        future = backtest.forecast_future(series, config=cfg, bank=bank, verbose=verbose)
        notes += future.attrs.get("notes", [])
    return cv, future, bank, notes


def score_chapter(cv, future, hist, config: ForecastConfig, cols: dict) -> dict:
    """Metrics, skill, intervals, coverage, the chosen model per series and the chosen forecast (+ intervals)."""
    key = {k: cols[k] for k in ("id_col", "date_col", "target_col")}
    metrics = scoring.evaluate(cv, hist, **key)
    chosen = scoring.choose_models(metrics, metric=config.selection_metric, candidates=config.candidates)
    intervals = scoring.prediction_intervals(cv, levels=config.levels, pool=config.interval_pool)
    coverage = scoring.interval_coverage(cv, levels=config.levels, pool=config.interval_pool)
    cv = scoring.pick_chosen(scoring.add_intervals(cv, intervals), chosen)
    if future is not None:
        future = scoring.pick_chosen(scoring.add_intervals(future, intervals[intervals["horizon"] <= len(
            future["horizon"].unique())]), chosen)
    return dict(metrics=metrics, skill=scoring.skill_scores(metrics, metric="mase"), intervals=intervals,
                coverage=coverage, chosen=chosen, cv=cv, future=future)


def find_dips(cv, future, hist, chosen, config: ForecastConfig, cols: dict) -> dict:
    """Dip alerts of the chosen forecast after the last day and over the backtest, observed dips, and how often
    the backtest alerts were right."""
    key = {k: cols[k] for k in ("id_col", "date_col", "target_col")}
    id_col, date_col = cols["id_col"], cols["date_col"]
    opts = dict(threshold=config.dip_threshold, window=config.dip_window, **key)
    pick = dict(zip(chosen["unique_id"], chosen["model"]))
    dips, runs = [], []
    for source, frame in (("future", future), ("backtest", cv)):
        if frame is None:
            continue
        d = scoring.detect_dips(frame, hist, value_col="Chosen", level=config.alert_level, **opts)
        d = d.assign(source=source, model=d[id_col].map(pick))
        dips.append(d)
        runs.append(scoring.dip_runs(d, id_col=id_col, date_col=date_col).assign(source=source))
    actual = scoring.detect_actual_dips(hist, **opts)
    runs.append(scoring.dip_runs(actual, id_col=id_col, date_col=date_col).assign(source="actual"))
    alerts = scoring.dip_alert_scores(cv, hist, value_col="Chosen", **opts)
    return dict(dips=pd.concat(dips, ignore_index=True), dip_runs=pd.concat(runs, ignore_index=True),
                actual_dips=actual, alert_scores=alerts)


def run_chapter(
    df: pd.DataFrame,
    *,
    calendar: pd.DataFrame | None = None,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
    exog_cols: Sequence[str] = DEFAULT_EXOG,
    weather_cols: Sequence[str] = DEFAULT_WEATHER,
    calendar_date_col: str = "date",
    categories: Sequence[str] | None = None,
    config: ForecastConfig | None = None,
    fast: bool = False,
    verbose: bool = True,
) -> ForecastChapter:
    """Run all of chapter 4 on a long daily table (``id, date, target`` + calendar columns).

    ``calendar`` (one row per date: holiday, temp_mean, rain_mm) supplies exogenous columns missing from
    ``df`` and the known calendar after the last day for ``config.future_days`` (without a calendar there is no
    forecast after the last day). ``fast=True`` uses ``ForecastConfig.fast()`` unless ``config`` is given.
    Series that cannot be modelled (too short for the backtest, a week without revenue) are left out and
    listed in ``notes``. Progress (stage, category k/n, epochs) goes to stderr unless ``verbose=False``.
    """
    config = config or (ForecastConfig.fast() if fast else ForecastConfig())
    cols = dict(id_col=id_col, date_col=date_col, target_col=target_col, exog_cols=exog_cols,
                weather_cols=weather_cols, calendar_date_col=calendar_date_col)
    clock = _Clock(verbose)
    series, config, hist, notes = prepare_chapter(df, calendar=calendar, config=config, cols=cols,
                                                  categories=categories, verbose=verbose)
    si = seasonal_index(hist, id_col=id_col, date_col=date_col, target_col=target_col)
    clock.lap("seasonal_index")
    rep = report_lstm(series, config, verbose=verbose)
    clock.lap("report_lstm")
    cv, future, bt_bank, bt_notes = run_backtest(series, config, rep["epochs"], verbose=verbose)
    clock.lap("backtest_and_future")
    sc = score_chapter(cv, future, hist, config, cols)
    dp = find_dips(sc["cv"], sc["future"], hist, sc["chosen"], config, cols)
    clock.lap("scoring_and_dips")
    trained = pd.concat([b.summary() for b in (rep["bank"], bt_bank) if b is not None], ignore_index=True)
    notes += rep["bank"].notes() + (bt_bank.notes() if bt_bank else []) + bt_notes
    return ForecastChapter(
        config=config, series=series, seasonal=si, ablation=rep["ablation"], epochs=rep["epochs"],
        history=rep["history"], holdout=scoring.add_intervals(rep["holdout"], sc["intervals"][
            sc["intervals"]["horizon"] <= config.test_days]), rmse=rep["rmse"], models_trained=trained,
        timings=clock.total(), notes=notes, id_col=id_col, date_col=date_col, target_col=target_col,
        **{k: sc[k] for k in ("cv", "metrics", "skill", "intervals", "coverage", "chosen", "future")}, **dp)


def _plain(df: pd.DataFrame, *, money_decimals: int = 0, decimals: int = 4) -> pd.DataFrame:
    """A data product's machine-friendly copy: dates at midnight (CSV writes them as plain dates, Parquet keeps
    a date-time type chapter 6 reads), KRW-valued columns rounded to whole won, other floats to ``decimals``."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.dt.normalize()
        elif pd.api.types.is_float_dtype(s):
            big = s.abs().max(skipna=True)
            out[c] = s.round(money_decimals if pd.notna(big) and big >= 1000 else decimals)
    return out


def daily_inputs(daily: pd.DataFrame, calendar: pd.DataFrame, chapter: ForecastChapter) -> pd.DataFrame:
    """``daily_revenue_inputs``: daily target per series with the calendar and the seasonal index."""
    c, d = chapter.id_col, chapter.date_col
    si = chapter.seasonal.per_date[[c, d, "seasonal_index"]]
    return daily.merge(calendar, on=d, how="left").merge(si, on=[c, d], how="left")


def products(chapter: ForecastChapter) -> dict[str, pd.DataFrame]:
    """Every data product of the chapter (name -> frame), plain dates and rounded values.

    ``demand_dips`` keeps its columns (chapter 6 reads it): ``<id>, cutoff, start, end, n_days, mean_drop_pct,
    max_drop_pct, source``; ``demand_model_choice``: ``<id>, chosen_model, mase_1_7d, mase_1_30d,
    naive_mase_1_7d, naive_mase_1_30d, horizon_days`` (the index page reads it).
    """
    ren = {"unique_id": chapter.id_col}
    out = {
        "seasonal_index": chapter.seasonal.table, "forecast_rmse": chapter.rmse.rename(columns=ren),
        "backtest_forecasts": chapter.cv, "backtest_metrics": chapter.metrics.rename(columns=ren),
        "chosen_models": chapter.chosen.rename(columns=ren),
        "demand_model_choice": model_choice(chapter.metrics, chapter.chosen, id_col=chapter.id_col),
        "interval_coverage": chapter.coverage.rename(columns=ren),
        "dip_alert_scores": chapter.alert_scores.rename(columns=ren),
        "demand_dip_days": chapter.dips, "demand_dips": chapter.dip_runs,
    }
    if chapter.future is not None:
        out["forecast_future"] = chapter.future
    return {name: _plain(df) for name, df in out.items()}
