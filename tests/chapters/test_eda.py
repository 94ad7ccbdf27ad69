"""Tests of helpers.chapters.eda.compute (chapter 1) on tiny hand-made frames with hand-computed expectations."""
import itertools
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers.chapters.eda import compute as eda
from helpers.common import figures as plots

DEJAVU = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def purchases5() -> pd.DataFrame:
    """Five sessions (SESS_ID 1 is reused by three clients, as in the real data).

    s1 (1,1): 가구, 여성의류, 여성의류   -> {가구, 여성의류}   (repeated category)
    s2 (1,2): 가구, 여성의류, 패션잡화   -> {가구, 여성의류, 패션잡화}
    s3 (2,1): 가구                      -> single category
    s4 (3,1): 가구, 패션잡화             -> {가구, 패션잡화}
    s5 (4,7): 패션잡화, 패션잡화         -> single category (repeated)

    N = 5; n(가구) = 4, n(여성의류) = 2, n(패션잡화) = 3
    n(가구, 여성의류) = 2 (s1, s2); n(가구, 패션잡화) = 2 (s2, s4); n(여성의류, 패션잡화) = 1 (s2)
    """
    return pd.DataFrame({
        "CLNT_ID": [1, 1, 1, 1, 1, 1, 2, 3, 3, 4, 4],
        "SESS_ID": [1, 1, 1, 2, 2, 2, 1, 1, 1, 7, 7],
        "CLAC1_NM": ["가구", "여성의류", "여성의류", "가구", "여성의류", "패션잡화", "가구", "가구", "패션잡화",
                     "패션잡화", "패션잡화"],
        "CLNT_AGE": pd.array([30, 30, 30, 30, 30, 30, None, 20, 20, 45, 45], dtype="Int64"),
        "CLNT_GENDER": ["F", "F", "F", "F", "F", "F", None, "M", "M", "F", "F"],
        "DVC_CTG_NM": ["mobile"] * 3 + ["desktop"] * 3 + ["mobile", "mobile", "mobile", "tablet", "tablet"],
        "ZON_NM": ["Seoul"] * 6 + ["Busan", "Seoul", "Seoul", None, None],
    })


def _edge(edges: pd.DataFrame, a: str, b: str) -> pd.Series:
    rows = edges[(edges["cat_a"] == a) & (edges["cat_b"] == b)]
    assert len(rows) == 1, f"edge {a}-{b} not found once in\n{edges}"
    return rows.iloc[0]


# ---------------------------------------------------------------------------------------------
# Co-purchase
# ---------------------------------------------------------------------------------------------
def test_copurchase_counts_support_confidence_lift_by_hand(purchases5):
    edges = eda.copurchase_edges(purchases5, min_count=1)
    assert list(edges.columns) == list(eda.EDGE_COLUMNS)
    assert len(edges) == 3
    ab = _edge(edges, "가구", "여성의류")
    assert ab["count"] == 2
    assert ab["support"] == pytest.approx(2 / 5)
    assert ab["support_a"] == pytest.approx(4 / 5) and ab["support_b"] == pytest.approx(2 / 5)
    assert ab["confidence_a_b"] == pytest.approx(2 / 4)  # P(여성의류 | 가구)
    assert ab["confidence_b_a"] == pytest.approx(2 / 2)  # P(가구 | 여성의류)
    assert ab["lift"] == pytest.approx(0.4 / (0.8 * 0.4))  # 1.25
    ac = _edge(edges, "가구", "패션잡화")
    assert ac["count"] == 2
    assert ac["confidence_a_b"] == pytest.approx(2 / 4)
    assert ac["confidence_b_a"] == pytest.approx(2 / 3)
    assert ac["lift"] == pytest.approx(0.4 / (0.8 * 0.6))
    bc = _edge(edges, "여성의류", "패션잡화")
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
    edges = eda.copurchase_edges(purchases5, min_count=2)
    assert set(zip(edges["cat_a"], edges["cat_b"])) == {("가구", "여성의류"), ("가구", "패션잡화")}
    # Filtering does not change the statistics of the edges that stay.
    assert _edge(edges, "가구", "패션잡화")["lift"] == pytest.approx(0.4 / (0.8 * 0.6))
    assert eda.copurchase_edges(purchases5, min_count=3).empty
    with pytest.raises(ValueError, match="min_count"):
        eda.copurchase_edges(purchases5, min_count=0)


