"""Chapter 4 (helpers.chapters.demand): seasonal index, LSTM plumbing, backtest, metrics, dips, the whole chapter.

Everything heavy runs with ``ForecastConfig.fast()`` (tiny LSTM, few epochs, 3 origins) — no monkeypatching.
"""
from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from helpers.chapters.demand import backtest as B
from helpers.chapters.demand import chapter as C
from helpers.chapters.demand import compute as F
from helpers.chapters.demand import figures as FG
from helpers.chapters.demand import scoring as S
from helpers.chapters.demand import words as W
from helpers.chapters.demand.models import base as FB
from helpers.chapters.demand.models import lstm as FL

HOLIDAYS_2018 = ["2018-05-01", "2018-05-05", "2018-05-07", "2018-05-22", "2018-06-06", "2018-06-13", "2018-08-15",
                 "2018-09-23", "2018-09-24", "2018-09-25", "2018-09-26", "2018-10-03", "2018-10-09"]
WEEKDAY_FACTORS = np.array([1.089, 0.991, 1.021, 0.956, 0.925, 0.945, 1.073])  # Mon..Sun (the report's table)


def make_calendar(start="2018-04-01", days=260, seed=0, holidays=HOLIDAYS_2018):
    rng = np.random.default_rng(seed)
    d = pd.date_range(start, periods=days, freq="D")
    doy = d.day_of_year.to_numpy()
    return pd.DataFrame({
        "date": d,
        "holiday": d.isin(pd.to_datetime(list(holidays))).astype(int),
        "temp_mean": 13 + 13 * np.sin((doy - 105) / 365 * 2 * np.pi) + rng.normal(0, 2, len(d)),
        "rain_mm": np.where(rng.random(len(d)) < 0.3, rng.gamma(0.8, 12, len(d)), 0.0),
    })


def make_panel(n_categories=3, days=140, seed=0, noise=0.05, start="2018-04-01"):
    """Long table with planted weekday, holiday (x0.55–0.75), temperature, rain effects and a smooth trend."""
    rng = np.random.default_rng(seed)
    cal = make_calendar(start, days + 60, seed)
    c = cal.iloc[:days]
    t = np.arange(days)
    parts = []
    for i in range(n_categories):
        level = np.exp(rng.uniform(np.log(1e7), np.log(2e8)))
        wd = WEEKDAY_FACTORS * np.exp(rng.normal(0, 0.05, 7))
        wd = wd * 7 / wd.sum()
        trend = 1 + 0.2 * np.sin(t / days * np.pi + rng.uniform(0, 3))
        y = (level * wd[c["date"].dt.day_of_week.to_numpy()] * trend
             * np.where(c["holiday"] == 1, rng.uniform(0.55, 0.75), 1.0)
             * np.exp(rng.normal(0, 0.01) * (c["temp_mean"].to_numpy() - 20) - 0.004 * c["rain_mm"].to_numpy())
             * np.exp(rng.normal(0, noise, days)))
        parts.append(pd.DataFrame({"category": f"cat{i}", "date": c["date"].to_numpy(), "revenue": y}))
    return pd.concat(parts, ignore_index=True), cal


# ------------------------------------------------------------------------------------------------------------
# Seasonal index
# ------------------------------------------------------------------------------------------------------------
def _report_days():
    """The report's 여성의류 days 2018-04-01..08 and the later days implied by its printed CMAs."""
    y = [238_179_870, 241_964_178, 218_457_560, 215_549_465, 184_853_040, 156_493_150, 133_238_020, 156_956_595]
    for cma_day, cma in ((5, 181_405_884), (6, 172_908_589), (7, 168_931_075)):  # 0-based CMA positions
        y.append(7 * cma - sum(y[cma_day - 3 : cma_day + 3]))  # CMA_t = mean(y[t-3..t+3]) -> solve y[t+3]
    y += [200_000_000, 210_000_000, 190_000_000, 205_000_000]  # filler to reach two weeks
    return pd.DataFrame({"category": "여성의류", "date": pd.date_range("2018-04-01", periods=len(y)), "revenue": y})


