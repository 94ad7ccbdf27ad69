"""Chapter 2: behaviour-based customer segmentation (report section 02, "온라인 행동기반 고객 세분화").

Method (SPEC section 2), as a chain of pure functions over the cleaned purchase-lines frame::

    groups     = main_groups(purchases)                        # N largest AGE_GENDER groups (min-size guard)
    categories = main_categories(purchases)                    # top-N CLAC1 categories by purchase lines
    behaviour  = behaviour_table(purchases, groups=groups, categories=categories)
    gpat       = group_patterns(behaviour)                     # 4-bit pattern per group x category
    cpat       = category_patterns(gpat)                       # per-bit majority; even splits show both
    customers  = customer_segments(purchases, cpat)            # segment of the top-spend category
    sizes      = segment_sizes(customers)

``segment_customers`` runs the whole chain and returns a :class:`SegmentationResult`;
``segment_stability`` recomputes patterns per calendar month (beyond the report).

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
* Work is vectorised on integer codes (``np.bincount``, one sort); 5M lines take a few seconds.

Only the YAML resource is read; nothing is written. No function mutates its input.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from helpers.common import config
from helpers.common.korean import has_final_consonant, josa

__all__ = [
    "VARIABLES",
    "VARIABLE_LABELS",
    "OVERALL_LABEL",
    "UNCLASSIFIED",
    "SegmentRules",
    "SegmentationResult",
    "StabilityResult",
    "load_segment_rules",
    "parse_segment_rules",
    "playbook",
    "playbook_text",
    "main_groups",
    "main_categories",
    "behaviour_table",
    "behaviour_wide",
    "group_patterns",
    "category_patterns",
    "segment_table",
    "customer_segments",
    "segment_sizes",
    "segment_customers",
    "monthly_category_patterns",
    "category_stability",
    "monthly_customer_segments",
    "segment_transitions",
    "transition_matrix",
    "segment_stability",
    "plot_behaviour_heatmap",
    "plot_segment_sizes",
    "plot_category_stability",
    "describe_groups",
    "describe_category",
    "describe_categories",
    "describe_sizes",
    "describe_stability",
]

# Bit order of a pattern (the report's order). Keys are fixed, independent of the caller's column names.
VARIABLES: tuple[str, ...] = ("time", "views", "searches", "price")
VARIABLE_LABELS: Mapping[str, str] = MappingProxyType(
    {"time": "고려시간", "views": "페이지 조회수", "searches": "검색 횟수", "price": "구매단가"}
)
OVERALL_LABEL = "평균"  # the report's name for a group's mean over all its purchases
UNCLASSIFIED = "미분류"  # label of customers without a behaviour segment in sizes / transitions

DEFAULT_N_GROUPS = 7
DEFAULT_MIN_CUSTOMERS = 30
DEFAULT_N_CATEGORIES = 10
WEIGHTS = frozenset({"line", "session"})

_VARIABLE_ARGS = {"time": "time_col", "views": "views_col", "searches": "search_col", "price": "price_col"}
_PATTERNS = np.array([format(code, "04b") for code in range(16)], dtype=object)
_PATTERN_RE = re.compile(r"^[01]{4}$")
_BIT_WEIGHTS = np.array([8, 4, 2, 1])
_RESOURCE = "segments.yaml"


# --------------------------------------------------------------------------------------------------
# Rules (YAML resource)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SegmentRules:
    """Validated pattern -> segment map and playbooks (see ``helpers/resources/segments.yaml``).

    Attributes
    ----------
    segments : tuple of str
        Segment names in display order.
    pattern_segment, pattern_label, pattern_search : Mapping[str, str | None]
        For each of the 16 patterns: its segment, the report's sub-type label (or None) and the
        report's 검색어 입력 有/無 reading.
    descriptions, rules_text : Mapping[str, str]
        Per segment: behaviour description and the rule in words.
    playbooks : Mapping[str, tuple]
        Per segment: tuple of ``{"title": str, "points": tuple[str, ...]}`` (the report's 공략법).
    variable_labels : Mapping[str, str]
        Korean label of each bit variable.
    """

    segments: tuple[str, ...]
    pattern_segment: Mapping[str, str]
    pattern_label: Mapping[str, str | None]
    pattern_search: Mapping[str, str | None]
    descriptions: Mapping[str, str]
    rules_text: Mapping[str, str]
    playbooks: Mapping[str, tuple]
    variable_labels: Mapping[str, str]

    def segment_of(self, pattern: str) -> str:
        """Segment of a 4-bit pattern string such as ``'1101'``."""
        if pattern not in self.pattern_segment:
            raise ValueError(f"unknown pattern {pattern!r}: expected 4 characters of 0/1, e.g. '1101'")
        return self.pattern_segment[pattern]

    def label_of(self, pattern: str) -> str:
        """The report's sub-type label of a pattern, or its segment name when the report names none."""
        label = self.pattern_label.get(pattern)
        return label if label else self.segment_of(pattern)

    def map_frame(self) -> pd.DataFrame:
        """The complete map as a new frame.

        Returns
        -------
        DataFrame with columns ``pattern, time, views, searches, price`` (0/1 int),
        ``segment, label, search`` -- 16 rows, patterns ascending.
        """
        rows = []
        for pattern in _PATTERNS:
            row: dict[str, Any] = {"pattern": pattern}
            row.update({var: int(bit) for var, bit in zip(VARIABLES, pattern)})
            row.update(
                segment=self.pattern_segment[pattern],
                label=self.pattern_label[pattern],
                search=self.pattern_search[pattern],
            )
            rows.append(row)
        return pd.DataFrame(rows)


def _rules_error(message: str) -> ValueError:
    return ValueError(f"segment rules ({_RESOURCE} or the mapping passed as rules): {message}")


def parse_segment_rules(raw: Mapping[str, Any]) -> SegmentRules:
    """Validate a raw rules mapping (the parsed YAML) and return :class:`SegmentRules`.

    Raises
    ------
    ValueError
        Wrong bit order, a pattern that is not a quoted 4-character 0/1 string, a pattern missing or
        listed twice, a pattern naming an unknown segment, or a segment without description/playbook.
    """
    if not isinstance(raw, Mapping):
        raise _rules_error(f"expected a mapping at the top level, got {type(raw).__name__}")
    for key in ("bit_order", "segments", "patterns"):
        if key not in raw:
            raise _rules_error(f"missing top-level key {key!r}")
    if list(raw["bit_order"]) != list(VARIABLES):
        raise _rules_error(f"bit_order must be {list(VARIABLES)}, got {raw['bit_order']!r}")

    segments: list[str] = []
    descriptions: dict[str, str] = {}
    rules_text: dict[str, str] = {}
    playbooks: dict[str, tuple] = {}
    for entry in raw["segments"] or []:
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not isinstance(name, str) or not name:
            raise _rules_error(f"every segment needs a non-empty 'name', got {entry!r}")
        if name in segments:
            raise _rules_error(f"segment {name!r} is listed twice")
        if not isinstance(entry.get("description"), str) or not entry["description"].strip():
            raise _rules_error(f"segment {name!r} has no 'description'")
        book = entry.get("playbook")
        if not isinstance(book, list) or not book:
            raise _rules_error(f"segment {name!r} has no 'playbook' (a list of title/points items)")
        parsed_book = []
        for item in book:
            title = item.get("title") if isinstance(item, Mapping) else None
            points = item.get("points") if isinstance(item, Mapping) else None
            if not isinstance(title, str) or not isinstance(points, list) or not points:
                raise _rules_error(f"playbook item of {name!r} needs 'title' and a non-empty 'points' list")
            if not all(isinstance(p, str) and p.strip() for p in points):
                raise _rules_error(f"playbook points of {name!r} must be non-empty strings")
            parsed_book.append(MappingProxyType({"title": title, "points": tuple(p.strip() for p in points)}))
        segments.append(name)
        descriptions[name] = entry["description"].strip()
        rules_text[name] = str(entry.get("rule") or "").strip()
        playbooks[name] = tuple(parsed_book)
    if not segments:
        raise _rules_error("'segments' is empty")

    pattern_segment: dict[str, str] = {}
    pattern_label: dict[str, str | None] = {}
    pattern_search: dict[str, str | None] = {}
    duplicates: list[str] = []
    for entry in raw["patterns"] or []:
        if not isinstance(entry, Mapping):
            raise _rules_error(f"every pattern entry must be a mapping, got {entry!r}")
        pattern = entry.get("pattern")
        if not isinstance(pattern, str) or not _PATTERN_RE.match(pattern):
            raise _rules_error(
                f"pattern {pattern!r} is not a 4-character string of 0/1; quote it in YAML (\"0011\")"
            )
        if pattern in pattern_segment:
            duplicates.append(pattern)
            continue
        segment = entry.get("segment")
        if segment not in segments:
            raise _rules_error(f"pattern {pattern} names unknown segment {segment!r}; known: {segments}")
        label = entry.get("label")
        if label is not None and not isinstance(label, str):
            raise _rules_error(f"label of pattern {pattern} must be a string or null")
        pattern_segment[pattern] = segment
        pattern_label[pattern] = label
        pattern_search[pattern] = entry.get("search")
    missing = [p for p in _PATTERNS if p not in pattern_segment]
    if duplicates or missing:
        raise _rules_error(
            "every one of the 16 patterns must appear exactly once; "
            f"listed more than once: {sorted(set(duplicates))}, missing: {missing}"
        )

    labels = dict(VARIABLE_LABELS)
    for entry in raw.get("variables") or []:
        if isinstance(entry, Mapping) and entry.get("key") in labels and entry.get("label"):
            labels[entry["key"]] = str(entry["label"])

    return SegmentRules(
        segments=tuple(segments),
        pattern_segment=MappingProxyType({p: pattern_segment[p] for p in _PATTERNS}),
        pattern_label=MappingProxyType({p: pattern_label[p] for p in _PATTERNS}),
        pattern_search=MappingProxyType({p: pattern_search[p] for p in _PATTERNS}),
        descriptions=MappingProxyType(descriptions),
        rules_text=MappingProxyType(rules_text),
        playbooks=MappingProxyType(playbooks),
        variable_labels=MappingProxyType(labels),
    )


@functools.lru_cache(maxsize=1)
def load_segment_rules() -> SegmentRules:
    """Read and validate the package's ``resources/segments.yaml`` (cached; the result is immutable)."""
    import yaml

    # Relative to this file rather than importlib.resources.files("helpers"): the latter fails when the
    # package is reached through a stale editable-install finder as a namespace package.
    text = (config.RESOURCES_DIR / _RESOURCE).read_text(encoding="utf-8")
    return parse_segment_rules(yaml.safe_load(text))


def _rules(rules: SegmentRules | Mapping | None) -> SegmentRules:
    if rules is None:
        return load_segment_rules()
    if isinstance(rules, SegmentRules):
        return rules
    return parse_segment_rules(rules)


def playbook(segment: str, *, rules: SegmentRules | Mapping | None = None) -> tuple:
    """The report's 공략법 for a segment: tuple of ``{"title", "points"}`` mappings.

    Raises
    ------
    ValueError
        Unknown segment name (the message lists the known ones).
    """
    r = _rules(rules)
    if segment not in r.playbooks:
        raise ValueError(f"unknown segment {segment!r}; known segments: {list(r.segments)}")
    return r.playbooks[segment]


def playbook_text(segment: str, *, rules: SegmentRules | Mapping | None = None) -> str:
    """A segment's playbook as Markdown (heading, description, titled bullet lists) in Korean."""
    r = _rules(rules)
    items = playbook(segment, rules=r)
    lines = [f"**{segment} 공략법** — {r.descriptions[segment]}", ""]
    for item in items:
        lines.append(f"*{item['title']}*")
        lines.extend(f"- {point}" for point in item["points"])
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------------
def _require(frame: pd.DataFrame, columns: Mapping[str, str], *, name: str = "purchases") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [f"{col!r} ({arg})" for arg, col in columns.items() if col not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing column(s) {', '.join(missing)}; "
            "rename the column or pass its name with the keyword argument shown in brackets"
        )


def _require_table(frame: pd.DataFrame, columns: Sequence[str], *, name: str) -> None:
    """Check a frame produced by an earlier step of this module."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; pass the unchanged output of the matching function")


def _require_numeric(frame: pd.DataFrame, columns: Mapping[str, str], *, name: str = "purchases") -> None:
    for arg, col in columns.items():
        dtype = frame[col].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise ValueError(
                f"column {col!r} ({arg}) of {name} must be numeric, got dtype {dtype}; "
                "clean it first (e.g. pd.to_numeric after removing thousands separators)"
            )


def _require_datetime(frame: pd.DataFrame, arg: str, col: str, *, name: str = "purchases") -> None:
    if not pd.api.types.is_datetime64_any_dtype(frame[col].dtype):
        raise ValueError(
            f"column {col!r} ({arg}) of {name} must be datetime64, got {frame[col].dtype}; "
            "convert it with pd.to_datetime"
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
    purchases: pd.DataFrame,
    *,
    n_groups: int = DEFAULT_N_GROUPS,
    min_customers: int = DEFAULT_MIN_CUSTOMERS,
    customer_col: str = "CLNT_ID",
    group_col: str = "AGE_GENDER",
) -> pd.DataFrame:
    """The main customer groups: the ``n_groups`` largest age x gender groups by distinct customers.

    Groups with fewer than ``min_customers`` customers are never scored, whatever their rank.
    Lines whose group is missing (no demographics) belong to no group and are ignored here.

    Parameters
    ----------
    purchases : DataFrame
        Purchase lines, one row per purchased product line.
    n_groups : int
        How many groups to keep (the report: 7).
    min_customers : int
        Minimum distinct customers for a group to be scored.
    customer_col, group_col : str
        Column names (group values such as ``'30F'``; build the column first if age and gender are apart).

    Returns
    -------
    DataFrame, one row per group, ordered by ``rank``, columns:
        ``group``, ``n_customers`` (distinct), ``n_lines``, ``rank`` (1 = most customers; ties by group
        label), ``is_main`` (bool), ``status``: ``'main'``, ``'below_min_customers'`` or ``'outside_top_n'``.

    Raises
    ------
    ValueError
        Missing column, bad parameter, or no group reaching ``min_customers``.
    """
    n_groups = _positive_int(n_groups, "n_groups")
    min_customers = _positive_int(min_customers, "min_customers")
    _require(purchases, {"customer_col": customer_col, "group_col": group_col})
    group, labels = pd.factorize(purchases[group_col])
    customer, customer_ids = _factorize(purchases[customer_col])
    known = group >= 0
    counted = known & (customer >= 0)
    pairs = pd.unique(group[counted].astype("int64") * np.int64(len(customer_ids)) + customer[counted])
    table = pd.DataFrame({
        "group": pd.Series(np.asarray(labels, dtype=object),
                           dtype="str" if all(isinstance(v, str) for v in labels) else object),
        "n_customers": np.bincount(pairs // max(len(customer_ids), 1), minlength=len(labels)).astype("int64"),
        "n_lines": np.bincount(group[known], minlength=len(labels)).astype("int64"),
    })
    table = table.sort_values(["n_customers", "group"], ascending=[False, True], kind="mergesort")
    table = table.reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
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


def main_categories(
    purchases: pd.DataFrame,
    *,
    n_categories: int = DEFAULT_N_CATEGORIES,
    categories: Sequence[str] | None = None,
    category_col: str = "CLAC1_NM",
) -> pd.DataFrame:
    """The main categories: the ``n_categories`` with most purchase lines, or the ``categories`` given.

    Returns
    -------
    DataFrame, one row per main category (given order, or by lines descending with ties by name), columns:
        ``category``, ``n_lines``, ``share`` (of all lines with a category), ``rank`` (by lines, 1 = most).

    Raises
    ------
    ValueError
        Missing column, bad ``n_categories``, or a given category that does not occur in the data.
    """
    _require(purchases, {"category_col": category_col})
    counts = purchases[category_col].dropna().value_counts(sort=False)
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


def _float_matrix(purchases: pd.DataFrame, columns: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """Selected rows of numeric columns as one float64 matrix (missing -> NaN)."""
    return np.column_stack(
        [purchases[col].to_numpy(dtype="float64", na_value=np.nan)[rows] for col in columns]
    )


def _month_ordinals(dates: pd.Series) -> np.ndarray:
    """Calendar month of each date as a Period[M] ordinal (months since 1970-01); NaT -> -2**63."""
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    return dates.to_numpy().astype("datetime64[M]").astype("int64")


_NAT = np.iinfo("int64").min


def _stats(keys: np.ndarray, values: np.ndarray, size: int):
    """Per key: mean and non-missing count of each column of ``values``, and the number of rows."""
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    sums = np.column_stack([np.bincount(keys, weights=filled[:, j], minlength=size) for j in range(values.shape[1])])
    counts = np.column_stack([np.bincount(keys[present[:, j]], minlength=size) for j in range(values.shape[1])])
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means, counts.astype("int64"), np.bincount(keys, minlength=size).astype("int64")


def _unit_means(values: np.ndarray, keys: np.ndarray, visits: np.ndarray, size: int):
    """Collapse lines to (key, visit) units; each unit's value is the mean of its lines (NaN ignored)."""
    units, _ = pd.factorize(visits * np.int64(size) + keys)
    n_units = int(units.max()) + 1 if len(units) else 0
    means, _, _ = _stats(units, values, n_units)
    unit_keys = np.zeros(n_units, dtype="int64")
    unit_keys[units] = keys
    return means, unit_keys


def _behaviour_arrays(
    purchases: pd.DataFrame,
    group_list: list,
    category_list: list,
    *,
    columns: Mapping[str, str],
    weight: str,
    months: np.ndarray | None = None,
    n_months: int = 1,
):
    """Group and cell means / counts for every (month, group[, category]); arrays shaped by month first."""
    n_g, n_c, n_v = len(group_list), len(category_list), len(VARIABLES)
    group = _codes_in(purchases[columns["group_col"]], group_list)
    rows = group >= 0
    if months is not None:
        rows &= months >= 0
    group = group[rows]
    month = months[rows] if months is not None else np.zeros(len(group), dtype="int64")
    category = _codes_in(purchases[columns["category_col"]], category_list)[rows]
    values = _float_matrix(purchases, [columns[_VARIABLE_ARGS[v]] for v in VARIABLES], rows)
    group_key = month * n_g + group
    in_cell = category >= 0
    cell_key = group_key[in_cell] * n_c + category[in_cell]
    n_group_keys, n_cell_keys = n_months * n_g, n_months * n_g * n_c
    if weight == "session":
        customer, _ = _factorize(purchases[columns["customer_col"]].to_numpy()[rows])
        session, _ = _factorize(purchases[columns["session_col"]].to_numpy()[rows])
        sessions_per_customer = np.int64(session.max() + 1 if len(session) else 1)
        visits, _ = pd.factorize(customer.astype("int64") * sessions_per_customer + session)
        visits = visits.astype("int64")
        group_values, group_keys = _unit_means(values, group_key, visits, n_group_keys)
        cell_values, cell_keys = _unit_means(values[in_cell], cell_key, visits[in_cell], n_cell_keys)
    else:
        group_values, group_keys = values, group_key
        cell_values, cell_keys = values[in_cell], cell_key
    g_mean, g_n, _ = _stats(group_keys, group_values, n_group_keys)
    c_mean, c_n, c_lines = _stats(cell_keys, cell_values, n_cell_keys)
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
    purchases: pd.DataFrame,
    *,
    groups: Sequence | pd.DataFrame,
    categories: Sequence | pd.DataFrame,
    customer_col: str = "CLNT_ID",
    session_col: str = "SESS_ID",
    group_col: str = "AGE_GENDER",
    category_col: str = "CLAC1_NM",
    time_col: str = "TOT_SESS_HR_V",
    views_col: str = "TOT_PAG_VIEW_CT",
    search_col: str = "SEARCH_CNT",
    price_col: str = "PD_BUY_AM",
    weight: str = "line",
) -> pd.DataFrame:
    """Group x category means of the four behaviour variables, against each group's overall mean.

    NaN values are ignored in every mean and the non-missing counts are kept. The group's overall mean
    ("평균") is over all its purchases in ``purchases``, in every category, main or not.

    Parameters
    ----------
    purchases : DataFrame
        Purchase lines.
    groups, categories : list or frame
        Main groups / categories (labels, or the frames from :func:`main_groups` / :func:`main_categories`;
        for the groups frame only rows with ``is_main`` are used). Output follows their order.
    weight : {'line', 'session'}
        ``'line'`` (default, as the report): every purchase line counts once, so a session buying three
        items counts three times. ``'session'``: every (customer, session) counts once per category cell
        and once in the group mean, with the mean of its lines' values (time/views/searches are per
        session anyway; price becomes the session's mean unit price); needs ``customer_col`` and
        ``session_col``.

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
        Missing or non-numeric column, unknown ``weight``, empty groups/categories.
    """
    columns = _behaviour_columns(purchases, customer_col=customer_col, session_col=session_col,
                                 group_col=group_col, category_col=category_col, time_col=time_col,
                                 views_col=views_col, search_col=search_col, price_col=price_col, weight=weight)
    group_list = _as_list(groups, "groups", column="group", flag="is_main")
    category_list = _as_list(categories, "categories", column="category")
    arrays = _behaviour_arrays(purchases, group_list, category_list, columns=columns, weight=weight)
    return _behaviour_long(group_list, category_list, *(a[0] for a in arrays))