def test_copurchase_ignores_uncategorised_lines(purchases5):
    extra = pd.DataFrame({"CLNT_ID": [1, 9], "SESS_ID": [1, 9], "CLAC1_NM": [None, None]})
    edges = eda.copurchase_edges(pd.concat([purchases5, extra], ignore_index=True), min_count=1)
    assert edges.attrs["n_sessions"] == 5  # the session with no categorised line is not counted
    pd.testing.assert_frame_equal(edges, eda.copurchase_edges(purchases5, min_count=1))


def test_copurchase_session_key_needs_both_columns(purchases5):
    # Keyed on SESS_ID alone, the three clients' session 1 would merge into one basket.
    merged = eda.copurchase_edges(purchases5, session_cols=("SESS_ID",), min_count=1)
    assert merged.attrs["n_sessions"] == 3
    assert _edge(merged, "가구", "여성의류")["count"] == 2


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
    edges = eda.copurchase_edges(frame, min_count=3)
    got = {(r.cat_a, r.cat_b): (r.count, r.confidence_a_b, r.confidence_b_a, r.lift) for r in edges.itertuples()}
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        assert got[key] == pytest.approx(values)
    shuffled = frame.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(eda.copurchase_edges(shuffled, min_count=3), edges)


def test_copurchase_non_default_column_names(purchases5):
    renamed = purchases5.rename(columns={"CLNT_ID": "cust", "SESS_ID": "visit", "CLAC1_NM": "cat"})
    edges = eda.copurchase_edges(renamed, session_cols=("cust", "visit"), category_col="cat", min_count=1)
    pd.testing.assert_frame_equal(edges, eda.copurchase_edges(purchases5, min_count=1))
    with pytest.raises(ValueError, match="'CLAC1_NM'.*category_col"):
        eda.copurchase_edges(renamed, session_cols=("cust", "visit"), min_count=1)
    with pytest.raises(ValueError, match="'SESS_ID'.*session_cols"):
        eda.copurchase_edges(renamed, session_cols=("cust", "SESS_ID"), category_col="cat", min_count=1)


def test_copurchase_table_and_sentence(purchases5):
    edges = eda.copurchase_edges(purchases5, min_count=1)
    table = eda.copurchase_table(edges)
    assert list(table.columns) == ["상품군 A", "상품군 B", "동시구매 세션수", "지지도", "신뢰도(A→B)", "신뢰도(B→A)", "향상도"]
    assert table["향상도"].iloc[0] == pytest.approx(1.25)
    sentence = eda.copurchase_sentence(edges)
    assert sentence.startswith("전체 5세션 중 60.0%가 두 개 이상의 상품군을 구매했고")
    assert "가구–여성의류로 2세션에서" in sentence
    assert "이 조합이 리프트도 가장 높습니다" in sentence
    # When the most frequent and the highest-lift pair differ, both are named.
    tweaked = edges.copy()
    tweaked.loc[tweaked["cat_a"] == "여성의류", "lift"] = 3.0
    sentence = eda.copurchase_sentence(tweaked)
    assert "가장 강한 연결은 여성의류–패션잡화(리프트 3.0, 1세션)입니다." in sentence
    empty = eda.copurchase_sentence(eda.copurchase_edges(purchases5, min_count=99))
    assert "조건을 만족하는 상품군 조합은 없습니다" in empty


