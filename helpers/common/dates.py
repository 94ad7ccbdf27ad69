"""One date rule for the whole project: ISO calendar dates, no time of day, no time zone."""
from __future__ import annotations

import pandas as pd

from helpers.common.errors import DataError


def parse_date(value, name: str) -> pd.Timestamp:
    """``value`` as a midnight ``pd.Timestamp``; a clear :class:`DataError` naming ``name`` otherwise.

    Accepts ISO dates (``2018-04-01``), ``datetime.date`` and midnight timestamps. A time of day is
    rejected rather than silently truncated, so "the 1st at 18:00" never becomes "the 1st".
    """
    try:
        ts = pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise DataError(f"{name}='{value}' is not a date: use ISO format YYYY-MM-DD.") from None
    if ts.tzinfo is not None:
        raise DataError(f"{name}='{value}' has a time zone: use a plain date YYYY-MM-DD.")
    if ts != ts.normalize():
        raise DataError(f"{name}='{value}' has a time of day: use a plain date YYYY-MM-DD.")
    return ts
