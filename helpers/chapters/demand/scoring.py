"""Chapter 4 scoring: MASE and skill against seasonal naive, empirical intervals and their coverage, the
model chosen per series, dip alerts from the chosen forecast and how often past alerts were right."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from helpers.chapters.demand.compute import CANDIDATES, NIXTLA_KEYS, _clean_long
from helpers.chapters.demand.models.base import SEASON_LENGTH, seasonal_factors
from helpers.common.checks import require_columns


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


def conformal_levels(n: int, level: float) -> tuple[float, float]:
    """Quantile levels of the split-conformal interval from ``n`` residuals: ``floor((n+1)a)/n`` and
    ``ceil((n+1)(1-a))/n`` with ``a = (1 - level/100) / 2`` (clipped to [0, 1]); read with the ``inverted_cdf``
    quantile they are the ``floor((n+1)a)``-th and ``ceil((n+1)(1-a))``-th smallest residuals, which cover a new
    exchangeable residual with probability >= level. The plain ``a, 1-a`` quantiles of a small sample cover less
    (measured on the sample backtest: 75 % for 80 % with 49 residuals per horizon)."""
    a = (100 - level) / 200
    lo, hi = np.floor((n + 1) * a + 1e-9), np.ceil((n + 1) * (1 - a) - 1e-9)  # (tolerance: 50 × 0.1 is 5, not 4)
    return max(lo / n, 0.0), min(hi / n, 1.0)


def _offsets(res: np.ndarray, horizons: np.ndarray, levels, pool) -> list[dict]:
    rows = []
    for j, k in enumerate(horizons):
        sel = (horizons >= k - pool) & (horizons <= k + pool)
        r = res[:, sel].ravel()
        r = r[~np.isnan(r)]
        for lv in levels:
            lo, hi = (np.quantile(r, conformal_levels(len(r), lv), method="inverted_cdf") if len(r)
                      else (np.nan, np.nan))
            rows.append({"horizon": int(k), "level": int(lv), "lo": float(lo), "hi": float(hi), "n_resid": len(r)})
    return rows


def prediction_intervals(
    cv: pd.DataFrame, *, models: Sequence[str] | None = None, levels: Sequence[int] = (80, 95), pool: int = 3
) -> pd.DataFrame:
    """Empirical prediction intervals from backtest residuals (y − forecast), per series, model and horizon.

    For horizon k the residuals of horizons k−pool … k+pool over all origins are pooled and their split-conformal
    quantiles (:func:`conformal_levels`, about (1−level)/2 and 1−(1−level)/2) become additive offsets.
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
        # sales are never negative: the lower bound is clipped at 0
        out[f"{model}-lo-{lv}"] = np.maximum(out[model].to_numpy() + m["lo"].to_numpy(), 0.0)
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
    metrics: pd.DataFrame, *, bucket: str | None = None, metric: str = "mase", candidates: Sequence[str] = CANDIDATES,
) -> pd.DataFrame:
    """Best candidate per series on ``metric`` in ``bucket`` (default: the widest bucket). Only ``candidates``
    compete (models that know the calendar and use no weather unknown at forecast time).
    Returns ``unique_id, bucket, model, <metric>, runner_up, runner_up_<metric>``."""
    if bucket is None:
        bucket = _widest_bucket(metrics["bucket"])
    m = metrics[(metrics["bucket"] == bucket) & metrics["model"].isin(candidates)].dropna(subset=[metric])
    rows = []
    for uid, g in m.groupby("unique_id", sort=False):
        g = g.sort_values(metric, kind="stable")
        rows.append({"unique_id": uid, "bucket": bucket, "model": g["model"].iloc[0], metric: g[metric].iloc[0],
                     "runner_up": g["model"].iloc[1] if len(g) > 1 else None,
                     f"runner_up_{metric}": g[metric].iloc[1] if len(g) > 1 else np.nan})
    return pd.DataFrame(rows)


def pick_chosen(frame: pd.DataFrame, chosen: pd.DataFrame, *, column: str = "Chosen") -> pd.DataFrame:
    """Copy of a tidy forecast frame with ``chosen_model`` and ``<column>`` (+ its interval columns) = the
    chosen model's values per series."""
    pick = dict(zip(chosen["unique_id"], chosen["model"]))
    out = frame.copy()
    out["chosen_model"] = out["unique_id"].map(pick)
    extras = sorted({c.split("-", 1)[1] for c in out.columns if "-lo-" in c or "-hi-" in c})
    for suffix in ["", *["-" + e for e in extras]]:
        vals = np.full(len(out), np.nan)
        for m in set(pick.values()):
            sel = (out["chosen_model"] == m).to_numpy()
            if m + suffix in out.columns:
                vals[sel] = out.loc[sel, m + suffix].to_numpy()
        out[column + suffix] = vals
    return out


# ==============================================================================================================
# Demand dips
# ==============================================================================================================
def _usual_from(y, dow, origin, window, name) -> tuple[np.ndarray, float]:
    sf = seasonal_factors(y[: origin + 1], dow[: origin + 1], name=name)
    lo = max(0, origin - window + 1)
    base = float(np.median(y[lo : origin + 1] / sf.index[dow[lo : origin + 1]]))
    return sf.index, base


