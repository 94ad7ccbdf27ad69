"""Chapter 6's shared queries on hand-made lines and sessions (DuckDB), answers computed by hand."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from helpers.data.queries import services

D = pd.Timestamp


def _sessions() -> pd.DataFrame:
    rows = [  # CLNT_ID, SESS_ID, day, device, region, city
        (1, 1, "2018-04-01", "mobile", "Seoul", "Jongno-gu"),
        (1, 2, "2018-04-02", "mobile", "Seoul", "Gangnam-gu"),
        (1, 3, "2018-04-01", "desktop", "Seoul", "Jongno-gu"),
        (1, 4, "2018-04-03", "desktop", "Busan", "Jongno-gu"),   # a Jongno-gu outside Seoul: not counted
        (1, 5, "2018-04-04", None, "Seoul", "Gangnam-gu"),
        (2, 6, "2018-05-05", "mobile", "Incheon", None),
        (2, 7, "2018-05-05", "desktop", "Daegu", None),
        (3, 8, "2018-06-01", None, None, None),
    ]
    df = pd.DataFrame(rows, columns=["CLNT_ID", "SESS_ID", "SESS_DT", "DVC_CTG_NM", "ZON_NM", "CITY_NM"])
    return df.assign(SESS_DT=pd.to_datetime(df["SESS_DT"]))


def _lines() -> pd.DataFrame:
    rows = [  # CLNT_ID, SESS_ID, HITS_SEQ, day, PD_C, AM, CT, category, device
        (1, 1, 1, "2018-04-01", 7, 1000, 1, "A", "mobile"),
        (1, 3, 9, "2018-04-01", 5, 2000, 2, "B", "desktop"),
        (1, 2, 4, "2018-04-02", 9, 500, 1, "C", "mobile"),
        (1, 2, 4, "2018-04-02", 3, 700, 1, "D", "mobile"),   # same hit: PD_C 3 before 9
        (1, 2, 2, "2018-04-02", 1, 100, 3, "E", "mobile"),
        (4, 9, 1, "2018-07-01", 2, 50, 1, "F", "mobile"),    # a line without a session in the frame
    ]
    df = pd.DataFrame(rows, columns=["CLNT_ID", "SESS_ID", "HITS_SEQ", "SESS_DT", "PD_C", "PD_BUY_AM", "PD_BUY_CT",
                                     "CLAC1_NM", "DVC_CTG_NM"])
    return df.assign(SESS_DT=pd.to_datetime(df["SESS_DT"]), REVENUE=df["PD_BUY_AM"] * df["PD_BUY_CT"])


def _run(sql: str) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        con.register("purchases", _lines())
        con.register("sessions", _sessions())
        return con.execute(sql).df()
    finally:
        con.close()


def test_profile_totals_modes_ties_and_counts():
    t = _run(services.profile_totals()).set_index("CLNT_ID")
    assert t.index.tolist() == [1, 2, 3, 4]
    # 1: mobile 2 sessions (last 04-02), desktop 2 (last 04-03) -> desktop; Seoul 4 of 5 sessions;
    # in Seoul Jongno-gu 2 (last 04-01), Gangnam-gu 2 (last 04-04) -> Gangnam-gu
    assert t.loc[1, ["N_SESSIONS", "MAIN_DEVICE", "DEVICE_SESSIONS", "REGION", "REGION_SESSIONS", "CITY"]].tolist() \
        == [5, "desktop", 2, "Seoul", 4, "Gangnam-gu"]
    # 2: one session each on the same day -> the smaller name; no city known
    assert t.loc[2, ["N_SESSIONS", "MAIN_DEVICE", "DEVICE_SESSIONS", "REGION", "REGION_SESSIONS"]].tolist() \
        == [2, "desktop", 1, "Daegu", 1]
    assert pd.isna(t.loc[2, "CITY"])
    # 3: a session with nothing known; 4: lines only
    assert t.loc[3, ["N_SESSIONS", "DEVICE_SESSIONS", "REGION_SESSIONS", "ONLINE_LINES"]].tolist() == [1, 0, 0, 0]
    assert pd.isna(t.loc[3, "MAIN_DEVICE"]) and pd.isna(t.loc[3, "REGION"]) and pd.isna(t.loc[3, "ONLINE_AMOUNT"])
    assert t.loc[4, ["N_SESSIONS", "ONLINE_LINES", "ONLINE_AMOUNT"]].tolist() == [0, 1, 50.0]
    # 1: 5 lines, 1000 + 4000 + 500 + 700 + 300 KRW, last on 04-02
    assert t.loc[1, ["ONLINE_LINES", "ONLINE_AMOUNT"]].tolist() == [5, 6500.0]
    assert pd.Timestamp(t.loc[1, "ONLINE_LAST_DT"]) == D("2018-04-02")


def test_recent_purchases_latest_first_with_a_total_order():
    r = _run(services.recent_purchases(n=4))
    one = r[r["CLNT_ID"] == 1]
    # 04-02 session 2: hit 4 (PD_C 3 then 9), hit 2; then 04-01: session 3 before session 1
    assert one["CLAC1_NM"].tolist() == ["D", "C", "E", "B"]
    assert one["RN"].tolist() == [1, 2, 3, 4]
    assert r["CLNT_ID"].tolist() == [1, 1, 1, 1, 4]
    assert _run(services.recent_purchases(n=1))["CLAC1_NM"].tolist() == ["D", "F"]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_recent_purchases_rejects_a_bad_n(bad):
    with pytest.raises(ValueError, match="n must be"):
        services.recent_purchases(n=bad)


def test_parity_cases_run_and_are_sql_of_the_shared_subset():
    for fn, params in services.PARITY_CASES:
        sql = fn(**params)
        assert "QUALIFY" not in sql.upper() and "DISTINCT ON" not in sql.upper()
        assert sql.rstrip().upper().splitlines()[-1].strip().startswith("ORDER BY")
        assert len(_run(sql)) > 0