def _behaviour_columns(purchases: pd.DataFrame, *, weight: str, **columns: str) -> dict[str, str]:
    """Check the columns behaviour_table needs; return them keyed by argument name."""
    _check_weight(weight)
    needed = {k: columns[k] for k in ("group_col", "category_col", "time_col", "views_col", "search_col", "price_col")}
    if weight == "session":
        needed.update(customer_col=columns["customer_col"], session_col=columns["session_col"])
    _require(purchases, needed)
    _require_numeric(purchases, {k: columns[k] for k in ("time_col", "views_col", "search_col", "price_col")})
    return {**columns}


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
    r = _rules(rules)
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
    pattern = pd.Series(np.where(complete, _PATTERNS[codes], None), dtype="str")
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
    r = _rules(rules)
    tolerance = _check_tolerance(split_tolerance)
    _require_table(group_patterns, ("group", "category", "pattern"), name="group_patterns")
    categories = list(pd.unique(group_patterns["category"]))
    scored = group_patterns[group_patterns["pattern"].notna()]
    codes = _pattern_codes(scored["pattern"])
    bits = pd.DataFrame((codes[:, None] >> np.array([3, 2, 1, 0])) & 1, columns=list(VARIABLES))
    bits["category"] = scored["category"].to_numpy(dtype=object)
    ones = bits.groupby("category", sort=False)[list(VARIABLES)].sum().reindex(categories, fill_value=0)
    n_scored = bits.groupby("category", sort=False).size().reindex(categories, fill_value=0).to_numpy()

    twice = ones.to_numpy() * 2
    majority_bits = twice > n_scored[:, None]
    tie_bits = (twice == n_scored[:, None]) & (n_scored[:, None] > 0)
    majority_code = (majority_bits * _BIT_WEIGHTS).sum(axis=1)
    has_scored = n_scored > 0
    majority = pd.Series(np.where(has_scored, _PATTERNS[majority_code], None), index=categories, dtype="str")
    tied = [",".join(v for v, t in zip(VARIABLES, row) if t) for row in tie_bits]

    counts = (
        pd.DataFrame({"category": bits["category"], "pattern": scored["pattern"].to_numpy(dtype=object), "code": codes})
        .groupby(["category", "pattern", "code"], sort=False)
        .size()
        .rename("count")
        .reset_index()
    )
    majority_by_cat = pd.Series(majority_code, index=categories)
    distance = counts["code"].to_numpy() ^ majority_by_cat.reindex(counts["category"]).to_numpy()
    counts["distance"] = [bin(int(d)).count("1") for d in distance]  # <= 16 x categories rows
    counts = counts.sort_values(
        ["category", "count", "distance", "pattern"], ascending=[True, False, True, True], kind="mergesort"
    )
    counts["position"] = counts.groupby("category", sort=False).cumcount()
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
    r = _rules(rules)
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
) -> pd.DataFrame:
    """Top-spend category and its segment per customer, or per customer x month when ``months`` is given.

    Works on integer codes with one sort of the lines, no loop. Ties in revenue go to main categories
    first, then to the category name."""
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
    is_main = np.asarray(names.isin(list(category_patterns["category"].dropna())), dtype=bool)
    tie_rank = np.empty(n_categories + 1, dtype="int64")  # main categories first, then by name
    tie_order = np.lexsort((names.astype(str).to_numpy(), ~is_main)) if n_categories else np.zeros(0, "int64")
    tie_rank[tie_order] = np.arange(n_categories)
    tie_rank[n_categories] = n_categories

    # Revenue per (key, category): sort the lines once by key then category and sum the runs.
    pair = raw_key * np.int64(n_categories + 1) + category
    order = np.argsort(pair, kind="stable")
    pair = pair[order]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, "int64")
    pair_revenue = np.add.reduceat(revenue[order], starts) if len(starts) else np.zeros(0)
    pair_key, pair_category = np.divmod(pair[starts], n_categories + 1)
    key_starts = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]]) if len(starts) else starts
    key_values = pair_key[key_starts]
    run = np.diff(np.r_[key_starts, len(starts)])
    missing = pair_category == n_categories
    candidate_revenue = np.where(missing, -np.inf, pair_revenue)
    best = np.repeat(np.maximum.reduceat(candidate_revenue, key_starts), run) if len(starts) else candidate_revenue
    candidate = ~missing & (candidate_revenue == best)
    ranks = np.where(candidate, tie_rank[pair_category], n_categories + 1)
    best_rank = np.repeat(np.minimum.reduceat(ranks, key_starts), run) if len(starts) else ranks
    winner = candidate & (ranks == best_rank)
    n_keys = len(key_values)
    key_index = np.repeat(np.arange(n_keys), run)
    top_category = np.full(n_keys, -1, dtype="int64")
    top_category[key_index[winner]] = pair_category[winner]
    top_revenue = np.full(n_keys, np.nan)
    top_revenue[key_index[winner]] = pair_revenue[winner]
    total = np.add.reduceat(np.where(missing, 0.0, pair_revenue), key_starts) if n_keys else np.zeros(0)
    no_category = top_category < 0
    total[no_category] = np.nan
    no_revenue = ~no_category & ~(total > 0)
    if months is None:
        key_customer, key_month = key_values, None
    else:
        key_month, key_customer = np.divmod(key_values, max(n_customers, 1))
        key_month = key_month + first_month

    # The segment of the top category: by (month, category) or by category alone.
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
    status = np.select([no_category, no_revenue, ~found, ~scored], [1, 2, 3, 4], default=0)
    row = np.where(status == 0, row, -1)
    top_category = np.where(no_category | no_revenue, -1, top_category)
    top_revenue = np.where(no_category | no_revenue, np.nan, top_revenue)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, top_revenue / total, np.nan)

    # Sort on integer arrays first, then build each column once in its final order.
    customer_rank = np.empty(n_customers, dtype="int64")
    customer_rank[pd.Index(customer_ids).argsort()] = np.arange(n_customers)
    order = (np.lexsort((key_month, customer_rank[key_customer])) if key_month is not None
             else np.argsort(customer_rank[key_customer], kind="stable"))
    out = pd.DataFrame({"customer": pd.Index(customer_ids).take(key_customer[order])})
    if key_month is not None:
        out.insert(0, "month", pd.PeriodIndex.from_ordinals(key_month[order], freq="M"))
    if all(isinstance(n, str) for n in names):
        out["top_category"] = _str_take(names, top_category[order])
    else:
        out["top_category"] = pd.Series(names, dtype=object).reindex(top_category[order]).to_numpy(dtype=object)
    out["top_revenue"] = top_revenue[order]
    out["total_revenue"] = total[order]
    out["top_share"] = share[order]
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
        Purchase lines (all customers; not only the main groups).
    category_patterns : DataFrame
        Output of :func:`category_patterns` (``category, pattern, segment, label``).

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
    _require(purchases, {"customer_col": customer_col, "category_col": category_col, "revenue_col": revenue_col})
    _require_numeric(purchases, {"revenue_col": revenue_col})
    _require_table(category_patterns, ("category", "pattern", "segment", "label"), name="category_patterns")
    out = _customer_core(purchases, category_patterns.drop(columns="month", errors="ignore"),
                         customer_col=customer_col, category_col=category_col, revenue_col=revenue_col)
    return out.rename(columns={"customer": customer_col})


