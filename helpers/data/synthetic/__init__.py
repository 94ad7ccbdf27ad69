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
  ``TOT_SESS_HR_V`` (text, quoted, ``"1,890"``), ``DVC_CTG_NM, ZON_NM, CITY_NM``. As in the real files, some
  Session rows are sessions whose lines are not in Product, and the purchase sessions holding 15 % of the
  Product lines have no Session row (:data:`SESSIONLESS_LINE_SHARE`; counted in ``quirks``).
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

Calibrated to the real files' figures (DATA.md, last section; ``tests/data/test_calibration.py`` checks a
sample against them): lines and revenue per month of the lines that join a session (:data:`MONTH_LEVEL`,
:data:`PRICE_LEVEL`), the weekday profile with Monday highest and Saturday lowest (:data:`MARKET_WEEKDAY`),
the Chuseok dip of ≈ −60 % (:data:`HOLIDAY_FACTORS`), CLAC1 row shares, gender / age / device / region counts
(the real counts are the weights), the 73 % member share and the 15 % sessionless lines. Page views quartiles
≈ 29/54/99 (max 500), session seconds median ≈ 1,070.

Dirty rows (``dirty=True``), counted exactly in ``GenerationResult.dirty`` (rule -> rows in the files):
see :data:`DIRTY_RULES`. Format features that are not errors (zero-padded ids, ``"1,440"`` quantities,
unknown store ids) are counted in ``GenerationResult.quirks``.
"""
from __future__ import annotations

from helpers.data.synthetic.calendar import (  # noqa: F401
    SEOUL_RAIN_NORMALS,
    SEOUL_TEMP_NORMALS,
    _ar1,
    _daily_intensity,
    _holiday_factors,
    _weather_year,
    synthetic_weather,
)
from helpers.data.synthetic.constants import (  # noqa: F401
    _BRAND_SYLLABLES_1,
    _BRAND_SYLLABLES_2,
    _BRANDS_PER_CATEGORY,
    _CLAC3_SUFFIXES,
    _DIRTY_RATES,
    _FLOORED_CATEGORIES,
    _OFFLINE_NOTES,
    _ORIGINAL_PREFIX,
    _OTHER_SHAPES,
    _SHAPE_OF,
    _TRANSACTION_SIZES,
    _WEEKDAY_SHAPES,
    AGE_SHARES,
    BRANDS,
    CATEGORIES,
    CITIES,
    CLAC1_SHARES,
    CLAC2_BY_CLAC1,
    COLUMNS,
    COPURCHASE_PAIR_PROB,
    DAILY_NOISE_SIGMA,
    DEVICE_SHARES,
    DIRTY_RULES,
    FAVOURITE_SESSION_SHARE,
    FAVOURITE_WEIGHTS,
    FILE_NAMES,
    GENDER_SHARES,
    HOLIDAY_FACTORS,
    ITEM_WORDS,
    MARKET_WEEKDAY,
    MAX_WINDOW_DAYS,
    MONTH_LEVEL,
    MULTI_BUY_CATEGORIES,
    MULTI_CATEGORY_SESSION_SHARE,
    N_CLAC3,
    OFFLINE_UNKNOWN_CATEGORY,
    OUTLIER_SESSION_KRW,
    PATTERN_EFFECTS,
    PATTERN_VARIABLES,
    PLANTED_COPURCHASE_PAIRS,
    PLANTED_PATTERNS,
    PLANTED_PRICE_MEDIAN,
    PLANTED_PRICE_SIGMA,
    PLANTED_WEEKDAY_FACTORS,
    PRICE_DIV1000_CATEGORIES,
    PRICE_DIV1000_MIN_TRUE_PRICE,
    PRICE_FLOOR_EXPENSIVE,
    PRICE_LEVEL,
    PRICE_PARAMS,
    REFERENCE_DAYS,
    REGION_SHARES,
    REPORT_WEEKDAY_FACTORS_WOMEN,
    SCALES,
    SESSIONLESS_LINE_SHARE,
    STORE_FILES,
    STORES,
    SURVEY_CATEGORIES,
    SURVEY_CHANNELS,
    SURVEY_REASONS,
    TABLE_KEYS,
    TREND_ANCHOR,
    TREND_PER_YEAR,
    TRUTH_DIR,
    UNPLANTED_PRICE_LEVEL,
    VALID_ENCODINGS,
    VALID_NAMINGS,
    VALID_SCALES,
    WEATHER_EFFECTS,
    ZERO_PAD_RATE,
    GenerationResult,
    _survey_category,
)
from helpers.data.synthetic.generate import generate  # noqa: F401
from helpers.data.synthetic.population import (  # noqa: F401
    _brand_vocab,
    _clac_tables,
    _draw_by_category,
    _favourite_distribution,
    _make_clients,
    _make_lines,
    _make_master,
    _make_sessions,
    _pattern_multipliers,
    _sizes,
)
from helpers.data.synthetic.search import _keyword_vocab, _make_search1, _make_search2  # noqa: F401
from helpers.data.synthetic.store import _make_store_data, _region_of_city  # noqa: F401
from helpers.data.synthetic.utils import (  # noqa: F401
    _check_choice,
    _choice_cdf,
    _group_starts,
    _norm,
    _parse_date,
    _pick,
    _rate_count,
    _rng,
)
from helpers.data.synthetic.writer import _dict_array, _id_sql, _pad_flags, _Writer  # noqa: F401
