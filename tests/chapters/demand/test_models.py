"""Chapter 4 models beyond the report: calendar features, the global LightGBM, exponential smoothing with calendar
regressors, and the planted-holiday test every forecast candidate must pass (holidays are known in advance)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters.demand import backtest as B
from helpers.chapters.demand import compute as F
from helpers.chapters.demand import scoring as S
from helpers.chapters.demand.models import calendar as CAL

WEEKDAY = np.array([1.10, 0.95, 1.00, 0.95, 0.90, 1.00, 1.10])  # Mon..Sun
LONG_EFFECT, SINGLE_EFFECT = 0.5, 0.75  # planted: -50 % on every long-holiday day, -25 % on single holidays


def test_long_holiday_flags_and_distances_by_hand():
    h = np.array([0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0])
    f = CAL.calendar_features(h, near=2, cap=5)
    np.testing.assert_array_equal(f["long_holiday"], [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0])  # runs >= 3 only
    np.testing.assert_array_equal(f["pre_long"], [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(f["post_long"], [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(f["days_to_long"], [4, 3, 2, 1, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5])
    np.testing.assert_array_equal(f["days_from_holiday"], [5, 0, 1, 2, 0, 0, 0, 0, 1, 2, 3, 0, 0, 1])
    assert CAL.calendar_matrix(h).shape == (14, len(CAL.CALENDAR_FEATURES))


def planted_panel(years: int = 3, n_series: int = 3, noise: float = 0.08, seed: int = 0):
    """Long daily table with weekday factors, a slow trend, single holidays and two 4-day long holidays a year
    (planted effects above); returns the table with its calendar and the long-holiday days."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2016-01-01", periods=365 * years + 60, freq="D")
    hol = np.zeros(len(days), dtype=int)
    long_days = []
    for y in range(years + 1):
        for doy in (40, 262):  # a Seollal-like and a Chuseok-like 4-day holiday
            idx = np.arange(365 * y + doy, 365 * y + doy + 4)
            idx = idx[idx < len(days)]
            hol[idx] = 1
            long_days.append(idx)
        for doy in (120, 125, 157, 227, 277, 283):  # single holidays
            if 365 * y + doy < len(days):
                hol[365 * y + doy] = 1
    long_mask = CAL.long_holiday_flags(hol) == 1
    factor = np.where(long_mask, LONG_EFFECT, np.where(hol == 1, SINGLE_EFFECT, 1.0))
    parts = []
    for i in range(n_series):
        level = 10 ** rng.uniform(6, 8)
        trend = np.exp(0.1 * np.sin(np.arange(len(days)) / 365 * 2 * np.pi + i))
        y = level * WEEKDAY[days.day_of_week] * trend * factor * np.exp(rng.normal(0, noise, len(days)))
        parts.append(pd.DataFrame({"category": f"s{i}", "date": days, "revenue": y,
                                   "base": level * WEEKDAY[days.day_of_week] * trend}))
    cal = pd.DataFrame({"date": days, "holiday": hol, "temp_mean": 15.0, "rain_mm": 0.0})
    return pd.concat(parts, ignore_index=True), cal, long_mask


@pytest.fixture(scope="module")
def holiday_forecasts():
    df, cal, long_mask = planted_panel()
    days = cal["date"]
    # the last long holiday that is fully inside the data; origin = 7 days before its first day
    starts = np.flatnonzero(long_mask & ~np.r_[False, long_mask[:-1]])
    first = starts[starts < len(days) - 20][-1]
    origin = first - 7
    series = F.prepare_series(df[["category", "date", "revenue"]], calendar=cal)
    config = F.ForecastConfig(models=("SeasonalNaive", "Decomp", "ETSX", "GBM", "Ensemble"), h=14)
    jobs = [(u, origin) for u in series]
    fc = B.model_forecasts(series, jobs, 14, config=config, verbose=False)
    base = df.set_index(["category", "date"])["base"]
    fc["base"] = base.reindex(pd.MultiIndex.from_arrays([fc["unique_id"], fc["ds"]])).to_numpy()
    fc["long"] = long_mask[days.searchsorted(fc["ds"])]
    return fc


@pytest.mark.parametrize("model", ["Decomp", "ETSX", "GBM", "Ensemble"])
def test_forecast_from_the_week_before_a_long_holiday_shows_the_planted_dip(holiday_forecasts, model):
    """Planted truth: every long-holiday day is 50 % of its usual level. Forecast from 7 days before the holiday,
    the ratio forecast / planted usual level must be 0.5 ± 0.15 on the holiday days (mean of the 4 days), and
    1 ± 0.15 on the ordinary days of the same horizon."""
    f = holiday_forecasts
    ratio = f[model] / f["base"]
    on = ratio[f["long"]].groupby(f["unique_id"]).mean()
    off = ratio[~f["long"] & (f["horizon"] <= 14)].groupby(f["unique_id"]).mean()
    assert len(on) == 3 and on.between(LONG_EFFECT - 0.15, LONG_EFFECT + 0.15).all(), on.round(3).to_dict()
    assert off.between(0.85, 1.15).all(), off.round(3).to_dict()


def test_seasonal_naive_misses_the_planted_dip(holiday_forecasts):
    """The control: a model blind to the calendar does not dip, so the test above can fail."""
    f = holiday_forecasts
    on = (f["SeasonalNaive"] / f["base"])[f["long"]].groupby(f["unique_id"]).mean()
    assert (on > 0.85).all()


def test_dip_alert_precision_and_recall_by_hand():
    dates = pd.date_range("2018-01-01", periods=42)
    hist = pd.DataFrame({"category": "a", "date": dates, "revenue": 100.0})
    cut = dates[34]
    ds = dates[35:]
    y = np.array([100, 50, 50, 100, 100, 60, 100.0])  # two actual dips (days 2, 3) and one more (day 6)
    fc = np.array([100, 50, 100, 50, 100, 60, 100.0])  # alerts on days 2, 4, 6: two right, one false
    cv = pd.DataFrame({"unique_id": "a", "ds": ds, "cutoff": cut, "horizon": range(1, 8), "y": y, "Chosen": fc})
    sc = S.dip_alert_scores(cv, hist, threshold=0.2, window=28).set_index("unique_id")
    assert sc.loc["전체", ["alerts", "dips", "hits"]].tolist() == [3, 3, 2]
    assert sc.loc["a", "precision"] == pytest.approx(0.667) and sc.loc["a", "recall"] == pytest.approx(0.667)
