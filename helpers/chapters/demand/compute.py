"""Chapter 4: demand trend per category (report section 03) and what a forecast needs to be evidence.

Input is any long table of daily series: one row per (series, day), the target and exogenous columns, names
given as keyword arguments (defaults ``category, date, revenue`` and ``holiday, temp_mean, rain_mm``).
Every series must have one row per day without gaps (``complete_daily`` fills gaps with 0 on request).

Output naming. Frames produced by the forecasting pipeline follow the Nixtla convention so that one
``evaluate`` scores any of them: ``unique_id, ds, cutoff, horizon, y, <one column per model>`` (models:
``LSTM`` — weather known at forecast time, ``LSTM_oracle`` — actual weather, a stand-in for a perfect weather
forecast, ``SeasonalNaive``, ``SARIMAX``). Tables meant for people and for chapter 6 (seasonal index, dips)
use the caller's id/date column names.

Main entry point: ``run_chapter(df, calendar=..., fast=False)`` — seasonal index, input ablation, epoch choice,
1-step and recursive hold-out forecasts, rolling-origin backtest with baselines, metrics, skill, intervals,
model choice, the forecast after the last day and demand-dip alerts, with per-stage timings.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.chapters.demand.models import (
    SEASON_LENGTH,
    LSTMBank,
    LSTMConfig,
    ModelKey,
    SarimaxSpec,
    SeriesArrays,
    WindowPredictor,
    recursive_forecast,
    sarimax_forecast,
    seasonal_factors,
    seasonal_naive,
    single_thread_blas,
)
from helpers.common.checks import require_columns
from helpers.common.figures import use_korean_font
from helpers.common.formats import format_krw

__all__ = [
    "WEEKDAY_KO", "FEATURE_KO", "MODEL_KO", "LSTMConfig", "SarimaxSpec", "ForecastConfig", "LSTMBank",
    "SeasonalIndexResult", "ForecastChapter", "WindowPredictor", "recursive_forecast",
    "join_calendar", "complete_daily", "seasonal_index", "prepare_series", "input_ablation",
    "holdout_forecasts", "rmse_table", "rmse_report_table", "cross_validation", "forecast_future", "evaluate",
    "skill_scores", "prediction_intervals", "interval_coverage", "add_intervals", "choose_models",
    "detect_dips", "detect_actual_dips", "dip_runs", "run_chapter", "format_krw",
    "plot_seasonal_index", "plot_ablation", "plot_learning_curves", "plot_forecast", "plot_skill_heatmap",
    "plot_dips", "sentence_seasonal", "sentence_ablation", "sentence_epochs", "sentence_rmse",
    "sentence_weather", "sentence_skill", "sentence_coverage", "sentence_dips", "sentence_choice",
]

WEEKDAY_KO = ("일", "월", "화", "수", "목", "금", "토")  # report order: Sunday first
FEATURE_KO = {"revenue": "매출액", "seasonal_index": "계절지수", "holiday": "공휴일", "temp_mean": "평균기온",
              "rain_mm": "강수량"}
MODEL_KO = {"LSTM": "LSTM", "LSTM_oracle": "LSTM(실측 날씨)", "SeasonalNaive": "계절 나이브",
            "SARIMAX": "SARIMAX", "LSTM_1step": "LSTM 1스텝"}
SPAN_KO = {"1d": "1일", "1w": "1주", "1m": "1개월"}
NIXTLA_KEYS = ("unique_id", "ds", "cutoff", "horizon", "y")
DEFAULT_EXOG = ("holiday", "temp_mean", "rain_mm")
DEFAULT_WEATHER = ("temp_mean", "rain_mm")


def _ko_weekday(dayofweek) -> np.ndarray:
    """pandas dayofweek (Mon=0) -> position in the report's Sunday-first order."""
    return (np.asarray(dayofweek) + 1) % 7