def segment_sizes(customers: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """Customers and revenue per behaviour segment.

    Returns
    -------
    DataFrame, one row per segment (rules order, every segment even if empty) plus ``'미분류'`` for
    customers without a segment, columns: ``segment, n_customers, share`` (of all customers),
    ``revenue`` (their total revenue), ``revenue_share``.
    """
    r = _rules(rules)
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
    purchases: pd.DataFrame,
    *,
    n_groups: int = DEFAULT_N_GROUPS,
    min_customers: int = DEFAULT_MIN_CUSTOMERS,
    n_categories: int = DEFAULT_N_CATEGORIES,
    categories: Sequence[str] | None = None,
    weight: str = "line",
    split_tolerance: int = 0,
    rules: SegmentRules | Mapping | None = None,
    customer_col: str = "CLNT_ID",
    session_col: str = "SESS_ID",
    group_col: str = "AGE_GENDER",
    category_col: str = "CLAC1_NM",
    time_col: str = "TOT_SESS_HR_V",
    views_col: str = "TOT_PAG_VIEW_CT",
    search_col: str = "SEARCH_CNT",
    price_col: str = "PD_BUY_AM",
    revenue_col: str = "REVENUE",
) -> SegmentationResult:
    """Run the whole chapter-2 chain (one call for the notebook). Parameters as in the step functions."""
    r = _rules(rules)
    groups = main_groups(purchases, n_groups=n_groups, min_customers=min_customers,
                         customer_col=customer_col, group_col=group_col)
    cats = main_categories(purchases, n_categories=n_categories, categories=categories, category_col=category_col)
    behaviour = behaviour_table(
        purchases, groups=groups, categories=cats, customer_col=customer_col, session_col=session_col,
        group_col=group_col, category_col=category_col, time_col=time_col, views_col=views_col,
        search_col=search_col, price_col=price_col, weight=weight,
    )
    gpat = group_patterns(behaviour, rules=r)
    cpat = category_patterns(gpat, split_tolerance=split_tolerance, rules=r)
    customers = customer_segments(purchases, cpat, customer_col=customer_col, category_col=category_col,
                                  revenue_col=revenue_col)
    return SegmentationResult(
        groups=groups, categories=cats, behaviour=behaviour, group_patterns=gpat, category_patterns=cpat,
        segment_table=segment_table(cpat, rules=r), customers=customers, sizes=segment_sizes(customers, rules=r),
        rules=r,
    )