def test_copurchase_network_figure(purchases5):
    edges = eda.copurchase_edges(purchases5, min_count=1)
    fig = eda.copurchase_network_figure(edges)
    assert isinstance(fig, Figure)
    assert plots.missing_glyph_warnings(fig) == []
    ax = fig.axes[0]
    labels = {t.get_text(): t.get_position() for t in ax.texts}
    assert {"가구", "여성의류", "패션잡화"} <= labels.keys()
    again = {t.get_text(): t.get_position() for t in eda.copurchase_network_figure(edges).axes[0].texts}
    assert again == labels  # deterministic layout
    spring = eda.copurchase_network_figure(edges, layout="spring", seed=3)
    spring_again = eda.copurchase_network_figure(edges, layout="spring", seed=3)
    assert ({t.get_text(): t.get_position() for t in spring.axes[0].texts}
            == {t.get_text(): t.get_position() for t in spring_again.axes[0].texts})
    # Only one edge by rank, but every category keeps its strongest edge.
    backbone = eda.copurchase_network_figure(edges, top_edges=1, per_node=1)
    assert {"가구", "여성의류", "패션잡화"} <= {t.get_text() for t in backbone.axes[0].texts}
    sizes = eda.category_purchase_counts(purchases5).set_index("상품군")["구매건수"]
    assert plots.missing_glyph_warnings(eda.copurchase_network_figure(edges, node_sizes=sizes, width_by="count")) == []
    empty = eda.copurchase_network_figure(edges.iloc[:0])
    assert plots.missing_glyph_warnings(empty) == []
    with pytest.raises(ValueError, match="width_by"):
        eda.copurchase_network_figure(edges, width_by="colour")
    with pytest.raises(ValueError, match="'lift'"):
        eda.copurchase_network_figure(edges.drop(columns="lift"))


# ---------------------------------------------------------------------------------------------
# Keywords and word cloud
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def search() -> pd.DataFrame:
    return pd.DataFrame({
        "KWD_NM": ["원피스", "가방", "원피스 ", "나이키", "운동화", "샌들", None, "  "],
        "SEARCH_CNT": [3, 5, 2, 4, 4, 1, 6, 1],
    })


def test_keyword_frequencies_top_n_with_ties(search):
    freq = eda.keyword_frequencies(search, top=3)
    assert list(freq.columns) == ["순위", "키워드", "검색수", "비율"]
    # 가방 5 and 원피스 3+2=5 tie -> by keyword; 나이키 4 and 운동화 4 tie -> 나이키 is cut in, 운동화 out.
    assert list(freq["키워드"]) == ["가방", "원피스", "나이키"]
    assert list(freq["검색수"]) == [5, 5, 4]
    assert list(freq["순위"]) == [1, 2, 3]
    # Share of all searches, including blank and missing keywords: 5 / 26.
    assert freq["비율"].tolist() == pytest.approx([5 / 26, 5 / 26, 4 / 26])
    assert freq["검색수"].dtype == "int64"
    everything = eda.keyword_frequencies(search, top=None)
    assert list(everything["키워드"]) == ["가방", "원피스", "나이키", "운동화", "샌들"]
    # Input order does not change the cut.
    pd.testing.assert_frame_equal(eda.keyword_frequencies(search.iloc[::-1], top=3), freq)


def test_keyword_frequencies_validation_and_names(search):
    renamed = search.rename(columns={"KWD_NM": "kw", "SEARCH_CNT": "n"})
    pd.testing.assert_frame_equal(eda.keyword_frequencies(renamed, top=3, keyword_col="kw", count_col="n"),
                                  eda.keyword_frequencies(search, top=3))
    with pytest.raises(ValueError, match="'KWD_NM'.*keyword_col"):
        eda.keyword_frequencies(renamed)
    with pytest.raises(ValueError, match="numeric"):
        eda.keyword_frequencies(pd.DataFrame({"KWD_NM": ["a"], "SEARCH_CNT": ["1,234"]}))
    with pytest.raises(ValueError, match="negative"):
        eda.keyword_frequencies(pd.DataFrame({"KWD_NM": ["a"], "SEARCH_CNT": [-1]}))
    with pytest.raises(ValueError, match="top"):
        eda.keyword_frequencies(search, top=0)


def test_keyword_sentence(search):
    freq = eda.keyword_frequencies(search, top=3)
    assert eda.keyword_sentence(freq) == ("가장 많이 검색된 키워드는 '가방'(5회)이고, 상위 3개 키워드가 "
                                          "전체 검색의 53.8%를 차지합니다.")


