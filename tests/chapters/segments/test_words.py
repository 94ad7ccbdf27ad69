"""Tests of helpers.chapters.segments.words (chapter 2). Expected values are worked out by hand in the comments."""

import pandas as pd
import pytest
from chapters.segments.fixtures import X, Y, engine, group_patterns_frame

from helpers.chapters.segments import compute as sg
from helpers.chapters.segments import stability as st
from helpers.chapters.segments import words as wd
from helpers.data.queries import segments as q


# ------------------------------------------------------------------------------------------
# Sentences and figures
# ------------------------------------------------------------------------------------------
def test_sentences_are_computed_from_results(lines, spend, hand_patterns):
    result = sg.segment_customers(engine(lines), min_customers=2, n_categories=2)
    split = wd.describe_category(result.category_patterns, X)
    assert split.startswith("여성의류는 ") and "꼼꼼이(1101)와 꼼꼼이(1111)" in split and "1:1" in split
    clear = wd.describe_category(sg.category_patterns(group_patterns_frame({"건강식품": ["1111"] * 3})), "건강식품")
    assert clear == ("건강식품은 꼼꼼이(1111) 패턴으로, 3개 고객군 중 3개가 이 패턴과 같고 "
                     "고려시간·조회수·검색·구매단가가 고객군 평균보다 높습니다.")  # labels.BIT_LABELS
    assert wd.describe_categories(result.category_patterns) == "꼼꼼이는 여성의류, 털털이는 건강식품 상품군에서 나타납니다."
    sizes = wd.describe_sizes(sg.segment_sizes(sg.customer_segments(spend, hand_patterns)))
    assert sizes == ("고객 9명 중 털털이가 33.3%로 가장 많고 매출의 8.8%를 차지합니다; "
                     "4명(44.4%)은 세그먼트를 받지 못했습니다(최다 구매 상품군이 주 상품군이 아닌 경우 등).")
    groups = wd.describe_groups(sg.main_groups(engine(lines)(q.group_sizes), min_customers=2), min_customers=2)
    assert "상위 2개 고객군(20대 여성, 30대 남성)" in groups and "2명 미만인 1개 고객군(40대 여성)" in groups
    with pytest.raises(ValueError, match="신발"):
        wd.describe_category(result.category_patterns, "신발")


def test_group_codes_and_statuses_are_korean(lines):
    assert wd.group_label("30F") == "30대 여성" and wd.group_label("20M") == "20대 남성"
    assert wd.group_label("기타") == "기타" and wd.group_label(None) == "–"
    table = wd.groups_table(sg.main_groups(engine(lines)(q.group_sizes), min_customers=2))
    # 20F: 3 customers, 30M: 2, 40F: 1 (< 2) -> 40F below the minimum
    assert table["group"].tolist() == ["20대 여성", "30대 남성", "40대 여성"]
    assert table["is_main"].tolist() == ["예", "예", "아니오"]
    assert table["status"].tolist() == ["주 고객군", "주 고객군", "최소 고객 수 미만"]


def test_tables_show_no_code_values(lines, two_months):
    result = sg.segment_customers(engine(lines), min_customers=2, n_categories=2)
    patterns = wd.category_patterns_table(result.category_patterns)
    assert not patterns.isna().any().any()
    tied = wd.category_patterns_table(result.category_patterns.assign(tied_bits=["time,views", ""]))
    assert tied["tied_bits"].tolist() == ["고려시간, 조회수", "–"]
    wide = wd.behaviour_wide_table(result.behaviour, "time")
    assert wide.columns[0] == "group" and wide.columns[-1] == "평균"
    assert wide["group"].tolist() == ["20대 여성", "30대 남성"]
    # 20F time in 여성의류: (100 + 200) / 2 = 150.0 -> one decimal
    assert wide.loc[0, "여성의류"] == "150.0"
    diff = wd.behaviour_wide_table(result.behaviour, "time", value="diff")
    assert diff.loc[0, "여성의류"] == "+40.0"  # 150 - 110
    stability = st.segment_stability(engine(two_months), groups=["20F", "30M"], categories=[X, Y])
    changes = wd.category_changes_table(stability.category_changes)
    assert set(changes["changed"]) <= {"예", "아니오"}
    assert "–" in set(changes["overall_segment"])  # no overall table given
    mapping = wd.rules_map_table()
    assert len(mapping) == 16 and not mapping.isna().any().any()


def test_summary_names_the_biggest_revenue_segment(spend, hand_patterns, two_months):
    sizes = sg.segment_sizes(sg.customer_segments(spend, hand_patterns))
    changes = pd.DataFrame({"category": [X, Y], "changed": [True, False]})
    finding, meaning, action = wd.describe_summary(sizes, hand_patterns.assign(segment_2=None), changes)
    assert finding == wd.describe_sizes(sizes)
    top = sizes[sizes["segment"] != "미분류"].sort_values("revenue_share", ascending=False).iloc[0]
    assert meaning.startswith(f"매출 비중이 가장 큰 {top['segment']}")
    assert sg.playbook(top["segment"])[0]["title"] in action
    assert f"바뀐 1개 상품군({X})" in action
