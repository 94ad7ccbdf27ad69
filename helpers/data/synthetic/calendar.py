"""Synthetic Seoul weather, Korean holidays and the daily purchase intensity per category."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from helpers.data.synthetic.constants import (
    CATEGORIES,
    DAILY_NOISE_SIGMA,
    HOLIDAY_FACTORS,
    MONTH_LEVEL,
    PLANTED_WEEKDAY_FACTORS,
    TREND_ANCHOR,
    TREND_PER_YEAR,
    WEATHER_EFFECTS,
)
from helpers.data.synthetic.utils import _parse_date, _rng

# ------------------------------------------------------------------------------------------------
# Weather and daily intensity
# ------------------------------------------------------------------------------------------------

#: Seoul monthly normals 1981–2010 (DATA.md): mean temperature (°C) and precipitation (mm), Jan..Dec.
SEOUL_TEMP_NORMALS = (-2.4, 0.4, 5.7, 12.5, 17.8, 22.2, 24.9, 25.7, 21.2, 14.8, 7.2, 0.4)
SEOUL_RAIN_NORMALS = (20.8, 25.0, 47.2, 77.9, 102.0, 133.2, 394.7, 364.2, 169.3, 51.8, 52.5, 21.5)


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance."""
    from scipy.signal import lfilter

    eps = rng.standard_normal(n) * np.sqrt(1 - phi * phi)
    eps[0] = rng.standard_normal()
    return lfilter([1.0], [1.0, -phi], eps)


def _weather_year(year: int, seed: int) -> pd.DataFrame:
    from scipy.special import ndtri

    rng = _rng(seed, f"weather-{year}")
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    doy = days.day_of_year.to_numpy()
    month = days.month.to_numpy() - 1
    mid = np.array([pd.Timestamp(year, m + 1, 15).day_of_year for m in range(12)])
    normals = np.array(SEOUL_TEMP_NORMALS)
    xp = np.concatenate([mid - len(days), mid, mid + len(days)])
    climate = np.interp(doy, xp, np.tile(normals, 3))
    temp = climate + 2.6 * _ar1(rng, len(days), 0.75)
    rain_total = np.array(SEOUL_RAIN_NORMALS)
    mean_wet = 8.0 + 0.04 * rain_total            # mm per wet day: heavier in the monsoon
    days_in_month = np.bincount(month, minlength=12)
    p_wet = np.clip(rain_total / (days_in_month * mean_wet), 0.02, 0.9)
    latent = _ar1(rng, len(days), 0.55)            # persistence: wet days cluster
    wet = latent > ndtri(1 - p_wet[month])
    amount = rng.gamma(0.8, mean_wet[month] / 0.8)
    rain = np.where(wet, np.maximum(0.1, amount), 0.0)
    return pd.DataFrame({"date": days, "temp_mean": np.round(temp, 1), "rain_mm": np.round(rain, 1)})


def synthetic_weather(start, end, seed: int = 42) -> pd.DataFrame:
    """Deterministic synthetic daily Seoul weather from the 1981–2010 monthly normals.

    Each calendar year is generated as a whole from ``seed`` and the year, so a day's weather does not
    depend on the window asked for. Temperature: normals interpolated through the year plus an AR(1)
    anomaly (sd ≈ 2.6 °C); rain: wet days from a persistent latent process (clustered, most in Jul–Aug),
    gamma amounts matching the monthly normals on average.

    Parameters
    ----------
    start, end : str or date
        Inclusive ISO dates.
    seed : int

    Returns
    -------
    DataFrame
        ``date`` (datetime64[ns], midnight), ``temp_mean`` (°C, one decimal), ``rain_mm`` (mm, 0 when dry).

    Raises
    ------
    ValueError
        Unparseable dates or ``end`` before ``start``.
    """
    s, e = _parse_date(start, "start"), _parse_date(end, "end")
    if e < s:
        raise ValueError(f"end={e} is before start={s}: give an end date on or after the start date.")
    frames = [_weather_year(y, seed) for y in range(s.year, e.year + 1)]
    out = pd.concat(frames, ignore_index=True)
    mask = (out["date"] >= pd.Timestamp(s)) & (out["date"] <= pd.Timestamp(e))
    return out.loc[mask].reset_index(drop=True)