def test_seasonal_index_matches_report_cma_and_specific_index():
    si = F.seasonal_index(_report_days())
    p = si.per_date.set_index("date")
    # the report's table: CMA and Y/CMA for 04-04 .. 04-08
    expected = {"2018-04-04": (198_390_755, 1.08649), "2018-04-05": (186_787_430, 0.98964),
                "2018-04-06": (181_405_884, 0.86267), "2018-04-07": (172_908_589, 0.77057),
                "2018-04-08": (168_931_075, 0.92912)}
    for day, (cma, spec) in expected.items():
        assert p.loc[day, "cma"] == pytest.approx(cma, abs=1)
        assert p.loc[day, "specific_index"] == pytest.approx(spec, abs=1e-5)
    assert np.isnan(p.loc["2018-04-01", "cma"]) and np.isnan(p.loc["2018-04-03", "cma"])


def test_seasonal_index_hand_computed_three_weeks():
    # 3 weeks, Sunday start; y = 100 + t + weekday bump -> computed by hand below with plain loops
    dates = pd.date_range("2018-04-01", periods=21)  # 2018-04-01 is a Sunday
    bump = [30, 10, 0, -5, -10, -20, -5]  # Sun..Sat
    y = [100 + t + bump[t % 7] for t in range(21)]
    df = pd.DataFrame({"category": "a", "date": dates, "revenue": y})
    si = F.seasonal_index(df)
    # hand computation: every 7-day window holds each bump once (sum 0) -> CMA_t = 100 + t for t = 3..17
    spec = {t: y[t] / (100 + t) for t in range(3, 18)}
    means = [np.mean([spec[t] for t in spec if t % 7 == k]) for k in range(7)]  # Sun..Sat
    index = [m * 7 / sum(means) for m in means]
    t = si.table.sort_values("weekday")
    assert list(t["weekday_ko"]) == ["일", "월", "화", "수", "목", "금", "토"]
    np.testing.assert_allclose(t["specific_mean"], means, rtol=1e-12)
    np.testing.assert_allclose(t["seasonal_index"], index, rtol=1e-12)
    assert t["seasonal_index"].sum() == pytest.approx(7.0)
    np.testing.assert_allclose(si.per_date["cma"].iloc[3:18], [100 + k for k in range(3, 18)])
    assert si.per_date["cma"].iloc[:3].isna().all() and si.per_date["cma"].iloc[18:].isna().all()
    # the wide report table has 일..토 + 총합계 and sums to 7
    w = si.wide()
    assert list(w.index) == ["일", "월", "화", "수", "목", "금", "토", "총합계"]
    assert w.loc["총합계", ("a", "계절지수")] == pytest.approx(7.0)


def test_seasonal_index_recovers_planted_weekday_factors():
    # multiplicative series: trend x planted weekday factor x 2% noise, 26 weeks; tolerance 0.02 per weekday
    rng = np.random.default_rng(1)
    dates = pd.date_range("2018-04-01", periods=182)
    t = np.arange(182)
    y = 1e8 * (1 + 0.002 * t) * WEEKDAY_FACTORS[dates.day_of_week] * np.exp(rng.normal(0, 0.02, 182))
    si = F.seasonal_index(pd.DataFrame({"category": "x", "date": dates, "revenue": y}))
    got = si.table.set_index("weekday")["seasonal_index"]
    planted = WEEKDAY_FACTORS * 7 / WEEKDAY_FACTORS.sum()
    for dow in range(7):
        assert got[(dow + 1) % 7] == pytest.approx(planted[dow], abs=0.02)


def test_seasonal_index_refuses_short_and_non_positive_series():
    df = pd.DataFrame({"category": "짧은상품군", "date": pd.date_range("2018-04-01", periods=13), "revenue": 1.0})
    with pytest.raises(ValueError, match=r"짧은상품군.*14 days.*got 13"):
        F.seasonal_index(df)
    zero = pd.DataFrame({"category": "z", "date": pd.date_range("2018-04-01", periods=21),
                         "revenue": [0.0] * 10 + [5.0] * 11})
    with pytest.raises(ValueError, match="not positive"):
        F.seasonal_index(zero)
    gap = pd.DataFrame({"category": "g", "date": pd.to_datetime(["2018-04-01", "2018-04-03"]), "revenue": 1.0})
    with pytest.raises(ValueError, match="complete_daily"):
        F.seasonal_index(gap)
    filled = F.complete_daily(gap)
    assert filled["revenue"].tolist() == [1.0, 0.0, 1.0]


