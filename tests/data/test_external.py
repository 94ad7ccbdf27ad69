"""Holidays reproduce the report's 2018 list; the KMA loader reads real exports; weather is labelled."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.common.errors import DataError
from helpers.data import external

REPORT_2018 = {  # the report's table (네이버 캘린더 + 근로자의날), 2018-04..09
    "2018-05-01": "근로자의날", "2018-05-05": "어린이날", "2018-05-07": "대체", "2018-05-22": "부처님오신날",
    "2018-06-06": "현충일", "2018-06-13": "지방선거", "2018-08-15": "광복절", "2018-09-23": "추석",
    "2018-09-24": "추석", "2018-09-25": "추석", "2018-09-26": "대체",
}


def test_holidays_reproduce_report_2018():
    h = external.korean_holidays("2018-04-01", "2018-09-30")
    got = dict(zip(h["date"].dt.strftime("%Y-%m-%d"), h["name"]))
    assert set(got) == set(REPORT_2018)
    for day, fragment in REPORT_2018.items():
        assert fragment in got[day], (day, got[day])


def test_holidays_any_year_and_calendar_flags():
    h = external.korean_holidays("2019-01-01", "2019-12-31")
    assert pd.Timestamp("2019-09-13") in set(h["date"])  # 추석 2019
    cal, source = external.calendar("2018-09-20", "2018-09-30")
    assert len(cal) == 11 and cal.loc[cal.date == "2018-09-24", "holiday"].item() == 1
    assert cal.loc[cal.date == "2018-09-27", "holiday"].item() == 0
    assert "합성" in source and cal["temp_mean"].notna().all() and (cal["rain_mm"] >= 0).all()


def _kma(path, encoding="cp949", rows=None):
    rows = rows or [("108", "서울", "2018-07-01", "24.5", "12.5"), ("108", "서울", "2018-07-02", "26.1", ""),
                    ("108", "서울", "2018-07-03", "27.0", "0.3")]
    lines = ["지점,지점명,일시,평균기온(°C),일강수량(mm)"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_kma_loader_reads_cp949_and_empty_rain_is_zero(tmp_path):
    df = external.load_kma_asos(_kma(tmp_path / "asos.csv"))
    assert list(df.columns) == ["date", "temp_mean", "rain_mm"]
    assert df["rain_mm"].tolist() == [12.5, 0.0, 0.3] and df["temp_mean"].iloc[1] == 26.1
    w, source = external.weather("2018-07-01", "2018-07-03", weather_file=tmp_path / "asos.csv")
    assert "기상청" in source and len(w) == 3


def test_kma_loader_errors_name_the_problem(tmp_path):
    with pytest.raises(DataError, match="lacks 1 day"):
        external.weather("2018-07-01", "2018-07-04", weather_file=_kma(tmp_path / "a.csv"))
    bad = tmp_path / "b.csv"
    bad.write_text("지점,일시,기온\n108,2018-07-01,20\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"lacks column\(s\) 평균기온"):
        external.load_kma_asos(bad)
    with pytest.raises(DataError, match="does not exist"):
        external.load_kma_asos(tmp_path / "none.csv")


def test_forecast_calendar_extends_with_exact_holidays_and_climatology(tmp_path):
    path = _kma(tmp_path / "asos.csv", rows=[("108", "서울", f"2018-09-{d:02d}", str(20 + d % 3), "1.0" if d % 2 else "")
                                              for d in range(1, 31)])
    cal, source = external.forecast_calendar("2018-09-01", "2018-09-30", future_days=10, weather_file=path)
    assert len(cal) == 40 and cal["weather_observed"].sum() == 30
    future = cal[~cal["weather_observed"]]
    assert future.loc[future.date == "2018-10-03", "holiday"].item() == 1  # 개천절
    # October is not in the window: fall back to the window's mean
    assert future["temp_mean"].eq(cal.loc[cal.weather_observed, "temp_mean"].mean()).all()
    assert "기후값" in source
