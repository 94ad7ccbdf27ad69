"""Store files of chapter 6 (offline purchases, sign-up survey): validation, repairs and drops counted (hand cases)."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from helpers.common.errors import DataError
from helpers.data import stores, synthetic

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
    df = stores.load_offline(path, categories=CATEGORIES, start_date="2018-04-01", end_date="2018-09-30", log=log)
    assert df["CLNT_ID"].tolist() == [101, 102, 108, 109]
    assert df["AMOUNT"].tolist() == [39_000, 12_000, 25_000, 8_000]
    assert df["PURCHASE_DT"].tolist() == [pd.Timestamp(d) for d in ("2018-05-02", "2018-05-03", "2018-05-06",
                                                                     "2018-05-07")]
    assert df["STORE_NM"].tolist() == ["롯데백화점 본점", "롯데마트 수원점", "매장 미상", "롯데몰 김포공항점"]
    assert df["CONSIDER_MIN"].tolist()[0] == 12.5 and df["CONSIDER_MIN"].isna().tolist() == [False, True, True, True]
    assert df["NOTE"].tolist()[0] == "선물용, 포장 요청" and df["NOTE"].isna().tolist() == [False, True, True, False]
    assert list(df.columns) == list(stores.OFFLINE_COLUMNS)
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
    store = stores.load_store_data(tmp_path, categories=CATEGORIES)
    assert store.offline.empty and store.survey.empty and store.files == {"offline": None, "survey": None}
    assert store.log["action"].tolist() == ["skipped", "skipped"]
    assert "선택 파일" in store.log["rule"].iloc[0]
    with pytest.raises(DataError, match="offline_purchases.csv.*required"):
        stores.load_store_data(tmp_path, categories=CATEGORIES, required=["offline"])
    with pytest.raises(DataError, match="unknown store file"):
        stores.load_store_data(tmp_path, categories=CATEGORIES, required=["weather"])
    write_csv(tmp_path / "OFFLINE_PURCHASES.CSV", [c for c in OFFLINE_HEADER if c != "AMOUNT"],
              [["1", "a", "2018-05-01", "여성의류", "1", ""]])
    with pytest.raises(DataError, match="lacks column.*AMOUNT"):
        stores.load_store_data(tmp_path, categories=CATEGORIES)
    with pytest.raises(DataError, match="not a folder"):
        stores.load_store_data(tmp_path / "nope", categories=CATEGORIES)
    with pytest.raises(ValueError, match="categories"):
        stores.load_offline(None, categories="여성의류")


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
    df = stores.load_survey(path, log=log)
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
    assert {k: v[1] for k, v in stores.SURVEY_QUESTIONS.items()} == {
        "FAV_CATEGORY": synthetic.SURVEY_CATEGORIES, "REASON": synthetic.SURVEY_REASONS,
        "CHANNEL": synthetic.SURVEY_CHANNELS}
    assert tuple(stores.OFFLINE_COLUMNS) == synthetic.COLUMNS["offline_purchases"]
    assert tuple(stores.SURVEY_COLUMNS) == synthetic.COLUMNS["signup_survey"]
