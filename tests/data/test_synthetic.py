"""Synthetic data: the real L.Point format, determinism, dirty rows counted exactly, planted truth exposed.

Everything runs on the tiny scale (≈ 3,000 product lines); files are parsed independently of the generator
(csv module / pandas on the raw text) so the recorded counts are checked against what is really in the files.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.data import synthetic as syn

START, END = "2018-04-01", "2018-09-30"
HEADERS = {
    "product": ["CLNT_ID", "SESS_ID", "HITS_SEQ", "PD_C", "PD_ADD_NM", "PD_BRA_NM", "PD_BUY_AM", "PD_BUY_CT"],
    "search1": ["CLNT_ID", "SESS_ID", "KWD_NM", "SEARCH_CNT"],
    "search2": ["SESS_DT", "KWD_NM", "SEARCH_CNT"],
    "custom": ["CLNT_ID", "CLNT_GENDER", "CLNT_AGE"],
    "session": ["CLNT_ID", "SESS_ID", "SESS_SEQ", "SESS_DT", "TOT_PAG_VIEW_CT", "TOT_SESS_HR_V", "DVC_CTG_NM",
                "ZON_NM", "CITY_NM"],
    "master": ["PD_C", "PD_NM", "CLAC1_NM", "CLAC2_NM", "CLAC3_NM"],
    "offline_purchases": ["CLNT_ID", "STORE_NM", "PURCHASE_DT", "CLAC1_NM", "AMOUNT", "CONSIDER_MIN", "NOTE"],
    "signup_survey": ["CLNT_ID", "SIGNUP_DT", "FAV_CATEGORY", "REASON", "CHANNEL"],
}
ORIGINAL = {
    "product": "제5회 Big Data Competition-분석용데이터-01.Pruduct.csv",
    "search1": "제5회 Big Data Competition-분석용데이터-02.Search1.csv",
    "search2": "제5회 Big Data Competition-분석용데이터-03.Search2.csv",
    "custom": "제5회 Big Data Competition-분석용데이터-04.Custom.csv",
    "session": "제5회 Big Data Competition-분석용데이터-05.Session.csv",
    "master": "제5회 Big Data Competition-분석용데이터-06.Master.csv",
}
SHORT = {"product": "01.Product.csv", "search1": "02.Search1.csv", "search2": "03.Search2.csv",
         "custom": "04.Custom.csv", "session": "05.Session.csv", "master": "06.Master.csv"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny")
    t0 = time.perf_counter()
    result = syn.generate(out, scale="tiny", seed=42)
    result.seconds = time.perf_counter() - t0
    return result


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return syn.generate(tmp_path_factory.mktemp("clean"), scale="tiny", seed=42, dirty=False, naming="short")


def _raw(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """Every field as the text in the file (empty fields stay empty strings)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)


def _rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.str.replace(",", "", regex=False), errors="coerce")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------------
# Files and format
# ------------------------------------------------------------------------------------------------

def test_original_names_and_exact_headers(tiny):
    for key, name in ORIGINAL.items():
        assert tiny.files[key] == tiny.out_dir / name
        assert tiny.files[key].is_file()
    for key, header in HEADERS.items():
        assert _rows(tiny.files[key])[0] == header, key
    for key in ("customers", "daily_intensity", "weather", "planted"):
        assert tiny.truth_files[key].is_file()
        assert tiny.truth_files[key].parent == tiny.out_dir / "_truth"


def test_short_names(clean):
    for key, name in SHORT.items():
        assert clean.files[key].name == name and clean.files[key].is_file()
        assert _rows(clean.files[key])[0] == HEADERS[key]
    assert not any("Pruduct" in p.name for p in clean.out_dir.iterdir())


def test_row_counts_match_files(tiny):
    for key, path in tiny.files.items():
        assert len(_rows(path)) - 1 == tiny.row_counts[key], key
    assert 2_500 <= tiny.row_counts["product"] <= 3_600       # "≈ 3,000 product lines"


