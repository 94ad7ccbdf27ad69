"""Chapter 6 "Customer Profiling" (고객 프로파일링, report section 05): dip -> targets -> campaign list.

The report's service flow, with every rule a parameter:

1. **Demand dip** — :func:`choose_dip` picks a category and dates from chapter 4's ``demand_dips`` (the largest
   drop by default, or the most recent, or a given category).
2. **Targets** — by chapter 5's best preference method when that chapter compared methods on its holdout
   (:func:`read_target_method`, :func:`select_targets_by_score`: customers whose top category under the chosen
   method is the dip's, ranked by its score), else as in the report (:func:`select_targets`: customers whose
   rank-1 index is that category, ranked by the index, then value grade (스타 > 나비 > 계륵 > 관리제외 from
   ``grades.yaml``), then the margin of rank 1 over rank 2, then id). :func:`campaign_candidates` picks the path.
3. **Profiles** — :mod:`helpers.chapters.services.profiles` (the card: :mod:`helpers.chapters.services.cards`).
4. **Campaign list** — :func:`campaign_targets`: one row per target with method, score, index, offer, reasons.

Inputs come from :mod:`helpers.chapters.services.inputs`; playbooks and the grade order from the rule files
(:mod:`helpers.chapters.playbooks`): chapters do not import each other.

Public API: resolve_grade_order, DipChoice, dip_table, choose_dip, select_targets, TargetMethod, is_index_method,
choose_target_method, read_target_method, read_category_scores, select_targets_by_score, category_index,
read_category_index, campaign_candidates, CAMPAIGN_COLUMNS, campaign_targets.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from helpers.chapters import playbooks as shared_playbooks
from helpers.chapters.services.cards import display_frame, fill_fields
from helpers.chapters.services.coupons import welcome_coupons
from helpers.chapters.services.inputs import normalise_product, report_dir
from helpers.chapters.services.profiles import ProfileBook
from helpers.common.checks import require_columns
from helpers.common.korean import josa

__all__ = [
    "resolve_grade_order",
    "DipChoice",
    "dip_table",
    "choose_dip",
    "select_targets",
    "TargetMethod",
    "is_index_method",
    "choose_target_method",
    "read_target_method",
    "read_category_scores",
    "select_targets_by_score",
    "category_index",
    "read_category_index",
    "campaign_candidates",
    "CAMPAIGN_COLUMNS",
    "campaign_targets",
]

DIP_RULES = ("largest", "recent")
#: Which dips count first when several kinds are listed (chapter 4 writes forecast, back-test and actual dips):
#: forward-looking forecasts, then dips seen in the window, then back-test forecasts. Korean label of each.
DIP_SOURCES: dict[str, tuple[int, str]] = {
    "forecast": (0, "예측"), "future": (0, "예측"), "in-window": (1, "분석 기간 내 실적"), "actual": (1, "분석 기간 내 실적"),
    "backtest": (2, "과거 시점 예측 검증"),
}


def resolve_grade_order(order: Sequence[str] | None = None) -> tuple[str, ...]:
    """``order`` as given, else the grades best to worst from ``grades.yaml``."""
    return tuple(order) if order is not None else shared_playbooks.grade_order()


# ------------------------------------------------------------------------------------------------
# Step 1: the demand dip
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DipChoice:
    """The category (and dates) the campaign answers.

    ``start``/``end`` are NaT when the category was given or chosen without a dip; ``reason`` says why in Korean.
    """

    category: str
    start: pd.Timestamp
    end: pd.Timestamp
    drop_pct: float
    source: str
    n_dips: int
    rule: str
    reason: str

    @property
    def has_dates(self) -> bool:
        return not pd.isna(self.start)

    def period(self) -> str:
        """'2018-09-23 ~ 2018-09-25', one date for a one-day dip, '기간 미정' without dates."""
        if not self.has_dates:
            return "기간 미정"
        if self.start == self.end:
            return f"{self.start:%Y-%m-%d}"
        return f"{self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d}"


def dip_table(dips: pd.DataFrame) -> pd.DataFrame:
    """``demand_dips`` normalised, dates parsed, and only the most forward-looking kind of dip kept
    (:data:`DIP_SOURCES`) when ``source`` is given."""
    dips = normalise_product("demand_dips", dips)
    table = dips.assign(start=pd.to_datetime(dips["start"]), end=pd.to_datetime(dips["end"]))
    if "source" in table.columns and len(table):
        priority = table["source"].map(lambda v: DIP_SOURCES.get(str(v), (1, ""))[0])
        table = table[priority == priority.min()]
    return table


def _no_dip(category: str, fallback: str | None, n_all: int, rule: str, note: str) -> DipChoice:
    chosen = category or fallback
    if not chosen:
        raise ValueError("demand_dips has no usable dip and no category was given: set dip_category to the "
                         "category to target (or rerun chapter 4).")
    if category:
        reason = (f"지정한 상품군 {category}에는 4장의 수요 급감 구간이 없어, 기간 없이 선호 1순위 고객을 "
                  "타겟팅합니다.")
    else:
        reason = (f"4장의 수요 급감 구간 {n_all}개 중 타겟팅할 수 있는 구간이 없어{note}, 선호지수 1순위 "
                  f"고객이 가장 많은 상품군 {josa(chosen, '을', '를')} 대신 타겟팅합니다.")
    return DipChoice(str(chosen), pd.NaT, pd.NaT, np.nan, "", n_all, rule, reason)


def _best_dip(table: pd.DataFrame, category: str, rule: str, n_all: int, note: str) -> DipChoice:
    if "source" in table.columns:
        priority = table["source"].map(lambda v: DIP_SOURCES.get(str(v), (1, ""))[0])
        table = table[priority == priority.min()]
    keys = (["drop_pct", "start"] if rule == "largest" else ["start", "drop_pct"])
    best = table.sort_values(keys + ["category"], ascending=[False, False, True], kind="mergesort").iloc[0]
    source = str(best["source"]) if "source" in table.columns and pd.notna(best.get("source")) else ""
    source_ko = DIP_SOURCES.get(source, (1, source or "4장"))[1]
    how = "하락 폭이 가장 큰" if rule == "largest" else "가장 최근의"
    kind = f"{source_ko} " if source else ""
    scope = (f"{category}의 {kind}급감 구간 {len(table)}개 중 " if category else
             f"{kind}수요 급감 구간 {len(table)}개 중 ")
    days = int((best["end"] - best["start"]).days) + 1
    reason = (f"{scope}{how} 구간: {best['category']} {best['start']:%Y-%m-%d} ~ {best['end']:%Y-%m-%d} "
              f"({days}일, 평소 대비 {float(best['drop_pct']):.1%} 감소, {source_ko} 기준){note}.")
    return DipChoice(str(best["category"]), pd.Timestamp(best["start"]), pd.Timestamp(best["end"]),
                     float(best["drop_pct"]), source, n_all, rule, reason)


def choose_dip(dips: pd.DataFrame, *, category: str = "", rule: str = "largest",
               targetable: Iterable[str] | None = None, fallback: str | None = None) -> DipChoice:
    """Pick the demand dip the campaign answers (Step 1).

    Parameters
    ----------
    dips : pandas.DataFrame
        ``demand_dips``: ``category, start, end, drop_pct`` (``source`` optional); may be empty. With ``source``,
        only the most forward-looking kind present is considered (:data:`DIP_SOURCES`: forecast before in-window
        before back-test), so a past dip never outranks a forecast one.
    category : str, default ""
        Empty: choose among all dips by ``rule``. Given: that category's dips only (by ``rule``); a category
        without a dip is still accepted (no dates, said in the reason).
    rule : {"largest", "recent"}
        ``largest``: the biggest ``drop_pct`` (ties: later start). ``recent``: the latest start (ties: bigger drop).
    targetable : iterable of str, optional
        Categories that are somebody's rank-1 preference: dips of other categories are skipped (nobody to target).
    fallback : str, optional
        Category used when no dip qualifies and ``category`` is empty (e.g. the most common rank-1 category);
        without it that case raises.

    Raises
    ------
    ValueError
        Unknown rule, missing columns, or no dip and neither ``category`` nor ``fallback``.
    """
    if rule not in DIP_RULES:
        raise ValueError(f"rule={rule!r}: use one of {DIP_RULES}")
    dips = normalise_product("demand_dips", dips)
    table = dips.assign(start=pd.to_datetime(dips["start"]), end=pd.to_datetime(dips["end"]))
    n_all = len(table)
    category = (category or "").strip()
    note = ""
    if targetable is not None:
        skipped = ~table["category"].astype(str).isin(set(map(str, targetable)))
        if skipped.any() and not category:
            note = f" (선호 1순위 고객이 없는 상품군의 구간 {int(skipped.sum())}개 제외)"
        if not category:
            table = table[~skipped]
    if category:
        table = table[table["category"].astype(str) == category]
    if table.empty:
        return _no_dip(category, fallback, n_all, rule, note)
    return _best_dip(table, category, rule, n_all, note)


# ------------------------------------------------------------------------------------------------
# Step 2: targets
# ------------------------------------------------------------------------------------------------
def _check_size(size: Any) -> None:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError(f"size must be an integer >= 0 (0 keeps all), got {size!r}")


def select_targets(top3: pd.DataFrame, grades: pd.DataFrame, *, category: str, size: int = 100,
                   grade_order: Sequence[str] | None = None, customer_col: str = "CLNT_ID") -> pd.DataFrame:
    """Customers whose rank-1 preference is ``category``, ranked for the campaign (Step 2).

    Order: ``rank1_index`` descending, then grade (``grade_order``, best first; no grade last), then the margin
    ``rank1_index - rank2_index`` descending (a clearer preference first), then id ascending.

    Parameters
    ----------
    top3 : pandas.DataFrame
        ``preference_top3``: ``customer_col, rank1, rank1_index, rank2_index`` at least.
    grades : pandas.DataFrame
        ``customer_grades``: ``customer_col, GRADE`` (``POINT_RATE`` used when present).
    category : str
    size : int, default 100
        Length of the list; 0 keeps every candidate.
    grade_order : sequence of str, optional
        Best to worst; default from ``grades.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``TARGET_RANK`` (1..), ``customer_col``, ``TARGET_CATEGORY``, ``PREF_INDEX``, ``PREF_MARGIN``, ``GRADE``
        (NA: no grade), ``GRADE_POS`` (0 = best; len(grade_order) = none), ``POINT_RATE``. ``attrs`` holds
        ``n_candidates``.

    Raises
    ------
    ValueError
        Missing columns, ``size`` not an integer >= 0, empty ``category``.
    """
    require_columns(top3, (customer_col, "rank1", "rank1_index", "rank2_index"), "top3")
    require_columns(grades, (customer_col, "GRADE"), "grades")
    _check_size(size)
    if not isinstance(category, str) or not category.strip():
        raise ValueError("category must name the target category, e.g. '여성의류'")
    order = resolve_grade_order(grade_order)
    cand = top3.loc[top3["rank1"].astype(str) == category, [customer_col, "rank1_index", "rank2_index"]]
    gcols = [customer_col, "GRADE"] + (["POINT_RATE"] if "POINT_RATE" in grades.columns else [])
    cand = cand.merge(grades[gcols].drop_duplicates(customer_col), on=customer_col, how="left")
    pos = {g: i for i, g in enumerate(order)}
    grade_pos = cand["GRADE"].astype(object).map(pos).fillna(len(order)).astype("int64")  # ungraded: last
    out = pd.DataFrame({
        customer_col: cand[customer_col].to_numpy(),
        "TARGET_CATEGORY": pd.array([category] * len(cand), dtype="str"),
        "PREF_INDEX": cand["rank1_index"].to_numpy(dtype=float),
        "PREF_MARGIN": (cand["rank1_index"] - cand["rank2_index"]).fillna(0).to_numpy(dtype=float),
        "GRADE": pd.array(cand["GRADE"].to_numpy(), dtype="str"),
        "GRADE_POS": grade_pos.to_numpy(),
        "POINT_RATE": cand["POINT_RATE"].to_numpy(dtype=float) if "POINT_RATE" in cand else np.nan,
    })
    out = out.sort_values(["PREF_INDEX", "GRADE_POS", "PREF_MARGIN", customer_col],
                          ascending=[False, True, False, True], kind="mergesort").reset_index(drop=True)
    return _ranked(out, size)


def _ranked(out: pd.DataFrame, size: int) -> pd.DataFrame:
    """The first ``size`` rows (all when 0) numbered ``TARGET_RANK`` 1..; ``attrs['n_candidates']`` = all rows."""
    n_candidates = len(out)
    if size:
        out = out.head(size).reset_index(drop=True)
    out.insert(0, "TARGET_RANK", np.arange(1, len(out) + 1, dtype=np.int64))
    out.attrs["n_candidates"] = n_candidates
    return out


# ------------------------------------------------------------------------------------------------
# Step 2 with chapter 5's best preference method
# ------------------------------------------------------------------------------------------------
#: Chapter 5's method comparison and the chosen method's scores (newer runs; older runs lack them).
METHOD_PRODUCTS = ("preference_methods", "preference_model_wide")
METHOD_COLUMNS = ("method", "method_ko", "segment", "n_customers", "top1_hit_rate", "top3_hit_rate", "chosen")
#: Method ids chapter 5 may give the report's own preference index.
INDEX_METHODS = frozenset({"index", "report", "pref_index", "preference_index"})


@dataclass(frozen=True)
class TargetMethod:
    """How campaign targets are ranked (Step 2): by the chosen preference method's score, or by the index.

    ``uses_model`` is False when chapter 5's method products are missing (older runs) or unusable; then targets
    are ranked by the index as in the report, and ``reason`` says why. ``table`` is the overall comparison (one
    row per method: ``METHOD, METHOD_KO, N_CUSTOMERS, TOP1_HIT_RATE, TOP3_HIT_RATE, CHOSEN``; empty when absent).
    """

    method: str
    method_ko: str
    uses_model: bool
    top1_hit_rate: float
    top3_hit_rate: float
    index_top1_hit_rate: float
    index_top3_hit_rate: float
    table: pd.DataFrame
    reason: str


def _truthy(value: Any) -> bool:
    """``chosen`` as written: bool, 0/1, or text ('True', 'true', '1', '예') after a CSV or string round trip."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y", "예"}
    return bool(value) if not pd.isna(value) else False


