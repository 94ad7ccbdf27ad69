"""The Korean label of every code value and column an analyst can see, in one place.

Chapters, cards and the report's display layer take their words from here; data products keep the codes.
Add a chapter's labels in its own section below (keeps parallel edits apart).
"""
from __future__ import annotations

import pandas as pd

# ---------------------------------------------------------------------------------------------
# Code values of the input tables
# ---------------------------------------------------------------------------------------------
GENDER_LABELS: dict[str, str] = {"F": "여성", "M": "남성"}
DEVICE_LABELS: dict[str, str] = {"mobile": "모바일", "desktop": "데스크톱", "tablet": "태블릿"}
#: ZON_NM (romanised, as in 05.Session) -> Korean short name.
REGION_LABELS: dict[str, str] = {
    "Seoul": "서울", "Gyeonggi-do": "경기", "Busan": "부산", "Gyeongsangnam-do": "경남", "Daegu": "대구",
    "Incheon": "인천", "Gyeongsangbuk-do": "경북", "Jeollabuk-do": "전북", "Chungcheongnam-do": "충남",
    "Gwangju": "광주", "Daejeon": "대전", "Jeollanam-do": "전남", "Ulsan": "울산", "Chungcheongbuk-do": "충북",
    "Gangwon-do": "강원", "Jeju-do": "제주", "Sejong-si": "세종",
}
#: CLNT_AGE bands of 04.Custom (10, 20, …, 80).
AGE_BANDS: tuple[int, ...] = (10, 20, 30, 40, 50, 60, 70, 80)


def age_label(band) -> str:
    """``30`` -> ``"30대"``; missing -> ``"미상"``."""
    return "미상" if band is None or pd.isna(band) else f"{int(band)}대"


#: Behaviour bits of chapter 2 in ``segments.yaml`` bit_order (time, views, searches, price).
BIT_LABELS: tuple[str, ...] = ("고려시간", "조회수", "검색", "구매단가")

#: Code values an analyst may meet in any table cell, translated wherever they appear (devices, regions,
#: yes/no flags). A chapter's own code values go into ``<CHAPTER>_VALUES`` in its section below.
CODE_VALUE_LABELS: dict[str, str] = {**DEVICE_LABELS, **REGION_LABELS, "True": "예", "False": "아니오"}
#: Code values that only mean something in one column (``F`` is 여성 only in a gender column).
COLUMN_VALUE_LABELS: dict[str, dict[str, str]] = {
    "CLNT_GENDER": GENDER_LABELS, "gender": GENDER_LABELS, "GENDER": GENDER_LABELS,
}


# ---------------------------------------------------------------------------------------------
# Chapter 1 (eda)
# ---------------------------------------------------------------------------------------------
#: Display kind (helpers.common.formats.KIND_FORMATTERS) of this chapter's table columns.
#: Korean headers of this chapter's own table columns (merged into COLUMN_LABELS).
#: Chapter 1's frames already carry Korean column names (they are also its data products), so no header
#: needs translating; the kinds below make shares show as %, counts without decimals, lift with 2 decimals.
EDA_HEADERS: dict[str, str] = {}
EDA_KINDS: dict[str, str] = {
    "비율": "pct", "고객수": "count", "구매건수": "count", "세션수": "count", "검색수": "count", "순위": "count",
    "영향 행 수": "count", "규칙": "text", "테이블": "text", "조치": "text", "키워드": "text",
    "상품군 A": "text", "상품군 B": "text", "동시구매 세션수": "count", "지지도": "pct",
    "신뢰도(A→B)": "pct", "신뢰도(B→A)": "pct", "향상도": "dec2",
}


# ---------------------------------------------------------------------------------------------
# Chapter 2 (segments)
# ---------------------------------------------------------------------------------------------
#: Display kind (helpers.common.formats.KIND_FORMATTERS) of this chapter's table columns.
#: Korean headers of this chapter's own table columns (merged into COLUMN_LABELS).
#: Most chapter-2 headers sit in COLUMN_LABELS below ("chapter 2"); these are the rest of its tables' columns.
SEGMENTS_HEADERS: dict[str, str] = {
    "variable": "변수", "bit": "비트", "group_mean": "고객군 평균",
    "diff": "평균 대비 차이", "rel_diff": "평균 대비 차이(비율)", "stayed": "유지 여부",
    "top_category": "최다 구매 상품군", "top_share": "최다 구매 상품군 비중", "total_revenue": "총 구매액",
}
SEGMENTS_KINDS: dict[str, str] = {
    "rank": "count", "n_groups_scored": "count", "n_groups_pattern": "count", "n_groups_pattern_2": "count",
    "n_categories": "count", "n_months": "count", "n_segments": "count", "n_changes": "count",
    "months_as_overall": "count", "time": "count", "views": "count", "searches": "count", "price": "count",
    "revenue_share": "pct", "top_share": "pct", "rel_diff": "pct", "total_revenue": "krw",
    "pattern": "text", "pattern_2": "text", "group": "text", "tied_bits": "text",
}