def test_tiny_generates_fast(tiny):
    assert tiny.seconds < 10  # ≈ 1.5 s on a 2-core machine; generous for loaded CI


def test_same_arguments_same_bytes_and_seed_matters(tmp_path, tiny):
    again = syn.generate(tmp_path / "again", scale="tiny", seed=42)
    for key in tiny.files:
        assert _sha(tiny.files[key]) == _sha(again.files[key]), key
    assert _sha(tiny.truth_files["planted"]) == _sha(again.truth_files["planted"])
    assert _sha(tiny.truth_files["customers"]) == _sha(again.truth_files["customers"])
    other = syn.generate(tmp_path / "other", scale="tiny", seed=43)
    assert _sha(other.files["product"]) != _sha(tiny.files["product"])


def test_prices_are_quoted_text_with_thousands_separators(tiny):
    lines = tiny.files["product"].read_text(encoding="utf-8").splitlines()[1:]
    amount = r'"-?\d{1,3}(?:,\d{3})*"'
    tail = re.compile(rf',{amount},(?:\d+|"\d{{1,3}}(?:,\d{{3}})+")$')
    assert all(tail.search(line) for line in lines)            # PD_BUY_AM always quoted
    product = _raw(tiny.files["product"])
    assert product["PD_BUY_AM"].str.contains(",").mean() > 0.8  # "39,000"
    assert (product["PD_BUY_CT"].str.contains(",")).sum() == tiny.quirks["product_quantity_with_separator"]
    assert tiny.quirks["product_quantity_with_separator"] >= 1  # "1,440"-style quantities
    session = _raw(tiny.files["session"])
    assert session["TOT_SESS_HR_V"].str.contains(",").any()    # "1,890"
    assert set(session["SESS_DT"].str.len()) == {8}             # YYYYMMDD integers
    assert session["TOT_PAG_VIEW_CT"].replace("", np.nan).dropna().str.fullmatch(r"\d+\.0").all()
    search2 = _raw(tiny.files["search2"])
    assert search2["SEARCH_CNT"].str.contains(",").sum() == tiny.quirks["search2_count_with_separator"] > 0
    search1 = _raw(tiny.files["search1"])
    assert search1["SEARCH_CNT"].str.fullmatch(r"\d+").all()


def test_zero_padded_ids(tiny):
    product = _raw(tiny.files["product"])
    for col, quirk in (("CLNT_ID", "product_zero_padded_clnt_id"), ("SESS_ID", "product_zero_padded_sess_id"),
                       ("PD_C", "product_zero_padded_pd_c")):
        padded = product[col].str.startswith("0")
        assert padded.sum() == tiny.quirks[quirk] > 0, col
        assert (product.loc[padded, col].astype(int) > 0).all()
    master = _raw(tiny.files["master"])
    assert master["PD_C"].str.startswith("0").sum() == tiny.quirks["master_zero_padded_pd_c"]
    assert master["PD_C"].astype(int).is_unique


def test_sess_id_reused_across_clients_but_unique_per_client(tiny):
    session = _raw(tiny.files["session"])
    session["c"], session["s"] = session["CLNT_ID"].astype(int), session["SESS_ID"].astype(int)
    assert (session.groupby("s")["c"].nunique() > 1).any()
    assert not session.duplicated(["c", "s"]).any()


def test_joins_are_complete(tiny):
    product, session, master = (_raw(tiny.files[k]) for k in ("product", "session", "master"))
    keys = set(zip(session["CLNT_ID"].astype(int), session["SESS_ID"].astype(int)))
    line_keys = list(zip(product["CLNT_ID"].astype(int), product["SESS_ID"].astype(int)))
    # As in the real files, 15 % of the lines belong to sessions without a Session row (counted exactly).
    missing = [k for k in line_keys if k not in keys]
    assert len(set(missing)) == tiny.quirks["sessions_without_row"] > 0
    assert len(missing) == tiny.quirks["product_lines_without_session"]
    assert abs(len(missing) / len(line_keys) - syn.SESSIONLESS_LINE_SHARE) < 0.02
    assert set(product["PD_C"].astype(int)) <= set(master["PD_C"].astype(int))
    search1 = _raw(tiny.files["search1"])
    assert set(zip(search1["CLNT_ID"].astype(int), search1["SESS_ID"].astype(int))) <= keys | set(line_keys)
    assert not search1.assign(c=search1["CLNT_ID"].astype(int), s=search1["SESS_ID"].astype(int)).duplicated(
        ["c", "s", "KWD_NM"]).any()


