"""Tests of helpers.chapters.segments.figures (chapter 2). Expected values are worked out by hand in the comments."""

import pytest
from chapters.segments.fixtures import X, Y, engine

from helpers.chapters.segments import compute as sg
from helpers.chapters.segments import figures as fg
from helpers.chapters.segments import stability as st


def test_figures_have_korean_labels(lines, two_months):
    from matplotlib.figure import Figure

    result = sg.segment_customers(engine(lines), min_customers=2, n_categories=2)
    heat = fg.plot_behaviour_heatmap(result.behaviour)
    assert isinstance(heat, Figure)
    titles = [ax.get_title() for ax in heat.axes if ax.get_title()]
    assert titles[0].startswith("고려시간") and any(t.startswith("구매단가") for t in titles)
    texts = [t.get_text() for t in heat.axes[0].texts]
    assert "1\n+36%" in texts  # 20F X time: bit 1, (150-110)/110 = +36%
    sizes = fg.plot_segment_sizes(result.sizes)
    assert [ax.get_title() for ax in sizes.axes] == ["행동 세그먼트별 고객 수", "행동 세그먼트별 매출 비중"]
    stability = st.segment_stability(engine(two_months), groups=["20F", "30M"], categories=[X, Y])
    grid = fg.plot_category_stability(stability.monthly_patterns)
    assert grid.axes[0].get_title() == "월별 상품군 행동 패턴과 세그먼트"
    from helpers.common.figures import missing_glyph_warnings

    for fig in (heat, sizes, grid):  # every Korean label and symbol exists in the font (no tofu boxes)
        assert missing_glyph_warnings(fig) == []


def test_figures_are_legible_at_page_width(lines, two_months):
    result = sg.segment_customers(engine(lines), min_customers=2, n_categories=2)
    stability = st.segment_stability(engine(two_months), groups=["20F", "30M"], categories=[X, Y])
    for fig in (fg.plot_behaviour_heatmap(result.behaviour), fg.plot_segment_sizes(result.sizes),
                fg.plot_category_stability(stability.monthly_patterns)):
        assert fig.get_figwidth() <= 11.0  # not shrunk by the page
        sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts]
        assert sizes and min(sizes) >= 9
    heat = fg.plot_behaviour_heatmap(result.behaviour)
    assert [t.get_text() for t in heat.axes[0].get_yticklabels()][0].startswith("20대 여성 (평균 ")
    grid = fg.plot_category_stability(stability.monthly_patterns)
    assert [t.get_text() for t in grid.axes[0].get_xticklabels()] == ["4월", "5월"]
    assert grid.axes[0].get_xlabel() == "2018년"


def test_heatmap_draws_one_variable_into_given_axes(lines):
    from helpers.common.figures import new_figure
    result = sg.segment_customers(engine(lines), min_customers=2, n_categories=2)
    fig = new_figure()
    ax = fig.add_subplot()
    assert fg.plot_behaviour_heatmap(result.behaviour, variables=("price",), ax=ax) is fig
    with pytest.raises(ValueError, match="one variable"):
        fg.plot_behaviour_heatmap(result.behaviour, ax=ax)
