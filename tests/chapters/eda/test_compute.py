"""Tests of helpers.chapters.eda.compute (chapter 1) on tiny hand-made frames with hand-computed expectations."""
import itertools

import numpy as np
import pandas as pd
import pytest
from chapters.eda.fixtures import edge_row, edges_of, engine_frame

from helpers.chapters.eda import compute as eda
from helpers.data.queries import eda as q


# ---------------------------------------------------------------------------------------------
# Co-purchase
# ---------------------------------------------------------------------------------------------
def test_copurchase_counts_support_confidence_lift_by_hand(purchases5):
    edges = edges_of(purchases5, min_count=1)
    assert list(edges.columns) == list(eda.EDGE_COLUMNS)
    assert len(edges) == 3
    ab = edge_row(edges, "가구", "여성의류")
    assert ab["count"] == 2
    assert ab["support"] == pytest.approx(2 / 5)
    assert ab["support_a"] == pytest.approx(4 / 5) and ab["support_b"] == pytest.approx(2 / 5)
    assert ab["confidence_a_b"] == pytest.approx(2 / 4)  # P(여성의류 | 가구)
    assert ab["confidence_b_a"] == pytest.approx(2 / 2)  # P(가구 | 여성의류)
    assert ab["lift"] == pytest.approx(0.4 / (0.8 * 0.4))  # 1.25
    ac = edge_row(edges, "가구", "패션잡화")
    assert ac["count"] == 2
    assert ac["confidence_a_b"] == pytest.approx(2 / 4)
    assert ac["confidence_b_a"] == pytest.approx(2 / 3)
    assert ac["lift"] == pytest.approx(0.4 / (0.8 * 0.6))
    bc = edge_row(edges, "여성의류", "패션잡화")
    assert bc["count"] == 1
    assert bc["support"] == pytest.approx(1 / 5)
    assert bc["confidence_a_b"] == pytest.approx(1 / 2)
    assert bc["confidence_b_a"] == pytest.approx(1 / 3)
    assert bc["lift"] == pytest.approx(0.2 / (0.4 * 0.6))
    # Order: count desc, then lift desc.
    assert list(zip(edges["cat_a"], edges["cat_b"])) == [("가구", "여성의류"), ("가구", "패션잡화"), ("여성의류", "패션잡화")]
    assert (edges["cat_a"] < edges["cat_b"]).all()
    assert edges.attrs == {"n_sessions": 5, "n_multi_category_sessions": 3, "min_count": 1}
    assert edges["count"].dtype == "int64" and edges["lift"].dtype == "float64"


def test_copurchase_min_count_filter(purchases5):
    edges = edges_of(purchases5, min_count=2)
    assert set(zip(edges["cat_a"], edges["cat_b"])) == {("가구", "여성의류"), ("가구", "패션잡화")}
    # Filtering does not change the statistics of the edges that stay.
    assert edge_row(edges, "가구", "패션잡화")["lift"] == pytest.approx(0.4 / (0.8 * 0.6))
    assert edges_of(purchases5, min_count=3).empty
    with pytest.raises(ValueError, match="min_count"):
        edges_of(purchases5, min_count=0)
    with pytest.raises(ValueError, match="min_count"):
        q.copurchase_pairs(min_count=0)


def test_copurchase_ignores_uncategorised_lines(purchases5):
    extra = pd.DataFrame({"CLNT_ID": [1, 9], "SESS_ID": [1, 9], "CLAC1_NM": [None, None]})
    edges = edges_of(pd.concat([purchases5, extra], ignore_index=True), min_count=1)
    assert edges.attrs["n_sessions"] == 5  # the session with no categorised line is not counted
    pd.testing.assert_frame_equal(edges, edges_of(purchases5, min_count=1))


