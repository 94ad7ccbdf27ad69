"""Chapter 4: demand trend per category (report section 03) — inputs, seasonal index and the report's LSTM.

Input is any long table of daily series: one row per (series, day), the target and exogenous columns, names
given as keyword arguments (defaults ``category, date, revenue`` and ``holiday, temp_mean, rain_mm``).
Every series must have one row per day without gaps (``complete_daily`` fills gaps with 0 on request).

Output naming. Forecast frames follow the Nixtla convention so that one ``scoring.evaluate`` scores any of
them: ``unique_id, ds, cutoff, horizon, y, <one column per model>`` (model ids: ``SeasonalNaive``,
``SARIMAX``, ``Decomp``, ``GBM``, ``Ensemble``, ``LSTM`` — weather known at forecast time, ``LSTM_oracle`` — actual weather,
a stand-in for a perfect weather forecast). Analyst tables translate the ids (``labels.DEMAND_MODEL_LABELS``).

Modules: this one (inputs, seasonal index, the report's ablation / epochs / hold-out RMSE), ``backtest``
(rolling-origin forecasts of every model), ``scoring`` (metrics, intervals, choice, dip alerts), ``chapter``
(``run_chapter``: everything in order), ``figures``, ``words`` and ``models/`` (numeric core).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.chapters.demand.models.base import SEASON_LENGTH, SeriesArrays, seasonal_factors, seasonal_naive
from helpers.chapters.demand.models.decomp import DecompConfig
from helpers.chapters.demand.models.gbm import GBMConfig
from helpers.chapters.demand.models.lstm import LSTMBank, LSTMConfig, ModelKey, recursive_forecast
from helpers.chapters.demand.models.statistical import ETSX_SPEC, SarimaxSpec
from helpers.common.checks import require_columns

WEEKDAY_KO = ("일", "월", "화", "수", "목", "금", "토")  # report order: Sunday first
FEATURE_KO = {"revenue": "매출액", "seasonal_index": "계절지수", "holiday": "공휴일", "temp_mean": "평균기온",
              "rain_mm": "강수량"}
SPAN_KO = {"1d": "1일", "1w": "1주", "1m": "1개월"}
NIXTLA_KEYS = ("unique_id", "ds", "cutoff", "horizon", "y")
DEFAULT_EXOG = ("holiday", "temp_mean", "rain_mm")
DEFAULT_WEATHER = ("temp_mean", "rain_mm")
#: Models that may make the forecast (they know the calendar and use no weather unknown at forecast time).
CANDIDATES = ("Decomp", "ETSX", "SARIMAX", "GBM", "Ensemble", "LSTM")
MODEL_IDS = ("SeasonalNaive", "Decomp", "ETSX", "SARIMAX", "GBM", "Ensemble", "LSTM")


def _ko_weekday(dayofweek) -> np.ndarray:
    """pandas dayofweek (Mon=0) -> position in the report's Sunday-first order."""
    return (np.asarray(dayofweek) + 1) % 7


