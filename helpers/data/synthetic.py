"""Deterministic synthetic L.Point data in exactly the real CSV format, with planted ground truth.

:func:`generate` writes the six competition tables (``DATA.md``: names, columns, text formats and quirks),
the two chapter-6 store files, and the ground truth the later chapters' tests recover. Same arguments give
byte-identical files. Nothing happens on import.

Files written to ``out_dir``
----------------------------
Six tables (``naming="original"``: ``제5회 Big Data Competition-분석용데이터-01.Pruduct.csv`` (sic) …
``-06.Master.csv``; ``naming="short"``: ``01.Product.csv`` … ``06.Master.csv``), comma-separated, header row,
``\\n`` line ends, UTF-8 (optionally with BOM) or CP949:

* 01 Product  ``CLNT_ID, SESS_ID, HITS_SEQ, PD_C, PD_ADD_NM, PD_BRA_NM, PD_BUY_AM, PD_BUY_CT`` — PD_BUY_AM is
  text with thousands separators and always quoted (``"39,000"``); PD_BUY_CT an integer, a few ``"1,440"``.
* 02 Search1  ``CLNT_ID, SESS_ID, KWD_NM, SEARCH_CNT`` (int; median 1, mean ≈ 1.9).
* 03 Search2  ``SESS_DT`` (int YYYYMMDD), ``KWD_NM``, ``SEARCH_CNT`` (text, quoted, ``"1,234"`` above 999).
* 04 Custom   ``CLNT_ID, CLNT_GENDER`` ('F'/'M'), ``CLNT_AGE`` (10..80) — ≈ 73 % of buying clients.
* 05 Session  ``CLNT_ID, SESS_ID, SESS_SEQ, SESS_DT`` (int YYYYMMDD), ``TOT_PAG_VIEW_CT`` (float, e.g. ``55.0``),
  ``TOT_SESS_HR_V`` (text, quoted, ``"1,890"``), ``DVC_CTG_NM, ZON_NM, CITY_NM``. About 10 % of Session rows
  are purchase sessions whose lines are not in Product (as in the real files: 2.71 M rows vs 2.43 M).
* 06 Master   ``PD_C, PD_NM, CLAC1_NM, CLAC2_NM, CLAC3_NM`` — names with commas, ``"`` quotes, a leading ``=``
  and ``◈123◈`` suffixes, CSV-quoted where needed. 37 CLAC1 / 128 CLAC2 / 898 CLAC3 names.

IDs (CLNT_ID, SESS_ID, PD_C) are sometimes written zero-padded (``0555562``). SESS_ID is reused across
clients: only (CLNT_ID, SESS_ID) is unique.

Store files for chapter 6 (same encoding/BOM as the tables):

* ``offline_purchases.csv``: ``CLNT_ID`` (int), ``STORE_NM`` (e.g. 롯데백화점 본점), ``PURCHASE_DT`` (YYYY-MM-DD,
  in the window), ``CLAC1_NM`` (one of the 37 names — except the dirty rows), ``AMOUNT`` (int KRW, no
  separators; dirty rows negative), ``CONSIDER_MIN`` (float minutes, one decimal), ``NOTE`` (free text,
  may contain commas, often empty).
* ``signup_survey.csv``: one row per surveyed client: ``CLNT_ID, SIGNUP_DT`` (YYYY-MM-DD),
  ``FAV_CATEGORY`` ∈ :data:`SURVEY_CATEGORIES`, ``REASON`` ∈ :data:`SURVEY_REASONS`,
  ``CHANNEL`` ∈ :data:`SURVEY_CHANNELS`.
  In both files about 90 % of ids are online clients and about 10 % unknown ids (in no online table).

Ground truth in ``out_dir/_truth/``: ``customers.parquet`` (``CLNT_ID, FAVOURITE_CLAC1, IS_MEMBER,
CLNT_GENDER, CLNT_AGE, N_SESSIONS`` for the whole client population), ``daily_intensity.parquet`` (expected
purchase lines per category and day and the factors that made them), ``weather.parquet`` (the synthetic
weather used) and ``planted.json`` (everything below, the dirty-row counts and the generation arguments).

Planted signals (module constants; other chapters' tests rely on them)
----------------------------------------------------------------------
1. :data:`PLANTED_PATTERNS` — chapter 2 behaviour bits (time, page views, searches, unit price) per category.
   Each purchase session takes the multipliers of its primary category (:data:`PATTERN_EFFECTS`, per variable:
   ``high`` for a "1" bit, ``low`` for a "0" bit, ``neutral`` for the 27 unplanted categories); unit price is
   per line and follows the line's own category. 85 % of sessions buy one category, the rest 2–4, with
   :data:`PLANTED_COPURCHASE_PAIRS` strongly linked (they share their pattern). At sample scale every
   category's majority pattern over the seven main groups (20F 20M 30F 30M 40F 40M 50F) is the planted one
   and about 69–70 of the 70 group × category cells match; misses are cells of < 20 lines (20M × small
   categories).
2. :data:`PLANTED_WEEKDAY_FACTORS` — chapter 4 weekday factors (Monday first, sum 7). The daily intensity of
   a category is weekday factor × holiday factor (:data:`HOLIDAY_FACTORS`) × weather (:data:`WEATHER_EFFECTS`,
   from :func:`synthetic_weather`) × slow trend (:data:`TREND_PER_YEAR`) × noise (:data:`DAILY_NOISE_SIGMA`);
   session dates follow it (systematic sampling), so daily lines and revenue do. Holidays fall on some
   weekdays more than others (2018: three Wednesdays), so a seasonal index computed over all days is biased
   by a few hundredths; exclude holiday weeks, or compare with the index of ``expected_lines`` in
   ``_truth/daily_intensity.parquet``.
3. Chapter 5 favourites — every client has one favourite CLAC1 drawn from :data:`FAVOURITE_WEIGHTS`
   (by gender and age band; clients without a Custom row draw from the global shares); the primary category
   of a session is the favourite with probability :data:`FAVOURITE_SESSION_SHARE` (≈ 54 % of lines end up in
   the favourite; the non-favourite draw is corrected so that overall category shares stay near DATA.md).
4. Customer value — purchase sessions per client are 1 + a gamma-Poisson count (about half the clients buy on
   one day only, a few very often) and basket sizes vary by client: ≈ 3.5 % of clients spend ≥ 1,000,000 KRW
   and all four value grades occur.

At full scale: ≈ 35–42 billion KRW a month, 여성의류 ≈ 190 million KRW a day; page views quartiles
≈ 29/54/99 (max 500), session seconds median ≈ 1,070.

Dirty rows (``dirty=True``), counted exactly in ``GenerationResult.dirty`` (rule -> rows in the files):
see :data:`DIRTY_RULES`. Format features that are not errors (zero-padded ids, ``"1,440"`` quantities,
unknown store ids) are counted in ``GenerationResult.quirks``.
"""
from __future__ import annotations

import codecs
import json
import shutil
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# ------------------------------------------------------------------------------------------------
# Sizes
# ------------------------------------------------------------------------------------------------

#: Window length the table sizes refer to (the competition window 2018-04-01..2018-09-30).
REFERENCE_DAYS = 183

#: Rows per scale. "full" = the real files (DATA.md); "sample" = 2 % of full; "tiny" ≈ 3,000 product lines.
#: Transaction tables (product lines, sessions, searches, offline purchases) scale with the window length
#: relative to 183 days; the client population, Custom, Master, keyword vocabularies and the survey do not.
SCALES: dict[str, dict[str, int]] = {
    "full": {
        "clients": 922_737, "members": 671_679, "product_sessions": 2_425_886, "session_rows": 2_712_907,
        "product_lines": 5_024_906, "search1": 2_884_943, "search2": 8_051_172, "master": 847_652,
        "keywords1": 81_539, "keywords2": 180_000, "offline": 100_000, "survey": 50_000,
    },
    "sample": {
        "clients": 18_455, "members": 13_434, "product_sessions": 48_518, "session_rows": 54_258,
        "product_lines": 100_498, "search1": 57_699, "search2": 161_023, "master": 16_953,
        "keywords1": 1_631, "keywords2": 3_600, "offline": 4_000, "survey": 2_000,
    },
    "tiny": {
        "clients": 560, "members": 408, "product_sessions": 1_450, "session_rows": 1_620,
        "product_lines": 3_000, "search1": 1_720, "search2": 4_800, "master": 1_500,
        "keywords1": 300, "keywords2": 600, "offline": 150, "survey": 100,
    },
}
VALID_SCALES = frozenset(SCALES)
_TRANSACTION_SIZES = ("product_sessions", "session_rows", "product_lines", "search1", "search2", "offline")
MAX_WINDOW_DAYS = 3_660

# ------------------------------------------------------------------------------------------------
# File names and columns
# ------------------------------------------------------------------------------------------------

TABLE_KEYS = ("product", "search1", "search2", "custom", "session", "master")
_ORIGINAL_PREFIX = "제5회 Big Data Competition-분석용데이터-"
FILE_NAMES: dict[str, dict[str, str]] = {
    "original": {
        "product": _ORIGINAL_PREFIX + "01.Pruduct.csv",  # (sic) as distributed
        "search1": _ORIGINAL_PREFIX + "02.Search1.csv",
        "search2": _ORIGINAL_PREFIX + "03.Search2.csv",
        "custom": _ORIGINAL_PREFIX + "04.Custom.csv",
        "session": _ORIGINAL_PREFIX + "05.Session.csv",
        "master": _ORIGINAL_PREFIX + "06.Master.csv",
    },
    "short": {
        "product": "01.Product.csv", "search1": "02.Search1.csv", "search2": "03.Search2.csv",
        "custom": "04.Custom.csv", "session": "05.Session.csv", "master": "06.Master.csv",
    },
}
VALID_NAMINGS = frozenset(FILE_NAMES)
VALID_ENCODINGS = frozenset({"utf-8", "cp949"})
STORE_FILES = {"offline_purchases": "offline_purchases.csv", "signup_survey": "signup_survey.csv"}
TRUTH_DIR = "_truth"

COLUMNS: dict[str, tuple[str, ...]] = {
    "product": ("CLNT_ID", "SESS_ID", "HITS_SEQ", "PD_C", "PD_ADD_NM", "PD_BRA_NM", "PD_BUY_AM", "PD_BUY_CT"),
    "search1": ("CLNT_ID", "SESS_ID", "KWD_NM", "SEARCH_CNT"),
    "search2": ("SESS_DT", "KWD_NM", "SEARCH_CNT"),
    "custom": ("CLNT_ID", "CLNT_GENDER", "CLNT_AGE"),
    "session": ("CLNT_ID", "SESS_ID", "SESS_SEQ", "SESS_DT", "TOT_PAG_VIEW_CT", "TOT_SESS_HR_V", "DVC_CTG_NM",
                "ZON_NM", "CITY_NM"),
    "master": ("PD_C", "PD_NM", "CLAC1_NM", "CLAC2_NM", "CLAC3_NM"),
    "offline_purchases": ("CLNT_ID", "STORE_NM", "PURCHASE_DT", "CLAC1_NM", "AMOUNT", "CONSIDER_MIN", "NOTE"),
    "signup_survey": ("CLNT_ID", "SIGNUP_DT", "FAV_CATEGORY", "REASON", "CHANNEL"),
}

# ------------------------------------------------------------------------------------------------
# Categories (DATA.md)
# ------------------------------------------------------------------------------------------------

#: The 37 CLAC1 names with their share (%) of Product rows.
CLAC1_SHARES: dict[str, float] = {
    "여성의류": 13.5, "화장품/뷰티케어": 11.4, "스포츠패션": 11.2, "남성의류": 11.0, "패션잡화": 8.9,
    "속옷/양말/홈웨어": 8.3, "유아동의류": 6.8, "시즌스포츠": 3.0, "출산/육아용품": 2.8, "퍼스널케어": 2.6,
    "건강식품": 2.5, "원예/애완": 1.9, "식기/조리기구": 1.6, "침구/수예": 1.6, "완구": 1.1, "음료": 1.0,
    "문구/사무용품": 1.0, "주방잡화": 1.0, "아웃도어/레저": 0.9, "세제/위생": 0.9, "청소/세탁/욕실용품": 0.9,
    "가구": 0.9, "생활/주방가전": 0.8, "구기/필드스포츠": 0.7, "모바일": 0.5, "헬스/피트니스": 0.5, "과일": 0.5,
    "컴퓨터": 0.5, "계절가전": 0.3, "냉장식품": 0.3, "냉동식품": 0.3, "상품권": 0.3, "축산물": 0.2,
    "냉장/세탁가전": 0.15, "인테리어/조명": 0.14, "영상/음향가전": 0.13, "자동차용품": 0.03,
}
CATEGORIES: tuple[str, ...] = tuple(CLAC1_SHARES)