def _overall_rows(methods: pd.DataFrame) -> pd.DataFrame:
    """One row per method: its largest segment (the one holding every holdout customer)."""
    rows = methods.sort_values(["n_customers", "method"], ascending=[False, True], kind="mergesort")
    rows = rows.drop_duplicates("method").sort_values(["top1_hit_rate", "top3_hit_rate"], ascending=False,
                                                      kind="mergesort")
    chosen = rows["chosen"].map(_truthy).astype(bool)
    return pd.DataFrame({"METHOD": pd.array(rows["method"].astype(str).to_numpy(), dtype="str"),
                         "METHOD_KO": pd.array(rows["method_ko"].astype(str).to_numpy(), dtype="str"),
                         "N_CUSTOMERS": rows["n_customers"].to_numpy(dtype=np.int64),
                         "TOP1_HIT_RATE": rows["top1_hit_rate"].to_numpy(dtype=float),
                         "TOP3_HIT_RATE": rows["top3_hit_rate"].to_numpy(dtype=float),
                         "CHOSEN": chosen.to_numpy()}).reset_index(drop=True)


def is_index_method(method: str, method_ko: str) -> bool:
    """Whether a chapter 5 method row is the report's own preference index."""
    return str(method).lower() in INDEX_METHODS or "선호지수" in str(method_ko)


