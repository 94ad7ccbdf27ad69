"""Tests of helpers.common.formats: counts, percentages, Korean money units."""
import numpy as np
import pytest

from helpers.common import formats


# --- number formats ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5e8, "1.5억원"),
        (2e8, "2억원"),
        (3.5e10, "350억원"),
        (123_456_789_000, "1,234.6억원"),
        (1.2e12, "1.2조원"),
        (25_000, "2.5만원"),
        (10_000, "1만원"),
        (9_500, "9,500원"),
        (999.6, "1,000원"),
        (99_999_999, "1억원"),  # the unit is chosen after rounding
        (-1.5e8, "-1.5억원"),
        (0, "0원"),
        (float("nan"), "NA"),
    ],
)
def test_format_krw(value, expected):
    assert formats.format_krw(value) == expected


def test_format_krw_decimals_and_bad_decimals():
    assert formats.format_krw(123_456_789, decimals=2) == "1.23억원"
    assert formats.format_krw(123_456_789, decimals=0) == "1억원"
    with pytest.raises(ValueError, match="decimals"):
        formats.format_krw(1e8, decimals=-1)


def test_format_count_and_pct():
    assert formats.format_count(1234567) == "1,234,567"
    assert formats.format_count(1234.5, decimals=1) == "1,234.5"
    assert formats.format_pct(0.8504) == "85.0%"
    assert formats.format_pct(0.0004, decimals=2) == "0.04%"
    assert formats.format_pct(np.nan) == "NA"
