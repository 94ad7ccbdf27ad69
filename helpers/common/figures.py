"""Shared figure helpers: Korean font, tofu check, number formats, common chart shapes.

Nothing happens on import. :func:`use_korean_font` is the one place that touches matplotlib's global
``rcParams``; every figure function in the package calls it first, so figures render Korean text even
when a notebook (or another test) reset the rc settings in between.

Figures are built with :class:`matplotlib.figure.Figure` directly instead of ``pyplot``: a returned
figure is then displayed exactly once in a notebook and never lingers in pyplot's figure registry.
:func:`new_figure` is the one figure factory; :func:`figure_axes` gives a chart function its axes (a new
figure from :func:`new_figure`, or the caller's ``ax``). matplotlib itself is imported only inside the
functions that draw, so the pure data helpers here (:func:`top_n_with_other`, the labels) can be used by
compute modules without loading matplotlib.

Colour carries meaning only: bars are one colour with 기타/미상 in grey; distinct colours appear only where
they tell categories apart (pie wedges with a legend, segments).
"""
from __future__ import annotations

import importlib.util
import io
import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.common.checks import require_columns
from helpers.common.formats import format_count, format_krw, format_pct

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

__all__ = [
    "FIGSIZES",
    "KOREAN_FONT_NAME",
    "MUTED_COLOR",
    "OTHER_LABEL",
    "PALETTE",
    "UNKNOWN_LABEL",
    "add_note",
    "BAR_COLOR",
    "check_glyphs",
    "figure_axes",
    "font_missing_chars",
    "korean_font_path",
    "krw_formatter",
    "missing_glyph_warnings",
    "new_figure",
    "share_bar_figure",
    "share_pie_figure",
    "thousands_formatter",
    "top_n_with_other",
    "use_korean_font",
]

KOREAN_FONT_NAME = "NanumGothic"
_FONT_FILES = {
    "regular": "NanumGothic.ttf",
    "bold": "NanumGothicBold.ttf",
    "extrabold": "NanumGothicExtraBold.ttf",
    "light": "NanumGothicLight.ttf",
}

#: Figure sizes in inches, by chart kind, so that chapters look alike.
FIGSIZES: dict[str, tuple[float, float]] = {
    "default": (8.0, 5.0),
    "wide": (11.0, 5.0),
    "pie": (6.5, 5.0),
    "tall": (8.0, 10.0),
    "wordcloud": (12.0, 7.0),
    "network": (12.0, 12.0),
}
PALETTE = ("#3b6fb6", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#525df4", "#bf399e",
           "#6c8893", "#ee6868", "#2f6497")
BAR_COLOR = PALETTE[0]  # one colour for bars of one measure
MUTED_COLOR = "#b0b0b0"  # for the '기타' (other) and '미상' (unknown) bars
OTHER_LABEL = "기타"
UNKNOWN_LABEL = "미상"

_GLYPH_WARNING = re.compile(r"Glyph \d+ .*missing from (current )?font")


# ---------------------------------------------------------------------------------------------
# Korean font
# ---------------------------------------------------------------------------------------------
def korean_font_path(weight: str = "regular") -> Path:
    """Path of the NanumGothic TTF shipped inside the ``koreanize_matplotlib`` package.

    The package is located with :func:`importlib.util.find_spec`, which does not import it:
    importing ``koreanize_matplotlib`` rewrites matplotlib's rc settings, and asking for a font file
    (e.g. for a word cloud) must not have that side effect. No system font, no network.

    Parameters
    ----------
    weight : {"regular", "bold", "extrabold", "light"}

    Returns
    -------
    pathlib.Path
        Existing ``.ttf`` file.

    Raises
    ------
    ValueError
        Unknown ``weight``.
    FileNotFoundError
        ``koreanize-matplotlib`` is not installed or ships no such font.
    """
    if weight not in _FONT_FILES:
        raise ValueError(f"weight={weight!r} is not one of {sorted(_FONT_FILES)}")
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "koreanize-matplotlib is not installed; install it (pip install koreanize-matplotlib) "
            "to get the NanumGothic font used for Korean labels")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "fonts" / _FONT_FILES[weight]
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{_FONT_FILES[weight]} not found under {list(spec.submodule_search_locations)}/fonts; "
        "reinstall koreanize-matplotlib")