def _index_method(reason: str, table: pd.DataFrame | None = None) -> TargetMethod:
    table = table if table is not None else pd.DataFrame(columns=["METHOD", "METHOD_KO", "N_CUSTOMERS",
                                                                  "TOP1_HIT_RATE", "TOP3_HIT_RATE", "CHOSEN"])
    idx = table[[is_index_method(m, k) for m, k in zip(table["METHOD"], table["METHOD_KO"])]].head(1)
    top1, top3 = (float(idx["TOP1_HIT_RATE"].iloc[0]), float(idx["TOP3_HIT_RATE"].iloc[0])) if len(idx) else (
        np.nan, np.nan)
    return TargetMethod("index", "선호지수 (보고서 방식)", False, top1, top3, top1, top3, table, reason)


def choose_target_method(methods: pd.DataFrame | None, *, has_scores: bool) -> TargetMethod:
    """Which method ranks the campaign targets, from chapter 5's ``preference_methods`` comparison.

    The method marked ``chosen`` (chapter 5 picks the best on its holdout; without a mark, the best top-1 hit
    rate, then top-3) ranks the targets when its scores (``preference_model_wide``) exist (``has_scores``).
    Otherwise, or when ``methods`` is None (a run before chapter 5 compared methods), the report's index ranks
    them, and :attr:`TargetMethod.reason` says so.

    Raises
    ------
    ValueError
        ``methods`` lacks a column of :data:`METHOD_COLUMNS`.
    """
    if methods is None or methods.empty:
        return _index_method("5장에 선호 예측 방법 비교 산출물(preference_methods)이 없는 실행이라, 보고서 방식의 "
                             "선호지수로 타겟을 고릅니다.")
    require_columns(methods, METHOD_COLUMNS, "preference_methods")
    table = _overall_rows(methods)
    marked = table[table["CHOSEN"]]
    best = (marked if len(marked) else table).iloc[0]
    index = _index_method("", table)
    how = "5장이 보류 기간 검증으로 고른" if len(marked) else "5장 보류 기간 검증에서 1순위 적중률이 가장 높은"
    rates = (f"{best['METHOD_KO']}의 1순위 적중률 {best['TOP1_HIT_RATE']:.1%}, 3순위 내 적중률 "
             f"{best['TOP3_HIT_RATE']:.1%}")
    vs = (f" (보고서 선호지수 {index.top1_hit_rate:.1%}, {index.top3_hit_rate:.1%})"
          if not np.isnan(index.top1_hit_rate) else "")
    if is_index_method(str(best["METHOD"]), str(best["METHOD_KO"])):
        return _index_method(f"{how} 방법은 보고서 방식의 선호지수입니다: {rates}. 선호지수로 타겟을 고릅니다.", table)
    if not has_scores:
        return _index_method(f"{how} 방법은 {rates}{vs}이지만 그 점수 산출물(preference_model_wide)이 없어 "
                             "보고서 방식의 선호지수로 타겟을 고릅니다.", table)
    reason = (f"{how} 방법인 {rates}로 비교한 {len(table)}개 방법 중 가장 높아{vs}, 이 방법의 구매 예측 점수가 "
              "가장 높은 상품군이 이번 상품군인 고객을 점수 순으로 고릅니다. 선호지수는 프로파일 카드에 그대로 표시합니다.")
    return TargetMethod(str(best["METHOD"]), str(best["METHOD_KO"]), True, float(best["TOP1_HIT_RATE"]),
                        float(best["TOP3_HIT_RATE"]), index.top1_hit_rate, index.top3_hit_rate, table, reason)


