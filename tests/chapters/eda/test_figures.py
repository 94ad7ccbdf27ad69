"""Tests of helpers.chapters.eda.figures (chapter 1) on tiny hand-made frames with hand-computed expectations."""
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from chapters.eda.fixtures import DEJAVU, edges_of
from matplotlib.figure import Figure

from helpers.chapters.eda import compute as eda
from helpers.chapters.eda import figures as fg
from helpers.common import figures as plots


def test_copurchase_network_figure(purchases5):
    edges = edges_of(purchases5, min_count=1)
    fig = fg.plot_copurchase_network(edges)
    assert isinstance(fig, Figure)
    assert plots.missing_glyph_warnings(fig) == []
    ax = fig.axes[0]
    labels = {t.get_text(): t.get_position() for t in ax.texts}
    assert {"가구", "여성의류", "패션잡화"} <= labels.keys()
    again = {t.get_text(): t.get_position() for t in fg.plot_copurchase_network(edges).axes[0].texts}
    assert again == labels  # deterministic layout
    spring = fg.plot_copurchase_network(edges, layout="spring", seed=3)
    spring_again = fg.plot_copurchase_network(edges, layout="spring", seed=3)
    assert ({t.get_text(): t.get_position() for t in spring.axes[0].texts}
            == {t.get_text(): t.get_position() for t in spring_again.axes[0].texts})
    # Only one edge by rank, but every category keeps its strongest edge.
    backbone = fg.plot_copurchase_network(edges, top_edges=1, per_node=1)
    assert {"가구", "여성의류", "패션잡화"} <= {t.get_text() for t in backbone.axes[0].texts}
    sizes = eda.category_purchase_counts(purchases5).set_index("상품군")["구매건수"]
    assert plots.missing_glyph_warnings(fg.plot_copurchase_network(edges, node_sizes=sizes, width_by="count")) == []
    empty = fg.plot_copurchase_network(edges.iloc[:0])
    assert plots.missing_glyph_warnings(empty) == []
    with pytest.raises(ValueError, match="width_by"):
        fg.plot_copurchase_network(edges, width_by="colour")
    with pytest.raises(ValueError, match="'lift'"):
        fg.plot_copurchase_network(edges.drop(columns="lift"))


def test_wordcloud_renders_with_korean_font(search):
    freq = eda.keyword_frequencies(search)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cloud = fg.wordcloud_image(freq)
        fig = fg.plot_wordcloud(freq)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert Path(cloud.font_path) == plots.korean_font_path()
    assert cloud.background_color == "white"
    assert {"가방", "원피스", "나이키"} <= {word for (word, _), *_ in cloud.layout_}
    image = cloud.to_array()
    assert (image < 250).any(), "the word cloud drew nothing"
    np.testing.assert_array_equal(image, fg.wordcloud_image(freq).to_array())  # fixed random_state
    assert isinstance(fig, Figure)
    assert plots.missing_glyph_warnings(fig) == []


def test_wordcloud_reports_tofu_with_a_font_without_hangul(search):
    freq = eda.keyword_frequencies(search)
    with pytest.warns(UserWarning, match="missing from font"):
        fg.wordcloud_image(freq, font_path=str(DEJAVU))


def test_wordcloud_accepts_series_and_empty_input():
    fig = fg.plot_wordcloud(pd.Series({"원피스": 3, "가방": 1}))
    assert plots.missing_glyph_warnings(fig) == []
    assert fg.wordcloud_image({}) is None
    assert plots.missing_glyph_warnings(fg.plot_wordcloud({})) == []


def test_category_counts_figure_folds_other():
    cats = pd.DataFrame({"CLAC1_NM": [f"상품군{i:02d}" for i in range(37) for _ in range(i + 1)]})
    table = eda.category_purchase_counts(cats)
    fig = fg.plot_category_counts(table, top=10)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "상품군36" and labels[-1] == "기타" and len(labels) == 11
    assert plots.missing_glyph_warnings(fig) == []


def test_every_figure_renders_korean_without_tofu(purchases5, search):
    figures = [
        fg.plot_gender(eda.gender_split(purchases5)),
        fg.plot_age(eda.age_distribution(purchases5)),
        fg.plot_age(eda.age_distribution(purchases5), include_unknown=False),
        fg.plot_device(eda.device_split(purchases5)),
        fg.plot_region(eda.region_split(purchases5)),
        fg.plot_category_counts(eda.category_purchase_counts(purchases5)),
        fg.plot_wordcloud(eda.keyword_frequencies(search)),
        fg.plot_copurchase_network(edges_of(purchases5, min_count=1)),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        assert plots.missing_glyph_warnings(fig) == []
        assert any("\uac00" <= ch <= "\ud7a3" for t in fig.findobj(mpl.text.Text) for ch in t.get_text())


def test_network_caption_says_what_node_size_means(purchases5):
    edges = edges_of(purchases5, min_count=1)
    counts = eda.category_purchase_counts(purchases5)
    caption = fg.plot_copurchase_network(edges, counts=counts)._supxlabel.get_text()
    assert "원 크기: 상품군 구매 건수" in caption and "지정 값" not in caption
    default = fg.plot_copurchase_network(edges)._supxlabel.get_text()
    assert "원 크기: 상품군이 담긴 세션 비율" in default


def test_bars_use_one_colour_and_grey_for_unknown(purchases5):
    fig = fg.plot_age(eda.age_distribution(purchases5))
    colours = {tuple(p.get_facecolor()) for p in fig.axes[0].patches}
    assert len(colours) == 2  # one colour for the age bands, grey for 미상
    texts = [t for t in fig.axes[0].texts]
    assert texts and min(t.get_fontsize() for t in texts) >= 9


def test_plot_draws_into_given_axes(purchases5):
    from helpers.common.figures import new_figure
    fig = new_figure("wide")
    left, right = fig.subplots(1, 2)
    assert fg.plot_gender(eda.gender_split(purchases5), ax=left) is fig
    assert fg.plot_region(eda.region_split(purchases5), ax=right) is fig
    assert plots.missing_glyph_warnings(fig) == []


def test_wordcloud_is_one_hue_and_drops_illegible_words():
    # 300 keywords with counts 1..300: the smallest cannot reach the minimum size and are left out.
    freq = pd.DataFrame({"키워드": [f"단어{i}" for i in range(300)], "검색수": range(1, 301)})
    cloud = fg.wordcloud_image(freq, max_words=300)
    drawn = cloud.layout_
    assert 0 < len(drawn) < 300
    assert min(size for _, size, *_ in drawn) >= fg.MIN_CLOUD_FONT_PX
    hues = {colour.split(",")[0] for *_, colour in drawn}
    assert hues == {"hsl(215"}
    title = fg.plot_wordcloud(freq).axes[0].get_title()
    assert f"상위 {len(fg.wordcloud_image(freq).layout_)}개" in title