def test_master_names_with_commas_quotes_and_markers_parse(tiny):
    rows = _rows(tiny.files["master"])[1:]
    assert all(len(r) == 5 for r in rows)
    names = [r[1] for r in rows]
    assert any("," in n for n in names)
    assert any('"' in n for n in names)
    assert any(re.search(r"◈\d+◈$", n) for n in names)
    assert any(n.startswith("=") for n in names)
    assert {r[2] for r in rows} <= set(syn.CATEGORIES)
    raw = tiny.files["master"].read_text(encoding="utf-8")
    assert re.search(r',"[^"\n]*,[^"\n]*",', raw)                # commas are CSV-quoted


def test_category_tables_have_the_documented_sizes():
    assert len(syn.CATEGORIES) == 37
    assert abs(sum(syn.CLAC1_SHARES.values()) - 100) < 1
    assert sum(len(v) for v in syn.CLAC2_BY_CLAC1.values()) == 128
    clac2, _, clac3, _ = syn._clac_tables()
    assert len(set(clac2)) == 128 and len(set(clac3)) == 898
    assert sum(len(v) for v in syn.CITIES.values()) >= 150 and len(syn.REGION_SHARES) == 16


def test_shares_roughly_right(tiny):
    product, master, custom, session = (_raw(tiny.files[k]) for k in ("product", "master", "custom", "session"))
    product = product[product["HITS_SEQ"].astype(int) > 1]
    cat = product["PD_C"].astype(int).map(dict(zip(master["PD_C"].astype(int), master["CLAC1_NM"])))
    shares = cat.value_counts(normalize=True) * 100
    for name in ("여성의류", "화장품/뷰티케어", "스포츠패션", "남성의류", "패션잡화"):
        assert shares[name] == pytest.approx(syn.CLAC1_SHARES[name], rel=0.45), name
    assert (custom["CLNT_GENDER"] == "F").mean() == pytest.approx(0.85, abs=0.06)
    assert custom["CLNT_AGE"].isin(["30", "40"]).mean() == pytest.approx(0.79, abs=0.08)
    assert (session["DVC_CTG_NM"] == "mobile").mean() == pytest.approx(0.844, abs=0.05)
    assert (session["ZON_NM"] == "Seoul").mean() == pytest.approx(0.376, abs=0.07)
    buyers = set(product["CLNT_ID"].astype(int))
    assert len(buyers & set(custom["CLNT_ID"].astype(int))) / len(buyers) == pytest.approx(0.73, abs=0.07)
    assert len(session) / session["CLNT_ID"].astype(int).nunique() == pytest.approx(2.9, abs=0.4)
    counts = _raw(tiny.files["search1"])["SEARCH_CNT"].astype(int)
    assert counts.median() == 1 and counts.mean() == pytest.approx(1.9, abs=0.3)
    views = pd.to_numeric(session["TOT_PAG_VIEW_CT"], errors="coerce")
    assert views.quantile(0.5) == pytest.approx(55, rel=0.25) and views.max() <= 500 and views.min() >= 1


# ------------------------------------------------------------------------------------------------
# Dirty rows: recorded counts equal what is in the files
# ------------------------------------------------------------------------------------------------

