"""Tests of helpers/chapters/preference/compute.py, figures.py and words.py (chapter 5, the report's index).

Expected values are computed by hand from the report's formulas in the comments next to them.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.chapters.preference import figures as pfig
from helpers.chapters.preference import words as pwords
from helpers.chapters.preference.compute import (
    EvaluationResult,
    PreferenceResult,
    customers_preferring,
    evaluate_preference,
    example_customers,
    index_distribution,
    preference_index,
    scale_log_posterior,
    smoothed_prior,
    top1_share_by_segment,
    worked_example,
)

COLS = ["CLNT_ID", "CLAC1_NM", "CLNT_AGE", "CLNT_GENDER"]


def _frame(rows, columns=COLS) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    df[columns[2]] = df[columns[2]].astype("Int64")
    df[columns[1]] = df[columns[1]].astype("str")
    df[columns[3]] = df[columns[3]].astype("str")
    return df


def _report_example_frame() -> pd.DataFrame:
    """The report's worked example as data (2 categories, 3 customers).

    Customer 1 (20s, M): 2 women's + 6 men's clothing -> +1 prior (2+1)/10 = 0.3, (6+1)/10 = 0.7.
    Women's clothing: 10 lines (c1 2×20M, c2 2×20F, c3 6×30F) -> P(20|W) = 4/10 = 0.4, P(M|W) = 2/10 = 0.2.
    Men's clothing: 12 lines (c1 6×20M, c3 6×30F) -> P(20|M) = 6/12 = 0.5, P(M|M) = 6/12 = 0.5.
    So customer 1 has exactly the report's posteriors 0.3·0.4·0.2 = 0.024 and 0.7·0.5·0.5 = 0.175.
    """
    rows = ([(1, "여성의류", 20, "M")] * 2 + [(1, "남성의류", 20, "M")] * 6
            + [(2, "여성의류", 20, "F")] * 2
            + [(3, "여성의류", 30, "F")] * 6 + [(3, "남성의류", 30, "F")] * 6)
    return _frame(rows)


def _index_of(result: PreferenceResult, customer, category) -> float:
    return float(result.wide.loc[customer, category])


# ---------------------------------------------------------------------------------------------
# The report's numbers
# ---------------------------------------------------------------------------------------------
def test_worked_example_reproduces_report_table():
    table = worked_example().set_index("category")
    assert table.loc["여성의류", "posterior"] == pytest.approx(0.024)
    assert table.loc["남성의류", "posterior"] == pytest.approx(0.175)
    assert table["ln_posterior_rounded"].tolist() == [-3.73, -1.74]
    assert table["shifted"].round(2).tolist() == [5.0, 6.99]
    # 100 · 5 / 6.99 = 71.5307...: the report's 71.53 comes from the rounded logarithms
    assert round(table.loc["여성의류", "index_report"], 2) == 71.53
    assert table.loc["남성의류", "index_report"] == 100.0
    # exact: 100 · 5 / (5 + ln(0.175/0.024)) = 100 · 5 / 6.98673 = 71.5642
    assert table.loc["여성의류", "index_exact"] == pytest.approx(100 * 5 / (5 + math.log(0.175 / 0.024)))
    assert round(table.loc["여성의류", "index_exact"], 2) == 71.56


def test_worked_example_through_preference_index_with_two_categories():
    result = preference_index(_report_example_frame())
    assert result.categories == ["남성의류", "여성의류"]  # 12 lines before 10: popularity order
    # hand-computed likelihood tables
    assert result.age_likelihood.loc[20, "여성의류"] == pytest.approx(0.4)
    assert result.age_likelihood.loc[20, "남성의류"] == pytest.approx(0.5)
    assert result.age_likelihood.loc[30, "여성의류"] == pytest.approx(0.6)
    assert result.gender_likelihood.loc["M", "여성의류"] == pytest.approx(0.2)
    assert result.gender_likelihood.loc["M", "남성의류"] == pytest.approx(0.5)
    assert result.gender_likelihood.loc["F", "여성의류"] == pytest.approx(0.8)
    # customer 1 = the report's example: 71.56 (exact logs) and 100
    assert _index_of(result, 1, "남성의류") == 100.0
    assert _index_of(result, 1, "여성의류") == pytest.approx(71.5642, abs=1e-4)
    assert _index_of(result, 1, "여성의류") == pytest.approx(worked_example()["index_exact"].iloc[0])


def test_hand_computed_likelihood_three_customers():
    result = preference_index(_report_example_frame())
    # customer 2 (20s, F; 2 women's): prior 3/4, 1/4; post W = .75·.4·.8 = .24, M = .25·.5·.5 = .0625
    expected_c2 = 100 * 5 / (5 + math.log(0.24 / 0.0625))
    assert _index_of(result, 2, "여성의류") == 100.0
    assert _index_of(result, 2, "남성의류") == pytest.approx(expected_c2)
    assert _index_of(result, 2, "남성의류") == pytest.approx(78.796, abs=1e-3)
    # customer 3 (30s, F; 6 + 6): prior 7/14 each; post W = .5·.6·.8 = .24, M = .5·.5·.5 = .125
    assert _index_of(result, 3, "남성의류") == pytest.approx(100 * 5 / (5 + math.log(0.24 / 0.125)))
    top3 = result.top3.set_index("CLNT_ID")
    assert top3.loc[1, "rank1"] == "남성의류" and top3.loc[1, "rank2"] == "여성의류"
    assert top3.loc[3, "rank1"] == "여성의류"
    assert top3["rank3"].isna().all() and top3["rank3_index"].isna().all()  # only 2 categories


def test_plus_one_smoothing_report_table():
    # the report: counts 0/1/0 -> 0/1/0 without smoothing, 1/2/1 -> 0.25/0.5/0.25 with +1
    np.testing.assert_allclose(smoothed_prior([0, 1, 0]), [0.25, 0.5, 0.25])
    np.testing.assert_allclose(smoothed_prior([[0, 0, 0], [3, 0, 1]]), [[1 / 3] * 3, [4 / 7, 1 / 7, 2 / 7]])
    # through preference_index: everybody 30s F, so every likelihood is 1 and the posterior is the prior
    df = _frame([(1, "남성의류", 30, "F"), (2, "여성의류", 30, "F"), (2, "여성의류", 30, "F"),
                 (3, "유아동의류", 30, "F")])
    result = preference_index(df)
    row = result.wide.loc[1, ["여성의류", "남성의류", "유아동의류"]].to_numpy()
    # ln .25, ln .5, ln .25 -> 5, 5 + ln 2, 5 -> 100·5/(5 + ln 2) = 87.827
    np.testing.assert_allclose(row, [100 * 5 / (5 + math.log(2)), 100, 100 * 5 / (5 + math.log(2))])
    np.testing.assert_allclose(row, scale_log_posterior(np.log([0.25, 0.5, 0.25])))


def test_scale_log_posterior_edge_cases():
    np.testing.assert_allclose(scale_log_posterior([-2.0, -2.0, -2.0]), [100, 100, 100])  # max == min
    np.testing.assert_allclose(scale_log_posterior([[-1.0, -3.0], [0.0, 0.0]]),
                               [[100, 100 * 5 / 7], [100, 100]])
    assert scale_log_posterior([-3.73, -1.74], floor=5, top=1)[0] == pytest.approx(0.71530, abs=1e-5)
    with pytest.raises(ValueError, match="non-finite"):
        scale_log_posterior([-np.inf, -1.0])
    with pytest.raises(ValueError, match="floor"):
        scale_log_posterior([-1.0, -2.0], floor=0)
    values = np.array([-1.0, -2.0])
    scale_log_posterior(values)
    np.testing.assert_array_equal(values, [-1.0, -2.0])  # input untouched


# ---------------------------------------------------------------------------------------------
# Missing information
# ---------------------------------------------------------------------------------------------
def test_customer_without_demographics_uses_prior_only():
    df = _report_example_frame()
    extra = _frame([(4, "여성의류", None, None)] * 3 + [(4, "남성의류", None, None)])
    result = preference_index(pd.concat([df, extra], ignore_index=True))
    # likelihood tables ignore lines without age/gender: still 0.4 / 0.2 for women's clothing
    assert result.age_likelihood.loc[20, "여성의류"] == pytest.approx(0.4)
    assert result.gender_likelihood.loc["M", "여성의류"] == pytest.approx(0.2)
    # customer 4: prior (3+1)/6, (1+1)/6 only -> 100·5/(5 + ln 2)
    assert _index_of(result, 4, "여성의류") == 100.0
    assert _index_of(result, 4, "남성의류") == pytest.approx(100 * 5 / (5 + math.log(2)))
    assert result.counts.n_without_demographics == 1
    assert result.counts.n_missing_age_only == 0 and result.counts.n_missing_gender_only == 0
    row = result.customers.set_index("CLNT_ID").loc[4]
    assert not row["has_age"] and not row["has_gender"] and pd.isna(row["age_band"]) and pd.isna(row["gender"])
    assert "연령·성별 정보가 모두 없는 1명" in pwords.describe_missing(result)


def test_missing_age_only_keeps_gender_term():
    df = _report_example_frame()
    extra = _frame([(5, "여성의류", None, "M")])
    result = preference_index(pd.concat([df, extra], ignore_index=True))
    # gender table now has 11 women's lines with gender (c5 adds one M): P(M|W) = 3/11, P(M|M) = 0.5
    # customer 5: prior W (1+1)/3, M 1/3; no age term
    post_w = (2 / 3) * (3 / 11)
    post_m = (1 / 3) * 0.5
    hi, lo = max(post_w, post_m), min(post_w, post_m)
    assert result.wide.loc[5].min() == pytest.approx(100 * 5 / (5 + math.log(hi / lo)))
    assert result.top3.set_index("CLNT_ID").loc[5, "rank1"] == ("여성의류" if post_w > post_m else "남성의류")
    assert result.counts.n_missing_age_only == 1 and result.counts.n_without_demographics == 0


def test_listed_customer_without_purchases_gets_uniform_prior():
    df = _report_example_frame()
    result = preference_index(df, customers=[1, 2, 3, 999])
    assert result.counts.n_without_purchases == 1
    assert result.counts.n_without_information == 1
    # no purchase, no demographics: every index 100, ranks by popularity (남성의류 has more lines)
    np.testing.assert_allclose(result.wide.loc[999].to_numpy(), [100.0, 100.0])
    assert result.top3.set_index("CLNT_ID").loc[999, "rank1"] == "남성의류"
    assert result.wide.index.tolist() == [1, 2, 3, 999]
    # customer 1 is unaffected by the extra listed customer
    assert _index_of(result, 1, "여성의류") == pytest.approx(100 * 5 / (5 + math.log(0.175 / 0.024)))

    # with demographics from a Custom-like frame: 20s M -> prior 1/2 each, likelihood .4·.2 vs .5·.5
    custom = pd.DataFrame({"CLNT_ID": [1, 2, 3, 999], "CLNT_AGE": pd.array([20, 20, 30, 20], dtype="Int64"),
                           "CLNT_GENDER": pd.array(["M", "F", "F", "M"], dtype="str")})
    with_demo = preference_index(df, customers=custom)
    assert with_demo.counts.n_without_information == 0
    assert _index_of(with_demo, 999, "여성의류") == pytest.approx(100 * 5 / (5 + math.log(0.25 / 0.08)))


def test_zero_likelihood_is_floored_not_nan():
    # 유아동의류 is only bought by a 30s woman: P(20|유아동) and P(M|유아동) are 0 without smoothing
    rows = ([(1, "남성의류", 20, "M")] * 3 + [(2, "여성의류", 30, "F")] * 3
            + [(2, "유아동의류", 30, "F")] * 4 + [(3, "남성의류", 30, "F")])
    result = preference_index(_frame(rows))
    assert np.isfinite(result.wide.to_numpy()).all()
    # floor: 0.5 / n_k with n_k = 4 lines of 유아동의류
    assert result.age_likelihood.loc[20, "유아동의류"] == pytest.approx(0.125)
    assert result.gender_likelihood.loc["M", "유아동의류"] == pytest.approx(0.125)
    # zero cells: age 20 × {여성의류, 유아동의류}, gender M × {여성의류, 유아동의류}
    assert result.counts.n_zero_likelihood_cells == 4
    # customer 1 (20s M, 3 men's): prior 남 4/6, 여 1/6, 유 1/6
    # likelihood 남: P(20|남)=3/4, P(M|남)=3/4; 여: 0.5/3 · 0.5/3; 유: 0.125 · 0.125
    post = {"남성의류": 4 / 6 * 0.75 * 0.75, "여성의류": 1 / 6 * (0.5 / 3) ** 2, "유아동의류": 1 / 6 * 0.125 ** 2}
    expected = scale_log_posterior(np.log(list(post.values())))
    np.testing.assert_allclose(result.wide.loc[1, list(post)].to_numpy(), expected)

    smoothed = preference_index(_frame(rows), likelihood_smoothing=1.0)
    # additive smoothing, 2 age bands: (0 + 1) / (4 + 2) for age 20 in 유아동의류
    assert smoothed.age_likelihood.loc[20, "유아동의류"] == pytest.approx(1 / 6)
    assert smoothed.counts.n_zero_likelihood_cells == 0
    assert np.isfinite(smoothed.wide.to_numpy()).all()


# ---------------------------------------------------------------------------------------------
# Planted preferences and evaluation
# ---------------------------------------------------------------------------------------------
CATEGORIES = ["여성의류", "남성의류", "화장품/뷰티케어", "스포츠패션", "유아동의류", "건강식품", "패션잡화", "완구"]
SEGMENT_FAVOURITE = {(20, "F"): "화장품/뷰티케어", (30, "F"): "여성의류", (40, "F"): "유아동의류",
                     (20, "M"): "스포츠패션", (30, "M"): "남성의류", (40, "M"): "건강식품"}


def _planted_purchases(seed: int, n_customers: int = 3000, *, p_favourite: float = 0.4,
                       p_segment_taste: float = 1.0, months: int = 1, p_missing_demo: float = 0.0,
                       lines_per_month: float = 1.5, p_new: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Purchase lines with an age × gender-dependent favourite category.

    Each customer belongs to one of 6 segments; their personal favourite is the segment's favourite with
    probability ``p_segment_taste`` (otherwise a random category). Each line is the personal favourite with
    probability ``p_favourite``, else uniform over the 8 categories. Months start 2018-04; lines per month are
    Poisson(``lines_per_month``), at least one in the first month. ``p_missing_demo`` of customers have no
    age/gender on their lines; ``p_new`` of customers buy only in the last month (at least one line).
    Returns (lines, customers with columns CLNT_ID, segment_favourite, favourite, age, gender, has_demo).
    """
    rng = np.random.default_rng(seed)
    segments = list(SEGMENT_FAVOURITE)
    seg = rng.integers(0, len(segments), n_customers)
    ages = np.array([segments[s][0] for s in seg])
    genders = np.array([segments[s][1] for s in seg], dtype=object)
    seg_fav = np.array([CATEGORIES.index(SEGMENT_FAVOURITE[segments[s]]) for s in seg])
    own_taste = rng.random(n_customers) < p_segment_taste
    fav = np.where(own_taste, seg_fav, rng.integers(0, len(CATEGORIES), n_customers))
    has_demo = rng.random(n_customers) >= p_missing_demo
    is_new = rng.random(n_customers) < p_new
    frames = []
    for month in range(months):
        n_lines = rng.poisson(lines_per_month, n_customers)
        if month == 0:
            n_lines = np.maximum(n_lines, 1)  # everybody but the new customers has some history
        if month < months - 1:
            n_lines[is_new] = 0
        else:
            n_lines[is_new] = np.maximum(n_lines[is_new], 1)
        cust = np.repeat(np.arange(n_customers), n_lines)
        is_fav = rng.random(cust.size) < p_favourite
        cat = np.where(is_fav, fav[cust], rng.integers(0, len(CATEGORIES), cust.size))
        start = pd.Timestamp(2018, 4 + month, 1)
        day = rng.integers(0, 28, cust.size)
        frames.append(pd.DataFrame({
            "CLNT_ID": cust + 1000,
            "SESS_DT": start + pd.to_timedelta(day, unit="D"),
            "CLAC1_NM": np.asarray(CATEGORIES, dtype=object)[cat],
            "CLNT_AGE": np.where(has_demo[cust], ages[cust], -1),
            "CLNT_GENDER": np.where(has_demo[cust], genders[cust], None),
            "REVENUE": rng.gamma(2.0, 20_000, cust.size).round(-2),
        }))
    lines = pd.concat(frames, ignore_index=True)
    lines["CLNT_AGE"] = lines["CLNT_AGE"].astype("Int64").mask(lines["CLNT_AGE"] < 0)
    lines["CLAC1_NM"] = lines["CLAC1_NM"].astype("str")
    lines["CLNT_GENDER"] = lines["CLNT_GENDER"].astype("str")
    customers = pd.DataFrame({
        "CLNT_ID": np.arange(n_customers) + 1000,
        "segment_favourite": np.asarray(CATEGORIES, dtype=object)[seg_fav],
        "favourite": np.asarray(CATEGORIES, dtype=object)[fav],
        "CLNT_AGE": pd.array(ages, dtype="Int64"),
        "CLNT_GENDER": pd.array(genders, dtype="str"),
        "has_demo": has_demo,
    })
    return lines, customers


