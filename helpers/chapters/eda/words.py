"""Chapter 1 words: ``describe_*`` Korean sentences computed from the frames of :mod:`.compute`, and the
analyst table of co-purchase pairs. Numbers go through :mod:`helpers.common.formats`; nothing is hard-coded.
"""
from __future__ import annotations

import pandas as pd

from helpers.chapters.eda.compute import EDGE_COLUMNS, SHARE, TABLE_LABELS, check_top, known_rows, unknown_share
from helpers.common.checks import require_columns
from helpers.common.formats import format_count, format_krw, format_pct
from helpers.common.korean import josa

__all__ = [
    "copurchase_table",
    "describe_age",
    "describe_categories",
    "describe_cleaning_log",
    "describe_copurchase",
    "describe_device",
    "describe_gender",
    "describe_keywords",
    "describe_region",
    "describe_summary",
]


def _times(ratio: float) -> str:
    return format_count(ratio, 1)


def describe_cleaning_log(table: pd.DataFrame) -> str:
    """One sentence summarising :func:`~.compute.cleaning_log_table` output (rules, rows, per action)."""
    require_columns(table, ["영향 행 수", "조치", "규칙"], "table")
    affected = table[table["영향 행 수"] > 0]
    total = int(affected["영향 행 수"].sum())
    if total == 0:
        return "정제 과정에서 삭제되거나 수정된 행은 없습니다."
    by_action = (affected.groupby("조치", sort=False)["영향 행 수"].sum()
                 .sort_values(ascending=False, kind="mergesort"))
    detail = ", ".join(f"{action or '기타'} {format_count(n)}행" for action, n in by_action.items())
    return f"정제 규칙 {len(affected)}개가 적용되어 총 {format_count(total)}행을 처리했습니다({detail})."


def describe_gender(table: pd.DataFrame) -> str:
    """E.g. "고객의 85.0%가 여성으로, 남성(15.0%)보다 5.7배 많습니다." from :func:`~.compute.gender_split`."""
    require_columns(table, ["성별", "고객수", SHARE], "table")
    known = known_rows(table, "성별", "고객수")
    if known.empty:
        return "성별 정보가 있는 고객이 없습니다."
    first = known.iloc[0]
    text = f"고객의 {format_pct(first[SHARE])}가 {josa(first['성별'], '으로', '로')}"
    if len(known) > 1:
        second = known.iloc[1]
        ratio = first["고객수"] / second["고객수"]
        text += f", {second['성별']}({format_pct(second[SHARE])})보다 {_times(ratio)}배 많습니다."
    else:
        text += " 모든 고객이 한 성별입니다."
    unknown = unknown_share(table, "성별")
    if unknown > 0:
        text += f" 성별 미상은 {format_pct(unknown)}입니다."
    return text


def describe_age(table: pd.DataFrame) -> str:
    """E.g. "구매 건의 46.7%가 30대, 32.2%가 40대 고객에게서 발생해 두 연령대가 전체의 78.9%를 차지합니다."."""
    require_columns(table, ["연령대", "구매건수", SHARE], "table")
    known = known_rows(table, "연령대", "구매건수")
    if known.empty:
        return "연령 정보가 있는 구매 건이 없습니다."
    first = known.iloc[0]
    if len(known) == 1:
        text = f"구매 건의 {format_pct(first[SHARE])}가 {first['연령대']} 고객에게서 발생했습니다."
    else:
        second = known.iloc[1]
        text = (f"구매 건의 {format_pct(first[SHARE])}가 {first['연령대']}, {format_pct(second[SHARE])}가 "
                f"{second['연령대']} 고객에게서 발생해 두 연령대가 전체의 "
                f"{format_pct(first[SHARE] + second[SHARE])}를 차지합니다.")
    unknown = unknown_share(table, "연령대")
    if unknown > 0:
        text += f" 연령 정보가 없는 구매는 {format_pct(unknown)}입니다."
    return text


def describe_device(table: pd.DataFrame) -> str:
    """E.g. "접속 세션의 84.4%가 모바일에서 발생했고, 이어서 데스크톱(15.2%)·태블릿(0.4%) 순입니다."."""
    require_columns(table, ["디바이스", "세션수", SHARE], "table")
    known = known_rows(table, "디바이스", "세션수")
    if known.empty:
        return "디바이스 정보가 있는 세션이 없습니다."
    first = known.iloc[0]
    text = f"접속 세션의 {format_pct(first[SHARE])}가 {first['디바이스']}에서 발생했"
    rest = known.iloc[1:]
    if len(rest):
        text += ("고, 이어서 " + "·".join(f"{r['디바이스']}({format_pct(r[SHARE])})" for _, r in rest.iterrows())
                 + " 순입니다.")
    else:
        text += "습니다."
    unknown = unknown_share(table, "디바이스")
    if unknown > 0:
        text += f" 디바이스 미상은 {format_pct(unknown)}입니다."
    return text


