"""Chapter 6 Real Smart Store: store-file validation, on/offline match, coupons, entrance scan (hand cases)."""
from __future__ import annotations

import argparse
import csv
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from chapters.test_profiling import make_book, write_report_dir

from helpers.chapters.services import smartstore
from helpers.common.config import PROJECT_ROOT
from helpers.common.errors import DataError
from helpers.data import synthetic
from helpers.report import services_cli

CATEGORIES = ["여성의류", "남성의류", "패션잡화", "화장품/뷰티케어"]
OFFLINE_HEADER = ["CLNT_ID", "STORE_NM", "PURCHASE_DT", "CLAC1_NM", "AMOUNT", "CONSIDER_MIN", "NOTE"]
SURVEY_HEADER = ["CLNT_ID", "SIGNUP_DT", "FAV_CATEGORY", "REASON", "CHANNEL"]


def write_csv(path, header, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


OFFLINE_ROWS = [
    ["0101", "롯데백화점 본점", "2018-05-02", "여성의류", "39000", "12.5", "선물용, 포장 요청"],  # zero-padded id: ok
    ["102", "롯데마트 수원점", "20180503", "남성의류", "12,000", "", ""],      # YYYYMMDD, separator repaired
    ["abc", "롯데백화점 본점", "2018-05-04", "여성의류", "1000", "3", ""],       # bad id -> dropped
    ["103", "롯데백화점 본점", "2018-13-40", "여성의류", "1000", "3", ""],       # bad date -> dropped
    ["104", "롯데백화점 본점", "2018-03-31", "여성의류", "1000", "3", ""],       # before window -> excluded
    ["105", "롯데백화점 본점", "2018-05-05", "기타잡화", "1000", "3", ""],       # unknown category -> dropped
    ["106", "롯데백화점 본점", "2018-05-05", "패션잡화", "-5,000", "3", ""],     # negative -> dropped (not repaired)
    ["107", "롯데백화점 본점", "2018-05-05", "패션잡화", "만원", "3", ""],        # not a number -> dropped
    ["108", "", "2018-05-06", "화장품/뷰티케어", "25000.4", "-2", ""],           # empty store, decimals, bad minutes
    ["109", "롯데몰 김포공항점", "2018-05-07", "패션잡화", "8000", "오래", "재방문 예정"],  # minutes text -> empty
]


def test_load_offline_repairs_and_drops_are_counted(tmp_path):
    path = write_csv(tmp_path / "offline_purchases.csv", OFFLINE_HEADER, OFFLINE_ROWS, encoding="utf-8-sig")
    log: list = []
    df = smartstore.load_offline(path, categories=CATEGORIES, start_date="2018-04-01", end_date="2018-09-30", log=log)
    assert df["CLNT_ID"].tolist() == [101, 102, 108, 109]
    assert df["AMOUNT"].tolist() == [39_000, 12_000, 25_000, 8_000]
    assert df["PURCHASE_DT"].tolist() == [pd.Timestamp(d) for d in ("2018-05-02", "2018-05-03", "2018-05-06",
                                                                     "2018-05-07")]
    assert df["STORE_NM"].tolist() == ["롯데백화점 본점", "롯데마트 수원점", "매장 미상", "롯데몰 김포공항점"]
    assert df["CONSIDER_MIN"].tolist()[0] == 12.5 and df["CONSIDER_MIN"].isna().tolist() == [False, True, True, True]
    assert df["NOTE"].tolist()[0] == "선물용, 포장 요청" and df["NOTE"].isna().tolist() == [False, True, True, False]
    assert list(df.columns) == list(smartstore.OFFLINE_COLUMNS)
    assert df["CLNT_ID"].dtype == "int64" and df["AMOUNT"].dtype == "int64"
    counts = {(r["rule"].split(" (")[0], r["action"]): r["rows"] for r in log}
    assert counts[("offline_purchases.csv 읽음", "read")] == 10
    assert counts[("CLNT_ID가 정수가 아님", "dropped")] == 1
    assert counts[("PURCHASE_DT가 날짜(YYYY-MM-DD)가 아님", "dropped")] == 1
    assert counts[("분석 기간(2018-04-01..2018-09-30) 밖 구매", "excluded")] == 1
    assert counts[("CLAC1_NM이 온라인 상품군(CLAC1)에 없음", "dropped")] == 1
    assert counts[("AMOUNT가 숫자가 아님", "dropped")] == 1
    assert counts[("AMOUNT가 0 이하", "dropped")] == 1
    assert counts[("AMOUNT의 천 단위 구분기호(,) 제거", "repaired")] == 1
    assert counts[("AMOUNT의 원 단위 미만 반올림", "repaired")] == 1
    assert counts[("CONSIDER_MIN이 숫자가 아니거나 음수 → 빈 값", "repaired")] == 2
    assert counts[("STORE_NM이 빈 값 → '매장 미상'", "repaired")] == 1
    assert counts[("정제 후 오프라인 구매", "kept")] == 4
    assert any("기타잡화" in r["rule"] for r in log)  # the unknown category is named


def test_store_files_missing_optional_required_and_bad_columns(tmp_path):
    store = smartstore.load_store_data(tmp_path, categories=CATEGORIES)
    assert store.offline.empty and store.survey.empty and store.files == {"offline": None, "survey": None}
    assert store.log["action"].tolist() == ["skipped", "skipped"]
    assert "선택 파일" in store.log["rule"].iloc[0]
    with pytest.raises(DataError, match="offline_purchases.csv.*required"):
        smartstore.load_store_data(tmp_path, categories=CATEGORIES, required=["offline"])
    with pytest.raises(DataError, match="unknown store file"):
        smartstore.load_store_data(tmp_path, categories=CATEGORIES, required=["weather"])
    write_csv(tmp_path / "OFFLINE_PURCHASES.CSV", [c for c in OFFLINE_HEADER if c != "AMOUNT"],
              [["1", "a", "2018-05-01", "여성의류", "1", ""]])
    with pytest.raises(DataError, match="lacks column.*AMOUNT"):
        smartstore.load_store_data(tmp_path, categories=CATEGORIES)
    with pytest.raises(DataError, match="not a folder"):
        smartstore.load_store_data(tmp_path / "nope", categories=CATEGORIES)
    with pytest.raises(ValueError, match="categories"):
        smartstore.load_offline(None, categories="여성의류")


def test_load_survey_options_duplicates_and_cp949(tmp_path):
    rows = [
        ["201", "2018-05-01", "의류", "편리해서", "온라인"],
        ["202", "2018-05-02", "2", "④", "3"],                   # option numbers -> texts
        ["203", "bad", "가전", "편리해서", "온라인"],             # not an option -> empty; bad date -> empty
        ["201", "2018-06-01", "화장품", "저렴해서", "오프라인"],   # duplicate -> latest kept
        ["x9", "2018-05-01", "의류", "편리해서", "온라인"],       # bad id -> dropped
        ["204", "2018-05-01", "", "모름", ""],                   # no valid answer -> dropped
    ]
    path = write_csv(tmp_path / "signup_survey.csv", SURVEY_HEADER, rows, encoding="cp949")
    log: list = []
    df = smartstore.load_survey(path, log=log)
    assert df["CLNT_ID"].tolist() == [201, 202, 203]
    assert df.iloc[0][["FAV_CATEGORY", "REASON", "CHANNEL"]].tolist() == ["화장품", "저렴해서", "오프라인"]
    assert df.iloc[1][["FAV_CATEGORY", "REASON", "CHANNEL"]].tolist() == ["화장품", "종류가 다양해서",
                                                                          "오프라인 확인 후 온라인 구매"]
    assert pd.isna(df.iloc[2]["FAV_CATEGORY"]) and pd.isna(df.iloc[2]["SIGNUP_DT"])
    counts = {(r["rule"].split(" (")[0], r["action"]): r["rows"] for r in log}
    assert counts[("CLNT_ID가 정수가 아님", "dropped")] == 1
    assert counts[("FAV_CATEGORY 보기 번호 → 보기 문구", "repaired")] == 1
    assert counts[("REASON 보기 번호 → 보기 문구", "repaired")] == 1
    invalid = {r["rule"].split(" ")[0]: r["rows"] for r in log if "4개 보기" in r["rule"]}
    assert invalid == {"FAV_CATEGORY": 1, "REASON": 0, "CHANNEL": 0}  # 가전 (203); 모름 is in the dropped row 204
    assert counts[("유효한 응답이 하나도 없음", "dropped")] == 1
    assert counts[("같은 CLNT_ID의 중복 응답", "dropped")] == 1
    assert counts[("SIGNUP_DT가 날짜가 아님 → 빈 값", "repaired")] == 1


def test_survey_model_matches_the_report_and_the_synthetic_data():
    assert {k: v[1] for k, v in smartstore.SURVEY_QUESTIONS.items()} == {
        "FAV_CATEGORY": synthetic.SURVEY_CATEGORIES, "REASON": synthetic.SURVEY_REASONS,
        "CHANNEL": synthetic.SURVEY_CHANNELS}
    assert tuple(smartstore.OFFLINE_COLUMNS) == synthetic.COLUMNS["offline_purchases"]
    assert tuple(smartstore.SURVEY_COLUMNS) == synthetic.COLUMNS["signup_survey"]


def test_match_summary_by_hand():
    offline = pd.DataFrame({"CLNT_ID": [1, 1, 2, 9, 9, 9]})
    survey = pd.DataFrame({"CLNT_ID": [2, 8]})
    store = smartstore.StoreData(offline=offline, survey=survey, log=pd.DataFrame())
    m = smartstore.match_summary(store, [1, 2, 3])
    off, sv = m.iloc[0], m.iloc[1]
    assert (off["RECORDS"], off["MATCHED_RECORDS"], off["CUSTOMERS"], off["MATCHED_CUSTOMERS"]) == (6, 3, 3, 2)
    assert off["RECORD_MATCH_SHARE"] == pytest.approx(0.5) and off["CUSTOMER_MATCH_SHARE"] == pytest.approx(2 / 3)
    assert (sv["RECORDS"], sv["MATCHED_RECORDS"]) == (2, 1) and sv["RECORD_MATCH_SHARE"] == pytest.approx(0.5)
    view = smartstore.match_view(m)
    assert view.iloc[0].tolist() == ["오프라인 구매", 6, 3, "50.0%", 3, 2, "66.7%"]
    text = smartstore.describe_match(m)
    assert "오프라인 구매 6건 중 3건(50.0%)" in text and "연결되지 않은 4건" in text
    empty = smartstore.StoreData(offline=offline.iloc[0:0], survey=survey.iloc[0:0], log=pd.DataFrame())
    assert np.isnan(smartstore.match_summary(empty, [1])["RECORD_MATCH_SHARE"]).all()


def test_survey_distribution_counts_all_options():
    survey = pd.DataFrame({"FAV_CATEGORY": ["의류", "의류", None], "REASON": ["편리해서", None, None],
                           "CHANNEL": ["온라인", "온라인", "오프라인"]})
    dist = smartstore.survey_distribution(survey)
    assert len(dist) == 12
    fav = dist[dist["QUESTION_KEY"] == "FAV_CATEGORY"]
    assert fav["ANSWERS"].tolist() == [2, 0, 0, 0] and fav["SHARE"].iloc[0] == 1.0
    assert "'의류'(100.0%)" in smartstore.describe_survey(dist)


# ---------------------------------------------------------------------------------------------
# Coupons and the entrance scan
# ---------------------------------------------------------------------------------------------
def test_welcome_coupons_grade_times_preferences():
    table = make_book().table
    c = smartstore.welcome_coupons(table)
    c101 = c[c["CLNT_ID"] == 101]
    assert c101["CATEGORY"].tolist() == ["여성의류", "패션잡화", "화장품/뷰티케어"]
    assert c101["DISCOUNT_PCT"].tolist() == [15, 13, 11]  # 스타 15%, 2%p less per rank
    assert c101["COUPON"].tolist() == ["여성의류 신상품 15% 할인 쿠폰", "패션잡화 13% 할인 쿠폰",
                                       "화장품/뷰티케어 11% 할인 + 샘플 증정 쿠폰"]
    assert c101["REASON"].iloc[1] == "선호지수 2순위 패션잡화(80.5) × 스타 등급 혜택 15% - 순위당 2%p, 적립 0.8%"
    c102 = c[c["CLNT_ID"] == 102]
    assert c102["DISCOUNT_PCT"].tolist() == [3, 1]  # 관리제외 3%, floor at 1%; only two preferences
    assert 103 not in set(c["CLNT_ID"])  # no preferences, no coupons
    custom = smartstore.welcome_coupons(table, rules={"top_n": 1, "grade_benefits": {"스타": {"discount_pct": 20}}})
    assert custom.loc[custom["CLNT_ID"] == 101, "DISCOUNT_PCT"].tolist() == [20]
    assert custom.loc[custom["CLNT_ID"] == 101, "PERK"].iloc[0].startswith("감사 패키지")  # merged, not replaced
    with pytest.raises(ValueError, match="unknown key"):
        smartstore.welcome_coupons(table, rules={"discount": 5})
    with pytest.raises(ValueError, match="top_n"):
        smartstore.coupon_rules({"top_n": 5})


def test_scan_known_unknown_and_malformed():
    book = make_book()
    known = smartstore.scan("0101", book)
    assert known.status == "known" and known.client_id == 101
    assert known.coupons["COUPON"].iloc[0] == "여성의류 신상품 15% 할인 쿠폰"
    assert ("가치 등급", "스타 · 포인트 적립 0.8%") in known.summary
    assert ("오프라인 매장", "2건 · 200,000원 · 주 매장 롯데백화점 본점") in known.summary
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
    table = smartstore.scan_table(smartstore.example_scans(book, 101))
    assert table["결과"].tolist() == ["등록 고객"] * 3 + ["미등록 ID", "형식 오류"]
    assert "가입 권유 쿠폰" in smartstore.describe_scans(smartstore.example_scans(book))


def test_scan_from_report_folder_and_cli(tmp_path, capsys):
    folder = write_report_dir(tmp_path / "rep", make_book())
    res = smartstore.scan("101", folder)
    assert res.status == "known" and res.coupons["DISCOUNT_PCT"].tolist() == [15, 13, 11]
    args = argparse.Namespace(command="scan", client_id="0101", report_dir=str(folder))
    assert services_cli.main(args) == 0
    out = capsys.readouterr().out
    assert "여성의류 신상품 15% 할인 쿠폰" in out and "성별·연령" in out
    args.client_id = "5555"
    assert services_cli.main(args) == 0
    assert "L.POINT 가입 웰컴 쿠폰" in capsys.readouterr().out
    args.client_id = "55x"
    assert services_cli.main(args) == 2
    assert "형식" in capsys.readouterr().err
    run = subprocess.run([sys.executable, "-m", "helpers", "scan", "102", "--report-dir", str(folder)],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "남성의류 3% 할인 쿠폰 (수선 무료)" in run.stdout
