"""The synthetic data against the real files' figures (DATA.md, last section), without a full-scale generation.

Two checks: the generator's internal distributions (weekday factors, holiday and month factors, weights), and
one ``sample`` generation (2 % of full, seed 42) scaled ×50. Tolerances, stated per figure below, cover the
sample's noise (≈ 100 k lines) and what the generator does not model (e.g. September's higher value per line
from Chuseok gifts): monthly lines ±8 %, total revenue ±5 % and each month ±20 %, weekday profile ±0.06 with
Monday highest and Saturday lowest, Chuseok bottom ≤ −50 % and recovered by 09-26 (±15 %), CLAC1 row shares
±1.6 points, genders and age bands above 10 % ±7 % (50s ±12 %), devices mobile/desktop ±6 %, five largest
zones ±8 % (below 200 k rows ±12 %: a client's sessions share a region), member share ±1.5 points,
sessionless lines 15 % ±1 point, Product and Session rows ±3 %.
"""
from __future__ import annotations

import holidays
import numpy as np
import pandas as pd
import pytest

from helpers.data import synthetic as syn
from helpers.data.loader import load_dataset

SCALE_UP = 50  # sample = 2 % of full
REAL_MONTH_LINES = [765e3, 804e3, 784e3, 731e3, 594e3, 593e3]
REAL_MONTH_REVENUE = [40.46e9, 41.34e9, 41.12e9, 37.11e9, 33.60e9, 36.97e9]
REAL_WEEKDAY = np.array([783_059, 674_328, 665_858, 632_533, 562_808, 525_898, 652_031], float)  # Mon..Sun
REAL_PRODUCT_ROWS_PER_CLAC1 = {
    "여성의류": 677_199, "화장품/뷰티케어": 574_033, "스포츠패션": 564_355, "남성의류": 554_910, "패션잡화": 449_032,
    "속옷/양말/홈웨어": 417_473, "유아동의류": 341_572, "시즌스포츠": 150_424, "출산/육아용품": 141_512,
    "퍼스널케어": 132_992, "건강식품": 123_623, "원예/애완": 94_705,
}
REAL_GENDER = {"F": 570_616, "M": 101_063}
REAL_AGE = {30: 313_600, 40: 216_217, 20: 95_297, 50: 36_624}
REAL_DEVICE = {"mobile": 2_289_681, "desktop": 411_169}
REAL_ZONES = {"Seoul": 1_019_843, "Gyeonggi-do": 469_954, "Busan": 295_940, "Gyeongsangnam-do": 128_716,
              "Daegu": 116_707}


def _rel(a, b) -> float:
    return abs(a / b - 1)


# -- internal distributions (no generation) ------------------------------------------------------

def test_weekday_factors_make_the_real_profile():
    shares = np.array([syn.CLAC1_SHARES[c] for c in syn.CATEGORIES])
    factors = np.array([syn.PLANTED_WEEKDAY_FACTORS[c] for c in syn.CATEGORIES])
    profile = (shares[:, None] * factors).sum(axis=0) / shares.sum()
    real = REAL_WEEKDAY / REAL_WEEKDAY.mean()
    assert np.abs(profile / profile.mean() - real).max() < 0.03
    assert profile.argmax() == 0 and profile.argmin() == 5  # Monday highest, Saturday lowest


def test_holiday_and_month_factors_give_the_chuseok_dip_and_the_summer_decline():
    days = pd.date_range("2018-04-01", "2018-09-30")
    weather = syn.synthetic_weather("2018-04-01", "2018-09-30", 42)
    inten = syn._daily_intensity(days, weather, 42)["intensity"]
    shares = np.array([syn.CLAC1_SHARES[c] for c in syn.CATEGORIES])
    daily = pd.Series((inten / inten.sum(axis=1, keepdims=True) * shares[:, None]).sum(axis=0), index=days)
    base = daily["2018-08-27":"2018-09-16"].mean()
    dip = daily["2018-09-19":"2018-09-26"] / base - 1
    assert dip.min() <= -0.5 and abs(dip["2018-09-26"]) < 0.15
    month = daily.groupby(daily.index.month).sum()
    real = np.array(REAL_MONTH_LINES) / sum(REAL_MONTH_LINES)
    assert np.abs(month.to_numpy() / month.sum() / real - 1).max() < 0.08


