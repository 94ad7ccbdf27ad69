"""Chapter 2: behaviour-based customer segmentation (report section 02, "온라인 행동기반 고객 세분화").

Method (SPEC section 2), as a chain of pure functions over engine aggregates (the shared queries of
:mod:`helpers.data.queries.segments`; ``q(fn)`` stands for ``Dataset.query(fn)``). Only group-, category- and
customer-level frames reach pandas, never purchase lines::

    groups     = main_groups(q(group_sizes))                   # N largest AGE_GENDER groups (min-size guard)
    categories = main_categories(q(category_lines))            # top-N CLAC1 categories by purchase lines
    behaviour  = behaviour_table(q(behaviour_sums), q(group_sums), groups=groups, categories=categories)
    gpat       = group_patterns(behaviour)                     # 4-bit pattern per group x category
    cpat       = category_patterns(gpat)                       # per-bit majority; even splits show both
    customers  = customer_segments(q(customer_top_categories), cpat, total_col="TOTAL_REVENUE")
    sizes      = segment_sizes(customers)

The step functions take plain frames with documented columns (any shop's aggregates, with column names as
keyword arguments); :func:`customer_segments` also takes revenue lines or customer x category sums.
``segment_customers`` runs the whole chain and returns a :class:`SegmentationResult`;
:func:`.stability.segment_stability` recomputes patterns per calendar month (beyond the report). Figures
are in :mod:`.figures`, sentences and analyst tables in :mod:`.words`, the YAML rules in :mod:`.rules`.

Bits are, in this order, consideration time, page views, searches, unit price
("고려시간, 페이지 조회수, 검색 횟수, 구매단가"). A bit is 1 when the group's mean in the category is above
the group's own mean over *all* its purchases ("평균"); equal (within floating-point rounding) is 0.
The 16-pattern -> segment map and the playbooks are data: ``helpers/resources/segments.yaml``.

Decisions the report leaves open (details in each function's docstring):

* Groups come from one column (``group_col``, default ``AGE_GENDER`` such as ``'30F'``); a caller with
  separate age and gender columns builds it first. Groups under ``min_customers`` are never scored
  (``main_groups`` says which, ``status='below_min_customers'``).
* Means are over purchase lines by default, as the report; ``weight='session'`` counts each session once.
* A category's pattern is the per-bit majority over the scored groups; when the two most frequent group
  patterns tie (and no third ties them) the category shows both (``split``), as the report's
  스포츠패션 and 유아동의류.
* A customer's segment is that of the category with the most revenue; when that category is not a main
  category the segment is NA with ``status='top_category_not_main'`` (no fallback to a lesser category).
* Means are sums / counts of the engine's sums, which are exact (integers at 0.01 precision), so the
  result does not depend on the engine's order of work; the rest is vectorised on integer codes.

Only the YAML resource is read; nothing is written. No function mutates its input.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.chapters.segments.rules import (
    PATTERNS,
    VARIABLE_LABELS,
    VARIABLES,
    SegmentRules,
    load_segment_rules,
    parse_segment_rules,
    playbook,
    resolve_rules,
)
from helpers.common.checks import require_columns
from helpers.data.queries import segments as queries

__all__ = [
    "VARIABLES",
    "VARIABLE_LABELS",
    "OVERALL_LABEL",
    "UNCLASSIFIED",
    "PRODUCT_COLUMNS",
    "SegmentRules",
    "SegmentationResult",
    "load_segment_rules",
    "parse_segment_rules",
    "playbook",
    "resolve_rules",
    "main_groups",
    "main_categories",
    "behaviour_table",
    "behaviour_wide",
    "group_patterns",
    "category_patterns",
    "segment_table",
    "customer_segments",
    "customer_segments_product",
    "segment_sizes",
    "segment_customers",
]

OVERALL_LABEL = "평균"  # the report's name for a group's mean over all its purchases
UNCLASSIFIED = "미분류"  # label of customers without a behaviour segment in sizes / transitions

DEFAULT_N_GROUPS = 7
DEFAULT_MIN_CUSTOMERS = 30
DEFAULT_N_CATEGORIES = 10
WEIGHTS = frozenset({"line", "session"})

_BIT_WEIGHTS = np.array([8, 4, 2, 1])



# --------------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------------
def _require(frame: pd.DataFrame, columns: Mapping[str, str], *, name: str = "purchases") -> None:
    """``columns`` maps keyword argument -> column name; the error says which argument renames it."""
    args = [a for a, col in columns.items() if isinstance(frame, pd.DataFrame) and col not in frame.columns]
    require_columns(frame, list(columns.values()), name,
                    hint="rename the column or pass its name with " + ", ".join(f"{a}=..." for a in args))


def _require_table(frame: pd.DataFrame, columns: Sequence[str], *, name: str) -> None:
    """Check a frame produced by an earlier step of this module."""
    require_columns(frame, columns, name, hint="pass the unchanged output of the matching function")


def _require_numeric(frame: pd.DataFrame, columns: Mapping[str, str], *, name: str = "purchases") -> None:
    for arg, col in columns.items():
        dtype = frame[col].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise ValueError(
                f"column {col!r} ({arg}) of {name} must be numeric, got dtype {dtype}; "
                "clean it first (e.g. pd.to_numeric after removing thousands separators)"
            )


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _as_list(values: Any, name: str, *, column: str, flag: str | None = None) -> list:
    """Accept a list-like of labels or the frame returned by main_groups / main_categories."""
    if isinstance(values, pd.DataFrame):
        if column not in values.columns:
            raise ValueError(f"{name} frame needs a {column!r} column (pass the output of main_{name})")
        if flag is not None and flag in values.columns:
            values = values.loc[values[flag].astype(bool), column]
        else:
            values = values[column]
    if values is None or isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a list of labels or the frame from main_{name}, got {values!r}")
    out = list(pd.unique(pd.Series(list(values), dtype=object)))
    if not out:
        raise ValueError(f"{name} is empty: at least one is needed")
    if any(pd.isna(v) for v in out):
        raise ValueError(f"{name} contains a missing value")
    return out


def _check_weight(weight: str) -> None:
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {sorted(WEIGHTS)}, got {weight!r}")


def _check_tolerance(split_tolerance: Any) -> int:
    if isinstance(split_tolerance, bool) or not isinstance(split_tolerance, (int, np.integer)) or split_tolerance < 0:
        raise ValueError(f"split_tolerance must be an integer >= 0, got {split_tolerance!r}")
    return int(split_tolerance)


# --------------------------------------------------------------------------------------------------
# 1. Main groups and categories
# --------------------------------------------------------------------------------------------------
def main_groups(
    sizes: pd.DataFrame,
    *,
    n_groups: int = DEFAULT_N_GROUPS,
    min_customers: int = DEFAULT_MIN_CUSTOMERS,
    group_col: str = "AGE_GENDER",
    customers_col: str = "n_customers",
    lines_col: str = "n_lines",
) -> pd.DataFrame:
    """The main customer groups: the ``n_groups`` largest age x gender groups by distinct customers.

    Groups with fewer than ``min_customers`` customers are never scored, whatever their rank.

    Parameters
    ----------
    sizes : DataFrame
        One row per group with its distinct customers and purchase lines (``queries.segments.group_sizes``:
        ``AGE_GENDER, n_customers, n_lines``); rows with a missing group are ignored.
    n_groups : int
        How many groups to keep (the report: 7).
    min_customers : int
        Minimum distinct customers for a group to be scored.
    group_col, customers_col, lines_col : str
        Column names (group values such as ``'30F'``; build the column first if age and gender are apart).

    Returns
    -------
    DataFrame, one row per group, ordered by ``rank``, columns:
        ``group``, ``n_customers`` (distinct), ``n_lines``, ``rank`` (1 = most customers; ties by group
        label), ``is_main`` (bool), ``status``: ``'main'``, ``'below_min_customers'`` or ``'outside_top_n'``.

    Raises
    ------
    ValueError
        Missing column, a group listed twice, bad parameter, or no group reaching ``min_customers``.
    """
    n_groups = _positive_int(n_groups, "n_groups")
    min_customers = _positive_int(min_customers, "min_customers")
    _require(sizes, {"group_col": group_col, "customers_col": customers_col, "lines_col": lines_col},
             name="sizes")
    _require_numeric(sizes, {"customers_col": customers_col, "lines_col": lines_col}, name="sizes")
    table = _group_counts(sizes, group_col=group_col, customers_col=customers_col, lines_col=lines_col)
    eligible = table["n_customers"] >= min_customers
    eligible_rank = eligible.cumsum()
    table["is_main"] = eligible & (eligible_rank <= n_groups)
    table["status"] = np.where(
        table["is_main"], "main", np.where(eligible, "outside_top_n", "below_min_customers")
    )
    table["status"] = table["status"].astype("str")
    if not table["is_main"].any():
        biggest = int(table["n_customers"].max()) if len(table) else 0
        raise ValueError(
            f"no {group_col} group has at least min_customers={min_customers} customers "
            f"(largest has {biggest}); lower min_customers or widen the date range"
        )
    return table[["group", "n_customers", "n_lines", "rank", "is_main", "status"]]


def _group_counts(sizes: pd.DataFrame, *, group_col: str, customers_col: str, lines_col: str) -> pd.DataFrame:
    """The groups' customers and lines, ranked by customers (ties by group label)."""
    known = sizes[sizes[group_col].notna()]
    if known[group_col].duplicated().any():
        raise ValueError(f"sizes lists a {group_col} group twice: distinct customers cannot be added up; "
                         "pass one row per group (queries.segments.group_sizes)")
    labels = known[group_col].to_numpy(dtype=object)
    table = pd.DataFrame({
        "group": pd.Series(labels, dtype="str" if all(isinstance(v, str) for v in labels) else object),
        "n_customers": known[customers_col].to_numpy(dtype="int64"),
        "n_lines": known[lines_col].to_numpy(dtype="int64"),
    })
    table = table.sort_values(["n_customers", "group"], ascending=[False, True], kind="mergesort")
    table = table.reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def main_categories(
    lines: pd.DataFrame,
    *,
    n_categories: int = DEFAULT_N_CATEGORIES,
    categories: Sequence[str] | None = None,
    category_col: str = "CLAC1_NM",
    lines_col: str = "n_lines",
) -> pd.DataFrame:
    """The main categories: the ``n_categories`` with most purchase lines, or the ``categories`` given.

    Parameters
    ----------
    lines : DataFrame
        Purchase lines per category (``queries.segments.category_lines``: ``CLAC1_NM, n_lines``); rows with a
        missing category are ignored, a category listed twice is added up.

    Returns
    -------
    DataFrame, one row per main category (given order, or by lines descending with ties by name), columns:
        ``category``, ``n_lines``, ``share`` (of all lines with a category), ``rank`` (by lines, 1 = most).

    Raises
    ------
    ValueError
        Missing column, bad ``n_categories``, or a given category that does not occur in the data.
    """
    _require(lines, {"category_col": category_col, "lines_col": lines_col}, name="lines")
    _require_numeric(lines, {"lines_col": lines_col}, name="lines")
    known = lines[lines[category_col].notna()]
    counts = known[lines_col].astype("int64").groupby(known[category_col], sort=False).sum()
    counts.index.name = "category"
    table = counts.rename("n_lines").reset_index()
    table = table.sort_values(["n_lines", "category"], ascending=[False, True], kind="mergesort")
    table = table.reset_index(drop=True)
    table["share"] = table["n_lines"] / max(int(table["n_lines"].sum()), 1)
    table["rank"] = np.arange(1, len(table) + 1)
    if categories is not None:
        wanted = _as_list(categories, "categories", column="category")
        absent = [c for c in wanted if c not in set(table["category"])]
        if absent:
            raise ValueError(
                f"categories not found in {category_col!r}: {absent}; check the spelling or the date range"
            )
        table = table.set_index("category").loc[wanted].reset_index()
    else:
        table = table.head(_positive_int(n_categories, "n_categories"))
    return table[["category", "n_lines", "share", "rank"]]