def describe_region(table: pd.DataFrame, *, top: int = 3) -> str:
    """E.g. "접속 세션은 서울(37.6%)에 가장 많고, 상위 3개 지역(서울·경기·부산)이 전체의 65.8%를 차지합니다."."""
    require_columns(table, ["지역", "세션수", SHARE], "table")
    check_top(top)
    known = known_rows(table, "지역", "세션수")
    if known.empty:
        return "지역 정보가 있는 세션이 없습니다."
    first = known.iloc[0]
    text = f"접속 세션은 {first['지역']}({format_pct(first[SHARE])})에 가장 많"
    head = known.head(top)
    if len(head) > 1:
        text += (f"고, 상위 {len(head)}개 지역({'·'.join(head['지역'])})이 전체의 "
                 f"{format_pct(head[SHARE].sum())}를 차지합니다.")
    else:
        text += "습니다."
    return text


def describe_keywords(freq: pd.DataFrame) -> str:
    """E.g. "가장 많이 검색된 키워드는 '원피스'(12,345회)이고, 상위 200개 키워드가 전체 검색의 41.2%를 차지합니다."."""
    require_columns(freq, ["키워드", "검색수", SHARE], "freq")
    if freq.empty:
        return "검색 키워드가 없습니다."
    first = freq.sort_values(["검색수", "키워드"], ascending=[False, True], kind="mergesort").iloc[0]
    return (f"가장 많이 검색된 키워드는 '{first['키워드']}'({format_count(first['검색수'])}회)이고, "
            f"상위 {len(freq)}개 키워드가 전체 검색의 {format_pct(freq[SHARE].sum())}를 차지합니다.")


def describe_categories(table: pd.DataFrame, *, top: int = 5) -> str:
    """E.g. "구매 건수는 여성의류가 13.5%로 가장 많고, 상위 5개 상품군이 전체 구매의 56.0%를 차지합니다."."""
    require_columns(table, ["상품군", "구매건수", SHARE], "table")
    check_top(top)
    known = known_rows(table, "상품군", "구매건수")
    if known.empty:
        return "구매 건이 없습니다."
    first = known.iloc[0]
    text = f"구매 건수는 {josa(first['상품군'], '이', '가')} {format_pct(first[SHARE])}로 가장 많"
    head = known.head(top)
    if len(head) > 1:
        text += f"고, 상위 {len(head)}개 상품군이 전체 구매의 {format_pct(head[SHARE].sum())}를 차지합니다."
    else:
        text += "습니다."
    return text


