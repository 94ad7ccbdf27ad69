"""Chapter 2 figures: ``plot_*(result, *, ax=None)`` over the frames of :mod:`.compute`.

Built with :func:`helpers.common.figures.new_figure`; sized so that they show at 100 % in the report
(about 11 inches wide at most) with every cell label at 9 pt or more. Colour means one thing per figure:
the heatmap's diverging red/blue is the difference from the group's own mean; elsewhere each behaviour
segment has its own fixed colour (rules order) and ``미분류`` is grey.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.chapters.segments.compute import OVERALL_LABEL, UNCLASSIFIED, VARIABLES
from helpers.chapters.segments.rules import SegmentRules, resolve_rules
from helpers.chapters.segments.words import VARIABLE_DECIMALS, group_label
from helpers.common import figures as plots
from helpers.common.checks import require_columns
from helpers.common.formats import format_count, format_pct

__all__ = ["plot_behaviour_heatmap", "plot_category_stability", "plot_segment_sizes", "segment_colours"]

CELL_FONT = 9  # points; the smallest text inside a figure
MAX_WIDTH = 11.0  # inches: wider figures are shrunk by the page and their labels become unreadable


def _ordered(values: Iterable) -> list:
    return list(pd.unique(pd.Series(list(values), dtype=object)))


def segment_colours(segments: Sequence[str], rules: SegmentRules) -> dict[str, str]:
    """A fixed colour per segment (rules order, so one segment looks the same in every figure); others grey."""
    colours = {s: plots.PALETTE[i % len(plots.PALETTE)] for i, s in enumerate(rules.segments)}
    return {s: colours.get(s, plots.MUTED_COLOR) for s in segments}


# ---------------------------------------------------------------------------------------------
# Behaviour heatmap
# ---------------------------------------------------------------------------------------------
def _heatmap_panel(ax: Axes, part: pd.DataFrame, groups: list, categories: list, title: str, decimals: int):
    """One variable: relative difference (%) as colour, bit and difference written in each cell."""
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
            sign = "+" if values[i, j] > 0 else ""
            text = "-" if pd.isna(b) else f"{int(b)}\n{sign}{format_pct(rel.iat[i, j], 0)}"
            strong = np.isfinite(values[i, j]) and abs(values[i, j]) > 0.6 * limit
            ax.text(j, i, text, ha="center", va="center", fontsize=CELL_FONT, color="white" if strong else "black")
    ax.set_xticks(range(len(categories)), [str(c) for c in categories], rotation=45, ha="right")
    ax.set_yticks(range(len(groups)),
                  [f"{group_label(g)} ({OVERALL_LABEL} {format_count(m, decimals)})" for g, m in zip(groups, means)])
    ax.set_title(title)
    return image


def plot_behaviour_heatmap(
    behaviour: pd.DataFrame,
    *,
    variables: Sequence[str] = VARIABLES,
    rules: SegmentRules | Mapping | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap per variable (one under the other) of each group's difference from its own mean, by category.

    Colour is the relative difference (%, diverging at 0); each cell shows the bit and the difference at
    9 pt. Row labels are the group in Korean (``30대 여성``) with its "평균". ``ax`` only with one variable.
    """
    r = resolve_rules(rules)
    unknown = [v for v in variables if v not in VARIABLES]
    if unknown or not variables:
        raise ValueError(f"variables must be a non-empty subset of {list(VARIABLES)}, got {list(variables)}")
    if ax is not None and len(variables) != 1:
        raise ValueError("ax= draws one variable; pass variables=('time',) or leave ax unset")
    require_columns(behaviour, ["group", "category", "variable", "rel_diff", "bit", "group_mean"], "behaviour")
    groups, categories = _ordered(behaviour["group"]), _ordered(behaviour["category"])
    width = min(MAX_WIDTH, max(7.0, 2.6 + 0.85 * len(categories)))
    if ax is None:
        fig = plots.new_figure(figsize=(width, (1.6 + 0.5 * len(groups)) * len(variables) + 0.6))
        axes = np.atleast_1d(fig.subplots(len(variables), 1, squeeze=False)).ravel()
    else:
        fig, axes = ax.figure, [ax]
    for panel, var in zip(axes, variables):
        image = _heatmap_panel(panel, behaviour[behaviour["variable"] == var], groups, categories,
                               f"{r.variable_labels[var]}: 고객군 평균 대비 차이 (1 = 평균보다 높음)",
                               VARIABLE_DECIMALS[var])
        fig.colorbar(image, ax=panel, label="평균 대비 차이 (%)", shrink=0.8)
    if ax is None:
        fig.suptitle("고객군 × 상품군 온라인 행동 (비트 순서: " + ", ".join(r.variable_labels[v] for v in VARIABLES) + ")")
    return fig