# --------------------------------------------------------------------------------------------------
# 2. Group x category means and bits
# --------------------------------------------------------------------------------------------------
def _bits_above(mean: np.ndarray, reference: np.ndarray):
    """1 where mean > reference, 0 where not (equal within rounding counts as not above), NA if unknown."""
    known = ~(np.isnan(mean) | np.isnan(reference))
    above = (mean > reference) & ~np.isclose(mean, reference, rtol=1e-9, atol=0.0)
    bits = pd.array(np.where(known, above, False).astype("int8"), dtype="Int8")
    bits[~known] = pd.NA
    return bits


# Vectorised cores: integer codes + np.bincount, so 5M lines take about a second. No loops over rows.
def _factorize(values: pd.Series | np.ndarray):
    """pd.factorize, with a hash-free path for integer ids of moderate range (codes follow id order)."""
    array = values.to_numpy() if isinstance(values, pd.Series) else values
    if array.dtype.kind in "iu" and len(array):
        low, high = int(array.min()), int(array.max())
        if high - low <= 4 * len(array) + 1_000_000:
            offset = (array - low).astype("int64")
            present = np.bincount(offset, minlength=high - low + 1) > 0
            dense = np.cumsum(present) - 1
            return dense[offset], np.flatnonzero(present) + low
    return pd.factorize(values)


