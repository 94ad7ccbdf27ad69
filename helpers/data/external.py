"""External inputs of chapter 4: Korean holidays and daily Seoul weather.

Holidays come from the ``holidays`` package (public + bank categories, Korean names), which reproduces the
report's 2018 list and works for any year. Weather comes from a KMA ASOS daily CSV export when one is
given, otherwise from deterministic synthetic Seoul weather built on the 1981–2010 monthly normals
(``helpers.data.synthetic.synthetic_weather``). Every frame says which source it came from.
"""
from __future__ import annotations

from pathlib import Path

import holidays as holidays_pkg
import pandas as pd

from helpers.common.dates import parse_date
from helpers.common.errors import DataError
from helpers.data.loader import detect_encoding

KMA_COLUMNS = {"date": "일시", "temp_mean": "평균기온(°C)", "rain_mm": "일강수량(mm)"}


def korean_holidays(start_date, end_date) -> pd.DataFrame:
    """Korean public holidays and bank days off in the window.

    Returns
    -------
    DataFrame
        ``date`` (datetime64), ``name`` (Korean), sorted by date.
    """
    start, end = parse_date(start_date, "start_date"), parse_date(end_date, "end_date")
    kr = holidays_pkg.KR(years=range(start.year, end.year + 1), categories=("public", "bank"), language="ko")
    rows = [(pd.Timestamp(d), name) for d, name in kr.items() if start <= pd.Timestamp(d) <= end]
    return pd.DataFrame(rows, columns=["date", "name"]).sort_values("date", ignore_index=True)


