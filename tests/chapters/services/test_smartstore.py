"""Chapter 6 Real Smart Store: on/offline match, survey answers, coupons, entrance scan (hand cases)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chapters.services.fixtures import make_book, write_report_dir

from helpers.chapters.services import coupons, smartstore, words
from helpers.data.stores import StoreData


def test_match_summary_by_hand():
    offline = pd.DataFrame({"CLNT_ID": [1, 1, 2, 9, 9, 9]})
    survey = pd.DataFrame({"CLNT_ID": [2, 8]})
    store = StoreData(offline=offline, survey=survey, log=pd.DataFrame())
    m = smartstore.match_summary(store, [1, 2, 3])
    off, sv = m.iloc[0], m.iloc[1]
    assert (off["RECORDS"], off["MATCHED_RECORDS"], off["CUSTOMERS"], off["MATCHED_CUSTOMERS"]) == (6, 3, 3, 2)
    assert off["RECORD_MATCH_SHARE"] == pytest.approx(0.5) and off["CUSTOMER_MATCH_SHARE"] == pytest.approx(2 / 3)
    assert (sv["RECORDS"], sv["MATCHED_RECORDS"]) == (2, 1) and sv["RECORD_MATCH_SHARE"] == pytest.approx(0.5)
    view = words.match_table(m)
    assert view.iloc[0].tolist() == ["오프라인 구매", 6, 3, 0.5, 3, 2, pytest.approx(2 / 3)]
    text = words.describe_match(m)
    assert "오프라인 구매 6건 중 3건(50.0%)" in text and "연결되지 않은 4건" in text
    empty = StoreData(offline=offline.iloc[0:0], survey=survey.iloc[0:0], log=pd.DataFrame())
    assert np.isnan(smartstore.match_summary(empty, [1])["RECORD_MATCH_SHARE"]).all()


def test_survey_distribution_counts_all_options():
    survey = pd.DataFrame({"FAV_CATEGORY": ["의류", "의류", None], "REASON": ["편리해서", None, None],
                           "CHANNEL": ["온라인", "온라인", "오프라인"]})
    dist = smartstore.survey_distribution(survey)
    assert len(dist) == 12
    fav = dist[dist["QUESTION_KEY"] == "FAV_CATEGORY"]
    assert fav["ANSWERS"].tolist() == [2, 0, 0, 0] and fav["SHARE"].iloc[0] == 1.0
    assert "'의류'(100.0%)" in words.describe_survey(dist)


# ---------------------------------------------------------------------------------------------
# Coupons and the entrance scan
# ---------------------------------------------------------------------------------------------
def test_welcome_coupons_grade_times_preferences():
    table = make_book().table
    c = coupons.welcome_coupons(table)
    c101 = c[c["CLNT_ID"] == 101]
    assert c101["CATEGORY"].tolist() == ["여성의류", "패션잡화", "화장품/뷰티케어"]
    assert c101["DISCOUNT_PCT"].tolist() == [15, 13, 11]  # 스타 15%, 2%p less per rank
    assert c101["COUPON"].tolist() == ["여성의류 신상품 15% 할인 쿠폰", "패션잡화 13% 할인 쿠폰",
                                       "화장품/뷰티케어 11% 할인 + 샘플 증정 쿠폰"]
    assert c101["REASON"].iloc[1] == "선호지수 2순위 패션잡화(80.5) × 스타 등급 혜택 15% - 순위당 2%p, 적립 0.8%"
    c102 = c[c["CLNT_ID"] == 102]
    assert c102["DISCOUNT_PCT"].tolist() == [3, 1]  # 관리제외 3%, floor at 1%; only two preferences
    assert 103 not in set(c["CLNT_ID"])  # no preferences, no coupons
    custom = coupons.welcome_coupons(table, rules={"top_n": 1, "grade_benefits": {"스타": {"discount_pct": 20}}})
    assert custom.loc[custom["CLNT_ID"] == 101, "DISCOUNT_PCT"].tolist() == [20]
    assert custom.loc[custom["CLNT_ID"] == 101, "PERK"].iloc[0].startswith("감사 패키지")  # merged, not replaced
    with pytest.raises(ValueError, match="unknown key"):
        coupons.welcome_coupons(table, rules={"discount": 5})
    with pytest.raises(ValueError, match="top_n"):
        coupons.coupon_rules({"top_n": 5})


def test_scan_known_unknown_and_malformed():
    book = make_book()
    known = smartstore.scan("0101", book)
    assert known.status == "known" and known.client_id == 101
    assert known.coupons["COUPON"].iloc[0] == "여성의류 신상품 15% 할인 쿠폰"
    assert ("가치 등급", "스타 · 포인트 적립 0.8%") in known.summary
    assert ("오프라인 매장", "2건 · 20만원 · 주 매장 롯데백화점 본점") in known.summary
    text = known.text()
    assert "고객 101 환영합니다 [스타]" in text and "감사 패키지" in text and "순위당 2%p" in text
    no_grade = smartstore.scan(103, book)
    assert no_grade.status == "known" and no_grade.coupons.empty
    unknown = smartstore.scan("999", book)  # store-only id: not an online customer
    assert unknown.status == "unknown" and unknown.coupons["PREF_RANK"].tolist() == [0]
    assert unknown.coupons["COUPON"].iloc[0].startswith("L.POINT 가입 웰컴 쿠폰")
    assert "가입 권유" in unknown.message
    for bad in ("", "12A45", "-1", None):
        res = smartstore.scan(bad, book)
        assert res.status == "malformed" and res.coupons.empty and res.client_id is None
        assert "스캔 오류" in res.message
    table = words.scan_table(smartstore.example_scans(book, 101))
    assert table["SCAN_STATUS"].tolist() == ["등록 고객"] * 3 + ["미등록 ID", "형식 오류"]
    assert table["SCAN_INPUT"].tolist() == ["101"] * 3 + ["104", "12A45"]  # one above the largest id: unknown
    assert "가입 권유 쿠폰" in words.describe_scans(smartstore.example_scans(book))


def test_scan_from_a_report_folder(tmp_path):
    folder = write_report_dir(tmp_path / "rep", make_book())
    res = smartstore.scan("101", folder)
    assert res.status == "known" and res.coupons["DISCOUNT_PCT"].tolist() == [15, 13, 11]