def test_planted_favourite_ranks_first():
    lines, truth = _planted_purchases(seed=7, n_customers=3000, p_favourite=0.4)
    result = preference_index(lines)
    top1 = result.top3.set_index("CLNT_ID")["rank1"]
    share = (top1.loc[truth["CLNT_ID"]].to_numpy() == truth["segment_favourite"].to_numpy()).mean()
    # ~1.5 lines per customer, 40% of them the favourite: the prior alone finds the favourite for about
    # half of the customers; the age × gender likelihood must lift it to at least 85% (measured: ~96%).
    assert share >= 0.85, share
    prior_only = np.argmax(result._purchase_counts, axis=1)  # popularity tie-break, no likelihood
    prior_share = (np.asarray(result.categories)[prior_only] == truth["segment_favourite"].to_numpy()).mean()
    assert share > prior_share + 0.2, (share, prior_share)
    # the segment table shows it too: each segment's most frequent rank-1 category is its favourite
    table = top1_share_by_segment(result)
    best = table.sort_values("share", ascending=False).drop_duplicates("segment").set_index("segment")
    assert best.loc["30대 여성", "CLAC1_NM"] == "여성의류"
    assert best.loc["20대 남성", "CLAC1_NM"] == "스포츠패션"


def _evaluation_data(seed: int = 3):
    lines, truth = _planted_purchases(seed=seed, n_customers=4000, p_favourite=0.5, p_segment_taste=0.6,
                                      months=4, p_missing_demo=0.25, lines_per_month=0.8, p_new=0.1)
    return lines, truth


