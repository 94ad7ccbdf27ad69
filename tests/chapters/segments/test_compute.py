"""Tests of helpers.chapters.segments.compute (chapter 2). Expected values are worked out by hand in the comments."""
import importlib.util

import numpy as np
import pandas as pd
import pytest
from chapters.segments.fixtures import X, Y, Z, behaviour_of, cell, engine, frame, group_patterns_frame

from helpers.chapters.segments import compute as sg
from helpers.chapters.segments import stability as st
from helpers.data.queries import segments as q


# ------------------------------------------------------------------------------------------
# Main groups and categories
# ------------------------------------------------------------------------------------------
def test_main_groups_min_size_guard_and_top_n(lines):
    groups = sg.main_groups(engine(lines)(q.group_sizes), n_groups=7, min_customers=2)
    # 20F: customers 1, 2, 3; 30M: 4, 5; 40F: 6 only
    assert groups[["group", "n_customers", "n_lines"]].values.tolist() == [["20F", 3, 4], ["30M", 2, 3], ["40F", 1, 1]]
    assert groups["status"].tolist() == ["main", "main", "below_min_customers"]
    assert groups["is_main"].tolist() == [True, True, False]

    top1 = sg.main_groups(engine(lines)(q.group_sizes), n_groups=1, min_customers=1)
    assert top1["status"].tolist() == ["main", "outside_top_n", "outside_top_n"]

    with pytest.raises(ValueError, match="min_customers"):
        sg.main_groups(engine(lines)(q.group_sizes), min_customers=4)
    with pytest.raises(ValueError, match="n_groups"):
        sg.main_groups(engine(lines)(q.group_sizes), n_groups=0)


def test_small_group_is_never_scored(lines):
    result = sg.segment_customers(engine(lines), n_groups=7, min_customers=2, n_categories=2)
    assert set(result.behaviour["group"]) == {"20F", "30M"}
    assert set(result.group_patterns["group"]) == {"20F", "30M"}
    # 40F's extreme X line is in no mean: 20F/30M X means below are unchanged by it
    assert cell(result.behaviour, "30M", X, "time")["mean"] == 300


def test_main_categories_top_n_and_given_list(lines):
    cats = sg.main_categories(engine(lines)(q.category_lines), n_categories=2)
    assert cats["category"].tolist() == [X, Y]  # X: 4 lines, Y: 3, Z: 1
    assert cats["n_lines"].tolist() == [4, 3]
    assert cats["share"].tolist() == pytest.approx([4 / 8, 3 / 8])
    given = sg.main_categories(engine(lines)(q.category_lines), categories=[Y, Z])
    assert given["category"].tolist() == [Y, Z] and given["rank"].tolist() == [2, 3]
    with pytest.raises(ValueError, match="신발"):
        sg.main_categories(engine(lines)(q.category_lines), categories=[X, "신발"])


# ------------------------------------------------------------------------------------------
# Means, differences and bits
# ------------------------------------------------------------------------------------------
def test_group_category_means_against_group_mean(lines):
    table = behaviour_of(lines)
    assert len(table) == 2 * 2 * 4
    assert table["variable"].tolist()[:4] == ["time", "views", "searches", "price"]
    # 20F over all its 4 lines (X, X, Y, Z): time (100+200+50+90)/4 = 110, views 60/4 = 15,
    # searches 6/4 = 1.5, price 5300/4 = 1325
    x_time = cell(table, "20F", X, "time")
    assert (x_time["mean"], x_time["group_mean"], x_time["diff"], x_time["bit"]) == (150, 110, 40, 1)
    assert x_time["rel_diff"] == pytest.approx(40 / 110)
    assert cell(table, "20F", X, "price")["mean"] == 2000 and cell(table, "20F", X, "price")["group_mean"] == 1325
    assert cell(table, "20F", Y, "searches")[["mean", "bit"]].tolist() == [0, 0]
    # 30M: time over the 2 non-missing values (300+100)/2 = 200; views (40+20+20)/3 = 26.67
    y_time = cell(table, "30M", Y, "time")
    assert (y_time["n_lines"], y_time["n"], y_time["mean"], y_time["group_mean"], y_time["group_n"]) == (2, 1, 100, 200, 2)
    assert cell(table, "30M", Y, "views")["group_mean"] == pytest.approx(80 / 3)
    # Y searches (4+2)/2 = 3 > 2 -> 1; Y price (100+300)/2 = 200 < 1800 -> 0
    assert cell(table, "30M", Y, "searches")[["mean", "group_mean", "bit"]].tolist() == [3, 2, 1]
    assert cell(table, "30M", Y, "price")[["mean", "group_mean", "bit"]].tolist() == [200, 1800, 0]