def test_wordcloud_renders_with_korean_font(search):
    freq = eda.keyword_frequencies(search)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cloud = eda.wordcloud_image(freq)
        fig = eda.wordcloud_figure(freq)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert Path(cloud.font_path) == plots.korean_font_path()
    assert cloud.background_color == "white"
    assert {"가방", "원피스", "나이키"} <= {word for (word, _), *_ in cloud.layout_}
    image = cloud.to_array()
    assert (image < 250).any(), "the word cloud drew nothing"
    np.testing.assert_array_equal(image, eda.wordcloud_image(freq).to_array())  # fixed random_state
    assert isinstance(fig, Figure)
    assert plots.missing_glyph_warnings(fig) == []


def test_wordcloud_reports_tofu_with_a_font_without_hangul(search):
    freq = eda.keyword_frequencies(search)
    with pytest.warns(UserWarning, match="missing from font"):
        eda.wordcloud_image(freq, font_path=str(DEJAVU))


def test_wordcloud_accepts_series_and_empty_input():
    fig = eda.wordcloud_figure(pd.Series({"원피스": 3, "가방": 1}))
    assert plots.missing_glyph_warnings(fig) == []
    assert eda.wordcloud_image({}) is None
    assert plots.missing_glyph_warnings(eda.wordcloud_figure({})) == []


# ---------------------------------------------------------------------------------------------
# Gender, age, device, region, categories
# ---------------------------------------------------------------------------------------------
def test_gender_split_one_count_per_customer():
    customers = pd.DataFrame({"CLNT_ID": [1, 2, 3, 4, 5, 1, 6], "CLNT_GENDER": ["F", "F", "F", "M", None, "F", None]})
    customers.loc[len(customers)] = [6, "F"]  # client 6 seen without and with a gender counts as F
    table = eda.gender_split(customers)
    assert list(table.columns) == ["성별", "고객수", "비율"]
    assert table.to_dict("list") == {"성별": ["여성", "남성", "미상"], "고객수": [4, 1, 1],
                                     "비율": pytest.approx([4 / 6, 1 / 6, 1 / 6])}
    assert eda.gender_sentence(table) == "고객의 66.7%가 여성으로, 남성(16.7%)보다 4.0배 많습니다. 성별 미상은 16.7%입니다."


def test_gender_split_rejects_conflicts_and_supports_other_names():
    with pytest.raises(ValueError, match="more than one"):
        eda.gender_split(pd.DataFrame({"CLNT_ID": [1, 1], "CLNT_GENDER": ["F", "M"]}))
    frame = pd.DataFrame({"id": [1, 2, 3], "sex": ["M", "M", "X"]})
    table = eda.gender_split(frame, client_col="id", gender_col="sex")
    assert table["성별"].tolist() == ["남성", "X"]  # unknown codes stay visible
    assert eda.gender_sentence(table) == "고객의 66.7%가 남성으로, X(33.3%)보다 2.0배 많습니다."


def test_age_distribution_counts_purchase_lines(purchases5):
    table = eda.age_distribution(purchases5)
    assert list(table.columns) == ["연령대", "구매건수", "비율"]
    assert table["연령대"].tolist() == ["10대", "20대", "30대", "40대", "50대", "60대", "70대", "80대", "미상"]
    assert table["구매건수"].tolist() == [0, 2, 6, 2, 0, 0, 0, 0, 1]  # 45 -> 40대; one line per row
    assert table["비율"].sum() == pytest.approx(1.0)
    assert table.loc[table["연령대"] == "30대", "비율"].item() == pytest.approx(6 / 11)
    assert eda.age_sentence(table) == ("구매 건의 54.5%가 30대, 18.2%가 20대 고객에게서 발생해 두 연령대가 전체의 "
                                       "72.7%를 차지합니다. 연령 정보가 없는 구매는 9.1%입니다.")


def test_age_distribution_options_and_errors():
    frame = pd.DataFrame({"age": [90.0, 20.0, 20.0]})
    table = eda.age_distribution(frame, age_col="age", bands=(20, 30))
    assert table.to_dict("list") == {"연령대": ["20대", "30대", "90대", "미상"], "구매건수": [2, 0, 1, 0],
                                     "비율": pytest.approx([2 / 3, 0, 1 / 3, 0])}
    with pytest.raises(ValueError, match="numeric"):
        eda.age_distribution(pd.DataFrame({"CLNT_AGE": ["thirty"]}))