def test_evaluation_cannot_see_the_holdout():
    lines, truth = _evaluation_data()
    holdout_start = "2018-07-01"
    base = evaluate_preference(lines, holdout_start=holdout_start)

    changed = lines.copy()
    in_holdout = changed["SESS_DT"] >= pd.Timestamp(holdout_start)
    rng = np.random.default_rng(99)
    # scramble every holdout category among the main ones, rewrite demographics and revenue ...
    changed.loc[in_holdout, "CLAC1_NM"] = np.asarray(CATEGORIES, dtype=object)[
        rng.integers(0, len(CATEGORIES), int(in_holdout.sum()))]
    changed.loc[in_holdout, "CLNT_AGE"] = 80
    changed.loc[in_holdout, "CLNT_GENDER"] = "M"
    changed.loc[in_holdout, "REVENUE"] = 1.0
    # ... and add many holdout lines of a brand-new category for the same customers
    flood = changed.loc[in_holdout].copy()
    flood["CLAC1_NM"] = "신규상품군"
    changed = pd.concat([changed, flood, flood], ignore_index=True)
    other = evaluate_preference(changed, holdout_start=holdout_start)

    assert other.n_customers == base.n_customers
    pd.testing.assert_frame_equal(other.fit.wide, base.fit.wide)
    pd.testing.assert_frame_equal(other.fit.age_likelihood, base.fit.age_likelihood)
    pd.testing.assert_series_equal(other.fit.popularity, base.fit.popularity)
    assert "신규상품군" not in other.fit.categories
    # the holdout change was real: the scores differ
    assert not other.hit_rates["top1_hit_rate"].equals(base.hit_rates["top1_hit_rate"])


