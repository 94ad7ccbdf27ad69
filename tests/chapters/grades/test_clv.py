"""Tests of helpers.chapters.grades.clv: the rfm summary, the two likelihoods, the predictions, planted truth.

Hand cases are worked out in the comments; the likelihoods are compared with the textbook formulas written
with plain gamma/beta functions (no logs); the planted-truth tests simulate a population from known
parameters and recover them.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from helpers.chapters.grades import clv
from helpers.common import threads


def _tx(rows):
    customers, dates, amounts = zip(*rows)
    return pd.DataFrame({"who": list(customers), "day": pd.to_datetime(list(dates)), "paid": list(amounts)})


HAND = [
    ("A", "2018-01-01", 100.0), ("A", "2018-01-01", 50.0),  # two rows, one purchase day (150)
    ("A", "2018-01-05", 30.0), ("A", "2018-01-11", 70.0),
    ("B", "2018-01-20", 40.0),
]


def test_rfm_summary_hand_case_first_purchase_origin():
    frame = _tx(HAND)
    before = frame.copy()
    s = clv.rfm_summary(frame, observation_end="2018-01-31", customer_col="who", date_col="day", amount_col="paid")
    pd.testing.assert_frame_equal(frame, before)  # input not mutated
    assert s.columns.tolist() == ["who", *clv.RFM_COLUMNS]
    got = s.set_index("who")
    # A: days 01, 05, 11 -> 2 repeats; recency 11 - 1 = 10; T = 31 - 1 = 30; repeat mean (30 + 70) / 2 = 50
    assert got.loc["A"].tolist() == [2, 10.0, 30.0, 50.0]
    # B: one day -> no repeat; recency 0; T = 31 - 20 = 11; monetary 0 by convention
    assert got.loc["B"].tolist() == [0, 0.0, 11.0, 0.0]


def test_rfm_summary_hand_case_window_start_origin():
    s = clv.rfm_summary(_tx(HAND), observation_end="2018-01-31", start_date="2017-12-30", origin="window_start",
                        customer_col="who", date_col="day", amount_col="paid").set_index("who")
    # clock from 2017-12-30: A bought on 3 days, last 12 days in, T = 32; mean of all days (150+30+70)/3
    assert s.loc["A", ["frequency", "recency", "T"]].tolist() == [3, 12.0, 32.0]
    assert s.loc["A", "monetary_value"] == pytest.approx(250 / 3)
    assert s.loc["B"].tolist() == [1, 21.0, 32.0, 40.0]


def test_rfm_summary_refuses_late_rows_bad_origin_and_negative_amounts():
    kwargs = {"customer_col": "who", "date_col": "day", "amount_col": "paid"}
    with pytest.raises(ValueError, match="1 row\\(s\\) of day fall after observation_end"):
        clv.rfm_summary(_tx(HAND), observation_end="2018-01-15", **kwargs)
    with pytest.raises(ValueError, match="needs start_date"):
        clv.rfm_summary(_tx(HAND), observation_end="2018-01-31", origin="window_start", **kwargs)
    with pytest.raises(ValueError, match="negative"):
        clv.rfm_summary(_tx(HAND + [("C", "2018-01-02", -5.0)]), observation_end="2018-01-31", **kwargs)


def _beta(a, b):
    return math.gamma(a) * math.gamma(b) / math.gamma(a + b)


def _bgnbd_direct(r, alpha, a, b, x, t_x, T):
    """FHL 2005 eq. 6 with plain gamma/beta functions."""
    common = math.gamma(r + x) * alpha ** r / math.gamma(r)
    value = _beta(a, b + x) / _beta(a, b) * common / (alpha + T) ** (r + x)
    if x > 0:
        value += _beta(a + 1, b + x - 1) / _beta(a, b) * common / (alpha + t_x) ** (r + x)
    return value


@pytest.mark.parametrize("x, t_x, T", [(0, 0.0, 30.0), (1, 5.0, 30.0), (2, 10.0, 30.0), (7, 28.0, 40.0)])
def test_bgnbd_log_likelihood_matches_the_direct_formula(x, t_x, T):
    params = clv.BetaGeoParams(r=0.5, alpha=4.0, a=0.8, b=2.5)
    got = clv.bgnbd_log_likelihood(params, [x], [t_x], [T])[0]
    assert got == pytest.approx(math.log(_bgnbd_direct(0.5, 4.0, 0.8, 2.5, x, t_x, T)), rel=1e-12)
    truncated = clv.bgnbd_log_likelihood(params, [x], [t_x], [T], left_truncated=True)[0]
    # divided by P(X(T) >= 1) = 1 - (alpha / (alpha + T))^r
    assert truncated == pytest.approx(got - math.log(1 - (4.0 / (4.0 + T)) ** 0.5), rel=1e-12)


def test_bgnbd_log_likelihood_stays_finite_for_many_purchases():
    params = clv.BetaGeoParams(r=0.5, alpha=4.0, a=0.8, b=2.5)
    ll = clv.bgnbd_log_likelihood(params, [400], [170.0], [180.0])  # Γ(400.5) alone overflows a float
    assert np.isfinite(ll).all()


def test_gamma_gamma_log_likelihood_matches_the_direct_formula():
    p, q, v, x, m = 2.0, 3.0, 10.0, 2, 5.0
    direct = (math.gamma(p * x + q) / (math.gamma(p * x) * math.gamma(q))
              * v ** q * m ** (p * x - 1) * x ** (p * x) / (v + x * m) ** (p * x + q))
    got = clv.gamma_gamma_log_likelihood(clv.GammaGammaParams(p, q, v), [x], [m])[0]
    assert got == pytest.approx(math.log(direct), rel=1e-12)


def test_expected_purchases_match_the_untransformed_formula_and_p_alive_the_hand_value():
    params = clv.BetaGeoParams(r=0.5, alpha=4.0, a=0.8, b=2.5)
    r, alpha, a, b = 0.5, 4.0, 0.8, 2.5
    x, t_x, T, t = 2.0, 10.0, 30.0, 20.0
    # P(alive) = 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + 0.8/3.5 * (34/14)^2.5)
    p_alive = 1 / (1 + 0.8 / 3.5 * (34 / 14) ** 2.5)
    assert clv.probability_alive(params, [x], [t_x], [T])[0] == pytest.approx(p_alive, rel=1e-12)
    z = t / (alpha + T + t)
    direct = ((a + b + x - 1) / (a - 1)
              * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(r + x, b + x, a + b + x - 1, z))
              * p_alive)
    assert clv.expected_purchases(params, [x], [t_x], [T], t)[0] == pytest.approx(direct, rel=1e-9)
    big = clv.expected_purchases(params, [300.0], [179.0], [180.0], 60.0)[0]
    assert np.isfinite(big) and 60 < big < 140  # about 300/180 per day while alive, times 60 days


def test_expected_spend_shrinks_toward_the_population_mean():
    gg = clv.GammaGammaParams(p=2.0, q=3.0, v=10.0)
    # x = 0: p v / (q - 1) = 10; x = 2, m = 5: 2 (10 + 10) / (4 + 2) = 6.667
    assert clv.expected_spend(gg, [0, 2], [0.0, 5.0]).tolist() == pytest.approx([10.0, 40 / 6])
    with pytest.raises(ValueError, match="fallback_spend"):
        clv.expected_spend(clv.GammaGammaParams(2.0, 0.9, 10.0), [1], [5.0])


TRUE_BG = clv.BetaGeoParams(r=0.5, alpha=40.0, a=0.8, b=2.5)
TRUE_GG = clv.GammaGammaParams(p=3.0, q=5.0, v=100_000.0)


@pytest.fixture(scope="module")
def population():
    return clv.simulate_population(8_000, TRUE_BG, TRUE_GG, age_days=(30, 180), horizon_days=60, seed=3)


def test_planted_parameters_are_recovered(population):
    model = clv.fit_value_model(population)
    bg, gg = model.bgnbd, model.gamma_gamma
    assert model.converged
    # Tolerances: above the largest deviation over seeds 0-9 at 8,000 customers (r 7 %, alpha 13 %, rate 8 %,
    # a 26 %, b 47 %: a and b are the least identified; dropout mean 12 %, p 10 %, q 9 %, mean spend 3 %).
    assert bg.r == pytest.approx(TRUE_BG.r, rel=0.2) and bg.alpha == pytest.approx(TRUE_BG.alpha, rel=0.25)
    assert bg.r / bg.alpha == pytest.approx(TRUE_BG.r / TRUE_BG.alpha, rel=0.1)  # mean purchase rate
    assert bg.a == pytest.approx(TRUE_BG.a, rel=0.4) and bg.b == pytest.approx(TRUE_BG.b, rel=0.6)
    assert bg.a / (bg.a + bg.b) == pytest.approx(TRUE_BG.a / (TRUE_BG.a + TRUE_BG.b), rel=0.2)  # mean dropout
    assert gg.p == pytest.approx(TRUE_GG.p, rel=0.2) and gg.q == pytest.approx(TRUE_GG.q, rel=0.3)
    assert gg.mean_spend == pytest.approx(TRUE_GG.mean_spend, rel=0.1)
    assert abs(model.spend_frequency_corr) < 0.1  # independent by construction


def test_expected_purchases_match_simulated_later_purchases(population):
    model = clv.fit_value_model(population)
    pred = clv.predict_value(model, population, horizon_days=60)
    total_pred, total_true = pred["PRED_PURCHASES"].sum(), population["LATER_PURCHASES"].sum()
    assert total_pred == pytest.approx(total_true, rel=0.08)
    groups = pd.cut(population["frequency"], [-1, 0, 1, 3, 1_000], labels=["0", "1", "2-3", "4+"])
    by_group = pd.DataFrame({"pred": pred["PRED_PURCHASES"], "true": population["LATER_PURCHASES"], "g": groups})
    means = by_group.groupby("g", observed=True).mean()
    assert means["pred"].to_numpy() == pytest.approx(means["true"].to_numpy(), rel=0.2)
    assert np.all(np.diff(means["pred"].to_numpy()) > 0)  # more past purchases, more expected
    spend_pred, spend_true = pred["PRED_SPEND"].sum(), population["LATER_SPEND"].sum()
    assert spend_pred == pytest.approx(spend_true, rel=0.12)


def test_left_truncated_fit_recovers_parameters_of_a_window_start_population():
    # Everyone alive at the window start with the same T; only customers who bought in the window are seen.
    pop = clv.simulate_population(20_000, TRUE_BG, TRUE_GG, age_days=(120, 120), seed=5)
    seen = pop[pop["frequency"] > 0].reset_index(drop=True)
    model = clv.fit_value_model(seen, left_truncated=True)
    bg = model.bgnbd
    assert bg.r / bg.alpha == pytest.approx(TRUE_BG.r / TRUE_BG.alpha, rel=0.2)
    assert bg.a / (bg.a + bg.b) == pytest.approx(TRUE_BG.a / (TRUE_BG.a + TRUE_BG.b), rel=0.3)
    pred = clv.predict_value(model, seen, horizon_days=60)
    assert pred["PRED_PURCHASES"].sum() == pytest.approx(seen["LATER_PURCHASES"].sum(), rel=0.1)


def test_fit_is_deterministic_and_refuses_data_without_repeat_purchases(population):
    first, second = clv.fit_value_model(population), clv.fit_value_model(population.copy())
    assert first.bgnbd == second.bgnbd and first.gamma_gamma == second.gamma_gamma
    with pytest.raises(ValueError, match="repeat purchases"):
        clv.fit_bgnbd(population.assign(frequency=0, recency=0.0))


@pytest.mark.parametrize("params", [clv.BetaGeoParams(0.5, 40.0, 0.8, 2.5), clv.BetaGeoParams(2.0, 30.0, 5.0, 1.5)])
def test_quadrature_fallback_agrees_with_the_closed_form(params):
    x, T = np.array([0.0, 1.0, 5.0, 30.0]), np.array([20.0, 60.0, 120.0, 180.0])
    closed = clv.expected_purchases(params, x, np.zeros(4), T, 61.0) / clv.probability_alive(params, x, np.zeros(4), T)
    quad = clv._conditional_purchases_quadrature(params, x, T, 61.0)
    assert quad == pytest.approx(closed, rel=1e-9)


def test_near_poisson_buyers_do_not_break_the_forecast():
    # Homogeneous buyers drive r and alpha to tens of thousands (seen on uniform synthetic data at full scale);
    # hyp2f1 overflows there and the quadrature takes over. Limit: rate r/alpha = 0.0145 a day, alive.
    params = clv.BetaGeoParams(r=42_035.9, alpha=2_904_141.0, a=0.0214, b=229.5)
    got = clv.expected_purchases(params, [0.0, 3.0], [0.0, 100.0], [100.0, 110.0], 61.0)
    assert np.isfinite(got).all()
    # alive, p ~ 1e-4: about rate × 61 days = 0.88 purchases for the customer without repeats
    assert got[0] == pytest.approx(0.0145 * 61, rel=0.02)


def test_unique_rows_packed_key_matches_numpy_unique_rows():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, 500).astype(float)
    t_x = np.where(x > 0, rng.integers(0, 30, 500), 0).astype(float)
    big_t = t_x + rng.integers(0, 4, 500)
    rows, counts, inverse = clv._unique_rows(x, t_x, big_t)
    want, want_inv, want_counts = np.unique(np.column_stack([x, t_x, big_t]), axis=0, return_inverse=True,
                                            return_counts=True)
    np.testing.assert_array_equal(rows, want)
    np.testing.assert_array_equal(counts, want_counts)
    np.testing.assert_array_equal(inverse, want_inv.reshape(-1))
    np.testing.assert_array_equal(rows[inverse], np.column_stack([x, t_x, big_t]))  # the map back
    half = clv._unique_rows(x, t_x + 0.5, big_t + 0.5)[0]  # not whole days: the np.unique fallback
    np.testing.assert_array_equal(half, want + [0.0, 0.5, 0.5])


def test_compressed_objectives_equal_the_per_customer_likelihoods_and_their_gradients(population):
    x, t_x, big_t, m = (population[c].to_numpy(float) for c in clv.RFM_COLUMNS)
    rows = clv._compress(x, t_x, big_t)
    assert len(rows.x) < len(x) and rows.w.sum() == len(x)
    for truncated in (False, True):
        log_params = np.log([0.6, 12.0, 0.9, 3.0])
        value, grad = clv._bgnbd_objective(log_params, rows, truncated)
        direct = clv.bgnbd_log_likelihood(clv.BetaGeoParams(*np.exp(log_params)), x, t_x, big_t,
                                          left_truncated=truncated)
        assert value == pytest.approx(-direct.mean(), rel=1e-12)  # weighted mean over rows = mean over customers
        step = 1e-6  # central differences of the objective itself
        numeric = [(clv._bgnbd_objective(log_params + step * e, rows, truncated)[0]
                    - clv._bgnbd_objective(log_params - step * e, rows, truncated)[0]) / (2 * step) for e in np.eye(4)]
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    keep = (x > 0) & (m > 0)
    buyers = clv._Buyers.of(x[keep], m[keep])
    log_params = np.log([2.0, 3.5, 150.0])
    value, grad = clv._gamma_gamma_objective(log_params, buyers)
    direct = clv.gamma_gamma_log_likelihood(clv.GammaGammaParams(*np.exp(log_params)), x[keep], m[keep])
    assert value == pytest.approx(-direct.mean(), rel=1e-12)
    numeric = [(clv._gamma_gamma_objective(log_params + 1e-6 * e, buyers)[0]
                - clv._gamma_gamma_objective(log_params - 1e-6 * e, buyers)[0]) / 2e-6 for e in np.eye(3)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_predictions_per_distinct_row_equal_the_per_customer_formulas(population):
    model = clv.fit_value_model(population)
    pred = clv.predict_value(model, population, horizon_days=60)
    x, t_x, big_t = (population[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    np.testing.assert_array_equal(pred["PRED_PURCHASES"], clv.expected_purchases(model.bgnbd, x, t_x, big_t, 60))
    np.testing.assert_array_equal(pred["P_ALIVE"], clv.probability_alive(model.bgnbd, x, t_x, big_t))


def test_rfm_summaries_equal_one_summary_per_clock():
    frame = _tx(HAND)
    kwargs = {"observation_end": "2018-01-31", "start_date": "2017-12-30", "customer_col": "who",
              "date_col": "day", "amount_col": "paid"}
    both = clv.rfm_summaries(frame, **kwargs)
    assert list(both) == ["first_purchase", "window_start"]
    for origin, summary in both.items():
        pd.testing.assert_frame_equal(summary, clv.rfm_summary(frame, origin=origin, **kwargs))
    with pytest.raises(ValueError, match="origin"):
        clv.rfm_summaries(frame, origins=("first_purchase", "birthday"), **kwargs)


def test_customer_codes_equal_pandas_factorize_sorted_or_not():
    for values in ([1, 1, 2, 5, 5, 9], [3, 1, 2, 3], ["b", "a", "a"], [1.0, 2.0, 2.0], [7]):
        codes, uniques = clv.customer_codes(pd.Series(values))
        want_codes, want_uniques = pd.factorize(pd.Series(values), sort=True)
        np.testing.assert_array_equal(codes, want_codes)
        assert codes.dtype == np.int64
        pd.testing.assert_index_equal(uniques, want_uniques)


def test_daily_sums_pass_customer_days_through_and_sum_shuffled_lines():
    codes = np.array([1, 0, 1, 0, 1])
    days = np.array([10, 12, 10, 11, 13])
    amount = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    out = clv._daily_sums(codes, days, amount)  # customer 0: days 11 (8), 12 (2); customer 1: 10 (1 + 4), 13 (16)
    assert out["c"].tolist() == [0, 0, 1, 1]
    assert out["d"].tolist() == [11, 12, 10, 13]
    assert out["a"].tolist() == [8.0, 2.0, 5.0, 16.0]
    daily = clv._daily_sums(out["c"].to_numpy(), out["d"].to_numpy(), out["a"].to_numpy())
    pd.testing.assert_frame_equal(daily, out)  # already one row per customer-day, in order: unchanged


def test_fits_run_with_one_blas_thread_and_restore_the_count():
    calls = threads.openblas_thread_calls()
    if not calls:
        pytest.skip("no OpenBLAS library loaded in this process (not Linux, or another BLAS)")
    before = [int(get()) for get, _ in calls]
    with threads.single_thread_blas():
        seen = [int(get()) for get, _ in calls]
    assert all(n == 1 for n in seen)
    assert [int(get()) for get, _ in calls] == before
