"""Shared numeric pieces of chapter 4: the report's seasonal index, seasonal naive, weather as known at
forecast time, and ``SeriesArrays`` (one daily series with its inputs) that every model reads."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

SEASON_LENGTH = 7
WEATHER_METHODS = ("oracle", "climatology", "persistence")

# --------------------------------------------------------------------------------------------------------------
# Seasonal index
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeasonalFactors:
    """Seasonal decomposition of one series (7 seasons = weekdays, indexed by pandas ``dayofweek``, Mon=0)."""

    index: np.ndarray  # (7,) normalised seasonal index, sums to 7
    specific_mean: np.ndarray  # (7,) mean of Y/CMA per weekday (before normalising)
    n_specific: np.ndarray  # (7,) number of Y/CMA values averaged per weekday
    cma: np.ndarray  # (n,) centered 7-term moving average, NaN at the 3 first / 3 last days
    specific: np.ndarray  # (n,) Y / CMA


def seasonal_factors(y: np.ndarray, dayofweek: np.ndarray, *, name: str = "series") -> SeasonalFactors:
    """Seasonal index of the report for one daily series.

    CMA_t = mean(y[t-3 .. t+3]) (for an odd season count the centered MA is the plain 7-term MA);
    specific index = y / CMA; its mean per weekday; normalised so the seven sum to 7.

    Raises
    ------
    ValueError
        Fewer than 14 days (two full weeks), non-finite values, or a non-positive CMA (the multiplicative
        model is undefined there) — the message names the series, its length or the offending position.
    """
    y = np.asarray(y, dtype=float)
    dayofweek = np.asarray(dayofweek, dtype=int)
    n = len(y)
    if n < 2 * SEASON_LENGTH:
        raise ValueError(
            f"seasonal index of '{name}': needs at least {2 * SEASON_LENGTH} days (two full weeks), got {n}; "
            "widen the date range or drop this category"
        )
    if not np.all(np.isfinite(y)):
        raise ValueError(f"seasonal index of '{name}': revenue has NaN/inf values")
    half = SEASON_LENGTH // 2
    csum = np.concatenate([[0.0], np.cumsum(y)])
    cma = np.full(n, np.nan)
    cma[half : n - half] = (csum[SEASON_LENGTH:] - csum[: n - SEASON_LENGTH + 1]) / SEASON_LENGTH
    valid = ~np.isnan(cma)
    if np.any(cma[valid] <= 0):
        first = int(np.flatnonzero(valid & (cma <= 0))[0])
        raise ValueError(
            f"seasonal index of '{name}': the 7-day centered moving average is not positive around day {first} "
            "(a week without revenue); the multiplicative seasonal index is undefined — drop or shorten this series"
        )
    specific = np.where(valid, y / np.where(valid, cma, 1.0), np.nan)
    means = np.empty(SEASON_LENGTH)
    counts = np.empty(SEASON_LENGTH, dtype=int)
    for d in range(SEASON_LENGTH):
        vals = specific[(dayofweek == d) & valid]
        counts[d] = len(vals)
        means[d] = vals.mean()
    index = means * SEASON_LENGTH / means.sum()
    return SeasonalFactors(index=index, specific_mean=means, n_specific=counts, cma=cma, specific=specific)


# --------------------------------------------------------------------------------------------------------------
# Weather known at forecast time
# --------------------------------------------------------------------------------------------------------------
def weather_stand_in(
    values: np.ndarray,
    months: np.ndarray,
    origin: int,
    target_months: np.ndarray,
    *,
    method: str,
    min_month_days: int = 7,
    fallback_days: int = 28,
    persistence_days: int = 7,
) -> np.ndarray:
    """Weather values for days after ``origin`` using only days ``<= origin``.

    ``climatology``: mean of the same calendar month over days ``<= origin`` when at least ``min_month_days``
    of that month are available, else the mean of the last ``fallback_days`` days (a month never seen, e.g.
    October after an April–September window). ``persistence``: mean of the last ``persistence_days`` days.

    values (n, k) raw weather columns; months (n,) calendar month of each day; returns (len(target_months), k).
    """
    if method not in ("climatology", "persistence"):
        raise ValueError(f"weather method must be 'climatology' or 'persistence', got {method!r}")
    past = values[: origin + 1]
    if method == "persistence":
        return np.repeat(past[-persistence_days:].mean(axis=0)[None], len(target_months), axis=0)
    past_months = months[: origin + 1]
    fallback = past[-fallback_days:].mean(axis=0)
    out = np.empty((len(target_months), values.shape[1]))
    cache: dict[int, np.ndarray] = {}
    for i, m in enumerate(target_months):
        if m not in cache:
            sel = past_months == m
            cache[m] = past[sel].mean(axis=0) if sel.sum() >= min_month_days else fallback
        out[i] = cache[m]
    return out


def seasonal_naive(y_history: np.ndarray, horizon: int, *, season_length: int = SEASON_LENGTH) -> np.ndarray:
    """Same weekday last week; beyond one week the last observed week is repeated."""
    last = np.asarray(y_history, dtype=float)[-season_length:]
    if len(last) < season_length:
        raise ValueError(f"seasonal naive needs {season_length} observed days, got {len(last)}")
    return np.array([last[k % season_length] for k in range(horizon)])


@dataclass
class SeriesArrays:
    """One daily series and its inputs. ``y`` is NaN after the last observed day (future calendar days)."""

    uid: str
    dates: pd.DatetimeIndex
    y: np.ndarray
    exog: np.ndarray  # (n, k) raw exogenous columns (NaN where unknown)
    exog_names: tuple[str, ...]
    weather_idx: tuple[int, ...]  # positions in exog of the weather columns (replaced when not known)
    n_obs: int

    @property
    def day_of_week(self) -> np.ndarray:
        return np.asarray(self.dates.day_of_week)

    @property
    def months(self) -> np.ndarray:
        return np.asarray(self.dates.month)

    def position(self, date) -> int:
        pos = self.dates.get_indexer([pd.Timestamp(date)])[0]
        if pos < 0:
            raise ValueError(f"series '{self.uid}': date {pd.Timestamp(date).date()} is outside its dates")
        return int(pos)

    def feature_names(self) -> tuple[str, ...]:
        return ("revenue", "seasonal_index", *self.exog_names)

    def features(self, cutoff_pos: int) -> tuple[np.ndarray, SeasonalFactors]:
        """(n, F) raw features: revenue, seasonal index fitted on days <= cutoff (weekday lookup), exogenous."""
        sf = seasonal_factors(self.y[: cutoff_pos + 1], self.day_of_week[: cutoff_pos + 1], name=self.uid)
        feats = np.column_stack([self.y, sf.index[self.day_of_week], self.exog])
        return feats, sf

    def known_exog(self, feats: np.ndarray, origin: int, days: np.ndarray, weather: str) -> np.ndarray:
        """Exogenous feature rows (columns 1..) for ``days`` as known at ``origin`` under the weather mode."""
        if weather not in WEATHER_METHODS:
            raise ValueError(f"weather must be one of {WEATHER_METHODS}, got {weather!r}")
        rows = feats[days, 1:].copy()
        later = days > origin
        if self.weather_idx and later.any():
            cols = [1 + i for i in self.weather_idx]  # positions inside rows (seasonal index is column 0)
            if weather == "oracle":
                if np.isnan(rows[np.ix_(later, cols)]).any():
                    raise ValueError(
                        f"series '{self.uid}': actual weather unknown after {self.dates[origin].date()}; "
                        "use weather='climatology' or 'persistence'"
                    )
            else:
                w = self.exog[:, list(self.weather_idx)]
                rows[np.ix_(later, cols)] = weather_stand_in(w, self.months, origin, self.months[days[later]],
                                                             method=weather)
        if np.isnan(rows).any():
            bad = self.dates[days[np.isnan(rows).any(axis=1)][0]].date()
            raise ValueError(f"series '{self.uid}': exogenous inputs missing for {bad}; extend the calendar")
        return rows



def progress(message: str, *, verbose: bool = True) -> None:
    """Training progress for the console (stderr), never for the analyst page.

    Inside a notebook kernel the message goes to the kernel process's own stderr (``sys.__stderr__``), which the
    runner's console shows; the kernel also records it as a stderr stream, which the analyst HTML drops.
    Elsewhere (tests, scripts) it goes to ``sys.stderr``.
    """
    if not verbose:
        return
    stream = sys.__stderr__ if "ipykernel" in sys.modules and sys.__stderr__ is not None else sys.stderr
    print(message, file=stream, flush=True)
