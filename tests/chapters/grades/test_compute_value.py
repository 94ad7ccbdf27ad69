"""Tests of the customer-value forecast beside the grades (helpers.chapters.grades.compute, value section).

Hand cases are worked out in comments; the end-to-end cases use customers with planted purchase speeds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chapters.grades.fixtures import AS_OF, planted_transactions

from helpers.chapters.grades import compute as g


def test_top_share_capture_hand_cases():
    actual = np.array([10, 30, 0, 0, 0, 0, 0, 0, 0, 60], dtype=float)
    # distinct scores: the top 10 % is customer 9 alone, who holds 60 of 100
    assert g.top_share_capture(np.arange(10), actual) == pytest.approx(0.6)
    # two customers tied at the top for one place: each counts half -> (10 + 30) / 2 / 100
    tied = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    assert g.top_share_capture(tied, actual) == pytest.approx(0.2)
    assert np.isnan(g.top_share_capture(tied, np.zeros(10)))


def _value(rows):
    grades, spend = zip(*rows)
    return pd.DataFrame({"CLNT_ID": range(1, len(rows) + 1),
                         "GRADE": pd.Categorical(grades, categories=["스타", "나비", "계륵", "관리제외"]),
                         "PRED_PURCHASES": [s / 100 for s in spend], "PRED_SPEND": [float(s) for s in spend],
                         "P_ALIVE": 1.0})


UPGRADE = [("스타", 100), ("스타", 200), ("스타", 300),   # best grade: median 200 is the bar
           ("나비", 250), ("계륵", 200), ("관리제외", 150), ("계륵", 500)]


def test_upgrade_candidates_hand_case():
    got = g.upgrade_candidates(_value(UPGRADE))
    assert got.columns.tolist() == ["CLNT_ID", "GRADE", "PRED_PURCHASES", "PRED_SPEND", "rank"]
    # 계륵 500 (id 7), 나비 250 (id 4), 계륵 200 (id 5, on the bar); 관리제외 150 is below it
    assert got["CLNT_ID"].tolist() == [7, 4, 5] and got["rank"].tolist() == [1, 2, 3]
    assert g.upgrade_candidates(_value(UPGRADE), size=1)["CLNT_ID"].tolist() == [7]
    assert len(g.upgrade_candidates(_value([("계륵", 500)]))) == 0  # no best-grade customer, no bar


def test_value_by_grade_hand_case():
    table = g.value_by_grade(_value(UPGRADE)).set_index("GRADE")
    assert table["CUSTOMERS"].tolist() == [3, 1, 2, 1]
    # 스타 mean (100+200+300)/3 = 200, 계륵 (200+500)/2 = 350; total 1,700
    assert table["PRED_SPEND"].tolist() == [200, 250, 350, 150]
    assert table["PRED_SPEND_SHARE"].tolist() == pytest.approx([600 / 1700, 250 / 1700, 700 / 1700, 150 / 1700])


@pytest.fixture(scope="module")
def planted():
    return planted_transactions()


def test_forecast_ranks_planted_speeds_and_is_deterministic(planted):
    frame, rates = planted
    before = frame.copy()
    first = g.forecast_value(frame, observation_end=AS_OF, horizon_days=61, start_date="2018-04-01")
    second = g.forecast_value(frame, observation_end=AS_OF, horizon_days=61, start_date="2018-04-01")
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(first.customers, second.customers)
    assert first.customers.columns.tolist() == ["CLNT_ID", "PRED_PURCHASES", "PRED_SPEND", "P_ALIVE"]
    assert len(first.validation) == 4 and first.origin in ("first_purchase", "window_start")
    truth = pd.Series(rates, index=np.arange(len(rates)) + 1000).reindex(first.customers["CLNT_ID"])
    # the planted daily speed is what a good forecast of purchases must rank (no dropout was planted)
    assert g.spearman(first.customers["PRED_PURCHASES"].to_numpy(), truth.to_numpy()) > 0.8
    # expected purchase days over 61 days vs the planted speeds (customers all alive): within 25 %
    assert first.customers["PRED_PURCHASES"].sum() == pytest.approx(61 * truth.sum(), rel=0.25)


def test_buyer_auc_hand_cases():
    bought = np.array([True, False, True, False])
    # buyers score 3 and 1, non-buyers 2 and 0: of the 4 buyer/non-buyer pairs, 3 are ordered right
    assert g.buyer_auc(np.array([3.0, 2.0, 1.0, 0.0]), bought) == pytest.approx(0.75)
    # one grade for everybody: every pair tied, one half each
    assert g.buyer_auc(np.ones(4), bought) == pytest.approx(0.5)
    # buyers (2, 2) vs non-buyers (2, 0): pairs (2>0) x2 = 1 each, (2=2) x2 = 1/2 each -> 3 / 4
    assert g.buyer_auc(np.array([2.0, 2.0, 2.0, 0.0]), bought) == pytest.approx(0.75)
    assert np.isnan(g.buyer_auc(np.arange(3.0), np.array([True, True, True])))


def test_value_check_table_splits_the_spearman_into_who_buys_and_how_much():
    future = np.array([0.0, 0.0, 50.0, 10.0, 0.0, 30.0])
    scores = {"forecast": np.array([1.0, 2.0, 6.0, 3.0, 0.0, 5.0]),  # later buyers ranked on top, in spend order
              "grades": np.array([0.0, 0.0, 1.0, 1.0, 0.0, 1.0]),  # buyers on top, but all tied among them
              "past_spend": np.array([6.0, 5.0, 1.0, 3.0, 4.0, 2.0])}  # everything backwards
    table = g._value_check_table(scores, future, 6).set_index("method")
    assert table.loc["forecast", "buyer_auc"] == 1.0 and table.loc["grades", "buyer_auc"] == 1.0
    assert table.loc["forecast", "spearman_buyers"] == 1.0
    assert np.isnan(table.loc["grades", "spearman_buyers"])  # constant among buyers
    assert table.loc["past_spend", "buyer_auc"] == 0.0 and table.loc["past_spend", "spearman_buyers"] == -1.0
    assert table.loc["forecast", "spearman"] == pytest.approx(g.spearman(scores["forecast"], future), abs=1e-4)
    assert (table["n_customers"] == 6).all()


def test_value_check_uses_the_holdout_customers_and_grades(planted):
    frame, _ = planted
    holdout = g.holdout_check(frame, cutoff="2018-07-31", horizon_end=AS_OF, start_date="2018-04-01")
    check = g.value_check(frame, holdout, start_date="2018-04-01")
    assert check.table["method"].tolist() == ["forecast", "grades", "past_spend"]
    assert (check.table["n_customers"] == len(holdout.customers)).all()
    assert check.table.set_index("method").loc["grades", "spearman"] == pytest.approx(holdout.spearman, abs=1e-4)
    by_grade = check.by_grade.set_index("GRADE")
    expected = holdout.by_grade.set_index("GRADE")["MEAN_SPEND"]
    pd.testing.assert_series_equal(by_grade["FUTURE_SPEND"], expected, check_names=False)
    assert check.forecast.horizon_days == 61
    product = g.value_forecast_check(check)
    assert product.columns.tolist() == ["method", "spearman", "n_customers"]


def test_customer_value_forecast_product_and_refusals(planted):
    frame, _ = planted
    graded = g.grade_customers(frame, as_of=AS_OF)
    forecast = g.forecast_value(frame, observation_end=AS_OF, horizon_days=30, origin="first_purchase")
    value = g.customer_value_forecast(graded, forecast)
    assert value.columns.tolist() == ["CLNT_ID", *g.FORECAST_COLUMNS]
    assert len(value) == len(graded) and value["CLNT_ID"].is_monotonic_increasing
    assert (value["PRED_SPEND"] == value["PRED_SPEND"].round(0)).all()
    with pytest.raises(ValueError, match="no forecast"):
        g.customer_value_forecast(graded, forecast.__class__(forecast.customers.iloc[1:], *list(
            forecast.__dict__.values())[1:]))
    with pytest.raises(ValueError, match="horizon_days"):
        g.forecast_value(frame, observation_end=AS_OF, horizon_days=0)
    with pytest.raises(ValueError, match="origin"):
        g.forecast_value(frame, observation_end=AS_OF, horizon_days=30, origin="yesterday")


def test_end_forecast_reuses_the_variant_chosen_inside_the_holdout_fit_period(planted, monkeypatch):
    frame, _ = planted
    holdout = g.holdout_check(frame, cutoff="2018-07-31", horizon_end=AS_OF, start_date="2018-04-01")
    check = g.value_check(frame, holdout, start_date="2018-04-01")
    chosen = check.forecast
    assert chosen.chosen_at == pd.Timestamp("2018-07-31") == chosen.observation_end and len(chosen.validation) == 4

    def no_second_choice(*args, **kwargs):
        raise AssertionError("the variant must not be chosen again")

    monkeypatch.setattr(g, "_choose_variant", no_second_choice)
    reused = g.forecast_value(frame, observation_end=AS_OF, horizon_days=61, start_date="2018-04-01",
                              variant=chosen)
    assert (reused.origin, reused.spend_model) == (chosen.origin, chosen.spend_model)
    assert reused.chosen_at == pd.Timestamp("2018-07-31") and reused.observation_end == pd.Timestamp(AS_OF)
    pd.testing.assert_frame_equal(reused.validation, chosen.validation)
    assert reused.model.n_customers == frame["CLNT_ID"].nunique()  # refitted on the whole history
    with pytest.raises(TypeError, match="variant"):
        g.forecast_value(frame, observation_end=AS_OF, horizon_days=61, variant="window_start")
    with pytest.raises(ValueError, match="not both"):
        g.forecast_value(frame, observation_end=AS_OF, horizon_days=61, origin="first_purchase", variant=chosen)


def test_variant_choice_on_a_deterministic_customer_sample(planted):
    frame, _ = planted
    kwargs = {"observation_end": AS_OF, "horizon_days": 61, "start_date": "2018-04-01"}
    small = g.forecast_value(frame, validation_customers=150, **kwargs)
    again = g.forecast_value(frame, validation_customers=150, **kwargs)
    everyone = g.forecast_value(frame, validation_customers=None, **kwargs)
    assert (small.validation["n_customers"] == 150).all()
    assert (everyone.validation["n_customers"] > 150).all()
    pd.testing.assert_frame_equal(small.validation, again.validation)
    # the final fit uses every customer whatever the choice sample
    assert small.model.n_customers == everyone.model.n_customers == frame["CLNT_ID"].nunique()
    picked = g._choice_sample(1000, 150)
    assert len(picked) == 150 and (np.diff(picked) > 0).all() and g._choice_sample(100, 150) is None
    with pytest.raises(ValueError, match="validation_customers"):
        g.forecast_value(frame, validation_customers=10, **kwargs)