# ---------------------------------------------------------------------------------------------
# Chapter 3 (grades)
# ---------------------------------------------------------------------------------------------
#: Display kind (helpers.common.formats.KIND_FORMATTERS) of this chapter's table columns.
#: Korean headers of this chapter's own table columns (merged into COLUMN_LABELS).
GRADES_HEADERS: dict[str, str] = {
    "PRED_PURCHASES": "예상 구매일 수", "PRED_SPEND": "예상 구매액", "P_ALIVE": "활동 확률",
    "FUTURE_SPEND": "실제 이후 구매액(평균)", "FUTURE_BUYER_SHARE": "실제 재구매 비율",
    "PRED_SPEND_TOTAL": "예상 구매액 합계", "PRED_SPEND_SHARE": "예상 구매액 비중",
    "METHOD": "방법", "SPEARMAN": "순위상관(스피어만)", "TOP_DECILE_CAPTURE": "상위 10% 고객의 이후 구매액 비중",
    "BUYER_AUC": "재구매 판별력(AUC)", "SPEARMAN_BUYERS": "재구매 고객 안 순위상관",
    "PARAMETER": "파라미터", "ESTIMATE": "추정치", "MEANING": "의미",
}
GRADES_KINDS: dict[str, str] = {
    "TOT_PRICE": "krw", "REVENUE_PER_CUSTOMER": "krw", "POINT_COST": "krw", "POINT_RATE": "pct",
    "CUSTOMER_SHARE": "pct", "REVENUE_SHARE": "pct", "BUYERS": "count", "BUYER_SHARE": "pct",
    "MEAN_SPEND": "krw", "MEDIAN_SPEND": "krw", "TOTAL_SPEND": "krw", "SPEND_SHARE": "pct",
    "PRED_PURCHASES": "dec2", "PRED_SPEND": "krw", "P_ALIVE": "pct", "FUTURE_SPEND": "krw",
    "FUTURE_BUYER_SHARE": "pct", "PRED_SPEND_TOTAL": "krw", "PRED_SPEND_SHARE": "pct", "METHOD": "text",
    "SPEARMAN": "dec2", "TOP_DECILE_CAPTURE": "pct", "BUYER_AUC": "dec2", "SPEARMAN_BUYERS": "dec2",
    "PARAMETER": "text", "ESTIMATE": "text", "MEANING": "text",
    "MOVE_LABEL": "text", "GRADE": "text",
}
#: Korean names of the methods in ``value_forecast_check`` (column ``method``).
GRADES_VALUE_METHOD_LABELS: dict[str, str] = {
    "forecast": "구매 예측 모형", "grades": "가치 등급(순서)", "past_spend": "과거 구매액",
}


# ---------------------------------------------------------------------------------------------
# Chapter 4 (demand)
# ---------------------------------------------------------------------------------------------
#: Display kind (helpers.common.formats.KIND_FORMATTERS) of this chapter's table columns.
#: Korean headers of this chapter's own table columns (merged into COLUMN_LABELS).
#: Model ids of chapter 4 (forecast frame columns, ``model`` values) -> Korean name.
DEMAND_MODEL_LABELS: dict[str, str] = {
    "SeasonalNaive": "계절 나이브(지난주 같은 요일)", "Decomp": "수준×요일×달력 분해(전체 상품군)",
    "ETSX": "지수평활+달력", "SARIMAX": "SARIMAX+날씨",
    "GBM": "LightGBM 전체 상품군 모델", "Ensemble": "지수평활·LightGBM 평균", "LSTM": "LSTM(예측 시점 날씨)",
    "LSTM_oracle": "LSTM(실제 날씨, 참고용)", "LSTM_1step": "LSTM 1일(실제 날씨)",
    "LSTM_1step_known": "LSTM 1일(예측 시점 날씨)", "SeasonalNaive_1step": "계절 나이브 1일", "Chosen": "선택 모델",
}
#: Where a chapter-4 dip comes from (``source`` of ``demand_dips``).
DEMAND_SOURCE_LABELS: dict[str, str] = {"future": "마지막 날 이후 예측", "backtest": "백테스트 예측", "actual": "실제 매출"}
#: The report's RMSE spans.
DEMAND_SPAN_LABELS: dict[str, str] = {"1d": "1일", "1w": "1주", "1m": "1개월"}