# ==============================================================================================================
# Configuration
# ==============================================================================================================
@dataclass(frozen=True)
class ForecastConfig:
    """All chapter-4 settings; every threshold is a default, never a buried constant.

    ``fast()`` gives a small run (tiny LSTM, 3 origins, 14-day horizon, 3 categories) for tests and smoke runs.
    """

    lstm: LSTMConfig = field(default_factory=LSTMConfig)
    input_sets: tuple[tuple[str, ...], ...] | None = None  # None: revenue, then + one input at a time
    test_days: int = 30  # hold-out of the report-style 1-step / recursive evaluation
    h: int = 30  # backtest horizon
    n_windows: int = 8  # backtest origins
    step_size: int = 7  # days between origins
    future_days: int = 30  # forecast after the last observed day (0: none)
    weather: str = "climatology"  # what stands in for future weather: climatology | persistence
    levels: tuple[int, ...] = (80, 95)
    interval_pool: int = 3  # residuals of horizons k±pool pooled for horizon k
    selection_metric: str = "mase"
    # models allowed to make the forecast after the last day (and its dip alerts): they know the calendar;
    # seasonal naive would copy last week's holidays into next week
    future_models: tuple[str, ...] = ("LSTM", "SARIMAX")
    dip_threshold: float = 0.2
    dip_window: int = 28
    sarimax: SarimaxSpec = field(default_factory=SarimaxSpec)
    max_categories: int | None = None  # keep the largest N series by total target

    def __post_init__(self):
        if self.weather not in ("climatology", "persistence"):
            raise ValueError(f"ForecastConfig.weather must be 'climatology' or 'persistence', got {self.weather!r}")
        if self.selection_metric not in ("rmse", "mae", "mase"):
            raise ValueError(f"ForecastConfig.selection_metric must be rmse|mae|mase, got {self.selection_metric!r}")
        for name in ("test_days", "h", "n_windows", "step_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"ForecastConfig.{name} must be >= 1, got {getattr(self, name)}")
        if not 0 < self.dip_threshold < 1:
            raise ValueError(f"ForecastConfig.dip_threshold must be in (0, 1), got {self.dip_threshold}")
        if any(not 0 < lv < 100 for lv in self.levels):
            raise ValueError(f"ForecastConfig.levels must be percentages in (0, 100), got {self.levels}")

    @classmethod
    def fast(cls, **overrides) -> "ForecastConfig":
        base = dict(lstm=LSTMConfig.fast(), test_days=14, h=14, n_windows=3, step_size=7, future_days=14,
                    max_categories=3, sarimax=SarimaxSpec(maxiter=20))
        base.update(overrides)
        return cls(**base)


# ==============================================================================================================
# Input handling
# ==============================================================================================================


def join_calendar(
    df: pd.DataFrame,
    calendar: pd.DataFrame,
    *,
    date_col: str = "date",
    calendar_date_col: str = "date",
    columns: Sequence[str] = DEFAULT_EXOG,
) -> pd.DataFrame:
    """Add calendar columns (holiday 0/1, temp_mean, rain_mm, …) to a long daily table by date.

    ``calendar`` is one row per date (``helpers.data.external.calendar`` makes it). Columns already in ``df`` are
    replaced. Raises ValueError when a date of ``df`` has no calendar row or a calendar value is missing.
    """
    require_columns(df, [date_col], "join_calendar(df)")
    require_columns(calendar, [calendar_date_col, *columns], "join_calendar(calendar)")
    cal = calendar[[calendar_date_col, *columns]].copy()
    cal[calendar_date_col] = pd.to_datetime(cal[calendar_date_col]).dt.normalize()
    if cal[calendar_date_col].duplicated().any():
        raise ValueError("join_calendar: calendar has duplicate dates")
    cal = cal.rename(columns={calendar_date_col: "__date"})
    out = df.drop(columns=[c for c in columns if c in df.columns]).copy()
    out["__date"] = pd.to_datetime(out[date_col]).dt.normalize()
    out = out.merge(cal, on="__date", how="left", validate="many_to_one")
    bad = out[list(columns)].isna().any(axis=1)
    if bad.any():
        days = sorted(out.loc[bad, "__date"].dt.date.astype(str).unique())
        raise ValueError(f"join_calendar: no calendar values for {len(days)} date(s), e.g. {days[:5]}; "
                         "extend the calendar to cover the data")
    return out.drop(columns="__date")


def complete_daily(
    df: pd.DataFrame,
    *,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
    start=None,
    end=None,
) -> pd.DataFrame:
    """Every (series, day) from ``start`` (default: the series' first day) to ``end`` (default: its last day),
    missing days with target 0. Only ``id_col, date_col, target_col`` are kept (join the calendar afterwards)."""
    require_columns(df, [id_col, date_col, target_col], "complete_daily")
    d = df[[id_col, date_col, target_col]].copy()
    d[date_col] = pd.to_datetime(d[date_col]).dt.normalize()
    d = d.groupby([id_col, date_col], as_index=False, sort=False)[target_col].sum()
    parts = []
    for uid, g in d.groupby(id_col, sort=False):
        lo = pd.Timestamp(start) if start is not None else g[date_col].min()
        hi = pd.Timestamp(end) if end is not None else g[date_col].max()
        days = pd.date_range(lo, hi, freq="D")
        s = g.set_index(date_col)[target_col].reindex(days, fill_value=0.0)
        parts.append(pd.DataFrame({id_col: uid, date_col: days, target_col: s.to_numpy(dtype=float)}))
    return pd.concat(parts, ignore_index=True)


def _clean_long(df, *, id_col, date_col, target_col, cols) -> pd.DataFrame:
    require_columns(df, [id_col, date_col, target_col, *cols], "forecast input")
    if df.empty:
        raise ValueError("forecast input is empty: no rows in the date range")
    d = df[[id_col, date_col, target_col, *cols]].copy()
    d[id_col] = d[id_col].astype(str)
    d[date_col] = pd.to_datetime(d[date_col])
    if (d[date_col] != d[date_col].dt.normalize()).any():
        raise ValueError(f"column '{date_col}' must hold days (midnight timestamps), found times of day")
    for c in (target_col, *cols):
        if not pd.api.types.is_numeric_dtype(d[c]):
            raise ValueError(f"column '{c}' must be numeric, got {d[c].dtype}")
        d[c] = d[c].astype(float)
    if d[target_col].isna().any():
        raise ValueError(f"column '{target_col}' has {int(d[target_col].isna().sum())} missing values")
    dup = d.duplicated([id_col, date_col])
    if dup.any():
        r = d.loc[dup].iloc[0]
        raise ValueError(f"duplicate ({id_col}, {date_col}) rows, e.g. ({r[id_col]}, {r[date_col].date()}); "
                         "aggregate to one row per series and day first")
    d = d.sort_values([id_col, date_col], kind="stable")
    for uid, g in d.groupby(id_col, sort=False):
        gaps = g[date_col].diff().dt.days.iloc[1:]
        if (gaps != 1).any():
            at = g[date_col].iloc[1:][(gaps != 1).to_numpy()].iloc[0]
            raise ValueError(f"series '{uid}' is not daily without gaps (gap before {at.date()}); "
                             "use complete_daily() to fill missing days with 0")
    return d


def prepare_series(
    df: pd.DataFrame,
    *,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
    exog_cols: Sequence[str] = DEFAULT_EXOG,
    weather_cols: Sequence[str] = DEFAULT_WEATHER,
    calendar: pd.DataFrame | None = None,
    calendar_date_col: str = "date",
    future_days: int = 0,
    categories: Sequence[str] | None = None,
    max_categories: int | None = None,
) -> dict[str, SeriesArrays]:
    """Validate a long table and turn it into per-series arrays (the model layer's input).

    Exogenous columns missing from ``df`` are joined from ``calendar``; ``future_days`` > 0 appends that many
    calendar days after each series' last day (target unknown) for forecasting past the data — the calendar
    must cover them. ``categories`` / ``max_categories`` (largest by total target) select series.
    """
    exog_cols = tuple(exog_cols)
    weather_cols = tuple(weather_cols)
    if not set(weather_cols) <= set(exog_cols):
        raise ValueError(f"weather_cols {weather_cols} must be among exog_cols {exog_cols}")
    if calendar is not None:
        need = [c for c in exog_cols if c not in df.columns]
        if need:
            df = join_calendar(df, calendar, date_col=date_col, calendar_date_col=calendar_date_col, columns=need)
    d = _clean_long(df, id_col=id_col, date_col=date_col, target_col=target_col, cols=exog_cols)
    if d[list(exog_cols)].isna().any().any():
        bad = d.loc[d[list(exog_cols)].isna().any(axis=1), date_col].iloc[0]
        raise ValueError(f"exogenous inputs {list(exog_cols)} missing on {bad.date()}; fix the calendar")
    totals = d.groupby(id_col, sort=False)[target_col].sum()
    order = list(totals.index)
    if categories is not None:
        unknown = [c for c in categories if c not in order]
        if unknown:
            raise ValueError(f"categories {unknown} not in column '{id_col}'; known: {order[:20]}")
        order = [c for c in order if c in set(categories)]
    if max_categories is not None:
        keep = set(totals.loc[order].sort_values(ascending=False).index[:max_categories])
        order = [c for c in order if c in keep]
    cal = None
    if future_days > 0:
        if calendar is None:
            raise ValueError("future_days > 0 needs a calendar covering the days after the data "
                             "(holidays known in advance); pass calendar= or set future_days=0")
        require_columns(calendar, [calendar_date_col, *exog_cols], "calendar")
        cal = calendar.copy()
        cal[calendar_date_col] = pd.to_datetime(cal[calendar_date_col]).dt.normalize()
        cal = cal.drop_duplicates(calendar_date_col).set_index(calendar_date_col)
    out: dict[str, SeriesArrays] = {}
    w_idx = tuple(exog_cols.index(c) for c in weather_cols)
    for uid in order:
        g = d[d[id_col] == uid]
        dates = pd.DatetimeIndex(g[date_col])
        y = g[target_col].to_numpy(dtype=float)
        exog = g[list(exog_cols)].to_numpy(dtype=float)
        n_obs = len(y)
        if future_days > 0:
            fut = pd.date_range(dates[-1] + pd.Timedelta(days=1), periods=future_days, freq="D")
            missing = fut.difference(cal.index)
            if len(missing):
                raise ValueError(f"calendar does not cover {len(missing)} day(s) after the data "
                                 f"(from {missing[0].date()}); extend it by future_days={future_days}")
            fx = cal.loc[fut, list(exog_cols)].to_numpy(dtype=float)
            known = [i for i in range(len(exog_cols)) if i not in w_idx]
            if np.isnan(fx[:, known]).any():
                raise ValueError("calendar has missing non-weather values (e.g. holiday) after the data")
            dates = dates.append(fut)
            y = np.concatenate([y, np.full(future_days, np.nan)])
            exog = np.vstack([exog, fx])
        out[uid] = SeriesArrays(uid=uid, dates=dates, y=y, exog=exog, exog_names=exog_cols, weather_idx=w_idx,
                                n_obs=n_obs)
    return out


# ==============================================================================================================
# Seasonal index
# ==============================================================================================================
@dataclass
class SeasonalIndexResult:
    """Seasonal index per series.

    Attributes
    ----------
    table
        Long, 7 rows per series in the report's order (일..토): ``<id_col>, weekday (0=일..6=토),
        weekday_ko, specific_mean, seasonal_index, n_specific``.
    per_date
        ``<id_col>, <date_col>, <target_col>, cma, specific_index, seasonal_index`` for every day fitted.
    """

    table: pd.DataFrame
    per_date: pd.DataFrame
    id_col: str
    date_col: str
    target_col: str

    def transform(self, df: pd.DataFrame, *, column: str = "seasonal_index") -> pd.DataFrame:
        """Copy of ``df`` with the index of each row's weekday — works for any date (e.g. future days), so an
        index fitted on a training window is applied without looking at later data."""
        require_columns(df, [self.id_col, self.date_col], "SeasonalIndexResult.transform")
        out = df.copy()
        key = pd.DataFrame({self.id_col: out[self.id_col].astype(str),
                            "weekday": _ko_weekday(pd.to_datetime(out[self.date_col]).dt.day_of_week)})
        lut = self.table.set_index([self.id_col, "weekday"])["seasonal_index"]
        vals = lut.reindex(pd.MultiIndex.from_frame(key)).to_numpy()
        if np.isnan(vals).any():
            raise ValueError(f"no seasonal index fitted for some {self.id_col} values in df")
        out[column] = vals
        return out

    def wide(self) -> pd.DataFrame:
        """The report's table: rows 일..토 + 총합계, columns (series, 특정계절지수 평균 | 계절지수)."""
        t = self.table.pivot(index="weekday_ko", columns=self.id_col, values=["specific_mean", "seasonal_index"])
        t = t.reindex(list(WEEKDAY_KO))
        t.loc["총합계"] = t.sum()
        t = t.rename(columns={"specific_mean": "특정계절지수 평균", "seasonal_index": "계절지수"}, level=0)
        return t.swaplevel(0, 1, axis=1).sort_index(axis=1, level=0, sort_remaining=False)


def seasonal_index(
    df: pd.DataFrame,
    *,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
    end=None,
) -> SeasonalIndexResult:
    """Seasonal index with 7 seasons (weekdays) per series, as in the report.

    Centered 7-term moving average (CMA), specific index Y/CMA, mean per weekday, normalised so the seven sum
    to 7. ``end`` (inclusive) restricts the fit to a training window; apply it to other days with
    ``.transform``.

    Raises
    ------
    ValueError
        A series shorter than 14 days (names it and its length), a non-positive CMA, gaps or duplicates.
    """
    d = _clean_long(df, id_col=id_col, date_col=date_col, target_col=target_col, cols=())
    if end is not None:
        d = d[d[date_col] <= pd.Timestamp(end)]
    tables, per = [], []
    for uid, g in d.groupby(id_col, sort=False):
        dates = pd.DatetimeIndex(g[date_col])
        y = g[target_col].to_numpy(dtype=float)
        sf = seasonal_factors(y, dates.day_of_week, name=str(uid))
        ko = _ko_weekday(np.arange(7))  # dayofweek 0..6 -> report position
        t = pd.DataFrame({id_col: uid, "weekday": ko, "weekday_ko": [WEEKDAY_KO[k] for k in ko],
                          "specific_mean": sf.specific_mean, "seasonal_index": sf.index,
                          "n_specific": sf.n_specific})
        tables.append(t.sort_values("weekday"))
        per.append(pd.DataFrame({id_col: uid, date_col: dates, target_col: y, "cma": sf.cma,
                                 "specific_index": sf.specific, "seasonal_index": sf.index[dates.day_of_week]}))
    if not tables:
        raise ValueError("seasonal_index: no rows (check the date range)")
    return SeasonalIndexResult(table=pd.concat(tables, ignore_index=True), per_date=pd.concat(per, ignore_index=True),
                               id_col=id_col, date_col=date_col, target_col=target_col)


# ==============================================================================================================
# LSTM: ablation, hold-out (report) forecasts
# ==============================================================================================================
def _input_sets(series: Mapping[str, SeriesArrays], config: ForecastConfig) -> list[tuple[str, ...]]:
    names = next(iter(series.values())).feature_names()
    if config.input_sets is not None:
        sets = [tuple(s) for s in config.input_sets]
        for s in sets:
            if "revenue" not in s or not set(s) <= set(names):
                raise ValueError(f"input set {s} must include 'revenue' and only {names}")
        return sets
    return [tuple(names[: i + 1]) for i in range(len(names))]


def _full_inputs(series: Mapping[str, SeriesArrays]) -> tuple[str, ...]:
    return next(iter(series.values())).feature_names()


def _holdout_cutoff(s: SeriesArrays, test_days: int) -> pd.Timestamp:
    if s.n_obs - test_days < 1:
        raise ValueError(f"series '{s.uid}' has {s.n_obs} days, fewer than test_days={test_days}")
    return s.dates[s.n_obs - 1 - test_days]


def input_ablation(
    series: Mapping[str, SeriesArrays],
    *,
    config: ForecastConfig | None = None,
    bank: LSTMBank | None = None,
    verbose: bool = True,
) -> pd.DataFrame:
    """Validation loss of the LSTM per input combination per series (the report's ablation table).

    One model per (series, input set), trained on the days before the hold-out (last ``test_days``) with
    early stopping. Returns long ``unique_id, step, inputs, inputs_ko, added, val_loss, val_rmse,
    chosen_epoch`` where ``val_loss`` is the MSE of the standardised target and ``val_rmse`` the validation
    RMSE in target units, both at the chosen epoch.
    """
    config = config or ForecastConfig()
    bank = bank or LSTMBank(config.lstm, verbose=verbose)
    sets = _input_sets(series, config)
    bank.ensure(series, _ablation_keys(series, config))
    summ = bank.summary().set_index(["unique_id", "cutoff", "inputs", "seed"])
    rows = []
    for uid, s in series.items():
        cut = _holdout_cutoff(s, config.test_days)
        for step, inp in enumerate(sets):
            r = summ.loc[(uid, cut, "+".join(inp), 0)]
            added = inp[-1] if step else "revenue"
            rows.append({"unique_id": uid, "step": step, "inputs": "+".join(inp),
                         "inputs_ko": " + ".join(FEATURE_KO.get(x, x) for x in inp),
                         "added": FEATURE_KO.get(added, added), "val_loss": r["val_loss"],
                         "val_rmse": float(r["val_rmse"]),
                         "chosen_epoch": int(r["chosen_epoch"])})
    return pd.DataFrame(rows)


def _seed_keys(uid, cutoff, inputs, n_seeds) -> list[ModelKey]:
    return [ModelKey(uid, cutoff, inputs, s) for s in range(n_seeds)]


def _ablation_keys(series, config) -> list[ModelKey]:
    """Seed 0 of every input set at the hold-out cutoff (the ablation is a one-seed comparison)."""
    sets = _input_sets(series, config)
    return [ModelKey(uid, _holdout_cutoff(s, config.test_days), inp) for uid, s in series.items() for inp in sets]


def _holdout_keys(series, config) -> list[ModelKey]:
    full = _full_inputs(series)
    return [k for u, s in series.items()
            for k in _seed_keys(u, _holdout_cutoff(s, config.test_days), full, config.lstm.n_seeds)]


def _recursive_lstm(bank, series, jobs, horizon, weather, window, lead) -> dict[tuple, np.ndarray]:
    """jobs: list of (uid, cutoff_pos, keys). Returns {(uid, cutoff_pos): (horizon,) seed-mean forecast}."""
    all_keys, hist, exog, owner = [], [], [], []
    for uid, c, keys in jobs:
        s = series[uid]
        feats, _ = s.features(c)
        days = np.arange(c - window + 1, c + horizon + lead)
        ex = s.known_exog(feats, c, days, weather)
        for k in keys:
            all_keys.append(k)
            hist.append(s.y[c - window + 1 : c + 1])
            exog.append(ex)
            owner.append((uid, c))
    fc = recursive_forecast(bank.predictor(all_keys), np.array(hist), np.array(exog), horizon, exog_lead=lead)
    out: dict[tuple, list] = {}
    for o, row in zip(owner, fc):
        out.setdefault(o, []).append(row)
    return {o: np.mean(rows, axis=0) for o, rows in out.items()}


def holdout_forecasts(
    series: Mapping[str, SeriesArrays],
    *,
    config: ForecastConfig | None = None,
    bank: LSTMBank | None = None,
    verbose: bool = True,
) -> pd.DataFrame:
    """The report's evaluation on the last ``test_days`` days, models trained on the days before.

    Returns ``unique_id, ds, cutoff, horizon, y`` plus
    ``LSTM_1step`` (one day ahead from actual revenue, actual weather of the target day — the report's setup),
    ``LSTM_1step_known`` (same, target-day weather replaced by what is known the day before),
    ``LSTM_oracle`` (recursive from the cutoff, actual weather: flatters the model),
    ``LSTM`` (recursive, weather = ``config.weather`` stand-in), ``SeasonalNaive`` (recursive) and
    ``SeasonalNaive_1step`` (same weekday last week, actual).
    """
    config = config or ForecastConfig()
    cfg = config.lstm
    bank = bank or LSTMBank(cfg, verbose=verbose)
    full = _full_inputs(series)
    w, lead, H = cfg.window, cfg.exog_lead, config.test_days
    jobs, keys = [], []
    for uid, s in series.items():
        c = s.position(_holdout_cutoff(s, H))
        ks = _seed_keys(uid, s.dates[c], full, cfg.n_seeds)
        keys += ks
        jobs.append((uid, c, ks))
    bank.ensure(series, keys)
    rec = {m: _recursive_lstm(bank, series, jobs, H, m, w, lead) for m in ("oracle", config.weather)}
    # one-step: every target day t uses actual revenue up to t-1
    frames = []
    win_o, win_k, owner = [], [], []
    for uid, c, ks in jobs:
        s = series[uid]
        feats, _ = s.features(c)
        targets = np.arange(c + 1, c + H + 1)
        for t in targets:
            rev = s.y[t - w : t]
            days = np.arange(t - w + lead, t + lead)
            for store, mode in ((win_o, "oracle"), (win_k, config.weather)):
                store.append(np.column_stack([rev, s.known_exog(feats, t - 1, days, mode)]))
        owner.append((uid, c, ks, targets))
    offset = 0
    for uid, c, ks, targets in owner:
        s = series[uid]
        n = len(targets)
        wo = np.array(win_o[offset : offset + n])
        wk = np.array(win_k[offset : offset + n])
        offset += n
        pred = bank.predictor(ks)
        p_o = pred.predict(np.repeat(wo[:, None], len(ks), axis=1)).mean(axis=1)
        p_k = pred.predict(np.repeat(wk[:, None], len(ks), axis=1)).mean(axis=1)
        frames.append(pd.DataFrame({
            "unique_id": uid, "ds": s.dates[targets], "cutoff": s.dates[c], "horizon": np.arange(1, n + 1),
            "y": s.y[targets], "LSTM_1step": p_o, "LSTM_1step_known": p_k,
            "LSTM_oracle": rec["oracle"][(uid, c)], "LSTM": rec[config.weather][(uid, c)],
            "SeasonalNaive": seasonal_naive(s.y[: c + 1], n), "SeasonalNaive_1step": s.y[targets - SEASON_LENGTH],
        }))
    return pd.concat(frames, ignore_index=True)


def _rmse(e) -> float:
    e = np.asarray(e, dtype=float)
    e = e[~np.isnan(e)]
    return float(np.sqrt(np.mean(e**2))) if len(e) else np.nan


def rmse_table(holdout: pd.DataFrame) -> pd.DataFrame:
    """The report's RMSE table, long: ``unique_id, model, span, rmse, mean_y, rmse_pct``.

    span ``1d`` = one-day-ahead forecasts over the whole hold-out; ``1w`` / ``1m`` = recursive forecasts over the
    first 7 / all hold-out days. model ``LSTM_oracle`` uses actual weather (the report's setup), ``LSTM`` only
    what is known at forecast time, ``SeasonalNaive`` is the baseline. ``rmse_pct`` = rmse / mean_y × 100.
    """
    cols = {"LSTM_oracle": ("LSTM_1step", "LSTM_oracle"), "LSTM": ("LSTM_1step_known", "LSTM"),
            "SeasonalNaive": ("SeasonalNaive_1step", "SeasonalNaive")}
    rows = []
    for uid, g in holdout.groupby("unique_id", sort=False):
        for model, (one, rec) in cols.items():
            for span, sel, col in (("1d", g["horizon"] >= 1, one), ("1w", g["horizon"] <= 7, rec),
                                   ("1m", g["horizon"] >= 1, rec)):
                part = g[sel]
                r = _rmse(part[col] - part["y"])
                mean_y = float(part["y"].mean())
                rows.append({"unique_id": uid, "model": model, "span": span, "rmse": r, "mean_y": mean_y,
                             "rmse_pct": 100 * r / mean_y if mean_y else np.nan})
    return pd.DataFrame(rows)


def rmse_report_table(rmse_long: pd.DataFrame, *, model: str = "LSTM_oracle", unit: float = 1_000) -> pd.DataFrame:
    """Wide display of ``rmse_table`` like the report (rows 1일/1주/1개월, one column per series, in ``unit``
    — thousands of KRW by default)."""
    t = rmse_long[rmse_long["model"] == model].pivot(index="span", columns="unique_id", values="rmse") / unit
    t = t.reindex(["1d", "1w", "1m"])
    t.index = [SPAN_KO[s] for s in t.index]
    return t


# ==============================================================================================================
# Backtest and forecasts past the data
# ==============================================================================================================
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


def _model_forecasts(series, cut_jobs, horizon, *, config, bank, models, verbose, oracle=True) -> pd.DataFrame:
    """cut_jobs: list of (uid, cutoff_pos). Forecasts of every model from every origin, tidy."""
    cfg = config.lstm
    full = _full_inputs(series)
    out = {j: {} for j in cut_jobs}
    if "LSTM" in models:
        jobs = [(uid, c, _seed_keys(uid, series[uid].dates[c], full, cfg.n_seeds)) for uid, c in cut_jobs]
        bank.ensure(series, [k for _, _, ks in jobs for k in ks])
        modes = [("LSTM", config.weather)] + ([("LSTM_oracle", "oracle")] if oracle else [])
        for name, mode in modes:
            rec = _recursive_lstm(bank, series, jobs, horizon, mode, cfg.window, cfg.exog_lead)
            for j in cut_jobs:
                out[j][name] = rec[j]
    if "SeasonalNaive" in models:
        for uid, c in cut_jobs:
            out[(uid, c)]["SeasonalNaive"] = seasonal_naive(series[uid].y[: c + 1], horizon)
    notes = []
    if "SARIMAX" in models:
        import statsmodels.tsa.statespace.sarimax  # noqa: F401  (loads scipy's BLAS before limiting its threads)

        uids = list(dict.fromkeys(u for u, _ in cut_jobs))
        with single_thread_blas():
            _sarimax_all(series, cut_jobs, uids, horizon, config, out, notes, verbose)
    frames = []
    for (uid, c), cols in out.items():
        s = series[uid]
        idx = np.arange(c + 1, c + horizon + 1)
        y = np.full(horizon, np.nan)
        known = idx < s.n_obs
        y[known] = s.y[idx[known]]
        frames.append(pd.DataFrame({"unique_id": uid, "ds": s.dates[idx], "cutoff": s.dates[c],
                                    "horizon": np.arange(1, horizon + 1), "y": y, **cols}))
    res = pd.concat(frames, ignore_index=True)
    res.attrs["notes"] = notes
    return res


def _sarimax_all(series, cut_jobs, uids, horizon, config, out, notes, verbose) -> None:
    """SARIMAX per (series, origin): fitted on days <= origin, future weather = the known-at-origin stand-in."""
    for ui, uid in enumerate(uids, 1):
        if verbose:
            print(f"category {ui}/{len(uids)}: {uid} (SARIMAX)")
        s = series[uid]
        for u, c in cut_jobs:
            if u != uid:
                continue
            feats, _ = s.features(c)
            fut = s.known_exog(feats, c, np.arange(c + 1, c + horizon + 1), config.weather)[:, 1:]
            fc, note = sarimax_forecast(s.y[: c + 1], s.exog[: c + 1], fut, horizon, spec=config.sarimax)
            out[(uid, c)]["SARIMAX"] = fc
            if note:
                notes.append(f"{uid} @ {s.dates[c].date()}: {note}")


def cross_validation(
    series: Mapping[str, SeriesArrays],
    *,
    config: ForecastConfig | None = None,
    bank: LSTMBank | None = None,
    models: Sequence[str] = ("LSTM", "SeasonalNaive", "SARIMAX"),
    verbose: bool = True,
) -> pd.DataFrame:
    """Rolling-origin backtest: ``config.n_windows`` origins ``config.step_size`` days apart, the last one
    ``config.h`` days before each series' end; every model is refitted on the days up to its origin only
    (seasonal index and scaling included) and forecasts ``h`` days.

    Returns tidy ``unique_id, ds, cutoff, horizon, y, LSTM, LSTM_oracle, SeasonalNaive, SARIMAX`` (models as
    requested; ``LSTM_oracle`` uses actual weather after the origin and is reported, not selected).
    SARIMAX convergence notes are in ``.attrs['notes']``.
    """
    config = config or ForecastConfig()
    bank = bank or LSTMBank(config.lstm, verbose=verbose)
    unknown = set(models) - {"LSTM", "SeasonalNaive", "SARIMAX"}
    if unknown:
        raise ValueError(f"unknown model(s) {sorted(unknown)}; choose from LSTM, SeasonalNaive, SARIMAX")
    jobs = [(uid, c) for uid, s in series.items() for c in _cutoffs(s, config.h, config.n_windows, config.step_size)]
    return _model_forecasts(series, jobs, config.h, config=config, bank=bank, models=models, verbose=verbose)


def forecast_future(
    series: Mapping[str, SeriesArrays],
    *,
    config: ForecastConfig | None = None,
    bank: LSTMBank | None = None,
    models: Sequence[str] = ("LSTM", "SeasonalNaive", "SARIMAX"),
    verbose: bool = True,
) -> pd.DataFrame:
    """Forecast ``config.future_days`` days after each series' last observed day (series prepared with
    ``future_days``), weather = ``config.weather`` stand-in. Same columns as ``cross_validation`` (y is NaN,
    no ``LSTM_oracle``)."""
    config = config or ForecastConfig()
    bank = bank or LSTMBank(config.lstm, verbose=verbose)
    h = config.future_days
    for s in series.values():
        if len(s.dates) - s.n_obs < h:
            raise ValueError(f"series '{s.uid}' has {len(s.dates) - s.n_obs} future calendar days, need {h}; "
                             "prepare_series(..., future_days=...) with a calendar that covers them")
    jobs = [(uid, s.n_obs - 1) for uid, s in series.items()]
    return _model_forecasts(series, jobs, h, config=config, bank=bank, models=models, verbose=verbose, oracle=False)


# ==============================================================================================================
# Evaluation, skill, intervals, model choice
# ==============================================================================================================
def _model_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in NIXTLA_KEYS and "-lo-" not in c and "-hi-" not in c]