def test_demographic_weights_are_the_real_counts():
    assert syn.GENDER_SHARES == REAL_GENDER
    assert {k: syn.AGE_SHARES[k] for k in REAL_AGE} == REAL_AGE
    assert {k: syn.DEVICE_SHARES[k] for k in REAL_DEVICE} == REAL_DEVICE
    assert {k: syn.REGION_SHARES[k] for k in REAL_ZONES} == REAL_ZONES


# -- one sample generation --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("calibration")
    syn.generate(root / "raw", scale="sample", seed=42)
    ds = load_dataset(root / "raw", "2018-04-01", "2018-09-30", cache_dir=root / "cache", progress=lambda *_: None)
    yield ds
    ds.close()


def test_monthly_lines_and_revenue(sample):
    p = sample.purchases()
    month = p.groupby(p["SESS_DT"].dt.month)["REVENUE"].agg(["size", "sum"]) * SCALE_UP
    for got, real in zip(month["size"], REAL_MONTH_LINES):
        assert _rel(got, real) < 0.08, (list(month["size"]), REAL_MONTH_LINES)
    for got, real in zip(month["sum"], REAL_MONTH_REVENUE):
        assert _rel(got, real) < 0.20, (list(month["sum"]), REAL_MONTH_REVENUE)
    assert _rel(month["sum"].sum(), sum(REAL_MONTH_REVENUE)) < 0.05


def test_weekday_profile_and_chuseok_dip(sample):
    daily = sample.purchases().groupby("SESS_DT").size()
    kr = holidays.KR(years=2018, categories=("public", "bank"))
    week = daily.index.isocalendar().week
    holiday_weeks = set(week[[d.date() in kr for d in daily.index]])
    plain = daily[~week.isin(holiday_weeks).to_numpy()]
    profile = plain.groupby(plain.index.day_of_week).sum()
    profile = profile / profile.mean()
    real = REAL_WEEKDAY / REAL_WEEKDAY.mean()
    assert np.abs(profile.to_numpy() - real).max() < 0.06
    assert profile.idxmax() == 0 and profile.idxmin() == 5
    base = daily["2018-08-27":"2018-09-16"].mean()
    dip = daily["2018-09-19":"2018-09-26"] / base - 1
    assert dip.min() <= -0.5 and abs(dip["2018-09-26"]) < 0.15


def test_category_shares_of_product_rows(sample):
    rows = pd.read_parquet(sample.paths["product"], columns=["PD_C"]).merge(
        pd.read_parquet(sample.paths["master"], columns=["PD_C", "CLAC1_NM"]), on="PD_C")
    share = rows["CLAC1_NM"].value_counts(normalize=True) * 100
    for cat, real in REAL_PRODUCT_ROWS_PER_CLAC1.items():
        assert abs(share[cat] - real / 5_024_906 * 100) < 1.6, (cat, share[cat])


def test_people_devices_regions_members_and_sessionless_lines(sample):
    custom = sample.customers()
    for g, real in REAL_GENDER.items():
        assert _rel((custom["CLNT_GENDER"] == g).sum() * SCALE_UP, real) < 0.07, g
    for a, real in REAL_AGE.items():
        assert _rel((custom["CLNT_AGE"] == a).sum() * SCALE_UP, real) < (0.07 if real > 60_000 else 0.12), a
    session = pd.read_parquet(sample.paths["session"])
    for d, real in REAL_DEVICE.items():
        assert _rel((session["DVC_CTG_NM"] == d).sum() * SCALE_UP, real) < 0.06, d
    for z, real in REAL_ZONES.items():
        assert _rel((session["ZON_NM"] == z).sum() * SCALE_UP, real) < (0.08 if real > 200_000 else 0.12), z
    product = pd.read_parquet(sample.paths["product"], columns=["CLNT_ID"])
    assert abs(product["CLNT_ID"].drop_duplicates().isin(custom["CLNT_ID"]).mean() - 0.729) < 0.015
    assert abs(sample.sessionless_lines()["line_share"].iloc[0] - 0.15) < 0.01
    assert _rel(len(product) * SCALE_UP, 5_024_906) < 0.03 and _rel(len(session) * SCALE_UP, 2_712_907) < 0.03