def demand_bucket_label(bucket: str) -> str:
    """Horizon bucket code ``1d`` / ``1-7d`` / ``1-30d`` -> ``1일`` / ``1~7일`` / ``1~30일``."""
    return bucket.replace("-", "~").replace("d", "일")


DEMAND_HEADERS: dict[str, str] = {
    **{m: label for m, label in DEMAND_MODEL_LABELS.items()},
    "chosen_model": "선택 모델", "runner_up": "차순위 모델", "runner_up_mase": "차순위 MASE",
    "mase_1d": "MASE 1일", "mase_1_7d": "MASE 1~7일", "mase_1_30d": "MASE 1~30일",
    "naive_mase_1_7d": "계절 나이브 MASE 1~7일", "naive_mase_1_30d": "계절 나이브 MASE 1~30일",
    "ratio_1d": "계절 나이브 대비 1일", "ratio_1_7d": "계절 나이브 대비 1~7일", "ratio_1_30d": "계절 나이브 대비 1~30일",
    "n_chosen": "선택된 상품군 수", "horizon_days": "예측 일수", "n_days": "일수", "mean_drop_pct": "평균 하락률",
    "max_drop_pct": "최대 하락률", "drop_pct": "하락률", "forecast": "예측 매출", "usual": "평소 매출",
    "lo": "80% 구간 하한", "hi": "80% 구간 상한", "alerts": "경보 일수", "dips": "실제 하락 일수", "hits": "맞힌 경보",
    "precision": "정밀도(경보 적중률)", "recall": "재현율(하락 포착률)", "coverage_80": "80% 구간 포함률",
    "coverage_95": "95% 구간 포함률", "seasonal_index": "계절지수", "specific_mean": "특정계절지수 평균",
    "inputs_ko": "입력 조합", "chosen_epoch": "선택 에폭", "stopped_epoch": "학습 중단 에폭", "n_train": "학습 표본 수",
    "n_val": "검증 표본 수", "source_ko": "출처", "span_ko": "예측 길이", "holiday_name": "공휴일",
}
DEMAND_KINDS: dict[str, str] = {
    **{c: "dec2" for c in ("mase", "mase_1d", "mase_1_7d", "mase_1_30d", "naive_mase_1_7d", "naive_mase_1_30d",
                           "runner_up_mase", "ratio_1d", "ratio_1_7d", "ratio_1_30d")},
    **{c: "pct" for c in ("mean_drop_pct", "max_drop_pct", "drop_pct", "precision", "recall", "coverage_80",
                          "coverage_95")},
    **{c: "krw" for c in ("forecast", "usual", "lo", "hi", "rmse")},
    **{c: "count" for c in ("n_chosen", "horizon_days", "n_days", "alerts", "dips", "hits", "chosen_epoch",
                            "stopped_epoch", "n_train", "n_val")},
    "seasonal_index": "dec3", "specific_mean": "dec3", "val_loss": "dec3",
}


