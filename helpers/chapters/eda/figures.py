"""Chapter 1 figures: ``plot_*(result, *, ax=None)`` over the frames of :mod:`.compute`.

Every figure comes from :func:`helpers.common.figures.new_figure` (through ``figure_axes`` or the shared
bar/donut charts), draws Korean text with NanumGothic and is checked for missing glyphs in the tests.
Colour carries meaning only: bars of one measure share one colour (기타/미상 grey); in the network, blue
lines are pairs bought together more often than chance (lift >= 1) and grey lines the rest.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.chapters.eda.compute import (
    DEFAULT_KEYWORD_TOP,
    EDGE_COLUMNS,
    SHARE,
    category_support,
    fold_category_counts,
    network_edges,
)
from helpers.common import figures as plots
from helpers.common.checks import require_columns
from helpers.common.figures import UNKNOWN_LABEL

__all__ = [
    "plot_age",
    "plot_category_counts",
    "plot_copurchase_network",
    "plot_device",
    "plot_gender",
    "plot_region",
    "plot_wordcloud",
    "wordcloud_image",
]

_WIDTH_NAMES = {"lift": "리프트", "count": "동시구매 세션수", "support": "지지도"}
EDGE_BLUE, EDGE_GREY, NODE_COLOR, NODE_EDGE = "#3b6fb6", "#bbbbbb", "#f4b860", "#8a5a00"
#: Smallest word of the word cloud in image pixels: the 1600 px image is shown about 1150 px wide, so 18 px
#: become about 13 screen pixels (9 pt).
MIN_CLOUD_FONT_PX = 18


# ---------------------------------------------------------------------------------------------
# Shares (donuts and bars)
# ---------------------------------------------------------------------------------------------
def plot_gender(table: pd.DataFrame, *, title: str = "고객 성별 분포", ax: Axes | None = None) -> Figure:
    """Donut chart of :func:`~.compute.gender_split` output."""
    return plots.share_pie_figure(table, label_col="성별", count_col="고객수", share_col=SHARE, title=title,
                                  count_unit="명", note="※ 04.Custom 고객별 성별 기준", ax=ax)


def plot_age(table: pd.DataFrame, *, title: str = "고객 구매 연령 분포", include_unknown: bool = True,
             ax: Axes | None = None) -> Figure:
    """Bar chart of :func:`~.compute.age_distribution` output (``미상`` in grey, or left out)."""
    require_columns(table, ["연령대"], "table")
    shown = table if include_unknown else table[table["연령대"] != UNKNOWN_LABEL]
    return plots.share_bar_figure(shown, label_col="연령대", count_col="구매건수", share_col=SHARE, title=title,
                                  count_unit="건", note="※ 구매 발생 건 기준", ax=ax)


def plot_device(table: pd.DataFrame, *, title: str = "접속 디바이스 분포", ax: Axes | None = None) -> Figure:
    """Donut chart of :func:`~.compute.device_split` output."""
    return plots.share_pie_figure(table, label_col="디바이스", count_col="세션수", share_col=SHARE, title=title,
                                  count_unit="세션", note="※ 05.Session 접속 디바이스 기준", ax=ax)


def plot_region(table: pd.DataFrame, *, title: str = "접속 위치 분포", ax: Axes | None = None) -> Figure:
    """Horizontal bar chart of :func:`~.compute.region_split` output (first row on top)."""
    return plots.share_bar_figure(table, label_col="지역", count_col="세션수", share_col=SHARE, title=title,
                                  count_unit="세션", horizontal=True, note="※ 05.Session 세션 생성 지역 기준", ax=ax)


def plot_category_counts(table: pd.DataFrame, *, top: int | None = 20, title: str = "상품군별 구매횟수 분포",
                         ax: Axes | None = None) -> Figure:
    """Horizontal bars of :func:`~.compute.category_purchase_counts`; beyond ``top`` categories fold into ``기타``."""
    shown = fold_category_counts(table, top=top)
    return plots.share_bar_figure(shown, label_col="상품군", count_col="구매건수", share_col=SHARE, title=title,
                                  count_unit="건", horizontal=True, kind="tall" if len(shown) > 12 else "default",
                                  note="※ 구매 상품 건 기준 (CLAC1)", ax=ax)


# ---------------------------------------------------------------------------------------------
# Word cloud
# ---------------------------------------------------------------------------------------------
def _frequencies(freq: pd.DataFrame | pd.Series | Mapping[str, float], keyword_col: str, count_col: str
                 ) -> dict[str, float]:
    if isinstance(freq, pd.DataFrame):
        require_columns(freq, [keyword_col, count_col], "freq", hint="pass keyword_col=... and count_col=...")
        pairs = zip(freq[keyword_col], freq[count_col])
    elif isinstance(freq, (pd.Series, Mapping)):
        pairs = freq.items()
    else:
        raise TypeError(f"freq must be a DataFrame, Series or mapping, got {type(freq).__name__}")
    out: dict[str, float] = {}
    for word, count in pairs:
        if pd.notna(word) and pd.notna(count) and float(count) > 0:
            out[str(word)] = out.get(str(word), 0.0) + float(count)
    return out


def _shade_by_size(word, font_size, position, orientation, random_state=None, **kwargs) -> str:
    """One hue for every word; lightness from 22 % (largest words) to 55 % (smallest), so colour repeats size."""
    lightness = 55 - 33 * min(max((font_size - MIN_CLOUD_FONT_PX) / 150, 0.0), 1.0)
    return f"hsl(215, 60%, {lightness:.0f}%)"


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
    min_font_size: int = MIN_CLOUD_FONT_PX,
):
    """The :class:`wordcloud.WordCloud` drawn from keyword frequencies (white background, fixed seed).

    Size is the search count and so is the colour: one blue hue, darker for bigger words (no rainbow).
    Words that would be drawn smaller than ``min_font_size`` pixels (about 9 pt once the figure fits the
    page) are left out rather than drawn illegibly; ``len(cloud.layout_)`` says how many were drawn.
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
                      random_state=random_state, max_words=max_words, color_func=_shade_by_size,
                      min_font_size=min_font_size, prefer_horizontal=0.9, relative_scaling=0.5,
                      collocations=False, margin=4)
    return cloud.generate_from_frequencies(frequencies)


