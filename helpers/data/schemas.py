"""Declared schemas of the cleaned tables (pandera).

The engine repairs or drops (with counts) every quirk DATA.md lists; these schemas then state what a
cleaned table guarantees. A violation here means an input problem the cleaner does not know yet, and is
raised as a :class:`~helpers.common.errors.DataError` naming the file, the column and example values — never a
crash deep inside an analysis.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from helpers.common import config
from helpers.common.errors import DataError
from helpers.common.labels import AGE_BANDS

_ID = pa.Column("int64", pa.Check.ge(0), nullable=False)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "product": pa.DataFrameSchema({
        "CLNT_ID": _ID, "SESS_ID": _ID, "HITS_SEQ": pa.Column("int64", nullable=True), "PD_C": _ID,
        "PD_BUY_AM": pa.Column("float64", pa.Check.ge(0), nullable=False),
        "PD_BUY_CT": pa.Column("int64", pa.Check.gt(0), nullable=False),
    }, strict=False, name="01 Product"),
    "search1": pa.DataFrameSchema({
        "CLNT_ID": _ID, "SESS_ID": _ID, "KWD_NM": pa.Column(str, nullable=False),
        "SEARCH_CNT": pa.Column("int64", pa.Check.ge(0)),
    }, strict=False, name="02 Search1"),
    "search2": pa.DataFrameSchema({
        "SESS_DT": pa.Column("datetime64[us]", nullable=False, coerce=True),
        "KWD_NM": pa.Column(str, nullable=False), "SEARCH_CNT": pa.Column("int64", pa.Check.ge(0)),
    }, strict=False, name="03 Search2"),
    "custom": pa.DataFrameSchema({
        "CLNT_ID": _ID,
        "CLNT_GENDER": pa.Column(str, pa.Check.isin(config.GENDERS), nullable=True),
        "CLNT_AGE": pa.Column("Int64", pa.Check.isin(AGE_BANDS), nullable=True, coerce=True),
    }, strict=False, unique=["CLNT_ID"], name="04 Custom"),
    "session": pa.DataFrameSchema({
        "CLNT_ID": _ID, "SESS_ID": _ID,
        "SESS_DT": pa.Column("datetime64[us]", nullable=False, coerce=True),
        "TOT_PAG_VIEW_CT": pa.Column("float64", pa.Check.ge(0), nullable=True),
        "TOT_SESS_HR_V": pa.Column("float64", pa.Check.ge(0), nullable=True),
        "DVC_CTG_NM": pa.Column(str, pa.Check.isin(config.DEVICES), nullable=True),
    }, strict=False, unique=["CLNT_ID", "SESS_ID"], name="05 Session"),
    "master": pa.DataFrameSchema({
        "PD_C": _ID, "CLAC1_NM": pa.Column(str, nullable=False),
    }, strict=False, unique=["PD_C"], name="06 Master"),
}


def validate_frame(key: str, df: pd.DataFrame, source: str | Path = "") -> pd.DataFrame:
    """Validate one cleaned table; raise DataError with file, column and failing examples."""
    try:
        return SCHEMAS[key].validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        parts = []
        for (col, check), grp in cases.groupby(["column", "check"], dropna=False, sort=False):
            examples = ", ".join(map(str, grp["failure_case"].head(3).tolist()))
            parts.append(f"column {col}: {check} failed for {len(grp)} row(s) (e.g. {examples})")
        raise DataError(f"File '{source}' (table {SCHEMAS[key].name}) has values the cleaner cannot repair: "
                        + "; ".join(parts) + ". Correct these rows in the file.") from None


def validate_parquet(paths: dict[str, Path], sources: dict[str, Path]) -> None:
    """Validate every cleaned Parquet table, reading only the schema's columns."""
    for key, schema in SCHEMAS.items():
        cols = list(schema.columns)
        df = pd.read_parquet(paths[key], columns=cols)
        validate_frame(key, df, sources.get(key, key))