# ==============================================================================================================
# Configuration
# ==============================================================================================================
@dataclass(frozen=True)
class ForecastConfig:
    """All chapter-4 settings; every threshold is a default, never a buried constant.

    Models (``models``): seasonal naive (the baseline), the pooled level × weekday × calendar decomposition
    (``Decomp``, :mod:`.models.decomp`), exponential smoothing with weekday and holiday
    regressors (``ETSX``), one global LightGBM (``GBM``), their mean (``Ensemble``, chosen only where it wins
    the backtest) and the report's LSTM (with ``LSTM_oracle``, actual weather, reported and never chosen).
    ``SARIMAX`` (weekly airline model with weather and holidays, the previous baseline) can be added; it was
    no better than ETSX on the sample backtest at three times the cost, so it is off by default. ``candidates``:
    models allowed to make the forecast and its dip alerts (they know the calendar; seasonal naive would copy last week's holidays).
    ``lstm_backtest_epochs``: the backtest LSTMs train a fixed budget — ``None`` = the median epoch chosen by
    the hold-out models' early stopping (the LSTM did not earn more time: see the skill table).
    ``fast()`` gives a small run (tiny LSTM, 3 origins, 14-day horizon, 3 categories) for tests and smoke runs.
    """

    lstm: LSTMConfig = field(default_factory=LSTMConfig)
    gbm: GBMConfig = field(default_factory=GBMConfig)
    decomp: DecompConfig = field(default_factory=DecompConfig)
    models: tuple[str, ...] = ("SeasonalNaive", "Decomp", "ETSX", "GBM", "Ensemble", "LSTM")
    candidates: tuple[str, ...] = CANDIDATES
    ensemble_of: tuple[str, ...] = ("ETSX", "GBM")
    lstm_backtest_epochs: int | None = None
    input_sets: tuple[tuple[str, ...], ...] | None = None  # None: revenue, then + one input at a time
    test_days: int = 30  # hold-out of the report-style 1-step / recursive evaluation
    h: int = 30  # backtest horizon
    n_windows: int = 8  # backtest origins
    step_size: int = 7  # days between origins
    future_days: int = 30  # forecast after the last observed day (0: none)
    weather: str = "climatology"  # what stands in for future weather: climatology | persistence
    levels: tuple[int, ...] = (80, 95)
    alert_level: int = 80  # interval shown with every dip alert
    interval_pool: int = 3  # residuals of horizons k±pool pooled for horizon k
    selection_metric: str = "mase"
    dip_threshold: float = 0.2
    dip_window: int = 28
    sarimax: SarimaxSpec = field(default_factory=SarimaxSpec)
    etsx: SarimaxSpec = ETSX_SPEC
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
        unknown = set(self.models) - set(MODEL_IDS)
        if unknown or not set(self.candidates) & set(self.models):
            raise ValueError(f"ForecastConfig.models must be among {MODEL_IDS} and include the candidates; "
                             f"got models={self.models}, candidates={self.candidates}")
        if self.alert_level not in self.levels:
            raise ValueError(f"ForecastConfig.alert_level {self.alert_level} must be one of levels {self.levels}")
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
    exog_cols, weather_cols = tuple(exog_cols), tuple(weather_cols)
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
    order = _select_series(d.groupby(id_col, sort=False)[target_col].sum(), id_col, categories, max_categories)
    cal = _future_calendar(calendar, calendar_date_col, exog_cols) if future_days > 0 else None
    w_idx = tuple(exog_cols.index(c) for c in weather_cols)
    out: dict[str, SeriesArrays] = {}
    for uid in order:
        g = d[d[id_col] == uid]
        s = SeriesArrays(uid=uid, dates=pd.DatetimeIndex(g[date_col]), y=g[target_col].to_numpy(dtype=float),
                         exog=g[list(exog_cols)].to_numpy(dtype=float), exog_names=exog_cols, weather_idx=w_idx,
                         n_obs=len(g))
        out[uid] = _append_future(s, cal, future_days) if future_days > 0 else s
    return out


def _select_series(totals: pd.Series, id_col: str, categories, max_categories) -> list[str]:
    """Series ids in input order, restricted to ``categories`` and to the ``max_categories`` largest totals."""
    order = list(totals.index)
    if categories is not None:
        unknown = [c for c in categories if c not in order]
        if unknown:
            raise ValueError(f"categories {unknown} not in column '{id_col}'; known: {order[:20]}")
        order = [c for c in order if c in set(categories)]
    if max_categories is not None:
        keep = set(totals.loc[order].sort_values(ascending=False).index[:max_categories])
        order = [c for c in order if c in keep]
    return order


def _future_calendar(calendar: pd.DataFrame | None, date_col: str, exog_cols) -> pd.DataFrame:
    if calendar is None:
        raise ValueError("future_days > 0 needs a calendar covering the days after the data "
                         "(holidays known in advance); pass calendar= or set future_days=0")
    require_columns(calendar, [date_col, *exog_cols], "calendar")
    cal = calendar.copy()
    cal[date_col] = pd.to_datetime(cal[date_col]).dt.normalize()
    return cal.drop_duplicates(date_col).set_index(date_col)


def _append_future(s: SeriesArrays, cal: pd.DataFrame, future_days: int) -> SeriesArrays:
    """The series with ``future_days`` calendar days after its last day (target NaN, calendar known)."""
    fut = pd.date_range(s.dates[-1] + pd.Timedelta(days=1), periods=future_days, freq="D")
    missing = fut.difference(cal.index)
    if len(missing):
        raise ValueError(f"calendar does not cover {len(missing)} day(s) after the data "
                         f"(from {missing[0].date()}); extend it by future_days={future_days}")
    fx = cal.loc[fut, list(s.exog_names)].to_numpy(dtype=float)
    known = [i for i in range(len(s.exog_names)) if i not in s.weather_idx]
    if np.isnan(fx[:, known]).any():
        raise ValueError("calendar has missing non-weather values (e.g. holiday) after the data")
    return replace(s, dates=s.dates.append(fut), y=np.concatenate([s.y, np.full(future_days, np.nan)]),
                   exog=np.vstack([s.exog, fx]))


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

