"""Tests of helpers.common.figures: Korean font, tofu detection, number formats, top-N folding."""
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers.common import figures as plots

DEJAVU = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
MAIN = Path(__file__).resolve().parents[2]


def test_axis_formatters():
    assert plots.thousands_formatter()(1234567, 0) == "1,234,567"
    assert plots.krw_formatter()(1.5e8, 0) == "1.5억원"


# --- top_n_with_other ----------------------------------------------------------------------
def test_top_n_with_other_folds_rest_and_breaks_ties_by_label():
    s = pd.Series({"다": 5, "가": 5, "나": 7, "라": 1, "마": 2}, name="n")
    s.index.name = "상품군"
    out = plots.top_n_with_other(s, 2)
    # 나 (7) first; 가 and 다 tie at 5 -> 가 wins by label; 다 5 + 마 2 + 라 1 = 8 go to 기타.
    assert list(out.index) == ["나", "가", "기타"]
    assert list(out) == [7, 5, 8]
    assert out.sum() == s.sum()
    assert out.name == "n" and out.index.name == "상품군"
    # Input order does not matter.
    shuffled = s.iloc[[4, 2, 0, 3, 1]]
    pd.testing.assert_series_equal(plots.top_n_with_other(shuffled, 2), out)


def test_top_n_with_other_without_rest_adds_no_other():
    s = pd.Series({"a": 1, "b": 3})
    out = plots.top_n_with_other(s, 5)
    assert list(out.index) == ["b", "a"]
    assert "기타" not in out.index


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_top_n_with_other_rejects_bad_n(n):
    with pytest.raises(ValueError, match="n must be"):
        plots.top_n_with_other(pd.Series({"a": 1}), n)


def test_top_n_with_other_rejects_nan_and_label_clash():
    with pytest.raises(ValueError, match="missing"):
        plots.top_n_with_other(pd.Series({"a": 1.0, "b": np.nan}), 1)
    with pytest.raises(ValueError, match="other_label"):
        plots.top_n_with_other(pd.Series({"기타": 1, "b": 2, "c": 3}), 1)


# --- Korean font ---------------------------------------------------------------------------
def test_korean_font_path_is_packaged_nanumgothic_with_hangul():
    path = plots.korean_font_path()
    assert path.is_file() and path.name == "NanumGothic.ttf"
    assert "koreanize_matplotlib" in path.parts
    assert plots.font_missing_chars("고객 성별 분포 여성의류–패션잡화 1,234건 (85.0%) 신뢰도(A→B)", path) == []
    assert plots.korean_font_path("bold").name == "NanumGothicBold.ttf"
    with pytest.raises(ValueError, match="weight"):
        plots.korean_font_path("heavy")


def test_font_missing_chars_detects_a_font_without_hangul():
    assert plots.font_missing_chars(["여성 abc"], DEJAVU) == ["성", "여"]