def _codes_in(values: pd.Series, labels: Sequence) -> np.ndarray:
    """Position of each value in ``labels``; -1 where missing or not listed (one factorize)."""
    codes, uniques = pd.factorize(values)
    if len(uniques) == 0:
        return np.full(len(values), -1, dtype="int64")
    lookup = pd.Index(pd.Series(list(labels), dtype=object)).get_indexer(pd.Index(np.asarray(uniques, dtype=object)))
    return np.where(codes >= 0, lookup[codes], -1).astype("int64")


def _month_ordinals(months: pd.Series) -> np.ndarray:
    """Calendar month of each value as a Period[M] ordinal (months since 1970-01); missing -> -2**63.

    Integers are taken as ordinals already (the ``MONTH`` of :mod:`helpers.data.queries.segments`); periods
    and datetimes are converted."""
    if isinstance(months.dtype, pd.PeriodDtype):
        return np.where(months.isna(), _NAT, months.array.asi8).astype("int64")
    if pd.api.types.is_integer_dtype(months.dtype):
        return months.astype("Int64").fillna(_NAT).to_numpy(dtype="int64")
    if isinstance(months.dtype, pd.DatetimeTZDtype):
        months = months.dt.tz_localize(None)
    return months.to_numpy().astype("datetime64[M]").astype("int64")


_NAT = np.iinfo("int64").min
#: Columns of a behaviour-sums frame per variable: Σ of the non-missing values and their number.
SUM_COLUMNS = {v: (f"{v}_sum", f"{v}_n") for v in VARIABLES}


def _sum_stats(sums: pd.DataFrame, keys: np.ndarray, size: int, lines_col: str):
    """Per key (rows with key -1 skipped): mean and non-missing count of each variable, and the lines."""
    rows = keys >= 0
    k = keys[rows]
    total = np.column_stack([np.bincount(k, minlength=size, weights=np.nan_to_num(
        sums[SUM_COLUMNS[v][0]].to_numpy(dtype="float64", na_value=np.nan)[rows], nan=0.0)) for v in VARIABLES])
    counts = np.column_stack([np.bincount(k, minlength=size, weights=sums[SUM_COLUMNS[v][1]].to_numpy(
        dtype="float64", na_value=0.0)[rows]) for v in VARIABLES]).astype("int64")
    lines = np.bincount(k, minlength=size, weights=sums[lines_col].to_numpy(dtype="float64")[rows]).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
    return means, counts, lines


def _behaviour_arrays(
    cells: pd.DataFrame,
    totals: pd.DataFrame,
    group_list: list,
    category_list: list,
    *,
    columns: Mapping[str, str],
    first_month: int | None = None,
    n_months: int = 1,
):
    """Group and cell means / counts for every (month, group[, category]); arrays shaped by month first."""
    n_g, n_c, n_v = len(group_list), len(category_list), len(VARIABLES)

    def keys(frame: pd.DataFrame, with_category: bool) -> np.ndarray:
        key = _codes_in(frame[columns["group_col"]], group_list)
        if first_month is not None:
            month = _month_ordinals(frame[columns["month_col"]])
            offset = np.where(month == _NAT, -1, month - first_month)
            key = np.where((key >= 0) & (offset >= 0) & (offset < n_months), offset * n_g + key, -1)
        if with_category:
            category = _codes_in(frame[columns["category_col"]], category_list)
            key = np.where((key >= 0) & (category >= 0), key * n_c + category, -1)
        return key

    g_mean, g_n, _ = _sum_stats(totals, keys(totals, False), n_months * n_g, columns["lines_col"])
    c_mean, c_n, c_lines = _sum_stats(cells, keys(cells, True), n_months * n_g * n_c, columns["lines_col"])
    return (
        g_mean.reshape(n_months, n_g, n_v),
        g_n.reshape(n_months, n_g, n_v),
        c_mean.reshape(n_months, n_g, n_c, n_v),
        c_n.reshape(n_months, n_g, n_c, n_v),
        c_lines.reshape(n_months, n_g, n_c),
    )


def _behaviour_long(group_list, category_list, g_mean, g_n, c_mean, c_n, c_lines) -> pd.DataFrame:
    """One month's arrays from _behaviour_arrays as the long behaviour table."""
    n_g, n_c, n_v = len(group_list), len(category_list), len(VARIABLES)
    mean = c_mean.ravel()
    reference = np.broadcast_to(g_mean[:, None, :], (n_g, n_c, n_v)).ravel()
    diff = mean - reference
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(reference != 0, diff / reference, np.nan)
    out = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(group_list, dtype=object), n_c * n_v),
            "category": np.tile(np.repeat(np.asarray(category_list, dtype=object), n_v), n_g),
            "variable": np.tile(np.asarray(VARIABLES, dtype=object), n_g * n_c),
            "n_lines": np.repeat(c_lines.ravel(), n_v),
            "n": c_n.ravel(),
            "mean": mean,
            "group_mean": reference,
            "group_n": np.broadcast_to(g_n[:, None, :], (n_g, n_c, n_v)).ravel(),
            "diff": diff,
            "rel_diff": rel,
        }
    )
    out["variable"] = out["variable"].astype("str")
    for col, labels in (("group", group_list), ("category", category_list)):
        if all(isinstance(v, str) for v in labels):
            out[col] = out[col].astype("str")
    out["bit"] = _bits_above(mean, reference)
    return out