def test_seasonal_index_fitted_on_window_applies_to_future_days():
    df, _ = make_panel(1, days=70)
    si = F.seasonal_index(df, end="2018-05-12")
    assert si.per_date["date"].max() == pd.Timestamp("2018-05-12")
    same = F.seasonal_index(df[df["date"] <= "2018-05-12"])
    pd.testing.assert_frame_equal(si.table, same.table)  # later days were not looked at
    future = pd.DataFrame({"category": "cat0", "date": pd.date_range("2018-07-01", periods=7)})
    out = F.seasonal_index(df, end="2018-05-12").transform(future)
    lut = si.table.set_index("weekday")["seasonal_index"]
    assert out["seasonal_index"].tolist() == [lut[(d + 1) % 7] for d in future["date"].dt.day_of_week]


# ------------------------------------------------------------------------------------------------------------
# Baselines and metrics on hand-computed series
# ------------------------------------------------------------------------------------------------------------
def test_seasonal_naive_repeats_last_week():
    hist = np.arange(1, 15, dtype=float)  # days 1..14
    np.testing.assert_array_equal(FB.seasonal_naive(hist, 10), [8, 9, 10, 11, 12, 13, 14, 8, 9, 10])
    with pytest.raises(ValueError):
        FB.seasonal_naive(hist[:5], 3)


def test_evaluate_rmse_mae_mase_by_hand():
    dates = pd.date_range("2018-04-01", periods=17)
    y = [10, 12, 14, 16, 18, 20, 22, 11, 12, 17, 15, 19, 20, 25, 30, 30, 30]
    hist = pd.DataFrame({"category": "a", "date": dates, "revenue": y})
    cutoff = dates[13]  # training window = first 14 days
    cv = pd.DataFrame({"unique_id": "a", "ds": dates[14:], "cutoff": cutoff, "horizon": [1, 2, 3],
                       "y": [30.0, 30.0, 30.0], "M": [28.0, 33.0, 30.0]})
    # |y_t - y_{t-7}| for t = 8..14: |11-10| |12-12| |17-14| |15-16| |19-18| |20-20| |25-22| = 1,0,3,1,1,0,3 -> 9/7
    scale = 9 / 7
    m = S.evaluate(cv, hist, buckets=[(1, 1), (1, 3)]).set_index(["model", "bucket"])
    assert m.loc[("M", "1d"), "rmse"] == pytest.approx(2.0)
    assert m.loc[("M", "1d"), "mase"] == pytest.approx(2 / scale)
    assert m.loc[("M", "1-3d"), "rmse"] == pytest.approx(np.sqrt((4 + 9 + 0) / 3))
    assert m.loc[("M", "1-3d"), "mae"] == pytest.approx(5 / 3)
    assert m.loc[("M", "1-3d"), "mase"] == pytest.approx((5 / 3) / scale)
    assert m.loc[("M", "1-3d"), "n"] == 3


def test_skill_intervals_and_coverage():
    rng = np.random.default_rng(0)
    rows = []
    for k in range(40):  # 40 origins, residuals ~ N(0, 1) for model A, N(0, 2) for the baseline
        for h in range(1, 8):
            rows.append({"unique_id": "s", "ds": pd.Timestamp("2018-01-01") + pd.Timedelta(days=k * 7 + h),
                         "cutoff": pd.Timestamp("2018-01-01") + pd.Timedelta(days=k * 7), "horizon": h, "y": 100.0,
                         "A": 100 + rng.normal(0, 1), "SeasonalNaive": 100 + rng.normal(0, 2)})
    cv = pd.DataFrame(rows)
    m = pd.DataFrame({"unique_id": "s", "model": ["A", "SeasonalNaive"], "bucket": "1d", "rmse": [1.0, 2.0],
                      "mae": 1.0, "mase": [0.5, 0.9], "n": 1})
    sk = S.skill_scores(m)
    assert sk["skill"].tolist() == [0.5]
    assert S.choose_models(m, candidates=("A", "SeasonalNaive"))["model"].tolist() == ["A"]
    assert S.choose_models(m, candidates=("SeasonalNaive",))["model"].tolist() == ["SeasonalNaive"]
    iv = S.prediction_intervals(cv, models=["A"], levels=(80,), pool=3)
    assert set(iv["horizon"]) == set(range(1, 8))
    out = S.add_intervals(cv[cv["cutoff"] == cv["cutoff"].max()], iv)
    assert {"A-lo-80", "A-hi-80"} <= set(out.columns) and (out["A-lo-80"] < out["A"]).all()
    cov = S.interval_coverage(cv, models=["A"], levels=(80, 95))
    assert cov.set_index("level").loc[80, "coverage"] == pytest.approx(0.8, abs=0.1)
    assert cov.set_index("level").loc[95, "coverage"] == pytest.approx(0.95, abs=0.06)


