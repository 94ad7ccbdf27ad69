"""Chapter 6 customer profiling: dip choice, targets, profiles with reasons, CLI lookup (hand-computed cases)."""
from __future__ import annotations

import argparse
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from helpers.chapters.services import compute as profiling
from helpers.common.config import PROJECT_ROOT
from helpers.report import present as report
from helpers.report import services_cli

D = pd.Timestamp


# ---------------------------------------------------------------------------------------------
# Hand-made inputs (shared with test_smartstore / test_lookup_browser)
# ---------------------------------------------------------------------------------------------
def hand_inputs() -> dict[str, pd.DataFrame]:
    """Three customers: 101 (everything), 102 (partial), 103 (member only, nothing else)."""
    purchases = pd.DataFrame({
        "CLNT_ID": [101, 101, 101, 102],
        "SESS_ID": [1, 2, 2, 7],
        "HITS_SEQ": [2, 3, 5, 2],
        "SESS_DT": pd.to_datetime(["2018-09-01", "2018-09-10", "2018-09-10", "2018-08-05"]),
        "CLAC1_NM": pd.array(["여성의류", "패션잡화", "여성의류", "남성의류"], dtype="str"),
        "REVENUE": [40_000.0, 200_000.0, 1_000_000.0, 30_000.0],
        "DVC_CTG_NM": pd.array(["mobile", "mobile", "mobile", "desktop"], dtype="str"),
    })
    sessions = pd.DataFrame({
        "CLNT_ID": [101, 101, 101, 102],
        "SESS_ID": [1, 2, 3, 7],
        "SESS_DT": pd.to_datetime(["2018-09-01", "2018-09-10", "2018-09-20", "2018-08-05"]),
        "DVC_CTG_NM": pd.array(["mobile", "mobile", "desktop", "desktop"], dtype="str"),
        "ZON_NM": pd.array(["Seoul", "Gyeonggi-do", "Gyeonggi-do", "Busan"], dtype="str"),
        "CITY_NM": pd.array(["Seoul", "Suwon-si", "Suwon-si", "Busan"], dtype="str"),
    })
    members = pd.DataFrame({"CLNT_ID": [101, 102, 103],
                            "CLNT_GENDER": pd.array(["F", "M", "F"], dtype="str"),
                            "CLNT_AGE": pd.array([30, None, 40], dtype="Int64")})
    grades = pd.DataFrame({"CLNT_ID": [101, 102], "GRADE": pd.array(["스타", "관리제외"], dtype="str"),
                           "POINT_RATE": [0.008, 0.001], "R_SCORE": [3, 2], "F_SCORE": [3, 1], "M_SCORE": [3, 1],
                           "TOT_PRICE": [1_240_000.0, 30_000.0],
                           "LAST_DT": pd.to_datetime(["2018-09-10", "2018-08-05"])})
    # Chapter 2's product as helpers.chapters.segments.compute names it (lower case): normalised on the way in.
    segments = pd.DataFrame({"CLNT_ID": [101, 102], "top_category": pd.array(["여성의류", "상품권"], dtype="str"),
                             "pattern": pd.array(["1101", None], dtype="str"),
                             "segment": pd.array(["꼼꼼이", None], dtype="str"),
                             "label": pd.array(["덜 꼼꼼이", None], dtype="str")})
    top3 = pd.DataFrame({"CLNT_ID": [101, 102],
                         "rank1": pd.array(["여성의류", "남성의류"], dtype="str"), "rank1_index": [100.0, 100.0],
                         "rank2": pd.array(["패션잡화", "여성의류"], dtype="str"), "rank2_index": [80.5, 90.0],
                         "rank3": pd.array(["화장품/뷰티케어", None], dtype="str"), "rank3_index": [61.3, np.nan]})
    edges = pd.DataFrame({"cat_a": ["여성의류", "여성의류", "남성의류", "가구"],
                          "cat_b": ["패션잡화", "화장품/뷰티케어", "여성의류", "여성의류"],
                          "count": [50, 30, 10, 5], "lift": [2.5, 1.8, 0.9, 1.8]})
    offline = pd.DataFrame({"CLNT_ID": [101, 101, 999],
                            "STORE_NM": pd.array(["롯데마트 수원점", "롯데백화점 본점", "롯데몰 김포공항점"], dtype="str"),
                            "PURCHASE_DT": pd.to_datetime(["2018-06-01", "2018-09-10", "2018-07-01"]),
                            "CLAC1_NM": pd.array(["패션잡화", "여성의류", "완구"], dtype="str"),
                            "AMOUNT": [50_000, 150_000, 20_000], "CONSIDER_MIN": [10.0, 20.0, 5.0],
                            "NOTE": pd.array([None, "선물용, 포장 요청", None], dtype="str")})
    survey = pd.DataFrame({"CLNT_ID": [101, 998], "SIGNUP_DT": pd.to_datetime(["2018-04-02", "2018-05-01"]),
                           "FAV_CATEGORY": pd.array(["의류", "화장품"], dtype="str"),
                           "REASON": pd.array(["편리해서", "저렴해서"], dtype="str"),
                           "CHANNEL": pd.array(["온라인", "오프라인"], dtype="str")})
    return dict(purchases=purchases, sessions=sessions, members=members, grades=grades, segments=segments,
                top3=top3, edges=edges, offline=offline, survey=survey)


