"""Chapter 5 figures: ``plot_*(result, ...)`` returning a Figure built with :func:`helpers.common.figures.new_figure`."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.chapters.preference.compute import (
    EvaluationResult,
    MethodComparison,
    PreferenceResult,
    _check_frame,
    _check_result,
    top1_share_by_segment,
)
from helpers.common.figures import new_figure
from helpers.common.formats import format_date, format_pct
from helpers.common.labels import PREFERENCE_SEGMENT_LABELS

__all__ = ["plot_hit_rates", "plot_index_distribution", "plot_method_comparison", "plot_top1_heatmap"]


def plot_index_distribution(result: PreferenceResult, *, top_n: int = 10, kind: str = "box",
                            max_customers: int = 20_000, seed: int = 0, ax=None):
    """Box (or violin) plot of the index per category for the ``top_n`` most purchased categories.

    At most ``max_customers`` randomly drawn customers (``seed``) are drawn, which keeps full-scale data fast.
    Returns a :class:`matplotlib.figure.Figure`.
    """
    result = _check_result(result)
    if kind not in {"box", "violin"}:
        raise ValueError(f"kind must be 'box' or 'violin', got {kind!r}")
    if isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 1:
        raise ValueError(f"top_n must be an integer >= 1, got {top_n!r}")
    values = result.wide.to_numpy()
    if len(values) > max_customers:
        values = values[np.sort(np.random.default_rng(seed).choice(len(values), max_customers, replace=False))]
    names = result.categories[:top_n]
    data = [values[:, i] for i in range(len(names))]
    fig = new_figure("wide") if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    positions = np.arange(1, len(names) + 1)
    if kind == "box":
        ax.boxplot(data, positions=positions, widths=0.6, showfliers=False, patch_artist=True,
                   boxprops={"facecolor": "#cfe0f3"}, medianprops={"color": "#e8743b"})
    else:
        ax.violinplot(data, positions=positions, showmedians=True)
    ax.set_xticks(positions, names, rotation=30, ha="right")
    ax.set_ylabel("선호지수 (고객별 최댓값 100)")
    ax.set_title(f"상품군별 선호지수 분포 (구매 상위 {len(names)}개 상품군, 고객 {len(values):,}명)")
    ax.grid(axis="y", alpha=0.3)
    return fig


def plot_top1_heatmap(result: PreferenceResult | pd.DataFrame, *, top_n: int = 10, min_customers: int = 30,
                      category_col: str | None = None, ax=None):
    """Heatmap: share of customers whose rank-1 category is k, by age band × gender segment.

    ``result`` is a :class:`PreferenceResult` or the output of :func:`top1_share_by_segment`. Segments with fewer
    than ``min_customers`` customers are left out; columns are the ``top_n`` categories most often ranked first.
    """
    if isinstance(result, PreferenceResult):
        table = top1_share_by_segment(result)
        category_col = result.category_col
    else:
        table = result
        category_col = category_col or next((c for c in table.columns if c not in {
            "age_band", "gender", "segment", "n_segment", "n_top1", "share"}), None)
        _check_frame(table, "table", {"category_col": category_col})
        for col in ("segment", "n_segment", "n_top1", "share"):
            _check_frame(table, "table", {col: col})
    table = table[table["n_segment"] >= min_customers]
    if table.empty:
        raise ValueError(f"no segment has at least min_customers={min_customers} customers; lower min_customers")
    top_cats = (table.groupby(category_col, sort=False)["n_top1"].sum().sort_values(ascending=False, kind="mergesort")
                .index[:top_n].tolist())
    segments = list(dict.fromkeys(table["segment"]))
    grid = (table.pivot(index="segment", columns=category_col, values="share")
            .reindex(index=segments, columns=top_cats).to_numpy(dtype=float))
    fig = (new_figure(figsize=(max(8.0, 0.9 * len(top_cats) + 3), max(4.0, 0.45 * len(segments) + 2)))
           if ax is None else ax.figure)
    ax = ax if ax is not None else fig.add_subplot()
    image = ax.imshow(grid, cmap="Blues", aspect="auto", vmin=0, vmax=max(np.nanmax(grid), 1e-9))
    ax.set_xticks(range(len(top_cats)), top_cats, rotation=30, ha="right")
    ax.set_yticks(range(len(segments)), segments)
    for (i, j), value in np.ndenumerate(grid):
        if np.isfinite(value):
            ax.text(j, i, format_pct(value, 0), ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * np.nanmax(grid) else "black")
    fig.colorbar(image, ax=ax, label="1순위 고객 비율")
    ax.set_title("연령대·성별 선호지수 1순위 상품군 비율")
    return fig


def plot_hit_rates(evaluation: EvaluationResult, *, ax=None):
    """Grouped bars: top-1 and top-3 hit rate of every method (index variants and baselines)."""
    if not isinstance(evaluation, EvaluationResult):
        raise TypeError(f"expected an EvaluationResult, got {type(evaluation).__name__}")
    table = evaluation.hit_rates
    fig = new_figure("wide") if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    x = np.arange(len(table))
    width = 0.38
    for offset, col, name, color in ((-width / 2, "top1_hit_rate", "1순위 적중률", "#3b6fb6"),
                                      (width / 2, "top3_hit_rate", "3순위 내 적중률", "#e8743b")):
        bars = ax.bar(x + offset, table[col], width, label=name, color=color)
        ax.bar_label(bars, labels=[format_pct(v) for v in table[col]], fontsize=8, padding=2)
    ax.set_xticks(x, table["label"], rotation=15, ha="right")
    ax.set_ylim(0, min(1.0, float(table[["top1_hit_rate", "top3_hit_rate"]].to_numpy().max()) * 1.2 + 0.05))
    ax.yaxis.set_major_formatter(lambda v, _pos: format_pct(v, 0))
    ax.set_ylabel("적중률")
    end = " 이후" if evaluation.holdout_end is pd.NaT else f"~{format_date(evaluation.holdout_end)}"
    ax.set_title(f"평가 기간({format_date(evaluation.holdout_start)}{end}) 구매 상품군 적중률, 고객 {evaluation.n_customers:,}명")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return fig




def plot_method_comparison(comparison: MethodComparison, *, segments: tuple[str, ...] = ("all", "history",
                                                                                          "no_history"), ax=None):
    """Top-1 (solid) and top-3 (light) hit rate of every compared method, one group of bars per segment."""
    if not isinstance(comparison, MethodComparison):
        raise TypeError(f"expected a MethodComparison, got {type(comparison).__name__}")
    table = comparison.table[comparison.table["segment"].isin(segments)]
    methods = list(dict.fromkeys(table["method"]))
    fig = new_figure("wide") if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    width = 0.8 / len(methods)
    x = np.arange(len(segments))
    palette = ("#3b6fb6", "#e8743b", "#19a979", "#945ecf")
    for i, method in enumerate(methods):
        rows = table[table["method"] == method].set_index("segment").reindex(list(segments))
        label = str(rows["method_ko"].dropna().iloc[0]) + (" ★" if bool(rows["chosen"].any()) else "")
        pos = x + (i - (len(methods) - 1) / 2) * width
        ax.bar(pos, rows["top3_hit_rate"], width, color=palette[i % len(palette)], alpha=0.35)
        bars = ax.bar(pos, rows["top1_hit_rate"], width, color=palette[i % len(palette)], label=label)
        ax.bar_label(bars, labels=[format_pct(v, 0) for v in rows["top1_hit_rate"]], fontsize=7, padding=1)
    ax.set_xticks(x, [PREFERENCE_SEGMENT_LABELS[s] for s in segments])
    ax.yaxis.set_major_formatter(lambda v, _pos: format_pct(v, 0))
    ax.set_ylim(0, 1)
    ax.set_ylabel("적중률 (진한 막대 1순위, 연한 막대 3순위 내)")
    ev = comparison.evaluation
    ax.set_title(f"평가 기간({format_date(ev.holdout_start)}~) 방법별 적중률, 고객 {ev.n_customers:,}명 (★ 선택)")
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    return fig