def read_target_method(output_dir: str | Path) -> TargetMethod:
    """:func:`choose_target_method` on the products of ``<output_dir>/data`` (absent ones count as missing)."""
    folder = report_dir(output_dir) / "data"
    methods_path, wide_path = (folder / f"{name}.parquet" for name in METHOD_PRODUCTS)
    methods = pd.read_parquet(methods_path) if methods_path.is_file() else None
    return choose_target_method(methods, has_scores=wide_path.is_file())


def read_category_scores(output_dir: str | Path, category: str, *, product: str = "preference_model_wide",
                         customer_col: str = "CLNT_ID") -> pd.DataFrame | None:
    """``CLNT_ID, SCORE, BEST_OTHER`` from a wide score product: each customer's score of ``category`` and their
    highest score of any other category (read one column at a time, so memory stays one column wide).

    Returns None when the product or its ``category`` column is missing.
    """
    path = report_dir(output_dir) / "data" / f"{product}.parquet"
    if not path.is_file():
        return None
    columns = [c for c in pq.read_schema(path).names if c != customer_col and not c.startswith("__")]
    if category not in columns:
        return None
    out = pd.read_parquet(path, columns=[customer_col, category]).rename(columns={category: "SCORE"})
    best = np.full(len(out), -np.inf)
    for col in columns:
        if col != category:
            best = np.fmax(best, pd.read_parquet(path, columns=[col])[col].to_numpy(dtype=float))
    out["SCORE"] = out["SCORE"].astype(float)
    out["BEST_OTHER"] = np.where(np.isinf(best), np.nan, best)
    return out