def test_importing_helpers_has_no_side_effects():
    code = (
        "import matplotlib as mpl, sys\n"
        "before = list(mpl.rcParams['font.family'])\n"
        "import helpers.common.figures, helpers.chapters.eda.compute\n"
        "helpers.common.figures.korean_font_path()\n"
        "assert 'koreanize_matplotlib' not in sys.modules, 'koreanize imported'\n"
        "assert list(mpl.rcParams['font.family']) == before, mpl.rcParams['font.family']\n"
        "helpers.common.figures.use_korean_font()\n"
        "assert list(mpl.rcParams['font.family']) == ['NanumGothic']\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=MAIN, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_compute_modules_do_not_load_matplotlib():
    code = ("import sys\nimport helpers.common.figures, helpers.chapters.eda.compute\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=MAIN, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_use_korean_font_is_idempotent_and_survives_rc_reset():
    from matplotlib import font_manager

    assert plots.use_korean_font() == "NanumGothic"
    n_fonts = len(font_manager.fontManager.ttflist)
    assert plots.use_korean_font() == "NanumGothic"
    assert len(font_manager.fontManager.ttflist) == n_fonts  # no duplicate registration
    assert mpl.rcParams["font.family"] == ["NanumGothic"]
    assert mpl.rcParams["axes.unicode_minus"] is False
    with mpl.rc_context():
        mpl.rcdefaults()
        assert mpl.rcParams["font.family"] != ["NanumGothic"]
        plots.use_korean_font()
        assert mpl.rcParams["font.family"] == ["NanumGothic"]


# --- tofu check ----------------------------------------------------------------------------
def _korean_figure(**text_kwargs) -> Figure:
    fig = plots.new_figure()
    ax = fig.add_subplot()
    ax.bar(["여성", "남성"], [85, -15])
    ax.set_title("고객 성별 분포", **text_kwargs)
    return fig


def test_korean_figure_has_no_missing_glyphs():
    fig = _korean_figure()
    assert plots.missing_glyph_warnings(fig) == []
    assert plots.check_glyphs(fig) is fig


def test_glyph_checker_detects_tofu_with_a_font_without_hangul():
    fig = _korean_figure(fontfamily="DejaVu Sans")
    missing = plots.missing_glyph_warnings(fig)
    assert missing, "the checker must notice Hangul drawn with DejaVu Sans"
    assert all("DejaVu Sans" in m for m in missing)
    assert any("HANGUL SYLLABLE" in m for m in missing)
    with pytest.raises(RuntimeError, match="missing"):
        plots.check_glyphs(fig)


def test_glyph_checker_rejects_non_figures():
    with pytest.raises(TypeError):
        plots.missing_glyph_warnings("not a figure")


# --- shared figures ------------------------------------------------------------------------
def test_share_figures_render_korean_and_validate_columns():
    table = pd.DataFrame({"항목": ["가", "나", "미상"], "수": [3, 1, 0], "비율": [0.75, 0.25, 0.0]})
    for make in (plots.share_bar_figure, plots.share_pie_figure):
        fig = make(table, label_col="항목", count_col="수", share_col="비율", title="제목")
        assert isinstance(fig, Figure)
        assert plots.missing_glyph_warnings(fig) == []
        with pytest.raises(ValueError, match="'없는열'"):
            make(table, label_col="없는열", count_col="수", share_col="비율", title="제목")
    bar = plots.share_bar_figure(table, label_col="항목", count_col="수", share_col="비율", title="제목")
    texts = [t.get_text() for t in bar.axes[0].texts]
    assert "3건\n(75.0%)" in texts


def test_new_figure_sizes():
    assert tuple(plots.new_figure("wide").get_size_inches()) == plots.FIGSIZES["wide"]
    with pytest.raises(ValueError, match="kind"):
        plots.new_figure("huge")


def test_share_bars_one_colour_grey_for_other_and_unknown():
    table = pd.DataFrame({"label": ["a", "b", "기타", "미상"], "n": [5, 3, 1, 1], "share": [0.5, 0.3, 0.1, 0.1]})
    fig = plots.share_bar_figure(table, label_col="label", count_col="n", share_col="share", title="제목")
    colours = [mpl.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    assert colours == [plots.BAR_COLOR, plots.BAR_COLOR, plots.MUTED_COLOR, plots.MUTED_COLOR]
    assert [t.get_text() for t in fig.axes[0].texts] == ["5건\n(50.0%)", "3건\n(30.0%)", "1건\n(10.0%)", "1건\n(10.0%)"]
    assert min(t.get_fontsize() for t in fig.axes[0].texts) >= 9


def test_figure_axes_uses_the_callers_axes():
    fig = plots.new_figure("wide")
    ax = fig.add_subplot()
    assert plots.figure_axes(ax=ax) == (fig, ax)
    new_fig, new_ax = plots.figure_axes("pie")
    assert new_fig is not fig and new_ax.figure is new_fig
    assert tuple(new_fig.get_size_inches()) == plots.FIGSIZES["pie"]
