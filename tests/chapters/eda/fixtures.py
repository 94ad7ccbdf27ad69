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
