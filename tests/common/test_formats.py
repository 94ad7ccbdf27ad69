"""Tests of helpers.common.formats: counts, percentages, Korean money units."""
import numpy as np
import pandas as pd
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


# --- flags, text cells and machine values --------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [(True, "예"), (False, "아니오"), (np.bool_(True), "예"), (1, "예"),
                                                 (0, "아니오"), ("False", "아니오"), ("true", "예"), (None, "–"),
                                                 (float("nan"), "–")])
def test_format_bool(value, expected):
    assert formats.format_bool(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("스타", "스타"), (True, "예"), ("True", "예"), (None, "–"),
                                                 (float("nan"), "–"), ("nan", "–"), ("<NA>", "–"), (3.0, "3"),
                                                 (2.5, "2.50"), (pd.Timestamp("2018-05-01"), "2018-05-01"),
                                                 (82232, "82232")])
def test_format_text_never_shows_code(value, expected):
    assert formats.format_text(value) == expected


def test_format_id_and_date_plain():
    assert formats.format_id(82232.0) == "82232" and formats.format_id(np.int64(1234567)) == "1234567"
    assert formats.format_date(pd.Timestamp("2018-05-01 00:00:00")) == "2018-05-01"
    assert formats.format_value(0.147, "pct") == "14.7%" and formats.format_value(1.0, "count") == "1"


def test_round_noise_drops_binary_noise_and_keeps_real_digits():
    assert formats.round_noise(31.400000000000002) == 31.4
    assert repr(formats.round_noise(100.00000000000001)) == "100.0"
    assert formats.round_noise(0.1 + 0.2) == 0.3
    values = np.array([123456.789012, 1e-9 * 1.23456789, -2.675, 0.0, np.nan, np.inf, 1e300, 5e-324])
    out = formats.round_noise(values)
    assert out[0] == 123456.789012 and out[1] == pytest.approx(1.23456789e-9, rel=1e-12) and out[2] == -2.675
    assert out[3] == 0 and np.isnan(out[4]) and np.isinf(out[5]) and out[6] == 1e300 and out[7] == 5e-324
    s = pd.Series([31.400000000000002, 2.0], index=[5, 6], name="x")
    rounded = formats.round_noise(s)
    assert rounded.tolist() == [31.4, 2.0] and rounded.index.tolist() == [5, 6] and rounded.name == "x"
