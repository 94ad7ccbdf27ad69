"""Chapter 3 words: ``describe_*`` computed Korean sentences and ``*_table`` analyst tables.

Sentences take their numbers from the results and format them with :mod:`helpers.common.formats`
(counts, %, 억/만 원, plain dates). Tables keep machine values with the chapter's column names; the
report shows them with the Korean headers and display kinds of ``helpers.common.labels`` (GRADES section).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.chapters.grades.compute import GradeMigration, HoldoutCheck, ValueCheck, ValueForecast
from helpers.chapters.grades.rules import GradeRules, resolve_rules
from helpers.common.checks import require_columns
from helpers.common.formats import format_count, format_date, format_krw, format_pct
from helpers.common.labels import GRADES_VALUE_METHOD_LABELS

__all__ = ["describe_input", "describe_scores", "describe_grid", "describe_grades", "describe_points",
           "describe_migration", "describe_holdout", "playbook_table", "migration_table", "value_check_table",
           "value_model_table", "describe_value_check", "describe_value_model", "describe_value_by_grade",
           "describe_upgrade", "chapter_summary"]


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    require_columns(frame, columns, what, hint="pass the matching result of helpers.chapters.grades.compute")


def describe_input(transactions: pd.DataFrame, dates: Any, *, customer_col: str = "CLNT_ID") -> str:
    """What is graded: customers and purchase days, the grading date, the migration and holdout dates.

    ``dates`` is the :class:`~helpers.chapters.grades.compute.ChapterDates` of the chapter.
    """
    require_columns(transactions, (customer_col,), "transactions")
    return (f"고객 {format_count(transactions[customer_col].nunique())}명의 구매일 {format_count(len(transactions))}건으로 "
            f"{format_date(dates.end)} 기준 등급을 매깁니다. 등급 이동은 {format_date(dates.migration_from)} → "
            f"{format_date(dates.end)}, 사후 검증은 {format_date(dates.holdout_cutoff)}까지의 데이터로 매긴 등급과 "
            f"이후 {format_count(dates.holdout_days)}일의 구매를 비교합니다.")


def describe_scores(scores: pd.DataFrame) -> str:
    """E.g. '최근성 3점(가장 최근 구매) 고객이 41.0%, 최빈성 1점(재구매 없음) 고객이 ...'."""
    _require(scores, ("SCORE_TYPE", "SCORE", "CUSTOMERS", "SHARE"), "scores")

    def share(column: str, best: bool) -> tuple[int, float]:
        part = scores[scores["SCORE_TYPE"] == column].sort_values("SCORE")
        row = part.iloc[-1] if best else part.iloc[0]
        return int(row["SCORE"]), float(row["SHARE"])

    r_score, r_share = share("R_SCORE", True)
    f_score, f_share = share("F_SCORE", False)
    m_score, m_share = share("M_SCORE", True)
    return (f"최근성 {r_score}점(가장 최근 구매) 고객이 {format_pct(r_share)}, 최빈성 {f_score}점(재구매 없음) "
            f"고객이 {format_pct(f_share)}이며, 구매금액 {m_score}점(최고 구간) 고객은 {format_pct(m_share)}입니다.")


def describe_grid(grid: pd.DataFrame) -> str:
    """Which cell of the R+F × M grid holds the most customers."""
    if not isinstance(grid, pd.DataFrame) or list(grid.columns) != [1, 2]:
        raise ValueError("grid must be the output of interest_money_grid (columns 1 and 2)")
    values = grid.to_numpy(dtype=float)
    total = values.sum()
    if total == 0:
        return "분류된 고객이 없습니다."
    i, j = np.unravel_index(np.argmax(values), values.shape)
    high_interest = grid[2].sum() / total
    return (f"구매금액 {grid.index[i]}점·관심도 등급 {grid.columns[j]} 칸이 전체 고객의 "
            f"{format_pct(values[i, j] / total)}로 가장 많고, 관심도 등급 2(최근성+최빈성 높음) 고객은 "
            f"{format_pct(high_interest)}입니다.")


def describe_grades(summary: pd.DataFrame) -> str:
    """E.g. '스타 고객은 전체의 3.2%(1,234명)이지만 매출의 41.5%를 차지하고, ...'."""
    _require(summary, ("GRADE", "CUSTOMERS", "CUSTOMER_SHARE", "REVENUE_SHARE"), "summary")
    top, bottom = summary.iloc[0], summary.iloc[-1]
    # "이지만" only when the top grade really earns more than its head count suggests.
    joint = "이지만" if top["REVENUE_SHARE"] > top["CUSTOMER_SHARE"] else "이고"
    return (f"{top['GRADE']} 고객은 전체의 {format_pct(top['CUSTOMER_SHARE'])}"
            f"({format_count(top['CUSTOMERS'])}명){joint} 매출의 {format_pct(top['REVENUE_SHARE'])}를 차지하고, "
            f"{bottom['GRADE']} 고객은 {format_pct(bottom['CUSTOMER_SHARE'])}"
            f"({format_count(bottom['CUSTOMERS'])}명)로 매출의 {format_pct(bottom['REVENUE_SHARE'])}를 차지합니다.")


def describe_points(summary: pd.DataFrame) -> str:
    """Total point cost, as a share of revenue, and the largest grade's part of it."""
    _require(summary, ("GRADE", "REVENUE", "POINT_COST"), "summary")
    cost, revenue = float(summary["POINT_COST"].sum()), float(summary["REVENUE"].sum())
    if cost <= 0:
        return "등급별 적립률을 적용해도 포인트 비용이 발생하지 않습니다."
    largest = summary.loc[summary["POINT_COST"].idxmax()]
    return (f"등급별 적립률을 적용하면 포인트 비용은 총 {format_krw(cost)}으로 매출의 "
            f"{format_pct(cost / revenue, 2)}이며, 그중 {largest['GRADE']} 등급이 "
            f"{format_pct(largest['POINT_COST'] / cost)}를 차지합니다.")


