"""Tests of helpers.chapters.grades.figures: every plot_* returns a Figure with its Korean title and no missing glyph."""
from __future__ import annotations

import io

import pytest
from chapters.grades.fixtures import AS_OF, HOLDOUT_FUTURE, HOLDOUT_PAST, tx
from matplotlib.figure import Figure

from helpers.chapters.grades import compute as g
from helpers.chapters.grades import figures
from helpers.common.figures import missing_glyph_warnings, new_figure


def _titles(fig):
    return [ax.get_title() for ax in fig.axes] + [fig._suptitle.get_text() if fig._suptitle else ""]


def test_figures_render_with_korean_titles():
    frame = tx(HOLDOUT_PAST + HOLDOUT_FUTURE)
    graded = g.grade_customers(frame[frame["SESS_DT"] <= "2018-06-30"], as_of="2018-06-30")
    made = {
        "고객 서열 요소별 인원 분포": figures.plot_score_distributions(g.score_distribution(graded)),
        "고객 서열 군집화": figures.plot_grade_grid(g.interest_money_grid(graded)),
        "등급별 고객 비중과 매출 비중": figures.plot_grade_summary(g.grade_summary(graded)),
        "고객 등급 이동": figures.plot_migration(g.grade_migration(frame, as_of_a="2018-06-30", as_of_b=AS_OF)),
        "등급별 이후 기간 구매 고객 비율": figures.plot_holdout(
            g.holdout_check(frame, cutoff="2018-06-30", horizon_end=AS_OF)),
    }
    for title, fig in made.items():
        assert isinstance(fig, Figure)
        assert title in _titles(fig)
        fig.savefig(io.BytesIO(), format="png")
        assert missing_glyph_warnings(fig) == []


def test_single_panel_figures_draw_on_a_given_ax_and_multi_panel_refuse_it():
    graded = g.grade_customers(tx(HOLDOUT_PAST), as_of="2018-06-30")
    fig = new_figure()
    ax = fig.subplots()
    assert figures.plot_grade_grid(g.interest_money_grid(graded), ax=ax) is fig
    assert ax.get_title() == "고객 서열 군집화"
    with pytest.raises(ValueError, match="without ax="):
        figures.plot_grade_summary(g.grade_summary(graded), ax=ax)


def test_value_figures_render_with_korean_titles():
    from chapters.grades.fixtures import planted_transactions

    frame, _ = planted_transactions(n_customers=200)
    holdout = g.holdout_check(frame, cutoff="2018-07-31", horizon_end=AS_OF, start_date="2018-04-01")
    check = g.value_check(frame, holdout, start_date="2018-04-01")
    for fig in (figures.plot_value_check(check), figures.plot_value_by_grade(check)):
        assert any("구매액" in title for title in _titles(fig))
        fig.savefig(io.BytesIO(), format="png")
        assert missing_glyph_warnings(fig) == []