def make_book(**kwargs) -> profiling.ProfileBook:
    x = hand_inputs()
    options = dict(offline=x["offline"], survey=x["survey"], n_recent=3, n_recommend=2)
    options.update(kwargs)
    return profiling.build_profiles(x["purchases"], x["sessions"], x["members"], x["grades"], x["segments"],
                                    x["top3"], x["edges"], **options)


#: What customer 101's card must say, computed by hand from hand_inputs().
EXPECTED_101 = {
    "demographics": ("여성 · 30대", "회원 정보(Custom 테이블) 기준: 성별 F, 연령대 30"),
    "device": ("mobile", "주 사용 기기: mobile (세션 3회 중 2회)"),
    "region": ("Gyeonggi-do · Suwon-si",
               "주 접속 지역: Gyeonggi-do (세션 3회 중 2회), 그 안에서 가장 많은 시·군·구 Suwon-si"),
    "grade": ("스타 · 포인트 적립 0.8%", "스타: 최근성 3 + 최빈성 3, 총 구매액 1,240,000원 (구매금액 3점)"),
    "segment": ("덜 꼼꼼이", "구매액 1위 상품군 여성의류의 행동 패턴 1101(고려시간↑ 조회수↑ 검색↓ 구매단가↑) → 꼼꼼이"),
    "preference": ("① 여성의류 100.0 · ② 패션잡화 80.5 · ③ 화장품/뷰티케어 61.3",
                   "베이지안 선호지수(고객별 최댓값 100, 구매 이력 × 연령·성별): 1순위 여성의류 100.0점, "
                   "2순위 패션잡화 80.5점"),
    "history": ("온라인 3건 1,240,000원 · 오프라인 2건 200,000원",
                "온·오프라인 구매 5건 중 최근 3건을 아래 표에 표시 (마지막 온라인 구매 2018-09-10)"),
    "recommend": ("패션잡화 · 화장품/뷰티케어",
                  "선호 1순위 상품군(여성의류)과 같은 세션에서 함께 구매되는 상품군, 향상도(lift) 순: "
                  "패션잡화(lift 2.50) · 화장품/뷰티케어(lift 1.80)"),
    "offline": ("2건 · 200,000원 · 주 매장 롯데백화점 본점",
                "매장 직원이 입력한 구매 기록(고객 ID 일치) 2건, 마지막 구매 2018-09-10, 평균 고려시간 15.0분"),
    "survey": ("의류 · 편리해서 · 온라인",
               "가입 설문(2018-04-02) 응답: 즐겨 구매하는 제품군 의류, 이유 편리해서, 선호 구매 형태 온라인"),
}


def write_report_dir(folder, book: profiling.ProfileBook):
    """A rendered-report folder holding only chapter 6's profile products."""
    report.save_product(book.table, "customer_profiles", folder)
    report.save_product(book.recent, "customer_recent_purchases", folder)
    report.save_product(book.playbooks, "profile_playbooks", folder)
    return folder


# ---------------------------------------------------------------------------------------------
# Step 1: dip
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def dips():
    return pd.DataFrame({"category": ["여성의류", "남성의류", "여성의류", "가구"],
                         "start": pd.to_datetime(["2018-09-23", "2018-09-01", "2018-08-01", "2018-09-28"]),
                         "end": pd.to_datetime(["2018-09-25", "2018-09-02", "2018-08-03", "2018-09-29"]),
                         "drop_pct": [0.40, 0.40, 0.55, 0.10], "source": ["forecast", "in-window", "forecast",
                                                                        "forecast"]})


