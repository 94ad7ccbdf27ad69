"""Chapter 1 (report section 01, 데이터 탐색): pure analyses over the cleaned tables, their figures and
one-sentence Korean readings.

Every analysis takes a DataFrame first and keyword-only column names whose defaults are the cleaned
column contract (``docs/ARCHITECTURE.md``); it never mutates its input and returns a new frame with
the fixed columns documented below. A missing column raises ``ValueError`` naming the column and the
keyword argument that renames it. Figure functions take those result frames and return
:class:`matplotlib.figure.Figure` objects; sentence functions take the same frames and compute their
numbers from them (nothing is hard-coded).

Result frames (Korean column names, ``비율`` is a share in [0, 1]):

=============================  ===============================================
function                       columns
=============================  ===============================================
``cleaning_log_table``         규칙, 테이블, 영향 행 수, 조치
``gender_split``               성별, 고객수, 비율
``age_distribution``           연령대, 구매건수, 비율
``device_split``               디바이스, 세션수, 비율
``region_split``               지역, 세션수, 비율
``keyword_frequencies``        순위, 키워드, 검색수, 비율
``category_purchase_counts``   상품군, 구매건수, 비율
``copurchase_edges``           cat_a, cat_b, count, support, support_a, support_b,
                               confidence_a_b, confidence_b_a, lift
``copurchase_table``           상품군 A, 상품군 B, 동시구매 세션수, 지지도,
                               신뢰도(A→B), 신뢰도(B→A), 향상도
=============================  ===============================================

Business rules (label maps, age bands, default top-N and minimum pair count) are module-level data
below and can be overridden per call.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.common import figures as plots
from helpers.common import formats
from helpers.common.figures import OTHER_LABEL, UNKNOWN_LABEL
from helpers.common.korean import josa

__all__ = [
    "ACTION_LABELS",
    "CLEANING_COLUMNS",
    "DEFAULT_SESSION_COLS",
    "EDGE_COLUMNS",
    "AGE_BANDS",
    "DEFAULT_KEYWORD_TOP",
    "DEFAULT_MIN_PAIR_COUNT",
    "DEVICE_LABELS",
    "GENDER_LABELS",
    "REGION_LABELS",
    "age_distribution",
    "age_figure",
    "age_sentence",
    "category_counts_figure",
    "category_purchase_counts",
    "category_sentence",
    "cleaning_log_sentence",
    "cleaning_log_table",
    "copurchase_edges",
    "copurchase_network_figure",
    "copurchase_sentence",
    "copurchase_table",
    "device_figure",
    "device_sentence",
    "device_split",
    "gender_figure",
    "gender_sentence",
    "gender_split",
    "keyword_frequencies",
    "keyword_sentence",
    "region_figure",
    "region_sentence",
    "region_split",
    "wordcloud_figure",
    "wordcloud_image",
]

# ---------------------------------------------------------------------------------------------
# Business rules as data
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
#: Age bands always listed by :func:`age_distribution` (CLNT_AGE is 10, 20, …, 80 in 04.Custom).
AGE_BANDS: tuple[int, ...] = (10, 20, 30, 40, 50, 60, 70, 80)
#: Cleaning-log action words -> Korean; unknown actions are shown as they are.
ACTION_LABELS: dict[str, str] = {
    "drop": "삭제", "dropped": "삭제", "delete": "삭제", "deleted": "삭제", "removed": "삭제",
    "repair": "수정", "repaired": "수정", "fix": "수정", "fixed": "수정", "parsed": "변환", "parse": "변환",
    "convert": "변환", "converted": "변환", "fill": "대체", "filled": "대체", "impute": "대체", "imputed": "대체",
    "flag": "표시", "flagged": "표시", "keep": "유지", "kept": "유지", "dedupe": "중복 제거",
    "deduplicated": "중복 제거", "clip": "절단", "clipped": "절단", "excluded": "제외(분석 기간 밖)",
}
DEFAULT_KEYWORD_TOP = 200
#: Minimum number of sessions that bought both categories for a co-purchase edge to be kept;
#: below it support and lift rest on too few baskets to read.
DEFAULT_MIN_PAIR_COUNT = 20
DEFAULT_SESSION_COLS: tuple[str, str] = ("CLNT_ID", "SESS_ID")

SHARE = "비율"


# ---------------------------------------------------------------------------------------------
# Small internal helpers
# ---------------------------------------------------------------------------------------------
def _require_frame(df: object, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")


def _require_columns(df: pd.DataFrame, columns: Iterable[str | tuple[str, str]], what: str) -> None:
    """``columns`` holds column names or (keyword argument, column name) pairs; the error names both."""
    _require_frame(df, what)
    missing = []
    for item in columns:
        arg, col = item if isinstance(item, tuple) else (None, item)
        if col not in df.columns:
            missing.append(f"{col!r} (set {arg}=... if it has another name)" if arg else repr(col))
    if missing:
        raise ValueError(f"{what} is missing column(s) {', '.join(missing)}; available columns: {list(df.columns)}")


def _session_columns(session_cols: Sequence[str] | str | None) -> list[str]:
    if session_cols is None:
        return []
    if isinstance(session_cols, str):
        return [session_cols]
    cols = list(session_cols)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ValueError(f"session_cols must be a non-empty sequence of column names or None, got {session_cols!r}")
    return cols


def _check_top(top: int | None, name: str = "top") -> None:
    if top is None:
        return
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"{name} must be a positive integer or None, got {top!r}")


def _clean_labels(values: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    """Strings with surrounding spaces removed, mapped through ``labels`` (unmapped values kept as they
    are so that nothing disappears silently); missing or blank values become NaN."""
    missing = values.isna().to_numpy()
    text = values.astype(str).str.strip()
    text = text.where(~missing & (text != "").to_numpy())
    if labels:
        text = text.map(dict(labels)).fillna(text)
    return text


def _share_frame(counts: pd.Series, *, label_col: str, count_col: str, total: int) -> pd.DataFrame:
    out = pd.DataFrame({
        label_col: pd.Series([str(v) for v in counts.index], dtype="str"),
        count_col: pd.Series(counts.to_numpy(), dtype="int64"),
    })
    out[SHARE] = (out[count_col] / total).astype("float64") if total else pd.Series(np.nan, index=out.index, dtype="float64")
    return out


def _by_count(counts: pd.Series) -> pd.Series:
    """Descending count, ties by label: the same order whatever the input order."""
    frame = pd.DataFrame({"label": [str(v) for v in counts.index], "n": counts.to_numpy()})
    frame = frame.sort_values(["n", "label"], ascending=[False, True], kind="mergesort")
    return pd.Series(frame["n"].to_numpy(), index=frame["label"].to_numpy())


def _nominal_split(labelled: pd.Series, *, label_col: str, count_col: str, top: int | None = None) -> pd.DataFrame:
    total = len(labelled)
    unknown = int(labelled.isna().sum())
    counts = _by_count(labelled.dropna().value_counts())
    if top is not None and len(counts) > top:
        counts = plots.top_n_with_other(counts, top)
    if unknown:
        counts = pd.concat([counts, pd.Series([unknown], index=[UNKNOWN_LABEL])])
    return _share_frame(counts, label_col=label_col, count_col=count_col, total=total)


# Korean particles depend on whether the preceding syllable ends in a consonant (받침).
def _known_rows(table: pd.DataFrame, label_col: str, count_col: str) -> pd.DataFrame:
    rows = table[~table[label_col].isin([UNKNOWN_LABEL, OTHER_LABEL]) & (table[count_col] > 0)]
    return rows.sort_values([count_col, label_col], ascending=[False, True], kind="mergesort")


def _unknown_share(table: pd.DataFrame, label_col: str) -> float:
    rows = table[table[label_col] == UNKNOWN_LABEL]
    return float(rows[SHARE].sum()) if len(rows) else 0.0


_pct = formats.format_pct


# ---------------------------------------------------------------------------------------------
# Cleaning log
# ---------------------------------------------------------------------------------------------
CLEANING_COLUMNS = ("규칙", "테이블", "영향 행 수", "조치")


def cleaning_log_table(
    log: pd.DataFrame,
    *,
    rule_col: str = "rule",
    table_col: str = "table",
    rows_col: str = "rows",
    action_col: str = "action",
    action_labels: Mapping[str, str] | None = ACTION_LABELS,
) -> pd.DataFrame:
    """Korean-labelled view of the loader's cleaning log (what was dropped or repaired, and why).

    Parameters
    ----------
    log : pandas.DataFrame
        One row per cleaning rule and table, as produced by the loader.
    rule_col, table_col, rows_col, action_col : str
        Column names in ``log``.
    action_labels : mapping, optional
        Action word -> Korean (case-insensitive); unknown actions are kept as they are.

    Returns
    -------
    pandas.DataFrame
        Columns ``규칙`` (str), ``테이블`` (str), ``영향 행 수`` (int64), ``조치`` (str), in the log's order.

    Raises
    ------
    ValueError
        A column is missing, or ``rows`` holds missing, non-integer or negative values.
    """
    _require_columns(log, [("rule_col", rule_col), ("table_col", table_col), ("rows_col", rows_col),
                           ("action_col", action_col)], "log")
    rows = pd.to_numeric(log[rows_col], errors="coerce")
    bad = rows.isna() | (rows < 0) | (rows.fillna(0) % 1 != 0)
    if bad.any():
        raise ValueError(f"log column {rows_col!r} must hold non-negative whole row counts; "
                         f"{int(bad.sum())} row(s) do not (first: {log.loc[bad, rows_col].iloc[0]!r})")
    lookup = {str(k).lower(): v for k, v in (action_labels or {}).items()}
    actions = [lookup.get(str(a).strip().lower(), str(a)) if pd.notna(a) else "" for a in log[action_col]]
    return pd.DataFrame({
        "규칙": pd.Series([str(v) if pd.notna(v) else "" for v in log[rule_col]], dtype="str"),
        "테이블": pd.Series([str(v) if pd.notna(v) else "" for v in log[table_col]], dtype="str"),
        "영향 행 수": pd.Series(rows.to_numpy(), dtype="int64"),
        "조치": pd.Series(actions, dtype="str"),
    })


def cleaning_log_sentence(table: pd.DataFrame) -> str:
    """One Korean sentence summarising :func:`cleaning_log_table` output (rules, rows, per action)."""
    _require_columns(table, ["영향 행 수", "조치", "규칙"], "table")
    affected = table[table["영향 행 수"] > 0]
    total = int(affected["영향 행 수"].sum())
    if total == 0:
        return "정제 과정에서 삭제되거나 수정된 행은 없습니다."
    by_action = (affected.groupby("조치", sort=False)["영향 행 수"].sum()
                 .sort_values(ascending=False, kind="mergesort"))
    detail = ", ".join(f"{action or '기타'} {int(n):,}행" for action, n in by_action.items())
    return f"정제 규칙 {len(affected)}개가 적용되어 총 {total:,}행을 처리했습니다({detail})."


# ---------------------------------------------------------------------------------------------
# Gender (04.Custom, one count per customer)
# ---------------------------------------------------------------------------------------------
def gender_split(
    customers: pd.DataFrame,
    *,
    client_col: str = "CLNT_ID",
    gender_col: str = "CLNT_GENDER",
    labels: Mapping[str, str] | None = GENDER_LABELS,
) -> pd.DataFrame:
    """Customers by gender, one count per customer (the seed counts 04.Custom clients).

    Repeated rows of one client (e.g. when the purchase-lines view is passed) count once.

    Parameters
    ----------
    customers : pandas.DataFrame
        04.Custom or any frame with one or more rows per client.
    client_col, gender_col : str
    labels : mapping, optional
        Gender code -> Korean label; codes not in it are shown as they are.

    Returns
    -------
    pandas.DataFrame
        Columns ``성별`` (str), ``고객수`` (int64), ``비율`` (float, share of all customers);
        sorted by count (ties by label), ``미상`` (missing gender) last when present.

    Raises
    ------
    ValueError
        Missing column, or a client with two different genders.
    """
    _require_columns(customers, [("client_col", client_col), ("gender_col", gender_col)], "customers")
    pairs = customers[[client_col, gender_col]].drop_duplicates()
    conflicts = pairs[client_col].duplicated(keep=False) & pairs[gender_col].notna()
    if pairs.loc[conflicts, client_col].duplicated().any():
        n = pairs.loc[conflicts, client_col].nunique()
        raise ValueError(f"{n} client(s) have more than one {gender_col!r} value "
                         f"(e.g. {client_col}={pairs.loc[conflicts, client_col].iloc[0]}); fix the customer table")
    # A client seen with a gender and also without one counts with the gender.
    per_client = pairs.sort_values(gender_col, na_position="last", kind="mergesort").drop_duplicates(client_col)
    labelled = _clean_labels(per_client[gender_col], labels)
    return _nominal_split(labelled, label_col="성별", count_col="고객수")


def gender_figure(table: pd.DataFrame, *, title: str = "고객 성별 분포") -> Figure:
    """Donut chart of :func:`gender_split` output."""
    return plots.share_pie_figure(table, label_col="성별", count_col="고객수", share_col=SHARE, title=title,
                                  count_unit="명", note="※ 04.Custom 고객별 성별 기준")


def gender_sentence(table: pd.DataFrame) -> str:
    """E.g. "고객의 85.0%가 여성으로, 남성(15.0%)보다 5.7배 많습니다." computed from :func:`gender_split`."""
    _require_columns(table, ["성별", "고객수", SHARE], "table")
    known = _known_rows(table, "성별", "고객수")
    if known.empty:
        return "성별 정보가 있는 고객이 없습니다."
    first = known.iloc[0]
    text = f"고객의 {_pct(first[SHARE])}가 {josa(first['성별'], '으로', '로')}"
    if len(known) > 1:
        second = known.iloc[1]
        ratio = first["고객수"] / second["고객수"]
        text += f", {second['성별']}({_pct(second[SHARE])})보다 {ratio:.1f}배 많습니다."
    else:
        text += " 모든 고객이 한 성별입니다."
    unknown = _unknown_share(table, "성별")
    if unknown > 0:
        text += f" 성별 미상은 {_pct(unknown)}입니다."
    return text


# ---------------------------------------------------------------------------------------------
# Age (purchase lines, one count per line)
# ---------------------------------------------------------------------------------------------
def age_distribution(
    purchases: pd.DataFrame,
    *,
    age_col: str = "CLNT_AGE",
    bands: Sequence[int] = AGE_BANDS,
) -> pd.DataFrame:
    """Purchase lines by the buyer's age band (the seed counts purchases, not customers).

    Ages are floored to their decade (35 -> 30대). Lines whose buyer has no demographics form ``미상``.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Purchase-lines view, one row per product line.
    age_col : str
    bands : sequence of int
        Decades always listed (with 0 when absent), default 10..80; other observed decades are added.

    Returns
    -------
    pandas.DataFrame
        Columns ``연령대`` (str, e.g. "30대"), ``구매건수`` (int64), ``비율`` (float, share of all lines);
        bands ascending, then ``미상`` (always present, 0 when every age is known).

    Raises
    ------
    ValueError
        Missing column or non-numeric ages.
    """
    _require_columns(purchases, [("age_col", age_col)], "purchases")
    try:
        ages = pd.to_numeric(purchases[age_col], errors="raise")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"purchases column {age_col!r} must be numeric ages (10, 20, …): {exc}") from None
    ages = ages.astype("Float64")
    band = (ages // 10 * 10).dropna().astype("int64")
    counts = band.value_counts()
    order = sorted(set(int(b) for b in bands) | set(int(b) for b in counts.index))
    counts = counts.reindex(order, fill_value=0)
    counts.index = [f"{b}대" for b in order]
    counts = pd.concat([counts, pd.Series([int(ages.isna().sum())], index=[UNKNOWN_LABEL])])
    return _share_frame(counts, label_col="연령대", count_col="구매건수", total=len(purchases))


def age_figure(table: pd.DataFrame, *, title: str = "고객 구매 연령 분포", include_unknown: bool = True) -> Figure:
    """Bar chart of :func:`age_distribution` output (``미상`` in grey, or left out)."""
    _require_columns(table, ["연령대"], "table")
    shown = table if include_unknown else table[table["연령대"] != UNKNOWN_LABEL]
    return plots.share_bar_figure(shown, label_col="연령대", count_col="구매건수", share_col=SHARE, title=title,
                                  count_unit="건", note="※ 구매 발생 건 기준")


def age_sentence(table: pd.DataFrame) -> str:
    """E.g. "구매 건의 46.7%가 30대, 32.2%가 40대 고객에게서 발생해 두 연령대가 전체의 78.9%를 차지합니다."."""
    _require_columns(table, ["연령대", "구매건수", SHARE], "table")
    known = _known_rows(table, "연령대", "구매건수")
    if known.empty:
        return "연령 정보가 있는 구매 건이 없습니다."
    first = known.iloc[0]
    if len(known) == 1:
        text = f"구매 건의 {_pct(first[SHARE])}가 {first['연령대']} 고객에게서 발생했습니다."
    else:
        second = known.iloc[1]
        text = (f"구매 건의 {_pct(first[SHARE])}가 {first['연령대']}, {_pct(second[SHARE])}가 {second['연령대']} "
                f"고객에게서 발생해 두 연령대가 전체의 {_pct(first[SHARE] + second[SHARE])}를 차지합니다.")
    unknown = _unknown_share(table, "연령대")
    if unknown > 0:
        text += f" 연령 정보가 없는 구매는 {_pct(unknown)}입니다."
    return text


# ---------------------------------------------------------------------------------------------
# Device and region (05.Session, one count per session)
# ---------------------------------------------------------------------------------------------
def _per_session(sessions: pd.DataFrame, value_col: str, session_cols: list[str]) -> pd.Series:
    if not session_cols:
        return sessions[value_col]
    return sessions[[*session_cols, value_col]].drop_duplicates(subset=session_cols)[value_col]


def device_split(
    sessions: pd.DataFrame,
    *,
    device_col: str = "DVC_CTG_NM",
    session_cols: Sequence[str] | None = DEFAULT_SESSION_COLS,
    labels: Mapping[str, str] | None = DEVICE_LABELS,
) -> pd.DataFrame:
    """Sessions by device category.

    Parameters
    ----------
    sessions : pandas.DataFrame
        05.Session (or the purchase-lines view: rows are reduced to one per session first).
    device_col : str
    session_cols : sequence of str or None
        Columns identifying a session (SESS_ID alone is reused across clients); the first row of each
        session counts. ``None`` counts every row as one session.
    labels : mapping, optional
        Device code -> Korean label; unknown codes are shown as they are.

    Returns
    -------
    pandas.DataFrame
        Columns ``디바이스`` (str), ``세션수`` (int64), ``비율`` (float); by count (ties by label),
        ``미상`` (missing device) last when present.

    Raises
    ------
    ValueError
        Missing column.
    """
    cols = _session_columns(session_cols)
    _require_columns(sessions, [("device_col", device_col), *[("session_cols", c) for c in cols]], "sessions")
    labelled = _clean_labels(_per_session(sessions, device_col, cols), labels)
    return _nominal_split(labelled, label_col="디바이스", count_col="세션수")


def device_figure(table: pd.DataFrame, *, title: str = "접속 디바이스 분포") -> Figure:
    """Donut chart of :func:`device_split` output."""
    return plots.share_pie_figure(table, label_col="디바이스", count_col="세션수", share_col=SHARE, title=title,
                                  count_unit="세션", note="※ 05.Session 접속 디바이스 기준")


def device_sentence(table: pd.DataFrame) -> str:
    """E.g. "접속 세션의 84.4%가 모바일에서 발생했고, 이어서 데스크톱(15.2%)·태블릿(0.4%) 순입니다."."""
    _require_columns(table, ["디바이스", "세션수", SHARE], "table")
    known = _known_rows(table, "디바이스", "세션수")
    if known.empty:
        return "디바이스 정보가 있는 세션이 없습니다."
    first = known.iloc[0]
    text = f"접속 세션의 {_pct(first[SHARE])}가 {first['디바이스']}에서 발생했"
    rest = known.iloc[1:]
    if len(rest):
        text += "고, 이어서 " + "·".join(f"{r['디바이스']}({_pct(r[SHARE])})" for _, r in rest.iterrows()) + " 순입니다."
    else:
        text += "습니다."
    unknown = _unknown_share(table, "디바이스")
    if unknown > 0:
        text += f" 디바이스 미상은 {_pct(unknown)}입니다."
    return text


def region_split(
    sessions: pd.DataFrame,
    *,
    top: int | None = None,
    region_col: str = "ZON_NM",
    session_cols: Sequence[str] | None = DEFAULT_SESSION_COLS,
    labels: Mapping[str, str] | None = REGION_LABELS,
) -> pd.DataFrame:
    """Sessions by region (ZON_NM), with Korean region names.

    Parameters
    ----------
    sessions : pandas.DataFrame
        05.Session (or the purchase-lines view: one row per session is kept).
    top : int, optional
        Keep the ``top`` regions and fold the rest into ``기타``; ``None`` keeps all.
    region_col : str
    session_cols : sequence of str or None
        See :func:`device_split`.
    labels : mapping, optional
        ZON_NM -> Korean label; regions not in it are shown as they are.

    Returns
    -------
    pandas.DataFrame
        Columns ``지역`` (str), ``세션수`` (int64), ``비율`` (float); by count (ties by label), then
        ``기타`` (when folded), then ``미상`` (missing region, when present).

    Raises
    ------
    ValueError
        Missing column or ``top`` not a positive integer.
    """
    _check_top(top)
    cols = _session_columns(session_cols)
    _require_columns(sessions, [("region_col", region_col), *[("session_cols", c) for c in cols]], "sessions")
    labelled = _clean_labels(_per_session(sessions, region_col, cols), labels)
    return _nominal_split(labelled, label_col="지역", count_col="세션수", top=top)


def region_figure(table: pd.DataFrame, *, title: str = "접속 위치 분포") -> Figure:
    """Horizontal bar chart of :func:`region_split` output (first row on top)."""
    return plots.share_bar_figure(table, label_col="지역", count_col="세션수", share_col=SHARE, title=title,
                                  count_unit="세션", horizontal=True, note="※ 05.Session 세션 생성 지역 기준")


def region_sentence(table: pd.DataFrame, *, top: int = 3) -> str:
    """E.g. "접속 세션은 서울(37.6%)에 가장 많고, 상위 3개 지역(서울·경기·부산)이 전체의 65.8%를 차지합니다."."""
    _require_columns(table, ["지역", "세션수", SHARE], "table")
    _check_top(top)
    known = _known_rows(table, "지역", "세션수")
    if known.empty:
        return "지역 정보가 있는 세션이 없습니다."
    first = known.iloc[0]
    text = f"접속 세션은 {first['지역']}({_pct(first[SHARE])})에 가장 많"
    head = known.head(top)
    if len(head) > 1:
        text += (f"고, 상위 {len(head)}개 지역({'·'.join(head['지역'])})이 전체의 "
                 f"{_pct(head[SHARE].sum())}를 차지합니다.")
    else:
        text += "습니다."
    return text


# ---------------------------------------------------------------------------------------------
# Search keywords
# ---------------------------------------------------------------------------------------------
def keyword_frequencies(
    search: pd.DataFrame,
    *,
    top: int | None = DEFAULT_KEYWORD_TOP,
    keyword_col: str = "KWD_NM",
    count_col: str = "SEARCH_CNT",
) -> pd.DataFrame:
    """Total search count per keyword, the ``top`` most searched.

    Keywords are compared after trimming surrounding spaces; missing or blank keywords are left out
    (they cannot be drawn) but their counts stay in the denominator of ``비율``.

    Parameters
    ----------
    search : pandas.DataFrame
        02.Search1 or 03.Search2 (cleaned: ``count_col`` numeric).
    top : int or None, default 200
        Number of keywords kept; ``None`` keeps all.
    keyword_col, count_col : str

    Returns
    -------
    pandas.DataFrame
        Columns ``순위`` (int64, 1..n), ``키워드`` (str), ``검색수`` (int64 when the counts are whole,
        else float64), ``비율`` (float, share of all searches in ``search``); by count descending,
        ties by keyword (code-point order), so the cut at ``top`` is deterministic.

    Raises
    ------
    ValueError
        Missing column, non-numeric or negative counts, or ``top`` not a positive integer.
    """
    _check_top(top)
    _require_columns(search, [("keyword_col", keyword_col), ("count_col", count_col)], "search")
    counts = search[count_col]
    if not pd.api.types.is_numeric_dtype(counts) or pd.api.types.is_bool_dtype(counts):
        try:
            counts = pd.to_numeric(counts, errors="raise")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"search column {count_col!r} must be numeric (clean thousands separators in the "
                             f"loader first): {exc}") from None
    counts = counts.fillna(0)
    if (counts < 0).any():
        raise ValueError(f"search column {count_col!r} has {int((counts < 0).sum())} negative count(s)")
    total = float(counts.sum())
    keywords = _clean_labels(search[keyword_col], None)
    frame = pd.DataFrame({"키워드": keywords, "검색수": counts}).dropna(subset=["키워드"])
    summed = frame.groupby("키워드", sort=False)["검색수"].sum()
    out = pd.DataFrame({"키워드": pd.Series(summed.index.astype(str), dtype="str"), "검색수": summed.to_numpy()})
    out = out.sort_values(["검색수", "키워드"], ascending=[False, True], kind="mergesort")
    if top is not None:
        out = out.head(top)
    out = out.reset_index(drop=True)
    whole = bool(np.all(np.mod(out["검색수"].to_numpy(dtype=float), 1) == 0))
    out["검색수"] = out["검색수"].astype("int64" if whole else "float64")
    out.insert(0, "순위", pd.Series(np.arange(1, len(out) + 1), dtype="int64"))
    out[SHARE] = (out["검색수"] / total).astype("float64") if total else np.nan
    return out


def _frequencies(freq: pd.DataFrame | pd.Series | Mapping[str, float], keyword_col: str, count_col: str
                 ) -> dict[str, float]:
    if isinstance(freq, pd.DataFrame):
        _require_columns(freq, [("keyword_col", keyword_col), ("count_col", count_col)], "freq")
        pairs = zip(freq[keyword_col], freq[count_col])
    elif isinstance(freq, pd.Series):
        pairs = freq.items()
    elif isinstance(freq, Mapping):
        pairs = freq.items()
    else:
        raise TypeError(f"freq must be a DataFrame, Series or mapping, got {type(freq).__name__}")
    out: dict[str, float] = {}
    for word, count in pairs:
        if pd.notna(word) and pd.notna(count) and float(count) > 0:
            out[str(word)] = out.get(str(word), 0.0) + float(count)
    return out


def wordcloud_image(
    freq: pd.DataFrame | pd.Series | Mapping[str, float],
    *,
    keyword_col: str = "키워드",
    count_col: str = "검색수",
    font_path: str | None = None,
    random_state: int = 42,
    width: int = 1600,
    height: int = 900,
    max_words: int = DEFAULT_KEYWORD_TOP,
    colormap: str = "viridis",
):
    """The :class:`wordcloud.WordCloud` drawn from keyword frequencies (white background, fixed seed).

    Pillow draws missing glyphs as empty boxes without a word, so characters that the font lacks are
    reported as ``UserWarning("Glyph … missing from font(s) …")`` like matplotlib does.

    Returns
    -------
    wordcloud.WordCloud
        Already generated; ``.to_array()`` gives the RGB image. ``None`` if there is no positive count.
    """
    from wordcloud import WordCloud

    frequencies = _frequencies(freq, keyword_col, count_col)
    if not frequencies:
        return None
    path = str(font_path) if font_path is not None else str(plots.korean_font_path())
    for ch in plots.font_missing_chars(frequencies.keys(), path):
        warnings.warn(f"Glyph {ord(ch)} ({ch.encode('ascii', 'namereplace').decode('ascii')}) missing from "
                      f"font(s) {path} (word cloud)", UserWarning, stacklevel=2)
    cloud = WordCloud(font_path=path, width=width, height=height, background_color="white",
                      random_state=random_state, max_words=max_words, colormap=colormap,
                      prefer_horizontal=0.9, relative_scaling=0.5, collocations=False, margin=4)
    return cloud.generate_from_frequencies(frequencies)


def wordcloud_figure(
    freq: pd.DataFrame | pd.Series | Mapping[str, float],
    *,
    keyword_col: str = "키워드",
    count_col: str = "검색수",
    font_path: str | None = None,
    random_state: int = 42,
    title: str | None = None,
    max_words: int = DEFAULT_KEYWORD_TOP,
) -> Figure:
    """Word cloud figure of :func:`keyword_frequencies` output (Korean font, fixed ``random_state``).

    ``freq`` may also be a Series or mapping keyword -> count. Same input, same picture.
    """
    cloud = wordcloud_image(freq, keyword_col=keyword_col, count_col=count_col, font_path=font_path,
                            random_state=random_state, max_words=max_words)
    fig = plots.new_figure("wordcloud")
    ax = fig.add_subplot()
    ax.set_axis_off()
    n_words = 0 if cloud is None else len(cloud.words_)
    ax.set_title(title if title is not None else f"검색 키워드 워드클라우드 (검색 횟수 기준 상위 {n_words}개)")
    if cloud is None:
        ax.text(0.5, 0.5, "표시할 키워드가 없습니다", ha="center", va="center", fontsize=14, transform=ax.transAxes)
    else:
        ax.imshow(cloud.to_array(), interpolation="bilinear")
    return fig


def keyword_sentence(freq: pd.DataFrame) -> str:
    """E.g. "가장 많이 검색된 키워드는 '원피스'(12,345회)이고, 상위 200개 키워드가 전체 검색의 41.2%를 차지합니다."."""
    _require_columns(freq, ["키워드", "검색수", SHARE], "freq")
    if freq.empty:
        return "검색 키워드가 없습니다."
    first = freq.sort_values(["검색수", "키워드"], ascending=[False, True], kind="mergesort").iloc[0]
    return (f"가장 많이 검색된 키워드는 '{first['키워드']}'({formats.format_count(first['검색수'])}회)이고, "
            f"상위 {len(freq)}개 키워드가 전체 검색의 {_pct(freq[SHARE].sum())}를 차지합니다.")


# ---------------------------------------------------------------------------------------------
# Category purchase counts
# ---------------------------------------------------------------------------------------------
def category_purchase_counts(purchases: pd.DataFrame, *, category_col: str = "CLAC1_NM") -> pd.DataFrame:
    """Purchase lines per category.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Purchase-lines view.
    category_col : str
        ``CLAC1_NM`` by default (``CLAC2_NM`` works the same way).

    Returns
    -------
    pandas.DataFrame
        Columns ``상품군`` (str), ``구매건수`` (int64), ``비율`` (float, share of all lines); by count
        (ties by name), ``미상`` (no category) last when present.

    Raises
    ------
    ValueError
        Missing column.
    """
    _require_columns(purchases, [("category_col", category_col)], "purchases")
    labelled = _clean_labels(purchases[category_col], None)
    return _nominal_split(labelled, label_col="상품군", count_col="구매건수")


def category_counts_figure(table: pd.DataFrame, *, top: int | None = 20,
                           title: str = "상품군별 구매횟수 분포") -> Figure:
    """Horizontal bars of :func:`category_purchase_counts`; beyond ``top`` categories fold into ``기타``."""
    _require_columns(table, ["상품군", "구매건수", SHARE], "table")
    _check_top(top)
    shown = table
    known = table[table["상품군"] != UNKNOWN_LABEL]
    if top is not None and len(known) > top:
        total_share = table[SHARE].sum()
        total = table["구매건수"].sum()
        counts = plots.top_n_with_other(known.set_index("상품군")["구매건수"], top)
        unknown = table[table["상품군"] == UNKNOWN_LABEL].set_index("상품군")["구매건수"]
        counts = pd.concat([counts, unknown])
        shown = pd.DataFrame({"상품군": counts.index, "구매건수": counts.to_numpy()})
        # count / total * Σshare = count / (all lines), also when the table given was already cut.
        shown[SHARE] = shown["구매건수"] / total * total_share if total else np.nan
    return plots.share_bar_figure(shown, label_col="상품군", count_col="구매건수", share_col=SHARE, title=title,
                                  count_unit="건", horizontal=True, kind="tall" if len(shown) > 12 else "default",
                                  note="※ 구매 상품 건 기준 (CLAC1)")


def category_sentence(table: pd.DataFrame, *, top: int = 5) -> str:
    """E.g. "구매 건수는 여성의류가 13.5%로 가장 많고, 상위 5개 상품군이 전체 구매의 56.0%를 차지합니다."."""
    _require_columns(table, ["상품군", "구매건수", SHARE], "table")
    _check_top(top)
    known = _known_rows(table, "상품군", "구매건수")
    if known.empty:
        return "구매 건이 없습니다."
    first = known.iloc[0]
    text = f"구매 건수는 {josa(first['상품군'], '이', '가')} {_pct(first[SHARE])}로 가장 많"
    head = known.head(top)
    if len(head) > 1:
        text += f"고, 상위 {len(head)}개 상품군이 전체 구매의 {_pct(head[SHARE].sum())}를 차지합니다."
    else:
        text += "습니다."
    return text


# ---------------------------------------------------------------------------------------------
# Category co-purchase (market-basket over sessions)
# ---------------------------------------------------------------------------------------------
EDGE_COLUMNS = ("cat_a", "cat_b", "count", "support", "support_a", "support_b",
                "confidence_a_b", "confidence_b_a", "lift")


def _basket_matrix(purchases: pd.DataFrame, session_cols: list[str], category_col: str):
    """Sparse session x category 0/1 matrix, the sorted category names and the session count."""
    from scipy import sparse

    frame = purchases[[*session_cols, category_col]]
    frame = frame[frame[category_col].notna()]
    categories_raw = frame[category_col].astype(str).str.strip()
    keep = (categories_raw != "").to_numpy()
    frame, categories_raw = frame[keep], categories_raw[keep]
    cat_codes, categories = pd.factorize(categories_raw, sort=True)
    sess_codes = frame.groupby(session_cols, sort=False, dropna=False).ngroup().to_numpy(dtype=np.int64)
    n_sessions = int(sess_codes.max()) + 1 if len(sess_codes) else 0
    matrix = sparse.csr_matrix((np.ones(len(sess_codes), dtype=np.int64), (sess_codes, cat_codes.astype(np.int64))),
                               shape=(n_sessions, len(categories)))
    # The CSR constructor sums repeated (session, category) entries; a basket is a set, so a category
    # bought twice in one session must count once.
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix, [str(c) for c in categories], n_sessions


def copurchase_edges(
    purchases: pd.DataFrame,
    *,
    session_cols: Sequence[str] = DEFAULT_SESSION_COLS,
    category_col: str = "CLAC1_NM",
    min_count: int = DEFAULT_MIN_PAIR_COUNT,
) -> pd.DataFrame:
    """Category pairs bought in the same session, with support, confidence and lift.

    A basket is the set of distinct categories of one session (``session_cols``; SESS_ID alone is
    reused across clients). Only baskets with at least two categories contain pairs, but every
    session counts in the denominator:

    * ``N`` = number of sessions with at least one categorised purchase line (lines without a
      category are ignored);
    * ``n_a`` = sessions whose basket contains ``a``; ``n_ab`` = sessions containing both;
    * ``support = n_ab / N``, ``support_a = n_a / N``;
    * ``confidence_a_b = n_ab / n_a`` (share of ``a`` baskets that also hold ``b``), ``confidence_b_a = n_ab / n_b``;
    * ``lift = support / (support_a * support_b) = n_ab * N / (n_a * n_b)``: 1 means the pair occurs as
      often as if the categories were bought independently.

    Computed with a sparse session x category product, so millions of sessions take seconds.
    ``result.attrs`` carries ``n_sessions``, ``n_multi_category_sessions`` and ``min_count``.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Purchase-lines view.
    session_cols : sequence of str, default ("CLNT_ID", "SESS_ID")
    category_col : str, default "CLAC1_NM"
    min_count : int, default 20
        Pairs bought together in fewer sessions are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns ``cat_a``, ``cat_b`` (str, ``cat_a < cat_b``), ``count`` (int64 = n_ab), ``support``,
        ``support_a``, ``support_b``, ``confidence_a_b``, ``confidence_b_a``, ``lift`` (float64); sorted by
        count descending, then lift descending, then names.

    Raises
    ------
    ValueError
        Missing column or ``min_count`` not a positive integer.
    """
    _check_top(min_count, "min_count")
    cols = _session_columns(session_cols)
    if not cols:
        raise ValueError("session_cols must name the session key columns, e.g. ('CLNT_ID', 'SESS_ID')")
    _require_columns(purchases, [("category_col", category_col), *[("session_cols", c) for c in cols]], "purchases")
    matrix, categories, n_sessions = _basket_matrix(purchases, cols, category_col)
    basket_size = np.asarray(matrix.sum(axis=1)).ravel()
    n_per_category = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    multi = matrix[basket_size >= 2]
    co = (multi.T @ multi).toarray() if multi.shape[0] else np.zeros((len(categories),) * 2, dtype=np.int64)
    i, j = np.triu_indices(len(categories), k=1)
    counts = co[i, j].astype(np.int64)
    keep = counts >= min_count
    i, j, counts = i[keep], j[keep], counts[keep]
    n_a, n_b = n_per_category[i].astype(float), n_per_category[j].astype(float)
    names = np.array(categories, dtype=object)
    edges = pd.DataFrame({
        "cat_a": pd.Series(names[i], dtype="str"),
        "cat_b": pd.Series(names[j], dtype="str"),
        "count": pd.Series(counts, dtype="int64"),
        "support": counts / n_sessions if n_sessions else np.zeros(len(counts)),
        "support_a": n_a / n_sessions if n_sessions else np.zeros(len(counts)),
        "support_b": n_b / n_sessions if n_sessions else np.zeros(len(counts)),
        "confidence_a_b": counts / n_a,
        "confidence_b_a": counts / n_b,
        "lift": counts * float(n_sessions) / (n_a * n_b),
    })
    edges = edges.astype({c: "float64" for c in EDGE_COLUMNS[3:]})
    edges = edges.sort_values(["count", "lift", "cat_a", "cat_b"], ascending=[False, False, True, True],
                              kind="mergesort").reset_index(drop=True)
    edges.attrs = {"n_sessions": n_sessions, "n_multi_category_sessions": int(multi.shape[0]),
                   "min_count": int(min_count)}
    return edges


def copurchase_table(edges: pd.DataFrame) -> pd.DataFrame:
    """Korean-labelled view of :func:`copurchase_edges` for the report.

    Returns
    -------
    pandas.DataFrame
        Columns ``상품군 A``, ``상품군 B``, ``동시구매 세션수``, ``지지도``, ``신뢰도(A→B)``,
        ``신뢰도(B→A)``, ``향상도``; same row order.
    """
    _require_columns(edges, EDGE_COLUMNS, "edges")
    return pd.DataFrame({
        "상품군 A": edges["cat_a"], "상품군 B": edges["cat_b"], "동시구매 세션수": edges["count"],
        "지지도": edges["support"], "신뢰도(A→B)": edges["confidence_a_b"],
        "신뢰도(B→A)": edges["confidence_b_a"], "향상도": edges["lift"],
    }).reset_index(drop=True)


def copurchase_network_figure(
    edges: pd.DataFrame,
    *,
    node_sizes: pd.Series | Mapping[str, float] | None = None,
    top_edges: int | None = 60,
    per_node: int = 1,
    rank_by: str = "count",
    width_by: str = "lift",
    layout: str = "kamada_kawai",
    seed: int = 42,
    title: str = "상품군 연결 네트워크",
) -> Figure:
    """Network of co-purchased categories (networkx, deterministic layout, Korean node labels).

    The ``top_edges`` strongest edges by ``rank_by`` are drawn, plus each category's ``per_node``
    strongest edges so that small categories (37 CLAC1 in all) still appear; line width follows ``width_by``;
    blue lines have lift >= 1 (bought together more often than chance), grey lines lift < 1.
    Node area follows ``node_sizes`` (e.g. the ``구매건수`` of :func:`category_purchase_counts` indexed by
    category) or, by default, the share of sessions containing the category (``support_a``/``support_b``).

    Parameters
    ----------
    edges : pandas.DataFrame
        Output of :func:`copurchase_edges`.
    node_sizes : Series or mapping, optional
    top_edges : int or None, default 60
        ``None`` draws every edge.
    per_node : int, default 1
        Strongest edges kept for every category on top of ``top_edges`` (0: none).
    rank_by, width_by : {"count", "lift", "support"}
    layout : {"kamada_kawai", "spring"}
        Both are deterministic: Kamada-Kawai starts from a circle, the spring layout uses ``seed``.
    seed : int
        Seed of the spring layout.
    title : str
    """
    _require_columns(edges, EDGE_COLUMNS, "edges")
    _check_top(top_edges, "top_edges")
    allowed = {"count", "lift", "support"}
    for name, value in (("rank_by", rank_by), ("width_by", width_by)):
        if value not in allowed:
            raise ValueError(f"{name}={value!r} is not one of {sorted(allowed)}")
    if layout not in {"kamada_kawai", "spring"}:
        raise ValueError(f"layout={layout!r} is not one of ['kamada_kawai', 'spring']")
    import networkx as nx

    font = plots.use_korean_font()
    fig = plots.new_figure("network")
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, fontsize=15)
    if isinstance(per_node, bool) or not isinstance(per_node, (int, np.integer)) or per_node < 0:
        raise ValueError(f"per_node must be a non-negative integer, got {per_node!r}")
    ranked = edges.sort_values([rank_by, "lift", "cat_a", "cat_b"], ascending=[False, False, True, True],
                               kind="mergesort")
    chosen = ranked if top_edges is None else ranked.head(top_edges)
    if top_edges is not None and per_node:
        # Every category's strongest edges form a backbone, so the network shows all categories.
        long = pd.concat([ranked.assign(_node=ranked["cat_a"]), ranked.assign(_node=ranked["cat_b"])])
        long["_rank"] = np.concatenate([np.arange(len(ranked))] * 2)
        backbone = long.sort_values("_rank", kind="mergesort").groupby("_node", sort=False).head(per_node)
        keep = set(chosen.index) | set(backbone.index)
        chosen = ranked[ranked.index.isin(keep)]
    if chosen.empty:
        ax.text(0.5, 0.5, "표시할 상품군 연결이 없습니다\n(최소 동시구매 세션 수 조건을 확인하세요)", ha="center",
                va="center", fontsize=13, transform=ax.transAxes)
        return fig

    support = {}
    for a, b, sa, sb in zip(edges["cat_a"], edges["cat_b"], edges["support_a"], edges["support_b"]):
        support.setdefault(a, sa)
        support.setdefault(b, sb)
    sizes_source = dict(node_sizes.items()) if node_sizes is not None else support
    nodes = sorted(set(chosen["cat_a"]) | set(chosen["cat_b"]))
    raw_sizes = np.array([float(sizes_source.get(n, 0.0) or 0.0) for n in nodes])
    biggest = raw_sizes.max() if raw_sizes.size and raw_sizes.max() > 0 else 1.0
    node_area = 250 + 2750 * np.sqrt(np.clip(raw_sizes, 0, None) / biggest)

    chosen = chosen.sort_values(["cat_a", "cat_b"], kind="mergesort")
    widths_raw = chosen[width_by].to_numpy(dtype=float)
    lo, hi = widths_raw.min(), widths_raw.max()
    scaled = (widths_raw - lo) / (hi - lo) if hi > lo else np.full(len(widths_raw), 0.5)
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for (a, b, lift), s in zip(chosen[["cat_a", "cat_b", "lift"]].itertuples(index=False), scaled):
        graph.add_edge(a, b, strength=0.2 + float(s), lift=float(lift))
    if layout == "kamada_kawai":
        # Deterministic (starts from a circle); spreads a hub-and-spoke basket network evenly.
        pos = nx.kamada_kawai_layout(graph)
    else:
        pos = nx.spring_layout(graph, seed=seed, weight="strength", k=2.5 / np.sqrt(max(len(nodes), 1)),
                               iterations=300)
    edge_list = list(graph.edges())
    strengths = np.array([graph.edges[e]["strength"] for e in edge_list])
    colors = ["#3b6fb6" if graph.edges[e]["lift"] >= 1 else "#bbbbbb" for e in edge_list]
    nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=edge_list, width=0.6 + 5.0 * (strengths - 0.2),
                           edge_color=colors, alpha=0.7)
    nx.draw_networkx_nodes(graph, pos, ax=ax, nodelist=nodes, node_size=node_area, node_color="#f4b860",
                           edgecolors="#8a5a00", linewidths=0.8, alpha=0.9)
    # networkx passes font_family="sans-serif" by default, which bypasses the Korean rc font.
    nx.draw_networkx_labels(graph, pos, ax=ax, font_family=font, font_size=10,
                            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75})
    width_name = {"lift": "리프트", "count": "동시구매 세션수", "support": "지지도"}[width_by]
    size_name = "지정 값" if node_sizes is not None else "포함 세션 비율"
    plots.add_note(fig, align="left", note=f"선 굵기: {width_name} · 파란 선: 리프트 ≥ 1, 회색 선: 리프트 < 1 · 원 크기: {size_name} · "
             f"표시 연결 {len(edge_list)}개 / 전체 {len(edges)}개")
    ax.margins(0.08)
    return fig


def copurchase_sentence(edges: pd.DataFrame) -> str:
    """E.g. "가장 자주 함께 구매된 조합은 여성의류–패션잡화로 1,234세션에서 나타났고(리프트 1.4), 리프트가 가장 높은
    조합은 …(리프트 2.3)입니다." computed from :func:`copurchase_edges`."""
    _require_columns(edges, EDGE_COLUMNS, "edges")
    prefix = ""
    n_sessions = edges.attrs.get("n_sessions")
    n_multi = edges.attrs.get("n_multi_category_sessions")
    if n_sessions and n_multi is not None:
        prefix = f"전체 {n_sessions:,}세션 중 {_pct(n_multi / n_sessions)}가 두 개 이상의 상품군을 구매했고, "
    if edges.empty:
        return prefix + "최소 동시구매 세션 수 조건을 만족하는 상품군 조합은 없습니다."
    by_count = edges.sort_values(["count", "lift", "cat_a", "cat_b"], ascending=[False, False, True, True],
                                 kind="mergesort").iloc[0]
    by_lift = edges.sort_values(["lift", "count", "cat_a", "cat_b"], ascending=[False, False, True, True],
                                kind="mergesort").iloc[0]
    pair = f"{by_count['cat_a']}–{by_count['cat_b']}"
    text = (prefix + f"가장 자주 함께 구매된 조합은 {josa(pair, '으로', '로')} "
            f"{int(by_count['count']):,}세션에서 나타났으며(리프트 {by_count['lift']:.1f}), ")
    if (by_lift["cat_a"], by_lift["cat_b"]) == (by_count["cat_a"], by_count["cat_b"]):
        text += "이 조합이 리프트도 가장 높습니다."
    else:
        text += (f"가장 강한 연결은 {by_lift['cat_a']}–{by_lift['cat_b']}"
                 f"(리프트 {by_lift['lift']:.1f}, {int(by_lift['count']):,}세션)입니다.")
    return text