def test_evaluation_slices_at_holdout_start():
    rows = _frame([(1, "여성의류", 30, "F"), (1, "남성의류", 30, "F"), (2, "남성의류", 30, "M"),
                   (1, "완구", 30, "F"), (2, "남성의류", 30, "M")])
    rows["SESS_DT"] = pd.to_datetime(["2018-06-01", "2018-06-02", "2018-06-03", "2018-07-01", "2018-07-01"])
    ev = evaluate_preference(rows, holdout_start="2018-07-01", variants=("report",))
    # 완구 is dated on holdout_start: holdout, never fitted -> customer 1 has no scorable holdout line
    assert ev.fit.categories == ["남성의류", "여성의류"]
    assert ev.n_customers == 1 and ev.n_holdout_customers_outside == 1
    assert ev.fit_lines == 3 and ev.holdout_lines == 2


def test_evaluation_hand_computed_baselines():
    # fit: popularity 남성의류 (3) > 여성의류 (2) > 완구 (1)
    fit_rows = [(1, "여성의류", 30, "F"), (1, "여성의류", 30, "F"), (2, "남성의류", 30, "M"),
                (2, "남성의류", 30, "M"), (3, "남성의류", 40, "M"), (3, "완구", 40, "M")]
    hold_rows = [(1, "여성의류", 30, "F"), (2, "완구", 30, "M"), (3, "완구", 40, "M"), (4, "남성의류", 20, "M")]
    df = _frame(fit_rows + hold_rows)
    df["SESS_DT"] = pd.to_datetime(["2018-06-01"] * len(fit_rows) + ["2018-07-02"] * len(hold_rows))
    df["REVENUE"] = 1000.0
    ev = evaluate_preference(df, holdout_start="2018-07-01")
    rates = ev.hit_rates.set_index("method")
    # popularity top-1 = 남성의류: only customer 4 hits -> 1/4; top-3 = all 3 categories -> 4/4
    assert rates.loc["popularity", "top1_hit_rate"] == pytest.approx(0.25)
    assert rates.loc["popularity", "top3_hit_rate"] == pytest.approx(1.0)
    # own most bought: c1 여성 (hit), c2 남성 (miss), c3 tie 남성/완구 -> 남성 by popularity (miss),
    # c4 no history -> popularity 남성 (hit)  => 2/4
    assert rates.loc["own_most_bought", "top1_hit_rate"] == pytest.approx(0.5)
    assert ev.n_customers == 4
    per = ev.per_customer.set_index("CLNT_ID")
    assert per["has_history"].tolist() == [True, True, True, False]
    assert per.loc[4, "hit1_own_most_bought"] and not per.loc[3, "hit1_own_most_bought"]
    seg = ev.by_segment.set_index(["method", "segment"])
    assert seg.loc[("popularity", "구매이력 없음"), "n_customers"] == 1
    assert seg.loc[("popularity", "구매이력 없음"), "top1_hit_rate"] == 1.0
    assert list(ev.hit_rates["method"]) == ["report", "smoothed_likelihood", "revenue_prior",
                                           "popularity", "own_most_bought"]


