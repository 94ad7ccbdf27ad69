"""Tests of helpers.chapters.segments.stability (chapter 2). Expected values are worked out by hand in the comments."""

import pandas as pd
from chapters.segments.fixtures import X, Y, engine, frame

from helpers.chapters.segments import stability as st
from helpers.chapters.segments import words as wd
from helpers.data.queries import segments as q


# Stability (beyond the report): patterns and segments recomputed per calendar month.
def test_monthly_patterns_and_changing_categories(two_months):
    result = st.segment_stability(engine(two_months), groups=["20F", "30M"], categories=[X, Y])
    monthly = result.monthly_patterns
    assert monthly["month"].astype(str).tolist() == ["2018-04", "2018-04", "2018-05", "2018-05"]
    assert monthly["pattern"].tolist() == ["1101", "0010", "0011", "1100"]
    assert monthly["segment"].tolist() == ["꼼꼼이", "털털이", "매니아", "꼼꼼이"]
    assert monthly["n_lines"].tolist() == [3, 2, 2, 2]
    changes = result.category_changes.set_index("category")
    assert changes.loc[X, ["segment_path", "n_changes", "changed"]].tolist() == ["꼼꼼이→매니아", 1, True]
    assert changes.loc[Y, "segment_path"] == "털털이→꼼꼼이"


def test_customer_transitions(two_months):
    result = st.segment_stability(engine(two_months), groups=["20F", "30M"], categories=[X, Y])
    per_month = result.monthly_customers.set_index(["CLNT_ID", "month"])["segment"]
    assert per_month[(11, pd.Period("2018-04", "M"))] == "꼼꼼이"
    assert per_month[(11, pd.Period("2018-05", "M"))] == "매니아"
    assert len(result.monthly_customers) == 9  # 4 customers x 2 months + customer 13 in April
    # a-customers 꼼꼼이 -> 매니아 (2), b-customers 털털이 -> 꼼꼼이 (2); customer 13 has no May
    assert result.transitions[["from_segment", "to_segment", "n_customers", "share", "stayed"]].values.tolist() == [
        ["꼼꼼이", "매니아", 2, 1.0, False], ["털털이", "꼼꼼이", 2, 1.0, False]]
    matrix = st.transition_matrix(result.transitions)
    assert matrix.loc["꼼꼼이", "매니아"] == 2 and matrix.loc["털털이", "꼼꼼이"] == 2 and matrix.values.sum() == 4
    by_month = st.segment_transitions(result.monthly_customers, by_month=True)
    assert by_month["from_month"].astype(str).unique().tolist() == ["2018-04"]


def test_fixed_category_map_isolates_customer_moves(two_months, hand_patterns):
    # With the category map fixed, a-customers stay on X (꼼꼼이) and b-customers on Y (털털이).
    top = engine(two_months)(q.customer_top_categories, by_month=True)
    monthly = st.monthly_customer_segments(top, hand_patterns, total_col="TOTAL_REVENUE")
    transitions = st.segment_transitions(monthly)
    assert transitions[["from_segment", "to_segment", "n_customers", "stayed"]].values.tolist() == [
        ["꼼꼼이", "꼼꼼이", 2, True], ["털털이", "털털이", 2, True]]
    query = engine(two_months)
    patterns = st.monthly_category_patterns(query(q.behaviour_sums, by_month=True), query(q.group_sums, by_month=True),
                                            groups=["20F", "30M"], categories=[X, Y])
    changes = st.category_stability(patterns)
    assert wd.describe_stability(changes, transitions) == (
        "주요 상품군 2개 중 2개(여성의류, 건강식품)의 세그먼트가 월에 따라 바뀌었습니다; "
        "연속한 두 달에 모두 구매한 고객의 월간 이동 4건 중 100.0%가 같은 세그먼트에 머물렀습니다.")


def test_gap_months_make_no_pair():
    rows = [(1, 1, "20F", X, 200, 20, 1, 5000, "2018-04-10"), (1, 2, "20F", X, 100, 20, 1, 5000, "2018-06-10"),
            (2, 3, "20F", Y, 100, 10, 3, 1000, "2018-04-10")]
    monthly = st.monthly_customer_segments(engine(frame(rows))(q.customer_top_categories, by_month=True), pd.DataFrame(
        {"category": [X, Y], "pattern": ["1101", "0000"], "segment": ["꼼꼼이", "털털이"], "label": [None, None]}))
    assert len(st.segment_transitions(monthly)) == 0


def test_monthly_customers_accept_dates_and_line_input(two_months, hand_patterns):
    """Months may be dates (any shop's lines) or the queries' Period[M] ordinals: same customers."""
    from_lines = st.monthly_customer_segments(two_months, hand_patterns, month_col="SESS_DT")
    top = engine(two_months)(q.customer_top_categories, by_month=True)
    pd.testing.assert_frame_equal(from_lines, st.monthly_customer_segments(top, hand_patterns,
                                                                          total_col="TOTAL_REVENUE"))
    assert top["MONTH"].tolist()[:2] == [pd.Period("2018-04", "M").ordinal, pd.Period("2018-05", "M").ordinal]