def use_korean_font() -> str:
    """Make matplotlib draw Korean text with NanumGothic; return the font family name.

    Imports ``koreanize_matplotlib`` (silencing its own distutils deprecation warning), makes sure the
    regular and bold NanumGothic files are registered once with matplotlib's font manager, and sets
    ``font.family`` and ``axes.unicode_minus``. Safe to call any number of times; it re-applies the rc
    settings each time, so a notebook that reset matplotlib's rc in between still gets Korean glyphs.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import koreanize_matplotlib  # noqa: F401  (registers NanumGothic on first import)
    import matplotlib as mpl
    from matplotlib import font_manager

    registered = {Path(entry.fname).resolve() for entry in font_manager.fontManager.ttflist}
    for weight in ("regular", "bold"):
        path = korean_font_path(weight).resolve()
        if path not in registered:
            font_manager.fontManager.addfont(str(path))
    mpl.rcParams["font.family"] = [KOREAN_FONT_NAME]
    # NanumGothic has no U+2212 minus sign; the ASCII hyphen avoids tofu on negative tick labels.
    mpl.rcParams["axes.unicode_minus"] = False
    return KOREAN_FONT_NAME


def missing_glyph_warnings(fig: Figure) -> list[str]:
    """Draw ``fig`` to an in-memory PNG and return matplotlib's "Glyph … missing from font" warnings.

    An empty list means every character of every text element exists in the font it was drawn with
    (no tofu boxes). Other warnings raised while drawing are re-emitted unchanged.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    list of str
        Distinct warning messages, in the order they were first raised.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # savefig(format="png") always renders with Agg, whatever canvas the figure is attached to.
        fig.savefig(io.BytesIO(), format="png")
    messages: list[str] = []
    for item in caught:
        text = str(item.message)
        if _GLYPH_WARNING.search(text):
            if text not in messages:
                messages.append(text)
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    return messages


def check_glyphs(fig: Figure) -> Figure:
    """Raise if drawing ``fig`` would show tofu boxes; return ``fig`` otherwise (for chaining).

    Raises
    ------
    RuntimeError
        Lists the missing glyphs. Call :func:`use_korean_font` before creating the figure, or pass a
        font that covers the text.
    """
    missing = missing_glyph_warnings(fig)
    if missing:
        raise RuntimeError(
            f"{len(missing)} glyph(s) missing while drawing the figure (they render as empty boxes): "
            + "; ".join(missing[:10])
            + ". Call helpers.common.figures.use_korean_font() before building the figure.")
    return fig


def font_missing_chars(text: str | Iterable[str], font_path: str | Path | None = None) -> list[str]:
    """Characters of ``text`` that the TrueType font at ``font_path`` has no glyph for.

    Used for images drawn outside matplotlib's text engine (the word cloud renders with Pillow, which
    silently draws tofu boxes). Whitespace and control characters are ignored.

    Parameters
    ----------
    text : str or iterable of str
    font_path : path, optional
        Defaults to :func:`korean_font_path`.

    Returns
    -------
    list of str
        Distinct missing characters, sorted by code point.
    """
    from matplotlib.ft2font import FT2Font

    path = Path(font_path) if font_path is not None else korean_font_path()
    charmap = FT2Font(str(path)).get_charmap()
    chars = set(text) if isinstance(text, str) else {ch for item in text for ch in str(item)}
    return sorted((ch for ch in chars if not ch.isspace() and ch.isprintable() and ord(ch) not in charmap),
                  key=ord)


# ---------------------------------------------------------------------------------------------
# Number formats
# ---------------------------------------------------------------------------------------------
def thousands_formatter(decimals: int = 0) -> FuncFormatter:
    """Axis tick formatter with thousands separators (``ax.yaxis.set_major_formatter(...)``)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: f"{x:,.{decimals}f}")


def krw_formatter(decimals: int = 1) -> FuncFormatter:
    """Axis tick formatter using :func:`format_krw` (억원/만원 units)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: format_krw(x, decimals))


