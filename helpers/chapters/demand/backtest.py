"""Chapter 4 rolling-origin backtest and the forecast after the last day, for every model.

Every model is refitted at every origin on the days up to that origin only (seasonal index, scaling, holiday
effects and LightGBM trees included). Weather after an origin is what was known then (``config.weather``:
climatology by default); only ``LSTM_oracle`` sees the actual weather, and it is reported, never chosen.
Frames are tidy: ``unique_id, ds, cutoff, horizon, y, <model columns>``.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Mapping

import numpy as np
import pandas as pd

from helpers.chapters.demand.compute import ForecastConfig, _full_inputs, _recursive_lstm, _seed_keys
from helpers.chapters.demand.models.base import SEASON_LENGTH, SeriesArrays, progress, seasonal_naive
from helpers.chapters.demand.models.calendar import calendar_matrix
from helpers.chapters.demand.models.decomp import day_kinds, decomp_forecast
from helpers.chapters.demand.models.gbm import fit_global, predict_global
from helpers.chapters.demand.models.lstm import LSTMBank
from helpers.chapters.demand.models.statistical import sarimax_forecast, weekday_dummies
from helpers.common.threads import single_thread_blas

#: Calendar regressors added to the series' own exogenous columns for SARIMAX (holiday is already there).
SARIMAX_CALENDAR = ("long_holiday", "pre_long", "post_long")
ETSX_CALENDAR = ("holiday", "long_holiday", "pre_long", "post_long")


def _cutoffs(s: SeriesArrays, h: int, n_windows: int, step_size: int) -> list[int]:
    last = s.n_obs - 1 - h
    cuts = [last - step_size * (n_windows - 1 - i) for i in range(n_windows)]
    if cuts[0] < 3 * SEASON_LENGTH:
        raise ValueError(f"series '{s.uid}': {s.n_obs} days are too few for {n_windows} origins every {step_size} "
                         f"days with horizon {h} (first origin at day {cuts[0] + 1}); lower n_windows/step_size/h")
    return cuts


def fit_backtest_to_length(config: "ForecastConfig", n_obs: int) -> tuple["ForecastConfig", str | None]:
    """Shrink the backtest spacing (then the horizon) so ``n_windows`` origins fit a short window.

    A 92-day window cannot hold 8 weekly origins with a 30-day horizon after the 21-day minimum training
    span; rather than fail, the origins move closer together (down to daily) and, if that is not enough,
    the horizon shortens. The number of origins is kept. Returns the config and a note (None if unchanged).
    """
    min_first = 3 * SEASON_LENGTH
    h, step = config.h, config.step_size
    if n_obs - 1 - h - step * (config.n_windows - 1) >= min_first:
        return config, None
    step = max(1, (n_obs - 1 - h - min_first) // max(config.n_windows - 1, 1))
    while h > 1 and n_obs - 1 - h - step * (config.n_windows - 1) < min_first:
        h -= 1
    if n_obs - 1 - h - step * (config.n_windows - 1) < min_first:
        raise ValueError(f"{n_obs} days are too few for a {config.n_windows}-origin backtest: lower n_windows "
                         "or choose a longer window")
    test_days = min(config.test_days, h)
    note = (f"기간이 {n_obs}일로 짧아 백테스트 원점 간격을 {config.step_size}일→{step}일"
            + (f", 예측 길이를 {config.h}일→{h}일" if h != config.h else "") + "로 줄였습니다.")
    return replace(config, step_size=step, h=h, test_days=test_days), note




def backtest_origins(series: Mapping[str, SeriesArrays], config: ForecastConfig) -> list[tuple[str, int]]:
    """``(uid, origin position)`` of every backtest origin of every series."""
    return [(uid, c) for uid, s in series.items() for c in _cutoffs(s, config.h, config.n_windows, config.step_size)]


def holiday_of(s: SeriesArrays) -> np.ndarray:
    """The series' 0/1 holiday column over all its days (zeros when the table has no ``holiday`` column)."""
    if "holiday" in s.exog_names:
        return np.nan_to_num(s.exog[:, s.exog_names.index("holiday")])
    return np.zeros(len(s.dates))


def naive_forecasts(series, jobs, horizon) -> dict:
    """Seasonal naive (same weekday last week) from every origin."""
    return {(uid, c): {"SeasonalNaive": seasonal_naive(series[uid].y[: c + 1], horizon)} for uid, c in jobs}