def behaviour_table(
    sums: pd.DataFrame,
    totals: pd.DataFrame | None = None,
    *,
    groups: Sequence | pd.DataFrame,
    categories: Sequence | pd.DataFrame,
    group_col: str = "AGE_GENDER",
    category_col: str = "CLAC1_NM",
    lines_col: str = "n_lines",
) -> pd.DataFrame:
    """Group x category means of the four behaviour variables, against each group's overall mean.

    Parameters
    ----------
    sums : DataFrame
        Sums per group and category (``queries.segments.behaviour_sums``): ``<group_col>, <category_col>,
        <lines_col>`` and, per variable ``v`` in ``time, views, searches, price``, ``v_sum`` (Σ of the
        non-missing values) and ``v_n`` (their number). Rows of the same cell are added up.
    totals : DataFrame, optional
        The same sums per group over *all* its purchases (``queries.segments.group_sums``), giving the
        group's "평균"; by default the sums of every category row of ``sums`` (right for line weighting;
        with session weighting a session buying two categories counts once in the group, so pass totals).
    groups, categories : list or frame
        Main groups / categories (labels, or the frames from :func:`main_groups` / :func:`main_categories`;
        for the groups frame only rows with ``is_main`` are used). Output follows their order.

    Whether a line or a session counts once is decided by the query (``weight='line'``, as the report, or
    ``'session'``: each (customer, session) is one value, the mean of its lines).

    Returns
    -------
    DataFrame with one row per group x category x variable (complete grid, ``variable`` in bit order
    ``time, views, searches, price``), columns:
        ``group, category, variable``,
        ``n_lines`` (lines -- or sessions -- of the group in the category, missing values included),
        ``n`` (non-missing values in the cell), ``mean``,
        ``group_mean`` (the group's "평균" over all its purchases), ``group_n``,
        ``diff`` = mean - group_mean, ``rel_diff`` = diff / group_mean (NaN if group_mean is 0),
        ``bit`` (Int8: 1 if mean > group_mean, 0 if not -- equal within float rounding is 0 --,
        NA if the cell or the group has no value).

    Raises
    ------
    ValueError
        Missing or non-numeric column, empty groups/categories.
    """
    columns = _sum_columns(sums, totals, group_col=group_col, category_col=category_col, lines_col=lines_col)
    group_list = _as_list(groups, "groups", column="group", flag="is_main")
    category_list = _as_list(categories, "categories", column="category")
    arrays = _behaviour_arrays(sums, sums if totals is None else totals, group_list, category_list, columns=columns)
    return _behaviour_long(group_list, category_list, *(a[0] for a in arrays))


def _sum_columns(sums: pd.DataFrame, totals: pd.DataFrame | None, *, month_col: str | None = None,
                 **columns: str) -> dict[str, str]:
    """Check the columns of the sums (and totals) frames; return the column names keyed by argument."""
    value_cols = {f"{v}{part}": col for v, pair in SUM_COLUMNS.items() for part, col in zip(("_sum", "_n"), pair)}
    keys = {"group_col": columns["group_col"], "lines_col": columns["lines_col"]}
    if month_col is not None:
        keys["month_col"] = month_col
    for frame, name, extra in ((sums, "sums", {"category_col": columns["category_col"]}), (totals, "totals", {})):
        if frame is not None:
            _require(frame, {**keys, **extra, **value_cols}, name=name)
            _require_numeric(frame, {"lines_col": columns["lines_col"], **value_cols}, name=name)
    return {**columns, "month_col": month_col}


def behaviour_wide(behaviour: pd.DataFrame, variable: str = "time", *, value: str = "mean") -> pd.DataFrame:
    """One variable of :func:`behaviour_table` as the report's table: groups x categories plus "평균".

    Parameters
    ----------
    variable : {'time', 'views', 'searches', 'price'}
    value : {'mean', 'diff', 'rel_diff', 'bit', 'n'}
        What fills the cells; the "평균" column is always the group mean (omitted for ``'bit'``).

    Returns
    -------
    DataFrame indexed by group (name ``group``), one column per category in table order, then ``평균``.
    """
    if variable not in VARIABLES:
        raise ValueError(f"variable must be one of {list(VARIABLES)}, got {variable!r}")
    allowed = {"mean", "diff", "rel_diff", "bit", "n"}
    if value not in allowed:
        raise ValueError(f"value must be one of {sorted(allowed)}, got {value!r}")
    _require_table(behaviour, ("group", "category", "variable", value), name="behaviour")
    part = behaviour[behaviour["variable"] == variable]
    groups = list(pd.unique(part["group"]))
    categories = list(pd.unique(part["category"]))
    wide = part.pivot(index="group", columns="category", values=value).reindex(index=groups, columns=categories)
    wide.columns.name = None
    if value != "bit":
        wide[OVERALL_LABEL] = part.groupby("group", sort=False)["group_mean"].first().reindex(groups)
    return wide


