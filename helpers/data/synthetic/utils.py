"""Small helpers of the generator: named random streams, vectorised draws, argument checks."""
from __future__ import annotations

import zlib
from datetime import date, datetime

import numpy as np

# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------

def _rng(seed: int, name: str) -> np.random.Generator:
    """An independent, stable random stream per component (changing one never shifts another)."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])


def _parse_date(value, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{name}={value!r} is not an ISO date: give it as 'YYYY-MM-DD', e.g. '2018-04-01'.")


def _check_choice(name: str, value, allowed) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name}={value!r} is not supported: use one of {sorted(allowed)}.")


def _norm(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _choice_cdf(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Draw ``size`` indices from a cumulative distribution (vectorised)."""
    idx = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right")
    return np.minimum(idx, len(cdf) - 1)


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Position of the first element of each run, repeated for every element (keys sorted)."""
    if len(sorted_keys) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(len(sorted_keys), dtype=bool)
    new[0] = True
    new[1:] = sorted_keys[1:] != sorted_keys[:-1]
    starts = np.flatnonzero(new)
    return np.repeat(starts, np.diff(np.append(starts, len(sorted_keys))))


def _pick(rng: np.random.Generator, pool, n: int) -> np.ndarray:
    """Up to ``n`` distinct elements of ``pool`` (an array, or ``range(pool)`` for an int)."""
    size = pool if isinstance(pool, (int, np.integer)) else len(pool)
    return np.asarray(rng.choice(pool, min(int(n), int(size)), replace=False), dtype=np.int64)


def _rate_count(rate: float, n: int, minimum: int = 1) -> int:
    return int(min(n, max(minimum, round(rate * n)))) if n > 0 else 0