def _count_dirty(result) -> dict[str, int]:
    start, end = result.truth["params"]["start_date"], result.truth["params"]["end_date"]
    product, master, custom, session, offline = (
        _raw(result.files[k]) for k in ("product", "master", "custom", "session", "offline_purchases"))
    am, ct = _num(product["PD_BUY_AM"]), _num(product["PD_BUY_CT"])
    cat = product["PD_C"].astype(int).map(dict(zip(master["PD_C"].astype(int), master["CLAC1_NM"])))
    rows = _rows(result.files["product"])[1:]
    revenue = (am * ct).groupby([product["CLNT_ID"].astype(int), product["SESS_ID"].astype(int)]).sum()
    big_lines = (am * ct >= 50_000_000).sum()
    dates = pd.to_datetime(session["SESS_DT"], format="%Y%m%d")
    return {
        "hits_seq_1": int((product["HITS_SEQ"].astype(int) == 1).sum()),
        "duplicate_product_rows": len(rows) - len({tuple(r) for r in rows}),
        "negative_amount": int((am < 0).sum()),
        "price_div1000": int((cat.isin(syn.PRICE_DIV1000_CATEGORIES) & (am > 0) & (am < 10_000)).sum()),
        "outlier_session": int(big_lines) if (revenue >= 50_000_000).sum() == 1 else -1,
        "custom_age_99": int((custom["CLNT_AGE"] == "99").sum()),
        "custom_gender_x": int((custom["CLNT_GENDER"] == "X").sum()),
        "session_device_smarttv": int((session["DVC_CTG_NM"] == "smartTV").sum()),
        "session_outside_window": int(((dates < start) | (dates > end)).sum()),
        "session_empty_time": int((session["TOT_SESS_HR_V"] == "").sum()),
        "session_nan_page_views": int((session["TOT_PAG_VIEW_CT"] == "").sum()),
        "offline_negative_amount": int((offline["AMOUNT"].astype(int) < 0).sum()),
        "offline_unknown_category": int((~offline["CLAC1_NM"].isin(syn.CATEGORIES)).sum()),
    }


def test_dirty_counts_match_the_files(tiny):
    assert set(tiny.dirty) == set(syn.DIRTY_RULES)
    assert _count_dirty(tiny) == tiny.dirty
    for rule in ("hits_seq_1", "duplicate_product_rows", "negative_amount", "outlier_session", "custom_age_99",
                 "custom_gender_x", "session_device_smarttv", "session_outside_window", "session_empty_time",
                 "session_nan_page_views", "offline_negative_amount", "offline_unknown_category"):
        assert tiny.dirty[rule] > 0, rule
    assert tiny.truth["dirty"] == tiny.dirty
    out = tiny.truth["dirty_details"]["outlier_session"]
    product = _raw(tiny.files["product"])
    ids = product["CLNT_ID"].astype(int), product["SESS_ID"].astype(int)
    sess = product[(ids[0] == out["CLNT_ID"]) & (ids[1] == out["SESS_ID"])]
    total = (_num(sess["PD_BUY_AM"]) * _num(sess["PD_BUY_CT"])).sum()
    assert 90_000_000 <= total <= 130_000_000


def test_hits_seq_rate_is_realistic(tiny):
    assert tiny.dirty["hits_seq_1"] / tiny.row_counts["product"] == pytest.approx(0.001, abs=0.0015)


def test_price_div1000_rows_repairable(tmp_path):
    # Small scales may hold no eligible line; the sample-size rate is checked on a longer tiny window.
    res = syn.generate(tmp_path / "long", scale="tiny", start_date="2018-01-01", end_date="2019-06-30")
    product, master = _raw(res.files["product"]), _raw(res.files["master"])
    am = _num(product["PD_BUY_AM"])
    cat = product["PD_C"].astype(int).map(dict(zip(master["PD_C"].astype(int), master["CLAC1_NM"])))
    bad = cat.isin(syn.PRICE_DIV1000_CATEGORIES) & (am > 0) & (am < 10_000)
    assert bad.sum() == res.dirty["price_div1000"] > 0
    # Every such product also appears at its true price, 1000 times the recorded one.
    for pd_c, price in zip(product.loc[bad, "PD_C"].astype(int), am[bad]):
        same = am[(product["PD_C"].astype(int) == pd_c) & (am >= 10_000)]
        assert (same == price * 1000).any()
    # Genuine prices in the checked categories never fall below the floor.
    floored = cat.isin(syn._FLOORED_CATEGORIES) & ~bad & (am > 0)
    assert (am[floored] >= syn.PRICE_FLOOR_EXPENSIVE).all()