def test_wide_table_has_the_reports_average_column(lines):
    wide = sg.behaviour_wide(behaviour_of(lines), "time")
    assert wide.columns.tolist() == [X, Y, "평균"]
    assert wide.loc["20F"].tolist() == [150, 50, 110]
    assert wide.loc["30M"].tolist() == [300, 100, 200]
    bits = sg.behaviour_wide(behaviour_of(lines), "searches", value="bit")
    assert bits.loc["30M"].tolist() == [0, 1]


def test_equal_to_group_mean_is_zero_and_empty_cell_is_na():
    one = frame([
        (1, 1, "20F", X, 100, 10, 1, 1000, "2018-04-02"),
        (2, 1, "30M", X, 100, 10, 1, 1000, "2018-04-02"),
        (3, 2, "30M", Y, 100, 10, 1, 1000, "2018-04-02"),
    ])
    table = behaviour_of(one)
    # 20F buys only X: its X mean equals its overall mean -> 0, never 1
    assert cell(table, "20F", X, "time")["bit"] == 0
    empty = cell(table, "20F", Y, "time")
    assert empty["n_lines"] == 0 and np.isnan(empty["mean"]) and pd.isna(empty["bit"])
    patterns = sg.group_patterns(table)
    status = patterns.set_index(["group", "category"])["status"]
    assert status[("20F", Y)] == "no_purchases" and status[("20F", X)] == "scored"


def test_session_weighting_counts_each_session_once():
    # One session with three X lines, one with a Y line.
    data = frame([
        (1, 1, "20F", X, 100, 10, 1, 10, "2018-04-02"),
        (1, 1, "20F", X, 100, 10, 1, 20, "2018-04-02"),
        (1, 1, "20F", X, 100, 10, 1, 30, "2018-04-02"),
        (1, 2, "20F", Y, 400, 50, 5, 40, "2018-04-03"),
    ])
    by_line = behaviour_of(data, groups=["20F"])
    by_session = behaviour_of(data, groups=["20F"], weight="session")
    # lines: time (3*100 + 400)/4 = 175; sessions: (100 + 400)/2 = 250
    assert cell(by_line, "20F", X, "time")["group_mean"] == 175
    assert cell(by_session, "20F", X, "time")["group_mean"] == 250
    # price: lines (10+20+30+40)/4 = 25; sessions: session 1 mean 20, session 2 40 -> 30
    assert cell(by_session, "20F", X, "price")[["mean", "group_mean", "n_lines"]].tolist() == [20, 30, 1]
    with pytest.raises(ValueError, match="weight"):
        q.behaviour_sums(weight="visit")
    with pytest.raises(ValueError, match="weight"):
        sg.segment_customers(engine(data), weight="visit")
    # Line weighting needs no separate group totals: the category rows add up to them.
    sums = engine(data)(q.behaviour_sums)
    pd.testing.assert_frame_equal(sg.behaviour_table(sums, groups=["20F"], categories=[X, Y]), by_line)


# ------------------------------------------------------------------------------------------
# Patterns
# ------------------------------------------------------------------------------------------
def test_patterns_by_hand(lines):
    patterns = sg.group_patterns(behaviour_of(lines)).set_index(["group", "category"])
    # 20F X: 150>110, 20>15, 2>1.5, 2000>1325; 20F Y: all below
    # 30M X: 300>200, 40>26.7, 0<2, 5000>1800; 30M Y: 100<200, 20<26.7, 3>2, 200<1800
    assert patterns["pattern"].to_dict() == {("20F", X): "1111", ("20F", Y): "0000",
                                             ("30M", X): "1101", ("30M", Y): "0010"}
    assert patterns.loc[("30M", X), "segment"] == "꼼꼼이" and patterns.loc[("30M", Y), "label"] == "덜 털털이"