def test_evaluation_on_planted_data_beats_popularity():
    lines, truth = _evaluation_data()
    demographics = truth[["CLNT_ID", "CLNT_AGE", "CLNT_GENDER"]].copy()
    demographics.loc[~truth["has_demo"], ["CLNT_AGE", "CLNT_GENDER"]] = pd.NA
    ev = evaluate_preference(lines, holdout_start="2018-07-01", demographics=demographics)
    rates = ev.hit_rates.set_index("method")
    holdout_buyers = lines.loc[lines["SESS_DT"] >= "2018-07-01", "CLNT_ID"].nunique()
    assert ev.n_customers == holdout_buyers
    # a planted, persistent favourite: the index must beat the one-size-fits-all popularity list
    assert rates.loc["report", "top1_hit_rate"] > rates.loc["popularity", "top1_hit_rate"] + 0.1
    assert rates.loc["report", "top3_hit_rate"] > rates.loc["popularity", "top3_hit_rate"]
    assert set(ev.by_segment["segment"]) == {"전체", "구매이력 있음", "구매이력 없음", "인구통계 있음", "인구통계 없음·일부"}
    seg = ev.by_segment.set_index(["method", "segment"])
    new_customers = ("구매이력 없음",)
    assert seg.loc[("report", *new_customers), "n_customers"] > 100
    # customers new in the holdout: demographics alone (uniform prior) beat popularity ...
    assert seg.loc[("report", *new_customers), "top1_hit_rate"] > seg.loc[("popularity", *new_customers),
                                                                           "top1_hit_rate"] + 0.1
    # ... and without a demographics source they fall back to exactly the popularity ranking
    blind = evaluate_preference(lines, holdout_start="2018-07-01", variants=("report",))
    blind_seg = blind.by_segment.set_index(["method", "segment"])
    assert blind_seg.loc[("report", *new_customers), "top1_hit_rate"] == \
        blind_seg.loc[("popularity", *new_customers), "top1_hit_rate"]
    assert ev.by_segment.groupby("method")["n_customers"].first().eq(ev.n_customers).all()
    sentence = pwords.describe_evaluation(ev)
    assert f"{ev.n_customers:,}명" in sentence and f"{100 * rates.loc['report', 'top1_hit_rate']:.1f}%" in sentence