def default_buckets(h: int) -> tuple[tuple[int, int], ...]:
    """(1, 1), (1, 7), (1, h) — 1 day, first week, whole horizon."""
    return tuple(dict.fromkeys(b for b in ((1, 1), (1, min(7, h)), (1, h))))


def _bucket_label(b: tuple[int, int]) -> str:
    return f"{b[0]}d" if b[0] == b[1] else f"{b[0]}-{b[1]}d"


def _widest_bucket(labels) -> str:
    return max(pd.unique(pd.Series(labels)), key=lambda b: int(b.rstrip("d").split("-")[-1]))


def evaluate(
    cv: pd.DataFrame,
    history: pd.DataFrame,
    *,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
    buckets: Sequence[tuple[int, int]] | None = None,
    season_length: int = SEASON_LENGTH,
) -> pd.DataFrame:
    """RMSE, MAE and MASE of every model column of a tidy forecast frame, per series and horizon bucket.

    MASE scales each absolute error by the in-sample seasonal-naive MAE (lag ``season_length``) of the
    training window of its own cutoff (days ``<= cutoff`` of ``history``).

    Returns long ``unique_id, model, bucket, rmse, mae, mase, n`` (``bucket`` like ``1d``, ``1-7d``, ``1-30d``).
    """
    require_columns(cv, NIXTLA_KEYS, "evaluate(cv)")
    hist = _clean_long(history, id_col=id_col, date_col=date_col, target_col=target_col, cols=())
    scales = {}
    for (uid, cut) in cv[["unique_id", "cutoff"]].drop_duplicates().itertuples(index=False):
        y = hist.loc[(hist[id_col] == uid) & (hist[date_col] <= cut), target_col].to_numpy()
        if len(y) <= season_length:
            raise ValueError(f"evaluate: series '{uid}' has {len(y)} days up to {cut.date()}, "
                             f"need > {season_length} for the MASE scale")
        sc = np.mean(np.abs(y[season_length:] - y[:-season_length]))
        scales[(uid, cut)] = sc if sc > 0 else np.nan
    data = cv[cv["y"].notna()].copy()
    data["scale"] = [scales[k] for k in zip(data["unique_id"], data["cutoff"])]
    buckets = buckets or default_buckets(int(data["horizon"].max()))
    rows = []
    for model in _model_columns(cv):
        err = data[model] - data["y"]
        for b in buckets:
            sel = data["horizon"].between(b[0], b[1]) & err.notna()
            part = data[sel].assign(err=err[sel])
            for uid, g in part.groupby("unique_id", sort=False):
                e = g["err"].to_numpy()
                rows.append({"unique_id": uid, "model": model, "bucket": _bucket_label(b),
                             "rmse": float(np.sqrt(np.mean(e**2))), "mae": float(np.mean(np.abs(e))),
                             "mase": float(np.mean(np.abs(e) / g["scale"].to_numpy())), "n": len(e)})
    return pd.DataFrame(rows, columns=["unique_id", "model", "bucket", "rmse", "mae", "mase", "n"])


