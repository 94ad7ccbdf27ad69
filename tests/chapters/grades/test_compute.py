"""Tests of helpers.chapters.grades.compute and .rules (chapter 3, customer value grading).

Every expected value is worked out by hand in the comments next to it.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import pytest
from chapters.grades.fixtures import AS_OF, FOUR_GRADES, HOLDOUT_FUTURE, HOLDOUT_PAST, tx

from helpers.chapters.grades import compute as g
from helpers.chapters.grades import words


def row_of(graded, customer, customer_col="CLNT_ID"):
    match = graded[graded[customer_col] == customer]
    assert len(match) == 1, f"customer {customer!r} should appear exactly once"
    return match.iloc[0]


# ------------------------------------------------------------------------------------------
# Rules (grades.yaml)
# ------------------------------------------------------------------------------------------
def test_default_rules_are_the_reports():
    rules = g.default_rules()
    assert rules.recency_levels == ((1, 3), (3, 2)) and rules.recency_otherwise == 1
    assert rules.frequency_levels == ((15, 3),) and rules.frequency_otherwise == 2
    assert rules.frequency_single_day == 1
    assert rules.monetary_levels == ((1_000_000, 3), (100_000, 2)) and rules.monetary_otherwise == 1
    assert rules.interest_high_above == 4 and rules.money_high_min_score == 3
    assert rules.grade_order == ("스타", "나비", "계륵", "관리제외")
    assert rules.point_rates == {"스타": 0.008, "나비": 0.005, "계륵": 0.003, "관리제외": 0.001}
    assert rules.grade_of(interest_high=True, money_high=True) == "스타"
    assert rules.grade_of(interest_high=False, money_high=True) == "나비"
    assert rules.grade_of(interest_high=True, money_high=False) == "계륵"
    assert rules.grade_of(interest_high=False, money_high=False) == "관리제외"


def _grades_override(cells):
    return {"grades": [{"grade": name, "interest_high": i, "money_high": m, "point_rate": 0.01}
                       for name, i, m in cells]}


def test_grade_table_must_be_complete():
    incomplete = _grades_override([("스타", True, True), ("나비", False, True),
                                   ("계륵", True, False)])
    incomplete["grade_order"] = ["스타", "나비", "계륵"]
    incomplete["playbooks"] = {}
    with pytest.raises(ValueError, match="incomplete.*interest_high=False, money_high=False"):
        g.resolve_rules(incomplete)


def test_grade_table_must_not_overlap():
    overlapping = _grades_override([("스타", True, True), ("나비", False, True),
                                    ("계륵", True, False), ("관리제외", True, True)])
    with pytest.raises(ValueError, match="overlaps.*스타.*관리제외"):
        g.resolve_rules(overlapping)


def test_rules_reject_unknown_keys_and_bad_order():
    with pytest.raises(ValueError, match="unknown key 'money.high_min'"):
        g.resolve_rules({"money": {"high_min": 2}})
    with pytest.raises(ValueError, match="grade_order"):
        g.resolve_rules({"grade_order": ["스타", "나비", "계륵"]})
    with pytest.raises(ValueError, match="strictly decreasing"):
        g.resolve_rules({"scores": {"monetary": {"levels": [{"min_total": 100, "score": 2},
                                                            {"min_total": 1000, "score": 3}]}}})
    with pytest.raises(ValueError, match="point_rate"):
        bad = g.default_rules()
        dataclasses.replace(bad, grades=(dataclasses.replace(bad.grades[0], point_rate=8),)
                            + bad.grades[1:])


# ------------------------------------------------------------------------------------------
# Grading: boundaries
# ------------------------------------------------------------------------------------------
def test_output_columns_and_dtypes():
    graded = g.grade_customers(tx([(1, "2018-09-01", 10)]), as_of=AS_OF)
    assert list(graded.columns) == ["CLNT_ID", *g.GRADED_COLUMNS]
    assert graded["LAST_MONTH"].dtype == pd.PeriodDtype("M")
    assert str(graded.loc[0, "LAST_MONTH"]) == "2018-09"
    assert graded["GRADE"].dtype == "category"
    assert list(graded["GRADE"].cat.categories) == ["스타", "나비", "계륵", "관리제외"]


def test_mean_day_exactly_15_scores_3_and_15_5_scores_2():
    graded = g.grade_customers(tx([
        ("a", "2018-09-01", 1), ("a", "2018-09-16", 1), ("a", "2018-10-01", 1),  # 30 / 2 = 15
        ("b", "2018-09-01", 1), ("b", "2018-09-16", 1), ("b", "2018-10-02", 1),  # 31 / 2 = 15.5
    ]), as_of="2018-10-31")
    a, b = row_of(graded, "a"), row_of(graded, "b")
    assert (a["N_DAYS"], a["MEAN_DAY"], a["F_SCORE"]) == (3, 15.0, 3)
    assert (b["N_DAYS"], b["MEAN_DAY"], b["F_SCORE"]) == (3, 15.5, 2)


def test_monetary_boundaries():
    graded = g.grade_customers(tx([
        (1, "2018-09-01", 99_999),
        (2, "2018-09-01", 60_000), (2, "2018-09-02", 40_000),      # 100,000 over two rows
        (3, "2018-09-01", 999_999),
        (4, "2018-09-01", 600_000), (4, "2018-09-01", 400_000),    # 1,000,000 on one day
    ]), as_of=AS_OF)
    assert graded["TOT_PRICE"].tolist() == [99_999, 100_000, 999_999, 1_000_000]
    assert graded["M_SCORE"].tolist() == [1, 2, 2, 3]
    assert graded["MONEY_HIGH"].tolist() == [False, False, False, True]


def test_recency_month_edges():
    # as_of 2018-09-05: months, not days, count. Aug 31 is "the month before" (3),
    # Jul 31 is two months before (2), Jun 1 three months before (2), May 31 four (1).
    graded = g.grade_customers(tx([
        (1, "2018-09-05", 1), (2, "2018-08-31", 1), (3, "2018-08-01", 1),
        (4, "2018-07-31", 1), (5, "2018-06-01", 1), (6, "2018-05-31", 1),
    ]), as_of="2018-09-05")
    assert graded["MONTHS_AGO"].tolist() == [0, 1, 1, 2, 3, 4]
    assert graded["R_SCORE"].tolist() == [3, 3, 3, 2, 2, 1]


def test_recency_across_a_year_boundary():
    # as_of 2019-01-15: December 2018 is the month before; nothing assumes 2018.
    graded = g.grade_customers(tx([
        (1, "2019-01-15", 1), (2, "2018-12-01", 1), (3, "2018-11-30", 1),
        (4, "2018-10-01", 1), (5, "2018-09-30", 1),
    ]), as_of="2019-01-15")
    assert graded["MONTHS_AGO"].tolist() == [0, 1, 2, 3, 4]
    assert graded["R_SCORE"].tolist() == [3, 3, 2, 2, 1]
    assert [str(p) for p in graded["LAST_MONTH"]] == ["2019-01", "2018-12", "2018-11",
                                                      "2018-10", "2018-09"]


def test_single_purchase_day_with_several_sessions():
    graded = g.grade_customers(tx([
        (7, "2018-09-03", 10_000), (7, "2018-09-03", 20_000), (7, "2018-09-03", 30_000),
    ]), as_of=AS_OF)
    row = row_of(graded, 7)
    assert row["N_DAYS"] == 1 and np.isnan(row["MEAN_DAY"]) and row["F_SCORE"] == 1
    assert row["TOT_PRICE"] == 60_000
    assert row["FIRST_DT"] == row["LAST_DT"] == pd.Timestamp("2018-09-03")


def test_time_of_day_does_not_split_a_purchase_day():
    frame = pd.DataFrame({"CLNT_ID": [1, 1],
                          "SESS_DT": pd.to_datetime(["2018-09-03 09:00", "2018-09-03 23:59"]),
                          "REVENUE": [1.0, 2.0]})
    assert g.grade_customers(frame, as_of=AS_OF)["N_DAYS"].tolist() == [1]


# ------------------------------------------------------------------------------------------
# Grading: the four grades
# ------------------------------------------------------------------------------------------
def test_each_customer_gets_exactly_one_expected_grade():
    graded = g.grade_customers(tx(FOUR_GRADES), as_of=AS_OF)
    assert graded["CLNT_ID"].is_unique and len(graded) == 4 and graded["GRADE"].notna().all()
    got = graded.set_index("CLNT_ID")
    assert got.loc["star", ["R_SCORE", "F_SCORE", "M_SCORE", "INTEREST"]].tolist() == [3, 3, 3, 6]
    assert got.loc["butterfly", ["R_SCORE", "F_SCORE", "M_SCORE", "INTEREST"]].tolist() == [1, 3, 3, 4]
    assert got.loc["chicken", ["R_SCORE", "F_SCORE", "M_SCORE", "INTEREST"]].tolist() == [3, 2, 2, 5]
    assert got.loc["excluded", ["R_SCORE", "F_SCORE", "M_SCORE", "INTEREST"]].tolist() == [3, 1, 1, 4]
    assert got["GRADE"].astype(str).to_dict() == {
        "star": "스타", "butterfly": "나비", "chicken": "계륵", "excluded": "관리제외"}
    assert got["POINT_RATE"].to_dict() == {
        "star": 0.008, "butterfly": 0.005, "chicken": 0.003, "excluded": 0.001}
    # POINTS = TOT_PRICE x rate: 1,200,000 x 0.8% = 9,600, ..., 30,000 x 0.1% = 30
    assert got["POINTS"].round(6).to_dict() == {
        "star": 9_600.0, "butterfly": 5_000.0, "chicken": 450.0, "excluded": 30.0}


def test_money_high_threshold_is_settable():
    # With M >= 2 counting as high money, 계륵 (M2, interest high) becomes 스타.
    graded = g.grade_customers(tx(FOUR_GRADES), as_of=AS_OF,
                               rules={"money": {"high_min_score": 2}})
    assert row_of(graded, "chicken")["GRADE"] == "스타"
    assert row_of(graded, "excluded")["GRADE"] == "관리제외"


def test_rules_dataclass_override():
    rules = dataclasses.replace(g.default_rules(), frequency_levels=((20, 3),))
    graded = g.grade_customers(tx(FOUR_GRADES), as_of=AS_OF, rules=rules)
    assert row_of(graded, "chicken")["F_SCORE"] == 3  # MEAN_DAY 20 <= 20


def test_non_default_column_names_and_string_dates():
    frame = pd.DataFrame({
        "고객번호": ["x", "x", "y"],
        "구매일": ["2018-09-01", "2018-09-11", "2018-05-31"],
        "금액": [700_000, 300_000, 5_000],
    })
    graded = g.grade_customers(frame, as_of=AS_OF, customer_col="고객번호", date_col="구매일",
                               amount_col="금액")
    assert list(graded.columns) == ["고객번호", *g.GRADED_COLUMNS]
    assert graded["고객번호"].tolist() == ["x", "y"]
    assert graded["GRADE"].astype(str).tolist() == ["스타", "관리제외"]


def test_input_is_not_mutated():
    frame = tx(FOUR_GRADES)
    before = frame.copy(deep=True)
    g.grade_customers(frame, as_of=AS_OF)
    g.grade_migration(frame, as_of_a="2018-06-30", as_of_b=AS_OF)
    g.holdout_check(frame, cutoff="2018-06-30", horizon_end=AS_OF)
    pd.testing.assert_frame_equal(frame, before)


# ------------------------------------------------------------------------------------------
# Grading: invalid input
# ------------------------------------------------------------------------------------------
def test_no_rows_is_refused():
    with pytest.raises(ValueError, match="no rows"):
        g.grade_customers(tx([(1, "2018-09-01", 1)]).iloc[:0], as_of=AS_OF)


def test_negative_amounts_are_refused_with_column_and_count():
    frame = tx([(1, "2018-09-01", 100), (1, "2018-09-02", -5), (2, "2018-09-03", -1)])
    with pytest.raises(ValueError, match=r"REVENUE has 2 negative"):
        g.grade_customers(frame, as_of=AS_OF)


def test_dates_after_as_of_are_refused_not_filtered():
    frame = tx([(1, "2018-09-01", 1), (1, "2018-10-01", 1), (2, "2018-10-05", 1)])
    with pytest.raises(ValueError, match=r"2 row\(s\) of SESS_DT fall after as_of=2018-09-30 "
                                         r"\(dates 2018-10-01\.\.\.2018-10-05\)"):
        g.grade_customers(frame, as_of=AS_OF)


def test_dates_before_start_date_are_refused():
    frame = tx([(1, "2018-03-31", 1), (1, "2018-09-01", 1)])
    with pytest.raises(ValueError, match=r"1 row\(s\) of SESS_DT fall before "
                                         r"start_date=2018-04-01 \(dates 2018-03-31"):
        g.grade_customers(frame, as_of=AS_OF, start_date="2018-04-01")
    assert len(g.grade_customers(frame, as_of=AS_OF, start_date="2018-03-31")) == 1


def test_missing_column_is_named():
    frame = tx([(1, "2018-09-01", 1)]).rename(columns={"REVENUE": "PD_BUY_AM"})
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['REVENUE'\]"):
        g.grade_customers(frame, as_of=AS_OF)


@pytest.mark.parametrize("column, value, message", [
    ("REVENUE", np.nan, "REVENUE is missing in 1 row"),
    ("CLNT_ID", None, "CLNT_ID is missing in 1 row"),
    ("SESS_DT", pd.NaT, "SESS_DT is missing in 1 row"),
])
def test_missing_values_are_refused(column, value, message):
    frame = tx([(1, "2018-09-01", 1), (2, "2018-09-02", 2)])
    frame[column] = frame[column].astype(object) if column == "CLNT_ID" else frame[column]
    frame.loc[1, column] = value
    with pytest.raises(ValueError, match=message):
        g.grade_customers(frame, as_of=AS_OF)


def test_bad_as_of_is_named():
    with pytest.raises(ValueError, match="as_of='soon'"):
        g.grade_customers(tx([(1, "2018-09-01", 1)]), as_of="soon")


# ------------------------------------------------------------------------------------------
# Summaries
# ------------------------------------------------------------------------------------------
def test_score_distribution_counts_every_score():
    graded = g.grade_customers(tx(FOUR_GRADES), as_of=AS_OF)
    dist = g.score_distribution(graded).set_index(["SCORE_TYPE", "SCORE"])["CUSTOMERS"]
    # R: 3,1,3,3 ; F: 3,3,2,1 ; M: 3,3,2,1
    assert dist["R_SCORE"].to_dict() == {1: 1, 2: 0, 3: 3}
    assert dist["F_SCORE"].to_dict() == {1: 1, 2: 1, 3: 2}
    assert dist["M_SCORE"].to_dict() == {1: 1, 2: 1, 3: 2}


def test_interest_money_grid():
    graded = g.grade_customers(tx(FOUR_GRADES), as_of=AS_OF)
    grid = g.interest_money_grid(graded)
    # (M, interest group): star (3, 2), butterfly (3, 1), chicken (2, 2), excluded (1, 1)
    assert grid.index.tolist() == [1, 2, 3] and grid.columns.tolist() == [1, 2]
    assert grid.to_numpy().tolist() == [[1, 0], [0, 1], [1, 1]]


def test_grade_summary_shares_and_point_cost():
    graded = g.grade_customers(tx(FOUR_GRADES + [("excluded2", "2018-09-20", 20_000)]),
                               as_of=AS_OF)
    summary = g.grade_summary(graded).set_index("GRADE")
    assert summary.index.tolist() == ["스타", "나비", "계륵", "관리제외"]
    assert summary["CUSTOMERS"].tolist() == [1, 1, 1, 2]
    assert summary["CUSTOMER_SHARE"].tolist() == [0.2, 0.2, 0.2, 0.4]
    # revenue 1,200,000 / 1,000,000 / 150,000 / 50,000 of 2,400,000
    assert summary["REVENUE"].tolist() == [1_200_000, 1_000_000, 150_000, 50_000]
    assert summary["REVENUE_SHARE"].tolist() == pytest.approx([0.5, 1 / 2.4, 0.0625, 50 / 2400])
    assert summary["POINT_COST"].tolist() == pytest.approx([9_600, 5_000, 450, 50])
    assert summary.loc["관리제외", "REVENUE_PER_CUSTOMER"] == 25_000
    sentence = words.describe_grades(summary.reset_index())
    assert sentence.startswith("스타 고객은 전체의 20.0%(1명)이지만 매출의 50.0%를 차지하고")
    assert "관리제외 고객은 40.0%(2명)로 매출의 2.1%" in sentence
    points = words.describe_points(summary.reset_index())
    # 15,100 / 2,400,000 = 0.63%; 스타 9,600 / 15,100 = 63.6%
    assert "총 1.5만원" in points and "0.63%" in points and "스타 등급이 63.6%" in points


def test_grade_summary_keeps_empty_grades():
    graded = g.grade_customers(tx([("excluded", "2018-09-15", 30_000)]), as_of=AS_OF)
    summary = g.grade_summary(graded)
    assert summary["CUSTOMERS"].tolist() == [0, 0, 0, 1]
    assert np.isnan(summary.loc[0, "REVENUE_PER_CUSTOMER"])


def test_playbooks_cover_every_grade_in_korean():
    table = words.playbook_table()
    assert table["GRADE"].tolist() == ["스타", "나비", "계륵", "관리제외"]
    assert table["POINT_RATE"].tolist() == [0.008, 0.005, 0.003, 0.001]
    assert "큰 금액을 소비하는 소비자" in g.playbook("스타").description
    assert "스타 등급으로 조정" in g.playbook("나비").goal
    assert any("BIG딜" in action for action in g.playbook("계륵").actions)
    assert "웰컴 기프트" in g.playbook("관리제외").text()
    with pytest.raises(ValueError, match="unknown grade '골드'"):
        g.playbook("골드")


# ------------------------------------------------------------------------------------------
# Migration
# ------------------------------------------------------------------------------------------
MIGRATION = [
    # c1 at 06-30: one day in June, 50,000 -> R3 F1 M1 = 관리제외.
    #    at 09-30: 06-10, 09-01, 09-10 (92 days / 2 = 46 -> F2), R3 -> interest 5; 2,050,000 M3 = 스타 (up)
    ("c1", "2018-06-10", 50_000), ("c1", "2018-09-01", 1_000_000), ("c1", "2018-09-10", 1_000_000),
    # c2 at 06-30: May (1 month ago, R3), 10 days (F3), 1,000,000 -> 스타.
    #    at 09-30: May is 4 months ago (R1) -> interest 4 low -> 나비 (down)
    ("c2", "2018-05-01", 500_000), ("c2", "2018-05-11", 500_000),
    # c3 first buys in September -> 신규, then 관리제외 at 09-30
    ("c3", "2018-09-05", 20_000),
    # c4: April, 10,000 -> 관리제외 at both dates (same)
    ("c4", "2018-04-02", 10_000),
]


def test_grade_migration_hand_case():
    result = g.grade_migration(tx(MIGRATION), as_of_a="2018-06-30", as_of_b=AS_OF)
    got = result.customers.set_index("CLNT_ID")
    assert got["GRADE_A"].astype(str).to_dict() == {
        "c1": "관리제외", "c2": "스타", "c3": "신규", "c4": "관리제외"}
    assert got["GRADE_B"].astype(str).to_dict() == {
        "c1": "스타", "c2": "나비", "c3": "관리제외", "c4": "관리제외"}
    assert got["MOVE"].astype(str).to_dict() == {"c1": "up", "c2": "down", "c3": "new", "c4": "same"}
    assert got.loc["c1", "MOVE_LABEL"] == "상승"
    matrix = result.matrix
    assert matrix.index.tolist() == ["스타", "나비", "계륵", "관리제외", "신규"]
    assert matrix.columns.tolist() == ["스타", "나비", "계륵", "관리제외", "미구매"]
    assert matrix.to_numpy().sum() == 4
    assert matrix.loc["관리제외", "스타"] == 1 and matrix.loc["스타", "나비"] == 1
    assert matrix.loc["신규", "관리제외"] == 1 and matrix.loc["관리제외", "관리제외"] == 1
    assert result.summary.set_index("MOVE")["CUSTOMERS"].to_dict() == {
        "up": 1, "same": 1, "down": 1, "new": 1, "lapsed": 0}
    assert words.describe_migration(result) == (
        "2018-06-30부터 2018-09-30까지 등급이 오른 고객은 1명(25.0%), 내린 고객은 1명(25.0%), "
        "유지한 고객은 1명이며, 신규 1명, 미구매 0명입니다.")


def test_grade_migration_lookback_marks_lapsed():
    # 30-day windows: (06-01, 06-30] and (09-01, 09-30]
    frame = tx([("old", "2018-06-15", 10_000), ("new", "2018-09-20", 10_000),
                ("both", "2018-06-20", 10_000), ("both", "2018-09-25", 10_000),
                ("never", "2018-04-10", 10_000)])
    result = g.grade_migration(frame, as_of_a="2018-06-30", as_of_b=AS_OF, lookback_days=30)
    got = result.customers.set_index("CLNT_ID")
    assert sorted(got.index) == ["both", "new", "old"]  # "never" is in neither window
    assert got.loc["old", "GRADE_B"] == "미구매" and got.loc["old", "MOVE"] == "lapsed"
    assert got.loc["new", "GRADE_A"] == "신규" and got.loc["new", "MOVE"] == "new"
    assert got.loc["both", "MOVE"] == "same"
    assert result.matrix.loc["관리제외", "미구매"] == 1


def test_grade_migration_refuses_bad_dates():
    with pytest.raises(ValueError, match="as_of_a=2018-09-30 must be before"):
        g.grade_migration(tx(MIGRATION), as_of_a=AS_OF, as_of_b="2018-06-30")
    with pytest.raises(ValueError, match="fall after as_of_b"):
        g.grade_migration(tx(MIGRATION), as_of_a="2018-05-31", as_of_b="2018-08-31")


# ------------------------------------------------------------------------------------------
# Holdout
# ------------------------------------------------------------------------------------------
def test_holdout_check_hand_case():
    result = g.holdout_check(tx(HOLDOUT_PAST + HOLDOUT_FUTURE), cutoff="2018-06-30",
                             horizon_end=AS_OF)
    assert result.customers.set_index("CLNT_ID")["GRADE"].astype(str).to_dict() == {
        "G": "계륵", "N": "나비", "S": "스타", "X": "관리제외", "X2": "관리제외"}
    table = result.by_grade.set_index("GRADE")
    assert table.index.tolist() == ["스타", "나비", "계륵", "관리제외"]
    assert table["CUSTOMERS"].tolist() == [1, 1, 1, 2]
    assert table["BUYERS"].tolist() == [1, 1, 0, 1]
    assert table["BUYER_SHARE"].tolist() == [1.0, 1.0, 0.0, 0.5]
    assert table["MEAN_SPEND"].tolist() == [400_000, 200_000, 0, 25_000]
    assert table["MEDIAN_SPEND"].tolist() == [400_000, 200_000, 0, 25_000]
    assert table["TOTAL_SPEND"].tolist() == [400_000, 200_000, 0, 50_000]
    assert table["SPEND_SHARE"].tolist() == pytest.approx([40 / 65, 20 / 65, 0, 5 / 65])
    # 계륵 (0) spends less than 관리제외 (25,000): not monotonic.
    assert result.monotonic is False
    # grade ranks [5, 4, 3, 1.5, 1.5] vs spend ranks [5, 4, 1.5, 3, 1.5]: 7.25 / 9.5
    assert result.spearman == pytest.approx(7.25 / 9.5)
    assert (result.new_customers, result.new_customer_spend) == (1, 70_000)


def test_holdout_check_monotonic_case():
    frame = tx(HOLDOUT_PAST + HOLDOUT_FUTURE + [("G", "2018-07-01", 30_000)])
    result = g.holdout_check(frame, cutoff="2018-06-30", horizon_end=AS_OF)
    assert result.by_grade["MEAN_SPEND"].tolist() == [400_000, 200_000, 30_000, 25_000]
    assert result.monotonic is True
    # spend ranks now [5, 4, 2, 3, 1]: 8 / sqrt(9.5 * 10)
    assert result.spearman == pytest.approx(8 / np.sqrt(95))
    sentence = words.describe_holdout(result)
    assert "스타 40만원" in sentence and "관리제외 2.5만원" in sentence
    assert "잘 예측합니다" in sentence and "0.82" in sentence


def test_holdout_check_refuses_rows_after_horizon():
    frame = tx(HOLDOUT_PAST + [("S", "2018-10-01", 1)])
    with pytest.raises(ValueError, match=r"1 row\(s\) of SESS_DT fall after horizon_end"):
        g.holdout_check(frame, cutoff="2018-06-30", horizon_end=AS_OF)


# ------------------------------------------------------------------------------------------
# Scale
# ------------------------------------------------------------------------------------------
def test_grading_is_vectorised():
    rng = np.random.default_rng(7)
    n_rows, n_customers = 400_000, 100_000
    frame = pd.DataFrame({
        "CLNT_ID": rng.integers(0, n_customers, n_rows),
        "SESS_DT": pd.Timestamp("2018-04-01") + pd.to_timedelta(rng.integers(0, 183, n_rows),
                                                                unit="D"),
        "REVENUE": rng.gamma(1.0, 80_000, n_rows).round(),
    })
    started = time.perf_counter()
    graded = g.grade_customers(frame, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    assert graded["CLNT_ID"].is_unique and len(graded) == frame["CLNT_ID"].nunique()
    # Cross-check against a plain groupby.
    expected = frame.groupby("CLNT_ID").agg(n=("SESS_DT", "nunique"), tot=("REVENUE", "sum"))
    np.testing.assert_array_equal(graded["N_DAYS"].to_numpy(), expected["n"].to_numpy())
    np.testing.assert_allclose(graded["TOT_PRICE"].to_numpy(), expected["tot"].to_numpy())
    # A per-customer Python loop would take far longer than this on 100k customers.
    assert elapsed < 10, f"grading 100k customers took {elapsed:.1f}s"
