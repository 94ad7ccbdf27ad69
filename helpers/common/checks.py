"""Input checks shared by the analysis modules, so every chapter words a missing column the same way."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str, *, hint: str = "") -> None:
    """Raise unless ``df`` is a DataFrame holding ``columns``.

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame.
    ValueError
        Names the missing column(s), the columns present and, if given, ``hint`` (what to pass instead).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {list(df.columns)}"
                         + (f"; {hint}" if hint else ""))