# --------------------------------------------------------------------------------------------------
# 5. Stability (beyond the report)
# --------------------------------------------------------------------------------------------------
def monthly_category_patterns(
    purchases: pd.DataFrame,
    *,
    groups: Sequence | pd.DataFrame,
    categories: Sequence | pd.DataFrame,
    customer_col: str = "CLNT_ID",
    session_col: str = "SESS_ID",
    group_col: str = "AGE_GENDER",
    category_col: str = "CLAC1_NM",
    time_col: str = "TOT_SESS_HR_V",
    views_col: str = "TOT_PAG_VIEW_CT",
    search_col: str = "SEARCH_CNT",
    price_col: str = "PD_BUY_AM",
    date_col: str = "SESS_DT",
    weight: str = "line",
    split_tolerance: int = 0,
    rules: SegmentRules | Mapping | None = None,
) -> pd.DataFrame:
    """Category patterns recomputed within each calendar month, main groups and categories held fixed.

    Each month is treated as its own window: group means ("평균") are the month's, so a pattern says how
    the category differed from the group's behaviour in that month. Every calendar month from the first
    to the last date is listed, also one without purchases (then unscored).

    Returns
    -------
    Tidy DataFrame, one row per month x main category (months ascending, categories in given order),
    columns: ``month`` (Period[M]), then every column of :func:`category_patterns`, then ``n_lines``
    (lines of the main groups in the category that month).
    """
    r = _rules(rules)
    columns = _behaviour_columns(purchases, customer_col=customer_col, session_col=session_col,
                                 group_col=group_col, category_col=category_col, time_col=time_col,
                                 views_col=views_col, search_col=search_col, price_col=price_col, weight=weight)
    _require(purchases, {"date_col": date_col})
    _require_datetime(purchases, "date_col", date_col)
    tolerance = _check_tolerance(split_tolerance)
    group_list = _as_list(groups, "groups", column="group", flag="is_main")
    category_list = _as_list(categories, "categories", column="category")
    ordinals = _month_ordinals(purchases[date_col])
    dated = ordinals != _NAT
    if not dated.any():
        raise ValueError(f"purchases has no dates in {date_col!r}: nothing to split into months")
    first, last = int(ordinals[dated].min()), int(ordinals[dated].max())
    offsets = np.where(dated, ordinals - first, -1)
    arrays = _behaviour_arrays(purchases, group_list, category_list, columns=columns, weight=weight,
                               months=offsets, n_months=last - first + 1)
    frames = []
    for offset in range(last - first + 1):  # one iteration per calendar month
        behaviour = _behaviour_long(group_list, category_list, *(a[offset] for a in arrays))
        gpat = group_patterns(behaviour, rules=r)
        cpat = category_patterns(gpat, split_tolerance=tolerance, rules=r)
        lines = gpat.groupby("category", sort=False)["n_lines"].sum().reindex(cpat["category"]).to_numpy()
        cpat.insert(0, "month", pd.PeriodIndex.from_ordinals([first + offset] * len(cpat), freq="M"))
        cpat["n_lines"] = lines.astype("int64")
        frames.append(cpat)
    return pd.concat(frames, ignore_index=True)