# --------------------------------------------------------------------------------------------------
# 3. Patterns
# --------------------------------------------------------------------------------------------------
def group_patterns(behaviour: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """The 4-bit pattern of every group x category of a :func:`behaviour_table`.

    Returns
    -------
    DataFrame, one row per group x category (table order), columns:
        ``group, category``, ``pattern`` (e.g. ``'1101'``; NA unless all four bits are known),
        ``segment``, ``label`` (report sub-type or segment name; NA with pattern), ``n_lines``,
        ``status``: ``'scored'``, ``'no_purchases'`` (no line in the cell) or ``'missing_values'``
        (lines exist but a variable has no non-missing value).
    """
    r = resolve_rules(rules)
    _require_table(behaviour, ("group", "category", "variable", "bit", "n_lines"), name="behaviour")
    pairs = behaviour[["group", "category"]].drop_duplicates()
    index = pd.MultiIndex.from_frame(pairs)
    bits = (
        behaviour.set_index(["group", "category", "variable"])["bit"]
        .unstack("variable")
        .reindex(index=index, columns=list(VARIABLES))
    )
    lines = behaviour.groupby(["group", "category"], sort=False)["n_lines"].first().reindex(index)
    complete = bits.notna().all(axis=1).to_numpy()
    codes = (bits.fillna(0).to_numpy(dtype="int64") * _BIT_WEIGHTS).sum(axis=1)
    pattern = pd.Series(np.where(complete, PATTERNS[codes], None), dtype="str")
    out = pairs.reset_index(drop=True)
    out["pattern"] = pattern
    out["segment"] = pattern.map(r.pattern_segment)
    out["label"] = pattern.map(lambda p: r.label_of(p) if isinstance(p, str) else None).astype("str")
    out["n_lines"] = lines.to_numpy(dtype="int64")
    out["status"] = np.where(complete, "scored", np.where(out["n_lines"] == 0, "no_purchases", "missing_values"))
    out["status"] = out["status"].astype("str")
    return out


def _pattern_codes(patterns: pd.Series) -> np.ndarray:
    """'1101' -> 13 (a handful of group x category patterns, not rows)."""
    return np.array([int(p, 2) for p in patterns], dtype="int64") if len(patterns) else np.zeros(0, "int64")


def category_patterns(
    group_patterns: pd.DataFrame,
    *,
    split_tolerance: int = 0,
    rules: SegmentRules | Mapping | None = None,
) -> pd.DataFrame:
    """Each category's pattern over the scored groups, with even splits shown as two patterns.

    Definitions (over the groups whose pattern is known in the category, ``n_groups_scored`` of them):

    * ``majority_pattern`` -- per-bit majority: a bit is 1 when more than half of the groups have it 1.
      A bit with exactly half (possible with an even number of groups) is 0 -- "above the mean" needs a
      strict majority -- and is listed in ``tied_bits``.
    * Split -- rank the distinct group patterns by number of groups. When the top two are tied (their
      counts differ by at most ``split_tolerance``, default 0 = exactly equal) and no third pattern has
      as many groups as the second, the groups split evenly between two patterns and the category shows
      both (the report: 스포츠패션 1101/1111 and 유아동의류 0000/0010). Three or more patterns tied at
      the top are not a split: the category then shows the per-bit majority.
    * ``pattern`` / ``pattern_2`` -- without a split, ``pattern`` is the per-bit majority (which may be
      held by no single group) and ``pattern_2`` is NA. With a split, the two tied patterns, ordered by
      group count, then by Hamming distance to the per-bit majority, then ascending.
    * ``segment`` is the segment of ``pattern``: the one used to assign customers;
      ``segment_label`` is ``segment`` or ``'<segment>/<segment_2>'`` when a split spans two segments.

    Returns
    -------
    DataFrame, one row per category (order of first appearance), columns:
        ``category, n_groups_scored, majority_pattern, tied_bits`` (comma-joined variable names or ''),
        ``pattern, pattern_2, n_groups_pattern, n_groups_pattern_2`` (groups holding exactly that pattern),
        ``split`` (bool), ``segment, segment_2, segment_label, label, label_2``,
        ``status``: ``'scored'`` or ``'no_scored_groups'``.
    """
    r = resolve_rules(rules)
    tolerance = _check_tolerance(split_tolerance)
    _require_table(group_patterns, ("group", "category", "pattern"), name="group_patterns")
    categories = list(pd.unique(group_patterns["category"]))
    scored = group_patterns[group_patterns["pattern"].notna()]
    codes = _pattern_codes(scored["pattern"])
    n_scored, majority_code, tied = _bit_majority(scored, codes, categories)
    has_scored = n_scored > 0
    majority = pd.Series(np.where(has_scored, PATTERNS[majority_code], None), index=categories, dtype="str")
    counts = _pattern_ranking(scored, codes, pd.Series(majority_code, index=categories))
    split, pattern, pattern_2 = _split_patterns(counts, categories, majority, tolerance)
    count_by = counts.set_index(["category", "pattern"])["count"]

    def groups_holding(patterns: pd.Series) -> np.ndarray:
        keys = pd.MultiIndex.from_arrays([pd.Series(categories, dtype=object), patterns.astype(object)])
        return count_by.reindex(keys).fillna(0).to_numpy(dtype="int64")

    text = all(isinstance(c, str) for c in categories)
    out = pd.DataFrame({"category": pd.Series(categories, dtype="str" if text else object)})
    out["n_groups_scored"] = n_scored.astype("int64")
    out["majority_pattern"] = majority.to_numpy()
    out["tied_bits"] = pd.Series(tied, dtype="str")
    out["pattern"] = pattern
    out["pattern_2"] = pattern_2
    out["n_groups_pattern"] = np.where(pattern.notna(), groups_holding(pattern), 0)
    out["n_groups_pattern_2"] = np.where(pattern_2.notna(), groups_holding(pattern_2), 0)
    out["split"] = split
    return _with_segments(out, r, has_scored)


def _bit_majority(scored: pd.DataFrame, codes: np.ndarray, categories: list):
    """Per category: scored groups, the per-bit majority code and the tied bits ('time,views')."""
    bits = pd.DataFrame((codes[:, None] >> np.array([3, 2, 1, 0])) & 1, columns=list(VARIABLES))
    bits["category"] = scored["category"].to_numpy(dtype=object)
    ones = bits.groupby("category", sort=False)[list(VARIABLES)].sum().reindex(categories, fill_value=0)
    n_scored = bits.groupby("category", sort=False).size().reindex(categories, fill_value=0).to_numpy()
    twice = ones.to_numpy() * 2
    majority_bits = twice > n_scored[:, None]
    tie_bits = (twice == n_scored[:, None]) & (n_scored[:, None] > 0)
    majority_code = (majority_bits * _BIT_WEIGHTS).sum(axis=1)
    tied = [",".join(v for v, t in zip(VARIABLES, row) if t) for row in tie_bits]
    return n_scored, majority_code, tied


def _pattern_ranking(scored: pd.DataFrame, codes: np.ndarray, majority_by_cat: pd.Series) -> pd.DataFrame:
    """Distinct group patterns per category ranked by groups, Hamming distance to the majority, pattern."""
    counts = (
        pd.DataFrame({"category": scored["category"].to_numpy(dtype=object),
                      "pattern": scored["pattern"].to_numpy(dtype=object), "code": codes})
        .groupby(["category", "pattern", "code"], sort=False)
        .size()
        .rename("count")
        .reset_index()
    )
    distance = counts["code"].to_numpy() ^ majority_by_cat.reindex(counts["category"]).to_numpy()
    counts["distance"] = [bin(int(d)).count("1") for d in distance]  # <= 16 x categories rows
    counts = counts.sort_values(
        ["category", "count", "distance", "pattern"], ascending=[True, False, True, True], kind="mergesort"
    )
    counts["position"] = counts.groupby("category", sort=False).cumcount()
    return counts


def _split_patterns(counts: pd.DataFrame, categories: list, majority: pd.Series, tolerance: int):
    """Whether each category splits evenly between its top two patterns, and the pattern(s) it shows."""
    top = counts[counts["position"] < 3].pivot(index="category", columns="position")
    top = top.reindex(categories)

    def column(field: str, position: int, fill: Any) -> pd.Series:
        key = (field, position)
        return top[key] if key in top.columns else pd.Series(fill, index=categories)

    c1 = column("count", 0, 0).fillna(0).to_numpy(dtype="int64")
    c2 = column("count", 1, 0).fillna(0).to_numpy(dtype="int64")
    c3 = column("count", 2, 0).fillna(0).to_numpy(dtype="int64")
    split = (c2 > 0) & (c1 - c2 <= tolerance) & (c3 < c2)
    first = column("pattern", 0, None)
    second = column("pattern", 1, None)
    pattern = pd.Series(np.where(split, first.to_numpy(dtype=object), majority.to_numpy(dtype=object)), dtype="str")
    pattern_2 = pd.Series(np.where(split, second.to_numpy(dtype=object), None), dtype="str")
    return split, pattern, pattern_2


def _with_segments(out: pd.DataFrame, r: SegmentRules, has_scored: np.ndarray) -> pd.DataFrame:
    """Add segment, segment_2, segment_label, label, label_2 and status to the category patterns."""
    pattern, pattern_2 = out["pattern"], out["pattern_2"]
    out["segment"] = pattern.map(r.pattern_segment)
    out["segment_2"] = pattern_2.map(r.pattern_segment)
    both = out["segment_2"].notna() & (out["segment_2"] != out["segment"])
    out["segment_label"] = out["segment"].where(~both, out["segment"] + "/" + out["segment_2"])
    out["label"] = pattern.map(lambda p: r.label_of(p) if isinstance(p, str) else None).astype("str")
    out["label_2"] = pattern_2.map(lambda p: r.label_of(p) if isinstance(p, str) else None).astype("str")
    out["status"] = pd.Series(np.where(has_scored, "scored", "no_scored_groups"), dtype="str")
    return out


def segment_table(category_patterns: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """The report's segment table: which categories show which pattern, grouped by segment.

    Categories that split between two patterns appear under both, marked with ``*`` (the report's
    "* 스포츠패션1 / 스포츠패션2").

    Returns
    -------
    DataFrame, one row per pattern shown by at least one category, ordered by segment (rules order) then
    pattern, columns: ``segment, label, pattern, search, categories`` (', '-joined), ``n_categories``.
    """
    r = resolve_rules(rules)
    _require_table(category_patterns, ("category", "pattern", "pattern_2", "split"), name="category_patterns")
    shown = pd.concat(
        [
            category_patterns[["category", "pattern", "split"]],
            category_patterns[["category", "pattern_2", "split"]].rename(columns={"pattern_2": "pattern"}),
        ],
        ignore_index=True,
    )
    shown = shown[shown["pattern"].notna()].copy()
    shown["name"] = shown["category"].astype(str) + np.where(shown["split"].astype(bool), "*", "")
    order = pd.Series(range(len(category_patterns)), index=category_patterns["category"].to_numpy(dtype=object))
    shown["order"] = order.reindex(shown["category"].to_numpy(dtype=object)).to_numpy()
    shown = shown.sort_values(["pattern", "order"], kind="mergesort")
    table = shown.groupby("pattern", sort=True).agg(
        categories=("name", ", ".join), n_categories=("category", "nunique")
    ).reset_index()
    table["segment"] = table["pattern"].map(r.pattern_segment)
    table["label"] = table["pattern"].map(r.label_of)
    table["search"] = table["pattern"].map(r.pattern_search)
    table["segment_order"] = table["segment"].map({s: i for i, s in enumerate(r.segments)})
    table = table.sort_values(["segment_order", "pattern"], kind="mergesort").reset_index(drop=True)
    return table[["segment", "label", "pattern", "search", "categories", "n_categories"]]


# --------------------------------------------------------------------------------------------------
# 4. Customers
# --------------------------------------------------------------------------------------------------
_CUSTOMER_STATUS = ("ok", "no_category", "no_revenue", "top_category_not_main", "category_not_scored")


def _str_take(values: Sequence, codes: np.ndarray):
    """``values[codes]`` as a str array with NA where the code is -1 (one pyarrow take)."""
    return pd.array(np.asarray(values, dtype=object), dtype="str").take(codes, allow_fill=True)


def _customer_core(
    purchases: pd.DataFrame,
    category_patterns: pd.DataFrame,
    *,
    customer_col: str,
    category_col: str,
    revenue_col: str,
    months: np.ndarray | None = None,
    total_col: str | None = None,
) -> pd.DataFrame:
    """Top-spend category and its segment per customer, or per customer x month when ``months`` is given.

    Works on integer codes with one sort of the rows, no loop. Ties in revenue go to main categories
    first, then to the category name. With ``total_col`` the key's total revenue is read from that column
    (the rows may then be only the top categories) instead of summed over the rows."""
    customer, customer_ids = _factorize(purchases[customer_col])
    category, category_names = pd.factorize(purchases[category_col])
    revenue = purchases[revenue_col].to_numpy(dtype="float64", na_value=np.nan)
    n_customers, n_categories = len(customer_ids), len(category_names)
    rows = customer >= 0
    if months is not None:
        rows &= months != _NAT
    customer = customer[rows].astype("int64")
    revenue = np.nan_to_num(revenue[rows], nan=0.0)
    # A missing category becomes the extra code n_categories, which never wins but keeps its customer.
    category = np.where(category[rows] >= 0, category[rows], n_categories).astype("int64")
    first_month = int(months[rows].min()) if months is not None and rows.any() else 0
    raw_key = customer if months is None else (months[rows] - first_month) * np.int64(max(n_customers, 1)) + customer
    names = pd.Index(np.asarray(category_names, dtype=object))
    tops = _top_categories(raw_key, category, revenue, _tie_ranks(names, category_patterns))
    if total_col is not None:
        _given_totals(tops, raw_key, purchases[total_col].to_numpy(dtype="float64", na_value=np.nan)[rows])
    key_values = tops["key"]
    if months is None:
        key_customer, key_month = key_values, None
    else:
        key_month, key_customer = np.divmod(key_values, max(n_customers, 1))
        key_month = key_month + first_month
    table, row, status = _segment_lookup(category_patterns, names, tops, key_month)
    top_category = np.where(tops["no_category"] | tops["no_revenue"], -1, tops["category"])
    top_revenue = np.where(tops["no_category"] | tops["no_revenue"], np.nan, tops["revenue"])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(tops["total"] > 0, top_revenue / tops["total"], np.nan)
    columns = {"top_category": top_category, "top_revenue": top_revenue, "total_revenue": tops["total"],
               "top_share": share}
    return _customer_frame(customer_ids, names, key_customer, key_month, columns, table, row, status)


def _tie_ranks(names: pd.Index, category_patterns: pd.DataFrame) -> np.ndarray:
    """Rank of each category code among revenue ties: main categories first, then by name; the extra
    code (no category) ranks last."""
    n_categories = len(names)
    is_main = np.asarray(names.isin(list(category_patterns["category"].dropna())), dtype=bool)
    tie_rank = np.empty(n_categories + 1, dtype="int64")
    tie_order = np.lexsort((names.astype(str).to_numpy(), ~is_main)) if n_categories else np.zeros(0, "int64")
    tie_rank[tie_order] = np.arange(n_categories)
    tie_rank[n_categories] = n_categories
    return tie_rank


def _top_categories(raw_key: np.ndarray, category: np.ndarray, revenue: np.ndarray,
                    tie_rank: np.ndarray) -> dict[str, np.ndarray]:
    """Per key (sorted): its top-revenue category code (-1 if none), that revenue, total revenue (NaN
    without a category) and the no_category / no_revenue flags."""
    n_categories = len(tie_rank) - 1
    # Revenue per (key, category): sort the lines once by key then category and sum the runs.
    pair = raw_key * np.int64(n_categories + 1) + category
    order = np.argsort(pair, kind="stable")
    pair = pair[order]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, "int64")
    pair_revenue = np.add.reduceat(revenue[order], starts) if len(starts) else np.zeros(0)
    pair_key, pair_category = np.divmod(pair[starts], n_categories + 1)
    key_starts = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]]) if len(starts) else starts
    run = np.diff(np.r_[key_starts, len(starts)])
    missing = pair_category == n_categories
    candidate_revenue = np.where(missing, -np.inf, pair_revenue)
    best = np.repeat(np.maximum.reduceat(candidate_revenue, key_starts), run) if len(starts) else candidate_revenue
    candidate = ~missing & (candidate_revenue == best)
    ranks = np.where(candidate, tie_rank[pair_category], n_categories + 1)
    best_rank = np.repeat(np.minimum.reduceat(ranks, key_starts), run) if len(starts) else ranks
    winner = candidate & (ranks == best_rank)
    n_keys = len(key_starts)
    key_index = np.repeat(np.arange(n_keys), run)
    top_category = np.full(n_keys, -1, dtype="int64")
    top_category[key_index[winner]] = pair_category[winner]
    top_revenue = np.full(n_keys, np.nan)
    top_revenue[key_index[winner]] = pair_revenue[winner]
    total = np.add.reduceat(np.where(missing, 0.0, pair_revenue), key_starts) if n_keys else np.zeros(0)
    no_category = top_category < 0
    total[no_category] = np.nan
    return {"key": pair_key[key_starts], "category": top_category, "revenue": top_revenue, "total": total,
            "no_category": no_category, "no_revenue": ~no_category & ~(total > 0)}