def test_device_split_one_count_per_session(purchases5):
    table = eda.device_split(purchases5)  # 11 lines, 5 sessions
    assert list(table.columns) == ["디바이스", "세션수", "비율"]
    assert table.to_dict("list") == {"디바이스": ["모바일", "데스크톱", "태블릿"], "세션수": [3, 1, 1],
                                     "비율": pytest.approx([0.6, 0.2, 0.2])}
    assert eda.device_sentence(table) == "접속 세션의 60.0%가 모바일에서 발생했고, 이어서 데스크톱(20.0%)·태블릿(20.0%) 순입니다."
    rows = eda.device_split(purchases5, session_cols=None)
    assert rows["세션수"].tolist() == [6, 3, 2]  # every line counted when session_cols=None


def test_device_split_unknown_and_missing_values():
    sessions = pd.DataFrame({"CLNT_ID": [1, 2, 3, 4], "SESS_ID": [1, 1, 1, 1],
                             "DVC_CTG_NM": ["mobile", "smarttv", None, " mobile "]})
    table = eda.device_split(sessions)
    assert table.to_dict("list") == {"디바이스": ["모바일", "smarttv", "미상"], "세션수": [2, 1, 1],
                                     "비율": pytest.approx([0.5, 0.25, 0.25])}
    assert eda.device_sentence(table).endswith("디바이스 미상은 25.0%입니다.")


def test_region_split_top_other_unknown(purchases5):
    table = eda.region_split(purchases5)
    assert list(table.columns) == ["지역", "세션수", "비율"]
    assert table.to_dict("list") == {"지역": ["서울", "부산", "미상"], "세션수": [3, 1, 1],
                                     "비율": pytest.approx([0.6, 0.2, 0.2])}
    sessions = pd.DataFrame({"zone": ["Seoul", "Seoul", "Busan", "Daegu", "Jeju-do", "Atlantis", None]})
    top = eda.region_split(sessions, top=2, region_col="zone", session_cols=None)
    # Seoul 2; the four singles tie -> by label: 'Atlantis' < '대구' < '부산' < '제주'.
    assert top["지역"].tolist() == ["서울", "Atlantis", "기타", "미상"]
    assert top["세션수"].tolist() == [2, 1, 3, 1]
    assert top["비율"].sum() == pytest.approx(1.0)
    assert eda.region_sentence(top) == "접속 세션은 서울(28.6%)에 가장 많고, 상위 2개 지역(서울·Atlantis)이 전체의 42.9%를 차지합니다."
    raw = eda.region_split(sessions, region_col="zone", session_cols=None, labels=None)
    assert "Seoul" in raw["지역"].tolist()
    with pytest.raises(ValueError, match="top"):
        eda.region_split(sessions, top=0, region_col="zone", session_cols=None)


def test_category_purchase_counts(purchases5):
    table = eda.category_purchase_counts(purchases5)
    assert table.to_dict("list") == {"상품군": ["가구", "패션잡화", "여성의류"], "구매건수": [4, 4, 3],
                                     "비율": pytest.approx([4 / 11, 4 / 11, 3 / 11])}
    assert eda.category_sentence(table, top=2) == "구매 건수는 가구가 36.4%로 가장 많고, 상위 2개 상품군이 전체 구매의 72.7%를 차지합니다."
    with_missing = pd.concat([purchases5, pd.DataFrame({"CLAC1_NM": [None]})], ignore_index=True)
    assert eda.category_purchase_counts(with_missing)["상품군"].tolist()[-1] == "미상"


def test_category_counts_figure_folds_other():
    cats = pd.DataFrame({"CLAC1_NM": [f"상품군{i:02d}" for i in range(37) for _ in range(i + 1)]})
    table = eda.category_purchase_counts(cats)
    fig = eda.category_counts_figure(table, top=10)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "상품군36" and labels[-1] == "기타" and len(labels) == 11
    assert plots.missing_glyph_warnings(fig) == []