def test_choose_dip_largest_recent_and_category(dips):
    largest = profiling.choose_dip(dips)
    assert (largest.category, largest.start) == ("여성의류", D("2018-08-01"))
    assert largest.drop_pct == pytest.approx(0.55)
    assert "55.0% 감소" in largest.reason and "2018-08-01 ~ 2018-08-03" in largest.reason
    recent = profiling.choose_dip(dips, rule="recent")
    assert (recent.category, recent.start) == ("가구", D("2018-09-28"))
    # Same drop 0.40 for two dips of the category filter: the later one wins the tie.
    men = profiling.choose_dip(dips, category="남성의류")
    assert (men.category, men.start, men.end) == ("남성의류", D("2018-09-01"), D("2018-09-02"))
    tie = profiling.choose_dip(dips[dips["drop_pct"] == 0.40])
    assert tie.start == D("2018-09-23")  # ties on drop -> later start


def test_choose_dip_prefers_forecasts_and_reads_chapter4_run_columns():
    runs = pd.DataFrame({"category": ["여성의류", "남성의류", "가구"], "cutoff": pd.NaT,
                         "start": ["2018-09-23", "2018-05-01", "2018-06-01"],
                         "end": ["2018-09-25", "2018-05-03", "2018-06-01"], "n_days": [3, 3, 1],
                         "mean_drop_pct": [0.2, 0.5, 0.7], "max_drop_pct": [0.3, 0.6, 0.9],
                         "source": ["future", "actual", "backtest"]})
    dip = profiling.choose_dip(runs)  # the forecast wins although the past dips dropped more
    assert (dip.category, dip.start, dip.drop_pct) == ("여성의류", D("2018-09-23"), 0.3)
    assert "예측 기준" in dip.reason
    past = profiling.choose_dip(runs[runs["source"] != "future"])
    assert past.category == "남성의류" and "분석 기간 내 실적" in past.reason


def test_choose_dip_targetable_fallback_and_errors(dips):
    only_men = profiling.choose_dip(dips, targetable=["남성의류"])
    assert only_men.category == "남성의류" and "제외" in only_men.reason
    no_dip = profiling.choose_dip(dips, category="완구")
    assert no_dip.category == "완구" and not no_dip.has_dates and "급감 구간이 없어" in no_dip.reason
    empty = dips.iloc[0:0]
    fb = profiling.choose_dip(empty, fallback="여성의류")
    assert fb.category == "여성의류" and fb.period() == "기간 미정" and "여성의류를 대신" in fb.reason
    with pytest.raises(ValueError, match="dip_category"):
        profiling.choose_dip(empty)
    with pytest.raises(ValueError, match="rule"):
        profiling.choose_dip(dips, rule="biggest")
    with pytest.raises(ValueError, match="drop_pct"):
        profiling.choose_dip(dips.drop(columns="drop_pct"))


# ---------------------------------------------------------------------------------------------
# Step 2: targets (non-default customer column name)
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def pref_and_grades():
    top3 = pd.DataFrame({
        "customer": [1, 2, 3, 4, 5, 6, 7],
        "rank1": ["여성의류", "여성의류", "여성의류", "여성의류", "남성의류", "여성의류", "여성의류"],
        "rank1_index": [100.0, 100.0, 100.0, 95.0, 100.0, 100.0, 100.0],
        "rank2_index": [60.0, 90.0, 50.0, 10.0, 20.0, 70.0, 80.0],
    })
    grades = pd.DataFrame({"customer": [1, 2, 3, 4, 5, 7], "GRADE": ["관리제외", "스타", "스타", "스타", "스타", "나비"],
                           "POINT_RATE": [0.001, 0.008, 0.008, 0.008, 0.008, 0.005]})
    return top3, grades


def test_select_targets_ranks_by_index_then_grade_then_margin(pref_and_grades):
    top3, grades = pref_and_grades
    before = top3.copy()
    all_ = profiling.select_targets(top3, grades, category="여성의류", size=0, customer_col="customer")
    # index 100 first: 스타 (3: margin 50, 2: margin 10), 나비 7, 관리제외 1, no grade 6; then index 95.
    assert all_["customer"].tolist() == [3, 2, 7, 1, 6, 4]
    assert all_["TARGET_RANK"].tolist() == [1, 2, 3, 4, 5, 6]
    assert all_["GRADE"].isna().tolist() == [False, False, False, False, True, False]
    assert all_.attrs["n_candidates"] == 6
    top = profiling.select_targets(top3, grades, category="여성의류", size=3, customer_col="customer")
    assert top["customer"].tolist() == [3, 2, 7] and top.attrs["n_candidates"] == 6
    assert top["POINT_RATE"].tolist() == [0.008, 0.008, 0.005]
    custom = profiling.select_targets(top3, grades, category="여성의류", size=0, customer_col="customer",
                                      grade_order=["관리제외", "나비", "스타"])
    assert custom["customer"].tolist() == [1, 7, 3, 2, 6, 4]
    pd.testing.assert_frame_equal(top3, before)
    assert profiling.select_targets(top3, grades, category="가구", customer_col="customer").empty


