"""Helpers shared by the chapter-2 tests (import as ``from chapters.segments.fixtures import ...``)."""
import pandas as pd

from helpers.chapters.segments import compute as sg
from helpers.data.queries import segments as q

X, Y, Z, W = "여성의류", "건강식품", "가구", "패션잡화"  # Z is never a main category in these tests
COLUMNS = ["CLNT_ID", "SESS_ID", "AGE_GENDER", "CLAC1_NM", "TOT_SESS_HR_V", "TOT_PAG_VIEW_CT", "SEARCH_CNT",
           "PD_BUY_AM", "REVENUE", "SESS_DT"]



def frame(rows) -> pd.DataFrame:
    """Purchase lines from (customer, session, group, category, time, views, searches, price, date) tuples."""
    df = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "REVENUE"])
    df["CLNT_ID"] = df["CLNT_ID"].astype("int64")
    df["SESS_ID"] = df["SESS_ID"].astype("int64")
    df["AGE_GENDER"] = df["AGE_GENDER"].astype("str")
    df["CLAC1_NM"] = df["CLAC1_NM"].astype("str")
    for col in ("TOT_SESS_HR_V", "TOT_PAG_VIEW_CT", "PD_BUY_AM"):
        df[col] = df[col].astype("float64")
    df["SEARCH_CNT"] = df["SEARCH_CNT"].astype("int64")
    df["REVENUE"] = df["PD_BUY_AM"]  # quantity 1 everywhere
    df["SESS_DT"] = pd.to_datetime(df["SESS_DT"])
    return df[COLUMNS]


def engine(lines: pd.DataFrame):
    """``query(fn, **params)`` running a shared query in DuckDB over ``lines`` as ``purchases`` (as Dataset.query)."""
    import duckdb

    def query(fn, /, **params) -> pd.DataFrame:
        con = duckdb.connect()
        try:
            con.register("purchases", lines)
            return con.sql(fn(**params)).df()
        finally:
            con.close()

    return query


def behaviour_of(lines, *, groups=("20F", "30M"), categories=(X, Y), weight="line", **kw):
    """behaviour_table of purchase lines the way the chapter computes it: two engine aggregates."""
    query = engine(lines)
    return sg.behaviour_table(query(q.behaviour_sums, weight=weight), query(q.group_sums, weight=weight),
                              groups=list(groups), categories=list(categories), **kw)


def cell(table, group, category, variable):
    match = table[(table["group"] == group) & (table["category"] == category) & (table["variable"] == variable)]
    assert len(match) == 1
    return match.iloc[0]


def group_patterns_frame(category_patterns: dict[str, list[str]]) -> pd.DataFrame:
    """A group_patterns-shaped frame: category -> list of the groups' patterns (None = unscored)."""
    rows = [(f"g{i}", cat, p) for cat, patterns in category_patterns.items() for i, p in enumerate(patterns)]
    out = pd.DataFrame(rows, columns=["group", "category", "pattern"])
    out["pattern"] = out["pattern"].astype("str")
    return out
