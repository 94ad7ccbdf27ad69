"""Chapter 3 figures: ``plot_*(result, *, ax=None) -> Figure``, built with :func:`helpers.common.figures.new_figure`.

Every label is Korean; numbers go through :mod:`helpers.common.formats` (counts, %, 억/만 원).
Figures with several panels draw their own axes and refuse ``ax``.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.chapters.grades.compute import GradeMigration, HoldoutCheck, ValueCheck
from helpers.chapters.grades.rules import SCORE_KINDS, GradeRules, resolve_rules
from helpers.common.checks import require_columns
from helpers.common.figures import PALETTE, figure_axes, krw_formatter, new_figure, thousands_formatter
from helpers.common.formats import format_count, format_date, format_krw, format_pct
from helpers.common.labels import GRADES_VALUE_METHOD_LABELS

__all__ = ["plot_score_distributions", "plot_grade_grid", "plot_grade_summary", "plot_migration",
           "plot_holdout", "plot_value_check", "plot_value_by_grade"]


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    require_columns(frame, columns, what, hint="pass the matching result of helpers.chapters.grades.compute")


def _no_ax(ax: Any, name: str) -> None:
    if ax is not None:
        raise ValueError(f"{name} draws several panels and makes its own figure; call it without ax=")


def _annotate_heatmap(ax: Any, values: np.ndarray, texts: list[list[str]]) -> None:
    high = values.max() if values.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            dark = high > 0 and values[i, j] > high * 0.6
            ax.text(j, i, texts[i][j], ha="center", va="center", fontsize=9,
                    color="white" if dark else "black")


def plot_score_distributions(scores: pd.DataFrame, *, ax: Any = None) -> Figure:
    """Three bar panels (최근성, 최빈성, 구매금액): customers per score, from ``score_distribution``."""
    _require(scores, ("SCORE_TYPE", "SCORE_LABEL", "SCORE", "CUSTOMERS", "SHARE"), "scores")
    _no_ax(ax, "plot_score_distributions")
    fig = new_figure(figsize=(12, 3.8))
    for panel, column in zip(fig.subplots(1, 3), SCORE_KINDS):
        part = scores[scores["SCORE_TYPE"] == column]
        bars = panel.bar(part["SCORE"].astype(str), part["CUSTOMERS"], color=PALETTE[0])
        panel.bar_label(bars, labels=[f"{format_count(c)}\n({format_pct(s)})" for c, s in
                                      zip(part["CUSTOMERS"], part["SHARE"].fillna(0))], fontsize=8)
        panel.set_title(f"{SCORE_KINDS[column]} 점수")
        panel.set_xlabel("점수")
        panel.set_ylabel("고객 수")
        panel.yaxis.set_major_formatter(thousands_formatter())
        panel.margins(y=0.2)
    fig.suptitle("고객 서열 요소별 인원 분포")
    return fig


def plot_grade_grid(grid: pd.DataFrame, *, rules: GradeRules | Mapping[str, Any] | None = None,
                    ax: Any = None) -> Figure:
    """Heatmap of the R+F × M grid (from ``interest_money_grid``): counts and grade names, monetary 3 on top."""
    rules = resolve_rules(rules)
    if not isinstance(grid, pd.DataFrame) or list(grid.columns) != [1, 2]:
        raise ValueError("grid must be the output of interest_money_grid (columns 1 and 2)")
    shown = grid.sort_index(ascending=False)
    values = shown.to_numpy(dtype=float)
    total = values.sum()
    texts = [[f"{rules.grade_of(interest_high=col == 2, money_high=m >= rules.money_high_min_score)}"
              f"\n{format_count(v)}명" + (f"\n({format_pct(v / total)})" if total else "")
              for col, v in zip(shown.columns, row)]
             for m, row in zip(shown.index, values)]
    fig, ax = figure_axes(ax=ax, figsize=(6, 4.5))
    image = ax.imshow(values, cmap="Blues", aspect="auto")
    _annotate_heatmap(ax, values, texts)
    threshold = rules.interest_high_above
    ax.set_xticks([0, 1], [f"등급 1\n(최근성+최빈성 ≤ {threshold:g})",
                           f"등급 2\n(최근성+최빈성 > {threshold:g})"])
    ax.set_yticks(range(len(shown.index)), [f"구매금액 {m}" for m in shown.index])
    ax.set_xlabel("관심도 (최근성 + 최빈성)")
    ax.set_ylabel("구매금액 점수")
    ax.set_title("고객 서열 군집화")
    fig.colorbar(image, ax=ax, label="고객 수")
    return fig


def plot_grade_summary(summary: pd.DataFrame, *, ax: Any = None) -> Figure:
    """Customer share vs revenue share per grade, and the point cost each grade implies (``grade_summary``)."""
    _require(summary, ("GRADE", "CUSTOMER_SHARE", "REVENUE_SHARE", "POINT_COST", "POINT_RATE"), "summary")
    _no_ax(ax, "plot_grade_summary")
    fig = new_figure(figsize=(11, 4))
    left, right = fig.subplots(1, 2)
    x = np.arange(len(summary))
    width = 0.38
    for offset, column, label, color in ((-width / 2, "CUSTOMER_SHARE", "고객 비중", PALETTE[0]),
                                         (width / 2, "REVENUE_SHARE", "매출 비중", PALETTE[1])):
        share = summary[column].fillna(0).to_numpy(float)
        bars = left.bar(x + offset, share * 100, width, label=label, color=color)
        left.bar_label(bars, labels=[format_pct(s) for s in share], fontsize=8)
    left.set_xticks(x, summary["GRADE"])
    left.set_ylabel("비중 (%)")
    left.set_title("등급별 고객 비중과 매출 비중")
    left.legend()
    left.margins(y=0.15)
    bars = right.bar(x, summary["POINT_COST"], color=PALETTE[2])
    right.bar_label(bars, labels=[f"{format_krw(c)}\n({format_pct(r)})" for c, r in
                                  zip(summary["POINT_COST"], summary["POINT_RATE"])], fontsize=8)
    right.set_xticks(x, summary["GRADE"])
    right.set_ylabel("포인트 비용")
    right.yaxis.set_major_formatter(krw_formatter())
    right.set_title("등급별 포인트 비용 (적립률)")
    right.margins(y=0.2)
    return fig


def plot_migration(migration: GradeMigration, *, ax: Any = None) -> Figure:
    """Heatmap of the grade transition matrix (rows: grade at A, columns: grade at B)."""
    if not isinstance(migration, GradeMigration):
        raise TypeError("migration must be the result of grade_migration")
    matrix = migration.matrix
    values = matrix.to_numpy(dtype=float)
    texts = [[format_count(v) for v in row] for row in values]
    fig, ax = figure_axes(ax=ax, figsize=(7, 5.5))
    image = ax.imshow(values, cmap="Purples", aspect="auto")
    _annotate_heatmap(ax, values, texts)
    ax.set_xticks(range(matrix.shape[1]), list(matrix.columns))
    ax.set_yticks(range(matrix.shape[0]), list(matrix.index))
    ax.set_xlabel(f"{format_date(migration.as_of_b)} 기준 등급")
    ax.set_ylabel(f"{format_date(migration.as_of_a)} 기준 등급")
    ax.set_title("고객 등급 이동")
    fig.colorbar(image, ax=ax, label="고객 수")
    return fig


def plot_holdout(holdout: HoldoutCheck, *, ax: Any = None) -> Figure:
    """Per grade: mean and median later spend, and the share who bought again."""
    if not isinstance(holdout, HoldoutCheck):
        raise TypeError("holdout must be the result of holdout_check")
    _no_ax(ax, "plot_holdout")
    table = holdout.by_grade
    fig = new_figure(figsize=(11, 4))
    left, right = fig.subplots(1, 2)
    x = np.arange(len(table))
    mean = table["MEAN_SPEND"].fillna(0).to_numpy(float)
    bars = left.bar(x, mean, color=PALETTE[0], label="평균")
    left.bar_label(bars, labels=[format_krw(v) for v in mean], fontsize=8)
    left.scatter(x, table["MEDIAN_SPEND"].fillna(0), color=PALETTE[3], zorder=3, label="중앙값")
    left.set_xticks(x, table["GRADE"])
    left.set_ylabel("1인당 구매액")
    left.yaxis.set_major_formatter(krw_formatter())
    left.set_title(f"{format_date(holdout.cutoff)} 등급별 이후 구매액 (~{format_date(holdout.horizon_end)})")
    left.legend()
    left.margins(y=0.15)
    share = table["BUYER_SHARE"].fillna(0).to_numpy(float)
    bars = right.bar(x, share * 100, color=PALETTE[4])
    right.bar_label(bars, labels=[format_pct(s) for s in share], fontsize=8)
    right.set_xticks(x, table["GRADE"])
    right.set_ylabel("재구매 고객 비율 (%)")
    right.set_title("등급별 이후 기간 구매 고객 비율")
    right.margins(y=0.15)
    return fig


def plot_value_check(check: ValueCheck, *, ax: Any = None) -> Figure:
    """Rank correlation with later spend and top-decile capture, per method, on the holdout."""
    if not isinstance(check, ValueCheck):
        raise TypeError("check must be the result of value_check")
    table = check.table
    names = [GRADES_VALUE_METHOD_LABELS.get(m, m) for m in table["method"]]
    fig, ax = figure_axes(ax=ax, figsize=(9, 4.2))
    x = np.arange(len(table))
    width = 0.38
    for offset, column, label, color in ((-width / 2, "spearman", "순위상관(스피어만)", PALETTE[0]),
                                         (width / 2, "top_decile_capture", "상위 10% 고객의 구매액 비중", PALETTE[1])):
        values = table[column].fillna(0).to_numpy(float)
        bars = ax.bar(x + offset, values, width, label=label, color=color)
        texts = [f"{v:.2f}" if column == "spearman" else format_pct(v) for v in values]
        ax.bar_label(bars, labels=texts, fontsize=8)
    ax.set_xticks(x, names)
    ax.set_ylim(0, max(1.0, float(table[["spearman", "top_decile_capture"]].max().max()) * 1.15))
    ax.set_title(f"이후 구매액 예측력 비교 ({format_date(check.forecast.observation_end)} 기준, "
                 f"이후 {check.forecast.horizon_days}일)")
    ax.legend(loc="upper right")
    return fig


def plot_value_by_grade(check: ValueCheck, *, ax: Any = None) -> Figure:
    """Per grade at the cut-off: mean forecast spend beside mean actual later spend."""
    if not isinstance(check, ValueCheck):
        raise TypeError("check must be the result of value_check")
    table = check.by_grade
    fig, ax = figure_axes(ax=ax, figsize=(8, 4.2))
    x = np.arange(len(table))
    width = 0.38
    for offset, column, label, color in ((-width / 2, "PRED_SPEND", "예상 구매액", PALETTE[2]),
                                         (width / 2, "FUTURE_SPEND", "실제 이후 구매액", PALETTE[4])):
        values = table[column].fillna(0).to_numpy(float)
        bars = ax.bar(x + offset, values, width, label=label, color=color)
        ax.bar_label(bars, labels=[format_krw(v) for v in values], fontsize=8)
    ax.set_xticks(x, table["GRADE"])
    ax.set_ylabel("1인당 금액")
    ax.yaxis.set_major_formatter(krw_formatter())
    ax.set_title("등급별 예상 구매액과 실제 이후 구매액 (1인당 평균)")
    ax.legend()
    ax.margins(y=0.15)
    return fig
