"""Loader: finds the files, handles every DATA.md quirk, logs each repair, caches, fails clearly."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import EXPECTED, write_raw_folder

from helpers.common.errors import DataError
from helpers.data import loader
from helpers.data.loader import load_dataset

START, END = "2018-04-01", "2018-09-30"


def _rows(log: pd.DataFrame, fragment: str, table: str | None = None) -> int:
    hit = log[log["rule"].str.contains(fragment, regex=False)]
    if table:
        hit = hit[hit["table"] == table]
    assert len(hit) == 1, f"expected one log rule containing {fragment!r}, got {hit.to_dict('records')}"
    return int(hit["rows"].iloc[0])


@pytest.fixture
def ds(raw_folder, cache_dir):
    d = load_dataset(raw_folder, START, END, cache_dir=cache_dir, progress=lambda *_: None)
    yield d
    d.close()


def test_cleaning_log_counts_every_quirk(ds):
    log = ds.cleaning_log
    assert set(log.columns) == {"table", "rule", "rows", "action"}
    assert _rows(log, "HITS_SEQ = 1") == EXPECTED["hits1"]
    assert _rows(log, "완전히 같은 중복 행", "product") == EXPECTED["duplicate"]
    assert _rows(log, "PD_BUY_AM 음수") == EXPECTED["negative"]
    assert _rows(log, "÷1000") == EXPECTED["div1000"]
    assert _rows(log, "Master에 없음") == EXPECTED["no_master"]
    assert _rows(log, "Session에 없음 — 날짜 없음") == EXPECTED["no_session"]
    assert _rows(log, "성별이 F/M 아님") == EXPECTED["bad_gender"]
    assert _rows(log, "연령대가 10..80 아님") == EXPECTED["bad_age"]
    assert _rows(log, "기기가") == EXPECTED["bad_device"]
    assert _rows(log, "TOT_SESS_HR_V 천 단위") == EXPECTED["hr_sep"]
    assert _rows(log, "TOT_SESS_HR_V 빈 값") == EXPECTED["hr_empty"]
    assert _rows(log, "TOT_PAG_VIEW_CT 결측") == EXPECTED["pv_nan"]
    assert _rows(log, "중복 키(PD_C)") == EXPECTED["master_dup"]
    assert _rows(log, "이상치") == EXPECTED["outlier_sessions"]
    assert _rows(log, "기간", "session") == EXPECTED["outside_sessions"]
    assert _rows(log, "기간", "product") == EXPECTED["outside_lines"]
    # separators are counted when values are read: every price text but the negative one (dropped there)
    assert _rows(log, "PD_BUY_AM 천 단위") == 12
    assert _rows(log, "PD_BUY_CT 천 단위") == 1
    acc = ds.accounting().set_index("table")
    assert (acc["raw_rows"] == acc["set_aside"] + acc["dropped"] + acc["clean_rows"]).all()
    assert acc.loc["product", "raw_rows"] == 13 and acc.loc["product", "clean_rows"] == 10


def test_purchases_view_values(ds):
    p = ds.purchases().sort_values(["CLNT_ID", "SESS_ID", "HITS_SEQ"]).reset_index(drop=True)
    # 13 raw lines - hits1 - dup - negative - no session - outside window = 8 (no master: kept as (미분류))
    assert len(p) == 8
    unclassified = p[p.PD_C == 999].iloc[0]
    assert unclassified.CLAC1_NM == "(미분류)" and unclassified.REVENUE == 10_000
    assert p["CLNT_ID"].dtype == "int64" and p["SESS_DT"].dtype.kind == "M"
    first = p.iloc[0]
    assert (first.CLNT_ID, first.SESS_ID, first.PD_BUY_AM, first.REVENUE) == (101, 1, 39000.0, 39000.0)
    assert first.TOT_SESS_HR_V == 1890.0 and first.SEARCH_CNT == 3 and first.CLAC1_NM == "여성의류"
    assert first.AGE_GENDER == "30F"
    repaired = p[(p.SESS_ID == 2) & (p.HITS_SEQ == 6)].iloc[0]
    assert repaired.PD_BUY_AM == 2_672_000
    big = p[p.CLNT_ID == 102].iloc[0]
    assert big.PD_BUY_CT == 1440 and big.REVENUE == 72_000_000 and big.SEARCH_CNT == 3
    assert pd.isna(big.TOT_SESS_HR_V)
    c103 = p[p.CLNT_ID == 103]
    assert c103.empty  # its only line had a negative price
    c104 = p[p.CLNT_ID == 104].iloc[0]
    assert c104.CLNT_GENDER == "F" and pd.isna(c104.CLNT_AGE) and pd.isna(c104.AGE_GENDER)
    c105 = p[p.CLNT_ID == 105].iloc[0]
    assert pd.isna(c105.CLNT_GENDER) and pd.isna(c105.DVC_CTG_NM) and c105.REVENUE == 90_000


def test_sessions_and_search(ds):
    s = ds.sessions().set_index(["CLNT_ID", "SESS_ID"])
    assert len(s) == 6  # the 2017 session is outside the window
    assert s.loc[(101, 1), "SEARCH_CNT"] == 3 and s.loc[(101, 2), "SEARCH_CNT"] == 0
    assert pd.isna(s.loc[(101, 2), "TOT_PAG_VIEW_CT"])
    kw = ds.keyword_counts("search2").set_index("KWD_NM")["SEARCH_CNT"]
    assert kw["원피스"] == 1240 and kw["셔츠"] == 5
    master_names = pd.read_parquet(ds.paths["master"]).set_index("PD_C")["PD_NM"]
    assert master_names[1] == '=에잇세컨즈, "봄" 블라우스◈123◈'
    assert master_names[6] == "폴로 셔츠"  # first of the duplicated key kept


def test_daily_revenue_is_zero_filled(ds):
    d = ds.daily_revenue()
    days = (pd.Timestamp(END) - pd.Timestamp(START)).days + 1
    assert d.groupby("category").size().eq(days).all()
    w = d[(d.category == "여성의류")].set_index("date")["revenue"]
    assert w[pd.Timestamp("2018-04-01")] == 39000 and w[pd.Timestamp("2018-09-30")] == 10000
    assert w[pd.Timestamp("2018-04-02")] == 0


@pytest.mark.parametrize("naming,encoding,bom", [("short", "utf-8", False), ("original", "utf-8", True),
                                                 ("short", "cp949", False)])
def test_names_encodings_bom(tmp_path, naming, encoding, bom):
    folder = write_raw_folder(tmp_path / "f", naming=naming, encoding=encoding, bom=bom)
    ds = load_dataset(folder, START, END, cache_dir=tmp_path / "c", progress=lambda *_: None)
    p = ds.purchases()
    assert len(p) == 8 and set(p["CLAC1_NM"]) >= {"여성의류", "화장품/뷰티케어"}
    enc = ds.fingerprint.table().set_index("table")["encoding"]
    # ASCII-only tables (Custom, Session) are valid UTF-8 either way; the Korean ones must be detected
    assert enc[["product", "search1", "master"]].eq("cp949" if encoding == "cp949" else "utf-8").all()
    ds.close()


def test_cache_is_reused_and_keyed_by_checksum(raw_folder, cache_dir):
    a = load_dataset(raw_folder, START, END, cache_dir=cache_dir, progress=lambda *_: None)
    assert not a.fingerprint.cache_hit
    b = load_dataset(raw_folder, START, END, cache_dir=cache_dir, progress=lambda *_: None)
    assert b.fingerprint.cache_hit and b.fingerprint.cache_key == a.fingerprint.cache_key
    pd.testing.assert_frame_equal(a.cleaning_log, b.cleaning_log)
    # touching a file's content changes the key
    f = next(raw_folder.glob("*04.Custom.csv"))
    f.write_text(f.read_text(encoding="utf-8") + "106,M,40\n", encoding="utf-8")
    c = load_dataset(raw_folder, START, END, cache_dir=cache_dir, progress=lambda *_: None)
    assert not c.fingerprint.cache_hit and c.fingerprint.cache_key != a.fingerprint.cache_key
    for d in (a, b, c):
        d.close()


def test_missing_table_names_the_file(tmp_path):
    folder = write_raw_folder(tmp_path / "f", skip_table="05")
    with pytest.raises(DataError, match=r"table 05 Session"):
        load_dataset(folder, START, END, cache_dir=tmp_path / "c", progress=lambda *_: None)


def test_missing_column_names_file_and_column(tmp_path):
    folder = write_raw_folder(tmp_path / "f", drop_column=("01", "PD_BUY_AM"))
    with pytest.raises(DataError, match=r"01\.Pruduct\.csv.*lacks column\(s\) PD_BUY_AM"):
        load_dataset(folder, START, END, cache_dir=tmp_path / "c", progress=lambda *_: None)


def test_window_outside_data_and_bad_dates(raw_folder, cache_dir):
    with pytest.raises(DataError, match="covers 2017-01-01..2018-09-30"):
        load_dataset(raw_folder, "2018-04-01", "2018-10-31", cache_dir=cache_dir, progress=lambda *_: None)
    with pytest.raises(DataError, match="start_date 2018-09-01 is after end_date"):
        load_dataset(raw_folder, "2018-09-01", "2018-04-01", cache_dir=cache_dir, progress=lambda *_: None)
    with pytest.raises(DataError, match="end_date='2018-13-01' is not a date"):
        load_dataset(raw_folder, "2018-04-01", "2018-13-01", cache_dir=cache_dir, progress=lambda *_: None)


def test_window_without_sessions_is_a_clear_error(raw_folder, cache_dir):
    # the data cover 2017-01-01..2018-09-30 (one 2017 session) but nothing happened in June 2017
    with pytest.raises(DataError, match=r"Table 05 session .* has no session in the window 2017-06-01..2017-06-30"):
        load_dataset(raw_folder, "2017-06-01", "2017-06-30", cache_dir=cache_dir, progress=lambda *_: None)


def test_missing_folder():
    with pytest.raises(DataError, match="is not a folder"):
        loader.find_tables("/nonexistent/lpoint")


def test_subwindow_restricts_rows(raw_folder, cache_dir):
    ds = load_dataset(raw_folder, "2018-04-01", "2018-04-30", cache_dir=cache_dir, progress=lambda *_: None)
    assert set(ds.purchases()["SESS_DT"].dt.month) == {4}
    assert len(ds.daily_revenue()["date"].unique()) == 30
    ds.close()


def test_clients_are_members_and_buyers(ds):
    c = ds.clients().set_index("CLNT_ID")
    assert list(c.index) == [101, 102, 103, 104, 105]
    assert c.loc[103, "buys"] == False and c.loc[105, "buys"] == True  # noqa: E712
    assert pd.isna(c.loc[105, "CLNT_GENDER"]) and c.loc[102, "CLNT_AGE"] == 20


def test_synthetic_folder_is_labelled(tmp_path):
    from helpers.data.loader import synthetic_dir
    folder, label = synthetic_dir(scale="tiny", seed=3, root=tmp_path / "syn", progress=lambda *_: None)
    ds = load_dataset(folder, START, END, cache_dir=tmp_path / "c", progress=lambda *_: None)
    assert ds.fingerprint.source == label and "synthetic tiny (seed 3" in label
    again, _ = synthetic_dir(scale="tiny", seed=3, root=tmp_path / "syn", progress=lambda *_: 1 / 0)
    assert again == folder  # generated once, reused without calling progress
    ds.close()


def _append(folder, pattern, line):
    f = next(folder.glob(pattern))
    f.write_text(f.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_wrong_types_are_counted_not_crashing(tmp_path):
    folder = write_raw_folder(tmp_path / "f")
    _append(folder, "*01.Pruduct.csv", '101,1,9,1,(not set),x,"n/a",1')        # price not a number
    _append(folder, "*01.Pruduct.csv", '101,1,10,1,(not set),x,"5,000",abc')   # quantity not a number
    _append(folder, "*01.Pruduct.csv", 'X12,1,11,1,(not set),x,"5,000",1')     # id not a number
    _append(folder, "*05.Session.csv", "106,6,1,2018-05-01,10,100,mobile,Seoul,Jung-gu")  # ISO, not YYYYMMDD
    _append(folder, "*04.Custom.csv", "107,F,서른")                              # age not a number
    ds = load_dataset(folder, START, END, cache_dir=tmp_path / "c", progress=lambda *_: None)
    log = ds.cleaning_log
    assert _rows(log, "PD_BUY_AM 숫자 아님") == 1 and _rows(log, "PD_BUY_AM 음수") == EXPECTED["negative"]
    assert _rows(log, "PD_BUY_CT 숫자 아님") == 1
    assert _rows(log, "CLNT_ID 숫자 아님", "product") == 1
    assert _rows(log, "SESS_DT YYYYMMDD 아닌 형식") == 1
    assert _rows(log, "CLNT_AGE 숫자 아님/음수/모호한 형식 → 결측") == 1
    assert _rows(log, "연령대가 10..80 아님") == EXPECTED["bad_age"] + 1
    assert len(ds.purchases()) == 8  # nothing else changed
    ds.close()


def test_schema_violation_names_file_and_column():
    from helpers.data import schemas
    bad = pd.DataFrame({"CLNT_ID": [1, 2], "CLNT_GENDER": ["F", "Q"], "CLNT_AGE": pd.array([30, 20], "Int64")})
    with pytest.raises(DataError, match=r"04\.Custom\.csv.*CLNT_GENDER.*isin.*Q"):
        schemas.validate_frame("custom", bad, "04.Custom.csv")
    neg = pd.DataFrame({"CLNT_ID": [1], "SESS_ID": [1], "HITS_SEQ": [2], "PD_C": [1], "PD_BUY_AM": [-1.0],
                        "PD_BUY_CT": [1]})
    with pytest.raises(DataError, match=r"PD_BUY_AM.*greater_than_or_equal_to"):
        schemas.validate_frame("product", neg, "01.Product.csv")


def test_bad_encoding_option_is_rejected(raw_folder, cache_dir):
    with pytest.raises(DataError, match="encoding='latin9' is not supported"):
        load_dataset(raw_folder, START, END, encoding="latin9", cache_dir=cache_dir, progress=lambda *_: None)


def _revenue_per_customer(*, min_lines: int = 1) -> str:
    return f"""SELECT CLNT_ID, count(*) AS lines, sum(REVENUE) AS revenue FROM purchases GROUP BY ALL
        HAVING count(*) >= {int(min_lines)} ORDER BY CLNT_ID"""


def test_query_runs_shared_sql_over_window_relations(ds):
    """Dataset.query returns the engine's aggregate: the same numbers as grouping the purchase lines in pandas."""
    got = ds.query(_revenue_per_customer)
    p = ds.purchases()
    want = p.groupby("CLNT_ID").agg(lines=("REVENUE", "size"), revenue=("REVENUE", "sum")).reset_index()
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert ds.query(_revenue_per_customer) is got  # memoised per query and parameters
    two = ds.query(_revenue_per_customer, min_lines=2)
    assert set(two["CLNT_ID"]) == set(want.loc[want["lines"] >= 2, "CLNT_ID"])
    clients = ds.query(lambda: "SELECT count(*) AS n FROM clients")
    assert clients["n"].iloc[0] == len(ds.clients())


