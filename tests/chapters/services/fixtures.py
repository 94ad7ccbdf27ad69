"""Hand-made chapter 6 inputs with hand-computed answers, shared by the services tests.

Three customers: 101 (everything), 102 (partial), 103 (member only, nothing else); store records of 999 and
998 belong to nobody online.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from helpers.chapters.services import profiles
from helpers.data.queries import services as queries
from helpers.report import present as report

D = pd.Timestamp


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
        "PD_C": [11, 12, 13, 14], "PD_BUY_AM": [40_000, 200_000, 500_000, 30_000], "PD_BUY_CT": [1, 1, 2, 1],
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


def engine_aggregates(purchases: pd.DataFrame, sessions: pd.DataFrame, *, n_recent: int = 5) -> tuple:
    """``(totals, recent_online)``: chapter 6's shared queries run by DuckDB over purchase lines and sessions given
    as frames (what ``Dataset.query`` does over the window tables). Lines without ``PD_C`` / ``PD_BUY_AM`` /
    ``PD_BUY_CT`` get ``0`` / ``REVENUE`` / ``1``."""
    lines = purchases.copy()
    for col, value in (("PD_C", 0), ("PD_BUY_AM", lines["REVENUE"]), ("PD_BUY_CT", 1)):
        if col not in lines:
            lines[col] = value
    con = duckdb.connect()
    try:
        con.register("purchases", lines)
        con.register("sessions", sessions)
        totals = con.execute(queries.profile_totals()).df()
        recent = con.execute(queries.recent_purchases(n=n_recent)).df()
    finally:
        con.close()
    recent["SESS_DT"] = pd.to_datetime(recent["SESS_DT"])
    return totals, recent


def build_from_lines(purchases: pd.DataFrame, sessions: pd.DataFrame, members: pd.DataFrame, *rest,
                     **kwargs) -> profiles.ProfileBook:
    """:func:`profiles.build_profiles` fed as the notebook feeds it: engine aggregates of lines and sessions."""
    n = kwargs.get("n_recent", 5)
    valid = isinstance(n, int) and not isinstance(n, bool) and n >= 1  # a bad option is build_profiles' to reject
    totals, recent = engine_aggregates(purchases, sessions, n_recent=n if valid else 5)
    return profiles.build_profiles(totals, recent, members, *rest, **kwargs)


def make_book(**kwargs) -> profiles.ProfileBook:
    x = hand_inputs()
    options = dict(offline=x["offline"], survey=x["survey"], n_recent=3, n_recommend=2)
    options.update(kwargs)
    return build_from_lines(x["purchases"], x["sessions"], x["members"], x["grades"], x["segments"], x["top3"],
                            x["edges"], **options)


#: What customer 101's card must say, computed by hand from hand_inputs(): codes in Korean words (F -> 여성,
#: mobile -> 모바일, Gyeonggi-do -> 경기), money in 만 원 (1,240,000 -> 124만원).
EXPECTED_101 = {
    "demographics": ("여성 · 30대", "회원 정보(Custom 테이블) 기준: 성별 여성, 연령대 30대"),
    "device": ("모바일", "주 사용 기기: 모바일 (세션 3회 중 2회)"),
    "region": ("경기 · Suwon-si", "주 접속 지역: 경기 (세션 3회 중 2회), 그 안에서 가장 많은 시·군·구 Suwon-si"),
    "grade": ("스타 · 포인트 적립 0.8%", "스타: 최근성 3 + 최빈성 3, 총 구매액 124만원 (구매금액 3점)"),
    "segment": ("덜 꼼꼼이", "구매액 1위 상품군 여성의류의 행동 패턴 1101(고려시간↑ 조회수↑ 검색↓ 구매단가↑) → 꼼꼼이"),
    "preference": ("① 여성의류 100.0 · ② 패션잡화 80.5 · ③ 화장품/뷰티케어 61.3",
                   "베이지안 선호지수(고객별 최댓값 100, 구매 이력 × 연령·성별): 1순위 여성의류 100.0점, "
                   "2순위 패션잡화 80.5점"),
    "history": ("온라인 3건 124만원 · 오프라인 2건 20만원",
                "온·오프라인 구매 5건 중 최근 3건을 아래 표에 표시 (마지막 온라인 구매 2018-09-10)"),
    "recommend": ("패션잡화 · 화장품/뷰티케어",
                  "선호 1순위 상품군(여성의류)과 같은 세션에서 함께 구매되는 상품군, 향상도(lift) 순: "
                  "패션잡화(lift 2.50) · 화장품/뷰티케어(lift 1.80)"),
    "offline": ("2건 · 20만원 · 주 매장 롯데백화점 본점",
                "매장 직원이 입력한 구매 기록(고객 ID 일치) 2건, 마지막 구매 2018-09-10, 평균 고려시간 15.0분"),
    "survey": ("의류 · 편리해서 · 온라인",
               "가입 설문(2018-04-02) 응답: 즐겨 구매하는 제품군 의류, 이유 편리해서, 선호 구매 형태 온라인"),
}


def write_report_dir(folder, book: profiles.ProfileBook, *, run: dict | None = None):
    """A rendered-report folder holding only chapter 6's profile products."""
    report.save_product(book.table, "customer_profiles", folder)
    report.save_product(book.recent, "customer_recent_purchases", folder)
    report.save_product(book.playbooks, "profile_playbooks", folder)
    if run is not None:
        (Path(folder) / "run.json").write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
    return folder