def plot_wordcloud(
    freq: pd.DataFrame | pd.Series | Mapping[str, float],
    *,
    keyword_col: str = "키워드",
    count_col: str = "검색수",
    font_path: str | None = None,
    random_state: int = 42,
    title: str | None = None,
    max_words: int = DEFAULT_KEYWORD_TOP,
    ax: Axes | None = None,
) -> Figure:
    """Word cloud of :func:`~.compute.keyword_frequencies` output (Korean font, fixed ``random_state``).

    ``freq`` may also be a Series or mapping keyword -> count. Same input, same picture; word size is the
    search count (the colours only help tell neighbouring words apart).
    """
    cloud = wordcloud_image(freq, keyword_col=keyword_col, count_col=count_col, font_path=font_path,
                            random_state=random_state, max_words=max_words)
    fig, ax = plots.figure_axes("wordcloud", ax=ax)
    ax.set_axis_off()
    n_words = 0 if cloud is None else len(cloud.layout_)
    ax.set_title(title if title is not None else f"검색 키워드 워드클라우드 (검색 횟수 기준 상위 {n_words}개, "
                 "크기와 진하기: 검색 횟수)")
    if cloud is None:
        ax.text(0.5, 0.5, "표시할 키워드가 없습니다", ha="center", va="center", fontsize=14, transform=ax.transAxes)
    else:
        ax.imshow(cloud.to_array(), interpolation="bilinear")
    return fig


# ---------------------------------------------------------------------------------------------
# Co-purchase network
# ---------------------------------------------------------------------------------------------
def _node_sizes(edges: pd.DataFrame, nodes: list[str], counts: pd.DataFrame | None,
                node_sizes: pd.Series | Mapping[str, float] | None) -> tuple[np.ndarray, str]:
    """Marker area per node (250..3000, area ~ sqrt of the value) and what the size means, in Korean."""
    if counts is not None:
        require_columns(counts, ["상품군", "구매건수"], "counts")
        source, meaning = dict(zip(counts["상품군"], counts["구매건수"])), "상품군 구매 건수"
    elif node_sizes is not None:
        source, meaning = dict(node_sizes.items()), "지정한 값"
    else:
        source, meaning = category_support(edges), "상품군이 담긴 세션 비율"
    raw = np.array([float(source.get(n, 0.0) or 0.0) for n in nodes])
    biggest = raw.max() if raw.size and raw.max() > 0 else 1.0
    return 250 + 2750 * np.sqrt(np.clip(raw, 0, None) / biggest), meaning


