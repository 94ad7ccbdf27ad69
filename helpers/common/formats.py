"""Human formats for analysts: counts, percentages, Korean money units (조/억/만 원), plain dates.

Every analyst-facing number goes through these functions (tables, cards, sentences, axis ticks), so one
rule decides how a number looks everywhere. Data products keep machine values.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def _strip_zeros(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_count(value: float, decimals: int = 0) -> str:
    """Thousands separators: ``format_count(1234567) -> "1,234,567"``; NaN -> ``"NA"``."""
    if value is None or pd.isna(value):
        return "NA"
    return f"{value:,.{decimals}f}"


def format_pct(share: float, decimals: int = 1) -> str:
    """A share in [0, 1] as a percentage: ``format_pct(0.8504) -> "85.0%"``; NaN -> ``"NA"``."""
    if share is None or pd.isna(share):
        return "NA"
    return f"{100 * share:.{decimals}f}%"


_KRW_UNITS = ((1e12, "조"), (1e8, "억"), (1e4, "만"))


def format_krw(value: float, decimals: int = 1) -> str:
    """Korean money format with 조/억/만 units and thousands separators.

    ``format_krw(1.5e8) -> "1.5억원"``, ``format_krw(2e8) -> "2억원"``, ``format_krw(3.5e10) -> "350억원"``,
    ``format_krw(25_000) -> "2.5만원"``, ``format_krw(9_500) -> "9,500원"``, ``format_krw(-1.5e8) -> "-1.5억원"``.
    Trailing zeros after the decimal point are dropped; the unit is chosen after rounding, so
    99,999,999 becomes ``"1억원"`` rather than ``"10,000만원"``. NaN -> ``"NA"``.
    """
    if value is None or pd.isna(value):
        return "NA"
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    value = float(value)
    if math.isinf(value):
        return "-∞원" if value < 0 else "∞원"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for unit, name in _KRW_UNITS:
        scaled = round(magnitude / unit, decimals)
        if scaled >= 1:
            return f"{sign}{_strip_zeros(f'{scaled:,.{decimals}f}')}{name}원"
    whole = round(magnitude)
    if whole == 0:
        return "0원"
    return f"{sign}{whole:,.0f}원"


def format_date(value) -> str:
    """A plain calendar date ``2018-05-01`` (never ``2018-05-01 00:00:00``); NaT -> ``"NA"``."""
    if value is None or pd.isna(value):
        return "NA"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def format_id(value) -> str:
    """An identifier as written, without thousands separators: ``82232`` -> ``"82232"``."""
    if value is None or pd.isna(value):
        return "NA"
    if isinstance(value, (float, np.floating)) and not float(value).is_integer():
        return str(value)
    return str(int(value)) if isinstance(value, (int, float, np.integer, np.floating)) else str(value)


def format_bool(value) -> str:
    """A yes/no flag in Korean: ``True -> "예"``, ``False -> "아니오"`` (also 1/0 and "True"/"False"); NA -> ``"–"``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return "예" if lowered == "true" else "아니오"
        return value
    return "예" if bool(value) else "아니오"


def format_text(value) -> str:
    """Text as it is, but flags in Korean and missing values as a dash (never ``nan``/``None``/``True``)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, str) and value in ("True", "False")):
        return format_bool(value)
    if isinstance(value, str) and value.strip().lower() in ("nan", "none", "nat", "<na>"):
        return "–"
    if isinstance(value, pd.Timestamp):
        return format_date(value)
    if isinstance(value, (float, np.floating)):
        return format_count(value, 0 if float(value).is_integer() else 2)
    return str(value)


def round_noise(values, significant: int = 12):
    """Floats rounded to ``significant`` digits: ``31.400000000000002 -> 31.4`` (machine values, no noise).

    Works on a scalar, an array or a Series (NaN and ±inf kept). 12 digits keep every real difference of
    money, shares and scores and drop the binary noise of sums and divisions (about 16 digits).
    """
    arr = np.asarray(values, dtype="float64")
    out = arr.copy()
    finite = np.isfinite(arr) & (arr != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift_all = significant - 1 - np.floor(np.log10(np.abs(np.where(finite, arr, 1.0)))).astype(int)
    finite &= np.abs(shift_all) <= 22  # powers of ten up to 1e22 are exact doubles
    if finite.any():
        shift = shift_all[finite]
        scaled = np.round(arr[finite] * 10.0 ** np.clip(shift, 0, None) / 10.0 ** np.clip(-shift, 0, None))
        out[finite] = scaled / 10.0 ** np.clip(shift, 0, None) * 10.0 ** np.clip(-shift, 0, None)
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name)
    return out if np.ndim(values) else float(out)


#: How each kind of column looks to an analyst; a column's kind comes from ``labels.COLUMN_KINDS``.
KIND_FORMATTERS = {
    "count": lambda v: format_count(v),
    "id": format_id,
    "pct": lambda v: format_pct(v),
    "krw": lambda v: format_krw(v),
    "date": format_date,
    "dec1": lambda v: format_count(v, 1),
    "dec2": lambda v: format_count(v, 2),
    "dec3": lambda v: format_count(v, 3),
    "bool": format_bool,
    "text": format_text,
}


def format_value(value, kind: str) -> str:
    """``value`` in the analyst format of ``kind`` (one of :data:`KIND_FORMATTERS`)."""
    try:
        return KIND_FORMATTERS[kind](value)
    except KeyError:
        raise ValueError(f"unknown format kind {kind!r}; use one of {sorted(KIND_FORMATTERS)}") from None