def test_even_split_shows_both_patterns(lines):
    cats = sg.category_patterns(sg.group_patterns(behaviour_of(lines))).set_index("category")
    # X: one group 1111, one 1101 -> tied; per-bit majority: searches 1 of 2 -> tie -> 0 -> 1101
    assert cats.loc[X, ["majority_pattern", "tied_bits", "pattern", "pattern_2", "split"]].tolist() == [
        "1101", "searches", "1101", "1111", True]
    assert cats.loc[X, ["segment", "segment_2", "segment_label"]].tolist() == ["꼼꼼이", "꼼꼼이", "꼼꼼이"]
    # Y: 0000 vs 0010 -> both, 0000 first (it is the per-bit majority); as the report's 유아동의류
    assert cats.loc[Y, ["pattern", "pattern_2", "n_groups_pattern", "n_groups_pattern_2"]].tolist() == [
        "0000", "0010", 1, 1]
    assert cats.loc[Y, "label"] == "더 털털이" and cats.loc[Y, "label_2"] == "덜 털털이"


def test_majority_and_split_rules_on_seven_groups():
    cats = sg.category_patterns(group_patterns_frame({
        # 3 x 1101, 3 x 1111, 1 x 0011: top two tied -> both. Bits: time 6/7, views 6/7,
        # searches 3+1 = 4/7, price 7/7 -> majority 1111, so 1111 comes first (Hamming 0).
        "split": ["1101"] * 3 + ["1111"] * 3 + ["0011"],
        # 4 x 0011, 3 x 1111: no tie -> per-bit majority: time 3/7 -> 0, views 0, searches 1, price 1
        "clear": ["0011"] * 4 + ["1111"] * 3,
        # 2 x 0000, 2 x 0010, 2 x 1000, 1 x 1111: three tied at the top -> no split, per-bit majority
        # time 3/7 -> 0, views 1/7 -> 0, searches 3/7 -> 0, price 1/7 -> 0 -> 0000
        "three_way": ["0000"] * 2 + ["0010"] * 2 + ["1000"] * 2 + ["1111"],
        # all different: the per-bit majority (1100) may be held by no group
        "scattered": ["1110", "1101", "1000", "0100", "1111", "0000", "0101"],
        "unscored": [None] * 7,
    })).set_index("category")
    assert cats.loc["split", ["pattern", "pattern_2", "split", "majority_pattern"]].tolist() == [
        "1111", "1101", True, "1111"]
    assert cats.loc["split", ["n_groups_pattern", "n_groups_pattern_2"]].tolist() == [3, 3]
    assert cats.loc["clear", ["pattern", "split", "n_groups_pattern"]].tolist() == ["0011", False, 4]
    assert pd.isna(cats.loc["clear", "pattern_2"]) and cats.loc["clear", "segment"] == "매니아"
    assert cats.loc["three_way", ["pattern", "split"]].tolist() == ["0000", False]
    # scattered: time 1,1,1,0,1,0,0 = 4/7 -> 1; views 1,1,0,1,1,0,1 = 5/7 -> 1;
    # searches 1,0,0,0,1,0,0 = 2/7 -> 0; price 0,1,0,0,1,0,1 = 3/7 -> 0 -> 1100, held by no group
    assert cats.loc["scattered", ["pattern", "n_groups_pattern"]].tolist() == ["1100", 0]
    assert cats.loc["unscored", "status"] == "no_scored_groups" and pd.isna(cats.loc["unscored", "pattern"])
    assert cats.loc["unscored", "n_groups_scored"] == 0


def test_split_tolerance_and_mixed_segment_label():
    gp = group_patterns_frame({"c": ["0011"] * 4 + ["1101"] * 3})
    assert not sg.category_patterns(gp)["split"].iloc[0]
    loose = sg.category_patterns(gp, split_tolerance=1).iloc[0]
    assert (loose["split"], loose["pattern"], loose["pattern_2"]) == (True, "0011", "1101")
    assert loose["segment_label"] == "매니아/꼼꼼이" and loose["segment"] == "매니아"
    with pytest.raises(ValueError, match="split_tolerance"):
        sg.category_patterns(gp, split_tolerance=-1)