def select_targets_by_score(scores: pd.DataFrame, grades: pd.DataFrame, *, category: str, size: int = 100,
                            index: pd.DataFrame | None = None, grade_order: Sequence[str] | None = None,
                            customer_col: str = "CLNT_ID") -> pd.DataFrame:
    """Customers whose top category under a preference model is ``category``, ranked by its score (Step 2).

    A customer is a candidate when ``SCORE >= BEST_OTHER`` (ties count). Order: ``SCORE`` descending, then grade
    (best first; no grade last), then the margin ``SCORE - BEST_OTHER`` descending, then id ascending.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``customer_col, SCORE, BEST_OTHER`` (:func:`read_category_scores`).
    grades : pandas.DataFrame
        ``customer_col, GRADE`` (``POINT_RATE`` used when present).
    index : pandas.DataFrame, optional
        ``customer_col, PREF_INDEX``: the report's index of ``category``, carried along for display.

    Returns
    -------
    pandas.DataFrame
        ``TARGET_RANK, customer_col, TARGET_CATEGORY, TARGET_SCORE, SCORE_MARGIN, PREF_INDEX, GRADE, GRADE_POS,
        POINT_RATE``; ``attrs['n_candidates']``.
    """
    require_columns(scores, (customer_col, "SCORE", "BEST_OTHER"), "scores")
    require_columns(grades, (customer_col, "GRADE"), "grades")
    _check_size(size)
    if not isinstance(category, str) or not category.strip():
        raise ValueError("category must name the target category, e.g. '여성의류'")
    order = resolve_grade_order(grade_order)
    cand = scores[scores["SCORE"].notna() & ~(scores["SCORE"] < scores["BEST_OTHER"])]
    gcols = [customer_col, "GRADE"] + (["POINT_RATE"] if "POINT_RATE" in grades.columns else [])
    cand = cand.merge(grades[gcols].drop_duplicates(customer_col), on=customer_col, how="left")
    if index is not None:
        cand = cand.merge(index[[customer_col, "PREF_INDEX"]].drop_duplicates(customer_col), on=customer_col,
                          how="left")
    pos = {g: i for i, g in enumerate(order)}
    out = pd.DataFrame({
        customer_col: cand[customer_col].to_numpy(),
        "TARGET_CATEGORY": pd.array([category] * len(cand), dtype="str"),
        "TARGET_SCORE": cand["SCORE"].to_numpy(dtype=float),
        "SCORE_MARGIN": (cand["SCORE"] - cand["BEST_OTHER"]).fillna(0).to_numpy(dtype=float),
        "PREF_INDEX": cand["PREF_INDEX"].to_numpy(dtype=float) if "PREF_INDEX" in cand else np.nan,
        "GRADE": pd.array(cand["GRADE"].to_numpy(), dtype="str"),
        "GRADE_POS": cand["GRADE"].astype(object).map(pos).fillna(len(order)).astype("int64").to_numpy(),
        "POINT_RATE": cand["POINT_RATE"].to_numpy(dtype=float) if "POINT_RATE" in cand else np.nan,
    })
    out = out.sort_values(["TARGET_SCORE", "GRADE_POS", "SCORE_MARGIN", customer_col],
                          ascending=[False, True, False, True], kind="mergesort").reset_index(drop=True)
    return _ranked(out, size)