def _given_totals(tops: dict[str, np.ndarray], raw_key: np.ndarray, totals: np.ndarray) -> None:
    """Replace the summed totals of ``tops`` by the given per-key totals (first row of each key)."""
    order = np.argsort(raw_key, kind="stable")
    keys, first = np.unique(raw_key[order], return_index=True)
    total = totals[order][first][np.searchsorted(keys, tops["key"])].astype("float64")
    total[tops["no_category"]] = np.nan
    tops["total"] = total
    tops["no_revenue"] = ~tops["no_category"] & ~(total > 0)


def _segment_lookup(category_patterns: pd.DataFrame, names: pd.Index, tops: dict[str, np.ndarray],
                    key_month: np.ndarray | None):
    """The row of ``category_patterns`` giving each key its segment, by (month, category) or by category;
    returns the usable table, the row per key (-1 unless status is ok) and the status code per key."""
    n_categories = len(names)
    top_category = tops["category"]
    lookup_codes = names.get_indexer(pd.Index(category_patterns["category"].to_numpy(dtype=object)))
    if "month" in category_patterns.columns:
        month_values = category_patterns["month"]
        lookup_month = (month_values.array.asi8 if isinstance(month_values.dtype, pd.PeriodDtype)
                        else month_values.to_numpy().astype("datetime64[M]").astype("int64"))
        lookup_keys = np.where(lookup_codes >= 0, lookup_month * np.int64(n_categories + 1) + lookup_codes, -1)
        wanted = np.where(top_category >= 0, key_month * np.int64(n_categories + 1) + top_category, -2)
    else:
        lookup_keys = np.where(lookup_codes >= 0, lookup_codes, -1)
        wanted = np.where(top_category >= 0, top_category, -2)
    usable = lookup_keys >= 0
    table = category_patterns[usable]
    row = pd.Index(lookup_keys[usable]).get_indexer(wanted)
    found = row >= 0
    table_scored = table["pattern"].notna().to_numpy()
    scored = found & (table_scored[np.maximum(row, 0)] if len(table) else False)
    status = np.select([tops["no_category"], tops["no_revenue"], ~found, ~scored], [1, 2, 3, 4], default=0)
    return table, np.where(status == 0, row, -1), status