def test_select_targets_rejects_bad_options(pref_and_grades):
    top3, grades = pref_and_grades
    with pytest.raises(ValueError, match="size"):
        profiling.select_targets(top3, grades, category="여성의류", size=-1, customer_col="customer")
    with pytest.raises(ValueError, match="customer"):
        profiling.select_targets(top3, grades, category="여성의류")  # default CLNT_ID is absent
    with pytest.raises(ValueError, match="category"):
        profiling.select_targets(top3, grades, category=" ", customer_col="customer")


# ---------------------------------------------------------------------------------------------
# Step 3: profiles
# ---------------------------------------------------------------------------------------------
def test_card_spec_is_consistent():
    profiling.check_card_spec()
    assert {k for k, *_ in profiling.CARD_FIELDS} == {"demographics", "device", "region", "grade", "segment",
                                                      "preference", "history", "recommend", "offline", "survey"}


def test_profile_card_every_field_with_reason():
    book = make_book()
    assert book.table["CLNT_ID"].tolist() == [101, 102, 103]  # 999/998 are store-only: not online customers
    card = book.card("0101")  # zero padding as in the raw files
    assert [f[0] for f in card.fields] == [f[0] for f in profiling.CARD_FIELDS]
    for key, (value, why) in EXPECTED_101.items():
        assert card.field(key) == (value, why), key
    assert card.badges == ["스타", "덜 꼼꼼이"]
    # Latest first; the store purchase of 09-10 after that day's online session; n_recent=3.
    assert card.recent == [("2018-09-10", "오프라인", "여성의류", "150,000", "롯데백화점 본점"),
                           ("2018-09-10", "온라인", "여성의류", "1,000,000", "mobile"),
                           ("2018-09-10", "온라인", "패션잡화", "200,000", "mobile")]
    kinds = [(k, n) for k, n, _ in card.playbooks]
    assert kinds == [("등급", "스타"), ("행동 유형", "꼼꼼이")]
    assert all(summary and summary != "공략법 없음" for _, _, summary in card.playbooks)
    text = profiling.card_text(card)
    assert "스타: 최근성 3 + 최빈성 3, 총 구매액 1,240,000원" in text and "주 사용 기기: mobile (세션 3회 중 2회)" in text
    html_ = profiling.card_html(card)
    assert 'data-field="grade"' in html_ and "1,240,000원" in html_


def test_profile_partial_and_missing_customers_get_reasons():
    book = make_book()
    c102 = book.card(102)
    assert c102.field("demographics")[0] == "남성 · 연령 미상"
    assert c102.field("region") == ("Busan", "주 접속 지역: Busan (세션 1회 중 1회)")  # CITY_NM repeats ZON_NM
    assert c102.field("segment") == ("유형 없음", "구매액 1위 상품군(상품권)이 행동 세분화 대상 주요 상품군이 아닙니다")
    assert c102.field("preference")[0] == "① 남성의류 100.0 · ② 여성의류 90.0"  # no rank 3
    assert c102.field("recommend") == (
        "추천 없음", "선호 1순위 상품군(남성의류)과 함께 구매되는(lift > 1) 상품군이 공동구매 네트워크에 없습니다")
    assert c102.field("offline")[0] == "기록 없음" and c102.field("survey")[0] == "응답 없음"
    c103 = book.card(103)
    assert c103.field("demographics")[0] == "여성 · 40대"
    for key in ("device", "region", "grade", "segment", "preference", "history", "recommend", "offline", "survey"):
        value, why = c103.field(key)
        assert value and why and profiling.NA_TEXT not in why, key
    assert c103.field("grade") == ("등급 없음", "분석 기간에 온라인 구매가 없어 가치 등급이 없습니다")
    assert c103.recent == [] and c103.playbooks == []
    assert book.card(104) is None
    with pytest.raises(ValueError, match="형식"):
        book.card("12a")