def test_unknown_engine_is_a_clear_error(raw_folder, cache_dir, monkeypatch):
    """engine= and $HELPERS_ENGINE choose the engine; an unknown name says where it came from and what to use."""
    with pytest.raises(DataError, match="engine='oracle'.*duckdb, spark"):
        load_dataset(raw_folder, START, END, cache_dir=cache_dir, engine="oracle", progress=lambda *_: None)
    monkeypatch.setenv("HELPERS_ENGINE", "Oracle")
    with pytest.raises(DataError, match="HELPERS_ENGINE"):
        load_dataset(raw_folder, START, END, cache_dir=cache_dir, progress=lambda *_: None)


def _days_in_window(*, d, start: str = "2018-04-01", end: str = "2018-04-30") -> str:
    span = d.days_between(f"DATE '{start}'", "date")
    return f"SELECT count(*) AS days, max({span}) AS span FROM ({d.date_series(start, end)}) t"


def test_query_receives_the_engine_dialect(ds):
    """A query with a keyword ``d`` gets the backend's dialect: 30 days in April, 29 days from the first."""
    got = ds.query(_days_in_window)
    assert got[["days", "span"]].iloc[0].tolist() == [30, 29]
    assert ds.engine == "duckdb"


def test_raw_checksums_rehash_only_changed_files(tmp_path, monkeypatch):
    """The raw files' sha256 is reused while (size, mtime_ns, inode) stay; an edited file is hashed again."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x\n1\n")
    b.write_text("y\n2\n")
    cache = tmp_path / "cache"
    first = loader.raw_checksums({"a": a, "b": b}, cache)
    assert first["a"] == loader.file_checksum(a)
    hashed = []
    monkeypatch.setattr(loader, "file_checksum", lambda p: hashed.append(p.name) or "h-" + p.name)
    assert loader.raw_checksums({"a": a, "b": b}, cache) == first and hashed == []
    b.write_text("y\n3\n")  # same size, new content and mtime
    again = loader.raw_checksums({"a": a, "b": b}, cache)
    assert hashed == ["b.csv"] and again["a"] == first["a"] and again["b"] == "h-b.csv"
