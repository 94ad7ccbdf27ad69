"""What notebooks call to present results: computed sentences, Korean tables, data products, run record.

Data products are written through :func:`save_product` only (CSV for spreadsheets and campaign tools,
Parquet for systems), into ``<output_dir>/data/``.
"""
from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import config

PACKAGES = ("pandas", "numpy", "duckdb", "pyarrow", "pandera", "matplotlib", "seaborn", "wordcloud", "networkx",
            "statsmodels", "keras", "jax", "holidays", "papermill", "nbconvert")


def say(text: str) -> None:
    """Display a computed Korean sentence as Markdown in the rendered report."""
    from IPython.display import Markdown, display
    display(Markdown(text))


def show(df: pd.DataFrame, caption: str | None = None, *, max_rows: int = 40, formats: dict | None = None,
         index: bool = False) -> None:
    """Display a table (first ``max_rows`` rows, says so when cut) with thousands separators."""
    from IPython.display import Markdown, display
    view = df.head(max_rows)
    styler = view.style.format(formats or _default_formats(view), na_rep="–")
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    display(styler)
    if len(df) > max_rows:
        display(Markdown(f"*표는 전체 {len(df):,}행 중 상위 {max_rows}행만 보여 줍니다 (전체는 데이터 산출물 참고).*"))


def _default_formats(df: pd.DataFrame) -> dict:
    fmt = {}
    for col in df.columns:
        if pd.api.types.is_integer_dtype(df[col]):
            fmt[col] = "{:,}"
        elif pd.api.types.is_float_dtype(df[col]):
            s = df[col].abs()
            fmt[col] = "{:,.0f}" if s.max(skipna=True) >= 1000 else "{:,.3f}"
    return fmt


def product_dir(output_dir: str | Path) -> Path:
    out = Path(output_dir or config.REPORTS_DIR / "scratch") / "data"
    out.mkdir(parents=True, exist_ok=True)
    return out


def save_product(df: pd.DataFrame, name: str, output_dir: str | Path) -> None:
    """Write a data product as ``<name>.csv`` (UTF-8 with BOM, opens in Excel) and ``<name>.parquet``.

    Returns nothing on purpose: it is the last call of many notebook cells and must not print paths.
    """
    out = product_dir(output_dir)
    csv, pq = out / f"{name}.csv", out / f"{name}.parquet"
    df.to_csv(csv, index=False, encoding="utf-8-sig")
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


def run_record(params: dict, dataset=None) -> pd.DataFrame:
    """The run record shown at the end of every chapter: parameters, data fingerprint, code, packages."""
    rows = [("파라미터", k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
            for k, v in params.items()]
    if dataset is not None:
        fp = dataset.fingerprint
        rows.append(("데이터", "출처", fp.source))
        rows.append(("데이터", "캐시 키", fp.cache_key))
        for f in fp.files:
            rows.append(("데이터", f"{f['table']} ({f['file']})",
                         f"원본 {f['raw_rows']:,}행 → 정제 {f['clean_rows']:,}행, sha256 {f['sha256'][:12]}…, {f['encoding']}"))
        for k, v in dataset.row_counts().items():
            rows.append(("분석 기간", k, f"{v:,}"))
    rows.append(("코드", "git commit", git_commit()))
    rows += [("패키지", k, v) for k, v in package_versions().items()]
    return pd.DataFrame(rows, columns=["구분", "항목", "값"])


def figure(fig) -> None:
    """Display a matplotlib Figure once (no double rendering by the inline backend) and free it."""
    import matplotlib.pyplot as plt
    from IPython.display import display
    display(fig)
    plt.close(fig)
