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


# Korean headers for every column a chapter table may show (analysts read Korean). Columns not listed
# are shown as they are; tests/test_report.py checks that the rendered tiny report has no English header.
LABELS: dict[str, str] = {
    # ids and common
    "CLNT_ID": "고객 ID", "customer": "고객 ID", "category": "상품군", "CLAC1_NM": "상품군", "date": "날짜",
    "revenue": "매출액", "REVENUE": "매출액", "share": "비율", "SHARE": "비율", "status": "상태", "rank": "순위",
    "n_lines": "구매 행 수", "n_customers": "고객 수", "CUSTOMERS": "고객 수", "mean": "평균", "method": "방법",
    "lines": "구매 행 수", "days": "일수", "start": "시작일", "end": "종료일", "source": "출처",
    # chapter 2
    "group": "고객군", "is_main": "주 고객군", "categories": "상품군", "n_categories": "상품군 수", "label": "세부 유형",
    "pattern": "패턴", "pattern_2": "패턴 2", "segment": "세그먼트", "segment_2": "세그먼트 2", "segment_label": "세그먼트",
    "label_2": "세부 유형 2", "n_groups_scored": "채점 고객군 수", "n_groups_pattern": "패턴 고객군 수",
    "n_groups_pattern_2": "패턴 2 고객군 수", "tied_bits": "동률 비트", "search": "검색어 입력", "time": "고려 시간",
    "views": "페이지 조회수", "searches": "검색 횟수", "price": "구매 단가", "revenue_share": "매출 비중",
    "n_months": "개월 수", "segment_path": "월별 세그먼트", "n_segments": "세그먼트 종류 수", "n_changes": "변경 횟수",
    "changed": "변경 여부", "modal_segment": "최빈 세그먼트", "overall_segment": "전체 기간 세그먼트",
    "months_as_overall": "전체와 같은 달 수", "from_segment": "이전 세그먼트", "to_segment": "다음 세그먼트",
    "majority_pattern": "비트 다수결 패턴", "split": "두 패턴", "segment_status": "상태",
    # chapter 3
    "GRADE": "등급", "CUSTOMER_SHARE": "고객 비중", "REVENUE_SHARE": "매출 비중", "REVENUE_PER_CUSTOMER": "1인당 매출",
    "POINT_RATE": "포인트 적립률", "POINT_COST": "포인트 비용", "DESCRIPTION": "설명", "GOAL": "목표",
    "ACTIONS": "실행 방안", "MESSAGE": "메시지", "MOVE": "이동", "MOVE_LABEL": "이동", "BUYERS": "재구매 고객 수",
    "BUYER_SHARE": "재구매 비율", "MEAN_SPEND": "평균 이후 구매액", "MEDIAN_SPEND": "중앙값 이후 구매액",
    "TOTAL_SPEND": "이후 구매액 합계", "SPEND_SHARE": "이후 구매액 비중", "GRADE_A": "이전 등급", "GRADE_B": "현재 등급",
    "TOT_PRICE": "총 구매액", "SCORE": "점수", "SCORE_TYPE": "요소", "SCORE_LABEL": "요소",
    # chapter 5
    "age_band": "연령대", "gender": "성별", "n_top1": "1순위 고객 수", "top1_share": "1순위 비율",
    "rank1": "1순위", "rank1_index": "1순위 지수", "rank2": "2순위", "rank2_index": "2순위 지수", "rank3": "3순위",
    "rank3_index": "3순위 지수", "pref_index": "선호지수", "prior": "사전확률", "posterior": "사후확률",
    "p_age_given_category": "P(연령대|상품군)", "p_gender_given_category": "P(성별|상품군)",
    "ln_posterior": "ln 사후확률", "ln_posterior_rounded": "ln 사후확률(반올림)", "shifted": "최솟값 5 이동",
    "index_report": "선호지수(보고서 방식)", "index_exact": "선호지수(정밀)", "q10": "10%", "q25": "25%", "q50": "중앙값",
    "q75": "75%", "q90": "90%", "top1_hits": "1순위 적중 수", "top3_hits": "3순위 내 적중 수",
    # chapter 4 (model names as column headers)
    "LSTM": "LSTM(기후값 날씨)", "LSTM_oracle": "LSTM(실제 날씨)", "LSTM_1step": "LSTM 1일",
    "SARIMAX": "SARIMAX(통계모형)", "SeasonalNaive": "계절 나이브", "SeasonalNaive_1step": "계절 나이브 1일",
    "cutoff": "예측 원점", "val_rmse": "검증 RMSE", "batch_seconds": "학습 시간(초)", "val_loss": "검증 손실",
    "MASE": "MASE(척도 오차)", "weekday_ko": "요일", "unique_id": "상품군", "bucket": "예측 기간", "model": "모델",
    "rmse": "RMSE(평균제곱근오차)", "mae": "MAE(평균절대오차)", "mase": "MASE(척도 오차)", "skill": "기술 점수", "span": "예측 길이",
    "top1_hit_rate": "1순위 적중률", "top3_hit_rate": "3순위 내 적중률", "segment_name": "고객 유형",
}


def korean_headers(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with columns (and index names) renamed to Korean where a label is known."""
    out = df.rename(columns=lambda c: LABELS.get(c, c) if isinstance(c, str) else c)
    out.index.names = [LABELS.get(n, n) if isinstance(n, str) else n for n in out.index.names]
    if out.columns.name in LABELS:
        out.columns.name = LABELS[out.columns.name]
    return out


def say(text: str) -> None:
    """Display a computed Korean sentence as Markdown in the rendered report."""
    from IPython.display import Markdown, display
    display(Markdown(text))


def show(df: pd.DataFrame, caption: str | None = None, *, max_rows: int = 40, formats: dict | None = None,
         index: bool = False) -> None:
    """Display a table (first ``max_rows`` rows, says so when cut) with thousands separators."""
    from IPython.display import Markdown, display
    view = korean_headers(df.head(max_rows))
    if view.columns.duplicated().any():  # two source columns with one Korean label: keep them apart
        view.columns = [f"{c} ({orig})" if dup else c for c, orig, dup in
                        zip(view.columns, df.columns, view.columns.duplicated(keep=False))]
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