def load_kma_asos(path: str | Path, *, encoding: str = "auto", station: int | None = None) -> pd.DataFrame:
    """Read a KMA ASOS daily export (Korean headers; empty precipitation means no rain).

    Returns
    -------
    DataFrame
        ``date``, ``temp_mean`` (°C), ``rain_mm`` (mm, 0 when empty).

    Raises
    ------
    DataError
        Missing file or columns, several stations without ``station``, unparseable dates, missing temperatures.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"weather_file '{path}' does not exist: give a KMA ASOS daily CSV or leave it empty "
                        "for synthetic weather.")
    enc = detect_encoding(path, encoding)
    raw = pd.read_csv(path, encoding="utf-8-sig" if enc == "utf-8" else "cp949", dtype=str)
    raw.columns = [c.strip() for c in raw.columns]
    missing = [c for c in KMA_COLUMNS.values() if c not in raw.columns]
    if missing:
        raise DataError(f"weather_file '{path}' lacks column(s) {', '.join(missing)}; it has "
                        f"{', '.join(raw.columns)}. Export ASOS daily data with 평균기온 and 일강수량.")
    if "지점" in raw.columns:
        stations = raw["지점"].dropna().unique()
        if station is not None:
            raw = raw[raw["지점"].astype(int) == int(station)]
        elif len(stations) > 1:
            raise DataError(f"weather_file '{path}' holds several stations ({', '.join(map(str, stations))}): "
                            "pass station=108 (Seoul) or another one.")
    out = pd.DataFrame({
        "date": pd.to_datetime(raw[KMA_COLUMNS["date"]].str.strip(), errors="coerce"),
        "temp_mean": pd.to_numeric(raw[KMA_COLUMNS["temp_mean"]], errors="coerce"),
        "rain_mm": pd.to_numeric(raw[KMA_COLUMNS["rain_mm"]], errors="coerce").fillna(0.0),
    })
    if out["date"].isna().any():
        bad = raw.loc[out["date"].isna(), KMA_COLUMNS["date"]].head(3).tolist()
        raise DataError(f"weather_file '{path}': column 일시 has values that are not dates (e.g. {bad}).")
    if out["temp_mean"].isna().any():
        days = out.loc[out["temp_mean"].isna(), "date"].dt.date.astype(str).head(5).tolist()
        raise DataError(f"weather_file '{path}': 평균기온(°C) is empty on {days}: fill or re-export those days.")
    return out.sort_values("date", ignore_index=True)


def weather(start_date, end_date, *, weather_file: str | Path | None = None, seed: int = 42
            ) -> tuple[pd.DataFrame, str]:
    """Daily weather for the window and a Korean label of its source.

    Returns
    -------
    (DataFrame, str)
        ``date, temp_mean, rain_mm`` for every day of the window, and the source description.
    """
    start, end = parse_date(start_date, "start_date"), parse_date(end_date, "end_date")
    if weather_file:
        df = load_kma_asos(weather_file)
        df = df[(df["date"] >= start) & (df["date"] <= end)]
        days = pd.date_range(start, end, freq="D")
        missing = days.difference(df["date"])
        if len(missing):
            raise DataError(f"weather_file '{weather_file}' lacks {len(missing)} day(s) of the window "
                            f"(first {missing[0].date()}): export the whole {start.date()}..{end.date()} range.")
        return df.reset_index(drop=True), f"기상청 ASOS 일자료 ({Path(weather_file).name})"
    from helpers.data.synthetic import synthetic_weather
    df = synthetic_weather(start.date().isoformat(), end.date().isoformat(), seed=seed)
    df = df[["date", "temp_mean", "rain_mm"]].copy()
    df["date"] = pd.to_datetime(df["date"])
    return df.reset_index(drop=True), "합성 서울 날씨 (1981–2010 월평년값 기반, 결정적 생성 — 실측 아님)"


def calendar(start_date, end_date, *, weather_file: str | Path | None = None, seed: int = 42
             ) -> tuple[pd.DataFrame, str]:
    """One row per day: ``date, weekday, holiday (0/1), holiday_name, temp_mean, rain_mm`` + weather source."""
    start, end = parse_date(start_date, "start_date"), parse_date(end_date, "end_date")
    days = pd.DataFrame({"date": pd.date_range(start, end, freq="D")})
    hol = korean_holidays(start, end).groupby("date", as_index=False)["name"].agg(" / ".join)
    cal = days.merge(hol, on="date", how="left").rename(columns={"name": "holiday_name"})
    cal["holiday"] = cal["holiday_name"].notna().astype(int)
    cal["weekday"] = cal["date"].dt.day_of_week
    w, source = weather(start, end, weather_file=weather_file, seed=seed)
    cal = cal.merge(w, on="date", how="left")
    return cal[["date", "weekday", "holiday", "holiday_name", "temp_mean", "rain_mm"]], source


def forecast_calendar(start_date, end_date, *, future_days: int = 0, weather_file: str | Path | None = None,
                      seed: int = 42) -> tuple[pd.DataFrame, str]:
    """Calendar of the window plus ``future_days`` after it, for forecasting.

    Holidays are exact for every day. Weather of the window comes from :func:`weather`; the days after
    ``end_date`` have no observation yet, so they get the window's mean per calendar month (climatology,
    falling back to the overall mean), flagged in ``weather_observed``.
    """
    start, end = parse_date(start_date, "start_date"), parse_date(end_date, "end_date")
    if future_days < 0:
        raise DataError(f"future_days={future_days}: use 0 or more days.")
    cal, source = calendar(start, end, weather_file=weather_file, seed=seed)
    cal["weather_observed"] = True
    if future_days:
        fut_end = end + pd.Timedelta(days=future_days)
        fut = calendar(end + pd.Timedelta(days=1), fut_end, seed=seed)[0]
        month_mean = cal.groupby(cal["date"].dt.month)[["temp_mean", "rain_mm"]].mean()
        for col in ("temp_mean", "rain_mm"):
            fut[col] = fut["date"].dt.month.map(month_mean[col]).fillna(cal[col].mean()).to_numpy()
        fut["weather_observed"] = False
        cal = pd.concat([cal, fut], ignore_index=True)
        source += f" · 이후 {future_days}일은 기간 내 월평균(기후값)"
    return cal, source
