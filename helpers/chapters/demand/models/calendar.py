"""Calendar features known in advance: holidays, long holidays (Chuseok, Seollal) and the days around them.

Only the 0/1 holiday column of the calendar is needed, so any shop's calendar works. A *long holiday* is a run
of at least ``min_run`` consecutive holiday days (Chuseok and Seollal are three days, often with a substitute
day off; single public holidays are one day). Assumption: the calendar flags every day off, including the
substitute days, and covers the forecast horizon (holidays are published years ahead).
"""
from __future__ import annotations

import numpy as np

#: days_to_* / days_from_* are capped here: "further than a week" is one value.
FAR = 8
CALENDAR_FEATURES = ("holiday", "long_holiday", "pre_long", "post_long", "days_to_holiday", "days_from_holiday",
                     "days_to_long", "days_from_long")


def long_holiday_flags(holiday: np.ndarray, *, min_run: int = 3) -> np.ndarray:
    """1 on holiday days that belong to a run of at least ``min_run`` consecutive holiday days, else 0."""
    h = (np.nan_to_num(np.asarray(holiday, dtype=float)) > 0).astype(int)
    out = np.zeros(len(h), dtype=int)
    start = None
    for i, v in enumerate(np.r_[h, 0]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= min_run:
                out[start:i] = 1
            start = None
    return out


def _days_to_next(flag: np.ndarray, cap: int) -> np.ndarray:
    """Days until the next flagged day (0 on a flagged day), capped at ``cap``."""
    n = len(flag)
    out = np.full(n, cap, dtype=int)
    nxt = None
    for i in range(n - 1, -1, -1):
        if flag[i]:
            nxt = i
        if nxt is not None:
            out[i] = min(nxt - i, cap)
    return out


def calendar_features(holiday: np.ndarray, *, min_run: int = 3, near: int = 3, cap: int = FAR) -> dict:
    """Per-day calendar features from a 0/1 holiday array (NaN counts as a working day).

    Returns ``{name: (n,) array}`` for :data:`CALENDAR_FEATURES`: ``holiday``, ``long_holiday``, ``pre_long`` /
    ``post_long`` (1 on the ``near`` days before / after a long-holiday run), and days to the next / from the
    last holiday and long holiday (capped at ``cap``; 0 on the day itself).
    """
    h = (np.nan_to_num(np.asarray(holiday, dtype=float)) > 0).astype(int)
    long_ = long_holiday_flags(h, min_run=min_run)
    to_long = _days_to_next(long_, cap)
    from_long = _days_to_next(long_[::-1], cap)[::-1]
    return {
        "holiday": h, "long_holiday": long_,
        "pre_long": ((to_long >= 1) & (to_long <= near)).astype(int),
        "post_long": ((from_long >= 1) & (from_long <= near)).astype(int),
        "days_to_holiday": _days_to_next(h, cap), "days_from_holiday": _days_to_next(h[::-1], cap)[::-1],
        "days_to_long": to_long, "days_from_long": from_long,
    }


def calendar_matrix(holiday: np.ndarray, names=CALENDAR_FEATURES, **kwargs) -> np.ndarray:
    """:func:`calendar_features` as an ``(n, len(names))`` float matrix in the order of ``names``."""
    f = calendar_features(holiday, **kwargs)
    return np.column_stack([f[n] for n in names]).astype(float)
