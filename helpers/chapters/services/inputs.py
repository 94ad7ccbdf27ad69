"""What chapter 6 reads from chapters 1-5: their data products (checked, aliases renamed) and typed customer ids.

Upstream data products are read from ``<output_dir>/data/<name>.parquet`` (:func:`read_products`); a missing
product names the chapter to run first (:class:`UpstreamMissing`).

Public API: UPSTREAM, UpstreamMissing, report_dir, normalise_product, read_products, parse_client_id.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from helpers.common import config

__all__ = ["UPSTREAM", "UpstreamMissing", "report_dir", "normalise_product", "read_products", "parse_client_id"]

MAX_ID_DIGITS = 18


# ------------------------------------------------------------------------------------------------
# Upstream data products
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upstream:
    """Who writes a product, the columns chapter 6 needs, accepted aliases, and the optional columns it uses
    (``None``: read every column; a small product)."""

    chapter: str
    required: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] | None = None

    def columns(self, available: Iterable[str]) -> list[str] | None:
        """The columns of a file to read: needed ones (by name or alias) in file order, or None for all."""
        if self.optional is None:
            return None
        wanted = set(self.required) | set(self.aliases) | set(self.optional)
        return [c for c in available if c in wanted]


#: The data products chapter 6 reads, the chapter that writes each, required columns and accepted aliases.
UPSTREAM: dict[str, Upstream] = {
    "copurchase_edges": Upstream("1장 데이터 탐색 (notebooks/01_*.ipynb)",
                                 ("cat_a", "cat_b", "count", "lift")),
    "customer_segments": Upstream(
        "2장 행동 기반 세분화 (notebooks/02_*.ipynb)", ("CLNT_ID", "TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"),
        {"customer": "CLNT_ID", "top_category": "TOP_CATEGORY", "pattern": "PATTERN", "segment": "SEGMENT",
         "label": "SEGMENT_TYPE", "segment_type": "SEGMENT_TYPE"}, ()),
    "customer_grades": Upstream(
        "3장 고객 가치 등급 (notebooks/03_*.ipynb)",
        ("CLNT_ID", "GRADE", "POINT_RATE", "R_SCORE", "F_SCORE", "M_SCORE", "TOT_PRICE"), {"customer": "CLNT_ID"},
        ("LAST_DT",)),
    "demand_dips": Upstream("4장 수요 예측 (notebooks/04_*.ipynb)", ("category", "start", "end", "drop_pct"),
                            {"unique_id": "category", "id": "category", "max_drop_pct": "drop_pct", "n_days": "days"}),
    "preference_top3": Upstream(
        "5장 선호지수 (notebooks/05_*.ipynb)",
        ("CLNT_ID", "rank1", "rank1_index", "rank2", "rank2_index", "rank3", "rank3_index"), {"customer": "CLNT_ID"},
        ()),
}


class UpstreamMissing(FileNotFoundError):
    """A data product of an earlier chapter is missing: the message names the chapter to run first."""


def report_dir(output_dir: str | Path) -> Path:
    """The report folder a chapter writes into (``reports/scratch`` when run outside the runner)."""
    return Path(output_dir or config.REPORTS_DIR / "scratch")


def normalise_product(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Rename accepted aliases (e.g. ``customer`` -> ``CLNT_ID``) and check the required columns.

    Raises
    ------
    ValueError
        Unknown product name or a required column missing (the message lists what the frame has).
    """
    if name not in UPSTREAM:
        raise ValueError(f"unknown upstream product {name!r}; known: {sorted(UPSTREAM)}")
    spec = UPSTREAM[name]
    renames = {c: spec.aliases[c] for c in df.columns if c in spec.aliases and spec.aliases[c] not in df.columns}
    out = df.rename(columns=renames)
    missing = [c for c in spec.required if c not in out.columns]
    if missing:
        raise ValueError(f"data product {name!r} lacks column(s) {missing} (it has {list(df.columns)}); rerun "
                         f"{spec.chapter} with the current code.")
    return out


def read_products(output_dir: str | Path, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read upstream products from ``<output_dir>/data/<name>.parquet`` (normalised, see :data:`UPSTREAM`).

    Per-customer products are read by column: only what chapter 6 uses (``Upstream.columns``).

    Raises
    ------
    UpstreamMissing
        A product file is absent: run the named chapter first into the same ``output_dir``.
    """
    folder = report_dir(output_dir) / "data"
    out = {}
    for name in (list(UPSTREAM) if names is None else list(names)):
        if name not in UPSTREAM:
            raise ValueError(f"unknown upstream product {name!r}; known: {sorted(UPSTREAM)}")
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise UpstreamMissing(f"data product '{name}' not found at {path}: run {UPSTREAM[name].chapter} first "
                                  f"with the same output_dir ({report_dir(output_dir)}), or render the whole "
                                  "report (python -m helpers report).")
        columns = UPSTREAM[name].columns(pq.read_schema(path).names)
        out[name] = normalise_product(name, pd.read_parquet(path, columns=columns))
    return out


def parse_client_id(text: Any) -> int:
    """A customer id typed by a person -> int (zero padding allowed, as in the raw files).

    Raises
    ------
    ValueError
        Not 1-18 digits (letters, signs, blanks inside, empty): the message says what was wrong.
    """
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        if text < 0:
            raise ValueError(f"고객 ID는 0 이상의 숫자여야 합니다 (입력: {text!r}).")
        return int(text)
    s = str(text).strip() if text is not None else ""
    if not s:
        raise ValueError("고객 ID가 비어 있습니다: 숫자로 된 고객 ID(CLNT_ID)를 입력하세요.")
    if not re.fullmatch(rf"\d{{1,{MAX_ID_DIGITS}}}", s):
        raise ValueError(f"고객 ID '{s}'의 형식이 잘못되었습니다: 숫자만으로 된 1~{MAX_ID_DIGITS}자리 고객 ID(CLNT_ID)를 "
                         "입력하세요.")
    return int(s)