def _customer_frame(customer_ids, names: pd.Index, key_customer: np.ndarray, key_month: np.ndarray | None,
                    columns: dict[str, np.ndarray], table: pd.DataFrame, row: np.ndarray,
                    status: np.ndarray) -> pd.DataFrame:
    """The output frame sorted by customer id (then month): sort on integer arrays, build each column once."""
    n_customers = len(customer_ids)
    customer_rank = np.empty(n_customers, dtype="int64")
    customer_rank[pd.Index(customer_ids).argsort()] = np.arange(n_customers)
    order = (np.lexsort((key_month, customer_rank[key_customer])) if key_month is not None
             else np.argsort(customer_rank[key_customer], kind="stable"))
    out = pd.DataFrame({"customer": pd.Index(customer_ids).take(key_customer[order])})
    if key_month is not None:
        out.insert(0, "month", pd.PeriodIndex.from_ordinals(key_month[order], freq="M"))
    top_category = columns["top_category"][order]
    if all(isinstance(n, str) for n in names):
        out["top_category"] = _str_take(names, top_category)
    else:
        out["top_category"] = pd.Series(names, dtype=object).reindex(top_category).to_numpy(dtype=object)
    for column in ("top_revenue", "total_revenue", "top_share"):
        out[column] = columns[column][order]
    for column in ("pattern", "segment", "label"):
        out[column] = _str_take(table[column].to_numpy(dtype=object), row[order])
    out["status"] = _str_take(_CUSTOMER_STATUS, status[order])
    return out