def describe_migration(migration: GradeMigration) -> str:
    """How many customers moved up, down, stayed, were new or lapsed between the two dates."""
    if not isinstance(migration, GradeMigration):
        raise TypeError("migration must be the result of grade_migration")
    counts = dict(zip(migration.summary["MOVE"], migration.summary["CUSTOMERS"]))
    total = sum(counts.values())
    if total == 0:
        return "두 기준일 모두 구매 고객이 없습니다."
    return (f"{format_date(migration.as_of_a)}부터 {format_date(migration.as_of_b)}까지 등급이 오른 고객은 "
            f"{format_count(counts['up'])}명({format_pct(counts['up'] / total)}), 내린 고객은 "
            f"{format_count(counts['down'])}명({format_pct(counts['down'] / total)}), 유지한 고객은 "
            f"{format_count(counts['same'])}명이며, 신규 {format_count(counts['new'])}명, "
            f"미구매 {format_count(counts['lapsed'])}명입니다.")


def describe_holdout(holdout: HoldoutCheck) -> str:
    """Whether the grades at the cut-off ranked later spend, with the top and bottom means."""
    if not isinstance(holdout, HoldoutCheck):
        raise TypeError("holdout must be the result of holdout_check")
    table = holdout.by_grade[holdout.by_grade["CUSTOMERS"] > 0]
    top, bottom = table.iloc[0], table.iloc[-1]
    rho = "계산 불가" if np.isnan(holdout.spearman) else f"{holdout.spearman:.2f}"
    verdict = ("등급이 높을수록 이후 1인당 구매액이 많아 등급 순서가 미래 구매를 잘 예측합니다"
               if holdout.monotonic else
               "등급 순서와 이후 1인당 구매액의 순서가 일치하지 않는 구간이 있습니다")
    return (f"{format_date(holdout.cutoff)} 기준 등급으로 보면 이후 기간 1인당 구매액은 "
            f"{top['GRADE']} {format_krw(top['MEAN_SPEND'])}, {bottom['GRADE']} "
            f"{format_krw(bottom['MEAN_SPEND'])}으로, {verdict} (순위상관 {rho}).")