# ---------------------------------------------------------------------------------------------
# Chapter 5 (preference)
# ---------------------------------------------------------------------------------------------
#: Display kind (helpers.common.formats.KIND_FORMATTERS) of this chapter's table columns.
#: Korean headers of this chapter's own table columns (merged into COLUMN_LABELS).
PREFERENCE_HEADERS: dict[str, str] = {
    "method_ko": "방법", "segment_ko": "고객 유형", "chosen": "선택", "n_holdout_categories": "평가 기간 구매 상품군 수",
    "rank1_score": "1순위 점수", "rank2_score": "2순위 점수", "rank3_score": "3순위 점수",
    "unit_ko": "집계 단위", "half_life_days": "최근성 반감기(일)", "concentration_alpha": "고객 집중도 α",
    "concentration_beta": "고객층 집중도 β", "hyper_parameter": "항목", "hyper_value": "값",
    "top1_gain": "1순위 적중률 차이(%p)", "top3_gain": "3순위 내 적중률 차이(%p)", "chosen_ko": "선택",
    "CLNT_AGE": "연령대", "CLNT_GENDER": "성별",
}
PREFERENCE_KINDS: dict[str, str] = {
    "top1_hit_rate": "pct", "top3_hit_rate": "pct", "top1_share": "pct", "n_top1": "count", "top1_hits": "count",
    "top3_hits": "count", "rank1_score": "dec3", "rank2_score": "dec3", "rank3_score": "dec3",
    "rank1_index": "dec2", "rank2_index": "dec2", "rank3_index": "dec2", "pref_index": "dec2",
    "half_life_days": "text", "concentration_alpha": "dec2", "concentration_beta": "dec1", "top1_gain": "dec1",
    "top3_gain": "dec1", "method_ko": "text", "segment_ko": "text", "unit_ko": "text", "chosen_ko": "text",
}
#: Korean name of each preference method code (data products keep the codes).
PREFERENCE_METHOD_LABELS: dict[str, str] = {
    "report": "선호지수 (보고서 방식)",
    "smoothed_likelihood": "선호지수 (가능도 평활)",
    "revenue_prior": "선호지수 (매출 가중 사전확률)",
    "dirichlet_multinomial": "베이지안 축소 모델 (본인·고객층·전체)",
    "popularity": "기준선: 전체 인기 상품군",
    "own_most_bought": "기준선: 본인 최다 구매 상품군",
}
#: Customer segments of the hit-rate tables.
PREFERENCE_SEGMENT_LABELS: dict[str, str] = {
    "all": "전체", "history": "구매이력 있음", "no_history": "구매이력 없음", "demographics": "인구통계 있음",
    "no_demographics": "인구통계 없음·일부",
}
#: Counting units of the preference model.
PREFERENCE_UNIT_LABELS: dict[str, str] = {"line": "구매 행", "occasion": "구매 세션"}


# ---------------------------------------------------------------------------------------------
# Chapter 6 (services)
# ---------------------------------------------------------------------------------------------
#: Display kind (helpers.common.formats.KIND_FORMATTERS) of this chapter's table columns.
#: Korean headers of this chapter's own table columns (merged into COLUMN_LABELS).
SERVICES_HEADERS: dict[str, str] = {
    # campaign list (words.campaign_table)
    "TARGET_RANK": "순위", "SEGMENT_TYPE": "행동 유형", "GENDER": "성별", "AGE": "연령대", "MAIN_DEVICE": "주 사용 기기",
    "REGION": "주 지역", "RECOMMENDED": "추천 상품군", "COUPON": "쿠폰", "WHY_TARGET": "선정 사유",
    "TARGET_SCORE": "구매 예측 점수", "PREF_INDEX": "선호지수",
    # store records (words.log_table, words.match_table)
    "STORE_FILE": "파일", "STORE_RULE": "규칙", "STORE_ROWS": "행 수", "STORE_ACTION": "처리",
    "SOURCE": "매장 기록", "RECORDS": "기록 수", "MATCHED_RECORDS": "온라인 고객과 일치한 기록",
    "RECORD_MATCH_SHARE": "기록 일치율", "MATCHED_CUSTOMERS": "일치 고객 수", "CUSTOMER_MATCH_SHARE": "고객 일치율",
    # entrance scan (words.scan_table)
    "SCAN_INPUT": "스캔 입력", "SCAN_STATUS": "결과", "SCAN_MESSAGE": "안내", "DISCOUNT_PCT": "할인율(%)",
    "COUPON_REASON": "사유",
    # preference methods used for targeting (words.methods_table)
    "METHOD_KO": "예측 방법", "N_CUSTOMERS": "검증 고객 수", "TOP1_HIT_RATE": "1순위 적중률",
    "TOP3_HIT_RATE": "3순위 내 적중률", "CHOSEN": "타겟팅에 사용",
}
SERVICES_KINDS: dict[str, str] = {
    "TARGET_RANK": "count", "POINT_RATE": "pct", "TARGET_SCORE": "dec3", "PREF_INDEX": "dec1",
    "STORE_ROWS": "count", "RECORDS": "count", "MATCHED_RECORDS": "count", "RECORD_MATCH_SHARE": "pct",
    "MATCHED_CUSTOMERS": "count", "CUSTOMER_MATCH_SHARE": "pct", "DISCOUNT_PCT": "count",
    "N_CUSTOMERS": "count", "TOP1_HIT_RATE": "pct", "TOP3_HIT_RATE": "pct",
}