def test_clean_data_has_no_dirty_rows(clean):
    assert all(v == 0 for v in clean.dirty.values())
    counted = _count_dirty(clean)
    assert counted.pop("outlier_session") == -1   # no session near 100 M at all
    assert all(v == 0 for v in counted.values()), counted


# ------------------------------------------------------------------------------------------------
# Planted truth
# ------------------------------------------------------------------------------------------------

def test_planted_patterns_exposed():
    assert syn.PLANTED_PATTERNS == {
        "여성의류": "1101", "패션잡화": "1101", "스포츠패션": "1101", "건강식품": "1111", "화장품/뷰티케어": "0011",
        "남성의류": "0000", "속옷/양말/홈웨어": "0000", "유아동의류": "0000", "출산/육아용품": "0000",
        "퍼스널케어": "0010"}
    assert syn.PATTERN_VARIABLES == ("TOT_SESS_HR_V", "TOT_PAG_VIEW_CT", "SEARCH_CNT", "PD_BUY_AM")
    for var, eff in syn.PATTERN_EFFECTS.items():
        assert eff["low"] < 1 < eff["high"], var
    mult = syn._pattern_multipliers()
    assert mult.shape == (37, 4)
    neutral = [i for i, c in enumerate(syn.CATEGORIES) if c not in syn.PLANTED_PATTERNS]
    assert len(neutral) == 27


def test_planted_weekday_factors_exposed():
    f = syn.PLANTED_WEEKDAY_FACTORS
    assert set(f) == set(syn.CATEGORIES)
    for cat, values in f.items():
        assert len(values) == 7 and sum(values) == pytest.approx(7, abs=1e-9), cat
    report = np.array(syn.REPORT_WEEKDAY_FACTORS_WOMEN)      # Mon..Sun: 1.089 ... Sun 1.073
    assert report[0] == 1.089 and report[6] == 1.073
    assert np.allclose(f["여성의류"], 1 + 2 * (report - 1))
    assert len({tuple(v) for v in f.values()}) >= 5           # shapes vary across categories


def test_planted_json_and_customer_truth(tiny):
    planted = json.loads(tiny.truth_files["planted"].read_text(encoding="utf-8"))
    assert planted == tiny.truth
    assert planted["patterns"]["planted"] == syn.PLANTED_PATTERNS
    assert planted["weekday_factors"]["여성의류"] == list(syn.PLANTED_WEEKDAY_FACTORS["여성의류"])
    assert planted["row_counts"] == tiny.row_counts
    customers = pd.read_parquet(tiny.truth_files["customers"])
    assert {"CLNT_ID", "FAVOURITE_CLAC1"} <= set(customers.columns)
    assert customers["FAVOURITE_CLAC1"].isin(syn.CATEGORIES).all()
    product = _raw(tiny.files["product"])
    assert set(product["CLNT_ID"].astype(int)) <= set(customers["CLNT_ID"])
    # Clients without a Custom row still have a favourite.
    custom_ids = set(_raw(tiny.files["custom"])["CLNT_ID"].astype(int))
    non_members = customers[~customers["CLNT_ID"].isin(custom_ids)]
    assert len(non_members) > 0 and non_members["FAVOURITE_CLAC1"].notna().all()
    # About half of a client's lines are in the favourite.
    assert 0.45 <= planted["favourite_line_share_realised"] <= 0.65
    intensity = pd.read_parquet(tiny.truth_files["daily_intensity"])
    assert len(intensity) == 37 * 183 and set(intensity["category"]) == set(syn.CATEGORIES)
    chuseok = intensity[(intensity["category"] == "여성의류") & (intensity["date"] == "2018-09-24")]
    assert chuseok["holiday_factor"].iloc[0] == syn.HOLIDAY_FACTORS["major"]