def test_segment_table_lists_split_categories_under_both(lines):
    cats = sg.category_patterns(sg.group_patterns(behaviour_of(lines)))
    table = sg.segment_table(cats)
    assert table[["segment", "pattern", "label", "categories"]].values.tolist() == [
        ["꼼꼼이", "1101", "덜 꼼꼼이", f"{X}*"],
        ["꼼꼼이", "1111", "더 꼼꼼이", f"{X}*"],
        ["털털이", "0000", "더 털털이", f"{Y}*"],
        ["털털이", "0010", "덜 털털이", f"{Y}*"],
    ]


def test_customer_segment_is_the_top_spend_categorys(spend, hand_patterns):
    out = sg.customer_segments(spend, hand_patterns).set_index("CLNT_ID")
    assert out.index.tolist() == list(range(1, 10))
    assert out["status"].to_dict() == {
        1: "ok", 2: "top_category_not_main", 3: "ok", 4: "ok", 5: "no_revenue", 6: "category_not_scored",
        7: "ok", 8: "no_category", 9: "ok"}
    assert out["top_category"].tolist()[:4] == [X, Z, Y, Y]
    assert out["segment"].fillna("NA").tolist() == ["꼼꼼이", "NA", "털털이", "털털이", "NA", "NA", "꼼꼼이", "NA", "털털이"]
    assert out.loc[1, "top_share"] == pytest.approx(3000 / 3500)
    assert out.loc[1, ["top_revenue", "total_revenue", "pattern", "label"]].tolist() == [3000, 3500, "1101", "덜 꼼꼼이"]
    assert out.loc[7, "top_category"] == X
    assert pd.isna(out.loc[8, "total_revenue"])


def test_segment_sizes(spend, hand_patterns):
    sizes = sg.segment_sizes(sg.customer_segments(spend, hand_patterns))
    # 꼼꼼이: 1, 7; 매니아: none; 털털이: 3, 4, 9; 미분류: 2, 5, 6, 8 (9 customers)
    assert sizes["segment"].tolist() == ["꼼꼼이", "매니아", "털털이", "미분류"]
    assert sizes["n_customers"].tolist() == [2, 0, 3, 4]
    # revenue: 3500 + 200; 0; 700 + 200 + 50; 6000 + 0 + 200 + 0 (customer 8 has no category)
    assert sizes["revenue"].tolist() == [3700, 0, 950, 6200]
    assert sizes["share"].tolist() == pytest.approx([2 / 9, 0, 3 / 9, 4 / 9])
    assert sizes["revenue_share"].sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------
# Contract: names, mutation, errors
# ------------------------------------------------------------------------------------------
def test_aggregates_with_other_column_names(lines):
    """Any shop's aggregates work when their column names are passed."""
    query = engine(lines)
    groups = sg.main_groups(query(q.group_sizes).rename(columns={"AGE_GENDER": "demo", "n_customers": "people",
                                                                  "n_lines": "rows"}),
                            min_customers=2, group_col="demo", customers_col="people", lines_col="rows")
    pd.testing.assert_frame_equal(groups, sg.main_groups(query(q.group_sizes), min_customers=2))
    cats = sg.main_categories(query(q.category_lines).rename(columns={"CLAC1_NM": "cat", "n_lines": "rows"}),
                              n_categories=2, category_col="cat", lines_col="rows")
    assert cats["category"].tolist() == [X, Y]
    renamed = {"AGE_GENDER": "demo", "CLAC1_NM": "cat", "n_lines": "rows"}
    table = sg.behaviour_table(query(q.behaviour_sums).rename(columns=renamed),
                               query(q.group_sums).rename(columns=renamed), groups=groups, categories=cats,
                               group_col="demo", category_col="cat", lines_col="rows")
    pd.testing.assert_frame_equal(table, behaviour_of(lines))
    spend = query(q.customer_top_categories).rename(columns={"CLNT_ID": "cust", "CLAC1_NM": "cat", "REVENUE": "paid",
                                                             "TOTAL_REVENUE": "total"})
    cpat = sg.category_patterns(sg.group_patterns(table))
    out = sg.customer_segments(spend, cpat, customer_col="cust", category_col="cat", revenue_col="paid",
                               total_col="total")
    assert out["cust"].tolist() == [1, 2, 3, 4, 5, 6]