def lstm_forecasts(series, jobs, horizon, *, config: ForecastConfig, bank: LSTMBank, oracle: bool) -> dict:
    """Recursive LSTM forecasts (seed mean) with known-at-origin weather, and with actual weather if ``oracle``."""
    cfg = config.lstm
    full = _full_inputs(series)
    keyed = [(uid, c, _seed_keys(uid, series[uid].dates[c], full, cfg.n_seeds)) for uid, c in jobs]
    bank.ensure(series, [k for _, _, ks in keyed for k in ks])
    out = {j: {} for j in jobs}
    modes = [("LSTM", config.weather)] + ([("LSTM_oracle", "oracle")] if oracle else [])
    for name, mode in modes:
        rec = _recursive_lstm(bank, series, keyed, horizon, mode, cfg.window, cfg.exog_lead)
        for j in jobs:
            out[j][name] = rec[j]
    return out


def _sarimax_exog(s: SeriesArrays, c: int, horizon: int, weather: str) -> tuple[np.ndarray, np.ndarray]:
    """Regressors up to the origin and after it: the series' exogenous columns (weather after the origin as
    known then) plus long-holiday, before- and after-long-holiday flags from the holiday calendar."""
    feats, _ = s.features(c)
    fut = s.known_exog(feats, c, np.arange(c + 1, c + horizon + 1), weather)[:, 1:]
    cal = calendar_matrix(holiday_of(s), names=SARIMAX_CALENDAR)
    return (np.column_stack([s.exog[: c + 1], cal[: c + 1]]),
            np.column_stack([fut, cal[c + 1 : c + horizon + 1]]))


def sarimax_forecasts(series, jobs, horizon, *, config: ForecastConfig, verbose: bool) -> tuple[dict, list[str]]:
    """SARIMAX per (series, origin) on log revenue with calendar regressors. Returns forecasts and notes."""
    import statsmodels.tsa.statespace.sarimax  # noqa: F401  (loads scipy's BLAS before limiting its threads)

    out, notes = {}, []
    uids = list(dict.fromkeys(u for u, _ in jobs))
    with single_thread_blas():
        for ui, uid in enumerate(uids, 1):
            progress(f"category {ui}/{len(uids)}: {uid} (SARIMAX)", verbose=verbose)
            s, warm = series[uid], {}
            for c in (c for u, c in jobs if u == uid):
                ex, ex_fut = _sarimax_exog(s, c, horizon, config.weather)
                fc, note = sarimax_forecast(s.y[: c + 1], ex, ex_fut, horizon, spec=config.sarimax, warm=warm)
                out[(uid, c)] = {"SARIMAX": fc}
                if note:
                    notes.append(f"{uid} @ {s.dates[c].date()}: {note}")
    return out, notes