# ------------------------------------------------------------------------------------------------------------
# Model layer
# ------------------------------------------------------------------------------------------------------------
class RecordingPredictor:
    """Test double: remembers every window and predicts 'last revenue in the window + 1'."""

    def __init__(self):
        self.windows = []

    def predict(self, windows):
        self.windows.append(np.array(windows))
        return windows[:, :, -1, 0] + 1.0


def test_recursive_forecast_feeds_its_own_predictions():
    stub = RecordingPredictor()
    hist = np.array([[10.0, 11, 12, 13, 14, 15, 16], [1.0, 1, 1, 1, 1, 1, 2]])  # 2 series, window 7
    horizon = 5
    exog = np.arange(2 * (7 + horizon) * 2, dtype=float).reshape(2, 7 + horizon, 2)  # lead 1: 7+h-1+1 rows
    fc = FL.recursive_forecast(stub, hist, exog, horizon, exog_lead=1)
    np.testing.assert_array_equal(fc, [[17, 18, 19, 20, 21], [3, 4, 5, 6, 7]])
    assert len(stub.windows) == horizon
    for k, w in enumerate(stub.windows):
        revenue = w[0, :, :, 0]
        # window k ends with the k previous predictions
        if k:
            np.testing.assert_array_equal(revenue[:, -k:], fc[:, :k])
        np.testing.assert_array_equal(revenue[:, : 7 - k], hist[:, k:])
        np.testing.assert_array_equal(w[0, :, :, 1:], exog[:, k + 1 : k + 8])  # exog shifted one day ahead
    with pytest.raises(ValueError, match="exog"):
        FL.recursive_forecast(stub, hist, exog[:, :5], horizon)


def test_grouped_lstm_equals_keras_lstm():
    import keras

    rng = np.random.default_rng(0)
    window, n_feat, units, groups = 7, 3, 4, 3
    x = rng.normal(size=(5, window, groups, n_feat)).astype("float32")
    inp = keras.Input((window, groups, n_feat))
    grouped = keras.Model(inp, FL.GroupedLSTM(groups, units)(inp))
    ws = [np.stack(w) for w in zip(*[FL.init_group_weights(rng, n_feat, units) for _ in range(groups)])]
    ws[2] = ws[2] + rng.normal(0, 0.1, ws[2].shape)  # non-trivial biases too
    grouped.set_weights([w.astype("float32") for w in ws])
    got = np.asarray(grouped.predict_on_batch(x))
    for g in range(groups):
        ref = keras.Sequential([keras.Input((window, n_feat)), keras.layers.LSTM(units), keras.layers.Dense(1)])
        ref.set_weights([ws[0][g], ws[1][g], ws[2][g], ws[3][g][:, None], ws[4][g][None]])
        np.testing.assert_allclose(got[:, g], np.asarray(ref.predict_on_batch(x[:, :, g]))[:, 0], rtol=1e-4,
                                   atol=1e-5)


def test_weather_stand_in_uses_only_days_up_to_origin():
    months = np.array([4] * 30 + [5] * 31 + [6] * 30)
    vals = np.arange(91, dtype=float)[:, None]
    clim = FB.weather_stand_in(vals, months, 59, np.array([5, 6]), method="climatology")
    assert clim[0, 0] == pytest.approx(np.mean(np.arange(30, 60)))  # May, days <= origin only
    assert clim[1, 0] == pytest.approx(np.mean(np.arange(32, 60)))  # June unseen -> last 28 days
    changed = vals.copy()
    changed[60:] = 1e9
    np.testing.assert_array_equal(FB.weather_stand_in(changed, months, 59, np.array([5, 6]), method="climatology"),
                                  clim)
    assert FB.weather_stand_in(vals, months, 59, np.array([6]), method="persistence")[0, 0] == pytest.approx(56)