def test_customer_segments_from_top_categories_equal_those_from_lines(spend, hand_patterns):
    """The engine's top categories (with totals) give the same customers as all revenue lines."""
    top = engine(spend)(q.customer_top_categories)
    # customer 4 ties X and Y at 100: both rows come back; customer 8 has only an uncategorised line
    assert top.loc[top["CLNT_ID"] == 4, "CLAC1_NM"].tolist() == [Y, X]
    assert top.loc[top["CLNT_ID"] == 8, "CLAC1_NM"].isna().all()
    assert top.set_index("CLNT_ID").loc[1, "TOTAL_REVENUE"] == 3500
    from_top = sg.customer_segments(top, hand_patterns, total_col="TOTAL_REVENUE")
    pd.testing.assert_frame_equal(from_top, sg.customer_segments(spend, hand_patterns))


def test_input_not_mutated(lines):
    query = engine(lines)
    sums, totals, top = query(q.behaviour_sums), query(q.group_sums), query(q.customer_top_categories)
    before = [frame.copy(deep=True) for frame in (sums, totals, top)]
    table = sg.behaviour_table(sums, totals, groups=["20F", "30M"], categories=[X, Y])
    sg.customer_segments(top, sg.category_patterns(sg.group_patterns(table)), total_col="TOTAL_REVENUE")
    for given, copy in zip((sums, totals, top), before):
        pd.testing.assert_frame_equal(given, copy)


@pytest.mark.parametrize("column, argument", [("searches_sum", "searches_sum"), ("AGE_GENDER", "group_col"),
                                              ("CLAC1_NM", "category_col"), ("n_lines", "lines_col")])
def test_missing_column_is_named(lines, column, argument):
    sums = engine(lines)(q.behaviour_sums)
    with pytest.raises(ValueError, match=f"'{column}'.*pass its name with {argument}=\\.\\.\\."):
        sg.behaviour_table(sums.drop(columns=column), groups=["20F"], categories=[X])


def test_bad_types_are_refused(lines, spend):
    sums = engine(lines)(q.behaviour_sums)
    with pytest.raises(ValueError, match="time_sum.*numeric"):
        sg.behaviour_table(sums.assign(time_sum=sums["time_sum"].astype("str")), groups=["20F"], categories=[X])
    with pytest.raises(ValueError, match="REVENUE.*numeric"):
        sg.customer_segments(spend.assign(REVENUE=spend["REVENUE"].astype("str")), pd.DataFrame(
            {"category": [X], "pattern": ["1101"], "segment": ["꼼꼼이"], "label": [None]}))
    sizes = engine(lines)(q.group_sizes)
    with pytest.raises(ValueError, match="twice"):
        sg.main_groups(pd.concat([sizes, sizes]), min_customers=1)
    with pytest.raises(TypeError):
        sg.main_groups([1, 2, 3])


# ------------------------------------------------------------------------------------------
# Planted recovery
# ------------------------------------------------------------------------------------------
PLANTED = {  # category -> pattern per main group (7 groups); two split as the report's
    "여성의류": ["1101"] * 7, "패션잡화": ["1101"] * 7, "건강식품": ["1111"] * 7, "화장품/뷰티케어": ["0011"] * 7,
    "남성의류": ["0000"] * 7, "속옷/양말/홈웨어": ["0000"] * 7, "출산/육아용품": ["0000"] * 7, "퍼스널케어": ["0010"] * 7,
    "스포츠패션": ["1101"] * 3 + ["1111"] * 3 + ["0011"],
    "유아동의류": ["0000"] * 3 + ["0010"] * 3 + ["1000"],
}


MAIN_GROUPS = ["20F", "20M", "30F", "30M", "40F", "40M", "50F"]


