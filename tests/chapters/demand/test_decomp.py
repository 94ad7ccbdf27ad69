"""The pooled level × weekday × calendar decomposition: hand-computed pieces and planted-truth recovery."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters.demand.models import decomp as D

WEEKDAYS = np.log(np.array([[1.3, 1.1, 1.0, 1.0, 0.9, 0.8, 0.9],  # Mon..Sun, one profile per series
                            [0.8, 0.9, 1.0, 1.1, 1.2, 1.1, 0.9],
                            [1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 0.8]]))
SINGLE = np.log(0.75)


def test_day_kinds_by_hand():
    h = np.array([0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0])
    # a single holiday (1), two days before the 3-day run (3), the run (2), two days after it (4)
    np.testing.assert_array_equal(D.day_kinds(h, near=2), [0, 1, 3, 3, 2, 2, 2, 4, 4, 0, 0])


def test_eb_shrink_by_hand():
    # equal variances 0.5: mu = 1, Q = 2*1 + 2*1 = 4, c = 4 - 8/4 = 2, tau² = (4 - 1)/2 = 1.5, keep 1.5/2 = 0.75
    out = D._eb_shrink(np.array([[0.0], [2.0], [np.nan]]), np.array([[0.5], [0.5], [np.nan]]))
    np.testing.assert_allclose(out[:, 0], [0.25, 1.75, 1.0])
    # differences no larger than the noise (Q <= k - 1): everything pooled to the precision-weighted mean
    out = D._eb_shrink(np.array([[0.0], [1.0]]), np.array([[1.0], [3.0]]))
    np.testing.assert_allclose(out[:, 0], [0.25, 0.25])


def planted(days: int = 200, noise: float = 0.05, step_day: int | None = None, step: float = 0.0, seed: int = 1):
    """Three series: level × weekday profile × 0.75 on single holidays × log-normal noise; optionally a common
    level step. Returns (Y, kinds, dow, truth) with truth the noise-free values."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2018-01-01", periods=days, freq="D")
    dow = np.asarray(dates.day_of_week)
    hol = np.zeros(days, dtype=int)
    hol[[30, 61, 95, 130, 160, 185]] = 1
    kinds = np.tile(D.day_kinds(hol), (3, 1))
    level = np.log(np.array([1e6, 3e5, 5e4]))[:, None] + np.zeros((1, days))
    if step_day is not None:
        level[:, step_day:] += step
    truth = np.exp(level + WEEKDAYS[:, dow] + SINGLE * hol[None, :])
    return truth * np.exp(rng.normal(0, noise, truth.shape)), kinds, dow, truth


def test_components_recover_planted_weekday_and_holiday_effects():
    Y, kinds, dow, _ = planted()
    cfg = D.DecompConfig()
    p = D.components(Y, kinds, dow, 180, None, cfg)
    truth = WEEKDAYS - WEEKDAYS.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(p["wk"], truth, atol=0.03)
    np.testing.assert_allclose(p["eff"][:, 1], SINGLE, atol=0.04)
    # no long holiday seen: a long-holiday day borrows the single-holiday effect, the days around it none
    np.testing.assert_allclose(p["eff"][:, 2], p["eff"][:, 1])
    np.testing.assert_array_equal(p["eff"][:, 3:], 0.0)


def test_forecast_matches_planted_truth_including_a_holiday():
    Y, kinds, dow, truth = planted()
    fc, _ = D.decomp_forecast(Y[:, :171], kinds, dow, 170, 20)
    ratio = fc / truth[:, 171:191]
    assert np.abs(ratio - 1).max() < 0.06, ratio.round(3)
    assert np.abs(ratio[:, 185 - 171] - 1).max() < 0.06  # the holiday on day 185 is forecast at 0.75


def test_inner_validation_follows_a_common_step_and_keeps_a_steady_level_long():
    steady, kinds, dow, _ = planted(noise=0.15)
    hl_steady, _, _ = D.choose_params(steady[:, :181], kinds, dow, 180, D.DecompConfig())
    stepped, kinds, dow, truth = planted(noise=0.15, step_day=150, step=np.log(0.7))
    hl_step, _, _ = D.choose_params(stepped[:, :181], kinds, dow, 180, D.DecompConfig())
    assert hl_steady[0] >= 14 and hl_step[0] <= 7, (hl_steady, hl_step)
    fc, _ = D.decomp_forecast(stepped[:, :181], kinds, dow, 180, 14)
    assert np.abs(np.median(fc / truth[:, 181:195]) - 1) < 0.05  # the 30 % drop is followed, not averaged away


def test_series_not_observed_at_the_origin_gets_no_forecast():
    Y, kinds, dow, _ = planted()
    Y = Y.copy()
    Y[2, 160:] = np.nan
    fc, _ = D.decomp_forecast(Y[:, :171], kinds, dow, 170, 7)
    assert np.isnan(fc[2]).all() and np.isfinite(fc[:2]).all()


@pytest.mark.parametrize("zeros", [0, 40])
def test_days_without_sales_keep_forecasts_finite_and_non_negative(zeros):
    Y, kinds, dow, _ = planted()
    Y = Y.copy()
    Y[1, np.random.default_rng(0).choice(170, zeros, replace=False)] = 0.0
    fc, _ = D.decomp_forecast(Y[:, :171], kinds, dow, 170, 14)
    assert np.isfinite(fc).all() and (fc >= 0).all()


def test_backtest_wrapper_handles_series_of_different_lengths():
    """Any long table: a series that starts later joins the shared date grid; its forecasts come from its days."""
    from helpers.chapters.demand import backtest as B
    from helpers.chapters.demand import compute as F

    Y, _, _, truth = planted()
    days = pd.date_range("2018-01-01", periods=Y.shape[1], freq="D")
    hol = np.zeros(len(days), dtype=int)
    hol[[30, 61, 95, 130, 160, 185]] = 1
    parts = [pd.DataFrame({"category": f"s{i}", "date": days[40 * (i == 2):], "revenue": Y[i, 40 * (i == 2):]})
             for i in range(3)]
    cal = pd.DataFrame({"date": days, "holiday": hol, "temp_mean": 15.0, "rain_mm": 0.0})
    series = F.prepare_series(pd.concat(parts, ignore_index=True), calendar=cal)
    jobs = [(u, s.position(days[170])) for u, s in series.items()]
    out, notes = B.decomp_forecasts(series, jobs, 14, config=F.ForecastConfig(), verbose=False)
    for i, (u, c) in enumerate(jobs):
        ratio = out[(u, c)]["Decomp"] / truth[i, 171:185]
        assert np.abs(ratio - 1).max() < 0.08, (u, ratio.round(3))
    assert len(notes) == 1 and "half-lives" in notes[0]