def category_index(index_wide: pd.DataFrame | None, top3: pd.DataFrame, category: str) -> pd.DataFrame:
    """``CLNT_ID, PREF_INDEX``: each customer's report index of ``category`` (from ``preference_index_wide``
    when given, else from the top-3 ranks, where customers without ``category`` in their top 3 get none)."""
    if index_wide is not None and category in index_wide.columns:
        return pd.DataFrame({"CLNT_ID": index_wide["CLNT_ID"].to_numpy(),
                             "PREF_INDEX": index_wide[category].to_numpy(dtype=float)})
    parts = [top3.loc[top3[f"rank{k}"].astype(str) == category, ["CLNT_ID", f"rank{k}_index"]]
             .rename(columns={f"rank{k}_index": "PREF_INDEX"}) for k in (1, 2, 3)]
    return pd.concat(parts, ignore_index=True).drop_duplicates("CLNT_ID")


def read_category_index(output_dir: str | Path, top3: pd.DataFrame, category: str) -> pd.DataFrame:
    """:func:`category_index` reading only ``CLNT_ID`` and ``category`` of ``preference_index_wide`` if present."""
    path = report_dir(output_dir) / "data" / "preference_index_wide.parquet"
    wide = None
    if path.is_file():
        if category in pq.read_schema(path).names:
            wide = pd.read_parquet(path, columns=["CLNT_ID", category])
    return category_index(wide, top3, category)