def test_copurchase_matches_naive_reference_on_random_data():
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame({
        "CLNT_ID": rng.integers(0, 15, n), "SESS_ID": rng.integers(0, 6, n),
        "CLAC1_NM": rng.choice(["가", "나", "다", "라", "마"], n, p=[0.4, 0.25, 0.2, 0.1, 0.05]),
    })
    baskets = frame.groupby(["CLNT_ID", "SESS_ID"])["CLAC1_NM"].agg(lambda s: frozenset(s))
    total = len(baskets)
    expected = {}
    for a, b in itertools.combinations(sorted(frame["CLAC1_NM"].unique()), 2):
        n_ab = sum(1 for s in baskets if a in s and b in s)
        n_a = sum(1 for s in baskets if a in s)
        n_b = sum(1 for s in baskets if b in s)
        if n_ab >= 3:
            expected[(a, b)] = (n_ab, n_ab / n_a, n_ab / n_b, n_ab * total / (n_a * n_b))
    edges = edges_of(frame, min_count=3)
    got = {(r.cat_a, r.cat_b): (r.count, r.confidence_a_b, r.confidence_b_a, r.lift) for r in edges.itertuples()}
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        assert got[key] == pytest.approx(values)
    shuffled = frame.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(edges_of(shuffled, min_count=3), edges)


def test_copurchase_edges_from_aggregates_with_other_names_and_pair_order():
    """Any shop's aggregates work: other column names, pairs in either order, categories padded with spaces."""
    pairs = pd.DataFrame({"x": ["여성의류 ", "가구"], "y": ["가구", "패션잡화"], "n": [2, 2]})
    baskets = pd.DataFrame({"cat": ["가구", "여성의류", "패션잡화"], "k": [4, 2, 3], "total": 5, "multi": 3})
    edges = eda.copurchase_edges(pairs, baskets, min_count=1, cat_a_col="x", cat_b_col="y", pair_count_col="n",
                                 category_col="cat", basket_count_col="k", sessions_col="total", multi_col="multi")
    assert list(zip(edges["cat_a"], edges["cat_b"], edges["count"])) == [("가구", "여성의류", 2), ("가구", "패션잡화", 2)]
    assert edge_row(edges, "가구", "패션잡화")["lift"] == pytest.approx(2 * 5 / (4 * 3))
    assert edges.attrs == {"n_sessions": 5, "n_multi_category_sessions": 3, "min_count": 1}
    with pytest.raises(ValueError, match="'n_sessions'.*pair_count_col"):
        eda.copurchase_edges(pairs.rename(columns={"n": "m"}), baskets, cat_a_col="x", cat_b_col="y")
    with pytest.raises(ValueError, match="missing from baskets"):
        eda.copurchase_edges(pairs, baskets.iloc[:1], min_count=1, cat_a_col="x", cat_b_col="y", pair_count_col="n",
                             category_col="cat", basket_count_col="k", sessions_col="total", multi_col="multi")


def test_counts_from_aggregates_equal_counts_of_rows(purchases5):
    """Each split of an engine aggregate (one row per value with a count) equals the split of the rows."""
    lines = engine_frame(q.category_lines(), purchases=purchases5)
    pd.testing.assert_frame_equal(eda.category_purchase_counts(lines, count_col="n_lines"),
                                  eda.category_purchase_counts(purchases5))
    ages = engine_frame(q.line_ages(), purchases=purchases5)
    pd.testing.assert_frame_equal(eda.age_distribution(ages, count_col="n_lines"), eda.age_distribution(purchases5))
    sessions = purchases5.drop_duplicates(["CLNT_ID", "SESS_ID"])
    devices = engine_frame(q.session_values("DVC_CTG_NM"), sessions=sessions)
    pd.testing.assert_frame_equal(eda.device_split(devices, count_col="n_sessions"), eda.device_split(purchases5))
    regions = engine_frame(q.session_values("ZON_NM"), sessions=sessions)
    pd.testing.assert_frame_equal(eda.region_split(regions, top=1, count_col="n_sessions"),
                                  eda.region_split(purchases5, top=1))
    genders = engine_frame(q.buyer_genders(), purchases=purchases5, customers=purchases5)
    pd.testing.assert_frame_equal(eda.gender_split(genders, count_col="n_customers"), eda.gender_split(purchases5))
    with pytest.raises(ValueError, match="more than one"):
        eda.gender_split(genders.assign(n_conflicts=[0, 1, 0]), count_col="n_customers")
    with pytest.raises(ValueError, match="whole counts"):
        eda.category_purchase_counts(lines.assign(n_lines=-1), count_col="n_lines")


# ---------------------------------------------------------------------------------------------
# Contract checks shared by every analysis
# ---------------------------------------------------------------------------------------------
ANALYSES = [
    (eda.gender_split, {}, "CLNT_GENDER"),
    (eda.age_distribution, {}, "CLNT_AGE"),
    (eda.device_split, {}, "DVC_CTG_NM"),
    (eda.region_split, {"top": 1}, "ZON_NM"),
    (eda.category_purchase_counts, {}, "CLAC1_NM"),
]


