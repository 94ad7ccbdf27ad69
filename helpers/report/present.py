"""What notebooks call to present results: computed sentences, Korean tables, data products, run record.

Data products are written through :func:`save_product` only (CSV for spreadsheets and campaign tools,
Parquet for systems), into ``<output_dir>/data/``.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from helpers.common import config
from helpers.common.figures import use_korean_font
from helpers.common.formats import format_value, round_noise
from helpers.common.labels import COLUMN_KINDS, korean_headers, korean_values
from helpers.data import faults
from helpers.data.loader import load_dataset

PACKAGES = ("pandas", "numpy", "duckdb", "pyarrow", "pandera", "matplotlib", "seaborn", "wordcloud", "networkx",
            "statsmodels", "keras", "jax", "holidays", "papermill", "nbconvert")


def say(text: str) -> None:
    """Display a computed Korean sentence as Markdown in the rendered report."""
    from IPython.display import Markdown, display
    display(Markdown(text))


#: Tables with at least this many rows get a filter box and sortable headers in the page (site.py's script).
SORTABLE_MIN_ROWS = 12
SORTABLE_CLASS = "lp-sortable"


def show(df: pd.DataFrame, caption: str | None = None, *, max_rows: int = 40, formats: dict | None = None,
         index: bool = False) -> None:
    """Display a table for analysts: Korean headers and code values, each column in its display kind.

    A column's kind (count, id, pct, krw, date, dec1..3, bool, text) comes from ``labels.COLUMN_KINDS`` by its
    original name, else from its name and dtype (:func:`column_kind`); ``formats`` (original column -> kind)
    overrides both. One kind per column, so a column never mixes decimals. Shows the first ``max_rows`` rows;
    tables of :data:`SORTABLE_MIN_ROWS` rows or more can be sorted and filtered in the page.
    """
    from IPython.display import Markdown, display
    display(table_styler(df, caption, max_rows=max_rows, formats=formats, index=index))
    if len(df) > max_rows:
        display(Markdown(f"*표는 전체 {len(df):,}행 중 상위 {max_rows}행만 보여 줍니다 (전체는 데이터 산출물 참고).*"))


def table_styler(df: pd.DataFrame, caption: str | None = None, *, max_rows: int = 40, formats: dict | None = None,
                 index: bool = False):
    """The pandas Styler :func:`show` displays (Korean headers, translated values, one format per column)."""
    head = df.head(max_rows)
    if index:
        head = head.reset_index()
    kinds = {col: (formats or {}).get(col) or column_kind(head, col) for col in head.columns}
    view = korean_headers(korean_values(head))
    view.columns = [format_value(c, "date") if isinstance(c, pd.Timestamp) else c for c in view.columns]
    if view.columns.duplicated().any():  # two source columns with one Korean label: keep them apart
        view.columns = [f"{c} ({orig})" if dup else c for c, orig, dup in
                        zip(view.columns, head.columns, view.columns.duplicated(keep=False))]
    shown = {new: (lambda v, k=kinds[old]: format_value(v, k)) for new, old in zip(view.columns, head.columns)}
    styler = view.style.format(shown, na_rep="–").hide(axis="index")
    if len(head) >= SORTABLE_MIN_ROWS:
        styler = styler.set_table_attributes(f'class="{SORTABLE_CLASS}"')
    if caption:
        styler = styler.set_caption(caption)
    return styler


_NAME_KINDS = (  # (name ends with, kind) for columns the label registry does not know
    (("_ID", "_id"), "id"), (("_share", "_SHARE", "_rate", "_RATE", "_pct"), "pct"),
    (("_date", "_DT", "_dt"), "date"), (("revenue", "REVENUE", "_spend", "_SPEND", "_krw", "_AM"), "krw"),
)


def column_kind(df: pd.DataFrame, col) -> str:
    """The display kind of ``df[col]``: the label registry, then the column name, then the dtype.

    Floats without a registered kind get one number of decimals for the whole column: none when every value
    is whole or the largest is at least 1,000, else 1 (≥ 100), 2 (≥ 1) or 3 decimals.
    """
    if isinstance(col, str) and col in COLUMN_KINDS:
        return COLUMN_KINDS[col]
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if isinstance(col, str):
        for ends, kind in _NAME_KINDS:
            if col.endswith(ends) and (kind != "pct" or pd.api.types.is_float_dtype(s)) \
                    and (kind != "krw" or pd.api.types.is_numeric_dtype(s)):
                return kind
    if pd.api.types.is_integer_dtype(s):
        return "count"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if pd.api.types.is_float_dtype(s):
        return _float_kind(s)
    return "text"


def _float_kind(s: pd.Series) -> str:
    values = s.dropna()
    if values.empty or (values % 1 == 0).all():
        return "count"
    top = values.abs().max()
    return "count" if top >= 1000 else "dec1" if top >= 100 else "dec2" if top >= 1 else "dec3"


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


CSV_MAX_ROWS = 100_000  # longer tables (per-customer lists at full scale) are Parquet only: CSV is slow to write and to open
CATALOGUE_FILE = "catalogue.json"

#: The one registry of data products: name -> (chapter number, Korean description). save_product records
#: each written product with this description into ``data/catalogue.json``; the index lists that catalogue.
PRODUCTS: dict[str, tuple[str, str]] = {
    "cleaning_log": ("01", "정제 규칙별로 고치거나 제외한 행 수 (원본 CSV → 분석용 데이터)"),
    "rejected_lines": ("01", "열 개수나 따옴표가 깨져 따로 보관한 원본 줄 (파일, 줄 번호, 규칙, 원문; 표마다 앞부분)"),
    "keyword_top200": ("01", "검색어 상위 200개와 검색 횟수"),
    "copurchase_edges": ("01", "같은 세션에서 함께 구매된 상품군 쌍과 횟수 (연관 네트워크)"),
    "category_purchase_counts": ("01", "상품군별 구매 건수"),
    "customer_segments": ("02", "고객별 행동 세그먼트 (꼼꼼이 · 매니아 · 털털이 …)와 행동 지표"),
    "category_patterns": ("02", "상품군·성별·연령 고객군별 행동 패턴과 세그먼트"),
    "category_patterns_monthly": ("02", "월별 고객군 행동 패턴 (세그먼트 안정성 점검)"),
    "segment_transitions": ("02", "달이 바뀔 때 세그먼트가 옮겨 간 고객군 수"),
    "customer_grades": ("03", "고객별 가치 등급 (스타 · 나비 · 계륵 · 관리제외)과 점수"),
    "grade_migration": ("03", "앞뒤 두 기간의 고객별 등급 이동"),
    "grade_migration_matrix": ("03", "이전 등급 × 현재 등급 고객 수 (등급 이동표)"),
    "grade_holdout_check": ("03", "등급별 이후 기간 재구매 비율과 구매액 (등급 검증)"),
    "customer_upgrade_candidates": ("03", "다음 기간에 등급이 오를 가능성이 큰 고객"),
    "value_forecast_check": ("03", "고객 가치 예측 방법별 순위 상관 (이후 구매액과 비교)"),
    "customer_value_forecast": ("03", "고객별 다음 기간 예상 구매 횟수·구매액과 활동 확률 (BG/NBD · Gamma-Gamma)"),
    "daily_revenue_inputs": ("04", "상품군별 일 매출과 예측 입력 (공휴일, 날씨, 요일 계절지수)"),
    "seasonal_index": ("04", "상품군별 요일 계절지수"),
    "forecast_rmse": ("04", "일·주·월 예측 오차 (RMSE)"),
    "backtest_forecasts": ("04", "롤링 백테스트의 원점별 예측값과 실제값"),
    "backtest_metrics": ("04", "모델·상품군·예측 기간별 백테스트 오차 (RMSE, MAE, MASE)"),
    "chosen_models": ("04", "상품군별로 선택된 예측 모델"),
    "demand_model_choice": ("04", "상품군별 선택 모델과 계절 나이브 대비 MASE"),
    "forecast_future": ("04", "분석 기간 이후의 일 매출 예측과 예측 구간"),
    "demand_dip_days": ("04", "예측 매출이 평소보다 크게 낮은 날"),
    "demand_dips": ("04", "수요 급감 구간 (상품군, 시작·종료일, 최대 하락률)"),
    "dip_alert_scores": ("04", "과거 백테스트에서 급감 경보가 맞은 비율 (정밀도·재현율)"),
    "interval_coverage": ("04", "예측 구간이 실제값을 포함한 비율 (80%·95% 구간)"),
    "preference_index_wide": ("05", "고객 × 상품군 선호지수 (넓은 표)"),
    "preference_top3": ("05", "고객별 선호 상위 3개 상품군과 지수"),
    "preference_hit_rates": ("05", "선호 예측 방법별 다음 구매 적중률"),
    "preference_methods": ("05", "선호 예측 방법별 1순위·3순위 적중률과 선택 여부"),
    "preference_model_top3": ("05", "선택된 선호 예측 방법의 고객별 상위 3개 상품군과 점수"),
    "preference_model_wide": ("05", "선택된 선호 예측 방법의 고객 × 상품군 점수 (넓은 표, 6장 타겟 선정에 사용)"),
    "campaign_targets": ("06", "수요 급감 구간 캠페인 타겟 명단 (쿠폰, 캠페인 기간, 선정 사유)"),
    "customer_profiles": ("06", "고객 프로파일 카드의 값 (등급, 행동 유형, 선호, 주 사용 기기·지역)"),
    "customer_recent_purchases": ("06", "고객별 최근 구매 이력"),
    "profile_playbooks": ("06", "등급·행동 유형별 마케팅 실행 방안"),
    "store_match": ("06", "매장 기록과 온라인 고객 연결 결과"),
    "store_cleaning_log": ("06", "매장 데이터 정제 기록"),
    "signup_survey_answers": ("06", "가입 설문 응답 분포"),
}


def save_product(df: pd.DataFrame, name: str, output_dir: str | Path, *, csv_max_rows: int = CSV_MAX_ROWS,
                 description: str | None = None) -> None:
    """Write a data product as ``<name>.parquet`` and ``<name>.csv`` (UTF-8 with BOM, opens in Excel).

    Floats are rounded to 12 significant digits (no ``31.400000000000002``). Tables longer than
    ``csv_max_rows`` (e.g. the long preference index at full scale) are written as Parquet only, and the
    notebook output says so. The product is recorded in ``data/catalogue.json`` with ``description`` (or its
    :data:`PRODUCTS` entry), rows, columns and the chapter that wrote it. Returns nothing on purpose: it is
    the last call of many notebook cells and must not print paths.
    """
    out = product_dir(output_dir)
    csv, pq = out / f"{name}.csv", out / f"{name}.parquet"
    clean = df.copy(deep=False)  # columns are replaced, never changed in place: the caller's frame stays
    clean.attrs = {}  # pandas writes attrs into the Parquet metadata: run timings there would change the bytes
    for col in clean.columns:
        if pd.api.types.is_float_dtype(clean[col]) and not isinstance(clean[col].dtype, pd.SparseDtype):
            clean[col] = round_noise(clean[col].astype("float64")).astype(clean[col].dtype)
    if len(df) <= csv_max_rows:
        clean.to_csv(csv, index=False, encoding="utf-8-sig")
    else:
        csv.unlink(missing_ok=True)
        why = "CSV 없이" if csv_max_rows == 0 else f"CSV 기준 {csv_max_rows:,}행 초과라"
        say(f"*`{name}`({len(df):,}행)은 {why} Parquet으로만 저장했습니다.*")
    for col in clean.columns:  # Parquet needs one type per column; periods/objects become text
        if isinstance(clean[col].dtype, pd.PeriodDtype) or clean[col].dtype == object:
            clean[col] = clean[col].astype("string")
    clean.to_parquet(pq, index=False)
    _record_product(out, name, clean, description)


def _record_product(out: Path, name: str, df: pd.DataFrame, description: str | None) -> None:
    chapter, known = PRODUCTS.get(name, ("", ""))
    running = os.environ.get(CHAPTER_ENV, "")
    path = out / CATALOGUE_FILE
    with faults.locked(out):  # chapters running side by side record their products one at a time
        catalogue = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        catalogue[name] = {"description": description or known, "chapter": running or chapter, "rows": len(df),
                           "columns": [str(c) for c in df.columns]}
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(catalogue, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


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


CHAPTER_ENV = "LPOINT_CHAPTER"  # set by the runner for each notebook: the chapter that writes products
PROGRESS_ENV = "LPOINT_PROGRESS_FILE"  # set by the runner: where the kernel's progress lines go


class _ProgressFile(logging.Handler):
    def __init__(self, path: str):
        super().__init__(logging.INFO)
        self.path = path

    def emit(self, record: logging.LogRecord) -> None:
        try:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(self.format(record).replace("\n", " ") + "\n")
        except OSError:
            pass


def route_progress() -> None:
    """Send the ``helpers`` loggers' INFO lines (training progress, category k/n, ...) to the console.

    Chapters log progress with ``logging.getLogger(__name__).info(...)``; inside a report run these lines go
    to the runner's progress file (the runner prints them), never into the analyst page. Outside a run
    (an interactive notebook) they go to stderr as usual.
    """
    logger = logging.getLogger("helpers")
    logger.setLevel(logging.INFO)
    path = os.environ.get(PROGRESS_ENV)
    for old in [h for h in logger.handlers if isinstance(h, _ProgressFile)]:
        logger.removeHandler(old)
    if path:
        logger.addHandler(_ProgressFile(path))
        logger.propagate = False


def start_chapter(namespace: dict):
    """The first call of every chapter notebook: Korean font, the window's cleaned data, a header line.

    ``namespace`` is the notebook's ``globals()`` after the parameters cell, so the window, data folder and
    seed come from the one tagged parameters cell. The engine is the notebook's ``engine`` parameter when it
    declares one, else the run's (``$HELPERS_ENGINE``, set by the runner from ``--engine``). Returns the :class:`~helpers.data.loader.Dataset`.
    """
    from IPython.display import Markdown, display
    use_korean_font()
    route_progress()
    display(Markdown("**이 장의 요약**: 계산이 끝나면 채워집니다."), display_id=SUMMARY_ID)
    ds = load_dataset(namespace["data_dir"], namespace["start_date"], namespace["end_date"], seed=namespace["seed"],
                      engine=namespace.get("engine") or None)  # else $HELPERS_ENGINE, set by the runner
    say(f"분석 기간 **{namespace['start_date']} ~ {namespace['end_date']}** · 데이터: {ds.fingerprint.source}")
    return ds


def figure(fig) -> None:
    """Display a matplotlib Figure once (no double rendering by the inline backend) and free it."""
    import matplotlib.pyplot as plt
    from IPython.display import display
    display(fig)
    plt.close(fig)