def skill_scores(metrics: pd.DataFrame, *, baseline: str = "SeasonalNaive", metric: str = "rmse") -> pd.DataFrame:
    """Skill vs a baseline: ``1 − metric_model / metric_baseline`` (> 0: better than the baseline).

    Returns long ``unique_id, model, bucket, <metric>, baseline, skill`` for every model but the baseline.
    """
    base = metrics[metrics["model"] == baseline][["unique_id", "bucket", metric]].rename(columns={metric: "baseline"})
    if base.empty:
        raise ValueError(f"skill_scores: baseline model '{baseline}' not in metrics")
    out = metrics[metrics["model"] != baseline][["unique_id", "model", "bucket", metric]].merge(
        base, on=["unique_id", "bucket"], how="left")
    out["skill"] = 1 - out[metric] / out["baseline"]
    return out


def _residual_matrix(cv: pd.DataFrame, model: str) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """{uid: (cutoffs, residuals (n_cut, H) = y − forecast, forecasts)}."""
    out = {}
    for uid, g in cv.groupby("unique_id", sort=False):
        res = g.pivot(index="cutoff", columns="horizon", values="y") - g.pivot(index="cutoff", columns="horizon",
                                                                               values=model)
        out[uid] = (res.index.to_numpy(), res.to_numpy(dtype=float), res.columns.to_numpy())
    return out