# ---------------------------------------------------------------------------------------------
# Options, contract, errors
# ---------------------------------------------------------------------------------------------
def test_weight_col_matches_line_level():
    lines = _report_example_frame()
    aggregated = lines.groupby(COLS, dropna=False).size().rename("n").reset_index()
    by_lines = preference_index(lines)
    by_counts = preference_index(aggregated, weight_col="n")
    pd.testing.assert_frame_equal(by_lines.wide, by_counts.wide)
    pd.testing.assert_frame_equal(by_lines.age_likelihood, by_counts.age_likelihood)


def test_revenue_weighted_prior_hand_computed():
    df = _frame([(1, "여성의류", 30, "F"), (1, "남성의류", 30, "F"), (2, "유아동의류", 30, "F")])
    df["REVENUE"] = [1000.0, 3000.0, 500.0]
    result = preference_index(df, prior_weight_col="REVENUE")
    # customer 1: n_c = 2 split by revenue share -> 0.5 and 1.5 pseudo-lines; +1 over K = 3:
    # prior 여 1.5/5, 남 2.5/5, 유 1/5; every likelihood is 1 (all 30s F)
    expected = scale_log_posterior(np.log([1.5 / 5, 2.5 / 5, 1 / 5]))
    np.testing.assert_allclose(result.wide.loc[1, ["여성의류", "남성의류", "유아동의류"]].to_numpy(), expected)


def test_category_selection():
    df = _report_example_frame()
    extra = _frame([(1, "완구", 20, "M")])
    full = pd.concat([df, extra], ignore_index=True)
    assert preference_index(full).categories == ["남성의류", "여성의류", "완구"]
    top2 = preference_index(full, top_n=2)
    assert top2.categories == ["남성의류", "여성의류"]
    assert top2.counts.n_lines_outside_categories == 1
    # the 완구 line is outside: customer 1 is exactly the report's example again
    assert _index_of(top2, 1, "여성의류") == pytest.approx(100 * 5 / (5 + math.log(0.175 / 0.024)))
    assert preference_index(full, categories=["완구", "여성의류"]).categories == ["여성의류", "완구"]
    with pytest.raises(ValueError, match="not both"):
        preference_index(full, categories=["완구"], top_n=2)
    with pytest.raises(ValueError, match="가구"):
        preference_index(full, categories=["가구", "완구"])


def test_non_default_column_names():
    df = _report_example_frame().rename(columns={"CLNT_ID": "cust", "CLAC1_NM": "cat", "CLNT_AGE": "age",
                                                 "CLNT_GENDER": "sex"})
    result = preference_index(df, customer_col="cust", category_col="cat", age_col="age", gender_col="sex")
    assert result.wide.index.name == "cust" and result.wide.columns.name == "cat"
    assert _index_of(result, 1, "여성의류") == pytest.approx(71.5642, abs=1e-4)
    assert list(result.long.columns) == ["cust", "cat", "pref_index", "rank"]
    assert list(result.top3.columns)[0] == "cust"
    assert index_distribution(result).columns[0] == "cat"

    df["day"] = pd.to_datetime(["2018-06-01"] * 16 + ["2018-07-05"] * 6)
    ev = evaluate_preference(df, holdout_start="2018-07-01", date_col="day", customer_col="cust",
                             category_col="cat", age_col="age", gender_col="sex", variants=("report",))
    assert ev.per_customer.columns[0] == "cust" and ev.n_customers == 1


