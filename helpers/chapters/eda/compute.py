"""Chapter 1 (report section 01, 데이터 탐색): pure analyses over the cleaned tables.

Every analysis takes a DataFrame first and keyword-only column names whose defaults are the cleaned
column contract (``docs/ARCHITECTURE.md``); it never mutates its input and returns a new frame with
the fixed columns documented below. A missing column raises ``ValueError`` naming the column and the
keyword argument that renames it. No matplotlib here: figures are in :mod:`.figures`, sentences and
analyst tables in :mod:`.words`.

Inputs are small engine aggregates (the shared queries of :mod:`helpers.data.queries.eda`, one row per
label with a count: pass ``count_col``) or, for any shop's data, the row-level frames (each row counts once).
Result frames (Korean column names, ``비율`` is a share in [0, 1]); they are also the chapter's data
products, so their names and values must not change:

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
=============================  ===============================================

Code labels (gender, device, region, age bands) come from :mod:`helpers.common.labels`; the defaults
below (top-N, minimum pair count) can be overridden per call.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.common.checks import require_columns
from helpers.common.figures import OTHER_LABEL, UNKNOWN_LABEL, top_n_with_other
from helpers.common.labels import AGE_BANDS, DEVICE_LABELS, GENDER_LABELS, REGION_LABELS, age_label

__all__ = [
    "ACTION_LABELS",
    "CLEANING_COLUMNS",
    "DEFAULT_KEYWORD_TOP",
    "DEFAULT_MIN_PAIR_COUNT",
    "DEFAULT_SESSION_COLS",
    "EDGE_COLUMNS",
    "SHARE",
    "TABLE_LABELS",
    "age_distribution",
    "buying_customers",
    "category_purchase_counts",
    "cleaning_log_table",
    "copurchase_edges",
    "device_split",
    "fold_category_counts",
    "gender_split",
    "keyword_frequencies",
    "network_edges",
    "region_split",
]

# ---------------------------------------------------------------------------------------------
# Business rules as data
# ---------------------------------------------------------------------------------------------
#: Cleaning-log action words -> Korean; unknown actions are shown as they are.
ACTION_LABELS: dict[str, str] = {
    "drop": "삭제", "dropped": "삭제", "delete": "삭제", "deleted": "삭제", "removed": "삭제",
    "repair": "수정", "repaired": "수정", "fix": "수정", "fixed": "수정", "parsed": "변환", "parse": "변환",
    "convert": "변환", "converted": "변환", "fill": "대체", "filled": "대체", "impute": "대체", "imputed": "대체",
    "flag": "표시", "flagged": "표시", "keep": "유지", "kept": "유지", "dedupe": "중복 제거",
    "deduplicated": "중복 제거", "clip": "절단", "clipped": "절단", "excluded": "제외(분석 기간 밖)",
    "warning": "경고", "set_aside": "따로 보관",
}
#: Cleaning-log table codes (the loader's names of the six input files) -> Korean.
TABLE_LABELS: dict[str, str] = {
    "master": "상품(Master)", "custom": "고객(Custom)", "session": "세션(Session)", "search1": "검색1(Search1)",
    "search2": "검색2(Search2)", "product": "구매(Product)",
}
DEFAULT_KEYWORD_TOP = 200
#: Minimum number of sessions that bought both categories for a co-purchase edge to be kept;
#: below it support and lift rest on too few baskets to read.
DEFAULT_MIN_PAIR_COUNT = 20
DEFAULT_SESSION_COLS: tuple[str, str] = ("CLNT_ID", "SESS_ID")

SHARE = "비율"
CLEANING_COLUMNS = ("규칙", "테이블", "영향 행 수", "조치")
EDGE_COLUMNS = ("cat_a", "cat_b", "count", "support", "support_a", "support_b",
                "confidence_a_b", "confidence_b_a", "lift")


# ---------------------------------------------------------------------------------------------
# Small internal helpers
# ---------------------------------------------------------------------------------------------
def _require(df: pd.DataFrame, what: str, **columns: str) -> None:
    """``columns`` maps keyword argument -> column name; the error says which argument renames it."""
    args = [a for a, col in columns.items() if isinstance(df, pd.DataFrame) and col not in df.columns]
    require_columns(df, list(columns.values()), what, hint="pass the column's name with "
                    + ", ".join(f"{arg}=..." for arg in args))


def _session_columns(session_cols: Sequence[str] | str | None) -> list[str]:
    if session_cols is None:
        return []
    if isinstance(session_cols, str):
        return [session_cols]
    cols = list(session_cols)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ValueError(f"session_cols must be a non-empty sequence of column names or None, got {session_cols!r}")
    return cols


def _require_sessions(df: pd.DataFrame, what: str, cols: list[str], **columns: str) -> None:
    _require(df, what, **columns)
    require_columns(df, cols, what, hint="pass the session key columns with session_cols=(...)")


def check_top(top: int | None, name: str = "top") -> None:
    """Raise unless ``top`` is None or a positive integer (shared by figures and words)."""
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
    out[SHARE] = (out[count_col] / total).astype("float64") if total else pd.Series(np.nan, index=out.index,
                                                                                      dtype="float64")
    return out


def _by_count(counts: pd.Series) -> pd.Series:
    """Descending count, ties by label: the same order whatever the input order."""
    frame = pd.DataFrame({"label": [str(v) for v in counts.index], "n": counts.to_numpy()})
    frame = frame.sort_values(["n", "label"], ascending=[False, True], kind="mergesort")
    return pd.Series(frame["n"].to_numpy(), index=frame["label"].to_numpy())


def _weights(frame: pd.DataFrame, count_col: str | None, what: str) -> pd.Series | None:
    """``frame[count_col]`` as int64 counts (how many lines/sessions/customers each row stands for), or None
    when ``count_col`` is None (every row counts once)."""
    if count_col is None:
        return None
    _require(frame, what, count_col=count_col)
    counts = pd.to_numeric(frame[count_col], errors="coerce")
    bad = counts.isna() | (counts < 0) | (counts.fillna(0) % 1 != 0)
    if bad.any():
        raise ValueError(f"{what} column {count_col!r} must hold non-negative whole counts; "
                         f"{int(bad.sum())} row(s) do not")
    return counts.astype("int64")


def _nominal_split(labelled: pd.Series, *, label_col: str, count_col: str, top: int | None = None,
                   weights: pd.Series | None = None) -> pd.DataFrame:
    """Counts per label (rows weighted by ``weights`` when given), ``미상`` for missing labels."""
    if weights is None:
        total = len(labelled)
        unknown = int(labelled.isna().sum())
        counts = _by_count(labelled.dropna().value_counts())
    else:
        known = labelled.notna().to_numpy()
        total = int(weights.sum())
        unknown = int(weights[~known].sum())
        counts = _by_count(weights[known].groupby(labelled[known].to_numpy(), sort=False).sum())
    if top is not None and len(counts) > top:
        counts = top_n_with_other(counts, top)
    if unknown:
        counts = pd.concat([counts, pd.Series([unknown], index=[UNKNOWN_LABEL])])
    return _share_frame(counts, label_col=label_col, count_col=count_col, total=total)


def known_rows(table: pd.DataFrame, label_col: str, count_col: str) -> pd.DataFrame:
    """Rows other than 미상/기타 with a positive count, largest first (ties by label)."""
    rows = table[~table[label_col].isin([UNKNOWN_LABEL, OTHER_LABEL]) & (table[count_col] > 0)]
    return rows.sort_values([count_col, label_col], ascending=[False, True], kind="mergesort")


def unknown_share(table: pd.DataFrame, label_col: str) -> float:
    """Share of the ``미상`` row (0 when there is none)."""
    rows = table[table[label_col] == UNKNOWN_LABEL]
    return float(rows[SHARE].sum()) if len(rows) else 0.0


# ---------------------------------------------------------------------------------------------
# Cleaning log
# ---------------------------------------------------------------------------------------------
def cleaning_log_table(
    log: pd.DataFrame,
    *,
    rule_col: str = "rule",
    table_col: str = "table",
    rows_col: str = "rows",
    action_col: str = "action",
    action_labels: Mapping[str, str] | None = ACTION_LABELS,
    table_labels: Mapping[str, str] | None = TABLE_LABELS,
) -> pd.DataFrame:
    """Korean-labelled view of the loader's cleaning log (what was dropped or repaired, and why).

    It stays in this module because the report's index page reads it from here too.

    Parameters
    ----------
    log : pandas.DataFrame
        One row per cleaning rule and table, as produced by the loader.
    rule_col, table_col, rows_col, action_col : str
        Column names in ``log``.
    action_labels, table_labels : mapping, optional
        Action word / table code -> Korean (case-insensitive); unknown values are kept as they are.

    Returns
    -------
    pandas.DataFrame
        Columns ``규칙`` (str), ``테이블`` (str), ``영향 행 수`` (int64), ``조치`` (str), in the log's order.

    Raises
    ------
    ValueError
        A column is missing, or ``rows`` holds missing, non-integer or negative values.
    """
    _require(log, "log", rule_col=rule_col, table_col=table_col, rows_col=rows_col, action_col=action_col)
    rows = pd.to_numeric(log[rows_col], errors="coerce")
    bad = rows.isna() | (rows < 0) | (rows.fillna(0) % 1 != 0)
    if bad.any():
        raise ValueError(f"log column {rows_col!r} must hold non-negative whole row counts; "
                         f"{int(bad.sum())} row(s) do not (first: {log.loc[bad, rows_col].iloc[0]!r})")
    return pd.DataFrame({
        "규칙": pd.Series([str(v) if pd.notna(v) else "" for v in log[rule_col]], dtype="str"),
        "테이블": pd.Series(_translate(log[table_col], table_labels), dtype="str"),
        "영향 행 수": pd.Series(rows.to_numpy(), dtype="int64"),
        "조치": pd.Series(_translate(log[action_col], action_labels), dtype="str"),
    })


def _translate(values: pd.Series, labels: Mapping[str, str] | None) -> list[str]:
    lookup = {str(k).lower(): v for k, v in (labels or {}).items()}
    return [lookup.get(str(v).strip().lower(), str(v)) if pd.notna(v) else "" for v in values]


# ---------------------------------------------------------------------------------------------
# Gender (04.Custom, one count per customer)
# ---------------------------------------------------------------------------------------------
def buying_customers(customers: pd.DataFrame, purchases: pd.DataFrame, *, client_col: str = "CLNT_ID") -> pd.DataFrame:
    """The rows of ``customers`` (04.Custom) whose client bought at least once in ``purchases``."""
    _require(customers, "customers", client_col=client_col)
    _require(purchases, "purchases", client_col=client_col)
    return customers[customers[client_col].isin(purchases[client_col].unique())]


def gender_split(
    customers: pd.DataFrame,
    *,
    client_col: str = "CLNT_ID",
    gender_col: str = "CLNT_GENDER",
    labels: Mapping[str, str] | None = GENDER_LABELS,
    count_col: str | None = None,
    conflicts_col: str = "n_conflicts",
) -> pd.DataFrame:
    """Customers by gender, one count per customer (the seed counts 04.Custom clients).

    Repeated rows of one client (e.g. when the purchase-lines view is passed) count once.

    Parameters
    ----------
    customers : pandas.DataFrame
        04.Custom or any frame with one or more rows per client; or, with ``count_col``, an aggregate with one
        row per gender code (``queries.eda.buyer_genders``: ``CLNT_GENDER, n_customers, n_conflicts``).
    client_col, gender_col : str
    labels : mapping, optional
        Gender code -> Korean label; codes not in it are shown as they are.
    count_col : str, optional
        Column of customers per row (the aggregate's ``n_customers``); ``client_col`` is then not needed.
    conflicts_col : str
        With ``count_col``: column of clients seen with two genders, if the aggregate has it (must be 0).

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
    if count_col is not None:
        return _gender_counts(customers, gender_col=gender_col, count_col=count_col,
                              conflicts_col=conflicts_col, labels=labels)
    _require(customers, "customers", client_col=client_col, gender_col=gender_col)
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


def _gender_counts(counts: pd.DataFrame, *, gender_col: str, count_col: str, conflicts_col: str,
                   labels: Mapping[str, str] | None) -> pd.DataFrame:
    """:func:`gender_split` of an aggregate with one row per gender code and a customer count."""
    _require(counts, "customers", gender_col=gender_col)
    weights = _weights(counts, count_col, "customers")
    if conflicts_col in counts.columns and (conflicts := int(counts[conflicts_col].fillna(0).sum())):
        raise ValueError(f"{conflicts} client(s) have more than one {gender_col!r} value; fix the customer table")
    return _nominal_split(_clean_labels(counts[gender_col], labels), label_col="성별", count_col="고객수",
                          weights=weights)


# ---------------------------------------------------------------------------------------------
# Age (purchase lines, one count per line)
# ---------------------------------------------------------------------------------------------
def age_distribution(
    purchases: pd.DataFrame,
    *,
    age_col: str = "CLNT_AGE",
    bands: Sequence[int] = AGE_BANDS,
    count_col: str | None = None,
) -> pd.DataFrame:
    """Purchase lines by the buyer's age band (the seed counts purchases, not customers).

    Ages are floored to their decade (35 -> 30대). Lines whose buyer has no demographics form ``미상``.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Purchase-lines view, one row per product line; or, with ``count_col``, lines per age
        (``queries.eda.line_ages``: ``CLNT_AGE, n_lines``).
    age_col : str
    bands : sequence of int
        Decades always listed (with 0 when absent), default 10..80; other observed decades are added.
    count_col : str, optional
        Column of lines per row (the aggregate's ``n_lines``); None counts every row once.

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
    _require(purchases, "purchases", age_col=age_col)
    try:
        ages = pd.to_numeric(purchases[age_col], errors="raise")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"purchases column {age_col!r} must be numeric ages (10, 20, …): {exc}") from None
    ages = ages.astype("Float64")
    weights = _weights(purchases, count_col, "purchases")
    if weights is None:
        weights = pd.Series(1, index=purchases.index, dtype="int64")
    known = ages.notna().to_numpy()
    band = (ages[known] // 10 * 10).astype("int64")
    counts = weights[known].groupby(band.to_numpy()).sum()
    order = sorted(set(int(b) for b in bands) | set(int(b) for b in counts.index))
    counts = counts.reindex(order, fill_value=0)
    counts.index = [age_label(b) for b in order]
    counts = pd.concat([counts, pd.Series([int(weights[~known].sum())], index=[UNKNOWN_LABEL])])
    return _share_frame(counts, label_col="연령대", count_col="구매건수", total=int(weights.sum()))


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
    count_col: str | None = None,
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
    count_col : str, optional
        Column of sessions per row: ``sessions`` is then an aggregate with one row per device code
        (``queries.eda.session_values``: ``DVC_CTG_NM, n_sessions``) and ``session_cols`` is not used.

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
    return _session_split(sessions, device_col, label_col="디바이스", session_cols=session_cols, labels=labels,
                          count_col=count_col, column_arg="device_col")


def region_split(
    sessions: pd.DataFrame,
    *,
    top: int | None = None,
    region_col: str = "ZON_NM",
    session_cols: Sequence[str] | None = DEFAULT_SESSION_COLS,
    labels: Mapping[str, str] | None = REGION_LABELS,
    count_col: str | None = None,
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
    count_col : str, optional
        See :func:`device_split` (aggregate ``ZON_NM, n_sessions``).

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
    check_top(top)
    return _session_split(sessions, region_col, label_col="지역", session_cols=session_cols, labels=labels,
                          count_col=count_col, column_arg="region_col", top=top)


def _session_split(sessions: pd.DataFrame, value_col: str, *, label_col: str, session_cols, labels,
                   count_col: str | None, column_arg: str, top: int | None = None) -> pd.DataFrame:
    """Sessions per label of ``value_col``: one per session of a table, or summed ``count_col`` of an aggregate."""
    if count_col is not None:
        _require(sessions, "sessions", **{column_arg: value_col})
        weights = _weights(sessions, count_col, "sessions")
        return _nominal_split(_clean_labels(sessions[value_col], labels), label_col=label_col, count_col="세션수",
                              top=top, weights=weights)
    cols = _session_columns(session_cols)
    _require_sessions(sessions, "sessions", cols, **{column_arg: value_col})
    labelled = _clean_labels(_per_session(sessions, value_col, cols), labels)
    return _nominal_split(labelled, label_col=label_col, count_col="세션수", top=top)


# ---------------------------------------------------------------------------------------------
# Search keywords
# ---------------------------------------------------------------------------------------------
def _search_counts(search: pd.DataFrame, count_col: str) -> pd.Series:
    """``count_col`` as non-negative numbers, missing counted as 0."""
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
    return counts


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
    check_top(top)
    _require(search, "search", keyword_col=keyword_col, count_col=count_col)
    counts = _search_counts(search, count_col)
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


# ---------------------------------------------------------------------------------------------
# Category purchase counts
# ---------------------------------------------------------------------------------------------
def category_purchase_counts(purchases: pd.DataFrame, *, category_col: str = "CLAC1_NM",
                             count_col: str | None = None) -> pd.DataFrame:
    """Purchase lines per category.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Purchase-lines view; or, with ``count_col``, lines per category (``queries.eda.category_lines``:
        ``CLAC1_NM, n_lines``).
    category_col : str
        ``CLAC1_NM`` by default (``CLAC2_NM`` works the same way).
    count_col : str, optional
        Column of lines per row (the aggregate's ``n_lines``); None counts every row once.

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
    _require(purchases, "purchases", category_col=category_col)
    labelled = _clean_labels(purchases[category_col], None)
    return _nominal_split(labelled, label_col="상품군", count_col="구매건수",
                          weights=_weights(purchases, count_col, "purchases"))


def fold_category_counts(table: pd.DataFrame, *, top: int | None = 20) -> pd.DataFrame:
    """:func:`category_purchase_counts` with categories beyond ``top`` folded into ``기타`` (``미상`` kept last).

    Shares stay shares of all lines, also when the table given was already cut.
    """
    require_columns(table, ["상품군", "구매건수", SHARE], "table")
    check_top(top)
    known = table[table["상품군"] != UNKNOWN_LABEL]
    if top is None or len(known) <= top:
        return table
    total_share = table[SHARE].sum()
    total = table["구매건수"].sum()
    counts = top_n_with_other(known.set_index("상품군")["구매건수"], top)
    unknown = table[table["상품군"] == UNKNOWN_LABEL].set_index("상품군")["구매건수"]
    counts = pd.concat([counts, unknown])
    shown = pd.DataFrame({"상품군": counts.index, "구매건수": counts.to_numpy()})
    # count / total * Σshare = count / (all lines), also when the table given was already cut.
    shown[SHARE] = shown["구매건수"] / total * total_share if total else np.nan
    return shown


# ---------------------------------------------------------------------------------------------
# Category co-purchase (market-basket over sessions)
# ---------------------------------------------------------------------------------------------
def _edge_frame(pairs: pd.DataFrame, n_per_category: pd.Series, n_sessions: int) -> pd.DataFrame:
    """Support, confidence and lift of the pairs (``cat_a, cat_b, count``), sorted by count, lift, names."""
    counts = pairs["count"].to_numpy(dtype=np.int64)
    n_a = n_per_category.reindex(pairs["cat_a"]).to_numpy(dtype=float)
    n_b = n_per_category.reindex(pairs["cat_b"]).to_numpy(dtype=float)
    edges = pd.DataFrame({
        "cat_a": pd.Series(pairs["cat_a"].to_numpy(dtype=object), dtype="str"),
        "cat_b": pd.Series(pairs["cat_b"].to_numpy(dtype=object), dtype="str"),
        "count": pd.Series(counts, dtype="int64"),
        "support": counts / n_sessions if n_sessions else np.zeros(len(counts)),
        "support_a": n_a / n_sessions if n_sessions else np.zeros(len(counts)),
        "support_b": n_b / n_sessions if n_sessions else np.zeros(len(counts)),
        "confidence_a_b": counts / n_a,
        "confidence_b_a": counts / n_b,
        "lift": counts * float(n_sessions) / (n_a * n_b),
    })
    edges = edges.astype({c: "float64" for c in EDGE_COLUMNS[3:]})
    return edges.sort_values(["count", "lift", "cat_a", "cat_b"], ascending=[False, False, True, True],
                             kind="mergesort").reset_index(drop=True)


def _ordered_pairs(pairs: pd.DataFrame, cat_a_col: str, cat_b_col: str, count_col: str) -> pd.DataFrame:
    """Pairs as ``cat_a < cat_b`` (trimmed names), counts of a pair given twice or in both orders summed."""
    a = pairs[cat_a_col].astype(str).str.strip().to_numpy(dtype=object)
    b = pairs[cat_b_col].astype(str).str.strip().to_numpy(dtype=object)
    swap = np.array([x > y for x, y in zip(a, b)], dtype=bool)
    frame = pd.DataFrame({"cat_a": np.where(swap, b, a), "cat_b": np.where(swap, a, b),
                          "count": pd.to_numeric(pairs[count_col]).to_numpy()})
    frame = frame[frame["cat_a"] != frame["cat_b"]]
    return frame.groupby(["cat_a", "cat_b"], sort=True, as_index=False)["count"].sum()


def copurchase_edges(
    pairs: pd.DataFrame,
    baskets: pd.DataFrame,
    *,
    min_count: int = DEFAULT_MIN_PAIR_COUNT,
    cat_a_col: str = "cat_a",
    cat_b_col: str = "cat_b",
    pair_count_col: str = "n_sessions",
    category_col: str = "category",
    basket_count_col: str = "n_baskets",
    sessions_col: str = "n_sessions",
    multi_col: str = "n_multi_category",
) -> pd.DataFrame:
    """Category pairs bought in the same session, with support, confidence and lift, from session counts.

    A basket is the set of distinct categories of one session (CLNT_ID, SESS_ID; SESS_ID alone is reused
    across clients). ``N`` = sessions with at least one categorised line, ``n_a`` = sessions whose basket
    holds ``a``, ``n_ab`` = sessions holding both; ``support = n_ab / N``, ``support_a = n_a / N``,
    ``confidence_a_b = n_ab / n_a``, ``confidence_b_a = n_ab / n_b``, ``lift = n_ab * N / (n_a * n_b)``
    (1: as often as if bought independently). ``result.attrs`` carries ``n_sessions``,
    ``n_multi_category_sessions`` and ``min_count``.

    Parameters
    ----------
    pairs : pandas.DataFrame
        One row per category pair with the sessions holding both (``queries.eda.copurchase_pairs``:
        ``cat_a, cat_b, n_sessions``); a pair may come in either order.
    baskets : pandas.DataFrame
        One row per category with the sessions holding it, and the totals ``N`` and sessions with two or
        more categories repeated on every row (``queries.eda.category_baskets``:
        ``category, n_baskets, n_sessions, n_multi_category``).
    min_count : int
        Pairs held by fewer sessions are dropped.
    cat_a_col, cat_b_col, pair_count_col, category_col, basket_count_col, sessions_col, multi_col : str
        Column names of the two frames.

    Returns
    -------
    pandas.DataFrame
        Columns ``cat_a``, ``cat_b`` (str, ``cat_a < cat_b``), ``count`` (int64 = n_ab), ``support``,
        ``support_a``, ``support_b``, ``confidence_a_b``, ``confidence_b_a``, ``lift`` (float64); sorted by
        count descending, then lift descending, then names.

    Raises
    ------
    ValueError
        Missing column, a pair category absent from ``baskets``, or ``min_count`` not a positive integer.
    """
    check_top(min_count, "min_count")
    _require(pairs, "pairs", cat_a_col=cat_a_col, cat_b_col=cat_b_col, pair_count_col=pair_count_col)
    _require(baskets, "baskets", category_col=category_col, basket_count_col=basket_count_col,
             sessions_col=sessions_col, multi_col=multi_col)
    n_per_category = pd.Series(baskets[basket_count_col].to_numpy(dtype=np.int64),
                               index=baskets[category_col].astype(str).str.strip().to_numpy(dtype=object))
    n_per_category = n_per_category.groupby(level=0).sum()
    kept = _ordered_pairs(pairs, cat_a_col, cat_b_col, pair_count_col)
    kept = kept[kept["count"] >= min_count]
    absent = sorted(set(kept["cat_a"]).union(kept["cat_b"]) - set(n_per_category.index))
    if absent:
        raise ValueError(f"pairs name categories missing from baskets: {absent[:5]}; pass the matching frames")
    n_sessions = int(baskets[sessions_col].max()) if len(baskets) else 0
    n_multi = int(baskets[multi_col].max()) if len(baskets) else 0
    edges = _edge_frame(kept, n_per_category, n_sessions)
    edges.attrs = {"n_sessions": n_sessions, "n_multi_category_sessions": n_multi, "min_count": int(min_count)}
    return edges


def network_edges(
    edges: pd.DataFrame,
    *,
    top_edges: int | None = 60,
    per_node: int = 1,
    rank_by: str = "count",
) -> pd.DataFrame:
    """The edges a co-purchase network shows: the ``top_edges`` strongest by ``rank_by`` plus each
    category's ``per_node`` strongest edges (so that small categories still appear), sorted by names.

    Raises
    ------
    ValueError
        Missing column, ``rank_by`` not one of count/lift/support, bad ``top_edges`` or ``per_node``.
    """
    require_columns(edges, EDGE_COLUMNS, "edges")
    check_top(top_edges, "top_edges")
    if rank_by not in {"count", "lift", "support"}:
        raise ValueError(f"rank_by={rank_by!r} is not one of ['count', 'lift', 'support']")
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
    return chosen.sort_values(["cat_a", "cat_b"], kind="mergesort")


def category_support(edges: pd.DataFrame) -> dict[str, float]:
    """Share of sessions containing each category, read from the edges (``support_a``/``support_b``)."""
    support: dict[str, float] = {}
    for a, b, sa, sb in zip(edges["cat_a"], edges["cat_b"], edges["support_a"], edges["support_b"]):
        support.setdefault(a, sa)
        support.setdefault(b, sb)
    return support
