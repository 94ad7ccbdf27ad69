"""Chapter 6 customer profiling: dip choice, targets, profiles with reasons, campaign list (hand-computed cases)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chapters.services.fixtures import EXPECTED_101, build_from_lines, engine_aggregates, hand_inputs, make_book

from helpers.chapters.services import cards, inputs, profiles
from helpers.chapters.services import compute as profiling
from helpers.report import present as report

D = pd.Timestamp


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
    cards.check_card_spec()
    assert {k for k, *_ in cards.CARD_FIELDS} == {"demographics", "device", "region", "grade", "segment",
                                                      "preference", "history", "recommend", "offline", "survey"}


def test_profile_card_every_field_with_reason():
    book = make_book()
    assert book.table["CLNT_ID"].tolist() == [101, 102, 103]  # 999/998 are store-only: not online customers
    card = book.card("0101")  # zero padding as in the raw files
    assert [f[0] for f in card.fields] == [f[0] for f in cards.CARD_FIELDS]
    for key, (value, why) in EXPECTED_101.items():
        assert card.field(key) == (value, why), key
    assert card.badges == ["스타", "덜 꼼꼼이"]
    # Latest first; the store purchase of 09-10 after that day's online session; n_recent=3.
    assert card.recent == [("2018-09-10", "오프라인", "여성의류", "15만원", "롯데백화점 본점"),
                           ("2018-09-10", "온라인", "여성의류", "100만원", "모바일"),
                           ("2018-09-10", "온라인", "패션잡화", "20만원", "모바일")]
    kinds = [(k, n) for k, n, _ in card.playbooks]
    assert kinds == [("등급", "스타"), ("행동 유형", "꼼꼼이")]
    assert all(summary and summary != "공략법 없음" for _, _, summary in card.playbooks)
    text = cards.card_text(card)
    assert "스타: 최근성 3 + 최빈성 3, 총 구매액 124만원" in text and "주 사용 기기: 모바일 (세션 3회 중 2회)" in text
    assert "2018-09-10  오프라인  여성의류  15만원  롯데백화점 본점" in text
    html_ = cards.card_html(card)
    assert 'data-field="grade"' in html_ and "124만원" in html_
    for code in ("mobile", "Gyeonggi-do", "Seoul", "1,240,000"):  # no code value or raw number on the card
        assert code not in text and code not in html_, code


def test_profile_partial_and_missing_customers_get_reasons():
    book = make_book()
    c102 = book.card(102)
    assert c102.field("demographics")[0] == "남성 · 연령 미상"
    assert c102.field("region") == ("부산", "주 접속 지역: 부산 (세션 1회 중 1회)")  # CITY_NM repeats ZON_NM
    assert c102.field("segment") == ("유형 없음", "구매액 1위 상품군(상품권)이 행동 세분화 대상 주요 상품군이 아닙니다")
    assert c102.field("preference")[0] == "① 남성의류 100.0 · ② 여성의류 90.0"  # no rank 3
    assert c102.field("recommend") == (
        "추천 없음", "선호 1순위 상품군(남성의류)과 함께 구매되는(lift > 1) 상품군이 공동구매 네트워크에 없습니다")
    assert c102.field("offline")[0] == "기록 없음" and c102.field("survey")[0] == "응답 없음"
    c103 = book.card(103)
    assert c103.field("demographics")[0] == "여성 · 40대"
    for key in ("device", "region", "grade", "segment", "preference", "history", "recommend", "offline", "survey"):
        value, why = c103.field(key)
        assert value and why and cards.NA_TEXT not in why, key
    assert c103.field("grade") == ("등급 없음", "분석 기간에 온라인 구매가 없어 가치 등급이 없습니다")
    assert c103.recent == [] and c103.playbooks == []
    assert book.card(104) is None
    with pytest.raises(ValueError, match="형식"):
        book.card("12a")


def test_vectorised_reasons_match_cards_and_inputs_untouched():
    x = hand_inputs()
    copies = {k: v.copy() for k, v in x.items()}
    book = build_from_lines(x["purchases"], x["sessions"], x["members"], x["grades"], x["segments"],
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
    assert book.reasons([102])["grade_WHY"].tolist() == ["관리제외: 최근성 2 + 최빈성 1, 총 구매액 3만원 (구매금액 1점)"]


def test_build_profiles_for_a_subset_and_unknown_ids():
    book = make_book(customers=["101", 555])
    assert book.table["CLNT_ID"].tolist() == [101, 555]
    assert book.card(101).field("grade") == EXPECTED_101["grade"]
    assert book.card(555).field("history")[0] == "구매 없음"
    with pytest.raises(ValueError, match="n_recent"):
        make_book(n_recent=0)
    x = hand_inputs()
    totals, recent = engine_aggregates(x["purchases"], x["sessions"])
    with pytest.raises(ValueError, match="totals lacks"):
        profiles.build_profiles(totals.drop(columns="REGION"), recent, x["members"], x["grades"],
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
    totals, recent = engine_aggregates(purchases, sessions)
    t0 = time.perf_counter()
    book = profiles.build_profiles(totals, recent, members, x["grades"], x["segments"], x["top3"], x["edges"])
    reasons = book.reasons()
    assert time.perf_counter() - t0 < 30
    assert len(book) == n and len(reasons) == n
    assert (book.table["ONLINE_LINES"] == 3).all() and (book.table["RECENT_SHOWN"] == 3).all()
    assert reasons["device_WHY"].eq("주 사용 기기: 모바일 (세션 3회 중 3회)").all()


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
        "TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY", "TARGET_METHOD", "TARGET_SCORE", "PREF_INDEX", "GRADE",
        "POINT_RATE", "SEGMENT_TYPE", "GENDER", "AGE", "MAIN_DEVICE", "REGION", "RECOMMENDED", "CAMPAIGN_START",
        "CAMPAIGN_END", "COUPON", "DISCOUNT_PCT", "WHY_TARGET", "WHY_GRADE", "WHY_SEGMENT", "WHY_DEVICE"]
    row = camp.iloc[0]
    assert row["CLNT_ID"] == 101 and row["COUPON"] == "여성의류 신상품 15% 할인 쿠폰" and row["DISCOUNT_PCT"] == 15
    assert row["WHY_TARGET"] == "여성의류 선호지수 1순위(100.0), 스타, 여성의류 수요 급감 2018-09-23 ~ 2018-09-25 대응"
    assert row["WHY_GRADE"] == EXPECTED_101["grade"][1]
    assert row["CAMPAIGN_START"] == D("2018-09-23")
    assert (row["TARGET_METHOD"], row["TARGET_SCORE"]) == ("index", 100.0)  # no model: the index ranks
    assert row["WHY_DEVICE"] == EXPECTED_101["device"][1]
    assert row["MAIN_DEVICE"] == "mobile" and row["REGION"] == "Gyeonggi-do"  # the product keeps the codes


def test_read_products_names_the_missing_chapter_and_normalises(tmp_path):
    x = hand_inputs()
    report.save_product(x["segments"].assign(STATUS="active"), "customer_segments", tmp_path)
    report.save_product(x["top3"].rename(columns={"CLNT_ID": "customer"}), "preference_top3", tmp_path)
    report.save_product(x["grades"].assign(POINTS=1.0), "customer_grades", tmp_path)
    got = inputs.read_products(tmp_path, ["customer_segments", "preference_top3", "customer_grades"])
    # per-customer products are read by column: what chapter 6 uses, not the rest
    assert list(got["customer_segments"].columns) == ["CLNT_ID", "TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"]
    assert "POINTS" not in got["customer_grades"] and "LAST_DT" in got["customer_grades"]
    assert "CLNT_ID" in got["preference_top3"].columns
    with pytest.raises(inputs.UpstreamMissing, match="4장 수요 예측") as err:
        inputs.read_products(tmp_path, ["demand_dips"])
    assert "demand_dips" in str(err.value)
    report.save_product(x["grades"].drop(columns="GRADE"), "customer_grades", tmp_path)
    with pytest.raises(ValueError, match="GRADE"):
        inputs.read_products(tmp_path, ["customer_grades"])


@pytest.mark.parametrize("text, expected", [("101", 101), (" 0101 ", 101), (7, 7)])
def test_parse_client_id_accepts(text, expected):
    assert inputs.parse_client_id(text) == expected


@pytest.mark.parametrize("text, message", [("", "비어"), ("12a", "형식"), ("-5", "형식"), ("1 2", "형식"),
                                           ("1" * 19, "형식"), (-3, "0 이상")])
def test_parse_client_id_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        inputs.parse_client_id(text)


def test_select_targets_with_categorical_grades_and_ungraded_customers(pref_and_grades):
    # chapter 3 writes GRADE as a categorical; customers scored in chapter 5 without purchases have no grade
    top3, grades = pref_and_grades
    grades = grades.assign(GRADE=pd.Categorical(grades["GRADE"], categories=["스타", "나비", "계륵", "관리제외"]))
    got = profiling.select_targets(top3, grades, category="여성의류", size=0, customer_col="customer")
    assert got["customer"].tolist() == [3, 2, 7, 1, 6, 4]


# ---------------------------------------------------------------------------------------------
# Step 2 by chapter 5's best preference method (hand-made product folders: with and without the model)
# ---------------------------------------------------------------------------------------------
METHODS = pd.DataFrame({
    "method": ["report", "report", "own_most_bought", "dirichlet", "dirichlet"],
    "method_ko": ["선호지수 (보고서 방식)", "선호지수 (보고서 방식)", "본인 최다 구매", "개인화 모델", "개인화 모델"],
    "segment": ["전체", "이력 있음", "전체", "전체", "이력 있음"],
    "n_customers": [100, 60, 100, 100, 60],
    "top1_hit_rate": [0.386, 0.45, 0.431, 0.46, 0.55],
    "top3_hit_rate": [0.533, 0.60, 0.560, 0.62, 0.70],
    "chosen": [False, False, False, True, True],
})
#: Scores of the chosen model: 1, 3, 4, 6 have 여성의류 on top (6 ties with 남성의류 and counts); 2 and 5 do not.
MODEL_WIDE = pd.DataFrame({"CLNT_ID": [1, 2, 3, 4, 5, 6],
                           "여성의류": [0.50, 0.40, 0.60, 0.50, 0.30, 0.35],
                           "남성의류": [0.30, 0.45, 0.20, 0.10, 0.30, 0.35],
                           "패션잡화": [0.20, 0.15, 0.20, 0.40, 0.40, 0.30]})
MODEL_GRADES = pd.DataFrame({"CLNT_ID": [1, 3, 4], "GRADE": pd.array(["관리제외", "계륵", "스타"], dtype="str"),
                             "POINT_RATE": [0.001, 0.003, 0.008]})
MODEL_TOP3 = pd.DataFrame({"CLNT_ID": [1, 2, 3, 4, 5, 6],
                           "rank1": ["여성의류", "남성의류", "패션잡화", "여성의류", "패션잡화", "여성의류"],
                           "rank1_index": 100.0, "rank2": "패션잡화", "rank2_index": 50.0, "rank3": "남성의류",
                           "rank3_index": 20.0})


def _product_folder(tmp_path, *, methods=True, wide=True):
    report.save_product(MODEL_TOP3, "preference_top3", tmp_path)
    report.save_product(MODEL_GRADES, "customer_grades", tmp_path)
    report.save_product(pd.DataFrame({"CLNT_ID": [1, 3, 4, 6], "여성의류": [100.0, 80.0, 90.0, 70.0]}),
                        "preference_index_wide", tmp_path)
    if methods:
        report.save_product(METHODS, "preference_methods", tmp_path)
    if wide:
        report.save_product(MODEL_WIDE, "preference_model_wide", tmp_path)
    return tmp_path


def test_targets_by_the_chosen_method_when_chapter5_compared_methods(tmp_path):
    folder = _product_folder(tmp_path)
    method = profiling.read_target_method(folder)
    assert (method.method, method.method_ko, method.uses_model) == ("dirichlet", "개인화 모델", True)
    assert (method.top1_hit_rate, method.top3_hit_rate) == (0.46, 0.62)  # the all-customer row, not a segment's
    assert (method.index_top1_hit_rate, method.index_top3_hit_rate) == (0.386, 0.533)
    assert method.table["METHOD"].tolist() == ["dirichlet", "own_most_bought", "report"]
    assert "개인화 모델의 1순위 적중률 46.0%, 3순위 내 적중률 62.0%" in method.reason
    assert "보고서 선호지수 38.6%" in method.reason
    used, candidates, targets = profiling.campaign_candidates(folder, method, MODEL_TOP3, MODEL_GRADES,
                                                              category="여성의류", size=3)
    assert used is method
    # 0.60 first; 0.50 tie: 스타 (4) before 관리제외 (1); then 6 (0.35, tied with 남성의류: still a candidate).
    assert candidates["CLNT_ID"].tolist() == [3, 4, 1, 6]
    assert targets["CLNT_ID"].tolist() == [3, 4, 1] and targets.attrs["n_candidates"] == 4
    assert targets["TARGET_RANK"].tolist() == [1, 2, 3]
    assert targets["PREF_INDEX"].tolist() == [80.0, 90.0, 100.0]  # the report's index travels along
    assert targets["SCORE_MARGIN"].round(2).tolist() == [0.4, 0.1, 0.2]


def test_campaign_list_from_the_model_says_method_and_score(tmp_path):
    folder = _product_folder(tmp_path)
    method = profiling.read_target_method(folder)
    _, _, targets = profiling.campaign_candidates(folder, method, MODEL_TOP3, MODEL_GRADES, category="여성의류",
                                                  size=2)
    book = profiles.build_profiles(*(pd.DataFrame(columns=list(c)) for c in (
        profiles.TOTAL_COLUMNS, profiles.RECENT_ONLINE_COLUMNS, ["CLNT_ID", "CLNT_GENDER", "CLNT_AGE"])), MODEL_GRADES.assign(R_SCORE=1, F_SCORE=1, M_SCORE=1, TOT_PRICE=1.0),
        pd.DataFrame(columns=["CLNT_ID", "TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"]), MODEL_TOP3,
        pd.DataFrame(columns=["cat_a", "cat_b", "count", "lift"]))
    dip = profiling.DipChoice("여성의류", D("2018-10-03"), D("2018-10-03"), 0.4, "future", 1, "largest", "")
    camp = profiling.campaign_targets(targets, book, dip, method=method)
    assert camp["CLNT_ID"].tolist() == [3, 4]
    assert camp["TARGET_METHOD"].tolist() == ["dirichlet", "dirichlet"]
    assert camp["TARGET_SCORE"].tolist() == [0.6, 0.5] and camp["PREF_INDEX"].tolist() == [80.0, 90.0]
    assert camp["WHY_TARGET"].iloc[0] == ("여성의류 개인화 모델 1순위(구매 예측 점수 0.6), 선호지수 80.0, 계륵, "
                                          "여성의류 수요 급감 2018-10-03 대응")  # a one-day dip: one date


def test_older_runs_without_method_products_fall_back_to_the_index(tmp_path):
    folder = _product_folder(tmp_path, methods=False, wide=False)
    method = profiling.read_target_method(folder)
    assert not method.uses_model and method.method == "index" and method.table.empty
    assert "preference_methods" in method.reason and "선호지수" in method.reason
    _, candidates, targets = profiling.campaign_candidates(folder, method, MODEL_TOP3, MODEL_GRADES,
                                                           category="여성의류", size=2)
    expected = profiling.select_targets(MODEL_TOP3, MODEL_GRADES, category="여성의류", size=0)
    pd.testing.assert_frame_equal(candidates, expected)
    assert targets["CLNT_ID"].tolist() == [4, 1]  # index 100 for 1, 4, 6: 스타, 관리제외, then no grade


@pytest.mark.parametrize("case, words", [
    ("no_scores", "preference_model_wide"),          # methods compared, but the scores were not written
    ("index_chosen", "보고서 방식의 선호지수입니다"),  # chapter 5 chose the index itself
])
def test_model_not_usable_means_index_with_the_reason(tmp_path, case, words):
    methods = METHODS.assign(chosen=METHODS["method"] == "report") if case == "index_chosen" else METHODS
    method = profiling.choose_target_method(methods, has_scores=case != "no_scores")
    assert not method.uses_model and method.method == "index" and words in method.reason
    assert method.index_top1_hit_rate == 0.386


def test_model_without_the_dip_category_uses_the_index_for_it(tmp_path):
    folder = _product_folder(tmp_path)
    method = profiling.read_target_method(folder)
    used, candidates, _ = profiling.campaign_candidates(folder, method, MODEL_TOP3, MODEL_GRADES, category="가구",
                                                        size=5)
    assert not used.uses_model and "가구 열이 없어" in used.reason and candidates.empty


def test_chosen_written_as_text_still_counts():
    text = METHODS.assign(chosen=METHODS["chosen"].map({True: "True", False: "False"}).astype("string"))
    assert profiling.choose_target_method(text, has_scores=True).method == "dirichlet"


def test_unmarked_methods_choose_the_best_top1_and_bad_columns_raise():
    method = profiling.choose_target_method(METHODS.assign(chosen=False), has_scores=True)
    assert method.method == "dirichlet" and "1순위 적중률이 가장 높은" in method.reason
    with pytest.raises(ValueError, match="chosen"):
        profiling.choose_target_method(METHODS.drop(columns="chosen"), has_scores=True)