def customer_segments(
    purchases: pd.DataFrame,
    category_patterns: pd.DataFrame,
    *,
    customer_col: str = "CLNT_ID",
    category_col: str = "CLAC1_NM",
    revenue_col: str = "REVENUE",
    total_col: str | None = None,
) -> pd.DataFrame:
    """Each customer's behaviour segment: the segment of the category where they spend most.

    The top category is the one with the highest revenue summed over the window (NaN revenue = 0; ties:
    main categories first, then name). Only main categories (the rows of ``category_patterns``) carry a
    segment: a customer whose top category is not a main category gets NA and status
    ``'top_category_not_main'``; patterns of small categories rest on too few purchases per group to be
    worth a segment, and falling back to a lesser category would misdescribe where the customer spends.
    Customers need no demographics: the segment comes from the category, not the customer's group.

    Parameters
    ----------
    purchases : DataFrame
        Revenue per customer and category, rows of the same pair added up (all customers; not only the main
        groups): purchase lines, a customer x category sum, or -- with ``total_col`` -- the customers' top
        categories with their totals (``queries.segments.customer_top_categories``: ``CLNT_ID, CLAC1_NM,
        REVENUE, TOTAL_REVENUE``; a NULL category for a customer without a categorised line).
    category_patterns : DataFrame
        Output of :func:`category_patterns` (``category, pattern, segment, label``).
    total_col : str, optional
        Column with the customer's total revenue over categorised lines (same on each of its rows); None
        sums ``revenue_col`` over the customer's rows with a category.

    Returns
    -------
    DataFrame, one row per distinct customer (sorted by id), columns:
        ``<customer_col>``, ``top_category``, ``top_revenue``, ``total_revenue``, ``top_share``,
        ``pattern``, ``segment``, ``label``, ``status``: ``'ok'``, ``'top_category_not_main'``,
        ``'category_not_scored'`` (main category without a pattern), ``'no_revenue'`` (total revenue <= 0)
        or ``'no_category'`` (no line with a category).

    Raises
    ------
    ValueError
        Missing or non-numeric column.
    """
    _require_spend(purchases, customer_col=customer_col, category_col=category_col, revenue_col=revenue_col,
                   total_col=total_col)
    _require_table(category_patterns, ("category", "pattern", "segment", "label"), name="category_patterns")
    out = _customer_core(purchases, category_patterns.drop(columns="month", errors="ignore"),
                         customer_col=customer_col, category_col=category_col, revenue_col=revenue_col,
                         total_col=total_col)
    return out.rename(columns={"customer": customer_col})


def _require_spend(purchases: pd.DataFrame, *, total_col: str | None, **columns: str) -> None:
    """Check the customer/category/revenue (and total) columns of a spend frame."""
    numeric = {"revenue_col": columns["revenue_col"]}
    if total_col is not None:
        numeric["total_col"] = total_col
    _require(purchases, {**columns, **numeric})
    _require_numeric(purchases, numeric)


def segment_sizes(customers: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """Customers and revenue per behaviour segment.

    Returns
    -------
    DataFrame, one row per segment (rules order, every segment even if empty) plus ``'미분류'`` for
    customers without a segment, columns: ``segment, n_customers, share`` (of all customers),
    ``revenue`` (their total revenue), ``revenue_share``.
    """
    r = resolve_rules(rules)
    _require_table(customers, ("segment", "total_revenue"), name="customers")
    segment = customers["segment"].astype(object).where(customers["segment"].notna(), UNCLASSIFIED)
    frame = pd.DataFrame({"segment": segment.to_numpy(dtype=object),
                          "revenue": customers["total_revenue"].fillna(0).to_numpy(dtype=float)})
    grouped = frame.groupby("segment", sort=False)
    order = [*r.segments, UNCLASSIFIED]
    out = pd.DataFrame(
        {"n_customers": grouped.size().reindex(order, fill_value=0),
         "revenue": grouped["revenue"].sum().reindex(order, fill_value=0.0)}
    ).rename_axis("segment").reset_index()
    out["segment"] = out["segment"].astype("str")
    out["share"] = out["n_customers"] / max(int(out["n_customers"].sum()), 1)
    total = float(out["revenue"].sum())
    out["revenue_share"] = out["revenue"] / total if total > 0 else 0.0
    return out[["segment", "n_customers", "share", "revenue", "revenue_share"]]


@dataclass(frozen=True)
class SegmentationResult:
    """Every table of chapter 2 (see the functions of the same names for the columns)."""

    groups: pd.DataFrame
    categories: pd.DataFrame
    behaviour: pd.DataFrame
    group_patterns: pd.DataFrame
    category_patterns: pd.DataFrame
    segment_table: pd.DataFrame
    customers: pd.DataFrame
    sizes: pd.DataFrame
    rules: SegmentRules


def segment_customers(
    query,
    *,
    n_groups: int = DEFAULT_N_GROUPS,
    min_customers: int = DEFAULT_MIN_CUSTOMERS,
    n_categories: int = DEFAULT_N_CATEGORIES,
    categories: Sequence[str] | None = None,
    weight: str = "line",
    split_tolerance: int = 0,
    rules: SegmentRules | Mapping | None = None,
) -> SegmentationResult:
    """Run the whole chapter-2 chain (one call for the notebook) on engine aggregates.

    ``query(fn, **params)`` runs a shared query of :mod:`helpers.data.queries.segments` and returns its frame
    (``Dataset.query``); only group-, category- and customer-level aggregates reach pandas. Other parameters
    as in the step functions (``weight`` chooses the query's weighting, see :func:`behaviour_table`).
    """
    _check_weight(weight)
    r = resolve_rules(rules)
    groups = main_groups(query(queries.group_sizes), n_groups=n_groups, min_customers=min_customers)
    cats = main_categories(query(queries.category_lines), n_categories=n_categories, categories=categories)
    behaviour = behaviour_table(query(queries.behaviour_sums, weight=weight), query(queries.group_sums, weight=weight),
                                groups=groups, categories=cats)
    gpat = group_patterns(behaviour, rules=r)
    cpat = category_patterns(gpat, split_tolerance=split_tolerance, rules=r)
    customers = customer_segments(query(queries.customer_top_categories), cpat, total_col="TOTAL_REVENUE")
    return SegmentationResult(
        groups=groups, categories=cats, behaviour=behaviour, group_patterns=gpat, category_patterns=cpat,
        segment_table=segment_table(cpat, rules=r), customers=customers, sizes=segment_sizes(customers, rules=r),
        rules=r,
    )


#: Column names of the ``customer_segments`` data product (upper case, as chapter 6 and campaign tools read it).
PRODUCT_COLUMNS: Mapping[str, str] = {
    "top_category": "TOP_CATEGORY", "top_revenue": "TOP_REVENUE", "total_revenue": "TOTAL_REVENUE",
    "top_share": "TOP_SHARE", "pattern": "PATTERN", "segment": "SEGMENT", "label": "SEGMENT_TYPE",
    "status": "STATUS",
}


def customer_segments_product(customers: pd.DataFrame) -> pd.DataFrame:
    """:func:`customer_segments` output with the product's column names (``CLNT_ID, TOP_CATEGORY, …,
    SEGMENT, SEGMENT_TYPE, STATUS``); values unchanged (machine codes such as ``status='ok'`` stay)."""
    _require_table(customers, list(PRODUCT_COLUMNS), name="customers")
    return customers.rename(columns=dict(PRODUCT_COLUMNS))