def _offsets(res: np.ndarray, horizons: np.ndarray, levels, pool) -> list[dict]:
    rows = []
    for j, k in enumerate(horizons):
        sel = (horizons >= k - pool) & (horizons <= k + pool)
        r = res[:, sel].ravel()
        r = r[~np.isnan(r)]
        for lv in levels:
            a = (1 - lv / 100) / 2
            lo, hi = (np.quantile(r, [a, 1 - a]) if len(r) else (np.nan, np.nan))
            rows.append({"horizon": int(k), "level": int(lv), "lo": float(lo), "hi": float(hi), "n_resid": len(r)})
    return rows


def prediction_intervals(
    cv: pd.DataFrame, *, models: Sequence[str] | None = None, levels: Sequence[int] = (80, 95), pool: int = 3
) -> pd.DataFrame:
    """Empirical prediction intervals from backtest residuals (y − forecast), per series, model and horizon.

    For horizon k the residuals of horizons k−pool … k+pool over all origins are pooled and their
    (1−level)/2 and 1−(1−level)/2 quantiles become additive offsets.
    Returns long ``unique_id, model, horizon, level, lo, hi, n_resid``.
    """
    models = list(models) if models is not None else _model_columns(cv)
    rows = []
    for model in models:
        for uid, (_, res, hz) in _residual_matrix(cv[cv["y"].notna()], model).items():
            rows += [{"unique_id": uid, "model": model, **r} for r in _offsets(res, hz, levels, pool)]
    return pd.DataFrame(rows, columns=["unique_id", "model", "horizon", "level", "lo", "hi", "n_resid"])


def add_intervals(forecasts: pd.DataFrame, intervals: pd.DataFrame) -> pd.DataFrame:
    """Copy of a tidy forecast frame with ``<model>-lo-<level>`` and ``<model>-hi-<level>`` columns."""
    out = forecasts.copy()
    for (model, lv), g in intervals.groupby(["model", "level"], sort=False):
        if model not in out.columns:
            continue
        m = out[["unique_id", "horizon"]].merge(g[["unique_id", "horizon", "lo", "hi"]],
                                                on=["unique_id", "horizon"], how="left")
        out[f"{model}-lo-{lv}"] = out[model].to_numpy() + m["lo"].to_numpy()
        out[f"{model}-hi-{lv}"] = out[model].to_numpy() + m["hi"].to_numpy()
    return out


def interval_coverage(
    cv: pd.DataFrame, *, models: Sequence[str] | None = None, levels: Sequence[int] = (80, 95), pool: int = 3
) -> pd.DataFrame:
    """Honest coverage of the empirical intervals: each origin is scored with intervals built from the other
    origins' residuals only (leave-one-origin-out). Returns ``unique_id, model, level, coverage, n``."""
    models = list(models) if models is not None else _model_columns(cv)
    rows = []
    for model in models:
        for uid, (cuts, res, hz) in _residual_matrix(cv[cv["y"].notna()], model).items():
            inside = {lv: [] for lv in levels}
            for i in range(len(cuts)):
                others = np.delete(res, i, axis=0)
                for r in _offsets(others, hz, levels, pool):
                    e = res[i, list(hz).index(r["horizon"])]
                    if not np.isnan(e) and not np.isnan(r["lo"]):
                        inside[r["level"]].append(r["lo"] <= e <= r["hi"])
            for lv in levels:
                v = inside[lv]
                rows.append({"unique_id": uid, "model": model, "level": int(lv),
                             "coverage": float(np.mean(v)) if v else np.nan, "n": len(v)})
    return pd.DataFrame(rows, columns=["unique_id", "model", "level", "coverage", "n"])


def choose_models(
    metrics: pd.DataFrame, *, bucket: str | None = None, metric: str = "mase",
    exclude: Sequence[str] = ("LSTM_oracle",),
) -> pd.DataFrame:
    """Best model per series on ``metric`` in ``bucket`` (default: the widest bucket). Models that use
    information not known at forecast time (``LSTM_oracle``) are excluded.
    Returns ``unique_id, bucket, model, <metric>, runner_up, runner_up_<metric>``."""
    if bucket is None:
        bucket = _widest_bucket(metrics["bucket"])
    m = metrics[(metrics["bucket"] == bucket) & ~metrics["model"].isin(exclude)].dropna(subset=[metric])
    rows = []
    for uid, g in m.groupby("unique_id", sort=False):
        g = g.sort_values(metric)
        rows.append({"unique_id": uid, "bucket": bucket, "model": g["model"].iloc[0], metric: g[metric].iloc[0],
                     "runner_up": g["model"].iloc[1] if len(g) > 1 else None,
                     f"runner_up_{metric}": g[metric].iloc[1] if len(g) > 1 else np.nan})
    return pd.DataFrame(rows)


# ==============================================================================================================
# Demand dips
# ==============================================================================================================
def _usual_from(y, dow, origin, window, name) -> tuple[np.ndarray, float]:
    sf = seasonal_factors(y[: origin + 1], dow[: origin + 1], name=name)
    lo = max(0, origin - window + 1)
    base = float(np.median(y[lo : origin + 1] / sf.index[dow[lo : origin + 1]]))
    return sf.index, base