def _network_graph(chosen: pd.DataFrame, nodes: list[str], width_by: str):
    """networkx graph of the chosen edges with a 0.2..1.2 ``strength`` scaled from ``width_by``."""
    import networkx as nx

    widths_raw = chosen[width_by].to_numpy(dtype=float)
    lo, hi = widths_raw.min(), widths_raw.max()
    scaled = (widths_raw - lo) / (hi - lo) if hi > lo else np.full(len(widths_raw), 0.5)
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for (a, b, lift), s in zip(chosen[["cat_a", "cat_b", "lift"]].itertuples(index=False), scaled):
        graph.add_edge(a, b, strength=0.2 + float(s), lift=float(lift))
    return graph


def _layout(graph, layout: str, seed: int, n_nodes: int):
    import networkx as nx

    if layout == "kamada_kawai":
        # Deterministic (starts from a circle); spreads a hub-and-spoke basket network evenly.
        return nx.kamada_kawai_layout(graph)
    return nx.spring_layout(graph, seed=seed, weight="strength", k=2.5 / np.sqrt(max(n_nodes, 1)), iterations=300)


def _draw_network(ax: Axes, graph, pos, nodes: list[str], node_area: np.ndarray) -> int:
    """Edges (width = strength, blue if lift >= 1), nodes and Korean labels; returns the edge count."""
    import networkx as nx

    edge_list = list(graph.edges())
    strengths = np.array([graph.edges[e]["strength"] for e in edge_list])
    colors = [EDGE_BLUE if graph.edges[e]["lift"] >= 1 else EDGE_GREY for e in edge_list]
    nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=edge_list, width=0.6 + 5.0 * (strengths - 0.2),
                           edge_color=colors, alpha=0.7)
    nx.draw_networkx_nodes(graph, pos, ax=ax, nodelist=nodes, node_size=node_area, node_color=NODE_COLOR,
                           edgecolors=NODE_EDGE, linewidths=0.8, alpha=0.9)
    # networkx passes font_family="sans-serif" by default, which bypasses the Korean rc font.
    nx.draw_networkx_labels(graph, pos, ax=ax, font_family=plots.use_korean_font(), font_size=10,
                            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75})
    return len(edge_list)


def plot_copurchase_network(
    edges: pd.DataFrame,
    *,
    counts: pd.DataFrame | None = None,
    node_sizes: pd.Series | Mapping[str, float] | None = None,
    top_edges: int | None = 60,
    per_node: int = 1,
    rank_by: str = "count",
    width_by: str = "lift",
    layout: str = "kamada_kawai",
    seed: int = 42,
    title: str = "상품군 연결 네트워크",
    ax: Axes | None = None,
) -> Figure:
    """Network of co-purchased categories (networkx, deterministic layout, Korean node labels).

    Edges shown: :func:`~.compute.network_edges` (``top_edges`` by ``rank_by`` plus each category's
    ``per_node`` strongest). Line width follows ``width_by``; blue lines have lift >= 1, grey lines < 1.
    Node area follows ``counts`` (the :func:`~.compute.category_purchase_counts` table: purchase lines),
    else ``node_sizes`` (category -> value), else the share of sessions containing the category; the
    caption says which. ``layout``: ``kamada_kawai`` (starts from a circle) or ``spring`` (``seed``).
    """
    require_columns(edges, EDGE_COLUMNS, "edges")
    if width_by not in _WIDTH_NAMES:
        raise ValueError(f"width_by={width_by!r} is not one of {sorted(_WIDTH_NAMES)}")
    if layout not in {"kamada_kawai", "spring"}:
        raise ValueError(f"layout={layout!r} is not one of ['kamada_kawai', 'spring']")
    chosen = network_edges(edges, top_edges=top_edges, per_node=per_node, rank_by=rank_by)
    fig, ax = plots.figure_axes("network", ax=ax)
    ax.set_axis_off()
    ax.set_title(title, fontsize=15)
    if chosen.empty:
        ax.text(0.5, 0.5, "표시할 상품군 연결이 없습니다\n(최소 동시구매 세션 수 조건을 확인하세요)", ha="center",
                va="center", fontsize=13, transform=ax.transAxes)
        return fig
    nodes = sorted(set(chosen["cat_a"]) | set(chosen["cat_b"]))
    node_area, size_meaning = _node_sizes(edges, nodes, counts, node_sizes)
    graph = _network_graph(chosen, nodes, width_by)
    n_shown = _draw_network(ax, graph, _layout(graph, layout, seed, len(nodes)), nodes, node_area)
    plots.add_note(fig, align="left", note=f"선 굵기: {_WIDTH_NAMES[width_by]} · 파란 선: 리프트 ≥ 1, 회색 선: 리프트 < 1 · "
                   f"원 크기: {size_meaning} · 표시 연결 {n_shown}개 / 전체 {len(edges)}개")
    ax.margins(0.08)
    return fig