def category_stability(monthly_patterns: pd.DataFrame, *, overall: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which categories change segment from month to month.

    Compares ``segment_label`` (so a split spanning two segments is its own state) between consecutive
    scored months of each category.

    Parameters
    ----------
    monthly_patterns : DataFrame
        Output of :func:`monthly_category_patterns`.
    overall : DataFrame, optional
        :func:`category_patterns` over the whole window, to compare each month with.

    Returns
    -------
    DataFrame, one row per category, columns: ``category, n_months`` (scored months),
    ``segment_path`` ('꼼꼼이→꼼꼼이→털털이', months ascending; '-' for an unscored month),
    ``n_segments`` (distinct), ``n_changes`` (consecutive scored months whose segment differs),
    ``changed`` (bool), ``modal_segment`` (most frequent; ties by rules order of appearance),
    ``overall_segment`` and ``months_as_overall`` (NA / 0 without ``overall``).
    """
    _require_table(monthly_patterns, ("month", "category", "segment_label"), name="monthly_patterns")
    data = monthly_patterns.sort_values(["month"], kind="mergesort")
    categories = list(pd.unique(monthly_patterns["category"]))
    label = data["segment_label"]
    path = (
        label.astype(object).where(label.notna(), "-").groupby(data["category"], sort=False).agg("→".join)
    )
    scored = data[label.notna()]
    previous = scored.groupby("category", sort=False)["segment_label"].shift()
    changes = (previous.notna() & (previous != scored["segment_label"])).groupby(scored["category"], sort=False).sum()
    n_months = scored.groupby("category", sort=False).size()
    n_segments = scored.groupby("category", sort=False)["segment_label"].nunique()
    modal = (
        scored.groupby(["category", "segment_label"], sort=False).size().rename("n").reset_index()
        .sort_values(["category", "n"], ascending=[True, False], kind="mergesort")
        .drop_duplicates("category").set_index("category")["segment_label"]
    )
    out = pd.DataFrame({"category": pd.Series(categories, dtype="str")})
    out["n_months"] = n_months.reindex(categories, fill_value=0).to_numpy(dtype="int64")
    out["segment_path"] = path.reindex(categories).astype("str").to_numpy()
    out["n_segments"] = n_segments.reindex(categories, fill_value=0).to_numpy(dtype="int64")
    out["n_changes"] = changes.reindex(categories, fill_value=0).to_numpy(dtype="int64")
    out["changed"] = out["n_segments"] > 1
    out["modal_segment"] = pd.Series(modal.reindex(categories).to_numpy(dtype=object), dtype="str")
    if overall is not None:
        _require_table(overall, ("category", "segment_label"), name="overall")
        ref = overall.set_index("category")["segment_label"]
        out["overall_segment"] = pd.Series(ref.reindex(categories).to_numpy(dtype=object), dtype="str")
        same = scored["segment_label"].to_numpy(dtype=object) == ref.reindex(scored["category"]).to_numpy(dtype=object)
        out["months_as_overall"] = (
            pd.Series(same, index=scored.index).groupby(scored["category"], sort=False).sum()
            .reindex(categories, fill_value=0).to_numpy(dtype="int64")
        )
    else:
        out["overall_segment"] = pd.Series([None] * len(out), dtype="str")
        out["months_as_overall"] = 0
    return out


def monthly_customer_segments(
    purchases: pd.DataFrame,
    category_patterns: pd.DataFrame,
    *,
    customer_col: str = "CLNT_ID",
    category_col: str = "CLAC1_NM",
    revenue_col: str = "REVENUE",
    date_col: str = "SESS_DT",
) -> pd.DataFrame:
    """Each customer's segment in each calendar month they bought in.

    The top category is taken within the month (rules as :func:`customer_segments`). Its segment comes from
    ``category_patterns``: with a ``month`` column (the output of :func:`monthly_category_patterns`) the
    month's own pattern is used, so movement mixes customers' and categories' changes; without one (the
    whole-window :func:`category_patterns`) the category map is fixed and only customers' spending moves.

    Returns
    -------
    DataFrame, one row per customer x month with purchases, sorted by customer then month, columns:
        ``month`` (Period[M]), ``<customer_col>``, ``top_category, top_revenue, total_revenue, top_share,
        pattern, segment, label, status`` (as in :func:`customer_segments`).
    """
    _require(purchases, {"customer_col": customer_col, "category_col": category_col,
                         "revenue_col": revenue_col, "date_col": date_col})
    _require_numeric(purchases, {"revenue_col": revenue_col})
    _require_datetime(purchases, "date_col", date_col)
    _require_table(category_patterns, ("category", "pattern", "segment", "label"), name="category_patterns")
    out = _customer_core(purchases, category_patterns, customer_col=customer_col, category_col=category_col,
                         revenue_col=revenue_col, months=_month_ordinals(purchases[date_col]))
    return out.rename(columns={"customer": customer_col})


def segment_transitions(
    monthly_customers: pd.DataFrame,
    *,
    customer_col: str = "CLNT_ID",
    by_month: bool = False,
    rules: SegmentRules | Mapping | None = None,
) -> pd.DataFrame:
    """Month-to-month segment transitions of customers who bought in two consecutive calendar months.

    A customer buying in April and June only contributes no pair. Customers without a segment in a month
    count as ``'미분류'``.

    Returns
    -------
    Long DataFrame, one row per observed (from, to) pair -- and per month pair with ``by_month=True`` --
    ordered by rules order, columns: [``from_month, to_month``,] ``from_segment, to_segment, n_customers``,
    ``share`` (of the customers leaving ``from_segment`` in that period), ``stayed`` (bool).
    """
    r = _rules(rules)
    _require(monthly_customers, {"customer_col": customer_col, "month": "month", "segment": "segment"},
             name="monthly_customers")
    data = monthly_customers[[customer_col, "month", "segment"]].sort_values([customer_col, "month"], kind="mergesort")
    segment = data["segment"].astype(object).where(data["segment"].notna(), UNCLASSIFIED)
    previous_month = data.groupby(customer_col, sort=False)["month"].shift()
    previous_segment = segment.groupby(data[customer_col], sort=False).shift()
    consecutive = previous_month.notna() & (previous_month + 1 == data["month"])
    pairs = pd.DataFrame({
        "from_month": previous_month[consecutive].astype("period[M]"),
        "to_month": data["month"][consecutive],
        "from_segment": previous_segment[consecutive].astype(object),
        "to_segment": segment[consecutive],
    })
    keys = (["from_month", "to_month"] if by_month else []) + ["from_segment", "to_segment"]
    out = pairs.groupby(keys, sort=False).size().rename("n_customers").reset_index()
    leaving = out.groupby([*keys[:-1]], sort=False)["n_customers"].transform("sum")
    out["share"] = out["n_customers"] / leaving
    order = {s: i for i, s in enumerate([*r.segments, UNCLASSIFIED])}
    out["_f"] = out["from_segment"].map(order)
    out["_t"] = out["to_segment"].map(order)
    out = out.sort_values([*keys[:-2], "_f", "_t"], kind="mergesort").drop(columns=["_f", "_t"])
    out["from_segment"] = out["from_segment"].astype("str")
    out["to_segment"] = out["to_segment"].astype("str")
    out["stayed"] = out["from_segment"] == out["to_segment"]
    return out.reset_index(drop=True)[[*keys, "n_customers", "share", "stayed"]]


def transition_matrix(transitions: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """Transition counts as a from x to table (all month pairs summed), rules order plus '미분류'."""
    r = _rules(rules)
    _require_table(transitions, ("from_segment", "to_segment", "n_customers"), name="transitions")
    order = [*r.segments, UNCLASSIFIED]
    table = transitions.pivot_table(index="from_segment", columns="to_segment", values="n_customers",
                                    aggfunc="sum", fill_value=0)
    table = table.reindex(index=order, columns=order, fill_value=0).astype("int64")
    table.index.name = "from_segment"
    table.columns.name = "to_segment"
    return table


@dataclass(frozen=True)
class StabilityResult:
    """Segment stability tables (see the functions of the same names for the columns)."""

    monthly_patterns: pd.DataFrame
    category_changes: pd.DataFrame
    monthly_customers: pd.DataFrame
    transitions: pd.DataFrame


def segment_stability(
    purchases: pd.DataFrame,
    *,
    groups: Sequence | pd.DataFrame,
    categories: Sequence | pd.DataFrame,
    overall: pd.DataFrame | None = None,
    customer_map: str = "monthly",
    customer_col: str = "CLNT_ID",
    session_col: str = "SESS_ID",
    group_col: str = "AGE_GENDER",
    category_col: str = "CLAC1_NM",
    time_col: str = "TOT_SESS_HR_V",
    views_col: str = "TOT_PAG_VIEW_CT",
    search_col: str = "SEARCH_CNT",
    price_col: str = "PD_BUY_AM",
    revenue_col: str = "REVENUE",
    date_col: str = "SESS_DT",
    weight: str = "line",
    split_tolerance: int = 0,
    rules: SegmentRules | Mapping | None = None,
) -> StabilityResult:
    """Monthly recomputation in one call.

    ``customer_map='monthly'`` gives customers the month's category segments; ``'overall'`` uses the
    whole-window ``overall`` table (required then), isolating changes in customers' own spending.
    """
    if customer_map not in {"monthly", "overall"}:
        raise ValueError(f"customer_map must be 'monthly' or 'overall', got {customer_map!r}")
    if customer_map == "overall" and overall is None:
        raise ValueError("customer_map='overall' needs overall= (the category_patterns of the whole window)")
    r = _rules(rules)
    monthly = monthly_category_patterns(
        purchases, groups=groups, categories=categories, customer_col=customer_col, session_col=session_col,
        group_col=group_col, category_col=category_col, time_col=time_col, views_col=views_col,
        search_col=search_col, price_col=price_col, date_col=date_col, weight=weight,
        split_tolerance=split_tolerance, rules=r,
    )
    customers = monthly_customer_segments(
        purchases, monthly if customer_map == "monthly" else overall, customer_col=customer_col,
        category_col=category_col, revenue_col=revenue_col, date_col=date_col,
    )
    return StabilityResult(
        monthly_patterns=monthly,
        category_changes=category_stability(monthly, overall=overall),
        monthly_customers=customers,
        transitions=segment_transitions(customers, customer_col=customer_col, rules=r),
    )


# --------------------------------------------------------------------------------------------------
# 6. Figures (Korean labels)
# --------------------------------------------------------------------------------------------------
def _figure(width: float, height: float):
    """A bare constrained-layout Figure with the Korean font active (helpers.common.figures owns the font setup)."""
    from helpers.common import figures as plots

    return plots.new_figure(figsize=(width, height))


def _ordered_groups(values: Iterable) -> list:
    return list(pd.unique(pd.Series(list(values), dtype=object)))


def plot_behaviour_heatmap(
    behaviour: pd.DataFrame,
    *,
    variables: Sequence[str] = VARIABLES,
    rules: SegmentRules | Mapping | None = None,
):
    """Heatmap per variable of each group's difference from its own mean, by category, bits annotated.

    Colour is the relative difference (%, diverging at 0); each cell shows the bit and the difference.
    Row labels carry the group's "평균".

    Returns
    -------
    matplotlib.figure.Figure
    """
    r = _rules(rules)
    unknown = [v for v in variables if v not in VARIABLES]
    if unknown or not variables:
        raise ValueError(f"variables must be a non-empty subset of {list(VARIABLES)}, got {list(variables)}")
    groups = _ordered_groups(behaviour["group"])
    categories = _ordered_groups(behaviour["category"])
    n = len(variables)
    ncols = 2 if n > 1 else 1
    nrows = int(np.ceil(n / ncols))
    fig = _figure(max(6.0, 1.0 + 0.95 * len(categories)) * ncols, (1.2 + 0.5 * len(groups)) * nrows + 0.6)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, var in zip(axes, variables):
        part = behaviour[behaviour["variable"] == var]
        rel = part.pivot(index="group", columns="category", values="rel_diff").reindex(index=groups, columns=categories)
        bit = part.pivot(index="group", columns="category", values="bit").reindex(index=groups, columns=categories)
        means = part.groupby("group", sort=False)["group_mean"].first().reindex(groups)
        values = rel.to_numpy(dtype=float) * 100
        finite = values[np.isfinite(values)]
        limit = max(float(np.abs(finite).max()) if finite.size else 1.0, 1.0)
        image = ax.imshow(np.ma.masked_invalid(values), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        for i in range(len(groups)):  # annotation grid: groups x categories, not data rows
            for j in range(len(categories)):
                b = bit.iat[i, j]
                text = "-" if pd.isna(b) else f"{int(b)}\n{values[i, j]:+.0f}%"
                strong = np.isfinite(values[i, j]) and abs(values[i, j]) > 0.6 * limit
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if strong else "black")
        ax.set_xticks(range(len(categories)), [str(c) for c in categories], rotation=45, ha="right")
        ax.set_yticks(range(len(groups)), [f"{g} ({OVERALL_LABEL} {m:,.1f})" for g, m in zip(groups, means)])
        ax.set_title(f"{r.variable_labels[var]}: 고객군 평균 대비 차이 (1 = 평균보다 높음)")
        fig.colorbar(image, ax=ax, label="평균 대비 차이 (%)", shrink=0.8)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.suptitle("고객군 × 상품군 온라인 행동 (비트 순서: 고려시간, 페이지 조회수, 검색 횟수, 구매단가)")
    return fig


def _segment_colours(segments: Sequence[str], r: SegmentRules) -> dict[str, str]:
    from helpers.common import figures as plots

    colours = {s: plots.PALETTE[i % len(plots.PALETTE)] for i, s in enumerate(r.segments)}
    return {s: colours.get(s, plots.MUTED_COLOR) for s in segments}


def plot_segment_sizes(sizes: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None):
    """Bars of customers and revenue share per segment (from :func:`segment_sizes`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    r = _rules(rules)
    _require_table(sizes, ("segment", "n_customers", "share", "revenue_share"), name="sizes")
    segments = [str(s) for s in sizes["segment"]]
    colours = [_segment_colours(segments, r)[s] for s in segments]
    fig = _figure(10, 4)
    left, right = fig.subplots(1, 2)
    left.bar(segments, sizes["n_customers"], color=colours)
    for x, (count, share) in enumerate(zip(sizes["n_customers"], sizes["share"])):
        left.annotate(f"{count:,}명\n({share:.1%})", (x, count), ha="center", va="bottom", fontsize=9)
    left.set_title("행동 세그먼트별 고객 수")
    left.set_ylabel("고객 수 (명)")
    left.margins(y=0.2)
    right.bar(segments, sizes["revenue_share"] * 100, color=colours)
    for x, share in enumerate(sizes["revenue_share"]):
        right.annotate(f"{share:.1%}", (x, share * 100), ha="center", va="bottom", fontsize=9)
    right.set_title("행동 세그먼트별 매출 비중")
    right.set_ylabel("매출 비중 (%)")
    right.margins(y=0.2)
    return fig


def plot_category_stability(monthly_patterns: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None):
    """Category x month grid coloured by segment, with the month's pattern(s) written in each cell.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    r = _rules(rules)
    _require_table(monthly_patterns, ("month", "category", "segment", "pattern"), name="monthly_patterns")
    months = sorted(pd.unique(monthly_patterns["month"]))
    categories = _ordered_groups(monthly_patterns["category"])
    names = [*r.segments, UNCLASSIFIED]
    code = {s: i for i, s in enumerate(names)}
    data = monthly_patterns.set_index(["category", "month"])
    fig = _figure(max(6.0, 1.4 + 1.1 * len(months)), 1.2 + 0.45 * len(categories))
    ax = fig.subplots()
    grid = np.full((len(categories), len(months)), code[UNCLASSIFIED], dtype=float)
    for i, category in enumerate(categories):
        for j, month in enumerate(months):  # <= categories x 12 cells
            if (category, month) not in data.index:
                continue
            row = data.loc[(category, month)]
            segment = row["segment"]
            if pd.notna(segment):
                grid[i, j] = code[segment]
            text = "-" if pd.isna(row["pattern"]) else str(row["pattern"])
            if "pattern_2" in row.index and pd.notna(row["pattern_2"]):
                text += f"/{row['pattern_2']}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white")
    colours = _segment_colours(names, r)
    ax.imshow(grid, cmap=ListedColormap([colours[s] for s in names]), vmin=-0.5, vmax=len(names) - 0.5, aspect="auto")
    ax.set_xticks(range(len(months)), [str(m) for m in months])
    ax.set_yticks(range(len(categories)), [str(c) for c in categories])
    ax.set_title("월별 상품군 행동 패턴과 세그먼트")
    ax.legend(handles=[Patch(color=colours[s], label=s) for s in names], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


# --------------------------------------------------------------------------------------------------
# 7. One-sentence readings (Korean)
# --------------------------------------------------------------------------------------------------




def describe_groups(groups: pd.DataFrame, *, min_customers: int | None = None) -> str:
    """One sentence on the main groups and the groups left unscored (from :func:`main_groups`)."""
    _require_table(groups, ("group", "n_customers", "is_main", "status"), name="groups")
    main = groups[groups["is_main"].astype(bool)]
    small = groups[groups["status"] == "below_min_customers"]
    sentence = (
        f"고객 수 기준 상위 {len(main)}개 고객군({', '.join(map(str, main['group']))})을 주 고객군으로 삼았고, "
        f"이들이 전체 고객군 고객의 {main['n_customers'].sum() / max(groups['n_customers'].sum(), 1):.1%}를 차지합니다"
    )
    if len(small):
        guard = f"{min_customers:,}명 미만" if min_customers is not None else "최소 고객 수 미만"
        sentence += f"; {guard}인 {len(small)}개 고객군({', '.join(map(str, small['group']))})은 점수화하지 않았습니다"
    return sentence + "."


def describe_category(category_patterns: pd.DataFrame, category: str,
                      *, rules: SegmentRules | Mapping | None = None) -> str:
    """One sentence on a category's pattern, e.g. '여성의류는 꼼꼼이(1101) 패턴으로 …'."""
    r = _rules(rules)
    _require_table(category_patterns, ("category", "pattern", "segment"), name="category_patterns")
    rows = category_patterns[category_patterns["category"] == category]
    if rows.empty:
        known = list(category_patterns["category"])
        raise ValueError(f"category {category!r} is not in category_patterns; known: {known}")
    row = rows.iloc[0]
    if pd.isna(row["pattern"]):
        return f"{josa(category, '은', '는')} 점수화된 고객군이 없어 행동 패턴을 정하지 못했습니다."
    bits = [r.variable_labels[v] for v, b in zip(VARIABLES, row["pattern"]) if b == "1"]
    high = f"{'·'.join(bits)}{'이' if has_final_consonant(bits[-1]) else '가'} 고객군 평균보다 높습니다" if bits \
        else "네 변수 모두 고객군 평균 이하입니다"
    if bool(row.get("split", False)):
        second = f"{row['segment_2']}({row['pattern_2']})"
        return (
            f"{josa(category, '은', '는')} 고객군이 {row['segment']}({row['pattern']})"
            f"{'과' if has_final_consonant(row['segment']) else '와'} {second} 두 패턴으로 "
            f"{row['n_groups_pattern']}:{row['n_groups_pattern_2']}로 고르게 나뉩니다."
        )
    return (
        f"{josa(category, '은', '는')} {row['segment']}({row['pattern']}) 패턴으로, "
        f"{row['n_groups_scored']}개 고객군 중 {row['n_groups_pattern']}개가 이 패턴과 같고 {high}."
    )


def describe_categories(category_patterns: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> str:
    """One sentence listing the categories of each segment, e.g. '꼼꼼이는 여성의류·패션잡화, …'."""
    r = _rules(rules)
    _require_table(category_patterns, ("category", "segment", "segment_2"), name="category_patterns")
    parts = []
    for segment in r.segments:  # <= a handful of segments
        member = (category_patterns["segment"] == segment) | (category_patterns["segment_2"] == segment)
        names = [str(c) for c in category_patterns.loc[member.fillna(False), "category"]]
        if names:
            parts.append(f"{josa(segment, '은', '는')} {'·'.join(names)}")
    if not parts:
        return "점수화된 상품군이 없어 행동 세그먼트를 정하지 못했습니다."
    return ", ".join(parts) + " 상품군에서 나타납니다."


def describe_sizes(sizes: pd.DataFrame) -> str:
    """One sentence on segment sizes (from :func:`segment_sizes`)."""
    _require_table(sizes, ("segment", "n_customers", "share", "revenue_share"), name="sizes")
    total = int(sizes["n_customers"].sum())
    classified = sizes[sizes["segment"] != UNCLASSIFIED]
    if total == 0 or classified["n_customers"].sum() == 0:
        return "행동 세그먼트를 받은 고객이 없습니다."
    top = classified.sort_values("n_customers", ascending=False, kind="mergesort").iloc[0]
    unclassified = sizes.loc[sizes["segment"] == UNCLASSIFIED, "n_customers"].sum()
    sentence = (
        f"고객 {total:,}명 중 {josa(top['segment'], '이', '가')} {top['share']:.1%}로 가장 많고 "
        f"매출의 {top['revenue_share']:.1%}를 차지합니다"
    )
    if unclassified:
        sentence += (f"; {unclassified:,}명({unclassified / total:.1%})은 세그먼트를 받지 못했습니다"
                     "(최다 구매 상품군이 주 상품군이 아닌 경우 등)")
    return sentence + "."


def describe_stability(category_changes: pd.DataFrame, transitions: pd.DataFrame | None = None) -> str:
    """One sentence on month-to-month stability (from :func:`category_stability` and transitions)."""
    _require_table(category_changes, ("category", "changed"), name="category_changes")
    changed = category_changes.loc[category_changes["changed"].astype(bool), "category"].astype(str).tolist()
    n = len(category_changes)
    if changed:
        sentence = f"주요 상품군 {n}개 중 {len(changed)}개({', '.join(changed)})의 세그먼트가 월에 따라 바뀌었습니다"
    else:
        sentence = f"주요 상품군 {n}개 모두 분석 기간 내내 같은 세그먼트를 유지했습니다"
    if transitions is not None and len(transitions):
        total = int(transitions["n_customers"].sum())
        stayed = int(transitions.loc[transitions["stayed"].astype(bool), "n_customers"].sum())
        sentence += (f"; 연속한 두 달에 모두 구매한 고객의 월간 이동 {total:,}건 중 {stayed / total:.1%}가 "
                     "같은 세그먼트에 머물렀습니다")
    return sentence + "."
