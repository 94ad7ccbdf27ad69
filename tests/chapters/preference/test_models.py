"""Tests of helpers/chapters/preference/models.py (the Dirichlet–multinomial preference model) and of the
method comparison and products built on it in compute.py.

Hand-computed expectations are written next to the asserts; planted populations are drawn from known Dirichlet
group preferences.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln

from helpers.chapters.preference import compute as pref
from helpers.chapters.preference import models as pm
from helpers.chapters.preference import words as pwords
from helpers.common.errors import DataError

CATS = ["A", "B", "C"]


# ---------------------------------------------------------------------------------------------
# Hand-computed small cases
# ---------------------------------------------------------------------------------------------
def test_posterior_mean_two_customers_three_categories():
    counts = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    overall = np.array([0.5, 0.3, 0.2])
    group = np.array([0, 0])
    # group totals m = (2, 1, 3), M = 6, β = 5: θ = ((2, 1, 3) + 5·(.5, .3, .2)) / 11 = (4.5, 2.5, 4) / 11
    thetas = pm.group_means(counts, group, 1, overall, 5.0)
    np.testing.assert_allclose(thetas, [[4.5 / 11, 2.5 / 11, 4 / 11]])
    # α = 2: p1 = ((2, 1, 0) + 2θ) / 5 = (31, 16, 8) / 55;  p2 = ((0, 0, 3) + 2θ) / 5 = (9, 5, 41) / 55
    scores = pm.posterior_mean(counts, pm.prior_means(group, thetas, overall), 2.0)
    np.testing.assert_allclose(scores, [[31 / 55, 16 / 55, 8 / 55], [9 / 55, 5 / 55, 41 / 55]])
    # a customer without a group takes the overall shares as prior mean
    np.testing.assert_allclose(pm.prior_means(np.array([-1]), thetas, overall), [overall])


def test_marginal_likelihood_leaves_the_customer_out_of_the_group_mean():
    counts = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0], [1.0, 0.0, 0.0]])
    group = np.array([0, 0, -1])
    overall = np.array([0.5, 0.3, 0.2])
    alpha, beta = 2.0, 5.0
    ev = pm._evidence(counts, group, 1, overall)
    got = -pm._neg_log_marginal(np.log([alpha, beta]), ev)[0]

    def dm(x, mean):  # log Γ(α)/Γ(N+α) · Π Γ(x_k + α m_k)/Γ(α m_k) (the multinomial coefficient is constant)
        a = alpha * np.asarray(mean)
        return gammaln(alpha) - gammaln(x.sum() + alpha) + (gammaln(x + a) - gammaln(a)).sum()

    # customer 1 sees the group without itself: ((0, 0, 3) + 5·π0) / (3 + 5); customer 2 likewise
    theta_1 = (np.array([0, 0, 3]) + beta * overall) / 8
    theta_2 = (np.array([2, 1, 0]) + beta * overall) / 8
    expected = dm(counts[0], theta_1) + dm(counts[1], theta_2) + dm(counts[2], overall)
    assert got == pytest.approx(expected, rel=1e-12)
    # the analytic gradient in (log α, log β) matches central differences
    grad = pm._neg_log_marginal(np.log([alpha, beta]), ev)[1]
    for i in range(2):
        step = np.zeros(2)
        step[i] = 1e-6
        numeric = (pm._neg_log_marginal(np.log([alpha, beta]) + step, ev)[0]
                   - pm._neg_log_marginal(np.log([alpha, beta]) - step, ev)[0]) / 2e-6
        assert grad[i] == pytest.approx(numeric, rel=1e-5)


def test_top_k_columns_breaks_ties_by_column_order():
    values = np.array([[0.2, 0.5, 0.5, 0.1], [0.0, 0.0, 0.0, 0.0]])
    assert pm.top_k_columns(values, 3).tolist() == [[1, 2, 0], [0, 1, 2]]


# ---------------------------------------------------------------------------------------------
# Planted truth
# ---------------------------------------------------------------------------------------------
K_PLANTED = 8


def _planted(seed: int, *, n_customers: int = 12_000, alpha: float = 4.0, months: int = 4,
             lines_per_month: float = 1.2, p_unknown: float = 0.0):
    """Customers in 4 age × gender groups with known group means θ_g; each customer's own shares
    p_c ~ Dirichlet(α·θ_g); lines per month Poisson(``lines_per_month``), categories drawn from p_c.
    Returns (lines with SESS_DT, SESS_ID, CLNT_AGE, CLNT_GENDER, CLAC1_NM; per-customer truth)."""
    rng = np.random.default_rng(seed)
    cats = np.array([f"cat{k}" for k in range(K_PLANTED)], dtype=object)
    groups = [(30, "F"), (30, "M"), (40, "F"), (40, "M")]
    thetas = rng.dirichlet(np.full(K_PLANTED, 2.0), size=len(groups))
    g = rng.integers(0, len(groups), n_customers)
    p = np.vstack([rng.dirichlet(alpha * thetas[gi]) for gi in g])
    known = rng.random(n_customers) >= p_unknown
    frames = []
    for month in range(months):
        n = rng.poisson(lines_per_month, n_customers)
        cust = np.repeat(np.arange(n_customers), n)
        u = rng.random(cust.size)[:, None]
        cat = (u > np.cumsum(p[cust], axis=1)).sum(axis=1).clip(0, K_PLANTED - 1)
        frames.append(pd.DataFrame({
            "CLNT_ID": cust + 1, "SESS_ID": np.arange(cust.size) + 1_000_000 * month,
            "SESS_DT": pd.Timestamp(2018, 4 + month, 1) + pd.to_timedelta(rng.integers(0, 28, cust.size), "D"),
            "CLAC1_NM": pd.array(cats[cat], dtype="str")}))
    lines = pd.concat(frames, ignore_index=True)
    demo = pd.DataFrame({"CLNT_ID": np.arange(n_customers) + 1,
                         "CLNT_AGE": pd.array([groups[i][0] for i in g], dtype="Int64"),
                         "CLNT_GENDER": pd.array([groups[i][1] for i in g], dtype="str")})
    demo.loc[~known, ["CLNT_AGE", "CLNT_GENDER"]] = pd.NA
    lines = lines.merge(demo, on="CLNT_ID", how="left")
    return lines, demo, p


def test_planted_concentration_is_recovered():
    lines, demo, _ = _planted(seed=1, alpha=4.0)
    model = pm.fit_dirichlet_preference(lines, customers=demo, half_lives=(None,), compare_units=False)
    # 12k customers with ~4.8 lines each: the marginal likelihood finds α within 20 % of the planted 4
    assert 3.2 <= model.params["alpha"] <= 4.8, model.params
    assert model.params["unit"] == "line" and model.params["half_life_days"] is None
    assert len(model.groups) == 4 and model.counts["n_without_demographics"] == 0
    # the group means are the planted ones up to sampling noise
    np.testing.assert_allclose(model.scores.to_numpy().sum(axis=1), 1.0)


def test_planted_model_beats_own_most_bought_on_the_holdout():
    lines, demo, _ = _planted(seed=2, alpha=8.0, months=5, lines_per_month=0.6, p_unknown=0.2)
    comparison = pref.compare_methods(lines, holdout_start="2018-08-01", demographics=demo, occasion_col="SESS_ID")
    rates = comparison.table[comparison.table["segment"] == "all"].set_index("method")
    model, own = rates.loc["dirichlet_multinomial"], rates.loc["own_most_bought"]
    # customers close to their group (α = 8) with few lines: shrinkage gains clearly (measured +3.4 / +5.2 points)
    assert model["top1_hit_rate"] >= own["top1_hit_rate"] + 0.02, rates
    assert model["top3_hit_rate"] >= own["top3_hit_rate"] + 0.03, rates
    assert comparison.chosen == "dirichlet_multinomial"
    # customers without history: the group distribution beats the one-size popularity list
    new = comparison.table[comparison.table["segment"] == "no_history"].set_index("method")
    assert new.loc["dirichlet_multinomial", "top1_hit_rate"] > new.loc["popularity", "top1_hit_rate"]
    # the model never saw the holdout: its validation split ends where the holdout starts
    assert comparison.model.params["as_of"] == pd.Timestamp("2018-08-01")


# ---------------------------------------------------------------------------------------------
# Contract: holdout isolation, demographics list, fallbacks, determinism, errors
# ---------------------------------------------------------------------------------------------
def test_comparison_cannot_see_the_holdout():
    lines, demo, _ = _planted(seed=3, n_customers=3000, months=4)
    base = pref.compare_methods(lines, holdout_start="2018-07-01", demographics=demo)
    changed = lines.copy()
    hold = changed["SESS_DT"] >= "2018-07-01"
    changed.loc[hold, "CLAC1_NM"] = "cat0"
    other = pref.compare_methods(changed, holdout_start="2018-07-01", demographics=demo)
    for key in ("alpha", "beta", "unit", "half_life_days"):
        assert other.model.params[key] == base.model.params[key]
    pd.testing.assert_frame_equal(other.model.validation, base.model.validation)
    assert not other.table["top1_hit_rate"].equals(base.table["top1_hit_rate"])


def test_other_demographic_columns_and_fallback_to_overall():
    lines, demo, _ = _planted(seed=4, n_customers=2000, months=2)
    shop = demo.rename(columns={"CLNT_AGE": "AGE_BAND"}).assign(INCOME=np.where(demo["CLNT_ID"] % 2 == 0, "high",
                                                                                   "low"))
    shop.loc[shop["CLNT_ID"] <= 100, "INCOME"] = None  # 100 customers without income: no group
    extra = pd.DataFrame({"CLNT_ID": [99_999], "AGE_BAND": pd.array([pd.NA], dtype="Int64"),
                          "CLNT_GENDER": pd.array([pd.NA], dtype="str"), "INCOME": [None]})
    customers = pd.concat([shop, extra], ignore_index=True)
    model = pm.fit_dirichlet_preference(lines.drop(columns=["CLNT_AGE", "CLNT_GENDER"]), customers=customers,
                                        group_cols=["AGE_BAND", "INCOME"], half_lives=(None,))
    assert len(model.groups) == 4  # 2 age bands × 2 income levels
    assert model.counts["n_without_demographics"] == 101
    never_bought = (~customers["CLNT_ID"].isin(lines["CLNT_ID"])).sum()  # the extra id and Poisson zeros
    assert model.counts["n_without_history"] == never_bought >= 1
    # no history and no group: the overall shares (+1 per category), in popularity order
    row = model.scores.loc[99_999].to_numpy()
    counts = lines["CLAC1_NM"].value_counts().reindex(model.categories).to_numpy()
    if model.params["unit"] == "line":
        np.testing.assert_allclose(row, (counts + 1) / (counts.sum() + len(counts)))
    assert (np.diff(row) <= 1e-12).all()


def test_deterministic_and_validated_inputs():
    lines, demo, _ = _planted(seed=5, n_customers=1500, months=2)
    a = pm.fit_dirichlet_preference(lines, customers=demo)
    b = pm.fit_dirichlet_preference(lines, customers=demo)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert list(a.validation.columns) == pm.VALIDATION_COLUMNS and a.validation["chosen"].sum() == 1
    assert list(a.top3.columns) == ["CLNT_ID", "rank1", "rank1_score", "rank2", "rank2_score", "rank3",
                                    "rank3_score"]
    with pytest.raises(ValueError, match="'SESS_DT'.*date_col"):
        pm.fit_dirichlet_preference(lines.drop(columns="SESS_DT"))
    with pytest.raises(DataError, match="as_of"):
        pm.fit_dirichlet_preference(lines, as_of="2018-04-15")
    with pytest.raises(DataError, match="half_lives"):
        pm.fit_dirichlet_preference(lines, half_lives=(0,))
    with pytest.raises(ValueError, match="'INCOME'"):
        pm.fit_dirichlet_preference(lines, group_cols=["INCOME"])


def test_one_candidate_is_refitted_without_validation():
    lines, demo, _ = _planted(seed=5, n_customers=1500, months=2)
    grid = pm.fit_dirichlet_preference(lines, customers=demo)
    unit, half_life = grid.params["unit"], grid.params["half_life_days"]
    refit = pm.fit_dirichlet_preference(lines, customers=demo, units=[unit], half_lives=[half_life])
    assert refit.validation.empty  # nothing to choose: no validation fit
    assert (refit.params["unit"], refit.params["half_life_days"]) == (unit, half_life)
    # the final fit does not depend on how the values were chosen
    pd.testing.assert_frame_equal(refit.scores, grid.scores)
    other = pm.fit_dirichlet_preference(lines, customers=demo, units=["line"], half_lives=[14.0])
    assert other.params["half_life_days"] == 14.0 and not np.allclose(other.scores, grid.scores)


# ---------------------------------------------------------------------------------------------
# Products for chapter 6 and the analyst tables
# ---------------------------------------------------------------------------------------------
def test_method_products_and_tables():
    lines, demo, _ = _planted(seed=6, n_customers=2000, months=3)
    comparison = pref.compare_methods(lines, holdout_start="2018-06-01", demographics=demo)
    table = comparison.table
    assert list(table.columns) == pref.METHODS_COLUMNS
    assert set(table["segment"]) == {"all", "history", "no_history", "demographics", "no_demographics"}
    assert table.groupby("method")["chosen"].nunique().eq(1).all()
    assert table.loc[table["chosen"], "method"].nunique() == 1
    overall = table[table["segment"] == "all"].sort_values(["top3_hit_rate", "top1_hit_rate"], ascending=False)
    assert overall["method"].iloc[0] == comparison.chosen
    for method in pref.COMPARED_METHODS:
        scores = pref.method_scores(lines, method, customers=demo)
        top3 = pref.model_top3(scores, method)
        assert list(top3.columns) == ["CLNT_ID", "rank1", "rank1_score", "rank2", "rank2_score", "rank3",
                                      "rank3_score", "method"]
        wide = pref.model_wide(scores)
        assert list(wide.columns) == ["CLNT_ID", *[str(c) for c in scores.columns]]
        assert (wide.dtypes.iloc[1:] == np.float32).all() and len(wide) == len(demo)
        assert np.allclose(wide.iloc[:, 1:].to_numpy(dtype=float), scores.round(4).to_numpy(), atol=1e-7)
    own = pref.method_scores(lines, "own_most_bought", customers=demo)
    first = lines[lines["CLNT_ID"] == 1]["CLAC1_NM"].value_counts()
    assert own.loc[1, first.index[0]] == pytest.approx(first.iloc[0] / first.sum())
    shown = pwords.methods_table(comparison)
    assert not shown["method_ko"].isin(pref.COMPARED_METHODS).any()
    assert set(shown["segment_ko"]) == {"전체", "구매이력 있음", "구매이력 없음", "인구통계 있음", "인구통계 없음·일부"}
    summary = pwords.describe_summary(comparison)
    assert len(summary) == 3 and all("_" not in s.split("(데이터")[0] for s in summary)
    assert "%" in pwords.describe_methods(comparison) and "α" in pwords.describe_model(comparison)


def test_comparison_figure_and_worked_example_sentence_in_korean():
    from matplotlib.figure import Figure

    from helpers.chapters.preference import figures as pfig
    from helpers.common.figures import missing_glyph_warnings

    lines, demo, _ = _planted(seed=7, n_customers=1500, months=3)
    comparison = pref.compare_methods(lines, holdout_start="2018-06-01", demographics=demo)
    fig = pfig.plot_method_comparison(comparison)
    assert isinstance(fig, Figure) and missing_glyph_warnings(fig) == []
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert sum("★" in label for label in labels) == 1 and not any("_" in label for label in labels)
    sentence = pwords.describe_worked_example(pref.worked_example())
    assert "71.53" in sentence and "100" in sentence and "71.56" in sentence
    params = pwords.model_params_table(comparison)
    assert params["hyper_value"].str.len().gt(0).all()