# ---------------------------------------------------------------------------------------------
# Data shaping for figures
# ---------------------------------------------------------------------------------------------
def top_n_with_other(series: pd.Series, n: int, *, other_label: str = OTHER_LABEL) -> pd.Series:
    """Keep the ``n`` largest values and sum the rest into one ``other_label`` entry (last).

    Ties are broken by the index label, so the result does not depend on input order. When at most
    ``n`` entries exist, nothing is folded and no ``other_label`` entry is added.

    Parameters
    ----------
    series : pandas.Series
        Non-negative numbers indexed by label (e.g. purchase lines per category).
    n : int
        Number of entries to keep, at least 1.
    other_label : str, default "기타"

    Returns
    -------
    pandas.Series
        Same name and index name; the ``n`` largest (descending), then ``other_label`` if anything
        was folded. The total is unchanged.

    Raises
    ------
    ValueError
        ``n`` < 1, non-numeric or missing values, or ``other_label`` already used as a label.
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series, got {type(series).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    if not pd.api.types.is_numeric_dtype(series):
        raise ValueError(f"series must be numeric, got dtype {series.dtype}")
    if series.isna().any():
        raise ValueError(f"series has {int(series.isna().sum())} missing value(s); fill or drop them first")
    if other_label in series.index:
        raise ValueError(f"other_label={other_label!r} is already a label in the series; pass another other_label")
    frame = pd.DataFrame({"label": series.index.astype(str), "value": series.to_numpy(), "pos": range(len(series))})
    order = frame.sort_values(["value", "label"], ascending=[False, True], kind="mergesort")["pos"].to_numpy()
    ordered = series.iloc[order]
    if len(ordered) <= n:
        return ordered.copy()
    head = ordered.iloc[:n]
    rest = ordered.iloc[n:].sum()
    other = pd.Series([rest], index=pd.Index([other_label], name=series.index.name), name=series.name)
    result = pd.concat([head, other])
    result.index.name = series.index.name
    result.name = series.name
    return result


# ---------------------------------------------------------------------------------------------
# Common figures
# ---------------------------------------------------------------------------------------------
def new_figure(kind: str = "default", *, figsize: tuple[float, float] | None = None, **kwargs) -> Figure:
    """A constrained-layout :class:`~matplotlib.figure.Figure` of a house size, Korean font active."""
    if figsize is None:
        if kind not in FIGSIZES:
            raise ValueError(f"kind={kind!r} is not one of {sorted(FIGSIZES)}")
        figsize = FIGSIZES[kind]
    from matplotlib.figure import Figure

    use_korean_font()
    kwargs.setdefault("layout", "constrained")
    return Figure(figsize=figsize, **kwargs)


def figure_axes(kind: str = "default", *, ax: Axes | None = None,
                figsize: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    """``(figure, axes)`` for a chart function: a new :func:`new_figure` with one axes, or the caller's ``ax``
    and its figure (the Korean font is activated either way)."""
    if ax is not None:
        use_korean_font()
        return ax.figure, ax
    fig = new_figure(kind, figsize=figsize)
    return fig, fig.add_subplot()


def add_note(fig: Figure, note: str, *, align: str = "right") -> None:
    """Small source/explanation line under the figure; constrained layout reserves room for it."""
    x = {"right": 0.99, "left": 0.01, "center": 0.5}[align]
    fig.supxlabel(note, x=x, ha=align, fontsize=9, color="#555555")


def _colors(labels: list[str], muted: Iterable[str], *, single: str | None = None) -> list[str]:
    """Colour per label: ``single`` (or the palette in turn) for real labels, grey for ``muted`` ones."""
    muted = set(muted)
    colors, k = [], 0
    for label in labels:
        if label in muted:
            colors.append(MUTED_COLOR)
        else:
            colors.append(single or PALETTE[k % len(PALETTE)])
            k += 1
    return colors


def share_bar_figure(
    table: pd.DataFrame,
    *,
    label_col: str,
    count_col: str,
    share_col: str,
    title: str,
    count_unit: str = "건",
    horizontal: bool = False,
    muted_labels: Iterable[str] = (OTHER_LABEL, UNKNOWN_LABEL),
    kind: str | None = None,
    note: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bar chart of counts, each bar annotated ``"12,345건 (37.6%)"``; row order kept as given.

    Horizontal bars list the first row at the top. All bars share one colour (they measure one thing);
    ``muted_labels`` (기타/미상) are drawn grey. Annotations are 9 pt. ``ax``: draw into these axes.
    """
    require_columns(table, [label_col, count_col, share_col], "table")
    labels = [str(v) for v in table[label_col]]
    counts = table[count_col].to_numpy(dtype=float)
    shares = table[share_col].to_numpy(dtype=float)
    fig, ax = figure_axes(kind or ("tall" if horizontal and len(labels) > 12 else "default"), ax=ax)
    colors = _colors(labels, muted_labels, single=BAR_COLOR)
    # Vertical bars are narrow: the share goes on a second line so neighbouring labels do not collide.
    separator = " " if horizontal else "\n"
    annotations = [f"{format_count(c)}{count_unit}{separator}({format_pct(s)})" for c, s in zip(counts, shares)]
    bars = _draw_bars(ax, labels, counts, colors, horizontal=horizontal, count_unit=count_unit)
    ax.bar_label(bars, labels=annotations, padding=3, fontsize=9)
    ax.set_title(title)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if note:
        add_note(fig, note)
    return fig