def test_vectorised_reasons_match_cards_and_inputs_untouched():
    x = hand_inputs()
    copies = {k: v.copy() for k, v in x.items()}
    book = profiling.build_profiles(x["purchases"], x["sessions"], x["members"], x["grades"], x["segments"],
                                    x["top3"], x["edges"], offline=x["offline"], survey=x["survey"], n_recent=3,
                                    n_recommend=2)
    for k, v in copies.items():
        pd.testing.assert_frame_equal(x[k], v, obj=k)
    reasons = book.reasons()
    assert reasons["CLNT_ID"].tolist() == [101, 102, 103]
    for cid, row in zip(reasons["CLNT_ID"], reasons.itertuples(index=False)):
        card = book.card(cid)
        for key, _label, value, why in card.fields:
            assert getattr(row, f"{key}_VALUE") == value and getattr(row, f"{key}_WHY") == why
    assert book.reasons([102])["grade_WHY"].tolist() == ["관리제외: 최근성 2 + 최빈성 1, 총 구매액 30,000원 (구매금액 1점)"]


def test_build_profiles_for_a_subset_and_unknown_ids():
    book = make_book(customers=["101", 555])
    assert book.table["CLNT_ID"].tolist() == [101, 555]
    assert book.card(101).field("grade") == EXPECTED_101["grade"]
    assert book.card(555).field("history")[0] == "구매 없음"
    with pytest.raises(ValueError, match="n_recent"):
        make_book(n_recent=0)
    x = hand_inputs()
    with pytest.raises(ValueError, match="sessions lacks"):
        profiling.build_profiles(x["purchases"], x["sessions"].drop(columns="ZON_NM"), x["members"], x["grades"],
                                 x["segments"], x["top3"], x["edges"])


def test_build_profiles_many_customers_vectorised():
    """10,000 customers × 3 lines: built column-wise (a per-customer loop would take minutes here)."""
    rng = np.random.default_rng(0)
    n = 10_000
    ids = np.repeat(np.arange(1, n + 1), 3)
    cats = np.array(["여성의류", "남성의류", "패션잡화"])[rng.integers(0, 3, len(ids))]
    days = pd.to_datetime("2018-04-01") + pd.to_timedelta(rng.integers(0, 180, len(ids)), unit="D")
    purchases = pd.DataFrame({"CLNT_ID": ids, "SESS_ID": np.arange(len(ids)), "HITS_SEQ": 2, "SESS_DT": days,
                              "CLAC1_NM": cats, "REVENUE": rng.integers(1, 100, len(ids)) * 1000.0,
                              "DVC_CTG_NM": "mobile"})
    sessions = purchases[["CLNT_ID", "SESS_ID", "SESS_DT", "DVC_CTG_NM"]].assign(ZON_NM="Seoul", CITY_NM="Seoul")
    members = pd.DataFrame({"CLNT_ID": np.arange(1, n + 1), "CLNT_GENDER": "F", "CLNT_AGE": 30})
    x = hand_inputs()
    import time
    t0 = time.perf_counter()
    book = profiling.build_profiles(purchases, sessions, members, x["grades"], x["segments"], x["top3"], x["edges"])
    reasons = book.reasons()
    assert time.perf_counter() - t0 < 30
    assert len(book) == n and len(reasons) == n
    assert (book.table["ONLINE_LINES"] == 3).all() and (book.table["RECENT_SHOWN"] == 3).all()
    assert reasons["device_WHY"].eq("주 사용 기기: mobile (세션 3회 중 3회)").all()


# ---------------------------------------------------------------------------------------------
# Campaign list, upstream products
# ---------------------------------------------------------------------------------------------
def test_campaign_targets_has_campaign_columns():
    x = hand_inputs()
    book = make_book()
    targets = profiling.select_targets(x["top3"], x["grades"], category="여성의류", size=10)
    dip = profiling.DipChoice("여성의류", D("2018-09-23"), D("2018-09-25"), 0.4, "forecast", 1, "largest", "")
    camp = profiling.campaign_targets(targets, book, dip)
    assert camp.columns.tolist() == [
        "TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY", "PREF_INDEX", "GRADE", "POINT_RATE", "SEGMENT_TYPE", "GENDER",
        "AGE", "MAIN_DEVICE", "REGION", "RECOMMENDED", "CAMPAIGN_START", "CAMPAIGN_END", "COUPON", "DISCOUNT_PCT",
        "WHY_TARGET", "WHY_GRADE", "WHY_SEGMENT", "WHY_DEVICE"]
    row = camp.iloc[0]
    assert row["CLNT_ID"] == 101 and row["COUPON"] == "여성의류 신상품 15% 할인 쿠폰" and row["DISCOUNT_PCT"] == 15
    assert row["WHY_TARGET"] == "여성의류 선호지수 1순위(100.0), 스타, 여성의류 수요 급감 2018-09-23 ~ 2018-09-25 대응"
    assert row["WHY_GRADE"] == EXPECTED_101["grade"][1]
    assert row["CAMPAIGN_START"] == D("2018-09-23")
    assert "여성의류 선호 고객 1명" in profiling.describe_campaign(camp, dip)
    view = profiling.campaign_view(camp)
    assert view.columns.tolist() == list(profiling.CAMPAIGN_VIEW_COLUMNS.values())
    assert view.iloc[0][["고객 ID", "적립률", "성별", "연령대"]].tolist() == ["101", "0.8%", "여성", "30대"]