def test_inputs_not_mutated():
    lines, truth = _evaluation_data()
    before = lines.copy(deep=True)
    customers = truth[["CLNT_ID", "CLNT_AGE", "CLNT_GENDER"]].copy()
    customers_before = customers.copy(deep=True)
    preference_index(lines, customers=customers)
    evaluate_preference(lines, holdout_start="2018-07-01", demographics=customers)
    pd.testing.assert_frame_equal(lines, before)
    pd.testing.assert_frame_equal(customers, customers_before)


@pytest.mark.parametrize("column, parameter", [("CLNT_ID", "customer_col"), ("CLAC1_NM", "category_col"),
                                               ("CLNT_AGE", "age_col"), ("CLNT_GENDER", "gender_col")])
def test_missing_column_is_named(column, parameter):
    df = _report_example_frame().drop(columns=column)
    with pytest.raises(ValueError, match=f"'{column}'.*{parameter}"):
        preference_index(df)


def test_other_input_errors():
    df = _report_example_frame()
    with pytest.raises(ValueError, match="'n'.*weight_col"):
        preference_index(df, weight_col="n")
    with pytest.raises(ValueError, match="empty"):
        preference_index(df.iloc[:0])
    with pytest.raises(ValueError, match="more than once"):
        preference_index(df, customers=[1, 1])
    with pytest.raises(ValueError, match="'SESS_DT'.*date_col"):
        evaluate_preference(df, holdout_start="2018-07-01")
    dated = df.assign(SESS_DT=pd.Timestamp("2018-06-01"))
    with pytest.raises(ValueError, match="no purchase line in the holdout"):
        evaluate_preference(dated, holdout_start="2018-07-01", variants=("report",))
    with pytest.raises(ValueError, match="holdout_start"):
        evaluate_preference(dated, holdout_start="not a date", variants=("report",))
    with pytest.raises(ValueError, match="variants"):
        evaluate_preference(dated, holdout_start="2018-06-01", variants=("report", "magic"))
    bad = df.assign(n=-1)
    with pytest.raises(ValueError, match="negative"):
        preference_index(bad, weight_col="n")


# ---------------------------------------------------------------------------------------------
# Outputs: long/top3 consistency, summaries, figures, sentences
# ---------------------------------------------------------------------------------------------
def test_long_top3_and_ranks_are_consistent():
    lines, _ = _planted_purchases(seed=11, n_customers=300)
    result = preference_index(lines)
    long = result.long
    assert list(long.columns) == ["CLNT_ID", "CLAC1_NM", "pref_index", "rank"]
    assert len(long) == 300 * len(result.categories)
    first = long[long["rank"] == 1].set_index("CLNT_ID")
    top3 = result.top3.set_index("CLNT_ID")
    assert (first["CLAC1_NM"].astype(str) == top3.loc[first.index, "rank1"]).all()
    np.testing.assert_allclose(first["pref_index"], 100.0)
    third = long[long["rank"] == 3].set_index("CLNT_ID")
    assert (third["CLAC1_NM"].astype(str) == top3.loc[third.index, "rank3"]).all()
    # ranks never go up with the index
    assert (long.groupby("CLNT_ID")["pref_index"].diff().dropna() <= 1e-12).all()
    for category in ("여성의류", "완구"):
        ranks = customers_preferring(result, category, max_rank=len(result.categories)).set_index("CLNT_ID")["rank"]
        expected = long[long["CLAC1_NM"] == category].set_index("CLNT_ID")["rank"]
        assert (ranks.loc[expected.index].to_numpy() == expected.to_numpy()).all()


def test_summaries():
    lines, _ = _planted_purchases(seed=5, n_customers=500)
    result = preference_index(lines)
    dist = index_distribution(result)
    assert list(dist.columns) == ["CLAC1_NM", "n_customers", "mean", "q10", "q25", "q50", "q75", "q90",
                                  "n_top1", "top1_share"]
    assert dist["n_top1"].sum() == 500 and dist["top1_share"].sum() == pytest.approx(1.0)
    assert (dist["q90"] <= 100).all() and (dist["q10"] <= dist["q90"]).all()
    table = top1_share_by_segment(result)
    assert table.groupby("segment")["share"].sum().round(10).eq(1.0).all()
    assert table.groupby("segment")["n_segment"].first().sum() == 500
    examples = example_customers(result, n=5)
    assert list(examples.columns) == ["CLNT_ID", "age_band", "gender", "n_lines", "rank1", "rank1_index",
                                      "rank2", "rank2_index"]
    assert len(examples) == 5 and examples["CLNT_ID"].is_unique
    targeted = example_customers(result, n=5, category="여성의류")
    assert (targeted["rank1"] == "여성의류").all()
    assert example_customers(result, n=5, seed=1)["CLNT_ID"].tolist() == \
        example_customers(result, n=5, seed=1)["CLNT_ID"].tolist()