def usual_levels(
    forecasts: pd.DataFrame,
    history: pd.DataFrame,
    *,
    window: int = 28,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
    forecast_col: str | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """The usual level of every row of a tidy forecast frame, as known at its origin (``cutoff``).

    usual(day) = seasonal index of the day's weekday × median of the deseasonalised target over the
    ``window`` days up to the origin, both from ``history`` up to that origin only. With ``forecast_col`` also
    the forecast's own usual level: the same weekday index × the median deseasonalised forecast of that origin
    (returns ``(usual, own)``).
    """
    hist = _clean_long(history, id_col=id_col, date_col=date_col, target_col=target_col, cols=())
    usual, own = np.full(len(forecasts), np.nan), np.full(len(forecasts), np.nan)
    by_uid = {uid: h for uid, h in hist.groupby(id_col, sort=False)}
    for (uid, cut), g in forecasts.groupby(["unique_id", "cutoff"], sort=False):
        h = by_uid.get(uid)
        dates = pd.DatetimeIndex(h[date_col]) if h is not None else pd.DatetimeIndex([])
        pos = dates.get_indexer([cut])[0]
        if pos < 0:
            raise ValueError(f"usual level: cutoff {cut.date()} of '{uid}' not in history")
        si, base = _usual_from(h[target_col].to_numpy(float), np.asarray(dates.day_of_week), pos, window, uid)
        rows, wk = forecasts.index.get_indexer(g.index), si[pd.DatetimeIndex(g["ds"]).day_of_week]
        usual[rows] = base * wk
        if forecast_col is not None:
            own[rows] = np.nanmedian(g[forecast_col].to_numpy(float) / wk) * wk
    return usual if forecast_col is None else (usual, own)


def detect_dips(
    forecasts: pd.DataFrame,
    history: pd.DataFrame,
    *,
    value_col: str = "Chosen",
    level: int | None = 80,
    threshold: float = 0.2,
    window: int = 28,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
) -> pd.DataFrame:
    """Forecast days far below a series' usual level (:func:`usual_levels`): ``forecast < (1 − threshold) ×
    usual`` and also below ``(1 − threshold)`` × the forecast's own usual level of that origin — so a forecast
    whose whole level sits lower (level drift in a noisy series) does not flag every day; calendar-driven dips
    (holidays, known in advance) do.

    ``forecasts``: tidy ``unique_id, ds, cutoff, horizon, <value_col>`` (+ ``<value_col>-lo/hi-<level>``).
    Returns flagged days ``<id_col>, <date_col>, cutoff, horizon, forecast, lo, hi, usual, drop_pct`` with
    ``drop_pct = 1 − forecast / usual`` and the forecast's ``level`` % interval (NaN without one).
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    require_columns(forecasts, ["unique_id", "ds", "cutoff", "horizon", value_col], "detect_dips(forecasts)")
    cols = [id_col, date_col, "cutoff", "horizon", "forecast", "lo", "hi", "usual", "drop_pct"]
    if forecasts.empty:
        return pd.DataFrame(columns=cols)
    f = forecasts.reset_index(drop=True)
    usual, own = usual_levels(f, history, window=window, id_col=id_col, date_col=date_col, target_col=target_col,
                              forecast_col=value_col)
    fc = f[value_col].to_numpy(float)
    lo, hi = (f"{value_col}-lo-{level}", f"{value_col}-hi-{level}")
    out = pd.DataFrame({id_col: f["unique_id"].to_numpy(), date_col: f["ds"].to_numpy(), "cutoff": f["cutoff"],
                        "horizon": f["horizon"].to_numpy(), "forecast": fc,
                        "lo": f[lo].to_numpy(float) if lo in f.columns else np.nan,
                        "hi": f[hi].to_numpy(float) if hi in f.columns else np.nan,
                        "usual": usual, "drop_pct": 1 - fc / usual})
    flag = (fc < (1 - threshold) * usual) & (fc < (1 - threshold) * own)
    return out[flag].reset_index(drop=True)[cols]


def dip_alert_scores(
    cv: pd.DataFrame,
    history: pd.DataFrame,
    *,
    value_col: str = "Chosen",
    threshold: float = 0.2,
    window: int = 28,
    id_col: str = "category",
    date_col: str = "date",
    target_col: str = "revenue",
) -> pd.DataFrame:
    """How often past dip alerts were right: every backtest (origin, day) with a known actual is an alert when
    :func:`detect_dips` would flag it and a dip when the actual is below ``(1 − threshold) × usual``.
    Precision = right alerts / alerts, recall = caught dips / dips, per series and overall (``unique_id = '전체'``).

    Returns ``unique_id, alerts, dips, hits, precision, recall`` (NaN where there is nothing to divide).
    """
    f = cv[cv["y"].notna()].reset_index(drop=True)
    usual, own = usual_levels(f, history, window=window, id_col=id_col, date_col=date_col, target_col=target_col,
                              forecast_col=value_col)
    fc, bar = f[value_col].to_numpy(float), (1 - threshold) * usual
    d = pd.DataFrame({"unique_id": f["unique_id"], "alert": (fc < bar) & (fc < (1 - threshold) * own),
                      "dip": f["y"].to_numpy(float) < bar})
    d["hit"] = d["alert"] & d["dip"]
    per = d.groupby("unique_id", sort=False)[["alert", "dip", "hit"]].sum()
    per.loc["전체"] = per.sum()
    per = per.rename(columns={"alert": "alerts", "dip": "dips", "hit": "hits"}).astype(int)
    per["precision"] = (per["hits"] / per["alerts"].where(per["alerts"] > 0)).round(3)
    per["recall"] = (per["hits"] / per["dips"].where(per["dips"] > 0)).round(3)
    return per.reset_index().rename(columns={"index": "unique_id"})


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

