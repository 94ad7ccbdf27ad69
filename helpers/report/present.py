"""What notebooks call to present results: computed sentences, Korean tables, data products, run record.

Data products are written through :func:`save_product` only (CSV for spreadsheets and campaign tools,
Parquet for systems), into ``<output_dir>/data/``.
"""
from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from helpers.common import config
from helpers.common.figures import use_korean_font
from helpers.common.formats import format_value
from helpers.common.labels import COLUMN_KINDS, korean_headers
from helpers.data.loader import load_dataset

PACKAGES = ("pandas", "numpy", "duckdb", "pyarrow", "pandera", "matplotlib", "seaborn", "wordcloud", "networkx",
            "statsmodels", "keras", "jax", "holidays", "papermill", "nbconvert")


def say(text: str) -> None:
    """Display a computed Korean sentence as Markdown in the rendered report."""
    from IPython.display import Markdown, display
    display(Markdown(text))


def show(df: pd.DataFrame, caption: str | None = None, *, max_rows: int = 40, formats: dict | None = None,
         index: bool = False) -> None:
    """Display a table for analysts: Korean headers, each column in its display kind, first ``max_rows`` rows.

    A column's kind (count, id, pct, krw, date, dec1..3, text) comes from ``labels.COLUMN_KINDS`` by its
    original name, else from its dtype; ``formats`` (original column -> kind) overrides both.
    """
    from IPython.display import Markdown, display
    head = df.head(max_rows)
    kinds = {col: (formats or {}).get(col) or column_kind(head, col) for col in head.columns}
    view = korean_headers(head)
    if view.columns.duplicated().any():  # two source columns with one Korean label: keep them apart
        view.columns = [f"{c} ({orig})" if dup else c for c, orig, dup in
                        zip(view.columns, df.columns, view.columns.duplicated(keep=False))]
    shown = {new: (lambda v, k=kinds[old]: format_value(v, k)) for new, old in zip(view.columns, head.columns)
             if kinds[old]}
    styler = view.style.format(shown, na_rep="–")
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    display(styler)
    if len(df) > max_rows:
        display(Markdown(f"*표는 전체 {len(df):,}행 중 상위 {max_rows}행만 보여 줍니다 (전체는 데이터 산출물 참고).*"))


def column_kind(df: pd.DataFrame, col) -> str | None:
    """The display kind of ``df[col]``: the label registry first, then the dtype (None: shown as it is)."""
    if isinstance(col, str) and col in COLUMN_KINDS:
        return COLUMN_KINDS[col]
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        return None
    if pd.api.types.is_integer_dtype(s):
        return "count"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if pd.api.types.is_float_dtype(s):
        return "count" if s.abs().max(skipna=True) >= 1000 else "dec2"
    return None


SUMMARY_ID = "chapter-summary"


def summary(lines: list[str]) -> None:
    """Fill the chapter's opening summary (the slot :func:`start_chapter` put under the title).

    Call it once, at the end of the chapter, with 3 computed sentences: the finding, what it means, what to do.
    """
    from IPython.display import Markdown, update_display
    text = "\n".join(f"- {line}" for line in lines)
    update_display(Markdown(f"**이 장의 요약**\n\n{text}"), display_id=SUMMARY_ID)


def product_dir(output_dir: str | Path) -> Path:
    out = Path(output_dir or config.REPORTS_DIR / "scratch") / "data"
    out.mkdir(parents=True, exist_ok=True)
    return out


CSV_MAX_ROWS = 2_000_000  # above this a CSV is useless in a spreadsheet and slow to write: Parquet only


def save_product(df: pd.DataFrame, name: str, output_dir: str | Path, *, csv_max_rows: int = CSV_MAX_ROWS) -> None:
    """Write a data product as ``<name>.parquet`` and ``<name>.csv`` (UTF-8 with BOM, opens in Excel).

    Tables longer than ``csv_max_rows`` (e.g. the long preference index at full scale, tens of millions of
    rows) are written as Parquet only, and the notebook output says so. Returns nothing on purpose: it is
    the last call of many notebook cells and must not print paths.
    """
    out = product_dir(output_dir)
    csv, pq = out / f"{name}.csv", out / f"{name}.parquet"
    if len(df) <= csv_max_rows:
        df.to_csv(csv, index=False, encoding="utf-8-sig")
    else:
        csv.unlink(missing_ok=True)
        say(f"*`{name}`은 {len(df):,}행이라 Parquet으로만 저장했습니다 (CSV 기준 {csv_max_rows:,}행 초과).*")
    flat = df.copy()
    for col in flat.columns:  # Parquet needs one type per column; periods/objects become text
        if isinstance(flat[col].dtype, pd.PeriodDtype) or flat[col].dtype == object:
            flat[col] = flat[col].astype("string")
    flat.to_parquet(pq, index=False)


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(config.PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(config.PROJECT_ROOT), "status", "--porcelain", "--", "helpers",
                                "notebooks"], capture_output=True, text=True, timeout=10).stdout.strip()
        return (out.stdout.strip() or "unknown") + (" (+ uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return versions


def start_chapter(namespace: dict):
    """The first call of every chapter notebook: Korean font, the window's cleaned data, a header line.

    ``namespace`` is the notebook's ``globals()`` after the parameters cell, so the window, data folder and
    seed come from the one tagged parameters cell. Returns the :class:`~helpers.data.loader.Dataset`.
    """
    from IPython.display import Markdown, display
    use_korean_font()
    display(Markdown("**이 장의 요약**: 계산이 끝나면 채워집니다."), display_id=SUMMARY_ID)
    ds = load_dataset(namespace["data_dir"], namespace["start_date"], namespace["end_date"], seed=namespace["seed"])
    say(f"분석 기간 **{namespace['start_date']} ~ {namespace['end_date']}** · 데이터: {ds.fingerprint.source}")
    return ds


def figure(fig) -> None:
    """Display a matplotlib Figure once (no double rendering by the inline backend) and free it."""
    import matplotlib.pyplot as plt
    from IPython.display import display
    display(fig)
    plt.close(fig)