# ------------------------------------------------------------------------------------------------------------
# Backtest: no peeking
# ------------------------------------------------------------------------------------------------------------
def test_backtest_never_uses_data_after_its_cutoff():
    df, cal = make_panel(2, days=110)
    cfg = F.ForecastConfig.fast(n_windows=3, h=14, step_size=7)
    series = F.prepare_series(df, calendar=cal)
    bank = FL.LSTMBank(cfg.lstm, verbose=False)
    cv = B.cross_validation(series, config=cfg, bank=bank, verbose=False)
    cutoffs = sorted(cv["cutoff"].unique())
    assert len(cutoffs) == 3 and cv.groupby(["unique_id", "cutoff"]).size().eq(14).all()
    # training samples of every model end at its cutoff: targets window..cutoff
    summ = bank.summary()
    for r in summ.itertuples():
        pos = series[r.unique_id].position(r.cutoff)
        assert r.n_train + r.n_val + cfg.lstm.window - 1 == pos
    # corrupt revenue and weather after the middle cutoff (holidays stay: known in advance)
    mid = cutoffs[1]
    bad = df.merge(cal, on="date")
    after = bad["date"] > mid
    bad.loc[after, "revenue"] = bad.loc[after, "revenue"] * 1000 + 1e12
    bad.loc[after, ["temp_mean", "rain_mm"]] += 500.0
    series_bad = F.prepare_series(bad)
    cv_bad = B.cross_validation(series_bad, config=cfg, bank=FL.LSTMBank(cfg.lstm, verbose=False), verbose=False)
    keep = cv["cutoff"] <= mid
    for model in ("LSTM", "SeasonalNaive", "ETSX", "GBM", "Ensemble"):
        np.testing.assert_allclose(cv_bad.loc[keep, model], cv.loc[keep, model], rtol=1e-5, err_msg=model)
    # and the corruption does reach the later origin (the check can fail)
    for model in ("LSTM", "ETSX", "GBM"):
        assert not np.allclose(cv_bad.loc[~keep, model], cv.loc[~keep, model]), model


def test_batched_models_train_as_if_alone():
    df, cal = make_panel(2, days=90)
    cfg = F.ForecastConfig.fast()
    series = F.prepare_series(df, calendar=cal)
    key = FL.ModelKey("cat0", pd.Timestamp("2018-06-15"), series["cat0"].feature_names())
    other = FL.ModelKey("cat1", pd.Timestamp("2018-06-01"), ("revenue",))
    third = FL.ModelKey("cat0", pd.Timestamp("2018-06-08"), ("revenue", "seasonal_index"))
    alone, together = FL.LSTMBank(cfg.lstm, verbose=False), FL.LSTMBank(cfg.lstm, verbose=False)
    alone.ensure(series, [key])
    alone.ensure(series, [other])
    together.ensure(series, [key, other, third])  # interleaved series: batch order differs from request order
    win = np.random.default_rng(0).uniform(5e7, 1e8, size=(3, 1, 7, 5))
    win[..., 1] = 1.0
    for k in (key, other):
        np.testing.assert_allclose(together.predictor([k]).predict(win), alone.predictor([k]).predict(win), rtol=1e-4)
    epochs = lambda b: b.summary().set_index(["unique_id", "cutoff", "inputs"])["chosen_epoch"]  # noqa: E731
    pd.testing.assert_series_equal(epochs(alone), epochs(together).loc[epochs(alone).index])