def test_read_products_names_the_missing_chapter_and_normalises(tmp_path):
    x = hand_inputs()
    report.save_product(x["segments"], "customer_segments", tmp_path)
    report.save_product(x["top3"].rename(columns={"CLNT_ID": "customer"}), "preference_top3", tmp_path)
    got = profiling.read_products(tmp_path, ["customer_segments", "preference_top3"])
    assert {"TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"} <= set(got["customer_segments"].columns)
    assert "CLNT_ID" in got["preference_top3"].columns
    with pytest.raises(profiling.UpstreamMissing, match="4장 수요 예측") as err:
        profiling.read_products(tmp_path, ["demand_dips"])
    assert "demand_dips" in str(err.value)
    report.save_product(x["grades"].drop(columns="GRADE"), "customer_grades", tmp_path)
    with pytest.raises(ValueError, match="GRADE"):
        profiling.read_products(tmp_path, ["customer_grades"])


@pytest.mark.parametrize("text, expected", [("101", 101), (" 0101 ", 101), (7, 7)])
def test_parse_client_id_accepts(text, expected):
    assert profiling.parse_client_id(text) == expected


@pytest.mark.parametrize("text, message", [("", "비어"), ("12a", "형식"), ("-5", "형식"), ("1 2", "형식"),
                                           ("1" * 19, "형식"), (-3, "0 이상")])
def test_parse_client_id_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        profiling.parse_client_id(text)


# ---------------------------------------------------------------------------------------------
# CLI: python -m helpers profile
# ---------------------------------------------------------------------------------------------
def _args(command, client_id, report_dir):
    return argparse.Namespace(command=command, client_id=client_id, report_dir=str(report_dir))


def test_cli_profile_prints_card_from_report_products(tmp_path, capsys):
    folder = write_report_dir(tmp_path / "rep", make_book())
    assert services_cli.main(_args("profile", "0101", folder)) == 0
    out = capsys.readouterr().out
    assert out.startswith("고객 101 프로파일")
    for value, why in EXPECTED_101.values():
        assert value in out and why in out
    assert "2018-09-10  오프라인  여성의류  150,000원  롯데백화점 본점" in out
    assert services_cli.main(_args("profile", "104", folder)) == 1
    assert "찾을 수 없" in capsys.readouterr().err
    assert services_cli.main(_args("profile", "1o1", folder)) == 2
    assert "형식" in capsys.readouterr().err
    assert services_cli.main(_args("profile", "101", tmp_path / "nothing")) == 2
    assert "render the report first" in capsys.readouterr().err


def test_cli_profile_subprocess(tmp_path):
    folder = write_report_dir(tmp_path / "rep", make_book())
    run = subprocess.run([sys.executable, "-m", "helpers", "profile", "101", "--report-dir", str(folder)],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert EXPECTED_101["grade"][1] in run.stdout
    bad = subprocess.run([sys.executable, "-m", "helpers", "profile", "abc", "--report-dir", str(folder)],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert bad.returncode == 2 and "형식" in bad.stderr


def test_select_targets_with_categorical_grades_and_ungraded_customers(pref_and_grades):
    # chapter 3 writes GRADE as a categorical; customers scored in chapter 5 without purchases have no grade
    top3, grades = pref_and_grades
    grades = grades.assign(GRADE=pd.Categorical(grades["GRADE"], categories=["스타", "나비", "계륵", "관리제외"]))
    got = profiling.select_targets(top3, grades, category="여성의류", size=0, customer_col="customer")
    assert got["customer"].tolist() == [3, 2, 7, 1, 6, 4]
