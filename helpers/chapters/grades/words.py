"""Chapter 3 words: ``describe_*`` computed Korean sentences and ``*_table`` analyst tables.

Sentences take their numbers from the results and format them with :mod:`helpers.common.formats`
(counts, %, 억/만 원, plain dates). Tables keep machine values with the chapter's column names; the
report shows them with the Korean headers and display kinds of ``helpers.common.labels`` (GRADES section).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.chapters.grades.compute import GradeMigration, HoldoutCheck
from helpers.chapters.grades.rules import GradeRules, resolve_rules
from helpers.common.checks import require_columns
from helpers.common.formats import format_count, format_date, format_krw, format_pct

__all__ = ["describe_input", "describe_scores", "describe_grid", "describe_grades", "describe_points",
           "describe_migration", "describe_holdout", "playbook_table", "migration_table"]


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