def campaign_candidates(output_dir: str | Path, method: TargetMethod, top3: pd.DataFrame, grades: pd.DataFrame,
                        *, category: str, size: int = 100) -> tuple[TargetMethod, pd.DataFrame, pd.DataFrame]:
    """``(method used, all candidates, the first size)`` for ``category``: by the model's scores when
    ``method.uses_model`` and the category has a score column, else by the index (:func:`select_targets`)."""
    scores = read_category_scores(output_dir, category) if method.uses_model else None
    if method.uses_model and scores is None:
        method = _index_method(f"{method.reason} 다만 점수 산출물에 {category} 열이 없어 이 상품군은 선호지수로 "
                               "고릅니다.", method.table)
    if scores is None:
        candidates = select_targets(top3, grades, category=category, size=0)
    else:
        index = read_category_index(output_dir, top3, category)
        candidates = select_targets_by_score(scores, grades, category=category, size=0, index=index)
    targets = _ranked(candidates.drop(columns="TARGET_RANK"), size) if size else candidates
    return method, candidates, targets


# ------------------------------------------------------------------------------------------------
# Campaign list
# ------------------------------------------------------------------------------------------------
#: Columns of the ``campaign_targets`` product, in order.
CAMPAIGN_COLUMNS = ("TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY", "TARGET_METHOD", "TARGET_SCORE", "PREF_INDEX",
                    "GRADE", "POINT_RATE", "SEGMENT_TYPE", "GENDER", "AGE", "MAIN_DEVICE", "REGION", "RECOMMENDED",
                    "CAMPAIGN_START", "CAMPAIGN_END", "COUPON", "DISCOUNT_PCT", "WHY_TARGET", "WHY_GRADE",
                    "WHY_SEGMENT", "WHY_DEVICE")
_CAMPAIGN_TEXT = ("TARGET_CATEGORY", "TARGET_METHOD", "GRADE", "SEGMENT_TYPE", "GENDER", "MAIN_DEVICE", "REGION",
                  "RECOMMENDED", "COUPON", "WHY_TARGET", "WHY_GRADE", "WHY_SEGMENT", "WHY_DEVICE")
_FROM_PROFILE = ("GRADE", "POINT_RATE", "SEGMENT_TYPE", "GENDER", "AGE", "MAIN_DEVICE", "REGION", "RECOMMENDED")


