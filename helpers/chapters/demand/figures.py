"""Chapter 4 figures: ``plot_*(result, *, ax=None) -> Figure`` built with ``helpers.common.figures.new_figure``.

Date axes use matplotlib's concise date ticks (no overlapping labels); at most one interval band per figure
(the chosen model's); Korean labels; model names from ``helpers.common.labels``.
"""
from __future__ import annotations

import base64
import html
import io
from typing import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from helpers.chapters.demand.compute import SeasonalIndexResult
from helpers.chapters.demand.models.base import SeriesArrays
from helpers.chapters.demand.words import _ratios, model_ko
from helpers.common.figures import figure_axes, new_figure
from helpers.common.labels import demand_bucket_label, korean_headers

ACTUAL, CHOSEN, OTHER = "#222222", "#c0392b", "#7f8c8d"


def _date_axis(ax) -> None:
    loc = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc, show_offset=False))


def plot_seasonal_index(si: SeasonalIndexResult, category: str, *, ax=None) -> Figure:
    """Daily target with its 7-day centered moving average (left) and the weekday seasonal index (right)."""
    p = si.per_date[si.per_date[si.id_col] == category]
    t = si.table[si.table[si.id_col] == category]
    fig = ax.figure if ax is not None else new_figure(figsize=(12, 3.8))
    a1, a2 = (ax, None) if ax is not None else fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    a1.plot(p[si.date_col], p[si.target_col] / 1e6, lw=1, color=OTHER, label="일 매출")
    a1.plot(p[si.date_col], p["cma"] / 1e6, lw=2, color=ACTUAL, label="7일 중심이동평균")
    a1.set_ylabel("매출 (백만원)")
    a1.set_title(f"{category} 일 매출과 중심이동평균")
    a1.legend()
    _date_axis(a1)
    if a2 is not None:
        colors = [CHOSEN if v >= 1 else "#2e86c1" for v in t["seasonal_index"]]
        bars = a2.bar(t["weekday_ko"], t["seasonal_index"], color=colors)
        a2.axhline(1, color="k", lw=0.8)
        a2.bar_label(bars, fmt="%.3f", fontsize=9)
        a2.set_ylim(min(0.8, t["seasonal_index"].min() - 0.05), max(1.2, t["seasonal_index"].max() + 0.05))
        a2.set_title("요일별 계절지수 (합계 7, 빨강 = 평균 이상)")
    return fig


def plot_ablation(ablation: pd.DataFrame, *, ax=None) -> Figure:
    """Validation loss per cumulative input set: median over series (bars) and each series (grey lines)."""
    fig, ax = figure_axes(ax=ax, figsize=(8, 3.8))
    order = ablation.drop_duplicates("step").sort_values("step")
    labels = ["매출액"] + ["+ " + a for a in order["added"].iloc[1:]]
    med = ablation.groupby("step")["val_loss"].median().reindex(order["step"])
    ax.bar(range(len(med)), med.to_numpy(), color="#9bc", label="상품군 중앙값")
    for _, g in ablation.groupby("unique_id", sort=False):
        ax.plot(g["step"], g["val_loss"], "o-", ms=3, lw=0.6, color=OTHER, alpha=0.5)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel("검증 손실 (표준화 MSE)")
    ax.set_title("입력 속성을 하나씩 추가할 때의 검증 손실 (회색 선: 상품군)")
    ax.legend()
    return fig


