"""Tests of helpers.chapters.eda.words (chapter 1) on tiny hand-made frames with hand-computed expectations."""

import numpy as np
import pandas as pd
import pytest
from chapters.eda.fixtures import edges_of

from helpers.chapters.eda import compute as eda
from helpers.chapters.eda import words as wd


def test_copurchase_table_and_sentence(purchases5):
    edges = edges_of(purchases5, min_count=1)
    table = wd.copurchase_table(edges)
    assert list(table.columns) == ["상품군 A", "상품군 B", "동시구매 세션수", "지지도", "신뢰도(A→B)", "신뢰도(B→A)", "향상도"]
    assert table["향상도"].iloc[0] == pytest.approx(1.25)
    sentence = wd.describe_copurchase(edges)
    assert sentence.startswith("전체 5세션 중 60.0%가 두 개 이상의 상품군을 구매했고")
    assert "가구–여성의류로 2세션에서" in sentence
    assert "이 조합이 리프트도 가장 높습니다" in sentence
    # When the most frequent and the highest-lift pair differ, both are named.
    tweaked = edges.copy()
    tweaked.loc[tweaked["cat_a"] == "여성의류", "lift"] = 3.0
    sentence = wd.describe_copurchase(tweaked)
    assert "가장 강한 연결은 여성의류–패션잡화(리프트 3.0, 1세션)입니다." in sentence
    empty = wd.describe_copurchase(edges_of(purchases5, min_count=99))
    assert "조건을 만족하는 상품군 조합은 없습니다" in empty


def test_keyword_sentence(search):
    freq = eda.keyword_frequencies(search, top=3)
    assert wd.describe_keywords(freq) == ("가장 많이 검색된 키워드는 '가방'(5회)이고, 상위 3개 키워드가 "
                                          "전체 검색의 53.8%를 차지합니다.")


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
    assert wd.describe_gender(table) == "고객의 66.7%가 여성으로, 남성(16.7%)보다 4.0배 많습니다. 성별 미상은 16.7%입니다."


def test_gender_split_rejects_conflicts_and_supports_other_names():
    with pytest.raises(ValueError, match="more than one"):
        eda.gender_split(pd.DataFrame({"CLNT_ID": [1, 1], "CLNT_GENDER": ["F", "M"]}))
    frame = pd.DataFrame({"id": [1, 2, 3], "sex": ["M", "M", "X"]})
    table = eda.gender_split(frame, client_col="id", gender_col="sex")
    assert table["성별"].tolist() == ["남성", "X"]  # unknown codes stay visible
    assert wd.describe_gender(table) == "고객의 66.7%가 남성으로, X(33.3%)보다 2.0배 많습니다."


def test_age_distribution_counts_purchase_lines(purchases5):
    table = eda.age_distribution(purchases5)
    assert list(table.columns) == ["연령대", "구매건수", "비율"]
    assert table["연령대"].tolist() == ["10대", "20대", "30대", "40대", "50대", "60대", "70대", "80대", "미상"]
    assert table["구매건수"].tolist() == [0, 2, 6, 2, 0, 0, 0, 0, 1]  # 45 -> 40대; one line per row
    assert table["비율"].sum() == pytest.approx(1.0)
    assert table.loc[table["연령대"] == "30대", "비율"].item() == pytest.approx(6 / 11)
    assert wd.describe_age(table) == ("구매 건의 54.5%가 30대, 18.2%가 20대 고객에게서 발생해 두 연령대가 전체의 "
                                       "72.7%를 차지합니다. 연령 정보가 없는 구매는 9.1%입니다.")


def test_device_split_one_count_per_session(purchases5):
    table = eda.device_split(purchases5)  # 11 lines, 5 sessions
    assert list(table.columns) == ["디바이스", "세션수", "비율"]
    assert table.to_dict("list") == {"디바이스": ["모바일", "데스크톱", "태블릿"], "세션수": [3, 1, 1],
                                     "비율": pytest.approx([0.6, 0.2, 0.2])}
    assert wd.describe_device(table) == "접속 세션의 60.0%가 모바일에서 발생했고, 이어서 데스크톱(20.0%)·태블릿(20.0%) 순입니다."
    rows = eda.device_split(purchases5, session_cols=None)
    assert rows["세션수"].tolist() == [6, 3, 2]  # every line counted when session_cols=None


def test_device_split_unknown_and_missing_values():
    sessions = pd.DataFrame({"CLNT_ID": [1, 2, 3, 4], "SESS_ID": [1, 1, 1, 1],
                             "DVC_CTG_NM": ["mobile", "smarttv", None, " mobile "]})
    table = eda.device_split(sessions)
    assert table.to_dict("list") == {"디바이스": ["모바일", "smarttv", "미상"], "세션수": [2, 1, 1],
                                     "비율": pytest.approx([0.5, 0.25, 0.25])}
    assert wd.describe_device(table).endswith("디바이스 미상은 25.0%입니다.")


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
    assert wd.describe_region(top) == "접속 세션은 서울(28.6%)에 가장 많고, 상위 2개 지역(서울·Atlantis)이 전체의 42.9%를 차지합니다."
    raw = eda.region_split(sessions, region_col="zone", session_cols=None, labels=None)
    assert "Seoul" in raw["지역"].tolist()
    with pytest.raises(ValueError, match="top"):
        eda.region_split(sessions, top=0, region_col="zone", session_cols=None)


