"""Figures of chapter 6: the demand dips, the targets' grade mix, the store records and survey answers.

Every function returns a matplotlib Figure built with :func:`helpers.common.figures.new_figure`; single-panel
figures draw on ``ax`` when one is given (and return its figure).
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np
import pandas as pd

from helpers.chapters.services.compute import DipChoice, dip_table, resolve_grade_order
from helpers.common.figures import figure_axes, new_figure

__all__ = ["plot_dips", "plot_targets", "plot_store_overview"]

CHOSEN_COLOR, OTHER_COLOR = "#c0392b", "#9bb0cc"


def plot_dips(dips: pd.DataFrame, dip: DipChoice, *, top_n: int = 12, ax=None):
    """Horizontal bars: drop (%) of the largest dips (of the kind :func:`choose_dip` chose from), the chosen one
    highlighted."""
    fig, ax = figure_axes(ax=ax, figsize=(10, 4.5))
    if dips is None or dips.empty:
        ax.text(0.5, 0.5, "4장에서 예측된 수요 급감 구간이 없습니다", ha="center", va="center", fontsize=12)
        ax.set_axis_off()
        return fig
    table = dip_table(dips)
    table = table.sort_values(["drop_pct", "start"], ascending=[False, False], kind="mergesort").head(top_n)
    labels = [f"{c} {s:%m-%d}~{e:%m-%d}" for c, s, e in zip(table["category"], table["start"], table["end"])]
    chosen = ((table["category"].astype(str) == dip.category) & (table["start"] == dip.start)).to_numpy()
    colors = np.where(chosen, CHOSEN_COLOR, OTHER_COLOR)
    bars = ax.barh(labels, table["drop_pct"].to_numpy(float) * 100, color=colors)
    ax.bar_label(bars, labels=[f"{v:.1%}" for v in table["drop_pct"]], fontsize=8, padding=2)
    ax.invert_yaxis()
    ax.set_xlabel("평소 대비 수요 감소율 (%)")
    ax.set_title(f"상품군별 수요 급감 구간 (상위 {len(table)}개, 빨간색: 이번 캠페인 대상)")
    ax.margins(x=0.15)
    return fig


def plot_targets(candidates: pd.DataFrame, targets: pd.DataFrame, *, grade_order: Sequence[str] | None = None,
                 candidate_label: str = "1순위 고객 전체", ax=None):
    """Grade mix of all candidates vs the selected targets (share of each list)."""
    order = list(resolve_grade_order(grade_order)) + ["등급 없음"]
    fig, ax = figure_axes(ax=ax, figsize=(9, 4))
    x = np.arange(len(order))
    width = 0.38
    for offset, frame, label, color in ((-width / 2, candidates, f"{candidate_label} ({len(candidates):,}명)",
                                         OTHER_COLOR),
                                        (width / 2, targets, f"선정 타겟 ({len(targets):,}명)", CHOSEN_COLOR)):
        counts = frame["GRADE"].fillna("등급 없음").value_counts()
        share = np.array([counts.get(g, 0) for g in order], dtype=float) / max(len(frame), 1)
        bars = ax.bar(x + offset, share * 100, width, label=label, color=color)
        ax.bar_label(bars, labels=[f"{s:.0%}" for s in share], fontsize=9)
    ax.set_xticks(x, order)
    ax.set_ylabel("고객 비율 (%)")
    cat = str(targets["TARGET_CATEGORY"].iloc[0]) if len(targets) else ""
    ax.set_title(f"{cat} 후보 고객과 선정 타겟의 등급 구성")
    ax.legend()
    ax.margins(y=0.15)
    return fig


def plot_store_overview(summary: pd.DataFrame, distribution: pd.DataFrame):
    """Four panels: share of store records matched to an online customer, then the three survey questions'
    answer shares (``summary`` from ``smartstore.match_summary``, ``distribution`` from
    ``smartstore.survey_distribution``)."""
    fig = new_figure(figsize=(14, 4))
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1.2, 1.2, 1.6]})
    ax = axes[0]
    share = summary["RECORD_MATCH_SHARE"].fillna(0).to_numpy(float)
    bars = ax.bar(summary["SOURCE"], share * 100, color=["#3b6fb6", "#e8743b"][: len(summary)])
    ax.bar_label(bars, labels=[f"{s:.1%}\n({m:,}/{n:,})" for s, m, n in
                               zip(share, summary["MATCHED_RECORDS"], summary["RECORDS"])], fontsize=9)
    ax.set_ylim(0, 115)
    ax.set_ylabel("온라인 고객과 연결된 기록 비율 (%)")
    ax.set_title("매장 기록 ↔ 온라인 고객 연결")
    for ax, (_key, grp) in zip(axes[1:], distribution.groupby("QUESTION_KEY", sort=False)):
        bars = ax.barh(grp["OPTION"], grp["SHARE"].fillna(0) * 100, color="#8172B3")
        ax.bar_label(bars, labels=[f"{s:.0%}" for s in grp["SHARE"].fillna(0)], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, max(float(grp["SHARE"].fillna(0).max()) * 130, 10))
        ax.set_title(re.sub(r"\?$", "", str(grp["QUESTION"].iloc[0]))[:22], fontsize=9)
        ax.set_xlabel("응답 비율 (%)")
    return fig