def planted_frame(seed: int = 7) -> tuple[pd.DataFrame, dict[int, str]]:
    """Lines with multiplicative effects: bit 1 -> x1.6, bit 0 -> x0.6 of the group's own base level.

    Each customer buys 1-3 lines in one category over April and May; group bases differ by up to 2x, so
    only a comparison with the group's *own* mean recovers the bits. A small group (60M, 5 customers)
    and a small category (기타) are present but must not be scored."""
    rng = np.random.default_rng(seed)
    base = {"time": 600.0, "views": 40.0, "searches": 2.0, "price": 30000.0}
    rows, truth, customer = [], {}, 0
    for g_index, group in enumerate(MAIN_GROUPS + ["60M"]):
        level = 0.7 + 0.2 * g_index
        categories = list(PLANTED) + ["기타"] if group != "60M" else ["기타"]
        for category in categories:
            pattern = PLANTED[category][g_index] if category in PLANTED else "0101"
            n_customers = 30 if category in PLANTED else 3
            if group == "60M":
                n_customers = 5
            for _ in range(n_customers):
                customer += 1
                truth[customer] = category
                for _line in range(int(rng.integers(1, 4))):
                    effect = {v: (1.6 if b == "1" else 0.6) for v, b in zip(sg.VARIABLES, pattern)}
                    noise = rng.lognormal(0.0, 0.2, size=4)
                    rows.append((customer, int(rng.integers(1, 10**6)), group, category,
                                 base["time"] * level * effect["time"] * noise[0],
                                 base["views"] * level * effect["views"] * noise[1],
                                 int(round(base["searches"] * level * effect["searches"] * noise[2] * 10)),
                                 base["price"] * effect["price"] * noise[3],
                                 "2018-04-15" if rng.random() < 0.5 else "2018-05-15"))
    return frame(rows), truth


def test_planted_patterns_are_recovered():
    data, truth = planted_frame()
    result = sg.segment_customers(engine(data), min_customers=30)
    assert result.groups.loc[result.groups["is_main"], "group"].tolist() == MAIN_GROUPS
    assert result.groups.set_index("group").loc["60M", "status"] == "below_min_customers"
    assert set(result.categories["category"]) == set(PLANTED)
    cats = result.category_patterns.set_index("category")
    for category, planted in PLANTED.items():
        counts = pd.Series(planted).value_counts()
        if counts.iloc[0] == 7:
            assert cats.loc[category, ["pattern", "split", "n_groups_pattern"]].tolist() == [planted[0], False, 7]
        else:
            shown = {cats.loc[category, "pattern"], cats.loc[category, "pattern_2"]}
            assert cats.loc[category, "split"] and shown == set(counts.index[:2]), category
    assert cats.loc["스포츠패션", "segment_label"] == "꼼꼼이" and cats.loc["유아동의류", "segment_label"] == "털털이"

    rules = sg.load_segment_rules()
    expected = {c: (rules.segment_of(PLANTED[c][0]) if c in PLANTED else None) for c in set(truth.values())}
    expected["스포츠패션"], expected["유아동의류"] = "꼼꼼이", "털털이"
    customers = result.customers.set_index("CLNT_ID")
    wanted = pd.Series({c: expected[k] or "-" for c, k in truth.items()}, dtype=object)
    assert customers.index.tolist() == sorted(truth)
    assert customers["segment"].astype(object).fillna("-").tolist() == wanted.reindex(customers.index).tolist()
    assert (customers["segment"].isna() == customers["top_category"].eq("기타")).all()

    stability = st.segment_stability(engine(data), groups=result.groups, categories=result.categories)
    assert not stability.category_changes["changed"].any()
    assert stability.transitions.empty or stability.transitions["stayed"].all()


@pytest.mark.skipif(importlib.util.find_spec("helpers.data.synthetic") is None
                    or importlib.util.find_spec("helpers.data.loader") is None,
                    reason="needs helpers.data.synthetic and helpers.data.loader")
def test_planted_patterns_recovered_from_synthetic_files(tmp_path):
    from helpers.data.loader import load_dataset
    from helpers.data.synthetic import PLANTED_PATTERNS, generate

    generate(tmp_path / "raw", scale="sample", seed=7)
    data = load_dataset(tmp_path / "raw", "2018-04-01", "2018-09-30", cache_dir=tmp_path / "cache",
                        progress=lambda *_: None)
    result = sg.segment_customers(data.query)
    cats = result.category_patterns.set_index("category")
    for category, planted in PLANTED_PATTERNS.items():
        assert category in cats.index, category
        assert cats.loc[category, "pattern"] == planted, category