def _draw_bars(ax: Axes, labels: list[str], counts: np.ndarray, colors: list[str], *, horizontal: bool,
               count_unit: str):
    """Bars with category ticks, a thousands axis and headroom for the annotations."""
    positions = np.arange(len(labels))
    axis_label = f"{count_unit} 수" if count_unit != "건" else "건수"
    if horizontal:
        bars = ax.barh(positions, counts, color=colors)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(thousands_formatter())
        ax.set_xlabel(axis_label)
        ax.set_xlim(0, max(counts.max(initial=0) * 1.3, 1))
        return bars
    bars = ax.bar(positions, counts, color=colors)
    ax.set_xticks(positions, labels)
    ax.yaxis.set_major_formatter(thousands_formatter())
    ax.set_ylabel(axis_label)
    ax.set_ylim(0, max(counts.max(initial=0) * 1.18, 1))
    if len(labels) > 10:
        ax.tick_params(axis="x", labelrotation=45)
    return bars


def share_pie_figure(
    table: pd.DataFrame,
    *,
    label_col: str,
    count_col: str,
    share_col: str,
    title: str,
    count_unit: str = "명",
    muted_labels: Iterable[str] = (OTHER_LABEL, UNKNOWN_LABEL),
    note: str | None = None,
    value_format: Callable[[float], str] = format_count,
    ax: Axes | None = None,
) -> Figure:
    """Donut chart with the shares on the wedges and ``label: n unit (p%)`` in a legend.

    Zero-count rows are left out of the donut (a zero wedge only adds a stray label); small wedges
    (< 3%) carry no text on the wedge, their numbers stay in the legend.
    """
    require_columns(table, [label_col, count_col, share_col], "table")
    shown = table[table[count_col] > 0]
    labels = [str(v) for v in shown[label_col]]
    counts = shown[count_col].to_numpy(dtype=float)
    shares = shown[share_col].to_numpy(dtype=float)
    fig, ax = figure_axes("pie", ax=ax)
    if len(labels) == 0:
        ax.text(0.5, 0.5, "데이터 없음", ha="center", va="center", fontsize=14)
        ax.set_axis_off()
        ax.set_title(title)
        return fig
    wedges, _texts = ax.pie(counts, colors=_colors(labels, muted_labels), startangle=90, counterclock=False,
                            wedgeprops={"width": 0.45, "edgecolor": "white"})
    for wedge, share in zip(wedges, shares):
        if share >= 0.03:
            angle = np.deg2rad((wedge.theta1 + wedge.theta2) / 2)
            ax.text(0.775 * np.cos(angle), 0.775 * np.sin(angle), format_pct(share), ha="center", va="center",
                    fontsize=10, color="white", fontweight="bold")
    ax.text(0, 0, f"총 {format_count(counts.sum())}{count_unit}", ha="center", va="center", fontsize=11)
    legend = [f"{label}: {value_format(c)}{count_unit} ({format_pct(s)})" for label, c, s in zip(labels, counts, shares)]
    ax.legend(wedges, legend, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set_aspect("equal")
    ax.set_title(title)
    if note:
        add_note(fig, note)
    return fig