def test_favourites_follow_demographics(tiny):
    customers = pd.read_parquet(tiny.truth_files["customers"])
    men = customers[customers["CLNT_GENDER"] == "M"]
    women_30 = customers[(customers["CLNT_GENDER"] == "F") & (customers["CLNT_AGE"] == 30)]
    assert men["FAVOURITE_CLAC1"].isin(["남성의류", "스포츠패션"]).mean() > 0.45
    assert women_30["FAVOURITE_CLAC1"].isin(["남성의류"]).mean() < 0.05


def test_value_grades_all_possible(tiny):
    product, session = _raw(tiny.files["product"]), _raw(tiny.files["session"])
    product = product[(product["HITS_SEQ"].astype(int) > 1) & (_num(product["PD_BUY_AM"]) > 0)]
    product = product.assign(c=product["CLNT_ID"].astype(int), s=product["SESS_ID"].astype(int),
                             rev=_num(product["PD_BUY_AM"]) * _num(product["PD_BUY_CT"]))
    session = session.assign(c=session["CLNT_ID"].astype(int), s=session["SESS_ID"].astype(int),
                             dt=pd.to_datetime(session["SESS_DT"], format="%Y%m%d"))
    lines = product.merge(session[["c", "s", "dt"]], on=["c", "s"])
    per = lines.groupby("c").agg(days=("dt", "nunique"), total=("rev", "sum"))
    assert (per["days"] == 1).mean() > 0.3                         # many one-day buyers
    assert (per["days"] >= 4).any()                                  # and some frequent ones
    assert 0.01 <= (per["total"] >= 1_000_000).mean() <= 0.10        # ≈ 4 % spend ≥ 1,000,000 KRW


# ------------------------------------------------------------------------------------------------
# Encodings, arguments, store files, weather
# ------------------------------------------------------------------------------------------------

def test_cp949_and_bom_variants(tmp_path, tiny):
    cp = syn.generate(tmp_path / "cp", scale="tiny", seed=42, encoding="cp949")
    bom = syn.generate(tmp_path / "bom", scale="tiny", seed=42, bom=True)
    for key, path in tiny.files.items():
        utf8 = path.read_bytes()
        assert cp.files[key].read_bytes().decode("cp949") == utf8.decode("utf-8"), key
        assert bom.files[key].read_bytes() == codecs.BOM_UTF8 + utf8, key
    with pytest.raises(UnicodeDecodeError):
        cp.files["master"].read_bytes().decode("utf-8")
    assert _rows(cp.files["product"], encoding="cp949")[0] == HEADERS["product"]


@pytest.mark.parametrize("kwargs, name", [
    ({"scale": "huge"}, "scale"),
    ({"scale": "Tiny"}, "scale"),
    ({"start_date": "2018-13-01"}, "start_date"),
    ({"end_date": "yesterday"}, "end_date"),
    ({"start_date": "2018-09-30", "end_date": "2018-04-01"}, "end_date"),
    ({"naming": "long"}, "naming"),
    ({"encoding": "latin-1"}, "encoding"),
    ({"encoding": "cp949", "bom": True}, "bom"),
    ({"seed": -1}, "seed"),
    ({"seed": "42"}, "seed"),
    ({"dirty": "yes"}, "dirty"),
])
def test_bad_arguments_name_the_parameter(tmp_path, kwargs, name):
    args = {"scale": "tiny", **kwargs}
    with pytest.raises(ValueError, match=name):
        syn.generate(tmp_path / "x", **args)


