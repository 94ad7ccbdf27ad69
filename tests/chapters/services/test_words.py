"""Chapter 6 tables and sentences: Korean words for every code value, the three-line summary."""
from __future__ import annotations

import pandas as pd
from chapters.services.fixtures import D, hand_inputs, make_book

from helpers.chapters.services import compute, words
from helpers.common.labels import COLUMN_LABELS
from helpers.data.stores import StoreData

CODES = ("mobile", "desktop", "Seoul", "Gyeonggi-do", "Busan", "True", "False", "nan", "offline_purchases",
         "signup_survey", "skipped", "dropped", "known", "unknown")


def _campaign():
    x = hand_inputs()
    targets = compute.select_targets(x["top3"], x["grades"], category="여성의류", size=10)
    dip = compute.DipChoice("여성의류", D("2018-09-23"), D("2018-09-25"), 0.4, "forecast", 1, "largest", "")
    return compute.campaign_targets(targets, make_book(), dip), dip


def test_campaign_table_shows_words_not_codes():
    campaign, dip = _campaign()
    view = words.campaign_table(campaign)
    assert list(view.columns) == list(words.CAMPAIGN_TABLE_COLUMNS)
    assert all(c in COLUMN_LABELS for c in view.columns)  # every header has a Korean label
    assert view.iloc[0][["GENDER", "AGE", "MAIN_DEVICE", "REGION"]].tolist() == ["여성", "30대", "모바일", "경기"]
    text = view.astype(str).to_string() + words.describe_campaign(campaign, dip)
    assert not [c for c in CODES if c in text]
    assert "주 사용 기기 1위는 모바일(100%)" in words.describe_campaign(campaign, dip)


def test_store_tables_translate_file_names_and_actions():
    log = pd.DataFrame({"table": ["offline_purchases", "signup_survey", "offline_purchases"],
                        "rule": ["a.csv 읽음", "b.csv 없음 (선택 파일이라 건너뜀)", "AMOUNT가 숫자가 아님"],
                        "rows": [10, 0, 0], "action": ["read", "skipped", "dropped"]})
    store = StoreData(offline=pd.DataFrame(), survey=pd.DataFrame(), log=log)
    table = words.log_table(store)
    assert table.values.tolist() == [["오프라인 구매", "a.csv 읽음", 10, "읽음"],
                                     ["가입 설문", "b.csv 없음 (선택 파일이라 건너뜀)", 0, "건너뜀"]]
    assert len(words.log_table(store, only_nonzero=False)) == 3
    assert all(c in COLUMN_LABELS for c in table.columns)


def test_summary_has_three_computed_sentences():
    campaign, dip = _campaign()
    match = pd.DataFrame({"SOURCE": ["오프라인 구매"], "RECORDS": [3], "MATCHED_RECORDS": [2]})
    method = compute.choose_target_method(None, has_scores=False)
    lines = words.summary_lines(dip, method, campaign, match)
    assert len(lines) == 3
    assert lines[0].startswith("2018-09-23 ~ 2018-09-25에 여성의류 수요가 평소보다 40% 줄 것으로 보여")
    assert "고객 1명(그중 스타 1명)" in lines[0]
    assert "선호지수로 골랐으며" in lines[1]
    assert "평균 15.0% 할인 쿠폰(예: 여성의류 신상품 15% 할인 쿠폰)" in lines[2] and "매장 기록 2건" in lines[2]


def test_summary_names_the_model_and_its_hit_rates():
    campaign, dip = _campaign()
    methods = pd.DataFrame({"method": ["report", "dirichlet"], "method_ko": ["선호지수 (보고서 방식)", "개인화 모델"],
                            "segment": "전체", "n_customers": 50, "top1_hit_rate": [0.386, 0.455],
                            "top3_hit_rate": [0.533, 0.6], "chosen": [False, True]})
    method = compute.choose_target_method(methods, has_scores=True)
    lines = words.summary_lines(dip, method, campaign, pd.DataFrame(columns=["SOURCE", "RECORDS", "MATCHED_RECORDS"]))
    assert "개인화 모델 기준으로" in lines[0]
    assert lines[1].startswith("5장 보류 기간 검증에서 개인화 모델의 적중률이 1순위 45.5%, 3순위 내 60.0% "
                               "(보고서 선호지수 38.6%, 53.3%)로 가장 높아")
    assert "매장 기록" not in lines[2]
    table = words.methods_table(method)
    assert table["CHOSEN"].tolist() == ["예", ""] and table["METHOD_KO"].iloc[0] == "개인화 모델"


def test_describe_saved_says_when_profiles_are_parquet_only():
    book = make_book()  # 3 customers, 5 recent lines
    campaign = pd.DataFrame({"CLNT_ID": [101, 102]})
    small = words.describe_saved(campaign, book)
    assert "CSV·Parquet으로 저장" in small and "고객 프로파일(`customer_profiles`, 3명)" in small
    big = words.describe_saved(campaign, book, csv_max_rows=4)  # the recent lines (5) exceed it
    assert "모두 Parquet" in big and "CSV·Parquet" not in big