def test_figures_and_sentences_in_korean():
    from matplotlib.figure import Figure

    from helpers.common.figures import missing_glyph_warnings

    lines, truth = _evaluation_data()
    result = preference_index(lines)
    ev = evaluate_preference(lines, holdout_start="2018-07-01")
    figures = [pfig.plot_index_distribution(result, top_n=6), pfig.plot_index_distribution(result, kind="violin"),
               pfig.plot_top1_heatmap(result), pfig.plot_hit_rates(ev)]
    for fig in figures:
        assert isinstance(fig, Figure)
        assert missing_glyph_warnings(fig) == []
    assert "선호지수" in figures[0].axes[0].get_title()
    with pytest.raises(ValueError, match="kind"):
        pfig.plot_index_distribution(result, kind="bars")
    top1 = pwords.describe_top1(result)
    best = index_distribution(result).sort_values("n_top1", ascending=False).iloc[0]
    assert best["CLAC1_NM"] in top1 and f"{100 * best['top1_share']:.1f}%" in top1
    assert "30대 여성" in pwords.describe_segments(result) or "20대" in pwords.describe_segments(result)
    assert pwords.describe_missing(result).startswith(f"고객 {result.counts.n_customers:,}명")
    assert isinstance(ev, EvaluationResult)


# ---------------------------------------------------------------------------------------------
# The engine's customer × category × day aggregate gives the same results as the purchase lines
# ---------------------------------------------------------------------------------------------
def _day_aggregate(lines: pd.DataFrame) -> pd.DataFrame:
    """What ``helpers.data.queries.preference.customer_category_days`` returns, computed here in pandas
    (one occasion per customer and day: the planted lines have no session id)."""
    return (lines.groupby(["CLNT_ID", "CLAC1_NM", "SESS_DT"])
            .agg(n_lines=("REVENUE", "size"), n_occasions=("SESS_DT", "nunique"), revenue=("REVENUE", "sum"))
            .reset_index())


def _demographics(truth: pd.DataFrame) -> pd.DataFrame:
    demo = truth[["CLNT_ID", "CLNT_AGE", "CLNT_GENDER"]].copy()
    demo["CLNT_AGE"] = demo["CLNT_AGE"].mask(~truth["has_demo"])
    demo["CLNT_GENDER"] = demo["CLNT_GENDER"].mask(~truth["has_demo"])
    return demo


def test_day_aggregate_gives_the_line_level_index():
    lines, truth = _evaluation_data()
    demo = _demographics(truth)
    days = _day_aggregate(lines)
    assert len(days) < len(lines)  # the aggregate is smaller: several lines of a day are one row
    by_lines = preference_index(lines, customers=demo)
    by_days = preference_index(days, customers=demo, demographics=demo, weight_col="n_lines")
    pd.testing.assert_frame_equal(by_lines.wide, by_days.wide)
    pd.testing.assert_frame_equal(by_lines.age_likelihood, by_days.age_likelihood)
    pd.testing.assert_frame_equal(by_lines.gender_likelihood, by_days.gender_likelihood)
    pd.testing.assert_frame_equal(by_lines.top3, by_days.top3)


def test_day_aggregate_without_demographics_is_refused():
    days = _day_aggregate(_evaluation_data()[0])
    with pytest.raises(ValueError, match="CLNT_AGE"):
        preference_index(days, weight_col="n_lines")


def test_day_aggregate_gives_the_line_level_comparison():
    from helpers.chapters.preference.compute import DAY_AGGREGATE_COLUMNS, compare_methods, method_scores

    lines, truth = _evaluation_data()
    demo = _demographics(truth)
    days = _day_aggregate(lines)
    common = dict(holdout_start="2018-07-01", demographics=demo, variants=("report", "revenue_prior"))
    by_lines = compare_methods(lines, occasion_col=None, **common)
    by_days = compare_methods(days, **common, **DAY_AGGREGATE_COLUMNS)
    pd.testing.assert_frame_equal(by_lines.table, by_days.table)
    pd.testing.assert_frame_equal(by_lines.evaluation.hit_rates, by_days.evaluation.hit_rates)
    for key in ("unit", "half_life_days"):
        assert by_lines.model.params[key] == by_days.model.params[key]
    assert by_days.model.params["alpha"] == pytest.approx(by_lines.model.params["alpha"], rel=1e-9)
    # the chapter-6 scores: the index is reused, the model refitted on every row
    index = preference_index(days, customers=demo, demographics=demo, weight_col="n_lines")
    scores_lines = method_scores(lines, "dirichlet_multinomial", customers=demo, occasion_col=None)
    scores_days = method_scores(days, "dirichlet_multinomial", customers=demo, index=index, weight_col="n_lines",
                                occasion_weight_col="n_occasions")
    pd.testing.assert_frame_equal(scores_lines, scores_days, rtol=1e-9)
    assert method_scores(days, "report", customers=demo, index=index) is index.wide