def detect_dips(
    forecasts: pd.DataFrame,
    history: pd.DataFrame,
    *,
    value_col: str = "LSTM",
    threshold: float = 0.2,
    window: int = 28,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
) -> pd.DataFrame:
    """Forecast days far below a series' usual level.

    usual(day) = seasonal index of the day's weekday × median of the deseasonalised target over the
    ``window`` days up to the forecast origin (``cutoff``), both from ``history`` up to that origin only.
    A day is flagged when ``forecast < (1 − threshold) × usual``.

    Parameters
    ----------
    forecasts
        Tidy frame ``unique_id, ds, cutoff, horizon`` + ``value_col`` (``cross_validation`` /
        ``forecast_future`` output).

    Returns
    -------
    pd.DataFrame
        Flagged days: ``<id_col>, <date_col>, cutoff, horizon, forecast, usual, drop_pct`` with
        ``drop_pct = 1 − forecast / usual``.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    require_columns(forecasts, ["unique_id", "ds", "cutoff", "horizon", value_col], "detect_dips(forecasts)")
    hist = _clean_long(history, id_col=id_col, date_col=date_col, target_col=target_col, cols=())
    rows = []
    for (uid, cut), g in forecasts.groupby(["unique_id", "cutoff"], sort=False):
        h = hist[hist[id_col] == uid]
        dates = pd.DatetimeIndex(h[date_col])
        pos = dates.get_indexer([cut])[0]
        if pos < 0:
            raise ValueError(f"detect_dips: cutoff {cut.date()} of '{uid}' not in history")
        si, base = _usual_from(h[target_col].to_numpy(float), np.asarray(dates.day_of_week), pos, window, uid)
        usual = base * si[pd.DatetimeIndex(g["ds"]).day_of_week]
        fc = g[value_col].to_numpy(float)
        rows.append(pd.DataFrame({id_col: uid, date_col: g["ds"].to_numpy(), "cutoff": cut,
                                  "horizon": g["horizon"].to_numpy(), "forecast": fc, "usual": usual,
                                  "drop_pct": 1 - fc / usual}))
    cols = [id_col, date_col, "cutoff", "horizon", "forecast", "usual", "drop_pct"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    return out[out["forecast"] < (1 - threshold) * out["usual"]].reset_index(drop=True)[cols]


def detect_actual_dips(
    history: pd.DataFrame,
    *,
    threshold: float = 0.2,
    window: int = 28,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
    start=None,
) -> pd.DataFrame:
    """Observed days far below the usual level (the same rule as ``detect_dips`` with the previous day as
    origin: trailing ``window``-day median of the deseasonalised target; seasonal index of the whole history).

    Returns flagged days ``<id_col>, <date_col>, actual, usual, drop_pct`` (from ``start`` if given).
    """
    hist = _clean_long(history, id_col=id_col, date_col=date_col, target_col=target_col, cols=())
    rows = []
    for uid, h in hist.groupby(id_col, sort=False):
        dates = pd.DatetimeIndex(h[date_col])
        y = h[target_col].to_numpy(float)
        sf = seasonal_factors(y, dates.day_of_week, name=str(uid))
        des = pd.Series(y / sf.index[dates.day_of_week])
        base = des.shift(1).rolling(window, min_periods=window).median().to_numpy()
        usual = base * sf.index[dates.day_of_week]
        rows.append(pd.DataFrame({id_col: uid, date_col: dates, "actual": y, "usual": usual,
                                  "drop_pct": 1 - y / usual}))
    out = pd.concat(rows, ignore_index=True)
    out = out[out["usual"].notna() & (out["actual"] < (1 - threshold) * out["usual"])]
    if start is not None:
        out = out[out[date_col] >= pd.Timestamp(start)]
    return out.reset_index(drop=True)


def dip_runs(dips: pd.DataFrame, *, id_col: str = "category", date_col: str = "date") -> pd.DataFrame:
    """Group flagged days into runs of consecutive days (per series and, if present, per cutoff).

    Returns ``<id_col>, cutoff, start, end, n_days, mean_drop_pct, max_drop_pct`` (cutoff NaT for actuals).
    """
    cols = [id_col, "cutoff", "start", "end", "n_days", "mean_drop_pct", "max_drop_pct"]
    if dips.empty:
        return pd.DataFrame(columns=cols)
    d = dips.copy()
    if "cutoff" not in d.columns:
        d["cutoff"] = pd.NaT
    d = d.sort_values([id_col, "cutoff", date_col])
    rows = []
    for (uid, cut), g in d.groupby([id_col, "cutoff"], sort=False, dropna=False):
        ds = pd.DatetimeIndex(g[date_col])
        day = ds.values.astype("datetime64[D]").astype(np.int64)
        run_id = np.cumsum(np.r_[True, np.diff(day) != 1])
        for _, r in g.assign(_run=run_id).groupby("_run"):
            rows.append({id_col: uid, "cutoff": cut, "start": r[date_col].min(), "end": r[date_col].max(),
                         "n_days": len(r), "mean_drop_pct": float(r["drop_pct"].mean()),
                         "max_drop_pct": float(r["drop_pct"].max())})
    return pd.DataFrame(rows, columns=cols)


# ==============================================================================================================
# The chapter
# ==============================================================================================================
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
    cv: pd.DataFrame
    metrics: pd.DataFrame
    skill: pd.DataFrame
    intervals: pd.DataFrame
    coverage: pd.DataFrame
    chosen: pd.DataFrame  # choose_models output + forecast_model (best of config.future_models)
    future: pd.DataFrame | None  # forecast_future + intervals + chosen_model / Chosen (= forecast_model's values)
    dips: pd.DataFrame  # id, date, cutoff, horizon, forecast, usual, drop_pct, source, model
    dip_runs: pd.DataFrame  # id, cutoff, start, end, n_days, mean_drop_pct, max_drop_pct, source
    actual_dips: pd.DataFrame
    models_trained: pd.DataFrame
    timings: dict[str, float]
    notes: list[str]
    id_col: str = "category"
    date_col: str = "date"
    target_col: str = "revenue"


def _screen_series(series: dict[str, SeriesArrays], config: ForecastConfig) -> tuple[dict, list[str]]:
    """Drop series the chapter cannot model (too short for the backtest, a week without revenue), saying why."""
    keep, dropped = {}, []
    for uid, s in series.items():
        try:
            seasonal_factors(s.y[: s.n_obs], s.day_of_week[: s.n_obs], name=uid)
            _cutoffs(s, config.h, config.n_windows, config.step_size)
            _holdout_cutoff(s, config.test_days)
        except ValueError as exc:
            dropped.append(str(exc))
            continue
        keep[uid] = s
    if not keep:
        raise ValueError("no series can be modelled: " + "; ".join(dropped))
    return keep, dropped


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
    """Run all of chapter 4 on a long daily table.

    ``calendar`` (one row per date: holiday, temp_mean, rain_mm) supplies exogenous columns missing from
    ``df`` and the known calendar after the last day for ``config.future_days`` (set it to 0 without a
    calendar). ``fast=True`` uses ``ForecastConfig.fast()`` unless ``config`` is given. Series that cannot be
    modelled (too short for the backtest, a week without revenue) are left out and listed in ``notes``.
    Prints progress (``category k/n: name``, training batches, stage timings) unless ``verbose=False``.
    """
    if config is None:
        config = ForecastConfig.fast() if fast else ForecastConfig()
    timings: dict[str, float] = {}
    t_all = t0 = time.perf_counter()

    def lap(name):
        nonlocal t0
        now = time.perf_counter()
        timings[name] = round(now - t0, 2)
        t0 = now
        if verbose:
            print(f"[{name}] {timings[name]:.1f}s")

    future_days = config.future_days if calendar is not None else 0
    if config.future_days and calendar is None and verbose:
        print("no calendar given: no forecast after the last day")
    series = prepare_series(df, id_col=id_col, date_col=date_col, target_col=target_col, exog_cols=exog_cols,
                            weather_cols=weather_cols, calendar=calendar, calendar_date_col=calendar_date_col,
                            future_days=future_days, categories=categories, max_categories=config.max_categories)
    config, fit_note = fit_backtest_to_length(config, min(s.n_obs for s in series.values()))
    if fit_note and verbose:
        print(fit_note)
    series, dropped = _screen_series(series, config)
    for msg in dropped:
        if verbose:
            print(f"skipped: {msg}")
    hist = pd.concat([pd.DataFrame({id_col: u, date_col: s.dates[: s.n_obs], target_col: s.y[: s.n_obs]})
                      for u, s in series.items()], ignore_index=True)
    si = seasonal_index(hist, id_col=id_col, date_col=date_col, target_col=target_col)
    lap("seasonal_index")

    bank = LSTMBank(config.lstm, verbose=verbose)
    full = _full_inputs(series)
    hold_keys = _holdout_keys(series, config)
    bank.ensure(series, _ablation_keys(series, config) + hold_keys)  # one batch for the ablation and hold-out
    ablation = input_ablation(series, config=config, bank=bank, verbose=verbose)
    summ = bank.summary()
    epochs = summ[(summ["inputs"] == "+".join(full))
                  & summ["cutoff"].isin([k.cutoff for k in hold_keys])].drop(columns="inputs").reset_index(drop=True)
    history = bank.history([k for k in hold_keys if k.seed == 0])
    lap("lstm_ablation_and_epochs")

    holdout = holdout_forecasts(series, config=config, bank=bank, verbose=verbose)
    rmse = rmse_table(holdout)
    lap("holdout_forecasts")

    later = [k for u, s in series.items()
             for c in _cutoffs(s, config.h, config.n_windows, config.step_size) + ([s.n_obs - 1] if future_days else [])
             for k in _seed_keys(u, s.dates[c], full, config.lstm.n_seeds)]
    bank.ensure(series, later)  # all backtest origins and the final model in one batch
    lap("lstm_backtest_training")
    cv = cross_validation(series, config=config, bank=bank, verbose=verbose)
    notes = ([fit_note] if fit_note else []) + [f"skipped: {m}" for m in dropped] + bank.notes() \
        + cv.attrs.get("notes", [])
    future = None
    if future_days:
        future = forecast_future(series, config=config, bank=bank, verbose=verbose)
        notes += future.attrs.get("notes", [])
    lap("backtest_and_future_forecasts")

    metrics = evaluate(cv, hist, id_col=id_col, date_col=date_col, target_col=target_col)
    skill = skill_scores(metrics)
    intervals = prediction_intervals(cv, levels=config.levels, pool=config.interval_pool)
    # residuals of every origin, including the hold-out's own (= last backtest origin when h == test_days)
    holdout = add_intervals(holdout, intervals[intervals["horizon"] <= config.test_days])
    coverage = interval_coverage(cv, levels=config.levels, pool=config.interval_pool)
    chosen = choose_models(metrics, metric=config.selection_metric)
    usable = choose_models(metrics, metric=config.selection_metric,
                           exclude=[m for m in metrics["model"].unique() if m not in config.future_models])
    chosen["forecast_model"] = chosen["unique_id"].map(dict(zip(usable["unique_id"], usable["model"])))
    dips, runs = [], []
    if future is not None:
        fut_intervals = intervals[intervals["horizon"] <= config.future_days]
        future = add_intervals(future, fut_intervals)
        pick = dict(zip(chosen["unique_id"], chosen["forecast_model"]))
        future["chosen_model"] = future["unique_id"].map(pick)
        future["Chosen"] = np.nan
        for m in set(pick.values()):
            sel = future["chosen_model"] == m
            future.loc[sel, "Chosen"] = future.loc[sel, m]
        d = detect_dips(future, hist, value_col="Chosen", threshold=config.dip_threshold, window=config.dip_window,
                        id_col=id_col, date_col=date_col, target_col=target_col)
        d = d.assign(source="future", model=d[id_col].map(pick))
        dips.append(d)
        runs.append(dip_runs(d, id_col=id_col, date_col=date_col).assign(source="future"))
    d = detect_dips(cv, hist, value_col="LSTM", threshold=config.dip_threshold, window=config.dip_window,
                    id_col=id_col, date_col=date_col, target_col=target_col).assign(source="backtest", model="LSTM")
    dips.append(d)
    runs.append(dip_runs(d, id_col=id_col, date_col=date_col).assign(source="backtest"))
    actual = detect_actual_dips(hist, threshold=config.dip_threshold, window=config.dip_window, id_col=id_col,
                                date_col=date_col, target_col=target_col)
    runs.append(dip_runs(actual, id_col=id_col, date_col=date_col).assign(source="actual"))
    lap("evaluation_and_dips")
    timings["total"] = round(time.perf_counter() - t_all, 2)
    return ForecastChapter(
        config=config, series=series, seasonal=si, ablation=ablation, epochs=epochs, history=history,
        holdout=holdout, rmse=rmse, cv=cv, metrics=metrics, skill=skill, intervals=intervals, coverage=coverage,
        chosen=chosen, future=future, dips=pd.concat(dips, ignore_index=True),
        dip_runs=pd.concat(runs, ignore_index=True), actual_dips=actual, models_trained=bank.summary(),
        timings=timings, notes=notes, id_col=id_col, date_col=date_col, target_col=target_col)


# ==============================================================================================================
# Words
# ==============================================================================================================
def _krw(x: float) -> str:
    """Money in a sentence: one decimal in 억 (1.5억원), whole 만 below (727만원)."""
    return format_krw(x, 1 if abs(x) >= 1e8 else 0)


def sentence_seasonal(si: SeasonalIndexResult, category: str) -> str:
    t = si.table[si.table[si.id_col] == category]
    if t.empty:
        raise ValueError(f"no seasonal index for '{category}'")
    hi, lo = t.loc[t["seasonal_index"].idxmax()], t.loc[t["seasonal_index"].idxmin()]
    return (f"{category}의 계절지수는 {hi['weekday_ko']}요일이 {hi['seasonal_index']:.3f}로 가장 높고 "
            f"{lo['weekday_ko']}요일이 {lo['seasonal_index']:.3f}로 가장 낮아, 요일에 따라 매출이 평균보다 "
            f"최대 {100 * (hi['seasonal_index'] - 1):+.1f}%에서 {100 * (lo['seasonal_index'] - 1):+.1f}%까지 달라집니다.")


def sentence_ablation(ablation: pd.DataFrame) -> str:
    first = ablation[ablation["step"] == 0].set_index("unique_id")["val_loss"]
    last_step = ablation["step"].max()
    last = ablation[ablation["step"] == last_step].set_index("unique_id")["val_loss"]
    best = ablation.loc[ablation.groupby("unique_id")["val_loss"].idxmin()]
    n_all = int((best["step"] == last_step).sum())
    change = float(np.median(1 - last / first.reindex(last.index)))
    return (f"매출액만 쓸 때보다 모든 입력을 쓸 때 검증 손실이 상품군 중앙값 기준 {abs(change):.0%} "
            f"{'줄었고' if change >= 0 else '늘었고'}, 전체 입력 조합이 가장 낮은 손실을 보인 상품군은 "
            f"{len(best)}개 중 {n_all}개입니다.")


def sentence_epochs(epochs: pd.DataFrame) -> str:
    e = epochs["chosen_epoch"]
    return (f"검증 손실이 더 이상 줄지 않는 지점으로 고른 에폭 수는 상품군별 {e.min()}~{e.max()} "
            f"(중앙값 {int(e.median())})로, 보고서의 고정값 300 대신 데이터에서 정했습니다.")


def sentence_rmse(rmse: pd.DataFrame, category: str, *, model: str = "LSTM_oracle") -> str:
    r = rmse[(rmse["unique_id"] == category) & (rmse["model"] == model)].set_index("span")
    if r.empty:
        raise ValueError(f"no RMSE for '{category}' / {model}")
    return (f"{category}의 1일 예측 RMSE는 약 {_krw(r.loc['1d', 'rmse'])}으로 하루 평균 매출"
            f"(약 {_krw(r.loc['1d', 'mean_y'])})의 {r.loc['1d', 'rmse_pct']:.1f}%이며, 재귀 예측은 1주 "
            f"{_krw(r.loc['1w', 'rmse'])}, 1개월 {_krw(r.loc['1m', 'rmse'])}입니다.")


def sentence_weather(rmse: pd.DataFrame, *, span: str = "1m", tolerance: float = 0.02) -> str:
    a = rmse[(rmse["model"] == "LSTM_oracle") & (rmse["span"] == span)].set_index("unique_id")["rmse"]
    b = rmse[(rmse["model"] == "LSTM") & (rmse["span"] == span)].set_index("unique_id")["rmse"]
    gain = float(np.median(1 - a / b.reindex(a.index)))  # > 0: actual weather looks better
    head = (f"실제 날씨를 넣은 {SPAN_KO[span]} 재귀 예측(보고서 방식)의 RMSE는 예측 시점에 알 수 있는 날씨(평년값·최근값)를 "
            f"쓸 때보다 상품군 중앙값 기준 ")
    if abs(gain) < tolerance:
        return head + f"{gain:+.0%}로 거의 같아, 실측 날씨 사용이 결과를 부풀리지 않았습니다."
    if gain > 0:
        return head + f"{gain:.0%} 낮아, 실측 날씨를 쓰면 실제로 쓸 수 있는 예측보다 성능이 그만큼 좋아 보입니다."
    return head + f"{-gain:.0%} 높아, 실측 날씨가 이 기간에는 도움이 되지 않았습니다."


def sentence_skill(skill: pd.DataFrame, *, model: str = "LSTM", bucket: str | None = None) -> str:
    s = skill[skill["model"] == model]
    if bucket is None:
        bucket = _widest_bucket(s["bucket"])
    s = s[s["bucket"] == bucket]
    n_better = int((s["skill"] > 0).sum())
    span = bucket.replace("-", "–").replace("d", "일")
    return (f"{span} 예측에서 {MODEL_KO.get(model, model)}은 {len(s)}개 상품군 중 {n_better}개에서 "
            f"계절 나이브(지난주 같은 요일)보다 RMSE가 낮았고, 스킬 중앙값은 {s['skill'].median():+.0%}입니다.")


def sentence_coverage(coverage: pd.DataFrame, *, model: str = "LSTM") -> str:
    c = coverage[coverage["model"] == model].groupby("level")["coverage"].median()
    parts = [f"{lv}% 구간은 실제 {cv:.0%}" for lv, cv in c.items()]
    return f"백테스트 잔차로 만든 {MODEL_KO.get(model, model)} 예측구간의 포함률(다른 시점 잔차로 검증)은 " + ", ".join(parts) + "입니다."


def sentence_choice(chosen: pd.DataFrame) -> str:
    counts = chosen["model"].value_counts()
    parts = [f"{MODEL_KO.get(m, m)} {n}개" for m, n in counts.items()]
    return "MASE가 가장 낮은 모델을 상품군별로 고르면 " + ", ".join(parts) + " 상품군입니다."


def sentence_dips(runs: pd.DataFrame, *, id_col: str = "category", source: str = "future") -> str:
    r = runs[runs["source"] == source] if "source" in runs.columns else runs
    if r.empty:
        return "예측 기간에 평소보다 크게 낮은 수요 하락일은 없습니다."
    top = r.sort_values("max_drop_pct", ascending=False).iloc[0]
    span = (f"{top['start'].date()}" if top["start"] == top["end"] else f"{top['start'].date()}~{top['end'].date()}")
    return (f"{len(r)}개 구간에서 수요 하락이 감지되었고, 가장 큰 것은 {top[id_col]}의 {span}"
            f"({top['n_days']}일, 평소보다 최대 {top['max_drop_pct']:.0%} 낮음)입니다.")


# ==============================================================================================================
# Figures (Korean labels; each function returns a matplotlib Figure)
# ==============================================================================================================
def _plt():
    import matplotlib.pyplot as plt

    use_korean_font()  # NanumGothic via koreanize-matplotlib, ASCII minus sign
    return plt


def plot_seasonal_index(si: SeasonalIndexResult, category: str):
    """Daily target with its 7-day centered moving average, and the weekday seasonal index."""
    plt = _plt()
    p = si.per_date[si.per_date[si.id_col] == category]
    t = si.table[si.table[si.id_col] == category]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [2.2, 1]})
    a1.plot(p[si.date_col], p[si.target_col] / 1e6, lw=1, label="일 매출")
    a1.plot(p[si.date_col], p["cma"] / 1e6, lw=2, label="7일 중심이동평균")
    a1.set_ylabel("매출 (백만원)")
    a1.set_title(f"{category} 일 매출과 중심이동평균")
    a1.legend()
    colors = ["#c44" if v >= 1 else "#48c" for v in t["seasonal_index"]]
    bars = a2.bar(t["weekday_ko"], t["seasonal_index"], color=colors)
    a2.axhline(1, color="k", lw=0.8)
    a2.bar_label(bars, fmt="%.3f", fontsize=8)
    a2.set_ylim(min(0.8, t["seasonal_index"].min() - 0.05), max(1.2, t["seasonal_index"].max() + 0.05))
    a2.set_title("요일별 계절지수 (합계 7)")
    fig.tight_layout()
    return fig


def plot_ablation(ablation: pd.DataFrame):
    """Validation loss per cumulative input set: median over series (bars) and each series (dots)."""
    plt = _plt()
    order = ablation.drop_duplicates("step").sort_values("step")
    labels = ["매출액"] + ["+ " + a for a in order["added"].iloc[1:]]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    med = ablation.groupby("step")["val_loss"].median().reindex(order["step"])
    ax.bar(range(len(med)), med.to_numpy(), color="#9bc", label="상품군 중앙값")
    for uid, g in ablation.groupby("unique_id", sort=False):
        ax.plot(g["step"], g["val_loss"], "o-", ms=3, lw=0.6, alpha=0.6)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel("검증 손실 (표준화 MSE)")
    ax.set_title("입력 속성을 하나씩 추가할 때의 검증 손실")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_learning_curves(history: pd.DataFrame, epochs: pd.DataFrame, *, categories: Sequence[str] | None = None):
    """Train / validation loss per epoch with the chosen epoch marked, one panel per series."""
    plt = _plt()
    from matplotlib.ticker import FuncFormatter, NullFormatter

    cats = list(categories) if categories is not None else list(dict.fromkeys(history["unique_id"]))
    ncol = min(5, len(cats))
    nrow = int(np.ceil(len(cats) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.2 * ncol, 2.6 * nrow), squeeze=False, sharex=True)
    for ax, cat in zip(axes.ravel(), cats):
        h = history[(history["unique_id"] == cat) & (history["seed"] == 0)]
        for split, lab, col in (("train", "훈련 손실", "#48c"), ("val", "검증 손실", "#c44")):
            s = h[h["split"] == split]
            ax.plot(s["epoch"], s["loss"], lw=1, label=lab, color=col)
        ep = epochs.loc[(epochs["unique_id"] == cat) & (epochs["seed"] == 0), "chosen_epoch"]
        if len(ep):
            ax.axvline(int(ep.iloc[0]), color="k", ls="--", lw=0.8)
            ax.set_title(f"{cat} (에폭 {int(ep.iloc[0])})", fontsize=9)
        ax.set_yscale("log")
        # plain tick labels: mathtext powers (10^-1) use a minus glyph NanumGothic lacks
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    for ax in axes.ravel()[len(cats):]:
        ax.set_visible(False)
    axes.ravel()[0].legend(fontsize=7)
    fig.supxlabel("에폭")
    fig.tight_layout()
    return fig


def plot_forecast(
    frame: pd.DataFrame,
    category: str,
    *,
    models: Sequence[str] = ("LSTM",),
    history: SeriesArrays | None = None,
    cutoff=None,
    level: int | None = 80,
    title: str | None = None,
):
    """Actual vs forecasts of one series from one origin (or all 1-step forecasts), with intervals when the
    frame has ``<model>-lo-<level>`` columns. ``history`` (a prepared series) adds the actual days before."""
    plt = _plt()
    f = frame[frame["unique_id"] == category]
    if cutoff is not None:
        f = f[f["cutoff"] == pd.Timestamp(cutoff)]
    elif f["cutoff"].nunique() > 1:
        f = f[f["cutoff"] == f["cutoff"].max()]
    fig, ax = plt.subplots(figsize=(11, 3.8))
    if history is not None:
        start = f["ds"].min() - pd.Timedelta(days=42)
        sel = (history.dates >= start) & (np.arange(len(history.dates)) < history.n_obs)
        ax.plot(history.dates[sel], history.y[sel] / 1e6, color="k", lw=1, label="실제")
    elif f["y"].notna().any():
        ax.plot(f["ds"], f["y"] / 1e6, color="k", lw=1, label="실제")
    for m in models:
        ax.plot(f["ds"], f[m] / 1e6, lw=1.6, label=MODEL_KO.get(m, m))
        lo, hi = f"{m}-lo-{level}", f"{m}-hi-{level}"
        if level is not None and lo in f.columns:
            ax.fill_between(f["ds"], f[lo] / 1e6, f[hi] / 1e6, alpha=0.2, label=f"{MODEL_KO.get(m, m)} {level}% 구간")
    if len(f):
        ax.axvline(f["cutoff"].iloc[0], color="grey", ls=":", lw=1)
    ax.set_ylabel("매출 (백만원)")
    ax.set_title(title or f"{category} 예측 vs 실제")
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    return fig


def plot_skill_heatmap(skill: pd.DataFrame, *, models: Sequence[str] = ("LSTM", "SARIMAX")):
    """Skill vs seasonal naive (1 − RMSE/RMSE_snaive) per series × horizon bucket, one panel per model."""
    plt = _plt()
    models = [m for m in models if m in set(skill["model"])]
    if not models:
        raise ValueError(f"plot_skill_heatmap: none of the models are in skill (has {sorted(set(skill['model']))})")
    size = (2.2 + 3.4 * len(models), 0.45 * skill["unique_id"].nunique() + 1.8)
    fig, axes = plt.subplots(1, len(models), figsize=size, squeeze=False, sharey=True, layout="constrained")
    for ax, m in zip(axes[0], models):
        t = skill[skill["model"] == m].pivot(index="unique_id", columns="bucket", values="skill")
        t = t.reindex(index=list(dict.fromkeys(skill["unique_id"])), columns=list(dict.fromkeys(skill["bucket"])))
        im = ax.imshow(t.to_numpy(), cmap="RdBu", vmin=-0.5, vmax=0.5, aspect="auto")
        for (i, j), v in np.ndenumerate(t.to_numpy()):
            ax.text(j, i, "-" if np.isnan(v) else f"{v:+.0%}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(t.shape[1]), [c.replace("d", "일") for c in t.columns])
        ax.set_yticks(range(t.shape[0]), t.index)
        ax.tick_params(axis="y", labelleft=ax is axes[0][0])
        ax.set_title(f"{MODEL_KO.get(m, m)} 스킬 (계절 나이브 대비)")
    fig.colorbar(im, ax=axes[0].tolist(), shrink=0.8, label="1 - RMSE/RMSE(계절 나이브)")
    return fig


def plot_dips(series: SeriesArrays, forecast: pd.DataFrame, dips: pd.DataFrame, *, value_col: str = "Chosen",
              id_col: str = "category", date_col: str = "date"):
    """Recent actuals, the forecast after the last day, the usual level and the flagged dip days."""
    plt = _plt()
    uid = series.uid
    f = forecast[forecast["unique_id"] == uid]
    fig, ax = plt.subplots(figsize=(11, 3.6))
    n0 = max(0, series.n_obs - 56)
    ax.plot(series.dates[n0 : series.n_obs], series.y[n0 : series.n_obs] / 1e6, color="k", lw=1, label="실제")
    ax.plot(f["ds"], f[value_col] / 1e6, lw=1.6, label="예측")
    d = dips[dips[id_col] == uid]
    if len(d):
        ax.scatter(d[date_col], d["forecast"] / 1e6, color="#c22", zorder=3, label="수요 하락 예상일")
        ax.plot(d[date_col], d["usual"] / 1e6, "_", color="#c22", ms=14, label="평소 수준")
    ax.set_ylabel("매출 (백만원)")
    ax.set_title(f"{uid} 예측과 수요 하락 감지")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
