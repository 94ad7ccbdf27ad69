"""Helpers shared by the chapter-1 tests (import as ``from chapters.eda.fixtures import ...``)."""
from pathlib import Path

import matplotlib as mpl
import pandas as pd

#: A font without Hangul, to prove the missing-glyph checks fire.
DEJAVU = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def edge_row(edges: pd.DataFrame, a: str, b: str) -> pd.Series:
    rows = edges[(edges["cat_a"] == a) & (edges["cat_b"] == b)]
    assert len(rows) == 1, f"edge {a}-{b} not found once in\n{edges}"
    return rows.iloc[0]


def engine_frame(sql: str, **relations: pd.DataFrame) -> pd.DataFrame:
    """Run one shared query in DuckDB over frames registered under the relation names it reads."""
    import duckdb

    con = duckdb.connect()
    try:
        for name, frame in relations.items():
            con.register(name, frame)
        return con.sql(sql).df()
    finally:
        con.close()


def edges_of(purchases: pd.DataFrame, *, min_count: int = 20) -> pd.DataFrame:
    """Co-purchase edges of purchase lines the way the notebook computes them: two engine aggregates."""
    from helpers.chapters.eda import compute
    from helpers.data.queries import eda as q

    pairs = engine_frame(q.copurchase_pairs(min_count=1), purchases=purchases)
    baskets = engine_frame(q.category_baskets(), purchases=purchases)
    return compute.copurchase_edges(pairs, baskets, min_count=min_count)