def _strongest_pairs(edges: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The most frequent pair and the highest-lift pair (ties by the other measure, then names)."""
    by_count = edges.sort_values(["count", "lift", "cat_a", "cat_b"], ascending=[False, False, True, True],
                                 kind="mergesort").iloc[0]
    by_lift = edges.sort_values(["lift", "count", "cat_a", "cat_b"], ascending=[False, False, True, True],
                                kind="mergesort").iloc[0]
    return by_count, by_lift


def describe_copurchase(edges: pd.DataFrame) -> str:
    """E.g. "가장 자주 함께 구매된 조합은 여성의류–패션잡화로 1,234세션에서 나타났으며(리프트 1.4), 가장 강한
    연결은 …(리프트 2.3, 56세션)입니다." from :func:`~.compute.copurchase_edges`."""
    require_columns(edges, EDGE_COLUMNS, "edges")
    prefix = ""
    n_sessions = edges.attrs.get("n_sessions")
    n_multi = edges.attrs.get("n_multi_category_sessions")
    if n_sessions and n_multi is not None:
        prefix = (f"전체 {format_count(n_sessions)}세션 중 {format_pct(n_multi / n_sessions)}가 두 개 이상의 "
                  "상품군을 구매했고, ")
    if edges.empty:
        return prefix + "최소 동시구매 세션 수 조건을 만족하는 상품군 조합은 없습니다."
    by_count, by_lift = _strongest_pairs(edges)
    pair = f"{by_count['cat_a']}–{by_count['cat_b']}"
    text = (prefix + f"가장 자주 함께 구매된 조합은 {josa(pair, '으로', '로')} "
            f"{format_count(by_count['count'])}세션에서 나타났으며(리프트 {_times(by_count['lift'])}), ")
    if (by_lift["cat_a"], by_lift["cat_b"]) == (by_count["cat_a"], by_count["cat_b"]):
        return text + "이 조합이 리프트도 가장 높습니다."
    return text + (f"가장 강한 연결은 {by_lift['cat_a']}–{by_lift['cat_b']}"
                   f"(리프트 {_times(by_lift['lift'])}, {format_count(by_lift['count'])}세션)입니다.")


def copurchase_table(edges: pd.DataFrame) -> pd.DataFrame:
    """Korean-labelled view of :func:`~.compute.copurchase_edges` for the report.

    Returns
    -------
    pandas.DataFrame
        Columns ``상품군 A``, ``상품군 B``, ``동시구매 세션수``, ``지지도``, ``신뢰도(A→B)``,
        ``신뢰도(B→A)``, ``향상도``; same row order (display kinds in ``labels.EDA_KINDS``).
    """
    require_columns(edges, EDGE_COLUMNS, "edges")
    return pd.DataFrame({
        "상품군 A": edges["cat_a"], "상품군 B": edges["cat_b"], "동시구매 세션수": edges["count"],
        "지지도": edges["support"], "신뢰도(A→B)": edges["confidence_a_b"],
        "신뢰도(B→A)": edges["confidence_b_a"], "향상도": edges["lift"],
    }).reset_index(drop=True)


def accounting_table(accounting: pd.DataFrame) -> pd.DataFrame:
    """Row accounting per input table (``Dataset.accounting()``) for analysts: raw = set aside + dropped + used."""
    require_columns(accounting, ("table", "file", "raw_rows", "set_aside", "dropped", "clean_rows"), "accounting")
    out = pd.DataFrame({
        "표": accounting["table"].map(lambda t: TABLE_LABELS.get(t, t)), "파일": accounting["file"],
        "원본 행": accounting["raw_rows"], "따로 보관 (형식 깨짐)": accounting["set_aside"],
        "삭제 (규칙별 사유는 정제 기록)": accounting["dropped"], "사용": accounting["clean_rows"]})
    return out.reset_index(drop=True)


def describe_sessionless(sessionless: pd.DataFrame) -> str:
    """What the purchase lines without a Session row mean for the report (``Dataset.sessionless_lines()``)."""
    require_columns(sessionless, ("lines", "revenue", "line_share", "revenue_share"), "sessionless")
    row = sessionless.iloc[0]
    if row["lines"] == 0:
        return "모든 구매 행에 세션 기록이 있어, 날짜·기기·지역 분석에서 빠지는 구매가 없습니다."
    return (f"구매 행 {format_count(row['lines'])}건({format_pct(row['line_share'])}, 매출 "
            f"{format_krw(row['revenue'])} · {format_pct(row['revenue_share'])})은 세션 기록이 없어 날짜·기기·지역을 알 수 "
            f"없으므로, 날짜를 쓰는 분석(수요 예측, 등급, 기간별 집계)에서 빠집니다.")


def describe_summary(gender: pd.DataFrame, device: pd.DataFrame, counts: pd.DataFrame,
                     edges: pd.DataFrame, *, top: int = 5, sessionless: pd.DataFrame | None = None) -> list[str]:
    """The chapter's three summary sentences (finding, meaning, action), computed from its results.

    With ``sessionless`` (``Dataset.sessionless_lines()``), the data-coverage caveat opens the meaning line.
    """
    people = known_rows(gender, "성별", "고객수")
    devices = known_rows(device, "디바이스", "세션수")
    cats = known_rows(counts, "상품군", "구매건수")
    finding = "구매 고객과 접속 기록이 없어 고객 구성을 요약할 수 없습니다."
    if len(people) and len(devices):
        finding = (f"구매 고객의 {format_pct(people.iloc[0][SHARE])}가 {josa(people.iloc[0]['성별'], '이고', '고')}, 접속 세션의 "
                   f"{format_pct(devices.iloc[0][SHARE])}가 {devices.iloc[0]['디바이스']}에서 발생합니다.")
    meaning = "구매 건이 없어 상품군 집중도를 말할 수 없습니다."
    if len(cats):
        head = cats.head(top)
        meaning = (f"구매는 상위 {len(head)}개 상품군이 {format_pct(head[SHARE].sum())}를 차지하고 "
                   f"{josa(cats.iloc[0]['상품군'], '이', '가')} 가장 많아, 진열과 캠페인의 기준은 이 상품군들입니다.")
    if sessionless is not None and sessionless.iloc[0]["lines"] > 0:
        meaning = describe_sessionless(sessionless) + " " + meaning
    action = "함께 구매되는 상품군 조합이 기준 세션 수에 못 미쳐 교차 추천 대상은 아직 없습니다."
    if len(edges):
        _, by_lift = _strongest_pairs(edges)
        channel = devices.iloc[0]["디바이스"] if len(devices) else "주요 접속 기기"
        action = (f"함께 사는 경향이 가장 강한 {by_lift['cat_a']}–{by_lift['cat_b']}(리프트 {_times(by_lift['lift'])}) "
                  f"조합을 묶음 추천·교차 쿠폰 후보로 삼고, 화면은 {channel} 기준으로 먼저 설계합니다.")
    return [finding, meaning, action]