def _why_target(merged: pd.DataFrame, dip: DipChoice, method: TargetMethod | None) -> np.ndarray:
    grade_txt = merged["GRADE"].fillna("등급 없음").astype(str).to_numpy(dtype=object)
    category = merged["TARGET_CATEGORY"].astype(str).to_numpy(dtype=object)
    index_txt = np.array(["없음" if pd.isna(v) else f"{v:.1f}" for v in merged["PREF_INDEX"]], dtype=object)
    if method is not None and method.uses_model:
        score_txt = np.array([f"{v:.3g}" for v in merged["TARGET_SCORE"]], dtype=object)
        head = (category + f" {method.method_ko} 1순위(구매 예측 점수 " + score_txt + "), 선호지수 " + index_txt + ", "
                + grade_txt)
    else:
        head = category + " 선호지수 1순위(" + index_txt + "), " + grade_txt
    return head + (f", {dip.category} 수요 급감 {dip.period()} 대응" if dip.has_dates else "")


def campaign_targets(targets: pd.DataFrame, book: ProfileBook, dip: DipChoice, *, method: TargetMethod | None = None,
                     coupons: Mapping | None = None) -> pd.DataFrame:
    """The target list as a campaign tool takes it: one row per target with offer and reasons.

    Parameters
    ----------
    targets : pandas.DataFrame
        :func:`select_targets` or :func:`select_targets_by_score` output (``TARGET_RANK, CLNT_ID,
        TARGET_CATEGORY, PREF_INDEX``; ``TARGET_SCORE`` when ranked by a model).
    method : TargetMethod, optional
        How the targets were ranked (None: by the index).

    Returns
    -------
    pandas.DataFrame
        :data:`CAMPAIGN_COLUMNS`. ``TARGET_METHOD`` is the chapter 5 method id (``index`` for the report's
        index), ``TARGET_SCORE`` its score of the target category (the index itself when ranked by the index);
        scores and indexes rounded to 4 decimals.
    """
    require_columns(targets, ("TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY", "PREF_INDEX"), "targets")
    keep = ["TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY", "PREF_INDEX"] + \
        (["TARGET_SCORE"] if "TARGET_SCORE" in targets.columns else [])
    prof = book.table[book.table["CLNT_ID"].isin(targets["CLNT_ID"])]
    merged = targets[keep].merge(prof, on="CLNT_ID", how="left")
    if "TARGET_SCORE" not in merged:
        merged["TARGET_SCORE"] = merged["PREF_INDEX"]
    offers = welcome_coupons(merged, rules=coupons)
    first = offers[offers["PREF_RANK"] == 1][["CLNT_ID", "COUPON", "DISCOUNT_PCT"]]
    merged = merged.merge(first, on="CLNT_ID", how="left")
    texts = fill_fields(display_frame(merged))
    n = len(merged)
    out = pd.DataFrame({col: merged[col].to_numpy() for col in ("TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY")})
    out["TARGET_METHOD"] = method.method if method is not None else "index"
    for col in ("TARGET_SCORE", "PREF_INDEX"):
        out[col] = merged[col].to_numpy(dtype=float).round(4)
    for col in _FROM_PROFILE:
        out[col] = merged[col].to_numpy()
    out["POINT_RATE"] = merged["POINT_RATE"].to_numpy(dtype=float)
    out["CAMPAIGN_START"] = pd.Series([dip.start] * n, dtype="datetime64[ns]").to_numpy()
    out["CAMPAIGN_END"] = pd.Series([dip.end] * n, dtype="datetime64[ns]").to_numpy()
    out["COUPON"] = merged["COUPON"].to_numpy()
    out["DISCOUNT_PCT"] = merged["DISCOUNT_PCT"].to_numpy(dtype=float)
    out["WHY_TARGET"] = _why_target(merged, dip, method)
    for col, key in (("WHY_GRADE", "grade"), ("WHY_SEGMENT", "segment"), ("WHY_DEVICE", "device")):
        out[col] = texts[f"{key}_WHY"].to_numpy()
    for col in _CAMPAIGN_TEXT:
        out[col] = pd.array(out[col].to_numpy(), dtype="str")
    out["AGE"] = pd.array(out["AGE"], dtype="Int64")
    return out[list(CAMPAIGN_COLUMNS)].sort_values("TARGET_RANK", kind="mergesort").reset_index(drop=True)
