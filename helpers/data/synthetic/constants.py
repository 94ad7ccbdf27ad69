"""Sizes, file names, categories, planted signals, demographics and dirty-row rules of the generator."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: Bump when the generator's output changes: the data folder's name carries it, so data made by an older
#: generator is never reused silently (it is regenerated into a new folder).
GENERATOR_VERSION = 2

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
#: Market-wide weekday profile (Monday first) multiplied into every category's shape except 여성의류 (whose
#: planted shape stays the report's ×2), so that all Product rows follow the real profile of DATA.md
#: (Sun 652,031 · Mon 783,059 highest · … · Sat 525,898 lowest; holiday weeks left out).
MARKET_WEEKDAY = (1.176, 1.055, 1.025, 1.017, 0.913, 0.838, 0.975)


def _weekday_factors(category: str, shape: tuple[float, ...]) -> tuple[float, ...]:
    f = np.array(shape) * (1.0 if category == "여성의류" else np.array(MARKET_WEEKDAY))
    return tuple(float(x) for x in f * 7 / f.sum())


#: Chapter 4 weekday factors per category, Monday first (pandas ``day_of_week`` order), each summing to 7:
#: the category's shape (:data:`_WEEKDAY_SHAPES`) times :data:`MARKET_WEEKDAY` (여성의류: its shape alone).
PLANTED_WEEKDAY_FACTORS: dict[str, tuple[float, ...]] = {
    c: _weekday_factors(c, _WEEKDAY_SHAPES[_SHAPE_OF.get(c, _OTHER_SHAPES[i % len(_OTHER_SHAPES)])])
    for i, c in enumerate(CATEGORIES)
}

#: Intensity multipliers on Korean public/bank holidays (``holidays.KR(categories=("public", "bank"))``):
#: ``holiday`` for any holiday; in a run of major days (Chuseok/Seollal and its substitute day off) ``major``
#: for every day but the last two, ``major_second_last`` and ``major_last`` for those (orders recover before
#: the days off end); ``pre_major`` for the days before the run, nearest first (delivery cut-off).
#: Calibrated to the real 2018 Chuseok (DATA.md, lines vs the weeks before): 09-19 −22 %, 09-20 −46 %,
#: 09-21..24 −54..−60 %, 09-25 −37 %, 09-26 ±0 %.
HOLIDAY_FACTORS: dict = {"holiday": 0.75, "major": 0.38, "major_second_last": 0.62, "major_last": 1.0,
                         "pre_major": (0.52, 0.5, 0.55, 0.82)}
#: Calendar-month level common to all categories (relative; other months 1.0): the real lines per day fall
#: from ≈ 25.5 k (Apr–Jun) to ≈ 19–20 k (Aug–Sep) (DATA.md: 765k · 804k · 784k · 731k · 594k · 593k lines).
MONTH_LEVEL: dict[int, float] = {4: 1.0, 5: 1.06, 6: 1.08, 7: 0.95, 8: 0.80, 9: 0.87}
#: Share of Product lines whose (CLNT_ID, SESS_ID) has no Session row (DATA.md: 754,577 of 5,024,906 = 15 %).
SESSIONLESS_LINE_SHARE = 0.15
#: Common scale on every unit price (calibrates the revenue of the lines that join a session, ≈ 230.6 billion
#: KRW over 2018-04..09 at full scale; planted price bits are relative and unchanged).
PRICE_LEVEL = 1.18

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

#: Demographic, device and region weights: the real counts of DATA.md (Custom genders and age bands, Session
#: devices and zones), used as relative weights.
GENDER_SHARES = {"F": 570_616, "M": 101_063}
AGE_SHARES = {10: 3_807, 20: 95_297, 30: 313_600, 40: 216_217, 50: 36_624, 60: 5_256, 70: 846, 80: 32}
DEVICE_SHARES = {"mobile": 2_289_681, "desktop": 411_169, "tablet": 12_057}
REGION_SHARES = {
    "Seoul": 1_019_843, "Gyeonggi-do": 469_954, "Busan": 295_940, "Gyeongsangnam-do": 128_716, "Daegu": 116_707,
    "Incheon": 100_728, "Gyeongsangbuk-do": 91_183, "Jeollabuk-do": 78_437, "Chungcheongnam-do": 78_072,
    "Gwangju": 70_773, "Daejeon": 60_442, "Jeollanam-do": 49_299, "Ulsan": 46_584, "Chungcheongbuk-do": 44_455,
    "Gangwon-do": 42_701, "Jeju-do": 19_073,
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