def test_store_files(tiny):
    offline, survey = _raw(tiny.files["offline_purchases"]), _raw(tiny.files["signup_survey"])
    online = (set(_raw(tiny.files["session"])["CLNT_ID"].astype(int))
              | set(_raw(tiny.files["product"])["CLNT_ID"].astype(int))
              | set(_raw(tiny.files["custom"])["CLNT_ID"].astype(int)))
    unknown = ~offline["CLNT_ID"].astype(int).isin(online)
    assert unknown.sum() == tiny.quirks["offline_unknown_ids"] > 0
    assert 0.03 <= unknown.mean() <= 0.2
    assert (~survey["CLNT_ID"].astype(int).isin(online)).sum() == tiny.quirks["survey_unknown_ids"] > 0
    assert pd.to_datetime(offline["PURCHASE_DT"], format="%Y-%m-%d").between(START, END).all()
    assert pd.to_numeric(offline["CONSIDER_MIN"]).gt(0).all()
    assert offline["AMOUNT"].str.fullmatch(r"-?\d+").all()
    assert offline["NOTE"].str.contains(",").any() and (offline["NOTE"] == "").any()
    assert survey["CLNT_ID"].is_unique
    assert set(survey["FAV_CATEGORY"]) <= {"의류", "화장품", "생활용품", "건강식품"}
    assert set(survey["REASON"]) <= {"저렴해서", "편리해서", "필수품이라서", "종류가 다양해서"}
    assert set(survey["CHANNEL"]) <= {"온라인", "오프라인", "오프라인 확인 후 온라인 구매",
                                      "온라인 확인 후 오프라인 구매"}
    pd.to_datetime(survey["SIGNUP_DT"], format="%Y-%m-%d")
    assert all(len(r) == 7 for r in _rows(tiny.files["offline_purchases"]))


def test_other_window(tmp_path):
    res = syn.generate(tmp_path / "jan", scale="tiny", start_date="2019-01-01", end_date="2019-01-31",
                       naming="short")
    session, search2 = _raw(res.files["session"]), _raw(res.files["search2"])
    dates = pd.to_datetime(session["SESS_DT"], format="%Y%m%d")
    inside = dates.between("2019-01-01", "2019-01-31")
    assert (~inside).sum() == res.dirty["session_outside_window"]
    assert pd.to_datetime(search2["SESS_DT"], format="%Y%m%d").between("2019-01-01", "2019-01-31").all()
    # Transactions scale with the window; Master and Custom do not.
    assert res.row_counts["product"] < 0.3 * syn.SCALES["tiny"]["product_lines"]
    assert res.row_counts["master"] == syn.SCALES["tiny"]["master"]
    assert res.row_counts["custom"] == syn.SCALES["tiny"]["members"]


def test_synthetic_weather():
    w = syn.synthetic_weather("2018-04-01", "2018-09-30", seed=42)
    assert list(w.columns) == ["date", "temp_mean", "rain_mm"] and len(w) == 183
    assert w["date"].iloc[0] == pd.Timestamp("2018-04-01")
    assert w.equals(syn.synthetic_weather("2018-04-01", "2018-09-30", seed=42))
    part = syn.synthetic_weather("2018-07-01", "2018-07-31", seed=42)
    assert part.reset_index(drop=True).equals(
        w[(w["date"] >= "2018-07-01") & (w["date"] <= "2018-07-31")].reset_index(drop=True))
    monthly = w.groupby(w["date"].dt.month).agg(t=("temp_mean", "mean"), r=("rain_mm", "sum"))
    assert monthly.loc[8, "t"] > monthly.loc[4, "t"] + 8
    assert monthly.loc[[7, 8], "r"].sum() > monthly.loc[[4, 5], "r"].sum()
    assert (w["rain_mm"] >= 0).all() and (w["rain_mm"] == 0).mean() > 0.4
    with pytest.raises(ValueError, match="end"):
        syn.synthetic_weather("2018-05-01", "2018-04-01")


def test_scales_defined_in_one_table():
    assert syn.VALID_SCALES == {"tiny", "sample", "full"}
    full, sample = syn.SCALES["full"], syn.SCALES["sample"]
    assert full["product_lines"] == 5_024_906 and full["search2"] == 8_051_172 and full["master"] == 847_652
    for key in ("product_lines", "product_sessions", "session_rows", "search1", "search2", "master", "clients",
                "members"):
        assert sample[key] == pytest.approx(0.02 * full[key], rel=0.01), key