#: CLAC2 names per CLAC1 (128 in all; DATA.md's examples included).
CLAC2_BY_CLAC1: dict[str, tuple[str, ...]] = {
    "여성의류": ("여성의류상의", "여성의류하의", "여성의류아우터", "여성의류원피스", "여성정장/수트"),
    "화장품/뷰티케어": ("스킨케어", "메이크업", "선케어", "향수", "남성케어", "미용소품"),
    "스포츠패션": ("남성일반스포츠의류", "여성일반스포츠의류", "유아동스포츠화", "남성스포츠화", "여성스포츠화"),
    "남성의류": ("남성의류상의", "남성의류하의", "남성의류아우터", "남성정장/수트", "남성의류전신"),
    "패션잡화": ("여성화", "남성화", "여성가방", "유아동화", "지갑/벨트", "모자/장갑/스카프", "시계/주얼리"),
    "속옷/양말/홈웨어": ("여성속옷", "남성속옷", "양말/스타킹", "홈웨어/잠옷", "유아동속옷"),
    "유아동의류": ("유아의류", "아동의류상의", "아동의류하의", "아동의류아우터", "유아동내의"),
    "시즌스포츠": ("수영/물놀이", "스키/보드", "캠핑시즌용품"),
    "출산/육아용품": ("기저귀", "분유/이유식", "수유용품", "유모차/카시트", "유아위생용품"),
    "퍼스널케어": ("구강케어", "바디케어", "헤어케어", "여성위생용품"),
    "건강식품": ("건강보조식품", "영양제", "홍삼/인삼가공식품"),
    "원예/애완": ("애견용품", "고양이용품", "원예용품"),
    "식기/조리기구": ("냄비/프라이팬", "식기", "칼/도마", "보관용기"),
    "침구/수예": ("침구세트", "베개/쿠션", "커튼/수예"),
    "완구": ("유아완구", "블록/퍼즐", "인형/피규어"),
    "음료": ("생수/탄산수", "커피/차", "주스/음료"),
    "문구/사무용품": ("필기구", "노트/다이어리", "사무용품"),
    "주방잡화": ("주방소품", "일회용품", "수납/정리"),
    "아웃도어/레저": ("등산의류", "등산화", "캠핑용품"),
    "세제/위생": ("세탁세제", "주방세제", "화장지/물티슈"),
    "청소/세탁/욕실용품": ("청소용품", "세탁용품", "욕실용품"),
    "가구": ("침실가구", "거실가구", "수납가구", "사무용가구"),
    "생활/주방가전": ("주방가전", "청소기", "생활가전", "이미용가전"),
    "구기/필드스포츠": ("골프", "구기스포츠", "라켓스포츠"),
    "모바일": ("휴대폰", "모바일액세서리"),
    "헬스/피트니스": ("헬스기구", "요가/필라테스", "스포츠보충식품"),
    "과일": ("국산과일", "수입과일"),
    "컴퓨터": ("노트북", "데스크탑", "모니터", "PC주변기기"),
    "계절가전": ("냉방가전", "난방가전", "공기청정/가습기"),
    "냉장식품": ("유제품", "반찬/간편식"),
    "냉동식품": ("냉동간편식", "아이스크림"),
    "상품권": ("백화점상품권", "모바일상품권"),
    "축산물": ("소고기", "돼지고기/닭고기"),
    "냉장/세탁가전": ("냉장고", "세탁기", "김치냉장고"),
    "인테리어/조명": ("조명", "인테리어소품", "벽지/시트"),
    "영상/음향가전": ("TV", "음향기기", "카메라"),
    "자동차용품": ("차량용품", "블랙박스/내비"),
}
_CLAC3_SUFFIXES = ("기본", "베이직", "프리미엄", "세트", "기획", "수입", "브랜드", "시즌")
N_CLAC3 = 898

#: Product words per category (product names and search keywords).
ITEM_WORDS: dict[str, tuple[str, ...]] = {
    "여성의류": ("블라우스", "원피스", "티셔츠", "니트", "가디건", "스커트", "슬랙스", "청바지", "자켓", "코트"),
    "화장품/뷰티케어": ("에센스", "크림", "토너", "쿠션", "립스틱", "선크림", "마스크팩", "향수", "클렌징폼"),
    "스포츠패션": ("운동화", "러닝화", "트레이닝복", "바람막이", "레깅스", "반팔티", "슬리퍼"),
    "남성의류": ("셔츠", "반팔티", "면바지", "청바지", "정장", "자켓", "니트", "폴로티"),
    "패션잡화": ("샌들", "스니커즈", "로퍼", "숄더백", "크로스백", "지갑", "벨트", "모자", "선글라스"),
    "속옷/양말/홈웨어": ("브라", "팬티", "양말", "스타킹", "잠옷", "런닝", "드로즈"),
    "유아동의류": ("아동티셔츠", "아동바지", "내복", "우주복", "아동원피스", "아동자켓"),
    "시즌스포츠": ("수영복", "래쉬가드", "비치웨어", "튜브", "스키복", "물안경"),
    "출산/육아용품": ("기저귀", "분유", "아기물티슈", "젖병", "유모차", "카시트", "이유식"),
    "퍼스널케어": ("치약", "칫솔", "샴푸", "바디워시", "생리대", "핸드크림"),
    "건강식품": ("홍삼", "비타민", "유산균", "오메가3", "루테인", "콜라겐"),
    "원예/애완": ("강아지사료", "고양이사료", "배변패드", "화분", "고양이모래"),
    "식기/조리기구": ("프라이팬", "냄비", "접시", "텀블러", "칼세트"),
    "침구/수예": ("이불", "베개", "매트리스커버", "쿠션", "커튼"),
    "완구": ("레고", "블록", "인형", "퍼즐", "자동차장난감"),
    "음료": ("생수", "탄산수", "커피", "녹차", "주스"),
    "문구/사무용품": ("볼펜", "노트", "다이어리", "파일", "복사용지"),
    "주방잡화": ("밀폐용기", "수세미", "행주", "지퍼백", "키친타올"),
    "아웃도어/레저": ("등산화", "등산복", "텐트", "캠핑의자", "배낭"),
    "세제/위생": ("세탁세제", "섬유유연제", "주방세제", "화장지", "물티슈"),
    "청소/세탁/욕실용품": ("청소포", "빨래건조대", "욕실화", "수건", "밀대"),
    "가구": ("침대", "소파", "책상", "의자", "옷장", "수납장"),
    "생활/주방가전": ("전기밥솥", "청소기", "커피머신", "에어프라이어", "드라이기"),
    "구기/필드스포츠": ("골프공", "골프채", "축구공", "배드민턴라켓", "골프웨어"),
    "모바일": ("스마트폰", "폰케이스", "충전기", "보조배터리", "이어폰"),
    "헬스/피트니스": ("요가매트", "덤벨", "프로틴", "러닝머신", "폼롤러"),
    "과일": ("사과", "배", "포도", "수박", "망고", "체리"),
    "컴퓨터": ("노트북", "모니터", "키보드", "마우스", "데스크탑", "외장하드"),
    "계절가전": ("선풍기", "에어컨", "제습기", "서큘레이터", "가습기"),
    "냉장식품": ("우유", "요거트", "치즈", "반찬", "두부"),
    "냉동식품": ("만두", "냉동피자", "아이스크림", "돈까스"),
    "상품권": ("백화점상품권", "모바일상품권", "문화상품권"),
    "축산물": ("한우", "삼겹살", "닭가슴살", "양념갈비"),
    "냉장/세탁가전": ("냉장고", "세탁기", "김치냉장고", "건조기"),
    "인테리어/조명": ("스탠드", "LED조명", "액자", "러그", "벽시계"),
    "영상/음향가전": ("TV", "블루투스스피커", "헤드폰", "카메라", "사운드바"),
    "자동차용품": ("블랙박스", "차량방향제", "차량용충전기", "와이퍼"),
}

#: Brands per category; more are made up from syllables so every category has :data:`_BRANDS_PER_CATEGORY`.
BRANDS: dict[str, tuple[str, ...]] = {
    "여성의류": ("에잇세컨즈", "지오다노", "미쏘", "스파오", "탑텐", "로엠", "베네통", "씨씨콜렉트"),
    "화장품/뷰티케어": ("바비브라운", "설화수", "이니스프리", "라네즈", "헤라", "에스티로더", "클리오", "미샤"),
    "스포츠패션": ("나이키", "아디다스", "뉴발란스", "휠라", "푸마", "리복", "아식스", "언더아머"),
    "남성의류": ("폴로", "빈폴", "지오지아", "타미힐피거", "유니클로", "앤드지", "까스텔바작"),
    "패션잡화": ("탠디", "금강제화", "MCM", "닥스", "루이까또즈", "메트로시티", "스와로브스키"),
    "속옷/양말/홈웨어": ("비비안", "트라이", "BYC", "비너스", "좋은사람들", "엘르이너웨어"),
    "유아동의류": ("블루독", "알로봇", "캔키즈", "압소바", "밍크뮤", "휠라키즈"),
    "시즌스포츠": ("배럴", "아레나", "스피도", "엘르스포츠", "레노마수영복"),
    "출산/육아용품": ("하기스", "팸퍼스", "보솜이", "매일유업", "아이배냇", "스토케"),
    "퍼스널케어": ("메디안", "페리오", "려", "도브", "화이트", "니베아"),
    "건강식품": ("정관장", "종근당", "뉴트리원", "고려은단", "센트룸", "한삼인"),
    "원예/애완": ("로얄캐닌", "ANF", "내추럴발란스", "캐츠랑"),
    "식기/조리기구": ("해피콜", "테팔", "락앤락", "코렐", "키친아트"),
    "침구/수예": ("이브자리", "알레르망", "까사미아", "한일"),
    "완구": ("레고", "영실업", "손오공", "미미월드"),
    "음료": ("삼다수", "코카콜라", "동서식품", "남양", "롯데칠성"),
    "문구/사무용품": ("모나미", "모닝글로리", "3M", "한국제지"),
    "주방잡화": ("락앤락", "글라스락", "크린랩", "3M스카치브라이트"),
    "아웃도어/레저": ("노스페이스", "코오롱스포츠", "블랙야크", "K2", "콜맨"),
    "세제/위생": ("피죤", "테크", "깨끗한나라", "유한킴벌리"),
    "청소/세탁/욕실용품": ("3M", "코멧", "홈플래닛", "송월타올"),
    "가구": ("한샘", "에이스침대", "일룸", "시몬스", "리바트"),
    "생활/주방가전": ("쿠쿠", "쿠첸", "필립스", "다이슨", "일렉트로룩스"),
    "구기/필드스포츠": ("타이틀리스트", "캘러웨이", "요넥스", "스타스포츠"),
    "모바일": ("삼성전자", "애플", "LG전자", "샤오미"),
    "헬스/피트니스": ("마이프로틴", "반석스포츠", "이고진", "나이키"),
    "과일": ("청송사과", "나주배", "제스프리", "돌"),
    "컴퓨터": ("삼성전자", "LG전자", "레노버", "로지텍", "씨게이트"),
    "계절가전": ("신일", "위니아", "캐리어", "보국전자"),
    "냉장식품": ("서울우유", "매일유업", "풀무원", "CJ"),
    "냉동식품": ("비비고", "오뚜기", "풀무원", "해태"),
    "상품권": ("롯데상품권", "컬쳐랜드", "해피머니"),
    "축산물": ("한우명가", "도드람", "하림"),
    "냉장/세탁가전": ("삼성전자", "LG전자", "대우전자", "위니아딤채"),
    "인테리어/조명": ("필립스", "오스람", "데코뷰"),
    "영상/음향가전": ("삼성전자", "LG전자", "소니", "JBL", "캐논"),
    "자동차용품": ("아이나비", "파인뷰", "불스원"),
}
_BRANDS_PER_CATEGORY = 12
_BRAND_SYLLABLES_1 = ("라", "모", "베", "소", "에", "하", "루", "미", "다", "시", "코", "제")
_BRAND_SYLLABLES_2 = ("엘", "나", "온", "린", "르", "아", "비", "움", "벨", "티")

#: Unit-price model per category: (median KRW, log-sd). The ten planted categories use a common base
#: (:data:`PLANTED_PRICE_MEDIAN`, :data:`PLANTED_PRICE_SIGMA`) times their price-bit multiplier.
PRICE_PARAMS: dict[str, tuple[float, float]] = {
    "시즌스포츠": (35_000, 0.6), "원예/애완": (20_000, 0.6), "식기/조리기구": (25_000, 0.6),
    "침구/수예": (40_000, 0.6), "완구": (22_000, 0.6), "음료": (12_000, 0.5), "문구/사무용품": (7_000, 0.7),
    "주방잡화": (9_000, 0.6), "아웃도어/레저": (50_000, 0.6), "세제/위생": (13_000, 0.5),
    "청소/세탁/욕실용품": (12_000, 0.6), "가구": (110_000, 0.75), "생활/주방가전": (90_000, 0.75),
    "구기/필드스포츠": (40_000, 0.8), "모바일": (30_000, 1.0), "헬스/피트니스": (30_000, 0.7),
    "과일": (25_000, 0.4), "컴퓨터": (120_000, 0.9), "계절가전": (70_000, 0.6), "냉장식품": (15_000, 0.5),
    "냉동식품": (15_000, 0.5), "상품권": (50_000, 0.5), "축산물": (40_000, 0.5), "냉장/세탁가전": (450_000, 0.6),
    "인테리어/조명": (35_000, 0.7), "영상/음향가전": (150_000, 0.8), "자동차용품": (25_000, 0.7),
}
PLANTED_PRICE_MEDIAN = 27_000
PLANTED_PRICE_SIGMA = 0.3
#: Scale on PRICE_PARAMS medians (calibrates monthly revenue to DATA.md's 35–41 billion KRW at full scale).
UNPLANTED_PRICE_LEVEL = 1.25
#: Categories whose lines often have a quantity above 1.
MULTI_BUY_CATEGORIES = ("음료", "세제/위생", "퍼스널케어", "출산/육아용품", "냉장식품", "냉동식품", "과일", "축산물",
                        "주방잡화", "문구/사무용품", "속옷/양말/홈웨어", "원예/애완", "청소/세탁/욕실용품")
#: Categories where a unit price may be recorded ÷1000 (dirty rule ``price_div1000``) ...
PRICE_DIV1000_CATEGORIES = ("가구", "생활/주방가전", "컴퓨터", "냉장/세탁가전")
#: ... and where genuine unit prices never fall below this, so a lower price there is an error.
#: (also 영상/음향가전 and 계절가전, which the loader checks too.)
PRICE_FLOOR_EXPENSIVE = 10_000
_FLOORED_CATEGORIES = PRICE_DIV1000_CATEGORIES + ("영상/음향가전", "계절가전")
PRICE_DIV1000_MIN_TRUE_PRICE = 200_000

# ------------------------------------------------------------------------------------------------
# Planted signals
# ------------------------------------------------------------------------------------------------

#: Order of the four behaviour bits.
PATTERN_VARIABLES = ("TOT_SESS_HR_V", "TOT_PAG_VIEW_CT", "SEARCH_CNT", "PD_BUY_AM")
#: Chapter 2 patterns (bits in PATTERN_VARIABLES order) planted per category; the other 27 are neutral.
PLANTED_PATTERNS: dict[str, str] = {
    "여성의류": "1101", "패션잡화": "1101", "스포츠패션": "1101", "건강식품": "1111", "화장품/뷰티케어": "0011",
    "남성의류": "0000", "속옷/양말/홈웨어": "0000", "유아동의류": "0000", "출산/육아용품": "0000",
    "퍼스널케어": "0010",
}
#: Multipliers per behaviour variable: ``high`` for a "1" bit, ``low`` for a "0" bit, ``neutral`` for the 27
#: unplanted categories (for searches above 1 so that a group buying mostly "0" categories still has a mean
#: clearly above them; unit prices of unplanted categories keep their own level, :data:`PRICE_PARAMS`).
PATTERN_EFFECTS: dict[str, dict[str, float]] = {
    "TOT_SESS_HR_V": {"low": 0.55, "high": 1.7, "neutral": 1.0},
    "TOT_PAG_VIEW_CT": {"low": 0.55, "high": 1.7, "neutral": 1.0},
    "SEARCH_CNT": {"low": 0.3, "high": 2.2, "neutral": 1.5},
    "PD_BUY_AM": {"low": 0.55, "high": 1.6, "neutral": 1.0},
}