# ---------------------------------------------------------------------------------------------
# Cleaning log
# ---------------------------------------------------------------------------------------------
def test_cleaning_log_table_and_sentence():
    log = pd.DataFrame({
        "rule": ["HITS_SEQ = 1", "thousands separators", "duplicates", "price ÷1000"],
        "table": ["Product", "Session", "Product", "Product"],
        "rows": [5012, 120, 0, 37],
        "action": ["dropped", "parsed", "dropped", "Repaired"],
    })
    table = eda.cleaning_log_table(log)
    assert list(table.columns) == ["규칙", "테이블", "영향 행 수", "조치"]
    assert table["조치"].tolist() == ["삭제", "변환", "삭제", "수정"]
    assert table["영향 행 수"].dtype == "int64"
    assert eda.cleaning_log_sentence(table) == "정제 규칙 3개가 적용되어 총 5,169행을 처리했습니다(삭제 5,012행, 변환 120행, 수정 37행)."
    assert eda.cleaning_log_sentence(table.iloc[2:3]) == "정제 과정에서 삭제되거나 수정된 행은 없습니다."
    with pytest.raises(ValueError, match="non-negative"):
        eda.cleaning_log_table(log.assign(rows=[1, -1, 0, 0]))
    with pytest.raises(ValueError, match="'action'.*action_col"):
        eda.cleaning_log_table(log.drop(columns="action"))
    renamed = log.rename(columns={"rule": "규칙명"})
    assert eda.cleaning_log_table(renamed, rule_col="규칙명").equals(table)


# ---------------------------------------------------------------------------------------------
# Contract checks shared by every analysis
# ---------------------------------------------------------------------------------------------
ANALYSES = [
    (eda.gender_split, {}, "CLNT_GENDER"),
    (eda.age_distribution, {}, "CLNT_AGE"),
    (eda.device_split, {}, "DVC_CTG_NM"),
    (eda.region_split, {"top": 1}, "ZON_NM"),
    (eda.category_purchase_counts, {}, "CLAC1_NM"),
    (eda.copurchase_edges, {"min_count": 1}, "CLAC1_NM"),
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


def test_every_figure_renders_korean_without_tofu(purchases5, search):
    figures = [
        eda.gender_figure(eda.gender_split(purchases5)),
        eda.age_figure(eda.age_distribution(purchases5)),
        eda.age_figure(eda.age_distribution(purchases5), include_unknown=False),
        eda.device_figure(eda.device_split(purchases5)),
        eda.region_figure(eda.region_split(purchases5)),
        eda.category_counts_figure(eda.category_purchase_counts(purchases5)),
        eda.wordcloud_figure(eda.keyword_frequencies(search)),
        eda.copurchase_network_figure(eda.copurchase_edges(purchases5, min_count=1)),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        assert plots.missing_glyph_warnings(fig) == []
        assert any("\uac00" <= ch <= "\ud7a3" for t in fig.findobj(mpl.text.Text) for ch in t.get_text())


def test_sentences_handle_empty_results():
    empty = pd.DataFrame({"CLNT_ID": pd.Series([], dtype="int64"), "CLNT_GENDER": pd.Series([], dtype="str")})
    assert eda.gender_sentence(eda.gender_split(empty)) == "성별 정보가 있는 고객이 없습니다."
    assert eda.age_sentence(eda.age_distribution(pd.DataFrame({"CLNT_AGE": [np.nan]}))) == "연령 정보가 있는 구매 건이 없습니다."
    assert eda.keyword_sentence(eda.keyword_frequencies(pd.DataFrame({"KWD_NM": [], "SEARCH_CNT": []}))) == "검색 키워드가 없습니다."


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [("여성", ("이", "가"), "여성이"), ("30대", ("이", "가"), "30대가"), ("화장품/뷰티케어", ("이", "가"), "화장품/뷰티케어가"),
     ("상품권", ("이", "가"), "상품권이"), ("여성", ("으로", "로"), "여성으로"), ("서울", ("으로", "로"), "서울로"),
     ("남성의류–패션잡화", ("으로", "로"), "남성의류–패션잡화로"), ("Nike", ("이", "가"), "Nike이(가)")],
)
def test_korean_particles(word, pair, expected):
    from helpers.common.korean import josa
    assert josa(word, *pair) == expected