def test_category_purchase_counts(purchases5):
    table = eda.category_purchase_counts(purchases5)
    assert table.to_dict("list") == {"상품군": ["가구", "패션잡화", "여성의류"], "구매건수": [4, 4, 3],
                                     "비율": pytest.approx([4 / 11, 4 / 11, 3 / 11])}
    assert wd.describe_categories(table, top=2) == "구매 건수는 가구가 36.4%로 가장 많고, 상위 2개 상품군이 전체 구매의 72.7%를 차지합니다."
    with_missing = pd.concat([purchases5, pd.DataFrame({"CLAC1_NM": [None]})], ignore_index=True)
    assert eda.category_purchase_counts(with_missing)["상품군"].tolist()[-1] == "미상"


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
    assert wd.describe_cleaning_log(table) == "정제 규칙 3개가 적용되어 총 5,169행을 처리했습니다(삭제 5,012행, 변환 120행, 수정 37행)."
    assert wd.describe_cleaning_log(table.iloc[2:3]) == "정제 과정에서 삭제되거나 수정된 행은 없습니다."
    with pytest.raises(ValueError, match="non-negative"):
        eda.cleaning_log_table(log.assign(rows=[1, -1, 0, 0]))
    with pytest.raises(ValueError, match="'action'.*action_col"):
        eda.cleaning_log_table(log.drop(columns="action"))
    renamed = log.rename(columns={"rule": "규칙명"})
    assert eda.cleaning_log_table(renamed, rule_col="규칙명").equals(table)


def test_sentences_handle_empty_results():
    empty = pd.DataFrame({"CLNT_ID": pd.Series([], dtype="int64"), "CLNT_GENDER": pd.Series([], dtype="str")})
    assert wd.describe_gender(eda.gender_split(empty)) == "성별 정보가 있는 고객이 없습니다."
    assert wd.describe_age(eda.age_distribution(pd.DataFrame({"CLNT_AGE": [np.nan]}))) == "연령 정보가 있는 구매 건이 없습니다."
    assert wd.describe_keywords(eda.keyword_frequencies(pd.DataFrame({"KWD_NM": [], "SEARCH_CNT": []}))) == "검색 키워드가 없습니다."


def test_summary_has_three_computed_sentences(purchases5):
    gender = eda.gender_split(purchases5)  # clients 1, 3, 4 -> F, M, F; client 2 unknown
    device = eda.device_split(purchases5)  # 5 sessions: mobile 3, desktop 1, tablet 1
    counts = eda.category_purchase_counts(purchases5)
    edges = edges_of(purchases5, min_count=1)
    finding, meaning, action = wd.describe_summary(gender, device, counts, edges)
    assert finding == "구매 고객의 50.0%가 여성이고, 접속 세션의 60.0%가 모바일에서 발생합니다."
    assert meaning.startswith("구매는 상위 3개 상품군이 100.0%를 차지하고 가구가 가장 많아")
    # lift: 가구–여성의류 2*5/(4*2)=1.25, 가구–패션잡화 2*5/(4*3)=0.83, 여성의류–패션잡화 1*5/(2*3)=0.83
    assert "가구–여성의류(리프트 1.2)" in action or "가구–여성의류(리프트 1.3)" in action
    assert "모바일" in action
    empty_edges = edges_of(purchases5, min_count=99)
    assert "교차 추천 대상은 아직 없습니다" in wd.describe_summary(gender, device, counts, empty_edges)[2]


def test_sessionless_sentence_states_lines_revenue_and_shares():
    from helpers.chapters.eda import words as w
    row = pd.DataFrame([{"lines": 1500, "revenue": 2.5e8, "line_share": 0.15, "revenue_share": 0.1234}])
    text = w.describe_sessionless(row)
    assert "1,500건(15.0%" in text and "2.5억원" in text and "12.3%" in text
    none = pd.DataFrame([{"lines": 0, "revenue": 0.0, "line_share": 0.0, "revenue_share": 0.0}])
    assert "빠지는 구매가 없습니다" in w.describe_sessionless(none)


def test_accounting_table_is_korean_and_keeps_the_sums():
    from helpers.chapters.eda import words as w
    acc = pd.DataFrame([{"table": "product", "file": "01.Product.csv", "raw_rows": 10, "set_aside": 1,
                         "dropped": 2, "clean_rows": 7}])
    out = w.accounting_table(acc)
    assert out.iloc[0]["표"] != "product" and out.iloc[0]["원본 행"] == 10
    assert out.iloc[0]["따로 보관 (형식 깨짐)"] + out.iloc[0]["삭제 (규칙별 사유는 정제 기록)"] + out.iloc[0]["사용"] == 10