# ------------------------------------------------------------------------------------------------------------
# LSTM vs seasonal naive on a planted signal
# ------------------------------------------------------------------------------------------------------------
def test_lstm_beats_seasonal_naive_one_day_ahead_on_planted_signal():
    # strong weekday pattern, holidays x0.5 (about 1 day in 10, also in the hold-out), smooth trend, 3% noise
    rng = np.random.default_rng(7)
    days = 210
    dates = pd.date_range("2018-03-01", periods=days)
    hol_days = dates[rng.random(days) < 0.1]
    cal = make_calendar("2018-03-01", days, seed=7, holidays=hol_days)
    t = np.arange(days)
    factors = np.array([1.3, 1.0, 0.9, 0.9, 0.8, 0.9, 1.2])
    y = (1e8 * (1 + 0.3 * np.sin(t / 60)) * factors[dates.day_of_week]
         * np.where(cal["holiday"] == 1, 0.5, 1.0) * np.exp(rng.normal(0, 0.03, days)))
    df = pd.DataFrame({"category": "planted", "date": dates, "revenue": y})
    cfg = F.ForecastConfig(lstm=FL.LSTMConfig(max_epochs=200, patience=20), test_days=30)
    series = F.prepare_series(df, calendar=cal)
    hold = F.holdout_forecasts(series, config=cfg, verbose=False)
    assert hold.loc[hold["y"].notna(), "ds"].isin(hol_days).sum() >= 2  # the hold-out contains holidays
    rmse = F.rmse_table(hold).set_index(["model", "span"])["rmse"]
    assert rmse[("LSTM", "1d")] < 0.5 * rmse[("SeasonalNaive", "1d")]  # measured 0.18x (seeds 7–9: 0.18–0.42x)
    assert rmse[("LSTM_oracle", "1d")] < rmse[("SeasonalNaive", "1d")]


# ------------------------------------------------------------------------------------------------------------
# Dips
# ------------------------------------------------------------------------------------------------------------
def _flat_weekly(days=70, start="2018-06-01"):
    dates = pd.date_range(start, periods=days)
    y = 1e8 * WEEKDAY_FACTORS[dates.day_of_week]
    return pd.DataFrame({"category": "여성의류", "date": dates, "revenue": y})


def test_detect_dips_finds_planted_forecast_dip():
    hist = _flat_weekly()
    cutoff = hist["date"].max()
    ds = pd.date_range(cutoff + pd.Timedelta(days=1), periods=14)
    fc = 1e8 * WEEKDAY_FACTORS[ds.day_of_week]
    fc[[5, 6, 7]] *= 0.6  # planted 40% dip on 3 consecutive days
    fc[10] *= 0.85  # a 15% dip: below the 20% threshold
    frame = pd.DataFrame({"unique_id": "여성의류", "ds": ds, "cutoff": cutoff, "horizon": range(1, 15), "LSTM": fc,
                          "LSTM-lo-80": fc * 0.9, "LSTM-hi-80": fc * 1.1})
    dips = S.detect_dips(frame, hist, value_col="LSTM", threshold=0.2)
    assert list(dips.columns) == ["category", "date", "cutoff", "horizon", "forecast", "lo", "hi", "usual", "drop_pct"]
    np.testing.assert_allclose(dips["hi"], dips["forecast"] * 1.1)
    assert dips["date"].tolist() == list(ds[[5, 6, 7]])
    np.testing.assert_allclose(dips["drop_pct"], 0.4, atol=1e-9)
    runs = S.dip_runs(dips)
    assert len(runs) == 1 and runs.iloc[0]["start"] == ds[5] and runs.iloc[0]["end"] == ds[7]
    assert runs.iloc[0]["n_days"] == 3
    assert len(S.detect_dips(frame, hist, value_col="LSTM", threshold=0.1)) == 4


def test_detect_actual_dips_in_window():
    hist = _flat_weekly()
    hist.loc[hist["date"].isin(pd.date_range("2018-07-20", "2018-07-22")), "revenue"] *= 0.5
    dips = S.detect_actual_dips(hist, threshold=0.2, window=28)
    assert dips["date"].tolist() == list(pd.date_range("2018-07-20", "2018-07-22"))
    runs = S.dip_runs(dips)
    assert len(runs) == 1 and runs.iloc[0]["n_days"] == 3 and pd.isna(runs.iloc[0]["cutoff"])


