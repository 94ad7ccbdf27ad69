"""Chapter 4 scoring: split-conformal interval levels (hand-computed) and their coverage on planted residuals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters.demand import scoring as S


def test_conformal_levels_by_hand():
    # n = 49, 80 %: a = 0.1 -> floor(5.0)/49 and ceil(45.0)/49, i.e. the 5th and 45th smallest of 49
    assert S.conformal_levels(49, 80) == pytest.approx((5 / 49, 45 / 49))
    # n = 9, 95 %: floor(0.25) = 0 -> the minimum, ceil(9.75) = 10 > 9 -> the maximum
    assert S.conformal_levels(9, 95) == (0.0, 1.0)


@pytest.mark.parametrize("level", [80, 95])
def test_intervals_cover_at_least_nominal_on_exchangeable_residuals(level):
    """Planted truth: y = forecast + iid noise. Intervals from 7 origins' residuals (49 per horizon with pool=3)
    must cover a held-out origin at the nominal rate on average (plain quantiles gave ~0.77 for 80 %)."""
    rng = np.random.default_rng(3)
    rows = []
    for rep in range(60):
        cut = pd.date_range("2018-01-01", periods=8, freq="7D")
        for c in cut:
            rows.append(pd.DataFrame({"unique_id": f"s{rep}", "ds": c + pd.to_timedelta(np.arange(1, 8), "D"),
                                      "cutoff": c, "horizon": np.arange(1, 8), "f": 100.0,
                                      "y": 100.0 + rng.normal(0, 10, 7)}))
    cv = pd.concat(rows, ignore_index=True)
    cov = S.interval_coverage(cv, models=["f"], levels=(level,), pool=3)
    assert cov["coverage"].mean() >= level / 100 - 0.01, cov["coverage"].mean()