def _etsx_exog(s: SeriesArrays, c: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Weekday dummies and the holiday calendar (all known in advance); no weather."""
    x = np.column_stack([weekday_dummies(s.day_of_week), calendar_matrix(holiday_of(s), names=ETSX_CALENDAR)])
    if len(x) < c + horizon + 1:
        raise ValueError(f"series '{s.uid}': calendar does not cover {horizon} days after {s.dates[c].date()}")
    return x[: c + 1], x[c + 1 : c + horizon + 1]


def etsx_forecasts(series, jobs, horizon, *, config: ForecastConfig, verbose: bool) -> tuple[dict, list[str]]:
    """Exponential smoothing of the log level with weekday and holiday regressors, per (series, origin)."""
    import statsmodels.tsa.statespace.sarimax  # noqa: F401  (loads scipy's BLAS before limiting its threads)

    out, notes = {}, []
    uids = list(dict.fromkeys(u for u, _ in jobs))
    with single_thread_blas():
        for ui, uid in enumerate(uids, 1):
            progress(f"category {ui}/{len(uids)}: {uid} (exponential smoothing + calendar)", verbose=verbose)
            s, warm = series[uid], {}
            for c in (c for u, c in jobs if u == uid):
                ex, ex_fut = _etsx_exog(s, c, horizon)
                fc, note = sarimax_forecast(s.y[: c + 1], ex, ex_fut, horizon, spec=config.etsx, warm=warm)
                out[(uid, c)] = {"ETSX": fc}
                if note:
                    notes.append(f"{uid} @ {s.dates[c].date()}: ETSX {note}")
    return out, notes


def gbm_forecasts(series, jobs, horizon, *, config: ForecastConfig, verbose: bool) -> tuple[dict, list[str]]:
    """One global LightGBM per origin date, fitted on every series' days up to that date."""
    cals = {uid: calendar_matrix(holiday_of(s)) for uid, s in series.items()}
    out, notes = {}, []
    dates = sorted({series[u].dates[c] for u, c in jobs})
    out.update({(u, c): {"GBM": np.full(horizon, np.nan)} for u, c in jobs})
    for i, day in enumerate(dates, 1):
        ends = {u: int(np.searchsorted(s.dates[: s.n_obs], day, side="right")) - 1 for u, s in series.items()}
        fit_on = [u for u in series if ends[u] >= config.gbm.first_origin + 1]
        if not fit_on:
            notes.append(f"GBM @ {day.date()}: fewer than {config.gbm.first_origin + 2} days before the origin")
            out.update({(u, c): {"GBM": np.full(horizon, np.nan)} for u, c in jobs if series[u].dates[c] == day})
            continue
        model, n_trees = fit_global([series[u].y[: series[u].n_obs] for u in fit_on], [cals[u] for u in fit_on],
                                    [ends[u] for u in fit_on], horizon, config.gbm)
        progress(f"origin {i}/{len(dates)}: {day.date()} (global LightGBM, {n_trees} trees)", verbose=verbose)
        notes.append(f"GBM @ {day.date()}: {n_trees} trees")
        for u, c in jobs:
            if series[u].dates[c] == day and c >= config.gbm.first_origin:
                out[(u, c)] = {"GBM": predict_global(model, series[u].y, cals[u], c, horizon, config.gbm)}
    return out, notes


def _panel(series: Mapping[str, SeriesArrays], uids: list[str], near: int):
    """All series on one daily date grid: ``(grid, Y (S, T) observed target or NaN, kinds (S, T), dow (T,))``."""
    lo = min(series[u].dates[0] for u in uids)
    hi = max(series[u].dates[-1] for u in uids)
    grid = pd.date_range(lo, hi, freq="D")
    Y, kinds = np.full((len(uids), len(grid)), np.nan), np.zeros((len(uids), len(grid)), dtype=int)
    for i, u in enumerate(uids):
        s = series[u]
        pos = grid.get_indexer(s.dates)
        Y[i, pos[: s.n_obs]] = s.y[: s.n_obs]
        kinds[i, pos] = day_kinds(holiday_of(s), near=near)
    return grid, Y, kinds, np.asarray(grid.day_of_week)


def decomp_forecasts(series, jobs, horizon, *, config: ForecastConfig, verbose: bool) -> tuple[dict, list[str]]:
    """The pooled decomposition (level × weekday × calendar) per origin date, fitted on every series' days up
    to that date; its half-lives and weekday window are chosen on an inner validation before the origin."""
    uids = list(series)
    grid, Y, kinds, dow = _panel(series, uids, config.decomp.near)
    out, notes = {}, []
    dates = sorted({series[u].dates[c] for u, c in jobs})
    for i, day in enumerate(dates, 1):
        end = int(grid.get_loc(day))
        if end + horizon >= len(grid):
            raise ValueError(f"decomposition: the calendar ends before {horizon} days after {day.date()}")
        fc, note = decomp_forecast(Y[:, : end + 1], kinds, dow, end, horizon, config.decomp)
        progress(f"origin {i}/{len(dates)}: {day.date()} (decomposition: {note})", verbose=verbose)
        notes.append(f"Decomp @ {day.date()}: {note}")
        for u, c in jobs:
            if series[u].dates[c] == day:
                out[(u, c)] = {"Decomp": fc[uids.index(u)]}
    return out, notes


def _tidy(series, jobs, horizon, columns: dict) -> pd.DataFrame:
    """One tidy frame from ``{(uid, origin): {model: forecast}}`` with the actual values where known."""
    frames = []
    for uid, c in jobs:
        s = series[uid]
        idx = np.arange(c + 1, c + horizon + 1)
        y = np.full(horizon, np.nan)
        known = idx < s.n_obs
        y[known] = s.y[idx[known]]
        frames.append(pd.DataFrame({"unique_id": uid, "ds": s.dates[idx], "cutoff": s.dates[c],
                                    "horizon": np.arange(1, horizon + 1), "y": y, **columns[(uid, c)]}))
    return pd.concat(frames, ignore_index=True)


def model_forecasts(series, jobs, horizon, *, config: ForecastConfig, bank: LSTMBank | None = None,
                    verbose: bool = True, oracle: bool = True) -> pd.DataFrame:
    """Forecasts of every model in ``config.models`` from every ``(uid, origin)`` job, tidy.

    ``Ensemble`` = mean of ``config.ensemble_of`` (when all are run). Notes (SARIMAX convergence, LightGBM tree
    counts) are in ``.attrs['notes']``.
    """
    out = {j: {} for j in jobs}
    notes: list[str] = []
    parts = [("SeasonalNaive", lambda: (naive_forecasts(series, jobs, horizon), [])),
             ("Decomp", lambda: decomp_forecasts(series, jobs, horizon, config=config, verbose=verbose)),
             ("ETSX", lambda: etsx_forecasts(series, jobs, horizon, config=config, verbose=verbose)),
             ("SARIMAX", lambda: sarimax_forecasts(series, jobs, horizon, config=config, verbose=verbose)),
             ("GBM", lambda: gbm_forecasts(series, jobs, horizon, config=config, verbose=verbose)),
             ("LSTM", lambda: (lstm_forecasts(series, jobs, horizon, config=config,
                                              bank=bank or LSTMBank(config.lstm, verbose=verbose), oracle=oracle), []))]
    seconds = {}
    for name, run in parts:
        if name in config.models:
            t0 = time.perf_counter()
            cols, more = run()
            seconds[name] = round(time.perf_counter() - t0, 2)
            progress(f"{name}: {len(jobs)} forecasts in {seconds[name]:.1f}s", verbose=verbose)
            notes += more
            for j in jobs:
                out[j].update(cols[j])
    if "Ensemble" in config.models and set(config.ensemble_of) <= set(config.models):
        for j in jobs:
            out[j]["Ensemble"] = np.mean([out[j][m] for m in config.ensemble_of], axis=0)
    res = _tidy(series, jobs, horizon, out)
    res.attrs["notes"] = notes
    res.attrs["seconds"] = seconds
    return res


def cross_validation(series: Mapping[str, SeriesArrays], *, config: ForecastConfig | None = None,
                     bank: LSTMBank | None = None, verbose: bool = True) -> pd.DataFrame:
    """Rolling-origin backtest: ``config.n_windows`` origins ``config.step_size`` days apart, the last one
    ``config.h`` days before each series' end; every model refitted on the days up to its origin only.

    Returns tidy ``unique_id, ds, cutoff, horizon, y`` + one column per model of ``config.models`` (and
    ``LSTM_oracle`` when the LSTM runs: actual weather after the origin, reported, never chosen).
    """
    config = config or ForecastConfig()
    return model_forecasts(series, backtest_origins(series, config), config.h, config=config, bank=bank,
                           verbose=verbose)


def forecast_future(series: Mapping[str, SeriesArrays], *, config: ForecastConfig | None = None,
                    bank: LSTMBank | None = None, verbose: bool = True) -> pd.DataFrame:
    """Forecast ``config.future_days`` days after each series' last observed day (series prepared with
    ``future_days``), weather = ``config.weather`` stand-in. Same columns as ``cross_validation`` (y is NaN,
    no ``LSTM_oracle``)."""
    config = config or ForecastConfig()
    h = config.future_days
    for s in series.values():
        if len(s.dates) - s.n_obs < h:
            raise ValueError(f"series '{s.uid}' has {len(s.dates) - s.n_obs} future calendar days, need {h}; "
                             "prepare_series(..., future_days=...) with a calendar that covers them")
    jobs = [(uid, s.n_obs - 1) for uid, s in series.items()]
    return model_forecasts(series, jobs, h, config=config, bank=bank, verbose=verbose, oracle=False)


def fixed_budget(config: ForecastConfig, epochs: int) -> ForecastConfig:
    """The config with backtest LSTMs trained for at most ``epochs`` epochs (best validation epoch kept)."""
    e = max(1, int(epochs))
    return replace(config, lstm=replace(config.lstm, max_epochs=e, min_epochs=min(e, config.lstm.min_epochs),
                                        patience=max(e, 1)))