# ------------------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------------------
def test_join_calendar_and_input_errors():
    df, cal = make_panel(1, days=30)
    joined = F.join_calendar(df, cal)
    assert {"holiday", "temp_mean", "rain_mm"} <= set(joined.columns) and len(joined) == len(df)
    with pytest.raises(ValueError, match="no calendar values"):
        F.join_calendar(df, cal.iloc[5:])
    with pytest.raises(ValueError, match=r"lacks column\(s\) \[.revenue.\]"):
        F.prepare_series(df.drop(columns="revenue"), calendar=cal)
    with pytest.raises(ValueError, match="future_days"):
        F.prepare_series(df, calendar=cal.iloc[:35], future_days=10)
    with pytest.raises(ValueError, match="duplicate"):
        F.prepare_series(pd.concat([df, df.iloc[:1]]), calendar=cal)


# ------------------------------------------------------------------------------------------------------------
# The whole chapter with non-default column names (fast mode)
# ------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chapter():
    df, cal = make_panel(3, days=120, start="2018-06-01")
    df = df.rename(columns={"category": "shop", "date": "day", "revenue": "sales"})
    cal = cal.rename(columns={"date": "when", "holiday": "is_holiday", "temp_mean": "tavg", "rain_mm": "precip"})
    return C.run_chapter(df, calendar=cal, id_col="shop", date_col="day", target_col="sales",
                         exog_cols=("is_holiday", "tavg", "precip"), weather_cols=("tavg", "precip"),
                         calendar_date_col="when", fast=True)


def test_chapter_runs_with_custom_column_names(chapter, capsys):
    ch = chapter
    assert list(ch.seasonal.table.columns[:2]) == ["shop", "weekday"]
    assert ch.ablation["inputs"].iloc[-1] == "revenue+seasonal_index+is_holiday+tavg+precip"
    assert ch.ablation.groupby("unique_id").size().eq(5).all()
    assert list(ch.cv.columns[:12]) == ["unique_id", "ds", "cutoff", "horizon", "y", "SeasonalNaive", "Decomp", "ETSX",
                                        "GBM", "LSTM", "LSTM_oracle", "Ensemble"]
    assert {"Chosen", "Chosen-lo-80", "Chosen-hi-95", "chosen_model"} <= set(ch.cv.columns)
    assert ch.cv["cutoff"].nunique() == 3 and ch.cv["y"].notna().all()
    assert set(ch.metrics["bucket"]) == {"1d", "1-7d", "1-14d"}
    assert ch.metrics[["rmse", "mae", "mase"]].notna().all().all()
    assert set(ch.rmse["span"]) == {"1d", "1w", "1m"}
    assert (ch.epochs["chosen_epoch"] >= 1).all() and len(ch.epochs) == 3
    assert ch.future is not None and ch.future["ds"].min() == pd.Timestamp("2018-09-29")
    assert {"LSTM-lo-80", "LSTM-hi-95", "Chosen", "Chosen-lo-80"} <= set(ch.future.columns)
    assert (ch.future.filter(like="-lo-") >= 0).all().all()  # sales are never negative
    assert ch.future["Chosen"].notna().all()
    assert {"shop", "day", "forecast", "usual", "drop_pct", "source"} <= set(ch.dips.columns)
    assert {"shop", "start", "end", "n_days", "source"} <= set(ch.dip_runs.columns)
    assert ch.timings["total"] > 0 and set(ch.chosen["model"]) <= set(F.CANDIDATES)
    assert ch.alert_scores["unique_id"].iloc[-1] == "전체"


def test_chapter_progress_printed():
    df, cal = make_panel(2, days=80)
    import contextlib
    import io

    buf, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(buf), contextlib.redirect_stdout(out):
        F.input_ablation(F.prepare_series(df, calendar=cal), config=F.ForecastConfig.fast(input_sets=[("revenue",)]))
    err = buf.getvalue()
    assert "category 1/2: cat0" in err and "category 2/2: cat1" in err
    assert out.getvalue() == ""  # progress goes to the console (stderr), never into the page (stdout)