def playbook_table(*, rules: GradeRules | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """All playbooks in grade order.

    Returns
    -------
    DataFrame
        Columns GRADE, POINT_RATE, DESCRIPTION, GOAL, ACTIONS (newline-joined), MESSAGE.
    """
    rules = resolve_rules(rules)
    rows = []
    for grade, rate in rules.point_rates.items():
        book = rules.playbook(grade)
        rows.append({"GRADE": grade, "POINT_RATE": rate, "DESCRIPTION": book.description,
                     "GOAL": book.goal, "ACTIONS": "\n".join(book.actions),
                     "MESSAGE": book.message})
    return pd.DataFrame(rows)


def migration_table(migration: GradeMigration) -> pd.DataFrame:
    """The five moves in Korean for analysts: MOVE_LABEL (상승, 유지, 하락, 신규, 미구매), CUSTOMERS, SHARE."""
    if not isinstance(migration, GradeMigration):
        raise TypeError("migration must be the result of grade_migration")
    return migration.summary[["MOVE_LABEL", "CUSTOMERS", "SHARE"]].reset_index(drop=True)


def value_check_table(check: ValueCheck) -> pd.DataFrame:
    """Methods side by side on the holdout: METHOD (Korean), SPEARMAN, BUYER_AUC, SPEARMAN_BUYERS,
    TOP_DECILE_CAPTURE, CUSTOMERS."""
    if not isinstance(check, ValueCheck):
        raise TypeError("check must be the result of value_check")
    table = check.table
    return pd.DataFrame({"METHOD": [GRADES_VALUE_METHOD_LABELS.get(m, m) for m in table["method"]],
                         "SPEARMAN": table["spearman"].to_numpy(float),
                         "BUYER_AUC": table["buyer_auc"].to_numpy(float),
                         "SPEARMAN_BUYERS": table["spearman_buyers"].to_numpy(float),
                         "TOP_DECILE_CAPTURE": table["top_decile_capture"].to_numpy(float),
                         "CUSTOMERS": table["n_customers"].to_numpy(np.int64)})


def _signed(value: float) -> str:
    """Two decimals without a negative zero ("-0.00" reads like a finding)."""
    return "계산 불가" if pd.isna(value) else f"{round(float(value), 2) + 0.0:.2f}"


_CLOCKS = {"first_purchase": "첫 구매일부터", "window_start": "분석 시작일부터(기존 고객)"}
_SPEND_MODELS = {"gamma_gamma": "고객별 1회 구매액(감마-감마)", "mean": "전체 평균 1회 구매액"}


def _seconds(seconds: float) -> str:
    """A fit time: "0.1초 미만" below a tenth of a second (not "0.0초"), else one decimal."""
    return "0.1초 미만" if seconds < 0.05 else f"{seconds:.1f}초"


def value_model_table(forecast: ValueForecast) -> pd.DataFrame:
    """The fitted parameters and choices in words: PARAMETER, ESTIMATE, MEANING (all text)."""
    if not isinstance(forecast, ValueForecast):
        raise TypeError("forecast must be the result of forecast_value")
    model = forecast.model
    bg, gg = model.bgnbd, model.gamma_gamma
    drop = bg.a / (bg.a + bg.b)
    spend = gg.mean_spend if gg.q > 1 else model.fallback_spend
    per_30 = float(forecast.customers["PRED_PURCHASES"].mean()) * 30 / forecast.horizon_days
    rows = [
        ("구매 빈도 r, α", f"r = {bg.r:.3g}, α = {bg.alpha:.3g}",
         f"활동 중 고객의 구매 속도 분포(감마); 고객 1인당 예상 구매일 수 {per_30:.2f}일/30일"),
        ("이탈 a, b", f"a = {bg.a:.3g}, b = {bg.b:.3g}", f"구매 직후 이탈할 확률의 분포(베타), 평균 {format_pct(drop)}"),
        ("구매액 p, q, v", f"p = {gg.p:.3g}, q = {gg.q:.3g}, v = {gg.v:,.0f}",
         f"구매일 1회 구매액 분포(감마-감마), 평균 {format_krw(spend)}"),
        ("독립성 점검", f"{_signed(model.spend_frequency_corr)}",
         "재구매 횟수와 1회 평균 구매액의 상관: 0에 가까울수록 감마-감마의 독립 가정에 맞습니다"),
        ("고객 시계", _CLOCKS.get(forecast.origin, forecast.origin), "구매 횟수·최근성·기간을 세기 시작하는 날"),
        ("구매액 모형", _SPEND_MODELS.get(forecast.spend_model, forecast.spend_model), "예상 구매액 = 예상 구매일 수 × 이 금액"),
        ("적합 시간", _seconds(model.fit_seconds), f"고객 {format_count(model.n_customers)}명"),
    ]
    return pd.DataFrame(rows, columns=["PARAMETER", "ESTIMATE", "MEANING"])


def describe_value_check(check: ValueCheck) -> str:
    """How the forecast ranks later spend against the grades on the same holdout."""
    if not isinstance(check, ValueCheck):
        raise TypeError("check must be the result of value_check")
    t = check.table.set_index("method")
    f_rho, g_rho = t.loc["forecast", "spearman"], t.loc["grades", "spearman"]
    f_cap, g_cap = t.loc["forecast", "top_decile_capture"], t.loc["grades", "top_decile_capture"]
    buyers = float((check.customers["FUTURE_SPEND"] > 0).mean())
    verdict = "높아 구매 예측 모형이 이후 구매를 더 잘 줄 세웁니다" if f_rho > g_rho else "낮아 등급이 이후 구매를 더 잘 줄 세웁니다"
    return (f"같은 사후 검증 기간({format_date(check.forecast.observation_end)} 이후 {check.forecast.horizon_days}일)에서 "
            f"구매 예측 모형의 순위상관은 {f_rho:.2f}로 가치 등급({g_rho:.2f})보다 {abs(f_rho - g_rho):.2f} {verdict}. "
            f"예측 상위 10% 고객이 이후 구매액의 {format_pct(f_cap)}를 차지합니다(등급 기준 {format_pct(g_cap)}). "
            f"검증 고객의 {format_pct(buyers)}만 다시 구매하므로 순위상관은 대부분 '누가 다시 사는가'로 정해집니다: "
            f"재구매 판별력(AUC)은 예측 {t.loc['forecast', 'buyer_auc']:.2f}, 등급 {t.loc['grades', 'buyer_auc']:.2f}이고, "
            f"다시 산 고객 안에서 누가 더 쓰는지의 순위상관은 예측 {_signed(t.loc['forecast', 'spearman_buyers'])}, "
            f"등급 {_signed(t.loc['grades', 'spearman_buyers'])}입니다.")


def _variant_words(forecast: ValueForecast) -> str:
    """Which clock and spend model, and where they were chosen (this history's last days or an earlier one's)."""
    clock, spend = _CLOCKS[forecast.origin], _SPEND_MODELS[forecast.spend_model]
    if not len(forecast.validation):
        return f"고객 시계는 '{clock}'입니다"
    chosen_at = forecast.chosen_at
    if chosen_at is None or chosen_at == forecast.observation_end:
        return f"보유 기간의 마지막 구간으로 검증해 고객 시계는 '{clock}', 구매액은 '{spend}'을 골랐습니다"
    return (f"{format_date(chosen_at)}까지의 데이터 안에서 마지막 구간으로 검증해 고른 고객 시계 '{clock}'와 "
            f"구매액 '{spend}'을 그대로 썼습니다")


def describe_value_model(forecast: ValueForecast) -> str:
    """Which variant the time-ordered validation chose, and whether the independence assumption holds."""
    if not isinstance(forecast, ValueForecast):
        raise TypeError("forecast must be the result of forecast_value")
    corr = forecast.model.spend_frequency_corr
    check = ("0에 가까워 독립 가정에 무리가 없습니다" if abs(corr) < 0.3 else
             "커서 독립 가정이 약하므로 예상 구매액을 보수적으로 읽어야 합니다")
    chosen = _variant_words(forecast)
    return (f"{chosen}. 재구매 횟수와 1회 평균 구매액의 상관은 {_signed(corr)}로 {check}. "
            f"고객 {format_count(forecast.model.n_customers)}명 적합"
            + ("은 0.1초 안에 끝났습니다." if forecast.model.fit_seconds < 0.05 else
               f"에 {forecast.model.fit_seconds:.1f}초가 걸렸습니다."))


def describe_value_by_grade(by_grade: pd.DataFrame, horizon_days: int) -> str:
    """Expected spend per customer of each grade over the horizon, best grade first."""
    _require(by_grade, ("GRADE", "PRED_SPEND", "PRED_SPEND_SHARE", "CUSTOMERS"), "by_grade")
    shown = by_grade[by_grade["CUSTOMERS"] > 0]
    parts = ", ".join(f"{row.GRADE} {format_krw(row.PRED_SPEND)}" for row in shown.itertuples())
    top = shown.iloc[0]
    return (f"다음 {horizon_days}일 1인당 예상 구매액은 {parts}이며, {top['GRADE']} 고객이 예상 구매액 전체의 "
            f"{format_pct(top['PRED_SPEND_SHARE'])}를 차지합니다.")


def describe_upgrade(candidates: pd.DataFrame, value: pd.DataFrame) -> str:
    """How many customers below the best grade are forecast to spend like a typical best-grade customer."""
    _require(candidates, ("GRADE", "PRED_SPEND"), "candidates")
    if len(candidates) == 0:
        return "최상위 등급의 중앙값만큼 구매할 것으로 예측되는 하위 등급 고객은 없습니다."
    counts = candidates["GRADE"].astype(str).value_counts()
    parts = ", ".join(f"{grade} {format_count(n)}명" for grade, n in counts.items())
    return (f"최상위 등급 고객의 예상 구매액 중앙값 이상으로 구매할 것으로 예측되지만 등급이 낮은 고객이 "
            f"{format_count(len(candidates))}명({parts})으로, 전체 {format_count(len(value))}명의 "
            f"{format_pct(len(candidates) / len(value))}입니다. 이들의 예상 구매액 합계는 "
            f"{format_krw(candidates['PRED_SPEND'].sum())}입니다.")


def chapter_summary(summary: pd.DataFrame, check: ValueCheck, candidates: pd.DataFrame) -> list[str]:
    """Three sentences for the chapter's opening summary: finding, meaning, action."""
    _require(summary, ("GRADE", "CUSTOMER_SHARE", "REVENUE_SHARE"), "summary")
    top = summary.iloc[0]
    t = check.table.set_index("method")
    better = t.loc["forecast", "spearman"] > t.loc["grades", "spearman"]
    return [
        f"{top['GRADE']} 고객은 전체의 {format_pct(top['CUSTOMER_SHARE'])}이지만 매출의 "
        f"{format_pct(top['REVENUE_SHARE'])}를 차지합니다.",
        (f"이후 구매액의 순서는 구매 예측 모형이 등급보다 잘 맞힙니다(순위상관 {t.loc['forecast', 'spearman']:.2f} 대 "
         f"{t.loc['grades', 'spearman']:.2f}): 등급은 포인트 적립률을 정하는 규칙으로 두고, 누구에게 마케팅할지는 "
         "예측으로 고르는 것이 낫습니다." if better else
         f"이후 구매액의 순서는 등급이 구매 예측 모형보다 잘 맞힙니다(순위상관 {t.loc['grades', 'spearman']:.2f} 대 "
         f"{t.loc['forecast', 'spearman']:.2f}): 등급을 그대로 마케팅 대상 선정에 써도 됩니다."),
        f"예상 구매액이 최상위 등급 수준인 하위 등급 고객 {format_count(len(candidates))}명"
        "(데이터 산출물 `customer_upgrade_candidates`)에게 등급 상향 조건을 안내하는 캠페인을 우선 진행하세요.",
    ]