# ---------------------------------------------------------------------------------------------
# Column headers of analyst tables
# ---------------------------------------------------------------------------------------------
# Columns not listed are shown as they are; the end-to-end test fails on any English header.
COLUMN_LABELS: dict[str, str] = {
    # ids and common
    "CLNT_ID": "고객 ID", "customer": "고객 ID", "category": "상품군", "CLAC1_NM": "상품군", "date": "날짜",
    "revenue": "매출액", "REVENUE": "매출액", "share": "비율", "SHARE": "비율", "status": "상태", "rank": "순위",
    "n_lines": "구매 행 수", "n_customers": "고객 수", "CUSTOMERS": "고객 수", "mean": "평균", "method": "방법",
    "lines": "구매 행 수", "days": "일수", "start": "시작일", "end": "종료일", "source": "출처",
    # chapter 2
    "group": "고객군", "is_main": "주 고객군", "categories": "상품군", "n_categories": "상품군 수", "label": "세부 유형",
    "pattern": "패턴", "pattern_2": "패턴 2", "segment": "세그먼트", "segment_2": "세그먼트 2", "segment_label": "세그먼트",
    "label_2": "세부 유형 2", "n_groups_scored": "채점 고객군 수", "n_groups_pattern": "패턴 고객군 수",
    "n_groups_pattern_2": "패턴 2 고객군 수", "tied_bits": "동률 비트", "search": "검색어 입력", "time": "고려 시간",
    "views": "페이지 조회수", "searches": "검색 횟수", "price": "구매 단가", "revenue_share": "매출 비중",
    "n_months": "개월 수", "segment_path": "월별 세그먼트", "n_segments": "세그먼트 종류 수", "n_changes": "변경 횟수",
    "changed": "변경 여부", "modal_segment": "최빈 세그먼트", "overall_segment": "전체 기간 세그먼트",
    "months_as_overall": "전체와 같은 달 수", "from_segment": "이전 세그먼트", "to_segment": "다음 세그먼트",
    "majority_pattern": "비트 다수결 패턴", "split": "두 패턴", "segment_status": "상태",
    # chapter 3
    "GRADE": "등급", "CUSTOMER_SHARE": "고객 비중", "REVENUE_SHARE": "매출 비중", "REVENUE_PER_CUSTOMER": "1인당 매출",
    "POINT_RATE": "포인트 적립률", "POINT_COST": "포인트 비용", "DESCRIPTION": "설명", "GOAL": "목표",
    "ACTIONS": "실행 방안", "MESSAGE": "메시지", "MOVE": "이동", "MOVE_LABEL": "이동", "BUYERS": "재구매 고객 수",
    "BUYER_SHARE": "재구매 비율", "MEAN_SPEND": "평균 이후 구매액", "MEDIAN_SPEND": "중앙값 이후 구매액",
    "TOTAL_SPEND": "이후 구매액 합계", "SPEND_SHARE": "이후 구매액 비중", "GRADE_A": "이전 등급", "GRADE_B": "현재 등급",
    "TOT_PRICE": "총 구매액", "SCORE": "점수", "SCORE_TYPE": "요소", "SCORE_LABEL": "요소",
    # chapter 5
    "age_band": "연령대", "gender": "성별", "n_top1": "1순위 고객 수", "top1_share": "1순위 비율",
    "rank1": "1순위", "rank1_index": "1순위 지수", "rank2": "2순위", "rank2_index": "2순위 지수", "rank3": "3순위",
    "rank3_index": "3순위 지수", "pref_index": "선호지수", "prior": "사전확률", "posterior": "사후확률",
    "p_age_given_category": "P(연령대|상품군)", "p_gender_given_category": "P(성별|상품군)",
    "ln_posterior": "ln 사후확률", "ln_posterior_rounded": "ln 사후확률(반올림)", "shifted": "최솟값 5 이동",
    "index_report": "선호지수(보고서 방식)", "index_exact": "선호지수(정밀)", "q10": "10%", "q25": "25%", "q50": "중앙값",
    "q75": "75%", "q90": "90%", "top1_hits": "1순위 적중 수", "top3_hits": "3순위 내 적중 수",
    # chapter 4 (model names as column headers)
    "LSTM": "LSTM(기후값 날씨)", "LSTM_oracle": "LSTM(실제 날씨)", "LSTM_1step": "LSTM 1일",
    "SARIMAX": "SARIMAX(통계모형)", "SeasonalNaive": "계절 나이브", "SeasonalNaive_1step": "계절 나이브 1일",
    "cutoff": "예측 원점", "val_rmse": "검증 RMSE", "batch_seconds": "학습 시간(초)", "val_loss": "검증 손실",
    "MASE": "MASE(척도 오차)", "weekday_ko": "요일", "unique_id": "상품군", "bucket": "예측 기간", "model": "모델",
    "rmse": "RMSE(평균제곱근오차)", "mae": "MAE(평균절대오차)", "mase": "MASE(척도 오차)", "skill": "기술 점수", "span": "예측 길이",
    "top1_hit_rate": "1순위 적중률", "top3_hit_rate": "3순위 내 적중률", "segment_name": "고객 유형",
}