def test_figures_and_sentences(chapter):
    import matplotlib.pyplot as plt

    ch = chapter
    cat = ch.seasonal.table["shop"].iloc[0]
    figs = [
        FG.plot_seasonal_index(ch.seasonal, cat),
        FG.plot_ablation(ch.ablation),
        FG.plot_learning_curves(ch.history, ch.epochs),
        FG.plot_forecast(ch.holdout, cat, models=("LSTM_1step", "LSTM"), history=ch.series[cat]),
        FG.plot_forecast(ch.future, cat, models=("Chosen", "LSTM"), history=ch.series[cat]),
        FG.plot_skill(ch.metrics),
        FG.plot_dips(ch.series[cat], ch.future, ch.dips[ch.dips["source"] == "future"], id_col="shop", date_col="day"),
    ]
    from helpers.common.figures import missing_glyph_warnings

    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs)
    for f in figs:
        assert missing_glyph_warnings(f) == []  # Korean labels render (no tofu boxes)
        plt.close(f)
    sentences = [W.describe_seasonal(ch.seasonal, cat), W.describe_ablation(ch.ablation),
                 W.describe_epochs(ch.epochs, budget=5), W.describe_rmse(ch.rmse, cat), W.describe_weather(ch.rmse),
                 W.describe_skill(ch.metrics, ch.chosen), W.describe_coverage(ch.coverage, ch.chosen),
                 W.describe_choice(ch.chosen), W.describe_alerts(ch.alert_scores, 0.2),
                 W.describe_dips(ch.dip_runs, id_col="shop"), *W.describe_summary(ch)]
    for s in sentences:
        assert isinstance(s, str) and s.endswith(("다.", "요.")) and "nan" not in s and "00:00" not in s


def test_chapter_skips_unmodellable_series_and_says_so():
    df, cal = make_panel(2, days=100)
    df.loc[(df["category"] == "cat1") & df["date"].between("2018-05-01", "2018-05-10"), "revenue"] = 0.0
    cfg = F.ForecastConfig.fast(n_windows=2, lstm=FL.LSTMConfig.fast(max_epochs=5), future_days=0)
    ch = C.run_chapter(df, calendar=cal, config=cfg, verbose=False)
    assert set(ch.cv["unique_id"]) == {"cat0"}
    assert any("cat1" in n and "not positive" in n for n in ch.notes)


def test_backtest_spacing_shrinks_to_fit_a_short_window():
    from helpers.chapters.demand.backtest import fit_backtest_to_length
    from helpers.chapters.demand.compute import ForecastConfig
    cfg = ForecastConfig()  # 8 origins, every 7 days, horizon 30
    same, note = fit_backtest_to_length(cfg, 183)
    assert same is cfg and note is None
    short, note = fit_backtest_to_length(cfg, 92)
    # first origin index = 92 - 1 - h - step * 7 must be >= 21 (three weeks of training)
    assert short.n_windows == 8 and short.h == 30 and short.step_size == 5
    assert 92 - 1 - short.h - short.step_size * 7 >= 21 and "7일→5일" in note
    tiny, note = fit_backtest_to_length(cfg, 40)
    assert tiny.step_size == 1 and 40 - 1 - tiny.h - 7 >= 21 and tiny.test_days <= tiny.h
    with pytest.raises(ValueError, match="too few"):
        fit_backtest_to_length(cfg, 25)


def test_products_keep_chapter6_columns_and_add_model_choice(chapter):
    prods = C.products(chapter)
    dips = prods["demand_dips"]
    assert list(dips.columns) == ["shop", "cutoff", "start", "end", "n_days", "mean_drop_pct", "max_drop_pct",
                                  "source"]
    choice = prods["demand_model_choice"]
    assert list(choice.columns) == ["shop", "chosen_model", "mase_1_7d", "mase_1_30d", "naive_mase_1_7d",
                                    "naive_mase_1_30d", "horizon_days"]
    assert set(choice["chosen_model"]) <= set(F.CANDIDATES) and len(choice) == len(chapter.series)
    m = chapter.metrics.set_index(["unique_id", "model", "bucket"])["mase"]
    first = choice.iloc[0]
    assert first["mase_1_7d"] == pytest.approx(m[(first["shop"], first["chosen_model"], "1-7d")], abs=1e-4)
    fut = prods["forecast_future"]
    assert (fut.filter(like="-lo-") >= 0).all().all()
    assert (fut["ds"] == fut["ds"].dt.normalize()).all()
    assert fut["Chosen"].equals(fut["Chosen"].round(0))  # whole won, no float noise
