"""Chapter 2, beyond the report: are the segments stable? Patterns recomputed per calendar month.

Main groups and categories are held fixed (those of the whole window); each month is its own window for
the group means. Customers get the segment of their top-spend category within each month, and month-to-month
moves are counted. Same vectorised steps as :mod:`.compute` (one sort per table, no loop over rows).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.chapters.segments.compute import (
    _NAT,
    UNCLASSIFIED,
    _as_list,
    _behaviour_arrays,
    _behaviour_long,
    _check_tolerance,
    _check_weight,
    _customer_core,
    _month_ordinals,
    _require,
    _require_spend,
    _require_table,
    _sum_columns,
    category_patterns,
    group_patterns,
)
from helpers.chapters.segments.rules import SegmentRules, resolve_rules
from helpers.data.queries import segments as queries

__all__ = [
    "StabilityResult",
    "category_stability",
    "monthly_category_patterns",
    "monthly_customer_segments",
    "segment_stability",
    "segment_transitions",
    "transition_matrix",
]


def monthly_category_patterns(
    sums: pd.DataFrame,
    totals: pd.DataFrame | None = None,
    *,
    groups: Sequence | pd.DataFrame,
    categories: Sequence | pd.DataFrame,
    group_col: str = "AGE_GENDER",
    category_col: str = "CLAC1_NM",
    lines_col: str = "n_lines",
    month_col: str = "MONTH",
    split_tolerance: int = 0,
    rules: SegmentRules | Mapping | None = None,
) -> pd.DataFrame:
    """Category patterns recomputed within each calendar month, main groups and categories held fixed.

    Each month is treated as its own window: group means ("평균") are the month's, so a pattern says how
    the category differed from the group's behaviour in that month. Every calendar month from the first
    to the last month of ``sums`` is listed, also one without purchases (then unscored).

    Parameters
    ----------
    sums, totals : DataFrame
        As for :func:`.compute.behaviour_table`, with a month column (``queries.segments.behaviour_sums`` /
        ``group_sums`` with ``by_month=True``).
    month_col : str
        Month of each row: Period[M] ordinals (integers, the queries' ``MONTH``), periods or dates.

    Returns
    -------
    Tidy DataFrame, one row per month x main category (months ascending, categories in given order),
    columns: ``month`` (Period[M]), then every column of :func:`category_patterns`, then ``n_lines``
    (lines of the main groups in the category that month).
    """
    r = resolve_rules(rules)
    columns = _sum_columns(sums, totals, month_col=month_col, group_col=group_col, category_col=category_col,
                           lines_col=lines_col)
    tolerance = _check_tolerance(split_tolerance)
    group_list = _as_list(groups, "groups", column="group", flag="is_main")
    category_list = _as_list(categories, "categories", column="category")
    ordinals = _month_ordinals(sums[month_col])
    dated = ordinals != _NAT
    if not dated.any():
        raise ValueError(f"sums has no months in {month_col!r}: nothing to split into months")
    first, last = int(ordinals[dated].min()), int(ordinals[dated].max())
    arrays = _behaviour_arrays(sums, sums if totals is None else totals, group_list, category_list,
                               columns=columns, first_month=first, n_months=last - first + 1)
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
    month_col: str = "MONTH",
    total_col: str | None = None,
) -> pd.DataFrame:
    """Each customer's segment in each calendar month they bought in.

    The top category is taken within the month (rules as :func:`customer_segments`, whose ``purchases`` and
    ``total_col`` this takes with a month column: ``queries.segments.customer_top_categories`` with
    ``by_month=True``). Its segment comes from ``category_patterns``: with a ``month`` column (the output of
    :func:`monthly_category_patterns`) the month's own pattern is used, so movement mixes customers' and
    categories' changes; without one (the whole-window :func:`category_patterns`) the category map is fixed
    and only customers' spending moves.

    Returns
    -------
    DataFrame, one row per customer x month with purchases, sorted by customer then month, columns:
        ``month`` (Period[M]), ``<customer_col>``, ``top_category, top_revenue, total_revenue, top_share,
        pattern, segment, label, status`` (as in :func:`customer_segments`).
    """
    _require_spend(purchases, customer_col=customer_col, category_col=category_col, revenue_col=revenue_col,
                   month_col=month_col, total_col=total_col)
    _require_table(category_patterns, ("category", "pattern", "segment", "label"), name="category_patterns")
    out = _customer_core(purchases, category_patterns, customer_col=customer_col, category_col=category_col,
                         revenue_col=revenue_col, months=_month_ordinals(purchases[month_col]), total_col=total_col)
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
    r = resolve_rules(rules)
    _require(monthly_customers, {"customer_col": customer_col, "month": "month", "segment": "segment"},
             name="monthly_customers")
    pairs = _consecutive_pairs(monthly_customers, customer_col)
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


def _consecutive_pairs(monthly_customers: pd.DataFrame, customer_col: str) -> pd.DataFrame:
    """(from_month, to_month, from_segment, to_segment) of every customer's consecutive calendar months
    (one sort by customer and month; a row pairs with the previous row when both are the same customer's)."""
    data = monthly_customers[[customer_col, "month", "segment"]].sort_values([customer_col, "month"], kind="mergesort")
    segment = data["segment"].astype(object).where(data["segment"].notna(), UNCLASSIFIED).to_numpy(dtype=object)
    customer = data[customer_col].to_numpy()
    month = _month_ordinals(data["month"])
    follows = (customer[1:] == customer[:-1]) & (month[:-1] != _NAT) & (month[1:] == month[:-1] + 1)
    to_rows = np.flatnonzero(follows) + 1
    return pd.DataFrame({
        "from_month": pd.PeriodIndex.from_ordinals(month[to_rows - 1], freq="M"),
        "to_month": pd.PeriodIndex.from_ordinals(month[to_rows], freq="M"),
        "from_segment": segment[to_rows - 1],
        "to_segment": segment[to_rows],
    })


def transition_matrix(transitions: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """Transition counts as a from x to table (all month pairs summed), rules order plus '미분류'."""
    r = resolve_rules(rules)
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
    query,
    *,
    groups: Sequence | pd.DataFrame,
    categories: Sequence | pd.DataFrame,
    overall: pd.DataFrame | None = None,
    customer_map: str = "monthly",
    weight: str = "line",
    split_tolerance: int = 0,
    rules: SegmentRules | Mapping | None = None,
) -> StabilityResult:
    """Monthly recomputation in one call, on engine aggregates (``query`` as in :func:`.compute.segment_customers`).

    ``customer_map='monthly'`` gives customers the month's category segments; ``'overall'`` uses the
    whole-window ``overall`` table (required then), isolating changes in customers' own spending.
    """
    if customer_map not in {"monthly", "overall"}:
        raise ValueError(f"customer_map must be 'monthly' or 'overall', got {customer_map!r}")
    if customer_map == "overall" and overall is None:
        raise ValueError("customer_map='overall' needs overall= (the category_patterns of the whole window)")
    _check_weight(weight)
    r = resolve_rules(rules)
    monthly = monthly_category_patterns(
        query(queries.behaviour_sums, weight=weight, by_month=True),
        query(queries.group_sums, weight=weight, by_month=True),
        groups=groups, categories=categories, split_tolerance=split_tolerance, rules=r,
    )
    customers = monthly_customer_segments(query(queries.customer_top_categories, by_month=True),
                                          monthly if customer_map == "monthly" else overall,
                                          total_col="TOTAL_REVENUE")
    return StabilityResult(
        monthly_patterns=monthly,
        category_changes=category_stability(monthly, overall=overall),
        monthly_customers=customers,
        transitions=segment_transitions(customers, rules=r),
    )