def _holiday_factors(days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    import holidays as holidays_pkg

    years = range(days[0].year, days[-1].year + 1)
    kr = holidays_pkg.KR(years=years, categories=("public", "bank"), language="en_US")
    factor = np.ones(len(days))
    flag = np.zeros(len(days), dtype=np.int8)
    pos = {d: i for i, d in enumerate(days.date)}
    major_days = sorted(d for d, n in kr.items() if "Chuseok" in n or "Korean New Year" in n)
    for d, _name in kr.items():
        if d in pos:
            factor[pos[d]] = HOLIDAY_FACTORS["holiday"]
            flag[pos[d]] = 1
    _major_runs(days, kr, major_days, pos, factor)
    return factor, flag


def _major_runs(days, kr, major_days: list, pos: dict, factor: np.ndarray) -> None:
    """Factors of each run of major days (Chuseok/Seollal and substitute) and of the days before it."""
    runs: list[list] = []
    for d in major_days:
        if runs and d - timedelta(days=1) == runs[-1][-1]:
            runs[-1].append(d)
        else:
            runs.append([d])
    for run in runs:
        for i, d in enumerate(run):
            key = "major_last" if i == len(run) - 1 else "major_second_last" if i == len(run) - 2 else "major"
            if d in pos:
                factor[pos[d]] = HOLIDAY_FACTORS[key if len(run) > 2 else "major"]
        for k, f in enumerate(HOLIDAY_FACTORS["pre_major"], 1):
            p = run[0] - timedelta(days=k)
            if p in pos and p not in kr:
                factor[pos[p]] = min(factor[pos[p]], f)


def _daily_intensity(days: pd.DatetimeIndex, weather: pd.DataFrame, seed: int) -> dict[str, np.ndarray]:
    """Relative daily intensity per category (37 x D) and its factors."""
    n_cat, n_days = len(CATEGORIES), len(days)
    dow = days.day_of_week.to_numpy()
    wk = np.array([PLANTED_WEEKDAY_FACTORS[c] for c in CATEGORIES])[:, dow]
    hol, hol_flag = _holiday_factors(days)
    rain = weather["rain_mm"].to_numpy()
    temp = weather["temp_mean"].to_numpy()
    rain_f = 1 - WEATHER_EFFECTS["rain"] * np.minimum(rain, WEATHER_EFFECTS["rain_cap_mm"]) / WEATHER_EFFECTS[
        "rain_cap_mm"]
    heat_coef = np.array([WEATHER_EFFECTS["heat"].get(c, 0.0) for c in CATEGORIES])
    heat_f = 1 + heat_coef[:, None] * np.maximum(temp - WEATHER_EFFECTS["heat_base_c"], 0)[None, :]
    years = ((days - pd.Timestamp(TREND_ANCHOR)).days.to_numpy() / 365.25).clip(-3, 3)
    slope = np.array([TREND_PER_YEAR.get(c, 0.0) for c in CATEGORIES])
    trend = np.exp(slope[:, None] * years[None, :])
    noise = np.exp(_rng(seed, "daily-noise").normal(0, DAILY_NOISE_SIGMA, size=(n_cat, n_days)))
    weather_f = rain_f[None, :] * heat_f
    season = np.array([MONTH_LEVEL.get(m, 1.0) for m in days.month])
    total = wk * hol[None, :] * weather_f * trend * noise * season[None, :]
    return {"intensity": total, "weekday": wk, "holiday": np.broadcast_to(hol, (n_cat, n_days)),
            "holiday_flag": hol_flag, "weather": weather_f, "trend": trend, "noise": noise,
            "season": np.broadcast_to(season, (n_cat, n_days))}