#: Display kind of columns every chapter shares; a chapter's own columns are in its section above.
COMMON_KINDS: dict[str, str] = {
    "CLNT_ID": "id", "customer": "id", "SESS_ID": "id", "PD_C": "id",
    "date": "date", "SESS_DT": "date", "start": "date", "end": "date", "cutoff": "date",
    "revenue": "krw", "REVENUE": "krw", "share": "pct", "SHARE": "pct",
    "n_lines": "count", "n_customers": "count", "CUSTOMERS": "count", "lines": "count", "days": "count",
    "rows": "count", "rank": "count", "top1_hit_rate": "pct", "top3_hit_rate": "pct", "revenue_share": "pct",
    "CUSTOMER_SHARE": "pct", "REVENUE_SHARE": "pct", "BUYER_SHARE": "pct", "SPEND_SHARE": "pct",
    "TOT_PRICE": "krw", "REVENUE_PER_CUSTOMER": "krw", "MEAN_SPEND": "krw", "MEDIAN_SPEND": "krw",
    "TOTAL_SPEND": "krw", "PD_BUY_AM": "krw", "is_main": "bool", "changed": "bool",
}
COLUMN_KINDS: dict[str, str] = {**COMMON_KINDS, **EDA_KINDS, **SEGMENTS_KINDS, **GRADES_KINDS, **DEMAND_KINDS,
                                **PREFERENCE_KINDS, **SERVICES_KINDS}
_CHAPTER_SECTIONS = ("EDA", "SEGMENTS", "GRADES", "DEMAND", "PREFERENCE", "SERVICES")
#: Every translated code value: the shared ones above plus each chapter's optional ``<CHAPTER>_VALUES``.
VALUE_LABELS: dict[str, str] = dict(CODE_VALUE_LABELS)
for _section in _CHAPTER_SECTIONS:
    VALUE_LABELS.update(globals().get(f"{_section}_VALUES", {}))

COLUMN_LABELS.update({**EDA_HEADERS, **SEGMENTS_HEADERS, **GRADES_HEADERS, **DEMAND_HEADERS, **PREFERENCE_HEADERS,
                      **SERVICES_HEADERS})


def korean_values(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with code values in text columns translated (``mobile`` -> 모바일, ``Seoul`` -> 서울, ``True`` -> 예).

    Only object/string/category columns change; numbers, dates and the input frame stay as they are.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype)):
            continue
        table = {**VALUE_LABELS, **COLUMN_VALUE_LABELS.get(col, {})} if isinstance(col, str) else VALUE_LABELS
        out[col] = s.astype(object).map(lambda v, t=table: t.get(v, v) if isinstance(v, str) else
                                        (t[str(v)] if isinstance(v, bool) else v))
    return out


def korean_headers(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with columns (and index names) renamed to Korean where a label is known."""
    out = df.rename(columns=lambda c: COLUMN_LABELS.get(c, c) if isinstance(c, str) else c)
    out.index.names = [COLUMN_LABELS.get(n, n) if isinstance(n, str) else n for n in out.index.names]
    if out.columns.name in COLUMN_LABELS:
        out.columns.name = COLUMN_LABELS[out.columns.name]
    return out


