"""Shared fixtures: a hand-made raw data folder carrying every DATA.md quirk with known answers."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("MPLBACKEND", "Agg")

ORIGINAL = "제5회 Big Data Competition-분석용데이터-{num}.{name}.csv"
SHORT = "{num}.{name}.csv"

HEADERS = {
    ("01", "Pruduct", "Product"): ["CLNT_ID", "SESS_ID", "HITS_SEQ", "PD_C", "PD_ADD_NM", "PD_BRA_NM", "PD_BUY_AM",
                                   "PD_BUY_CT"],
    ("02", "Search1", "Search1"): ["CLNT_ID", "SESS_ID", "KWD_NM", "SEARCH_CNT"],
    ("03", "Search2", "Search2"): ["SESS_DT", "KWD_NM", "SEARCH_CNT"],
    ("04", "Custom", "Custom"): ["CLNT_ID", "CLNT_GENDER", "CLNT_AGE"],
    ("05", "Session", "Session"): ["CLNT_ID", "SESS_ID", "SESS_SEQ", "SESS_DT", "TOT_PAG_VIEW_CT", "TOT_SESS_HR_V",
                                   "DVC_CTG_NM", "ZON_NM", "CITY_NM"],
    ("06", "Master", "Master"): ["PD_C", "PD_NM", "CLAC1_NM", "CLAC2_NM", "CLAC3_NM"],
}

ROWS = {
    "01": [
        ["101", "1", "2", "1", "색상:블랙|사이즈:160 / 1개", "[바비브라운]", "39,000", "1"],
        ["0101", "1", "3", "2", "(not set)", "에잇세컨즈", "12,000", "2"],        # zero-padded id
        ["101", "2", "5", "3", "(not set)", "한샘", "2,672,000", "1"],
        ["101", "2", "6", "3", "(not set)", "한샘", "2,672", "1"],                # ÷1000 error -> repaired
        ["102", "1", "2", "6", "(not set)", "폴로", "50,000", "1,440"],           # separator in count; outlier session
        ["102", "1", "1", "6", "(not set)", "폴로", "50,000", "1"],               # HITS_SEQ = 1 -> dropped
        ["101", "1", "2", "1", "색상:블랙|사이즈:160 / 1개", "[바비브라운]", "39,000", "1"],  # exact duplicate
        ["103", "3", "4", "4", "(not set)", "설화수", "-5,000", "1"],             # negative price -> dropped
        ["104", "4", "2", "1", "(not set)", "지오다노", "10,000", "1"],
        ["105", "5", "2", "4", "(not set)", "설화수", "30,000", "3"],
        ["101", "9", "2", "1", "(not set)", "지오다노", "10,000", "1"],           # session outside window
        ["101", "77", "2", "1", "(not set)", "지오다노", "10,000", "1"],          # no such session -> dropped
        ["101", "1", "7", "999", "(not set)", "?", "10,000", "1"],               # PD_C not in master -> dropped
    ],
    "02": [["101", "1", "원피스", "2"], ["101", "1", "블라우스", "1"], ["0102", "1", "셔츠", "3"]],
    "03": [["20180401", "원피스", "1,234"], ["20180402", "셔츠", "5"], ["20180402", "원피스", "6"]],
    "04": [["101", "F", "30"], ["102", "M", "20"], ["103", "X", "40"], ["104", "F", "99"]],
    "05": [
        ["101", "1", "1", "20180401", "55", "1,890", "mobile", "Seoul", "Gangnam-gu"],
        ["101", "2", "2", "20180415", "", "120", "desktop", "Seoul", "Gangnam-gu"],     # NaN page views
        ["0102", "1", "1", "20180402", "30", "", "mobile", "Busan", "Haeundae-gu"],     # empty seconds; SESS_ID reused
        ["103", "3", "1", "20180501", "12", "300", "tablet", "Gyeonggi-do", "Suwon-si"],
        ["104", "4", "3", "20180930", "80", "2,400", "mobile", "Daegu", "Suseong-gu"],
        ["105", "5", "1", "20180601", "40", "600", "smartTV", "Seoul", "Mapo-gu"],      # bad device -> NA
        ["101", "9", "0", "20170101", "5", "60", "mobile", "Seoul", "Gangnam-gu"],      # outside the window
    ],
    "06": [
        ["1", '=에잇세컨즈, "봄" 블라우스◈123◈', "여성의류", "여성의류상의", "블라우스"],
        ["2", "가죽 벨트, 블랙", "패션잡화", "남성화", "벨트"],
        ["3", "원목 식탁 6인용", "가구", "주방가구", "식탁"],
        ["4", "설화수 윤조에센스", "화장품/뷰티케어", "스킨케어", "에센스"],
        ["5", "소파", "가구", "거실가구", "소파"],
        ["6", "폴로 셔츠", "남성의류", "남성의류상의", "셔츠"],
        ["006", "폴로 셔츠 (중복)", "남성의류", "남성의류상의", "셔츠"],   # duplicate key -> first kept
    ],
}

# What the loader must report for the folder above (rule fragments -> rows).
EXPECTED = {
    "hits1": 1, "duplicate": 1, "negative": 1, "div1000": 1, "no_master": 1, "no_session": 1,
    "bad_gender": 1, "bad_age": 1, "bad_device": 1, "hr_sep": 2, "hr_empty": 1, "pv_nan": 1,
    "master_dup": 1, "outlier_sessions": 1, "outside_sessions": 1, "outside_lines": 1,
}


def write_raw_folder(folder: Path, *, naming: str = "original", encoding: str = "utf-8", bom: bool = False,
                     drop_column: tuple[str, str] | None = None, skip_table: str | None = None) -> Path:
    """Write the hand-made tables in the real format (optionally CP949, BOM, a missing column/table)."""
    folder.mkdir(parents=True, exist_ok=True)
    for (num, orig, short), header in HEADERS.items():
        if skip_table == num:
            continue
        name = (ORIGINAL if naming == "original" else SHORT).format(num=num, name=orig if naming == "original"
                                                                  else short)
        rows = [list(r) for r in ROWS[num]]
        cols = list(header)
        if drop_column and drop_column[0] == num:
            i = cols.index(drop_column[1])
            cols.pop(i)
            for r in rows:
                r.pop(i)
        enc = "utf-8-sig" if (bom and encoding == "utf-8") else encoding
        with open(folder / name, "w", encoding=enc, newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(cols)
            w.writerows(rows)
    return folder


@pytest.fixture
def raw_folder(tmp_path) -> Path:
    return write_raw_folder(tmp_path / "raw")


@pytest.fixture
def cache_dir(tmp_path) -> Path:
    return tmp_path / "cache"


def rows(df) -> list[tuple]:
    """A frame's rows as tuples, missing values as None (hand-written expectations compare to these)."""
    import pandas as pd
    return [tuple(None if pd.isna(v) else v for v in row) for row in df.itertuples(index=False)]