#: The report's 여성의류 seasonal index (Monday first): Mon 1.089, Tue 0.991, Wed 1.021, Thu 0.956,
#: Fri 0.925, Sat 0.945, Sun 1.073.
REPORT_WEEKDAY_FACTORS_WOMEN = (1.089, 0.991, 1.021, 0.956, 0.925, 0.945, 1.073)
_WEEKDAY_SHAPES: dict[str, tuple[float, ...]] = {
    # The report's shape amplified x2 around 1 so it is recoverable at sample scale.
    "report_x2": (1.178, 0.982, 1.042, 0.912, 0.850, 0.890, 1.146),
    "sunday_monday": (1.14, 1.00, 1.02, 0.94, 0.88, 0.92, 1.10),
    "weekend": (0.92, 0.90, 0.90, 0.92, 1.00, 1.18, 1.18),
    "office": (1.15, 1.10, 1.05, 1.00, 0.95, 0.85, 0.90),
    "midweek": (1.00, 1.08, 1.12, 1.06, 0.94, 0.88, 0.92),
    "friday": (0.96, 0.98, 1.00, 1.04, 1.12, 0.98, 0.92),
    "mild": (1.04, 1.02, 1.00, 0.98, 0.96, 0.98, 1.02),
}
_SHAPE_OF: dict[str, str] = {
    "여성의류": "report_x2", "화장품/뷰티케어": "sunday_monday", "스포츠패션": "weekend", "남성의류": "friday",
    "패션잡화": "sunday_monday", "속옷/양말/홈웨어": "midweek", "유아동의류": "office", "시즌스포츠": "weekend",
    "출산/육아용품": "office", "퍼스널케어": "midweek", "건강식품": "office",
}
_OTHER_SHAPES = ("weekend", "office", "midweek", "friday", "mild", "sunday_monday")
#: Chapter 4 weekday factors per category, Monday first (pandas ``day_of_week`` order), each summing to 7.
PLANTED_WEEKDAY_FACTORS: dict[str, tuple[float, ...]] = {
    c: _WEEKDAY_SHAPES[_SHAPE_OF.get(c, _OTHER_SHAPES[i % len(_OTHER_SHAPES)])] for i, c in enumerate(CATEGORIES)
}

#: Intensity multipliers on Korean public/bank holidays (``holidays.KR(categories=("public", "bank"))``):
#: ``holiday`` for any holiday, ``major`` for Chuseok and Seollal days (incl. their substitute day off),
#: ``pre_major`` for the three days before the first major day (delivery cut-off).
HOLIDAY_FACTORS: dict[str, float] = {"holiday": 0.75, "major": 0.45, "pre_major": 0.85}
#: Weather: intensity × (1 − rain × min(rain_mm, rain_cap_mm) / rain_cap_mm) for every category, and
#: × (1 + heat[category] × max(temp_mean − heat_base_c, 0)) for the heat-sensitive ones.
WEATHER_EFFECTS: dict = {
    "rain": 0.15, "rain_cap_mm": 40.0, "heat_base_c": 24.0,
    "heat": {"계절가전": 0.15, "음료": 0.05, "시즌스포츠": 0.06, "냉동식품": 0.05, "과일": 0.03},
}
#: Slow log-linear trend per category (per year, anchored at :data:`TREND_ANCHOR`); unlisted: 0.
TREND_PER_YEAR: dict[str, float] = {
    "여성의류": -0.08, "화장품/뷰티케어": 0.10, "스포츠패션": 0.06, "남성의류": -0.05, "패션잡화": 0.04,
    "건강식품": 0.15, "출산/육아용품": -0.06, "시즌스포츠": 0.10, "모바일": 0.12, "가구": -0.10,
}
TREND_ANCHOR = "2018-07-01"
#: Day-to-day log-normal noise of each category's intensity. Session dates are spread over the days in
#: proportion to the intensity by systematic sampling, so this noise (and the lines per session) is the
#: only day-to-day randomness: the weekday factors are recoverable at sample scale.
DAILY_NOISE_SIGMA = 0.08

#: Category pairs bought together far more often than their shares suggest (co-purchase network), and
#: the probability that a multi-category session with one of them as primary adds the other.
PLANTED_COPURCHASE_PAIRS: tuple[tuple[str, str], ...] = (
    ("여성의류", "패션잡화"), ("출산/육아용품", "유아동의류"), ("화장품/뷰티케어", "퍼스널케어"),
)
COPURCHASE_PAIR_PROB = 0.7
MULTI_CATEGORY_SESSION_SHARE = 0.15

#: P(favourite category | gender, age band); the unlisted mass goes to the global shares.
FAVOURITE_WEIGHTS: dict[tuple[str, int], dict[str, float]] = {
    ("F", 10): {"여성의류": .30, "화장품/뷰티케어": .28, "패션잡화": .10, "스포츠패션": .08, "속옷/양말/홈웨어": .08},
    ("F", 20): {"여성의류": .32, "화장품/뷰티케어": .28, "패션잡화": .08, "속옷/양말/홈웨어": .08, "퍼스널케어": .06},
    ("F", 30): {"유아동의류": .16, "출산/육아용품": .07, "여성의류": .18, "화장품/뷰티케어": .17, "퍼스널케어": .04,
                "패션잡화": .06},
    ("F", 40): {"유아동의류": .12, "출산/육아용품": .03, "여성의류": .18, "화장품/뷰티케어": .15, "건강식품": .08,
                "속옷/양말/홈웨어": .07, "스포츠패션": .05},
    ("F", 50): {"건강식품": .30, "여성의류": .15, "화장품/뷰티케어": .10, "속옷/양말/홈웨어": .10, "스포츠패션": .05,
                "원예/애완": .05, "퍼스널케어": .05},
    ("F", 60): {"건강식품": .45, "여성의류": .12, "화장품/뷰티케어": .08, "속옷/양말/홈웨어": .08, "원예/애완": .05,
                "과일": .04},
    ("M", 10): {"스포츠패션": .40, "남성의류": .35, "패션잡화": .08, "모바일": .04, "컴퓨터": .03},
    ("M", 20): {"남성의류": .40, "스포츠패션": .32, "패션잡화": .08, "화장품/뷰티케어": .05, "컴퓨터": .04},
    ("M", 30): {"남성의류": .35, "스포츠패션": .25, "출산/육아용품": .04, "유아동의류": .04, "패션잡화": .06,
                "컴퓨터": .03},
    ("M", 40): {"남성의류": .33, "스포츠패션": .27, "건강식품": .06, "아웃도어/레저": .06, "유아동의류": .03},
    ("M", 50): {"건강식품": .38, "남성의류": .25, "스포츠패션": .15, "아웃도어/레저": .07},
}
for _g in ("F", "M"):  # 60s–80s share the 50s/60s table
    for _a in (70, 80):
        FAVOURITE_WEIGHTS[(_g, _a)] = FAVOURITE_WEIGHTS[(_g, 60 if _g == "F" else 50)]
FAVOURITE_WEIGHTS[("M", 60)] = FAVOURITE_WEIGHTS[("M", 50)]
#: Probability that a session's primary category is the client's favourite (else: adjusted global shares).
FAVOURITE_SESSION_SHARE = 0.55

# ------------------------------------------------------------------------------------------------
# Demographics, devices, regions (DATA.md)
# ------------------------------------------------------------------------------------------------

GENDER_SHARES = {"F": 0.85, "M": 0.15}
AGE_SHARES = {10: 0.6, 20: 14.2, 30: 46.7, 40: 32.2, 50: 5.5, 60: 0.8, 70: 0.08, 80: 0.02}
DEVICE_SHARES = {"mobile": 84.4, "desktop": 15.2, "tablet": 0.4}
REGION_SHARES = {
    "Seoul": 37.6, "Gyeonggi-do": 17.3, "Busan": 10.9, "Gyeongsangnam-do": 4.7, "Daegu": 4.3, "Incheon": 3.7,
    "Gyeongsangbuk-do": 3.4, "Jeollabuk-do": 2.9, "Chungcheongnam-do": 2.9, "Gwangju": 2.6, "Daejeon": 2.2,
    "Jeollanam-do": 1.8, "Ulsan": 1.7, "Chungcheongbuk-do": 1.6, "Gangwon-do": 1.6, "Jeju-do": 0.7,
}
#: Cities per region, biggest first (161 in all).
CITIES: dict[str, tuple[str, ...]] = {
    "Seoul": ("Seoul",), "Busan": ("Busan",), "Daegu": ("Daegu",), "Incheon": ("Incheon",),
    "Gwangju": ("Gwangju",), "Daejeon": ("Daejeon",), "Ulsan": ("Ulsan",),
    "Gyeonggi-do": ("Suwon-si", "Seongnam-si", "Goyang-si", "Yongin-si", "Bucheon-si", "Ansan-si", "Anyang-si",
                    "Namyangju-si", "Hwaseong-si", "Pyeongtaek-si", "Uijeongbu-si", "Siheung-si", "Paju-si",
                    "Gimpo-si", "Gwangmyeong-si", "Gwangju-si", "Gunpo-si", "Hanam-si", "Osan-si", "Icheon-si",
                    "Anseong-si", "Uiwang-si", "Yangju-si", "Pocheon-si", "Yeoju-si", "Dongducheon-si",
                    "Gwacheon-si", "Guri-si", "Yangpyeong-gun", "Gapyeong-gun", "Yeoncheon-gun"),
    "Gangwon-do": ("Wonju-si", "Chuncheon-si", "Gangneung-si", "Donghae-si", "Sokcho-si", "Samcheok-si",
                   "Taebaek-si", "Hongcheon-gun", "Hoengseong-gun", "Yeongwol-gun", "Pyeongchang-gun",
                   "Jeongseon-gun", "Cheorwon-gun", "Hwacheon-gun", "Yanggu-gun", "Inje-gun", "Goseong-gun",
                   "Yangyang-gun"),
    "Chungcheongbuk-do": ("Cheongju-si", "Chungju-si", "Jecheon-si", "Eumseong-gun", "Jincheon-gun", "Okcheon-gun",
                          "Yeongdong-gun", "Jeungpyeong-gun", "Goesan-gun", "Boeun-gun", "Danyang-gun"),
    "Chungcheongnam-do": ("Cheonan-si", "Asan-si", "Seosan-si", "Dangjin-si", "Nonsan-si", "Gongju-si",
                          "Boryeong-si", "Gyeryong-si", "Hongseong-gun", "Yesan-gun", "Buyeo-gun", "Taean-gun",
                          "Geumsan-gun", "Seocheon-gun", "Cheongyang-gun"),
    "Jeollabuk-do": ("Jeonju-si", "Iksan-si", "Gunsan-si", "Jeongeup-si", "Gimje-si", "Namwon-si", "Wanju-gun",
                     "Gochang-gun", "Buan-gun", "Imsil-gun", "Sunchang-gun", "Jinan-gun", "Muju-gun",
                     "Jangsu-gun"),
    "Jeollanam-do": ("Yeosu-si", "Suncheon-si", "Mokpo-si", "Gwangyang-si", "Naju-si", "Muan-gun", "Haenam-gun",
                     "Goheung-gun", "Hwasun-gun", "Yeongam-gun", "Damyang-gun", "Jangseong-gun", "Yeonggwang-gun",
                     "Wando-gun", "Boseong-gun", "Hampyeong-gun", "Jangheung-gun", "Gangjin-gun", "Sinan-gun",
                     "Jindo-gun", "Gokseong-gun", "Gurye-gun"),
    "Gyeongsangbuk-do": ("Pohang-si", "Gumi-si", "Gyeongsan-si", "Gyeongju-si", "Andong-si", "Gimcheon-si",
                         "Chilgok-gun", "Yeongju-si", "Yeongcheon-si", "Sangju-si", "Mungyeong-si", "Yecheon-gun",
                         "Uiseong-gun", "Uljin-gun", "Seongju-gun", "Cheongdo-gun", "Yeongdeok-gun", "Goryeong-gun",
                         "Bonghwa-gun", "Gunwi-gun", "Cheongsong-gun", "Yeongyang-gun", "Ulleung-gun"),
    "Gyeongsangnam-do": ("Changwon-si", "Gimhae-si", "Yangsan-si", "Jinju-si", "Geoje-si", "Tongyeong-si",
                         "Sacheon-si", "Miryang-si", "Haman-gun", "Changnyeong-gun", "Geochang-gun", "Goseong-gun",
                         "Hadong-gun", "Hapcheon-gun", "Namhae-gun", "Hamyang-gun", "Sancheong-gun",
                         "Uiryeong-gun"),
    "Jeju-do": ("Jeju-si", "Seogwipo-si"),
}

# ------------------------------------------------------------------------------------------------
# Store data (chapter 6)
# ------------------------------------------------------------------------------------------------

STORES = ("롯데백화점 본점", "롯데백화점 잠실점", "롯데백화점 부산본점", "롯데백화점 대구점", "롯데마트 서울역점",
          "롯데마트 수원점", "롯데아울렛 파주점", "롯데몰 김포공항점")
SURVEY_CATEGORIES = ("의류", "화장품", "생활용품", "건강식품")
SURVEY_REASONS = ("저렴해서", "편리해서", "필수품이라서", "종류가 다양해서")
SURVEY_CHANNELS = ("온라인", "오프라인", "오프라인 확인 후 온라인 구매", "온라인 확인 후 오프라인 구매")
_OFFLINE_NOTES = ("사이즈 교환 문의", "색상 비교 후 구매, 재방문 예정", "온라인 가격 확인 후 구매", "선물용, 포장 요청",
                  "직원 추천 상품", "쿠폰 사용, 포인트 적립", "재고 없음, 온라인 주문 안내", "시착 후 구매",
                  "행사 상품 문의", "가족과 함께 방문, 여러 상품 비교")