@pytest.mark.parametrize(("func", "kwargs", "column"), ANALYSES, ids=lambda v: getattr(v, "__name__", None))
def test_missing_column_raises_value_error_naming_it(purchases5, func, kwargs, column):
    with pytest.raises(ValueError, match=f"'{column}'"):
        func(purchases5.drop(columns=column), **kwargs)


@pytest.mark.parametrize(("func", "kwargs", "column"), ANALYSES, ids=lambda v: getattr(v, "__name__", None))
def test_input_is_not_mutated(purchases5, func, kwargs, column):
    before = purchases5.copy(deep=True)
    func(purchases5, **kwargs)
    pd.testing.assert_frame_equal(purchases5, before)


def test_keyword_and_log_inputs_not_mutated(search):
    before = search.copy(deep=True)
    eda.keyword_frequencies(search)
    pd.testing.assert_frame_equal(search, before)
    log = pd.DataFrame({"rule": ["r"], "table": ["t"], "rows": [1], "action": ["dropped"]})
    log_before = log.copy(deep=True)
    eda.cleaning_log_table(log)
    pd.testing.assert_frame_equal(log, log_before)


def test_analyses_reject_non_frames():
    with pytest.raises(TypeError):
        eda.gender_split([("F",)])


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [("여성", ("이", "가"), "여성이"), ("30대", ("이", "가"), "30대가"), ("화장품/뷰티케어", ("이", "가"), "화장품/뷰티케어가"),
     ("상품권", ("이", "가"), "상품권이"), ("여성", ("으로", "로"), "여성으로"), ("서울", ("으로", "로"), "서울로"),
     ("남성의류–패션잡화", ("으로", "로"), "남성의류–패션잡화로"), ("Nike", ("이", "가"), "Nike이(가)")],
)
def test_korean_particles(word, pair, expected):
    from helpers.common.korean import josa
    assert josa(word, *pair) == expected


def test_cleaning_log_translates_table_codes():
    log = pd.DataFrame({"rule": ["r1", "r2"], "table": ["product", "mystery"], "rows": [3, 0],
                        "action": ["kept", "dropped"]})
    table = eda.cleaning_log_table(log)
    assert table["테이블"].tolist() == ["구매(Product)", "mystery"]  # unknown codes stay visible
    assert table["조치"].tolist() == ["유지", "삭제"]


def test_buying_customers_keeps_only_clients_who_bought(purchases5):
    members = pd.DataFrame({"CLNT_ID": [1, 2, 9], "CLNT_GENDER": ["F", "M", "M"]})
    assert eda.buying_customers(members, purchases5)["CLNT_ID"].tolist() == [1, 2]
    with pytest.raises(ValueError, match="'CLNT_ID'"):
        eda.buying_customers(members.rename(columns={"CLNT_ID": "id"}), purchases5)


def test_fold_category_counts_keeps_unknown_last_and_shares_of_all_lines():
    table = pd.DataFrame({"상품군": ["a", "b", "c", "미상"], "구매건수": [5, 3, 1, 1], "비율": [0.5, 0.3, 0.1, 0.1]})
    folded = eda.fold_category_counts(table, top=1)
    assert folded["상품군"].tolist() == ["a", "기타", "미상"]
    assert folded["구매건수"].tolist() == [5, 4, 1]
    assert folded["비율"].tolist() == pytest.approx([0.5, 0.4, 0.1])
    assert eda.fold_category_counts(table, top=5) is table


def test_network_edges_top_plus_backbone(purchases5):
    # counts: 가구–여성의류 2, 가구–패션잡화 2, 여성의류–패션잡화 1 (see purchases5)
    edges = edges_of(purchases5, min_count=1)
    top1 = eda.network_edges(edges, top_edges=1, per_node=0)
    assert len(top1) == 1
    backbone = eda.network_edges(edges, top_edges=1, per_node=1)
    assert {*backbone["cat_a"], *backbone["cat_b"]} == {"가구", "여성의류", "패션잡화"}
    assert len(eda.network_edges(edges, top_edges=None)) == 3
    with pytest.raises(ValueError, match="per_node"):
        eda.network_edges(edges, per_node=-1)