def plot_learning_curves(history: pd.DataFrame, epochs: pd.DataFrame, *,
                         categories: Sequence[str] | None = None) -> Figure:
    """Train / validation loss per epoch with the chosen epoch marked, one panel per series."""
    cats = list(categories) if categories is not None else list(dict.fromkeys(history["unique_id"]))
    ncol = min(5, len(cats))
    nrow = int(np.ceil(len(cats) / ncol))
    fig = new_figure(figsize=(3.2 * ncol, 2.6 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False, sharex=True)
    for ax, cat in zip(axes.ravel(), cats):
        h = history[(history["unique_id"] == cat) & (history["seed"] == 0)]
        for split, lab, col in (("train", "훈련 손실", "#2e86c1"), ("val", "검증 손실", CHOSEN)):
            s = h[h["split"] == split]
            ax.plot(s["epoch"], s["loss"], lw=1, label=lab, color=col)
        ep = epochs.loc[(epochs["unique_id"] == cat) & (epochs["seed"] == 0), "chosen_epoch"]
        if len(ep):
            ax.axvline(int(ep.iloc[0]), color="k", ls="--", lw=0.8)
            ax.set_title(f"{cat} (에폭 {int(ep.iloc[0])})", fontsize=9)
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # no mathtext minus glyph
        ax.yaxis.set_minor_formatter(NullFormatter())
    for ax in axes.ravel()[len(cats):]:
        ax.set_visible(False)
    axes.ravel()[0].legend(fontsize=8)
    fig.supxlabel("에폭")
    return fig


def plot_forecast(frame: pd.DataFrame, category: str, *, models: Sequence[str] = ("Chosen",),
                  history: SeriesArrays | None = None, cutoff=None, level: int | None = 80, title: str | None = None,
                  ax=None) -> Figure:
    """Actual vs forecasts of one series from one origin (default: the latest). The first model is drawn bold
    with its ``level`` % interval (one band only); the others as thin lines."""
    f = frame[frame["unique_id"] == category]
    f = f[f["cutoff"] == (pd.Timestamp(cutoff) if cutoff is not None else f["cutoff"].max())]
    fig, ax = figure_axes(ax=ax, figsize=(11, 3.8))
    if history is not None:
        start = f["ds"].min() - pd.Timedelta(days=42)
        sel = (history.dates >= start) & (np.arange(len(history.dates)) < history.n_obs)
        ax.plot(history.dates[sel], history.y[sel] / 1e6, color=ACTUAL, lw=1, label="실제")
    elif f["y"].notna().any():
        ax.plot(f["ds"], f["y"] / 1e6, color=ACTUAL, lw=1, label="실제")
    for i, m in enumerate(models):
        name = model_ko(f["chosen_model"].iloc[0]) + " (선택)" if m == "Chosen" and "chosen_model" in f else model_ko(m)
        ax.plot(f["ds"], f[m] / 1e6, lw=2 if i == 0 else 1, ls="-" if i == 0 else "--",
                color=CHOSEN if i == 0 else None, label=name)
        lo, hi = f"{m}-lo-{level}", f"{m}-hi-{level}"
        if i == 0 and level is not None and lo in f.columns:
            ax.fill_between(f["ds"], f[lo] / 1e6, f[hi] / 1e6, color=CHOSEN, alpha=0.15, label=f"{level}% 예측구간")
    if len(f):
        ax.axvline(f["cutoff"].iloc[0], color="grey", ls=":", lw=1)
    ax.set_ylabel("매출 (백만원)")
    ax.set_title(title or f"{category} 예측 vs 실제")
    ax.legend(fontsize=9, ncol=2)
    _date_axis(ax)
    return fig


def plot_skill(metrics: pd.DataFrame, *, models: Sequence[str] | None = None, ax=None) -> Figure:
    """MASE relative to seasonal naive per series (rows) × model (columns) on the whole horizon; < 1 is better.
    Colour means better (blue) or worse (red) than seasonal naive; cell labels 9 pt."""
    from helpers.chapters.demand.scoring import _widest_bucket

    widest = _widest_bucket(metrics["bucket"])
    r = _ratios(metrics).xs(widest, level="bucket").drop(columns="SeasonalNaive")
    r = r[[m for m in (models or r.columns) if m in r.columns]]
    fig, ax = figure_axes(ax=ax, figsize=(2.4 + 1.5 * r.shape[1], 0.42 * r.shape[0] + 1.8))
    im = ax.imshow(np.log(r.to_numpy()), cmap="RdBu_r", vmin=-0.5, vmax=0.5, aspect="auto")
    for (i, j), v in np.ndenumerate(r.to_numpy()):
        ax.text(j, i, "–" if np.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(r.shape[1]), [model_ko(m).replace(" ", "\n", 1) for m in r.columns], fontsize=9)
    ax.set_yticks(range(r.shape[0]), r.index)
    ax.set_title(f"계절 나이브 대비 MASE 비율 ({demand_bucket_label(widest)}, 1 미만 = 더 정확)")
    fig.colorbar(im, ax=ax, shrink=0.8, label="log(비율): 파랑 = 더 정확")
    return fig


def plot_dips(series: SeriesArrays, forecast: pd.DataFrame, dips: pd.DataFrame, *, value_col: str = "Chosen",
              level: int = 80, id_col: str = "category", date_col: str = "date", ax=None) -> Figure:
    """Recent actuals, the chosen forecast after the last day with its interval, and the flagged dip days."""
    uid = series.uid
    f = forecast[forecast["unique_id"] == uid]
    fig, ax = figure_axes(ax=ax, figsize=(11, 3.6))
    n0 = max(0, series.n_obs - 56)
    ax.plot(series.dates[n0 : series.n_obs], series.y[n0 : series.n_obs] / 1e6, color=ACTUAL, lw=1, label="실제")
    ax.plot(f["ds"], f[value_col] / 1e6, lw=2, color=CHOSEN, label="예측 (선택 모델)")
    lo, hi = f"{value_col}-lo-{level}", f"{value_col}-hi-{level}"
    if lo in f.columns:
        ax.fill_between(f["ds"], f[lo] / 1e6, f[hi] / 1e6, color=CHOSEN, alpha=0.15, label=f"{level}% 예측구간")
    d = dips[dips[id_col] == uid]
    if len(d):
        ax.scatter(d[date_col], d["forecast"] / 1e6, color="#1f3a93", zorder=3, label="수요 하락 경보일")
        ax.plot(d[date_col], d["usual"] / 1e6, "_", color="#1f3a93", ms=14, label="평소 수준")
    ax.set_ylabel("매출 (백만원)")
    ax.set_title(f"{uid} 예측과 수요 하락 경보")
    ax.legend(fontsize=9, ncol=3)
    _date_axis(ax)
    return fig


def fold(summary: str, *parts) -> str:
    """A collapsed HTML section (``<details>``) holding figures (embedded PNG) and tables (Korean headers) —
    for diagnostics an analyst rarely needs. Returns the HTML; closes the figures."""
    body = []
    for p in parts:
        if isinstance(p, Figure):
            buf = io.BytesIO()
            p.savefig(buf, format="png", dpi=90)
            b64 = base64.b64encode(buf.getvalue()).decode()
            body.append(f'<img alt="{html.escape(summary)}" src="data:image/png;base64,{b64}"/>')
        elif isinstance(p, pd.DataFrame):
            body.append(korean_headers(p).to_html(index=False, border=0, na_rep="–", float_format=lambda v: f"{v:,.3f}"))
        else:
            body.append(f"<p>{html.escape(str(p))}</p>")
    return f"<details><summary>{html.escape(summary)}</summary>\n" + "\n".join(body) + "\n</details>"