#: CLAC1 written in the dirty offline rows (not one of the 37).
OFFLINE_UNKNOWN_CATEGORY = "기타잡화"


def _survey_category(clac1: str) -> str:
    if clac1 in ("화장품/뷰티케어", "퍼스널케어"):
        return "화장품"
    if clac1 == "건강식품":
        return "건강식품"
    if clac1 in ("여성의류", "남성의류", "스포츠패션", "패션잡화", "속옷/양말/홈웨어", "유아동의류", "시즌스포츠",
                 "아웃도어/레저"):
        return "의류"
    return "생활용품"


# ------------------------------------------------------------------------------------------------
# Dirty rules
# ------------------------------------------------------------------------------------------------

#: Dirty-row rules (``dirty=True``): name -> what is in the files. ``GenerationResult.dirty`` maps each
#: name to the exact number of rows it concerns (0 for all with ``dirty=False``).
DIRTY_RULES: dict[str, str] = {
    "hits_seq_1": "Product rows with HITS_SEQ = 1 (extra lines, ≈ 0.1 %)",
    "duplicate_product_rows": "Product rows that exactly repeat the row before them (the extra copies)",
    "negative_amount": "Product rows with a negative PD_BUY_AM (\"-39,000\")",
    "price_div1000": "Product rows in PRICE_DIV1000_CATEGORIES recorded ÷1000 (< 10,000 KRW; true price ≥ 200,000)",
    "outlier_session": "Product rows of the one ≈ 100,000,000 KRW session (one 상품권 line, quantity in the hundreds)",
    "custom_age_99": "Custom rows with CLNT_AGE = 99",
    "custom_gender_x": "Custom rows with CLNT_GENDER = 'X'",
    "session_device_smarttv": "Session rows with DVC_CTG_NM = 'smartTV'",
    "session_outside_window": "Session rows whose SESS_DT lies 1–3 days outside the window (their lines too)",
    "session_empty_time": "Session rows with an empty TOT_SESS_HR_V",
    "session_nan_page_views": "Session rows with an empty (NaN) TOT_PAG_VIEW_CT",
    "offline_negative_amount": "offline_purchases rows with a negative AMOUNT",
    "offline_unknown_category": f"offline_purchases rows whose CLAC1_NM is '{OFFLINE_UNKNOWN_CATEGORY}'",
}
_DIRTY_RATES = {
    "hits_seq_1": 0.001, "duplicate_product_rows": 0.0002, "negative_amount": 5e-6,
    "price_div1000_of_eligible": 0.10, "custom_age_99": 3e-5, "custom_gender_x": 3e-5,
    "session_device_smarttv": 2e-6, "session_outside_window": 3e-6, "session_empty_time": 0.003,
    "session_nan_page_views": 0.002, "offline_negative_amount": 0.003, "offline_unknown_category": 0.003,
}
ZERO_PAD_RATE = 0.005
OUTLIER_SESSION_KRW = 100_000_000


# ------------------------------------------------------------------------------------------------
# Result
# ------------------------------------------------------------------------------------------------

@dataclass
class GenerationResult:
    """What :func:`generate` wrote.

    Attributes
    ----------
    out_dir : Path
    files : dict
        Table key (``product, search1, search2, custom, session, master, offline_purchases, signup_survey``)
        -> path.
    truth_files : dict
        ``customers, daily_intensity, weather, planted`` -> path under ``out_dir/_truth``.
    row_counts : dict
        Table key -> data rows written (header excluded, dirty rows included).
    dirty : dict
        Dirty rule (:data:`DIRTY_RULES`) -> rows in the files.
    quirks : dict
        Format features that are not errors -> rows (zero-padded ids, separator quantities, unknown store ids).
    truth : dict
        The content of ``planted.json``.
    """

    out_dir: Path
    files: dict[str, Path]
    truth_files: dict[str, Path]
    row_counts: dict[str, int]
    dirty: dict[str, int]
    quirks: dict[str, int]
    truth: dict = field(repr=False)


# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------

def _rng(seed: int, name: str) -> np.random.Generator:
    """An independent, stable random stream per component (changing one never shifts another)."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])


def _parse_date(value, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{name}={value!r} is not an ISO date: give it as 'YYYY-MM-DD', e.g. '2018-04-01'.")


def _check_choice(name: str, value, allowed) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name}={value!r} is not supported: use one of {sorted(allowed)}.")


def _norm(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _choice_cdf(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Draw ``size`` indices from a cumulative distribution (vectorised)."""
    idx = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right")
    return np.minimum(idx, len(cdf) - 1)


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Position of the first element of each run, repeated for every element (keys sorted)."""
    if len(sorted_keys) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(len(sorted_keys), dtype=bool)
    new[0] = True
    new[1:] = sorted_keys[1:] != sorted_keys[:-1]
    starts = np.flatnonzero(new)
    return np.repeat(starts, np.diff(np.append(starts, len(sorted_keys))))


def _pick(rng: np.random.Generator, pool, n: int) -> np.ndarray:
    """Up to ``n`` distinct elements of ``pool`` (an array, or ``range(pool)`` for an int)."""
    size = pool if isinstance(pool, (int, np.integer)) else len(pool)
    return np.asarray(rng.choice(pool, min(int(n), int(size)), replace=False), dtype=np.int64)


def _rate_count(rate: float, n: int, minimum: int = 1) -> int:
    return int(min(n, max(minimum, round(rate * n)))) if n > 0 else 0


# ------------------------------------------------------------------------------------------------
# Weather and daily intensity
# ------------------------------------------------------------------------------------------------

#: Seoul monthly normals 1981–2010 (DATA.md): mean temperature (°C) and precipitation (mm), Jan..Dec.
SEOUL_TEMP_NORMALS = (-2.4, 0.4, 5.7, 12.5, 17.8, 22.2, 24.9, 25.7, 21.2, 14.8, 7.2, 0.4)
SEOUL_RAIN_NORMALS = (20.8, 25.0, 47.2, 77.9, 102.0, 133.2, 394.7, 364.2, 169.3, 51.8, 52.5, 21.5)


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance."""
    from scipy.signal import lfilter

    eps = rng.standard_normal(n) * np.sqrt(1 - phi * phi)
    eps[0] = rng.standard_normal()
    return lfilter([1.0], [1.0, -phi], eps)


def _weather_year(year: int, seed: int) -> pd.DataFrame:
    from scipy.special import ndtri

    rng = _rng(seed, f"weather-{year}")
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    doy = days.day_of_year.to_numpy()
    month = days.month.to_numpy() - 1
    mid = np.array([pd.Timestamp(year, m + 1, 15).day_of_year for m in range(12)])
    normals = np.array(SEOUL_TEMP_NORMALS)
    xp = np.concatenate([mid - len(days), mid, mid + len(days)])
    climate = np.interp(doy, xp, np.tile(normals, 3))
    temp = climate + 2.6 * _ar1(rng, len(days), 0.75)
    rain_total = np.array(SEOUL_RAIN_NORMALS)
    mean_wet = 8.0 + 0.04 * rain_total            # mm per wet day: heavier in the monsoon
    days_in_month = np.bincount(month, minlength=12)
    p_wet = np.clip(rain_total / (days_in_month * mean_wet), 0.02, 0.9)
    latent = _ar1(rng, len(days), 0.55)            # persistence: wet days cluster
    wet = latent > ndtri(1 - p_wet[month])
    amount = rng.gamma(0.8, mean_wet[month] / 0.8)
    rain = np.where(wet, np.maximum(0.1, amount), 0.0)
    return pd.DataFrame({"date": days, "temp_mean": np.round(temp, 1), "rain_mm": np.round(rain, 1)})


def synthetic_weather(start, end, seed: int = 42) -> pd.DataFrame:
    """Deterministic synthetic daily Seoul weather from the 1981–2010 monthly normals.

    Each calendar year is generated as a whole from ``seed`` and the year, so a day's weather does not
    depend on the window asked for. Temperature: normals interpolated through the year plus an AR(1)
    anomaly (sd ≈ 2.6 °C); rain: wet days from a persistent latent process (clustered, most in Jul–Aug),
    gamma amounts matching the monthly normals on average.

    Parameters
    ----------
    start, end : str or date
        Inclusive ISO dates.
    seed : int

    Returns
    -------
    DataFrame
        ``date`` (datetime64[ns], midnight), ``temp_mean`` (°C, one decimal), ``rain_mm`` (mm, 0 when dry).

    Raises
    ------
    ValueError
        Unparseable dates or ``end`` before ``start``.
    """
    s, e = _parse_date(start, "start"), _parse_date(end, "end")
    if e < s:
        raise ValueError(f"end={e} is before start={s}: give an end date on or after the start date.")
    frames = [_weather_year(y, seed) for y in range(s.year, e.year + 1)]
    out = pd.concat(frames, ignore_index=True)
    mask = (out["date"] >= pd.Timestamp(s)) & (out["date"] <= pd.Timestamp(e))
    return out.loc[mask].reset_index(drop=True)