# ---------------------------------------------------------------------------------------------
# Segment sizes
# ---------------------------------------------------------------------------------------------
def plot_segment_sizes(sizes: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None,
                       ax: Axes | None = None) -> Figure:
    """Bars of customers (left) and revenue share (right) per segment (from :func:`~.compute.segment_sizes`).

    With ``ax`` only the customer bars are drawn, into ``ax``.
    """
    r = resolve_rules(rules)
    require_columns(sizes, ("segment", "n_customers", "share", "revenue_share"), "sizes",
                    hint="pass the unchanged output of segment_sizes")
    segments = [str(s) for s in sizes["segment"]]
    colours = [segment_colours(segments, r)[s] for s in segments]
    if ax is None:
        fig = plots.new_figure(figsize=(10, 4))
        left, right = fig.subplots(1, 2)
    else:
        fig, left, right = ax.figure, ax, None
    left.bar(segments, sizes["n_customers"], color=colours)
    for x, (count, share) in enumerate(zip(sizes["n_customers"], sizes["share"])):
        left.annotate(f"{format_count(count)}명\n({format_pct(share)})", (x, count), ha="center", va="bottom",
                      fontsize=CELL_FONT)
    left.set_title("행동 세그먼트별 고객 수")
    left.set_ylabel("고객 수 (명)")
    left.yaxis.set_major_formatter(plots.thousands_formatter())
    left.margins(y=0.2)
    if right is not None:
        right.bar(segments, sizes["revenue_share"] * 100, color=colours)
        for x, share in enumerate(sizes["revenue_share"]):
            right.annotate(format_pct(share), (x, share * 100), ha="center", va="bottom", fontsize=CELL_FONT)
        right.set_title("행동 세그먼트별 매출 비중")
        right.set_ylabel("매출 비중 (%)")
        right.margins(y=0.2)
    return fig


# ---------------------------------------------------------------------------------------------
# Monthly stability grid
# ---------------------------------------------------------------------------------------------
def _stability_grid(monthly_patterns: pd.DataFrame, categories: list, months: list, code: dict[str, int]):
    """Segment code per category x month (미분류 where unscored) and the pattern text of each cell."""
    data = monthly_patterns.set_index(["category", "month"])
    grid = np.full((len(categories), len(months)), code[UNCLASSIFIED], dtype=float)
    texts = {}
    for i, category in enumerate(categories):
        for j, month in enumerate(months):  # <= categories x 12 cells
            if (category, month) not in data.index:
                continue
            row = data.loc[(category, month)]
            if pd.notna(row["segment"]):
                grid[i, j] = code[row["segment"]]
            text = "-" if pd.isna(row["pattern"]) else str(row["pattern"])
            if "pattern_2" in row.index and pd.notna(row["pattern_2"]):
                text += f"/{row['pattern_2']}"
            texts[i, j] = text
    return grid, texts


def _month_ticks(ax: Axes, months: list) -> None:
    """Short month ticks (``4월``) with the year(s) as the axis label, so 12 months never overlap."""
    if all(hasattr(m, "month") for m in months):
        ax.set_xticks(range(len(months)), [f"{m.month}월" for m in months])
        ax.set_xlabel(" · ".join(f"{y}년" for y in sorted({m.year for m in months})))
    else:
        ax.set_xticks(range(len(months)), [str(m) for m in months])


def plot_category_stability(monthly_patterns: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None,
                            ax: Axes | None = None) -> Figure:
    """Category x month grid coloured by segment, with the month's pattern(s) written in each cell (9 pt)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    r = resolve_rules(rules)
    require_columns(monthly_patterns, ("month", "category", "segment", "pattern"), "monthly_patterns",
                    hint="pass the unchanged output of monthly_category_patterns")
    months = sorted(pd.unique(monthly_patterns["month"]))
    categories = _ordered(monthly_patterns["category"])
    names = [*r.segments, UNCLASSIFIED]
    grid, texts = _stability_grid(monthly_patterns, categories, months, {s: i for i, s in enumerate(names)})
    figsize = (min(MAX_WIDTH, max(7.0, 3.4 + 1.1 * len(months))), 1.2 + 0.45 * len(categories))
    fig, ax = plots.figure_axes(figsize=figsize, ax=ax)
    for (i, j), text in texts.items():
        ax.text(j, i, text, ha="center", va="center", fontsize=CELL_FONT, color="white")
    colours = segment_colours(names, r)
    ax.imshow(grid, cmap=ListedColormap([colours[s] for s in names]), vmin=-0.5, vmax=len(names) - 0.5, aspect="auto")
    _month_ticks(ax, months)
    ax.set_yticks(range(len(categories)), [str(c) for c in categories])
    ax.set_title("월별 상품군 행동 패턴과 세그먼트")
    ax.legend(handles=[Patch(color=colours[s], label=s) for s in names], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