def _holiday_factors(days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    import holidays as holidays_pkg

    years = range(days[0].year, days[-1].year + 1)
    kr = holidays_pkg.KR(years=years, categories=("public", "bank"), language="en_US")
    factor = np.ones(len(days))
    flag = np.zeros(len(days), dtype=np.int8)
    pos = {d: i for i, d in enumerate(days.date)}
    major_days = sorted(d for d, n in kr.items() if "Chuseok" in n or "Korean New Year" in n)
    for d, _name in kr.items():
        if d in pos:
            factor[pos[d]] = HOLIDAY_FACTORS["holiday"]
            flag[pos[d]] = 1
    # A run of major days (Chuseok/Seollal and its substitute day) gets the strong dip, the 3 days before
    # the run a milder one.
    for d in major_days:
        if d in pos:
            factor[pos[d]] = HOLIDAY_FACTORS["major"]
        if d - timedelta(days=1) not in major_days:
            for k in (1, 2, 3):
                p = d - timedelta(days=k)
                if p in pos and p not in kr:
                    factor[pos[p]] = min(factor[pos[p]], HOLIDAY_FACTORS["pre_major"])
    return factor, flag


def _daily_intensity(days: pd.DatetimeIndex, weather: pd.DataFrame, seed: int) -> dict[str, np.ndarray]:
    """Relative daily intensity per category (37 x D) and its factors."""
    n_cat, n_days = len(CATEGORIES), len(days)
    dow = days.day_of_week.to_numpy()
    wk = np.array([PLANTED_WEEKDAY_FACTORS[c] for c in CATEGORIES])[:, dow]
    hol, hol_flag = _holiday_factors(days)
    rain = weather["rain_mm"].to_numpy()
    temp = weather["temp_mean"].to_numpy()
    rain_f = 1 - WEATHER_EFFECTS["rain"] * np.minimum(rain, WEATHER_EFFECTS["rain_cap_mm"]) / WEATHER_EFFECTS[
        "rain_cap_mm"]
    heat_coef = np.array([WEATHER_EFFECTS["heat"].get(c, 0.0) for c in CATEGORIES])
    heat_f = 1 + heat_coef[:, None] * np.maximum(temp - WEATHER_EFFECTS["heat_base_c"], 0)[None, :]
    years = ((days - pd.Timestamp(TREND_ANCHOR)).days.to_numpy() / 365.25).clip(-3, 3)
    slope = np.array([TREND_PER_YEAR.get(c, 0.0) for c in CATEGORIES])
    trend = np.exp(slope[:, None] * years[None, :])
    noise = np.exp(_rng(seed, "daily-noise").normal(0, DAILY_NOISE_SIGMA, size=(n_cat, n_days)))
    weather_f = rain_f[None, :] * heat_f
    total = wk * hol[None, :] * weather_f * trend * noise
    return {"intensity": total, "weekday": wk, "holiday": np.broadcast_to(hol, (n_cat, n_days)),
            "holiday_flag": hol_flag, "weather": weather_f, "trend": trend, "noise": noise}


# ------------------------------------------------------------------------------------------------
# Generation steps
# ------------------------------------------------------------------------------------------------

def _sizes(scale: str, n_days: int) -> dict[str, int]:
    base = SCALES[scale]
    out = dict(base)
    for key in _TRANSACTION_SIZES:
        out[key] = max(1, int(round(base[key] * n_days / REFERENCE_DAYS)))
    return out


def _pattern_multipliers() -> np.ndarray:
    """(37 x 4) multipliers for (time, views, searches, price) by category."""
    m = np.array([[PATTERN_EFFECTS[v]["neutral"] for v in PATTERN_VARIABLES]] * len(CATEGORIES))
    for c, bits in PLANTED_PATTERNS.items():
        m[CATEGORIES.index(c)] = [PATTERN_EFFECTS[v]["high" if b == "1" else "low"]
                                  for v, b in zip(PATTERN_VARIABLES, bits)]
    return m


def _brand_vocab(seed: int) -> tuple[list[str], np.ndarray]:
    """Brand names and the category of each (real names first, then made-up ones)."""
    names, cats = [], []
    rng = _rng(seed, "brands")
    made = [a + b + c for a in _BRAND_SYLLABLES_1 for b in _BRAND_SYLLABLES_2 for c in ("", "코", "나", "스")]
    order = rng.permutation(len(made))
    used = 0
    for i, c in enumerate(CATEGORIES):
        own = list(BRANDS[c])
        while len(own) < _BRANDS_PER_CATEGORY:
            own.append(made[order[used % len(made)]])
            used += 1
        names += own
        cats += [i] * len(own)
    return names, np.array(cats)


def _clac_tables() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """CLAC2 names with their CLAC1 index; CLAC3 names with their CLAC2 index (898 in all)."""
    clac2, clac2_cat = [], []
    for i, c in enumerate(CATEGORIES):
        for name in CLAC2_BY_CLAC1[c]:
            clac2.append(name)
            clac2_cat.append(i)
    n2 = len(clac2)
    per = np.full(n2, N_CLAC3 // n2)
    per[: N_CLAC3 - per.sum()] += 1
    clac3, clac3_of2 = [], []
    for j, name in enumerate(clac2):
        for k in range(per[j]):
            clac3.append(f"{name} {_CLAC3_SUFFIXES[k % len(_CLAC3_SUFFIXES)]}")
            clac3_of2.append(j)
    return clac2, np.array(clac2_cat), clac3, np.array(clac3_of2)


def _make_master(sizes: dict, seed: int) -> dict:
    rng = _rng(seed, "master")
    n = sizes["master"]
    shares = _norm(list(CLAC1_SHARES.values()))
    alloc = _norm(shares ** 0.8)
    per_cat = np.maximum(3, np.floor(alloc * n).astype(int))
    per_cat[0] += n - per_cat.sum()
    cat = np.repeat(np.arange(len(CATEGORIES)), per_cat).astype(np.int16)
    n = len(cat)
    clac2, clac2_cat, clac3, clac3_of2 = _clac_tables()
    n2_per_cat = np.bincount(clac2_cat, minlength=len(CATEGORIES))
    off2 = np.concatenate([[0], np.cumsum(n2_per_cat)[:-1]])
    c2 = off2[cat] + np.floor(rng.random(n) ** 1.3 * n2_per_cat[cat]).astype(int)
    n3_per_2 = np.bincount(clac3_of2, minlength=len(clac2))
    off3 = np.concatenate([[0], np.cumsum(n3_per_2)[:-1]])
    c3 = off3[c2] + np.floor(rng.random(n) * n3_per_2[c2]).astype(int)

    brands, brand_cat = _brand_vocab(seed)
    nb_per_cat = np.bincount(brand_cat, minlength=len(CATEGORIES))
    offb = np.concatenate([[0], np.cumsum(nb_per_cat)[:-1]])
    brand = offb[cat] + np.floor(rng.random(n) ** 1.6 * nb_per_cat[cat]).astype(int)
    bracketed = rng.random(n) < 0.15

    # Unit prices.
    mult = _pattern_multipliers()[:, 3]
    median = np.array([PRICE_PARAMS.get(c, (PLANTED_PRICE_MEDIAN, PLANTED_PRICE_SIGMA))[0] for c in CATEGORIES])
    sigma = np.array([PRICE_PARAMS.get(c, (PLANTED_PRICE_MEDIAN, PLANTED_PRICE_SIGMA))[1] for c in CATEGORIES])
    level = np.array([1.0 if c in PLANTED_PATTERNS else UNPLANTED_PRICE_LEVEL for c in CATEGORIES])
    price = median[cat] * mult[cat] * level[cat] * np.exp(sigma[cat] * rng.standard_normal(n))
    floor = np.full(len(CATEGORIES), 500.0)
    floor[[CATEGORIES.index(c) for c in _FLOORED_CATEGORIES]] = PRICE_FLOOR_EXPENSIVE
    price = np.clip(price, floor[cat], 6_000_000)
    step = np.where(price >= 100_000, 1000, np.where(price >= 10_000, 100, 10))  # ÷1000 errors stay exact
    price = (np.round(price / step) * step).astype(np.int64)
    price = np.maximum(price, floor[cat].astype(np.int64))

    # Popularity within category (mild Zipf over a random order).
    rank = np.empty(n)
    order = np.lexsort((rng.random(n), cat))
    starts = _group_starts(cat[order])
    rank[order] = np.arange(n) - starts + 1
    popularity = rank ** -0.6

    pd_c = rng.choice(int(n * 1.15) + 2_000, size=n, replace=False).astype(np.int64) + 1

    # Product names: "[brand] modifier item" plus the quirks of the real names.
    item_words, item_off, item_n = [], [], []
    for c in CATEGORIES:
        item_off.append(len(item_words))
        item_n.append(len(ITEM_WORDS[c]))
        item_words += list(ITEM_WORDS[c])
    item_off, item_n = np.array(item_off), np.array(item_n)
    item = item_off[cat] + np.floor(rng.random(n) * item_n[cat]).astype(int)
    modifiers = ["", "신상", "베이직", "프리미엄", "2018 S/S", "여름", "데일리", "오버핏", "슬림핏", "대용량", "미니",
                 "정품", "특가", "1+1", "무료배송", "국내산", "블랙", "화이트", "네이비", "베이지"]
    mod = rng.integers(0, len(modifiers), n)
    comma_suffixes = [" 블랙, 화이트", " S, M, L", " 1+1, 무료배송", " 2종 택1, 단독", " 30ml, 50ml"]
    quote_suffixes = [' 13.3"', ' "한정수량"', ' 24" 캐리어']
    u = rng.random(n)
    brand_arr = pa.array(brands).take(pa.array(brand))
    name = pc.binary_join_element_wise(
        brand_arr, pa.array(modifiers).take(pa.array(mod)), pa.array(item_words).take(pa.array(item)), " ")
    name = pc.replace_substring_regex(name, "  +", " ")
    # Quirks: commas (4 %), double quotes (1 %), '◈123◈' suffix (1 %), leading '=' (0.2 %).
    comma = u < 0.04
    quote = (u >= 0.04) & (u < 0.05)
    diamond = (u >= 0.05) & (u < 0.06)
    equals = (u >= 0.06) & (u < 0.062)
    suffix = np.full(n, "", dtype=object)
    suffix[comma] = np.array(comma_suffixes, dtype=object)[rng.integers(0, len(comma_suffixes), comma.sum())]
    suffix[quote] = np.array(quote_suffixes, dtype=object)[rng.integers(0, len(quote_suffixes), quote.sum())]
    nums = rng.integers(100, 1000, n)
    diamond_txt = pc.binary_join_element_wise("◈", pc.cast(pa.array(nums), pa.string()), "◈", "")
    suffix_arr = pc.if_else(pa.array(diamond), diamond_txt, pa.array(suffix, type=pa.string()))
    name = pc.binary_join_element_wise(name, suffix_arr, "")
    name = pc.if_else(pa.array(equals), pc.binary_join_element_wise("=", name, ""), name)
    return {
        "cat": cat, "clac2": c2, "clac3": c3, "clac2_names": clac2, "clac3_names": clac3,
        "brand": brand, "bracketed": bracketed, "brand_names": brands, "price": price,
        "popularity": popularity, "pd_c": pd_c, "name": name, "n": n,
    }


def _favourite_distribution() -> dict:
    """Per (gender, age) favourite probabilities (37-vector) and the non-favourite draw ``q``."""
    shares = _norm(list(CLAC1_SHARES.values()))
    table = {}
    for key, weights in FAVOURITE_WEIGHTS.items():
        p = np.zeros(len(CATEGORIES))
        for c, w in weights.items():
            p[CATEGORIES.index(c)] = w
        p += (1 - p.sum()) * shares
        table[key] = p
    return {"table": table, "shares": shares}


def _make_clients(sizes: dict, n_days: int, seed: int, fav: dict) -> dict:
    rng = _rng(seed, "clients")
    n = sizes["clients"]
    id_space = 7 * n + 1_000
    ids = np.sort(rng.choice(id_space, size=n, replace=False).astype(np.int64) + 1)
    members = np.zeros(n, dtype=bool)
    members[rng.permutation(n)[: min(sizes["members"], n)]] = True
    genders = np.array(list(GENDER_SHARES))
    ages = np.array(list(AGE_SHARES))
    gender = np.where(members, genders[_choice_cdf(rng, np.cumsum(list(GENDER_SHARES.values())), n)], "")
    age = np.where(members, ages[_choice_cdf(rng, np.cumsum(list(AGE_SHARES.values())), n)], 0)

    favourite = np.empty(n, dtype=np.int16)
    non_members = ~members
    favourite[non_members] = _choice_cdf(rng, np.cumsum(fav["shares"]), non_members.sum())
    for (g, a), p in fav["table"].items():
        sel = members & (gender == g) & (age == a)
        if sel.any():
            favourite[sel] = _choice_cdf(rng, np.cumsum(p), sel.sum())

    device = _choice_cdf(rng, np.cumsum(list(DEVICE_SHARES.values())), n)
    region = _choice_cdf(rng, np.cumsum(list(REGION_SHARES.values())), n)
    city_names, city_region, city_w = [], [], []
    for r_i, r in enumerate(REGION_SHARES):
        for k, cname in enumerate(CITIES[r]):
            city_names.append(cname)
            city_region.append(r_i)
            city_w.append((k + 1) ** -0.9)
    city_region, city_w = np.array(city_region), np.array(city_w)
    city = np.empty(n, dtype=np.int64)
    for r_i in range(len(REGION_SHARES)):  # 16 regions
        sel = region == r_i
        idx = np.flatnonzero(city_region == r_i)
        city[sel] = idx[_choice_cdf(rng, np.cumsum(city_w[idx]), sel.sum())]

    # Purchase sessions: 1 + gamma-Poisson extra (many one-day buyers, a few very frequent ones).
    # For windows shorter than 183 days only part of the population buys at all.
    active_share = min(1.0, n_days / REFERENCE_DAYS) ** 0.7
    active = rng.random(n) < active_share
    n_active = max(1, int(active.sum()))
    extra_mean = max(0.05, sizes["product_sessions"] / n_active - 1)
    shape = 0.4
    rate = rng.gamma(shape, extra_mean / shape, n)
    n_sessions = np.where(active, 1 + rng.poisson(rate), 0)
    basket = rng.gamma(2.0, 0.5, n)                 # client basket-size factor, mean 1
    seq_offset = rng.geometric(0.02, n) - 1          # sessions before the window (lifetime counter)
    return {"id": ids, "member": members, "gender": gender, "age": age, "favourite": favourite,
            "device": device, "region": region, "city": city, "city_names": city_names,
            "n_sessions": n_sessions, "basket": basket, "seq_offset": seq_offset, "n": n}


def _draw_by_category(rng, cats: np.ndarray, pools: list[np.ndarray], weights: list[np.ndarray]) -> np.ndarray:
    """For each element's category, draw one index from that category's pool (loop over 37 categories)."""
    out = np.zeros(len(cats), dtype=np.int64)
    for k in range(len(pools)):
        sel = np.flatnonzero(cats == k)
        if len(sel) and len(pools[k]):
            out[sel] = pools[k][_choice_cdf(rng, np.cumsum(weights[k]), len(sel))]
    return out


def _make_sessions(sizes: dict, clients: dict, intensity: np.ndarray, seed: int, fav: dict) -> dict:
    rng = _rng(seed, "sessions")
    n_cat = len(CATEGORIES)
    shares = fav["shares"]
    # Non-favourite draw q: the global shares corrected for the favourites' pull, so that line shares
    # across all clients stay close to DATA.md.
    fav_marg = np.bincount(clients["favourite"][clients["n_sessions"] > 0], minlength=n_cat).astype(float)
    fav_marg = fav_marg / max(1.0, fav_marg.sum())
    f = FAVOURITE_SESSION_SHARE
    # Floors keep every category present in every group (higher for the planted ones, which chapter 2
    # compares within each age x gender group).
    floor = np.where([c in PLANTED_PATTERNS for c in CATEGORIES], 0.8, 0.5) * shares
    q = np.maximum((shares - f * fav_marg) / (1 - f), floor)
    q = _norm(q)
    q_cdf = np.cumsum(q)

    client = np.repeat(np.arange(clients["n"]), clients["n_sessions"])
    s = len(client)
    primary = np.where(rng.random(s) < f, clients["favourite"][client], _choice_cdf(rng, q_cdf, s)).astype(np.int16)

    mean_lines = sizes["product_lines"] / max(1, sizes["product_sessions"])
    n_lines = 1 + rng.poisson(clients["basket"][client] * (mean_lines - 1))
    multi_ok = n_lines >= 2
    p_multi = min(0.95, MULTI_CATEGORY_SESSION_SHARE / max(1e-9, multi_ok.mean()))
    multi = multi_ok & (rng.random(s) < p_multi)
    n_cats = np.where(multi, np.minimum(n_lines, 2 + rng.binomial(2, 0.2, s)), 1)
    cats = np.full((s, 4), -1, dtype=np.int16)
    cats[:, 0] = primary
    partner = np.full(n_cat, -1)
    for a, b in PLANTED_COPURCHASE_PAIRS:
        partner[CATEGORIES.index(a)] = CATEGORIES.index(b)
        partner[CATEGORIES.index(b)] = CATEGORIES.index(a)
    for slot in (1, 2, 3):
        need = n_cats > slot
        draw = _choice_cdf(rng, q_cdf, s)
        if slot == 1:
            use_partner = (partner[primary] >= 0) & (rng.random(s) < COPURCHASE_PAIR_PROB)
            draw = np.where(use_partner, partner[primary], draw)
        draw = np.where(need, draw, -1)
        for _ in range(50):  # redraw collisions with earlier slots (bounded; almost always 1–2 passes)
            clash = need & (cats[:, :slot] == draw[:, None]).any(axis=1)
            if not clash.any():
                break
            draw[clash] = _choice_cdf(rng, q_cdf, clash.sum())
        else:
            clash = need & (cats[:, :slot] == draw[:, None]).any(axis=1)
            n_cats[clash] = slot
            draw[clash] = -1
        cats[:, slot] = np.where(n_cats > slot, draw, -1)

    # Dates: in proportion to the primary category's daily intensity, by systematic sampling (daily session
    # counts equal the expected ones up to rounding), handed to the category's sessions in random order.
    day = np.zeros(s, dtype=np.int32)
    for k in range(n_cat):
        sel = np.flatnonzero(primary == k)
        if len(sel):
            cdf = np.cumsum(intensity[k])
            u = (np.arange(len(sel)) + rng.random()) / len(sel) * cdf[-1]
            day[sel[rng.permutation(len(sel))]] = np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)

    # Extra Session rows whose lines are not in Product (neutral behaviour, dated by total intensity).
    n_extra = max(0, sizes["session_rows"] - sizes["product_sessions"])
    buyers = client
    extra_client = buyers[rng.integers(0, max(1, s), n_extra)] if s else np.zeros(0, dtype=np.int64)
    extra_day = _choice_cdf(rng, np.cumsum(intensity.sum(axis=0)), n_extra)

    all_client = np.concatenate([client, extra_client]).astype(np.int64)
    all_day = np.concatenate([day, extra_day]).astype(np.int32)
    all_primary = np.concatenate([primary, np.full(n_extra, -1, dtype=np.int16)])
    all_lines = np.concatenate([n_lines, np.zeros(n_extra, dtype=np.int64)])
    all_cats = np.concatenate([cats, np.full((n_extra, 4), -1, dtype=np.int16)])
    all_ncats = np.concatenate([n_cats, np.zeros(n_extra, dtype=np.int64)])
    order = np.lexsort((rng.random(len(all_client)), all_day, all_client))
    all_client, all_day, all_primary = all_client[order], all_day[order], all_primary[order]
    all_lines, all_cats, all_ncats = all_lines[order], all_cats[order], all_ncats[order]
    total = len(all_client)
    rank = np.arange(total) - _group_starts(all_client)
    sess_seq = clients["seq_offset"][all_client] + rank + 1

    # SESS_ID: drawn from a range smaller than the number of sessions, so ids repeat across clients;
    # repeats within a client are replaced by fresh ids.
    sess_id = rng.integers(1, max(1_000, int(total * 1.2)), total).astype(np.int64)
    key = all_client * (1 << 31) + sess_id
    _, first = np.unique(key, return_index=True)
    dup = np.ones(total, dtype=bool)
    dup[first] = False
    sess_id[dup] = max(1_000, int(total * 1.2)) + np.arange(dup.sum())

    # Behaviour variables with the planted multipliers of the primary category.
    mult = np.vstack([_pattern_multipliers(), np.ones((1, 4))])  # row -1 -> neutral
    m = mult[all_primary]
    views_raw = np.exp(np.log(57.0) + 0.75 * rng.standard_normal(total)) * m[:, 1]
    views = np.clip(np.round(views_raw), 1, 500)
    spv = np.exp(np.log(20.0) + 0.3 * rng.standard_normal(total))
    hr = np.clip(np.round(views_raw * spv * m[:, 0] / m[:, 1]), 1, 80_000).astype(np.int64)
    # Search1 rows per session: Poisson with the planted multiplier (calibrated to the target rows).
    search_mult = m[:, 2]
    lam = sizes["search1"] * 1.03 / max(1e-9, search_mult.sum())
    n_kw = rng.poisson(lam * search_mult)

    device = np.where(rng.random(total) < 0.92, clients["device"][all_client],
                      _choice_cdf(rng, np.cumsum(list(DEVICE_SHARES.values())), total))
    moved = rng.random(total) < 0.05
    city = clients["city"][all_client].copy()
    city[moved] = rng.integers(0, len(clients["city_names"]), moved.sum())
    return {"client": all_client, "day": all_day, "primary": all_primary, "n_lines": all_lines,
            "cats": all_cats, "n_cats": all_ncats, "sess_seq": sess_seq, "sess_id": sess_id,
            "views": views, "hr": hr, "n_kw": n_kw, "device": device, "city": city, "n": total,
            "q": q}


def _make_lines(sessions: dict, master: dict, seed: int) -> dict:
    rng = _rng(seed, "lines")
    n_lines = sessions["n_lines"]
    sess = np.repeat(np.arange(sessions["n"]), n_lines)
    n = len(sess)
    rank = np.arange(n) - _group_starts(sess)
    primary_lines = n_lines[sess] - (sessions["n_cats"][sess] - 1)
    slot = np.maximum(0, rank - primary_lines + 1)
    cat = sessions["cats"][sess, slot].astype(np.int64)

    pools, weights = [], []
    for k in range(len(CATEGORIES)):
        idx = np.flatnonzero(master["cat"] == k)
        pools.append(idx)
        weights.append(master["popularity"][idx])
    product = _draw_by_category(rng, cat, pools, weights)
    price = master["price"][product].copy()
    # Quantities: consumables are often bought several at a time, other goods mostly one.
    multi_buy = np.isin(cat, [CATEGORIES.index(c) for c in MULTI_BUY_CATEGORIES])
    p2, p3 = np.where(multi_buy, 0.35, 0.05), np.where(multi_buy, 0.15, 0.01)
    qty = np.ones(n, dtype=np.int64)
    u = rng.random(n)
    qty[u < p2] = 2
    few = u < p3
    qty[few] = rng.integers(3, 6, few.sum())
    qty = np.where(price >= 500_000, np.minimum(qty, 2), qty)  # no accidental 50 M sessions
    checkout = 2 + np.floor(rng.random(sessions["n"]) * sessions["views"] * 0.8).astype(np.int64)
    hits = checkout[sess] + rank

    # Options (PD_ADD_NM) by kind of product.
    colours = ["블랙", "화이트", "네이비", "그레이", "베이지", "아이보리", "레드", "핑크", "카키", "브라운", "블루",
               "민트"]
    sizes_ = ["44", "55", "66", "77", "S", "M", "L", "XL", "90", "95", "100", "105", "110", "120", "130", "140",
              "150", "160"]
    shoes = [str(x) for x in range(220, 285, 5)]
    volumes = ["30ml", "50ml", "100ml", "150ml", "200ml", "500ml", "1L", "30정", "60정", "90정"]
    options = ["(not set)"]
    apparel0 = len(options)
    options += [f"색상:{c}|사이즈:{s}" for c in colours for s in sizes_]
    options += [f"색상:{c}|사이즈:{s} / 1개" for c in colours[:4] for s in sizes_[:8]]
    apparel_n = len(options) - apparel0
    shoe0 = len(options)
    options += [f"색상:{c}|사이즈:{s}" for c in colours for s in shoes]
    shoe_n = len(options) - shoe0
    vol0 = len(options)
    options += [f"용량:{v}" for v in volumes] + [f"용량:{v} / 2개" for v in volumes[:5]]
    vol_n = len(options) - vol0
    pick0 = len(options)
    options += [f"선택:{i}번" for i in range(1, 9)] + [f"옵션:{c}" for c in colours]
    pick_n = len(options) - pick0
    kind_of = {"apparel": ("여성의류", "남성의류", "유아동의류", "속옷/양말/홈웨어", "스포츠패션", "아웃도어/레저",
                           "시즌스포츠"),
               "volume": ("화장품/뷰티케어", "퍼스널케어", "건강식품"),
               "shoe": ("패션잡화",)}
    opt = np.zeros(n, dtype=np.int64)
    v = rng.random(n)
    for kind, start, count, p_set in (("apparel", apparel0, apparel_n, 0.85), ("shoe", shoe0, shoe_n, 0.6),
                                      ("volume", vol0, vol_n, 0.5)):
        ks = [CATEGORIES.index(c) for c in kind_of[kind]]
        sel = np.isin(cat, ks) & (v < p_set)
        opt[sel] = start + rng.integers(0, count, sel.sum())
    other = ~np.isin(cat, [CATEGORIES.index(c) for cs in kind_of.values() for c in cs]) & (v < 0.25)
    opt[other] = pick0 + rng.integers(0, pick_n, other.sum())
    return {"sess": sess, "cat": cat, "product": product, "price": price, "qty": qty, "hits": hits,
            "option": opt, "options": options, "n": n}


def _keyword_vocab(sizes: dict, master: dict, seed: int) -> dict:
    """Search keywords: items, brands, modifier+item, brand+item, brand+modifier+item (category-tagged)."""
    rng = _rng(seed, "keywords")
    items, item_cat = [], []
    for i, c in enumerate(CATEGORIES):
        items += list(ITEM_WORDS[c])
        item_cat += [i] * len(ITEM_WORDS[c])
    items_arr, item_cat = pa.array(items), np.array(item_cat)
    brands = master["brand_names"]
    brand_cat = np.repeat(np.arange(len(CATEGORIES)), _BRANDS_PER_CATEGORY)
    mods = ["여성", "남성", "아동", "여름", "빅사이즈", "세트", "1+1", "특가", "신상", "정품", "대용량", "미니", "블랙",
            "화이트", "네이비", "린넨", "오버핏", "추천", "할인", "국내산", "유기농", "휴대용", "무선", "고급",
            "가성비",
            "선물", "2018", "인기", "명품", "초특가"]
    n_items, n_brands, n_mods = len(items), len(brands), len(mods)
    target = sizes["keywords2"]
    # Candidate codes: (type, a, b, c) packed into one integer; unique; then ordered by popularity.
    m = int(target * 1.6) + 2_000
    kind = _choice_cdf(rng, np.cumsum([0.02, 0.02, 0.16, 0.30, 0.50]), m)
    it = rng.integers(0, n_items, m)
    k_cat = item_cat[it]
    br = k_cat * _BRANDS_PER_CATEGORY + rng.integers(0, _BRANDS_PER_CATEGORY, m)  # brand of the same category
    md = rng.integers(0, n_mods, m)
    it = np.where(kind == 1, 0, it)
    br = np.where(np.isin(kind, (0, 2)), 0, br)
    md = np.where(np.isin(kind, (0, 1, 3)), 0, md)
    code = ((kind * 4096 + it) * 4096 + br) * 64 + md
    # Always include every single item and brand so short keywords exist.
    base = np.concatenate([(0 * 4096 + np.arange(n_items)) * 4096 * 64,
                           ((1 * 4096 + 0) * 4096 + np.arange(n_brands)) * 64])
    code, first = np.unique(np.concatenate([base, code]), return_index=True)
    order = np.argsort(first, kind="stable")       # keep base words first, then draw order
    code = code[order][:target]
    md = code % 64
    br = (code // 64) % 4096
    it = (code // (64 * 4096)) % 4096
    kind = code // (64 * 4096 * 4096)
    cat = np.where(kind == 1, brand_cat[br], item_cat[it])
    nulls = pa.nulls(len(code), pa.string())
    a = pc.if_else(pa.array(np.isin(kind, (1, 3, 4))), pa.array(brands).take(pa.array(br)), nulls)
    b = pc.if_else(pa.array(np.isin(kind, (2, 4))), pa.array(mods).take(pa.array(md)), nulls)
    c = pc.if_else(pa.array(kind != 1), items_arr.take(pa.array(it)), nulls)
    text = pc.binary_join_element_wise(a, b, c, " ", null_handling="skip")
    # Popularity: shorter keywords and earlier draws are more popular.
    pop_rank = np.argsort(np.argsort(kind + rng.random(len(code)) * 2.5, kind="stable"), kind="stable") + 1
    return {"text": text, "cat": cat, "rank": pop_rank, "n": len(code)}


def _make_search1(sessions: dict, vocab: dict, sizes: dict, seed: int) -> dict:
    rng = _rng(seed, "search1")
    sess = np.repeat(np.arange(sessions["n"]), sessions["n_kw"])
    n = len(sess)
    primary = sessions["primary"][sess].astype(np.int64)
    shares = _norm(list(CLAC1_SHARES.values()))
    random_cat = _choice_cdf(rng, np.cumsum(shares), n)
    kw_cat = np.where((primary >= 0) & (rng.random(n) < 0.8), primary, random_cat)
    # Search1 uses the most popular keywords1 keywords of the vocabulary.
    in_v1 = np.flatnonzero(vocab["rank"] <= sizes["keywords1"])
    pools, weights = [], []
    for k in range(len(CATEGORIES)):
        idx = in_v1[vocab["cat"][in_v1] == k]
        pools.append(idx)
        weights.append(vocab["rank"][idx].astype(float) ** -0.8)
    empty = np.array([len(p) == 0 for p in pools])
    kw_cat = np.where(empty[kw_cat], CATEGORIES.index("여성의류"), kw_cat)
    kw = _draw_by_category(rng, kw_cat, pools, weights)
    key = sess.astype(np.int64) * (1 << 24) + kw
    _, keep = np.unique(key, return_index=True)   # one row per (session, keyword)
    keep.sort()
    sess, kw = sess[keep], kw[keep]
    cnt = rng.geometric(0.53, len(sess)).astype(np.int64)
    return {"sess": sess, "kw": kw, "cnt": cnt, "n": len(sess)}


def _make_search2(vocab: dict, sizes: dict, day_weight: np.ndarray, seed: int) -> dict:
    """Daily searches of all visitors: each keyword appears on a day with a popularity-driven probability."""
    rng = _rng(seed, "search2")
    n_days = len(day_weight)
    target_per_day = sizes["search2"] / n_days
    w = vocab["rank"].astype(float) ** -0.85
    lo, hi = 1e-9, 1e6
    for _ in range(80):  # bisection on the scale so that expected rows match the target
        mid = np.sqrt(lo * hi)
        if np.minimum(1.0, mid * w).sum() < target_per_day:
            lo = mid
        else:
            hi = mid
    p = np.minimum(1.0, lo * w)
    dw = day_weight / day_weight.mean()
    rows_day, rows_kw = [], []
    chunk = max(1, 4_000_000 // n_days)
    for k0 in range(0, vocab["n"], chunk):  # chunks of keywords × all days, for bounded memory
        pk = p[k0:k0 + chunk]
        prob = np.minimum(1.0, pk[:, None] * dw[None, :])
        hit = rng.random(prob.shape) < prob
        kk, dd = np.nonzero(hit)
        rows_kw.append(kk + k0)
        rows_day.append(dd)
    kw = np.concatenate(rows_kw)
    day = np.concatenate(rows_day)
    order = np.lexsort((vocab["rank"][kw], day))
    kw, day = kw[order], day[order]
    # The most searched keyword gets ~30,000 searches a day at full scale, fewer on smaller scales.
    top = 30_000 * min(1.0, target_per_day / (SCALES["full"]["search2"] / REFERENCE_DAYS)) ** 0.5
    mean_cnt = 1 + top * w[kw] / w.max() * dw[day]
    cnt = 1 + rng.poisson(rng.gamma(1.5, (mean_cnt - 1 + 1e-9) / 1.5))
    return {"day": day, "kw": kw, "cnt": cnt.astype(np.int64), "n": len(kw)}


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------

def _pad_flags(rng, n: int) -> np.ndarray:
    """0 = plain, 1 = one leading zero, 2 = two leading zeros."""
    u = rng.random(n)
    return np.where(u < ZERO_PAD_RATE * 0.6, 1, np.where(u < ZERO_PAD_RATE, 2, 0)).astype(np.int8)


def _id_sql(col: str, pad: str) -> str:
    return (f"CASE {pad} WHEN 1 THEN '0' || {col}::VARCHAR WHEN 2 THEN '00' || {col}::VARCHAR "
            f"ELSE {col}::VARCHAR END")


def _dict_array(indices: np.ndarray, vocab) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(indices, dtype=np.int32)), pa.array(vocab))


class _Writer:
    """Writes SELECTs over Arrow tables as CSV with DuckDB, then adds header, BOM and encoding."""

    def __init__(self, encoding: str, bom: bool):
        import duckdb

        self.con = duckdb.connect()
        self.con.execute("SET preserve_insertion_order = true")
        self.encoding = encoding
        self.bom = bom

    def write(self, path: Path, table: pa.Table, select: str, columns, force_quote=()) -> None:
        body = path.with_name(path.name + ".body")
        self.con.register("t", table)
        opts = "HEADER false, DELIMITER ','"
        if force_quote:
            opts += ", FORCE_QUOTE (" + ", ".join(force_quote) + ")"
        target = str(body).replace("'", "''")
        self.con.execute(f"COPY ({select} FROM t) TO '{target}' ({opts})")
        self.con.unregister("t")
        with open(path, "wb") as out:
            if self.bom:
                out.write(codecs.BOM_UTF8)
            out.write((",".join(columns) + "\n").encode(self.encoding))
            with open(body, "rb") as src:
                if self.encoding == "utf-8":
                    shutil.copyfileobj(src, out, 16 << 20)
                else:
                    dec = codecs.getincrementaldecoder("utf-8")()
                    while chunk := src.read(16 << 20):
                        out.write(dec.decode(chunk).encode(self.encoding))
                    out.write(dec.decode(b"", final=True).encode(self.encoding))
        body.unlink()

    def close(self) -> None:
        self.con.close()


# ------------------------------------------------------------------------------------------------
# Public entry point
# ------------------------------------------------------------------------------------------------

def generate(out_dir, *, start_date="2018-04-01", end_date="2018-09-30", scale="sample", seed=42,
             naming="original", encoding="utf-8", bom=False, dirty=True) -> GenerationResult:
    """Write synthetic L.Point tables in the real format, the store files and the planted truth.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if missing; existing files of the same names are replaced).
    start_date, end_date : str
        Inclusive ISO dates of the window (any range up to ten years).
    scale : {'tiny', 'sample', 'full'}
        Row counts (:data:`SCALES`); transaction tables scale with the window length.
    seed : int
        Same arguments, same bytes.
    naming : {'original', 'short'}
        Competition file names (``…-01.Pruduct.csv``) or ``01.Product.csv`` ….
    encoding : {'utf-8', 'cp949'}
    bom : bool
        Start UTF-8 files with a byte-order mark (only with ``encoding='utf-8'``).
    dirty : bool
        Add the dirty rows of :data:`DIRTY_RULES`.

    Returns
    -------
    GenerationResult

    Raises
    ------
    ValueError
        A parameter is out of its allowed set or range; the message names it.
    """
    start = _parse_date(start_date, "start_date")
    end = _parse_date(end_date, "end_date")
    if end < start:
        raise ValueError(f"end_date={end} is before start_date={start}: give an end_date on or after start_date.")
    n_days = (end - start).days + 1
    if n_days > MAX_WINDOW_DAYS:
        raise ValueError(f"start_date..end_date spans {n_days} days; at most {MAX_WINDOW_DAYS} are supported.")
    _check_choice("scale", scale, VALID_SCALES)
    _check_choice("naming", naming, VALID_NAMINGS)
    _check_choice("encoding", encoding, VALID_ENCODINGS)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} is not a non-negative integer.")
    if not isinstance(bom, bool):
        raise ValueError(f"bom={bom!r} must be True or False.")
    if bom and encoding != "utf-8":
        raise ValueError("bom=True needs encoding='utf-8' (CP949 files have no byte-order mark).")
    if not isinstance(dirty, bool):
        raise ValueError(f"dirty={dirty!r} must be True or False.")
    seed = int(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth_dir = out / TRUTH_DIR
    truth_dir.mkdir(exist_ok=True)

    sizes = _sizes(scale, n_days)
    days = pd.date_range(start, end, freq="D")
    weather = synthetic_weather(start, end, seed)
    daily = _daily_intensity(days, weather, seed)
    fav = _favourite_distribution()
    master = _make_master(sizes, seed)
    clients = _make_clients(sizes, n_days, seed, fav)
    sessions = _make_sessions(sizes, clients, daily["intensity"], seed, fav)
    lines = _make_lines(sessions, master, seed)
    vocab = _keyword_vocab(sizes, master, seed)
    search1 = _make_search1(sessions, vocab, sizes, seed)
    search2 = _make_search2(vocab, sizes, daily["intensity"].sum(axis=0), seed)

    rng = _rng(seed, "dirty")
    dirty_counts = {k: 0 for k in DIRTY_RULES}
    details: dict = {}
    n_prod_sessions = int((sessions["n_lines"] > 0).sum())

    # ---- Product rows (with dirty additions) ------------------------------------------------------
    L = lines["n"]
    p_sess, p_prod, p_price, p_qty = lines["sess"], lines["product"], lines["price"].copy(), lines["qty"].copy()
    p_hits, p_opt = lines["hits"], lines["option"]
    quirks = {}
    # Big quantities written "1,440" (cheap items only, so no session becomes an outlier by accident).
    cheap = np.flatnonzero(p_price <= 3_000)
    n_big = min(len(cheap), max(1, round(2e-5 * L)))
    big = rng.choice(cheap, n_big, replace=False) if n_big else np.zeros(0, dtype=np.int64)
    p_qty[big] = rng.choice([1_000, 1_200, 1_440, 2_000, 2_400], n_big)
    quirks["product_quantity_with_separator"] = int(n_big)
    special = np.zeros(L, dtype=bool)
    special[big] = True

    extra_sess, extra_prod, extra_price, extra_qty, extra_hits, extra_opt = [], [], [], [], [], []
    if dirty:
        # ÷1000 prices: lines of expensive products in the listed categories, never a product's only line.
        div_cats = [CATEGORIES.index(c) for c in PRICE_DIV1000_CATEGORIES]
        cand = np.flatnonzero(np.isin(lines["cat"], div_cats) & (p_price >= PRICE_DIV1000_MIN_TRUE_PRICE) & ~special)
        if len(cand):
            order = np.lexsort((rng.random(len(cand)), p_prod[cand]))
            cand = cand[order]
            later = (np.arange(len(cand)) - _group_starts(p_prod[cand])) > 0
            cand = cand[later]
        n_div = _rate_count(_DIRTY_RATES["price_div1000_of_eligible"], len(cand))
        div = rng.choice(cand, n_div, replace=False) if n_div else np.zeros(0, dtype=np.int64)
        p_price[div] = np.maximum(1, np.round(p_price[div] / 1000)).astype(np.int64)
        special[div] = True
        dirty_counts["price_div1000"] = int(n_div)
        # Negative unit prices.
        free = np.flatnonzero(~special)
        n_neg = _rate_count(_DIRTY_RATES["negative_amount"], L, 2)
        neg = _pick(rng, free, n_neg)
        p_price[neg] = -p_price[neg]
        special[neg] = True
        dirty_counts["negative_amount"] = len(neg)
        # HITS_SEQ = 1 lines: an extra line in distinct purchase sessions.
        n_h1 = _rate_count(_DIRTY_RATES["hits_seq_1"], L)
        prod_sessions = np.flatnonzero(sessions["n_lines"] > 0)
        h1_sess = _pick(rng, prod_sessions, n_h1)
        h1_cat = sessions["primary"][h1_sess].astype(np.int64)
        pools = [np.flatnonzero(master["cat"] == k) for k in range(len(CATEGORIES))]
        h1_prod = _draw_by_category(rng, h1_cat, pools, [master["popularity"][p] for p in pools])
        extra_sess.append(h1_sess)
        extra_prod.append(h1_prod)
        extra_price.append(master["price"][h1_prod])
        extra_qty.append(np.ones(len(h1_sess), dtype=np.int64))
        extra_hits.append(np.ones(len(h1_sess), dtype=np.int64))
        extra_opt.append(np.zeros(len(h1_sess), dtype=np.int64))
        dirty_counts["hits_seq_1"] = int(len(h1_sess))
        # The ~100 M KRW session: one extra 상품권 line in a session without other dirty lines.
        gift = pools[CATEGORIES.index("상품권")]
        out_pool = np.setdiff1d(prod_sessions, h1_sess)
        if len(out_pool) and len(gift):
            out_sess = int(_pick(rng, out_pool, 1)[0])
            gift_price = 500_000
            extra_sess.append(np.array([out_sess]))
            extra_prod.append(np.array([gift[np.argmax(master["price"][gift])]]))
            extra_price.append(np.array([gift_price]))
            extra_qty.append(np.array([OUTLIER_SESSION_KRW // gift_price]))
            extra_hits.append(np.array([lines["hits"][p_sess == out_sess].max() + 1]))
            extra_opt.append(np.array([0]))
            dirty_counts["outlier_session"] = 1
            details["outlier_session"] = {"session_index": out_sess}

    if extra_sess:
        e_sess = np.concatenate(extra_sess)
        all_sess = np.concatenate([p_sess, e_sess])
        all_prod = np.concatenate([p_prod] + extra_prod)
        all_price = np.concatenate([p_price] + extra_price)
        all_qty = np.concatenate([p_qty] + extra_qty)
        all_hits = np.concatenate([p_hits] + extra_hits)
        all_opt = np.concatenate([p_opt] + extra_opt)
    else:
        all_sess, all_prod, all_price, all_qty, all_hits, all_opt = p_sess, p_prod, p_price, p_qty, p_hits, p_opt
    n_rows = len(all_sess)
    prng = _rng(seed, "product-format")
    pads = [_pad_flags(prng, n_rows) for _ in range(3)]
    bracket = master["bracketed"][all_prod]
    row_index = np.arange(n_rows)
    if dirty:
        # Exact duplicates of ordinary rows, written right after the original.
        ordinary = np.flatnonzero(all_hits[:L] > 1)
        ordinary = ordinary[~special[ordinary]]
        n_dup = _rate_count(_DIRTY_RATES["duplicate_product_rows"], L, 2)
        dup = np.sort(_pick(rng, ordinary, n_dup))
        row_index = np.concatenate([row_index, dup])
        dirty_counts["duplicate_product_rows"] = len(dup)
    # Output order: by session (clients, then their sessions by date), then hit sequence; copies follow.
    order = np.lexsort((np.arange(len(row_index)), all_hits[row_index], all_sess[row_index]))
    ri = row_index[order]

    # ---- Session dirty values -----------------------------------------------------------------
    S = sessions["n"]
    sess_day = sessions["day"].astype(np.int64).copy()
    views = sessions["views"].astype(float)
    hr = sessions["hr"].astype(np.int64)
    hr_null = np.zeros(S, dtype=bool)
    views_null = np.zeros(S, dtype=bool)
    device = sessions["device"].copy()
    devices = list(DEVICE_SHARES) + ["smartTV"]
    if dirty:
        prod_sessions = np.flatnonzero(sessions["n_lines"] > 0)
        outlier = [details["outlier_session"]["session_index"]] if "outlier_session" in details else []
        candidates = np.setdiff1d(prod_sessions, outlier)
        outside = _pick(rng, candidates, _rate_count(_DIRTY_RATES["session_outside_window"], S, 2))
        shift = rng.integers(1, 4, len(outside))
        before = rng.random(len(outside)) < 0.5
        sess_day[outside] = np.where(before, -shift, n_days - 1 + shift)
        dirty_counts["session_outside_window"] = len(outside)
        details["session_outside_window_product_rows"] = int(np.isin(all_sess[ri], outside).sum())
        n_tv = _rate_count(_DIRTY_RATES["session_device_smarttv"], S)
        tv = _pick(rng, S, n_tv)
        device[tv] = len(DEVICE_SHARES)
        dirty_counts["session_device_smarttv"] = len(tv)
        empty_hr = _pick(rng, S, _rate_count(_DIRTY_RATES["session_empty_time"], S))
        hr_null[empty_hr] = True
        dirty_counts["session_empty_time"] = len(empty_hr)
        empty_pv = _pick(rng, S, _rate_count(_DIRTY_RATES["session_nan_page_views"], S))
        views_null[empty_pv] = True
        dirty_counts["session_nan_page_views"] = len(empty_pv)

    # ---- Custom -----------------------------------------------------------------------------
    member_idx = np.flatnonzero(clients["member"])
    c_gender = clients["gender"][member_idx].astype(object)
    c_age = clients["age"][member_idx].astype(np.int64)
    if dirty and len(member_idx):
        n_a = _rate_count(_DIRTY_RATES["custom_age_99"], len(member_idx))
        n_g = _rate_count(_DIRTY_RATES["custom_gender_x"], len(member_idx))
        pick = _pick(rng, len(member_idx), n_a + n_g)
        c_age[pick[:n_a]] = 99
        c_gender[pick[n_a:]] = "X"
        dirty_counts["custom_age_99"] = len(pick[:n_a])
        dirty_counts["custom_gender_x"] = len(pick[n_a:])

    # ---- Write --------------------------------------------------------------------------------
    files = {k: out / FILE_NAMES[naming][k] for k in TABLE_KEYS}
    files.update({k: out / v for k, v in STORE_FILES.items()})
    writer = _Writer(encoding, bom)
    try:
        day_int = np.array([int(d.strftime("%Y%m%d")) for d in
                            pd.date_range(start - timedelta(days=3), end + timedelta(days=3), freq="D")])
        brand_vocab = master["brand_names"] + [f"[{b}]" for b in master["brand_names"]]
        n_brands = len(master["brand_names"])
        prod_table = pa.table({
            "c": clients["id"][sessions["client"][all_sess[ri]]],
            "s": sessions["sess_id"][all_sess[ri]],
            "h": all_hits[ri],
            "p": master["pd_c"][all_prod[ri]],
            "o": _dict_array(all_opt[ri], lines["options"]),
            "b": _dict_array(master["brand"][all_prod[ri]] + n_brands * bracket[ri], brand_vocab),
            "am": all_price[ri], "ct": all_qty[ri],
            "pc": pads[0][ri], "ps": pads[1][ri], "pp": pads[2][ri],
        })
        writer.write(files["product"], prod_table,
                     f"SELECT {_id_sql('c', 'pc')}, {_id_sql('s', 'ps')}, h, {_id_sql('p', 'pp')}, o, b, "
                     "format('{:,}', am) AS am, format('{:,}', ct) AS ct", COLUMNS["product"], ("am",))
        quirks["product_zero_padded_clnt_id"] = int((pads[0][ri] > 0).sum())
        quirks["product_zero_padded_sess_id"] = int((pads[1][ri] > 0).sum())
        quirks["product_zero_padded_pd_c"] = int((pads[2][ri] > 0).sum())
        rows_product = len(ri)
        del prod_table

        srng = _rng(seed, "session-format")
        s_pad_c, s_pad_s = _pad_flags(srng, S), _pad_flags(srng, S)
        sess_table = pa.table({
            "c": clients["id"][sessions["client"]], "s": sessions["sess_id"], "q": sessions["sess_seq"],
            "d": day_int[sess_day + 3],
            "v": pa.array(views, mask=views_null), "hr": pa.array(hr, mask=hr_null),
            "dv": _dict_array(device, devices),
            "z": _dict_array(_region_of_city(sessions["city"]), list(REGION_SHARES)),
            "ct": _dict_array(sessions["city"], clients["city_names"]),
            "pc": s_pad_c, "ps": s_pad_s,
        })
        writer.write(files["session"], sess_table,
                     f"SELECT {_id_sql('c', 'pc')}, {_id_sql('s', 'ps')}, q, d, v::DOUBLE, "
                     "format('{:,}', hr) AS hr, dv, z, ct", COLUMNS["session"], ("hr",))
        quirks["session_zero_padded_clnt_id"] = int((s_pad_c > 0).sum())
        quirks["session_zero_padded_sess_id"] = int((s_pad_s > 0).sum())
        del sess_table

        q_pad_c, q_pad_s = _pad_flags(srng, search1["n"]), _pad_flags(srng, search1["n"])
        s1_sess = search1["sess"]
        writer.write(files["search1"], pa.table({
            "c": clients["id"][sessions["client"][s1_sess]], "s": sessions["sess_id"][s1_sess],
            "k": pa.DictionaryArray.from_arrays(pa.array(search1["kw"].astype(np.int32)), vocab["text"]),
            "n": search1["cnt"], "pc": q_pad_c, "ps": q_pad_s}),
            f"SELECT {_id_sql('c', 'pc')}, {_id_sql('s', 'ps')}, k, n", COLUMNS["search1"])
        quirks["search1_zero_padded_clnt_id"] = int((q_pad_c > 0).sum())

        all_days_int = np.array([int(d.strftime("%Y%m%d")) for d in days])
        writer.write(files["search2"], pa.table({
            "d": all_days_int[search2["day"]],
            "k": pa.DictionaryArray.from_arrays(pa.array(search2["kw"].astype(np.int32)), vocab["text"]),
            "n": search2["cnt"]}),
            "SELECT d, k, format('{:,}', n) AS n", COLUMNS["search2"], ("n",))
        quirks["search2_count_with_separator"] = int((search2["cnt"] >= 1000).sum())

        c_pad = _pad_flags(srng, len(member_idx))
        writer.write(files["custom"], pa.table({
            "c": clients["id"][member_idx], "g": pa.array(c_gender, type=pa.string()),
            "a": c_age, "pc": c_pad}),
            f"SELECT {_id_sql('c', 'pc')}, g, a", COLUMNS["custom"])
        quirks["custom_zero_padded_clnt_id"] = int((c_pad > 0).sum())

        m_order = np.argsort(master["pd_c"], kind="stable")
        m_pad = _pad_flags(srng, master["n"])
        writer.write(files["master"], pa.table({
            "p": master["pd_c"][m_order], "nm": master["name"].take(pa.array(m_order)),
            "c1": _dict_array(master["cat"][m_order], list(CATEGORIES)),
            "c2": _dict_array(master["clac2"][m_order], master["clac2_names"]),
            "c3": _dict_array(master["clac3"][m_order], master["clac3_names"]), "pp": m_pad}),
            f"SELECT {_id_sql('p', 'pp')}, nm, c1, c2, c3", COLUMNS["master"])
        quirks["master_zero_padded_pd_c"] = int((m_pad > 0).sum())

        store = _make_store_data(sizes, clients, sessions, start, n_days, seed, dirty)
        dirty_counts["offline_negative_amount"] = store["dirty_negative"]
        dirty_counts["offline_unknown_category"] = store["dirty_category"]
        quirks["offline_unknown_ids"] = store["unknown_offline"]
        quirks["survey_unknown_ids"] = store["unknown_survey"]
        writer.write(files["offline_purchases"], store["offline"], "SELECT *", COLUMNS["offline_purchases"])
        writer.write(files["signup_survey"], store["survey"], "SELECT *", COLUMNS["signup_survey"])
    finally:
        writer.close()

    row_counts = {"product": rows_product, "search1": search1["n"], "search2": search2["n"],
                  "custom": len(member_idx), "session": S, "master": master["n"],
                  "offline_purchases": store["offline"].num_rows, "signup_survey": store["survey"].num_rows}

    # ---- Truth --------------------------------------------------------------------------------
    n_sess_client = np.bincount(sessions["client"][sessions["n_lines"] > 0], minlength=clients["n"])
    fav_names = np.array(CATEGORIES, dtype=object)[clients["favourite"]]
    customers = pa.table({
        "CLNT_ID": clients["id"],
        "FAVOURITE_CLAC1": pa.array(fav_names, type=pa.string()),
        "IS_MEMBER": clients["member"],
        "CLNT_GENDER": pa.array(np.where(clients["member"], clients["gender"], None), type=pa.string()),
        "CLNT_AGE": pa.array(np.where(clients["member"], clients["age"], 0), type=pa.int64(),
                             mask=~clients["member"]),
        "N_SESSIONS": n_sess_client.astype(np.int64),
    })
    truth_files = {"customers": truth_dir / "customers.parquet",
                   "daily_intensity": truth_dir / "daily_intensity.parquet",
                   "weather": truth_dir / "weather.parquet", "planted": truth_dir / "planted.json"}
    pq.write_table(customers, truth_files["customers"])
    lines_per_cat = np.bincount(lines["cat"], minlength=len(CATEGORIES)).astype(float)
    inten = daily["intensity"]
    expected = inten / inten.sum(axis=1, keepdims=True) * lines_per_cat[:, None]
    n_cat, n_d = inten.shape
    di = pa.table({
        "category": pa.array(np.repeat(np.array(CATEGORIES, dtype=object), n_d), type=pa.string()),
        "date": pa.array(np.tile(days.to_numpy().astype("datetime64[ms]"), n_cat)),
        "expected_lines": expected.ravel(),
        "weekday_factor": daily["weekday"].ravel(), "holiday_factor": daily["holiday"].ravel(),
        "weather_factor": daily["weather"].ravel(), "trend_factor": daily["trend"].ravel(),
        "noise_factor": daily["noise"].ravel(),
    })
    pq.write_table(di, truth_files["daily_intensity"])
    w = weather.copy()
    w["date"] = w["date"].astype("datetime64[ms]")
    pq.write_table(pa.Table.from_pandas(w, preserve_index=False), truth_files["weather"])

    if "outlier_session" in details:
        o = details["outlier_session"]["session_index"]
        details["outlier_session"].update({"CLNT_ID": int(clients["id"][sessions["client"][o]]),
                                           "SESS_ID": int(sessions["sess_id"][o])})
        del details["outlier_session"]["session_index"]
    fav_lines = np.mean(lines["cat"] == clients["favourite"][sessions["client"][lines["sess"]]]) if L else 0.0
    truth = {
        "generator": "helpers.data.synthetic",
        "params": {"start_date": start.isoformat(), "end_date": end.isoformat(), "scale": scale, "seed": seed,
                   "naming": naming, "encoding": encoding, "bom": bom, "dirty": dirty},
        "row_counts": row_counts,
        "dirty": dirty_counts,
        "dirty_rules": DIRTY_RULES,
        "dirty_details": details,
        "quirks": quirks,
        "patterns": {"variables": list(PATTERN_VARIABLES), "planted": PLANTED_PATTERNS,
                     "effects": PATTERN_EFFECTS},
        "weekday_factors": {c: list(v) for c, v in PLANTED_WEEKDAY_FACTORS.items()},
        "weekday_order": "Monday first (pandas day_of_week 0..6)",
        "holiday_factors": HOLIDAY_FACTORS,
        "weather_effects": WEATHER_EFFECTS,
        "trend_per_year": TREND_PER_YEAR, "trend_anchor": TREND_ANCHOR, "daily_noise_sigma": DAILY_NOISE_SIGMA,
        "copurchase_pairs": [list(p) for p in PLANTED_COPURCHASE_PAIRS],
        "copurchase_pair_prob": COPURCHASE_PAIR_PROB,
        "multi_category_session_share_target": MULTI_CATEGORY_SESSION_SHARE,
        "favourite_session_share": FAVOURITE_SESSION_SHARE,
        "favourite_line_share_realised": round(float(fav_lines), 4),
        "favourite_weights": {f"{g}{a}": w_ for (g, a), w_ in FAVOURITE_WEIGHTS.items()},
        "price": {"planted_median": PLANTED_PRICE_MEDIAN, "planted_sigma": PLANTED_PRICE_SIGMA,
                  "div1000_categories": list(PRICE_DIV1000_CATEGORIES),
                  "floor_categories": list(_FLOORED_CATEGORIES), "floor_krw": PRICE_FLOOR_EXPENSIVE,
                  "div1000_min_true_price": PRICE_DIV1000_MIN_TRUE_PRICE},
        "sessions": {"product_sessions": n_prod_sessions, "session_rows": S,
                     "multi_category_share": round(float((sessions["n_cats"][sessions["n_lines"] > 0] > 1).mean()), 4)
                     if n_prod_sessions else 0.0},
    }
    truth_files["planted"].write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True),
                                      encoding="utf-8")
    return GenerationResult(out_dir=out, files=files, truth_files=truth_files, row_counts=row_counts,
                            dirty=dirty_counts, quirks=quirks, truth=truth)


def _region_of_city(city: np.ndarray) -> np.ndarray:
    region_of = []
    for r_i, r in enumerate(REGION_SHARES):
        region_of += [r_i] * len(CITIES[r])
    return np.array(region_of)[city]


def _make_store_data(sizes, clients, sessions, start: date, n_days: int, seed: int, dirty: bool) -> dict:
    rng = _rng(seed, "store")
    buyers = np.unique(sessions["client"])
    id_set = clients["id"]
    max_id = int(id_set.max()) if len(id_set) else 0

    def ids_for(n: int) -> tuple[np.ndarray, np.ndarray, int]:
        unknown = rng.random(n) < 0.10
        known_idx = buyers[rng.integers(0, len(buyers), n)] if len(buyers) else np.zeros(n, dtype=np.int64)
        ids = clients["id"][known_idx].copy()
        ids[unknown] = max_id + 1 + rng.choice(10 * n + 10, unknown.sum(), replace=False)
        return ids, known_idx, int(unknown.sum())

    # Offline purchases.
    n = sizes["offline"]
    ids, known_idx, unknown_offline = ids_for(n)
    shares = _norm(list(CLAC1_SHARES.values()))
    cat = np.where(rng.random(n) < 0.6, clients["favourite"][known_idx], _choice_cdf(rng, np.cumsum(shares), n))
    median = np.array([PRICE_PARAMS.get(c, (PLANTED_PRICE_MEDIAN, 0.5))[0] for c in CATEGORIES])
    amount = np.round(median[cat] * np.exp(0.6 * rng.standard_normal(n)) * rng.integers(1, 4, n), -2).astype(np.int64)
    amount = np.maximum(amount, 1_000)
    cat_names = list(CATEGORIES) + [OFFLINE_UNKNOWN_CATEGORY]
    dirty_negative = dirty_category = 0
    if dirty and n:
        dirty_negative = _rate_count(_DIRTY_RATES["offline_negative_amount"], n)
        dirty_category = _rate_count(_DIRTY_RATES["offline_unknown_category"], n)
        pick = _pick(rng, n, dirty_negative + dirty_category)
        amount[pick[:dirty_negative]] *= -1
        cat[pick[dirty_negative:]] = len(CATEGORIES)
        dirty_negative, dirty_category = len(pick[:dirty_negative]), len(pick[dirty_negative:])
    dates = pd.date_range(start, periods=n_days, freq="D").strftime("%Y-%m-%d").tolist()
    day = rng.integers(0, n_days, n)
    note_idx = rng.integers(0, len(_OFFLINE_NOTES), n)
    note_null = rng.random(n) < 0.6
    order = np.lexsort((ids, day))
    offline = pa.table({
        "CLNT_ID": ids[order],
        "STORE_NM": _dict_array(rng.integers(0, len(STORES), n)[order], list(STORES)),
        "PURCHASE_DT": _dict_array(day[order], dates),
        "CLAC1_NM": _dict_array(cat[order], cat_names),
        "AMOUNT": amount[order],
        "CONSIDER_MIN": np.round(np.exp(np.log(12) + 0.7 * rng.standard_normal(n)), 1)[order],
        "NOTE": pa.DictionaryArray.from_arrays(pa.array(note_idx[order].astype(np.int32),
                                                        mask=note_null[order]), pa.array(_OFFLINE_NOTES)),
    })

    # Sign-up survey: one row per client.
    m = sizes["survey"]
    ids_s, known_s, unknown_survey = ids_for(m)
    ids_s, first = np.unique(ids_s, return_index=True)
    known_s = known_s[first]
    unknown_survey = int((ids_s > max_id).sum())
    m = len(ids_s)
    fav_survey = np.array([SURVEY_CATEGORIES.index(_survey_category(c)) for c in CATEGORIES])
    true_cat = fav_survey[clients["favourite"][known_s]]
    unknown_mask = ids_s > max_id
    fav = np.where((rng.random(m) < 0.75) & ~unknown_mask, true_cat, rng.integers(0, len(SURVEY_CATEGORIES), m))
    survey = pa.table({
        "CLNT_ID": ids_s,
        "SIGNUP_DT": _dict_array(rng.integers(0, n_days, m), dates),
        "FAV_CATEGORY": _dict_array(fav, list(SURVEY_CATEGORIES)),
        "REASON": _dict_array(_choice_cdf(rng, np.cumsum([0.3, 0.35, 0.15, 0.2]), m), list(SURVEY_REASONS)),
        "CHANNEL": _dict_array(_choice_cdf(rng, np.cumsum([0.4, 0.2, 0.25, 0.15]), m), list(SURVEY_CHANNELS)),
    })
    return {"offline": offline, "survey": survey, "unknown_offline": unknown_offline,
            "unknown_survey": unknown_survey, "dirty_negative": int(dirty_negative),
            "dirty_category": int(dirty_category)}
