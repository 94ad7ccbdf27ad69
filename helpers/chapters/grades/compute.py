"""Chapter 3: customer value grading (report section 02 "고객 가치 분류", the "333 법칙") — computation.

Each customer gets a recency, a frequency and a monetary score (1-3) from their purchases up to an
as-of date; recency + frequency is their *interest*, the monetary score their *money*; the two
high/low flags give one of four grades (스타, 나비, 계륵, 관리제외) with a point rate.

All thresholds, the grade rule table, the grade order and the playbooks live in
``helpers/resources/grades.yaml`` (see :mod:`helpers.chapters.grades.rules`); every function takes
``rules=`` to override them (a :class:`GradeRules` or a nested dict merged over the defaults). Nothing
here assumes the 2018 window: recency counts calendar months back from the as-of month.

The functions work on any shop's transactions: one row per purchase line, session or customer-day
(several rows per customer and day are fine), with the customer, date and amount columns named by
the caller. They never mutate their input, and they refuse rows outside the allowed date range
instead of filtering them silently. No matplotlib here: figures are in ``figures.py``, sentences and
analyst tables in ``words.py``, the customer-value forecast model in ``clv.py``.

Public API
----------
Rules:       GradeRules, GradeRule, Playbook, default_rules, resolve_rules (from ``rules.py``)
Dates:       chapter_dates
Grading:     grade_customers
Summaries:   score_distribution, interest_money_grid, grade_summary, playbook
Beyond:      grade_migration -> GradeMigration, holdout_check -> HoldoutCheck
Value:       forecast_value -> ValueForecast, value_check -> ValueCheck (same holdout as the grades),
             customer_value_forecast, value_by_grade, upgrade_candidates, value_forecast_check,
             top_share_capture, buyer_auc, spearman
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.chapters.grades import clv
from helpers.chapters.grades.rules import (
    LAPSED_LABEL,
    NEW_LABEL,
    SCORE_KINDS,
    GradeRule,
    GradeRules,
    Playbook,
    default_rules,
    resolve_rules,
)
from helpers.common.checks import require_columns
from helpers.common.dates import parse_date

__all__ = [
    "GRADED_COLUMNS",
    "NEW_LABEL",
    "LAPSED_LABEL",
    "MOVE_LABELS",
    "GradeRule",
    "Playbook",
    "GradeRules",
    "default_rules",
    "resolve_rules",
    "ChapterDates",
    "chapter_dates",
    "grade_customers",
    "score_distribution",
    "interest_money_grid",
    "grade_summary",
    "playbook",
    "GradeMigration",
    "grade_migration",
    "HoldoutCheck",
    "holdout_check",
    "spearman",
    "top_share_capture",
    "buyer_auc",
    "FORECAST_COLUMNS",
    "VALUE_METHODS",
    "VALIDATION_CUSTOMERS",
    "ValueForecast",
    "forecast_value",
    "ValueCheck",
    "value_check",
    "customer_value_forecast",
    "value_by_grade",
    "upgrade_candidates",
    "value_forecast_check",
]

#: Output columns of :func:`grade_customers`, after the customer id column (named by the caller).
GRADED_COLUMNS: tuple[str, ...] = (
    "FIRST_DT", "LAST_DT", "N_DAYS", "MEAN_DAY", "LAST_MONTH", "MONTHS_AGO", "TOT_PRICE",
    "R_SCORE", "F_SCORE", "M_SCORE", "INTEREST", "INTEREST_HIGH", "MONEY_HIGH",
    "GRADE", "POINT_RATE", "POINTS",
)

#: Migration move codes (column MOVE) and their Korean labels (column MOVE_LABEL).
MOVE_LABELS: dict[str, str] = {
    "up": "상승", "same": "유지", "down": "하락", "new": NEW_LABEL, "lapsed": LAPSED_LABEL,
}


@dataclass(frozen=True)
class ChapterDates:
    """The chapter's dates, derived from ``end_date`` by counting whole months back (nothing assumes 2018).

    Attributes
    ----------
    end : Timestamp
        The grading date (``end_date``).
    migration_from : Timestamp
        Last day of the month ``migration_months_back`` months before ``end``'s month.
    holdout_cutoff : Timestamp
        Last day of the month ``holdout_months`` months before ``end``'s month.
    holdout_days : int
        Days in (holdout_cutoff, end].
    forecast_days : int
        Horizon of the value forecast after ``end``: ``forecast_horizon_days``, or ``holdout_days`` when 0.
    """

    end: pd.Timestamp
    migration_from: pd.Timestamp
    holdout_cutoff: pd.Timestamp
    holdout_days: int
    forecast_days: int


def chapter_dates(end_date: Any, *, migration_months_back: int = 1, holdout_months: int = 2,
                  forecast_horizon_days: int = 0) -> ChapterDates:
    """Month ends counted back from ``end_date`` for the migration and the holdout check; the forecast horizon.

    ``chapter_dates("2018-09-30", migration_months_back=1, holdout_months=2)`` gives migration from
    2018-08-31, a holdout cut-off of 2018-07-31 (61 days to the end) and a 61-day forecast horizon.
    """
    if isinstance(forecast_horizon_days, bool) or not isinstance(forecast_horizon_days, (int, np.integer)) \
            or forecast_horizon_days < 0:
        raise ValueError(f"forecast_horizon_days={forecast_horizon_days!r} must be a whole number of days "
                         "(0 = the holdout length)")
    for name, months in (("migration_months_back", migration_months_back), ("holdout_months", holdout_months)):
        if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
            raise ValueError(f"{name}={months!r} must be a whole number of months >= 1")
    end = parse_date(end_date, "end_date")

    def month_end_before(months: int) -> pd.Timestamp:
        return (end.to_period("M") - months).to_timestamp(how="end").normalize()

    cutoff = month_end_before(holdout_months)
    holdout_days = int((end - cutoff).days)
    return ChapterDates(end, month_end_before(migration_months_back), cutoff, holdout_days,
                        int(forecast_horizon_days) or holdout_days)


# --------------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------------
def _day_number(stamp: pd.Timestamp) -> int:
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


def _day_text(day: int | np.integer) -> str:
    return str(np.datetime64(int(day), "D"))


@dataclass(frozen=True)
class _Prepared:
    """Validated transactions as arrays: customer codes, day numbers, amounts."""

    codes: np.ndarray      # int64 index into uniques
    uniques: Any           # customer ids (Index), sorted
    days: np.ndarray       # int64 days since 1970-01-01
    amount: np.ndarray     # float64
    customer_col: str
    date_col: str
    amount_col: str

    def subset(self, mask: np.ndarray) -> _Prepared:
        return _Prepared(self.codes[mask], self.uniques, self.days[mask], self.amount[mask],
                         self.customer_col, self.date_col, self.amount_col)


def _prepare(transactions: pd.DataFrame, *, customer_col: str, date_col: str,
             amount_col: str) -> _Prepared:
    require_columns(transactions, (customer_col, date_col, amount_col), "transactions",
                    hint="name yours with customer_col=, date_col=, amount_col=")
    if len(transactions) == 0:
        raise ValueError("transactions has no rows: nothing to grade; check the date range "
                         "and the data folder")

    customers = transactions[customer_col]
    n_missing = int(customers.isna().sum())
    if n_missing:
        raise ValueError(f"{customer_col} is missing in {n_missing:,} row(s); drop them or fill "
                         "the customer id first")

    dates = transactions[date_col]
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(dates.dtype):
        try:
            dates = pd.to_datetime(dates)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{date_col} cannot be read as dates ({exc}); pass datetimes or "
                             "ISO date strings") from exc
    n_missing = int(dates.isna().sum())
    if n_missing:
        raise ValueError(f"{date_col} is missing in {n_missing:,} row(s); drop them first")
    days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)

    amount_raw = transactions[amount_col]
    if (not pd.api.types.is_numeric_dtype(amount_raw.dtype)
            or pd.api.types.is_bool_dtype(amount_raw.dtype)):
        raise ValueError(f"{amount_col} must be numeric (KRW amounts), got dtype "
                         f"{amount_raw.dtype}; convert it first (e.g. remove thousands "
                         "separators)")
    amount = amount_raw.to_numpy(dtype="float64", na_value=np.nan)
    n_missing = int(np.isnan(amount).sum())
    if n_missing:
        raise ValueError(f"{amount_col} is missing in {n_missing:,} row(s); drop or fill them "
                         "first")
    n_infinite = int(np.isinf(amount).sum())
    if n_infinite:
        raise ValueError(f"{amount_col} is infinite in {n_infinite:,} row(s); fix them first")
    negative = amount < 0
    n_negative = int(negative.sum())
    if n_negative:
        raise ValueError(f"{amount_col} has {n_negative:,} negative value(s) (smallest "
                         f"{amount[negative].min():,.0f}); grading needs purchases only — "
                         "drop refunds/cancellations or net them out first")

    codes, uniques = clv.customer_codes(customers)
    return _Prepared(codes, uniques, days, amount,
                     customer_col, date_col, amount_col)


def _check_range(prepared: _Prepared, *, lowest: int | None, highest: int,
                 low_name: str, high_name: str) -> None:
    """Refuse rows outside [lowest, highest] (day numbers) — never filter silently."""
    days = prepared.days
    late = days > highest
    if late.any():
        raise ValueError(
            f"{int(late.sum()):,} row(s) of {prepared.date_col} fall after {high_name}="
            f"{_day_text(highest)} (dates {_day_text(days[late].min())}..."
            f"{_day_text(days[late].max())}); only purchases up to {high_name} may be passed — "
            f"filter the transactions or move {high_name}")
    if lowest is not None:
        early = days < lowest
        if early.any():
            raise ValueError(
                f"{int(early.sum()):,} row(s) of {prepared.date_col} fall before {low_name}="
                f"{_day_text(lowest)} (dates {_day_text(days[early].min())}..."
                f"{_day_text(days[early].max())}); filter the transactions or move {low_name}")



# --------------------------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------------------------
def _empty_graded(customer_col: str, uniques: Any, rules: GradeRules) -> pd.DataFrame:
    return _graded_frame(customer_col, uniques[:0], *(np.zeros(0, np.int64),) * 3,
                         np.zeros(0), _day_number(pd.Timestamp("1970-01-01")), rules)


def _grade_prepared(prepared: _Prepared, *, as_of_day: int,
                    rules: GradeRules) -> tuple[pd.DataFrame, np.ndarray]:
    """Grade every customer with at least one row in ``prepared`` (already range-checked).

    Returns the graded frame and, per row, the customer's code in ``prepared.uniques``.
    """
    codes, days = prepared.codes, prepared.days
    if len(codes) == 0:
        return (_empty_graded(prepared.customer_col, prepared.uniques, rules),
                np.zeros(0, dtype=np.int64))
    n_all = len(prepared.uniques)
    first_day = int(days.min())
    span = int(days.max()) - first_day + 1
    # One sorted key per distinct (customer, day): customers ascending, days ascending within.
    # Plain sort + dedupe: np.unique's hash path is several times slower on millions of keys.
    keys = np.sort(codes * span + (days - first_day))
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    key_codes = keys // span
    key_days = keys - key_codes * span + first_day
    n_days_all = np.bincount(key_codes, minlength=n_all)
    present = np.flatnonzero(n_days_all)
    n_days = n_days_all[present]
    ends = np.cumsum(n_days) - 1
    firsts = key_days[ends - n_days + 1]
    lasts = key_days[ends]
    totals = np.bincount(codes, weights=prepared.amount, minlength=n_all)[present]
    frame = _graded_frame(prepared.customer_col, prepared.uniques.take(present), firsts, lasts,
                          n_days, totals, as_of_day, rules)
    return frame, present


def _month_numbers(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers: the calendar conversion once per day of the range, then a lookup."""
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    low = int(days.min())
    table = np.arange(low, int(days.max()) + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return table[days - low]


def _day_stamps(days: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[ns] midnights (one multiplication)."""
    return (days.astype(np.int64) * np.int64(86_400_000_000_000)).view("datetime64[ns]")


def _graded_frame(customer_col: str, customers: Any, firsts: np.ndarray, lasts: np.ndarray,
                  n_days: np.ndarray, totals: np.ndarray, as_of_day: int,
                  rules: GradeRules) -> pd.DataFrame:
    n_days = n_days.astype(np.int64)
    repeat = n_days > 1
    # One-day buyers have no purchase interval: NaN by construction, scored by single_day.
    mean_day = np.full(len(n_days), np.nan)
    np.divide((lasts - firsts).astype(float), (n_days - 1).astype(float), out=mean_day,
              where=repeat)
    last_months = _month_numbers(lasts)
    as_of_month = int(np.datetime64(as_of_day, "D").astype("datetime64[M]").astype(np.int64))
    months_ago = (as_of_month - last_months).astype(np.int64)

    recency = np.select([months_ago <= t for t, _ in rules.recency_levels],
                        [s for _, s in rules.recency_levels], rules.recency_otherwise)
    frequency = np.select([~repeat] + [mean_day <= t for t, _ in rules.frequency_levels],
                          [rules.frequency_single_day] + [s for _, s in rules.frequency_levels],
                          rules.frequency_otherwise)
    monetary = np.select([totals >= t for t, _ in rules.monetary_levels],
                         [s for _, s in rules.monetary_levels], rules.monetary_otherwise)
    recency, frequency, monetary = (a.astype(np.int64) for a in (recency, frequency, monetary))
    interest = recency + frequency
    interest_high = interest > rules.interest_high_above
    money_high = monetary >= rules.money_high_min_score

    # Cell index 2*interest_high + money_high -> position of its grade in grade_order.
    order = list(rules.grade_order)
    cell_grade = np.empty(4, dtype=np.int64)
    cell_rate = np.empty(4, dtype=float)
    for rule in rules.grades:
        cell = 2 * int(rule.interest_high) + int(rule.money_high)
        cell_grade[cell] = order.index(rule.grade)
        cell_rate[cell] = rule.point_rate
    cells = 2 * interest_high.astype(np.int64) + money_high.astype(np.int64)
    grade_codes = cell_grade[cells]
    point_rate = cell_rate[cells]

    customer_values = customers.array if hasattr(customers, "array") else customers
    return pd.DataFrame({
        customer_col: customer_values,
        "FIRST_DT": _day_stamps(firsts),
        "LAST_DT": _day_stamps(lasts),
        "N_DAYS": n_days,
        "MEAN_DAY": mean_day,
        "LAST_MONTH": pd.PeriodIndex.from_ordinals(last_months, freq="M"),
        "MONTHS_AGO": months_ago,
        "TOT_PRICE": totals.astype(float),
        "R_SCORE": recency,
        "F_SCORE": frequency,
        "M_SCORE": monetary,
        "INTEREST": interest,
        "INTEREST_HIGH": interest_high,
        "MONEY_HIGH": money_high,
        "GRADE": pd.Categorical.from_codes(grade_codes, categories=order),
        "POINT_RATE": point_rate,
        "POINTS": totals * point_rate,
    }, copy=False)


def grade_customers(
    transactions: pd.DataFrame,
    *,
    as_of: Any,
    start_date: Any = None,
    customer_col: str = "CLNT_ID",
    date_col: str = "SESS_DT",
    amount_col: str = "REVENUE",
    rules: GradeRules | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Grade every customer by recency, frequency and monetary value (the report's 333 rule).

    Parameters
    ----------
    transactions : DataFrame
        Purchases up to ``as_of``: one row per purchase line, session or customer-day; several
        rows per customer and day are fine (they count as one purchase day). Not mutated.
    as_of : date-like
        Grading date (inclusive). Recency counts calendar months back from its month.
    start_date : date-like, optional
        First date of the window; when given, earlier rows are refused.
    customer_col, date_col, amount_col : str
        Column names of customer id, purchase date and amount (KRW, e.g. PD_BUY_AM × PD_BUY_CT).
    rules : GradeRules or dict, optional
        Overrides of ``grades.yaml`` (see :func:`resolve_rules`).

    Returns
    -------
    DataFrame
        One row per customer, sorted by customer id, with columns ``customer_col`` then
        :data:`GRADED_COLUMNS`:

        - FIRST_DT, LAST_DT (datetime64[ns]): first and last purchase date.
        - N_DAYS (int64): distinct purchase dates.
        - MEAN_DAY (float64): (LAST_DT − FIRST_DT) in days / (N_DAYS − 1); NaN when N_DAYS == 1.
        - LAST_MONTH (period[M]): month of the last purchase.
        - MONTHS_AGO (int64): months from LAST_MONTH to as_of's month (0 = same month).
        - TOT_PRICE (float64): sum of ``amount_col``.
        - R_SCORE, F_SCORE, M_SCORE (int64): recency, frequency, monetary scores.
        - INTEREST (int64): R_SCORE + F_SCORE.
        - INTEREST_HIGH, MONEY_HIGH (bool).
        - GRADE (category, categories in grade order best first): 스타 / 나비 / 계륵 / 관리제외.
        - POINT_RATE (float64): the grade's point rate (0.008 = 0.8%).
        - POINTS (float64): TOT_PRICE × POINT_RATE.

    Raises
    ------
    ValueError
        No rows; a missing column; missing, non-numeric, infinite or negative amounts; missing or
        unreadable dates; dates after ``as_of`` or before ``start_date``; invalid rules.
    """
    rules = resolve_rules(rules)
    as_of_ts = parse_date(as_of, "as_of")
    start_ts = None if start_date is None else parse_date(start_date, "start_date")
    if start_ts is not None and start_ts > as_of_ts:
        raise ValueError(f"start_date={start_ts:%Y-%m-%d} is after as_of={as_of_ts:%Y-%m-%d}; "
                         "swap them")
    prepared = _prepare(transactions, customer_col=customer_col, date_col=date_col,
                        amount_col=amount_col)
    as_of_day = _day_number(as_of_ts)
    _check_range(prepared, lowest=None if start_ts is None else _day_number(start_ts),
                 highest=as_of_day, low_name="start_date", high_name="as_of")
    return _grade_prepared(prepared, as_of_day=as_of_day, rules=rules)[0]



# --------------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------------
def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    require_columns(frame, columns, what, hint="pass the output of grade_customers")


def _grade_positions(graded: pd.DataFrame, rules: GradeRules) -> np.ndarray:
    """Position of each row's GRADE in rules.grade_order (0 = best)."""
    column = graded["GRADE"]
    if (isinstance(column.dtype, pd.CategoricalDtype)
            and list(column.cat.categories) == list(rules.grade_order)):
        codes = column.cat.codes.to_numpy(np.int64)
        if (codes >= 0).all():
            return codes
    grades = column.astype("object")
    known = set(rules.grade_order)
    unknown = sorted(set(grades.dropna().unique()) - known)
    if unknown or grades.isna().any():
        raise ValueError(f"GRADE holds {unknown or 'missing values'} not in the rules' grades "
                         f"{list(rules.grade_order)}; pass the rules used for grading")
    lookup = {g: i for i, g in enumerate(rules.grade_order)}
    return grades.map(lookup).to_numpy(dtype=np.int64)


def score_distribution(graded: pd.DataFrame, *,
                       rules: GradeRules | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Customers per score for recency, frequency and monetary value.

    Parameters
    ----------
    graded : DataFrame
        Output of :func:`grade_customers`.
    rules : GradeRules or dict, optional
        The rules used for grading (they list the possible scores).

    Returns
    -------
    DataFrame
        Columns SCORE_TYPE ('R_SCORE', 'F_SCORE', 'M_SCORE'), SCORE_LABEL (최근성, 최빈성,
        구매금액), SCORE (int), CUSTOMERS (int), SHARE (of all customers); every possible score
        listed, zero counts included.
    """
    rules = resolve_rules(rules)
    _require(graded, tuple(SCORE_KINDS), "graded")
    parts = []
    total = len(graded)
    for column, label in SCORE_KINDS.items():
        values = sorted(set(rules.score_values(column)) | set(graded[column].unique().tolist()))
        counts = graded[column].value_counts().reindex(values, fill_value=0)
        parts.append(pd.DataFrame({
            "SCORE_TYPE": column, "SCORE_LABEL": label, "SCORE": np.asarray(values, np.int64),
            "CUSTOMERS": counts.to_numpy(dtype=np.int64),
            "SHARE": counts.to_numpy(dtype=float) / total if total else np.nan,
        }))
    return pd.concat(parts, ignore_index=True)


def interest_money_grid(graded: pd.DataFrame, *,
                        rules: GradeRules | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The report's R+F × M grid: customer counts per interest group and monetary score.

    Returns
    -------
    DataFrame
        Index M_SCORE (every possible monetary score, ascending), columns INTEREST_GROUP
        1 (R+F ≤ threshold, low interest) and 2 (R+F > threshold, high interest); int counts.
    """
    rules = resolve_rules(rules)
    _require(graded, ("INTEREST_HIGH", "M_SCORE"), "graded")
    m_values = sorted(set(rules.score_values("M_SCORE")) | set(graded["M_SCORE"].unique().tolist()))
    group = graded["INTEREST_HIGH"].astype(bool).to_numpy().astype(np.int64) + 1
    counts = (pd.DataFrame({"M_SCORE": graded["M_SCORE"].to_numpy(), "INTEREST_GROUP": group})
              .groupby(["M_SCORE", "INTEREST_GROUP"]).size()
              .unstack(fill_value=0)
              .reindex(index=m_values, columns=[1, 2], fill_value=0)
              .astype(np.int64))
    counts.index.name = "M_SCORE"
    counts.columns.name = "INTEREST_GROUP"
    return counts


def grade_summary(graded: pd.DataFrame, *,
                  rules: GradeRules | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Size, revenue and point cost of each grade.

    Returns
    -------
    DataFrame
        One row per grade in grade order (best first, empty grades included): GRADE, CUSTOMERS,
        CUSTOMER_SHARE, REVENUE (Σ TOT_PRICE), REVENUE_SHARE, REVENUE_PER_CUSTOMER (NaN when no
        customers), POINT_RATE, POINT_COST (Σ POINTS). Shares are NaN when the total is 0.
    """
    rules = resolve_rules(rules)
    _require(graded, ("GRADE", "TOT_PRICE", "POINTS"), "graded")
    positions = _grade_positions(graded, rules)
    n_grades = len(rules.grade_order)
    customers = np.bincount(positions, minlength=n_grades)
    revenue = np.bincount(positions, weights=graded["TOT_PRICE"].to_numpy(float),
                          minlength=n_grades)
    points = np.bincount(positions, weights=graded["POINTS"].to_numpy(float), minlength=n_grades)
    total_customers, total_revenue = customers.sum(), revenue.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "GRADE": list(rules.grade_order),
            "CUSTOMERS": customers.astype(np.int64),
            "CUSTOMER_SHARE": customers / total_customers if total_customers else np.nan,
            "REVENUE": revenue,
            "REVENUE_SHARE": revenue / total_revenue if total_revenue else np.nan,
            "REVENUE_PER_CUSTOMER": np.where(customers > 0, revenue / np.maximum(customers, 1),
                                             np.nan),
            "POINT_RATE": list(rules.point_rates.values()),
            "POINT_COST": points,
        })


def playbook(grade: str, *, rules: GradeRules | Mapping[str, Any] | None = None) -> Playbook:
    """The report's playbook (공략법) of one grade, e.g. ``playbook("스타").text()``."""
    return resolve_rules(rules).playbook(grade)



# --------------------------------------------------------------------------------------------
# Beyond the report: migration between two as-of dates
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GradeMigration:
    """Grades at two as-of dates and how customers moved.

    Attributes
    ----------
    customers : DataFrame
        One row per customer with a purchase in either window: ``customer_col``, GRADE_A
        (category: grades + 신규 = no purchase in window A), GRADE_B (category: grades + 미구매 =
        no purchase in window B), MOVE (category: 'up', 'same', 'down', 'new', 'lapsed'),
        MOVE_LABEL (category: 상승, 유지, 하락, 신규, 미구매).
    matrix : DataFrame
        Customer counts; index GRADE_A (grade order + 신규), columns GRADE_B (grade order + 미구매).
    summary : DataFrame
        MOVE, MOVE_LABEL, CUSTOMERS, SHARE for the five moves in that order.
    graded_a, graded_b : DataFrame
        :func:`grade_customers` output at each date.
    as_of_a, as_of_b : Timestamp
    grade_order : tuple of str
        Best to worst; "up" means a position nearer the start.
    """

    customers: pd.DataFrame
    matrix: pd.DataFrame
    summary: pd.DataFrame
    graded_a: pd.DataFrame
    graded_b: pd.DataFrame
    as_of_a: pd.Timestamp
    as_of_b: pd.Timestamp
    grade_order: tuple[str, ...]


def _ordered_dates(first, first_name: str, second, second_name: str, start_date):
    """Parse two dates that must be in order (first < second) and an optional start_date <= first."""
    a_ts, b_ts = parse_date(first, first_name), parse_date(second, second_name)
    if a_ts >= b_ts:
        raise ValueError(f"{first_name}={a_ts:%Y-%m-%d} must be before {second_name}={b_ts:%Y-%m-%d}")
    start_ts = None if start_date is None else parse_date(start_date, "start_date")
    if start_ts is not None and start_ts > a_ts:
        raise ValueError(f"start_date={start_ts:%Y-%m-%d} is after {first_name}={a_ts:%Y-%m-%d}")
    return a_ts, b_ts, start_ts


def grade_migration(
    transactions: pd.DataFrame,
    *,
    as_of_a: Any,
    as_of_b: Any,
    start_date: Any = None,
    lookback_days: int | None = None,
    customer_col: str = "CLNT_ID",
    date_col: str = "SESS_DT",
    amount_col: str = "REVENUE",
    rules: GradeRules | Mapping[str, Any] | None = None,
) -> GradeMigration:
    """Grade customers at two as-of dates and count who moved up, down or stayed.

    Grade order (best first) comes from ``rules.grade_order``; by default
    스타 > 나비 > 계륵 > 관리제외: the report's own point rates (0.8 / 0.5 / 0.3 / 0.1 %) rank 나비
    above 계륵, and its definition of high value puts profitability (money already spent, the
    harder half to win) before interest, which the playbooks try to raise.

    Parameters
    ----------
    transactions : DataFrame
        Purchases up to ``as_of_b`` (later rows are refused, not filtered). Not mutated.
    as_of_a, as_of_b : date-like
        The two grading dates, ``as_of_a < as_of_b``.
    start_date : date-like, optional
        First date of the data window; earlier rows are refused.
    lookback_days : int, optional
        None (default): each grading uses all rows up to its date (expanding window, as the
        report). An int: only the ``lookback_days`` days ending at each date, so both grades see
        windows of equal length; customers with no purchase in window B are then 미구매.
    customer_col, date_col, amount_col, rules
        As in :func:`grade_customers`.

    Returns
    -------
    GradeMigration

    Raises
    ------
    ValueError
        ``as_of_a >= as_of_b``, a bad ``lookback_days``, and everything :func:`grade_customers`
        refuses (rows after ``as_of_b``, before ``start_date``, ...).
    """
    rules = resolve_rules(rules)
    a_ts, b_ts, start_ts = _ordered_dates(as_of_a, "as_of_a", as_of_b, "as_of_b", start_date)
    whole = isinstance(lookback_days, (int, np.integer)) and not isinstance(lookback_days, (bool, np.bool_))
    if lookback_days is not None and (not whole or lookback_days < 1):
        raise ValueError(f"lookback_days={lookback_days!r} must be a positive integer or None")
    prepared = _prepare(transactions, customer_col=customer_col, date_col=date_col,
                        amount_col=amount_col)
    a_day, b_day = _day_number(a_ts), _day_number(b_ts)
    _check_range(prepared, lowest=None if start_ts is None else _day_number(start_ts),
                 highest=b_day, low_name="start_date", high_name="as_of_b")
    graded_a, codes_a = _grade_window(prepared, a_day, lookback_days, rules)
    graded_b, codes_b = _grade_window(prepared, b_day, lookback_days, rules)
    seen, ga, gb = _grade_positions_ab(prepared, (graded_a, codes_a), (graded_b, codes_b), len(rules.grade_order))
    customers_frame, matrix, summary = _migration_tables(prepared.uniques.take(seen).array, ga, gb,
                                                         customer_col=customer_col, rules=rules)
    return GradeMigration(customers_frame, matrix, summary, graded_a, graded_b, a_ts, b_ts,
                          tuple(rules.grade_order))


def _grade_window(prepared: _Prepared, day: int, lookback_days: int | None,
                  rules: GradeRules) -> tuple[pd.DataFrame, np.ndarray]:
    """Grades at ``day`` from rows up to it (and within ``lookback_days`` days when given)."""
    mask = prepared.days <= day
    if lookback_days is not None:
        mask &= prepared.days > day - lookback_days
    return _grade_prepared(prepared.subset(mask), as_of_day=day, rules=rules)


def _grade_positions_ab(prepared: _Prepared, side_a: tuple, side_b: tuple,
                        n_grades: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customers seen on either side and their grade positions there (``n_grades`` = absent).

    Customer codes index ``prepared.uniques``, so both sides align without a join; GRADE's
    categories are grade_order, so its codes are grade positions (0 = best).
    """
    n_all = len(prepared.uniques)
    positions = []
    for graded, codes in (side_a, side_b):
        full = np.full(n_all, n_grades, dtype=np.int64)  # n_grades = absent (신규 / 미구매)
        full[codes] = graded["GRADE"].cat.codes.to_numpy(np.int64)
        positions.append(full)
    seen = np.flatnonzero((positions[0] < n_grades) | (positions[1] < n_grades))
    return seen, positions[0][seen], positions[1][seen]


def _migration_tables(customers: Any, ga: np.ndarray, gb: np.ndarray, *, customer_col: str,
                      rules: GradeRules) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The per-customer moves, the transition matrix and the move counts of :class:`GradeMigration`."""
    order = list(rules.grade_order)
    n_grades = len(order)
    moves = list(MOVE_LABELS)  # up, same, down, new, lapsed
    move = np.select(
        [ga == n_grades, gb == n_grades, gb < ga, gb > ga],
        [moves.index("new"), moves.index("lapsed"), moves.index("up"), moves.index("down")],
        moves.index("same")).astype(np.int64)
    customers_frame = pd.DataFrame({
        customer_col: customers,
        "GRADE_A": pd.Categorical.from_codes(ga, categories=order + [NEW_LABEL]),
        "GRADE_B": pd.Categorical.from_codes(gb, categories=order + [LAPSED_LABEL]),
        "MOVE": pd.Categorical.from_codes(move, categories=moves),
        "MOVE_LABEL": pd.Categorical.from_codes(move, categories=list(MOVE_LABELS.values())),
    }, copy=False)
    size = n_grades + 1
    matrix = pd.DataFrame(np.bincount(ga * size + gb, minlength=size * size).reshape(size, size),
                          index=pd.Index(order + [NEW_LABEL], name="GRADE_A"),
                          columns=pd.Index(order + [LAPSED_LABEL], name="GRADE_B"))
    move_counts = np.bincount(move, minlength=len(moves))
    total = len(ga)
    summary = pd.DataFrame({
        "MOVE": moves,
        "MOVE_LABEL": list(MOVE_LABELS.values()),
        "CUSTOMERS": move_counts.astype(np.int64),
        "SHARE": move_counts / total if total else np.nan,
    })
    return customers_frame, matrix, summary


# --------------------------------------------------------------------------------------------
# Beyond the report: do grades rank future spend?
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HoldoutCheck:
    """Grades at a cut-off against spend in the following period.

    Attributes
    ----------
    customers : DataFrame
        One row per customer graded at the cut-off: ``customer_col``, GRADE, TOT_PRICE (spend up
        to the cut-off), FUTURE_SPEND (spend in (cutoff, horizon_end], 0 if none),
        FUTURE_BUYER (bool).
    by_grade : DataFrame
        One row per grade in grade order (best first): GRADE, CUSTOMERS, BUYERS, BUYER_SHARE,
        MEAN_SPEND, MEDIAN_SPEND (both over all the grade's customers, non-buyers count 0),
        TOTAL_SPEND, SPEND_SHARE. Empty grades have NaN shares and means.
    spearman : float
        Rank correlation between grade (best = highest) and FUTURE_SPEND over customers; NaN when
        either side is constant.
    monotonic : bool
        True when MEAN_SPEND never rises from a better grade to a worse one (grades with
        customers only).
    new_customers : int
        Customers whose first purchase falls after the cut-off (not graded).
    new_customer_spend : float
        Their spend in the horizon.
    cutoff, horizon_end : Timestamp
    """

    customers: pd.DataFrame
    by_grade: pd.DataFrame
    spearman: float
    monotonic: bool
    new_customers: int
    new_customer_spend: float
    cutoff: pd.Timestamp
    horizon_end: pd.Timestamp


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation (average ranks for ties); NaN with fewer than 2 values or a constant side."""
    if len(x) < 2:
        return float("nan")
    return _rank_correlation(_average_ranks(x), _average_ranks(y))


def holdout_check(
    transactions: pd.DataFrame,
    *,
    cutoff: Any,
    horizon_end: Any,
    start_date: Any = None,
    customer_col: str = "CLNT_ID",
    date_col: str = "SESS_DT",
    amount_col: str = "REVENUE",
    rules: GradeRules | Mapping[str, Any] | None = None,
) -> HoldoutCheck:
    """Grade with data up to ``cutoff`` only, then measure each grade's spend afterwards.

    Parameters
    ----------
    transactions : DataFrame
        Purchases up to ``horizon_end`` (later rows are refused, not filtered). Not mutated.
    cutoff : date-like
        Grading date (inclusive): grades use rows ≤ cutoff only.
    horizon_end : date-like
        Last date (inclusive) of the follow-up period (cutoff, horizon_end].
    start_date, customer_col, date_col, amount_col, rules
        As in :func:`grade_customers`.

    Returns
    -------
    HoldoutCheck

    Raises
    ------
    ValueError
        ``cutoff >= horizon_end``, no rows up to the cut-off, and everything
        :func:`grade_customers` refuses.
    """
    rules = resolve_rules(rules)
    cut_ts, end_ts, start_ts = _ordered_dates(cutoff, "cutoff", horizon_end, "horizon_end", start_date)
    prepared = _prepare(transactions, customer_col=customer_col, date_col=date_col,
                        amount_col=amount_col)
    cut_day, end_day = _day_number(cut_ts), _day_number(end_ts)
    _check_range(prepared, lowest=None if start_ts is None else _day_number(start_ts),
                 highest=end_day, low_name="start_date", high_name="horizon_end")
    past = prepared.days <= cut_day
    if not past.any():
        raise ValueError(f"no rows on or before cutoff={cut_ts:%Y-%m-%d}: nobody to grade; "
                         "move the cutoff later")
    graded, graded_codes = _grade_prepared(prepared.subset(past), as_of_day=cut_day, rules=rules)
    customers_frame, new_customers, new_spend = _holdout_customers(prepared, past, graded, graded_codes)
    positions = graded["GRADE"].cat.codes.to_numpy(np.int64)
    future = customers_frame["FUTURE_SPEND"].to_numpy(float)
    by_grade = _holdout_by_grade(positions, future, customers_frame["FUTURE_BUYER"].to_numpy(bool), rules)
    observed = by_grade["MEAN_SPEND"].to_numpy(float)[by_grade["CUSTOMERS"].to_numpy() > 0]
    monotonic = bool(np.all(np.diff(observed) <= 0))
    # Best grade gets the highest number so a positive correlation means "better grade, more spend".
    rho = spearman((len(rules.grade_order) - 1 - positions).astype(float), future)
    return HoldoutCheck(customers_frame, by_grade, rho, monotonic, new_customers, new_spend, cut_ts, end_ts)


def _holdout_customers(prepared: _Prepared, past: np.ndarray, graded: pd.DataFrame,
                       graded_codes: np.ndarray) -> tuple[pd.DataFrame, int, float]:
    """Later spend of every graded customer, and the count and spend of customers new after the cut-off."""
    n_all = len(prepared.uniques)
    future_all = np.bincount(prepared.codes[~past], weights=prepared.amount[~past], minlength=n_all)
    future_rows = np.bincount(prepared.codes[~past], minlength=n_all)
    is_graded = np.zeros(n_all, dtype=bool)
    is_graded[graded_codes] = True
    new_mask = ~is_graded & (future_rows > 0)
    frame = pd.DataFrame({
        prepared.customer_col: graded[prepared.customer_col].array,
        "GRADE": graded["GRADE"].array,
        "TOT_PRICE": graded["TOT_PRICE"].to_numpy(float),
        "FUTURE_SPEND": future_all[graded_codes],
        "FUTURE_BUYER": future_rows[graded_codes] > 0,
    }, copy=False)
    return frame, int(new_mask.sum()), float(future_all[new_mask].sum())


def _holdout_by_grade(positions: np.ndarray, future: np.ndarray, buyer: np.ndarray,
                      rules: GradeRules) -> pd.DataFrame:
    """The :attr:`HoldoutCheck.by_grade` table from grade positions, later spend and buyer flags."""
    order = list(rules.grade_order)
    n_grades = len(order)
    counts = np.bincount(positions, minlength=n_grades)
    buyers = np.bincount(positions, weights=buyer.astype(float), minlength=n_grades)
    totals = np.bincount(positions, weights=future, minlength=n_grades)
    medians = (pd.Series(future).groupby(positions).median()
               .reindex(range(n_grades)).to_numpy(float))
    total_future = totals.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "GRADE": order,
            "CUSTOMERS": counts.astype(np.int64),
            "BUYERS": buyers.astype(np.int64),
            "BUYER_SHARE": np.where(counts > 0, buyers / np.maximum(counts, 1), np.nan),
            "MEAN_SPEND": np.where(counts > 0, totals / np.maximum(counts, 1), np.nan),
            "MEDIAN_SPEND": medians,
            "TOTAL_SPEND": totals,
            "SPEND_SHARE": totals / total_future if total_future else np.nan,
        })


# --------------------------------------------------------------------------------------------
# Beyond the report: customer-value forecast beside the grades
# --------------------------------------------------------------------------------------------
#: Output columns of :func:`customer_value_forecast` (after the customer id column).
FORECAST_COLUMNS: tuple[str, ...] = ("GRADE", "PRED_PURCHASES", "PRED_SPEND", "P_ALIVE")
#: Methods compared on the holdout (column ``method`` of the check table), best first in the report.
VALUE_METHODS: tuple[str, ...] = ("forecast", "grades", "past_spend")
_ORIGINS = ("first_purchase", "window_start")
_SPEND_MODELS = ("gamma_gamma", "mean")
#: Default cap on the customers the variant choice of :func:`forecast_value` fits and ranks (a random subset
#: from a fixed seed beyond it; the Spearman of a variant moves by about 1/sqrt(n) ≈ 0.002 at this size).
VALIDATION_CUSTOMERS = 200_000


@dataclass(frozen=True)
class ValueForecast:
    """Per-customer expected purchases and spend over the next ``horizon_days`` after ``observation_end``.

    Attributes
    ----------
    customers : DataFrame
        ``customer_col``, PRED_PURCHASES (expected purchase days, 3 decimals), PRED_SPEND (expected spend,
        whole currency units), P_ALIVE (probability still active, 3 decimals); sorted by customer id.
    model : clv.ValueModel
        The fitted BG/NBD + Gamma–Gamma model (parameters, fit time, spend–frequency correlation).
    origin : str
        The customers' clock: "first_purchase" (classic) or "window_start" (left-truncated window).
    spend_model : str
        "gamma_gamma" (each customer's conditional spend per purchase) or "mean" (population mean).
    validation : DataFrame
        origin, spend_model, n_customers, spearman: each variant's rank correlation with spend in the last
        ``validation_days`` of the history, fitted on the days before (empty when not chosen by data);
        n_customers is the number ranked (at most ``validation_customers``).
    observation_end : Timestamp
    horizon_days : int
    chosen_at : Timestamp or None
        End of the history whose last days chose the variant: ``observation_end`` when this forecast chose it,
        the other forecast's when it was reused (``variant=``), None when not chosen by data.
    """

    customers: pd.DataFrame
    model: Any
    origin: str
    spend_model: str
    validation: pd.DataFrame
    observation_end: pd.Timestamp
    horizon_days: int
    chosen_at: pd.Timestamp | None = None


def _predict(summary: pd.DataFrame, model: Any, *, horizon_days: int, customer_col: str,
             spend_models: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Rounded predictions per spend model (see clv.predict_value)."""
    preds = {}
    for spend in spend_models:
        pred = clv.predict_value(model, summary, horizon_days=horizon_days, customer_col=customer_col, spend=spend)
        preds[spend] = pred.assign(PRED_PURCHASES=pred["PRED_PURCHASES"].round(3),
                                   PRED_SPEND=pred["PRED_SPEND"].round(0), P_ALIVE=pred["P_ALIVE"].round(3))
    return preds


def _choice_sample(n: int, size: int | None) -> np.ndarray | None:
    """Positions of at most ``size`` of ``n`` customers, drawn without replacement from a fixed seed (0) and
    kept in id order; None when all are used."""
    if size is None or n <= size:
        return None
    return np.sort(np.random.default_rng(0).choice(n, size=size, replace=False))


def _choose_variant(transactions: pd.DataFrame, *, end: pd.Timestamp, start: pd.Timestamp, validation_days: int,
                    cols: dict, sample_size: int | None) -> tuple[tuple[str, str], pd.DataFrame]:
    """The (origin, spend model) whose forecast from ``end − validation_days`` best ranks spend in the last days.

    Both clocks are summarised on every customer; the fits and the ranking use at most ``sample_size`` of them
    (the same customers for every variant, see :func:`_choice_sample`). Ties go to the earlier variant in the
    order (first_purchase, window_start) × (gamma_gamma, mean): the classic model unless the data say otherwise.
    """
    inner_end = end - pd.Timedelta(days=validation_days)
    dates = pd.to_datetime(transactions[cols["date_col"]]).dt.normalize()
    early, late = transactions[dates <= inner_end], transactions[dates > inner_end]
    actual = late.groupby(cols["customer_col"])[cols["amount_col"]].sum()
    summaries = clv.rfm_summaries(early, observation_end=inner_end, start_date=start, origins=_ORIGINS, **cols)
    rows = []
    for origin, summary in summaries.items():
        picked = _choice_sample(len(summary), sample_size)
        summary = summary if picked is None else summary.iloc[picked].reset_index(drop=True)
        model = clv.fit_value_model(summary, left_truncated=origin == "window_start")
        preds = _predict(summary, model, horizon_days=validation_days, customer_col=cols["customer_col"],
                         spend_models=_SPEND_MODELS)
        later = actual.reindex(summary[cols["customer_col"]]).fillna(0.0).to_numpy(float)
        later_ranks = _average_ranks(later)  # ranked once for both spend models
        for spend, pred in preds.items():
            rho = _rank_correlation(_average_ranks(pred["PRED_SPEND"].to_numpy(float)), later_ranks)
            rows.append({"origin": origin, "spend_model": spend, "n_customers": len(pred), "spearman": round(rho, 4)})
    table = pd.DataFrame(rows)
    best = int(np.argmax(table["spearman"].fillna(-np.inf).to_numpy()))
    return (table.loc[best, "origin"], table.loc[best, "spend_model"]), table


def _check_forecast_args(horizon_days: Any, origin: Any, variant: Any, sample_size: Any) -> None:
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, (int, np.integer)) or horizon_days < 1:
        raise ValueError(f"horizon_days={horizon_days!r} must be a whole number of days >= 1")
    if origin not in ("auto", *_ORIGINS):
        raise ValueError(f"origin={origin!r} must be one of {['auto', *_ORIGINS]}")
    if variant is not None and not isinstance(variant, ValueForecast):
        raise TypeError("variant must be a ValueForecast (e.g. value_check(...).forecast) or None")
    if variant is not None and origin != "auto":
        raise ValueError(f"give origin={origin!r} or variant=, not both: variant brings its own clock")
    if sample_size is not None and (isinstance(sample_size, bool) or not isinstance(sample_size, (int, np.integer))
                                    or sample_size < 100):
        raise ValueError(f"validation_customers={sample_size!r} must be a whole number >= 100 or None (all)")


def forecast_value(
    transactions: pd.DataFrame,
    *,
    observation_end: Any,
    horizon_days: int,
    start_date: Any = None,
    origin: str = "auto",
    validation_days: int | None = None,
    validation_customers: int | None = VALIDATION_CUSTOMERS,
    variant: ValueForecast | None = None,
    customer_col: str = "CLNT_ID",
    date_col: str = "SESS_DT",
    amount_col: str = "REVENUE",
) -> ValueForecast:
    """Expected purchases and spend of every customer over the ``horizon_days`` after ``observation_end``.

    BG/NBD (repeat purchase days) × Gamma–Gamma (spend per purchase day), fitted by maximum likelihood on
    the rows up to ``observation_end`` (see :mod:`helpers.chapters.grades.clv` for the models and their
    assumptions: purchase rate and dropout independent; spend per purchase independent of frequency).

    Parameters
    ----------
    transactions : DataFrame
        Purchases up to ``observation_end`` (one row per line, session or customer-day). Not mutated.
    observation_end : date-like
        Last day of the history; the forecast covers the following ``horizon_days`` days.
    horizon_days : int
        Length of the forecast period in days (≥ 1).
    start_date : date-like, optional
        First day of the data; needed for ``origin="window_start"`` and for choosing the origin.
    origin : {"auto", "first_purchase", "window_start"}
        The customers' clock (see :func:`clv.rfm_summary`). ``"auto"`` (default) fits both clocks on the
        history minus its last ``validation_days``, each with both spend models (Gamma–Gamma per customer, or
        the population mean), and keeps the variant that ranks spend in those days best — a time-ordered
        validation inside the history, never the period being forecast. Without ``start_date``: the classic
        "first_purchase" clock with Gamma–Gamma spend, as when ``origin`` is given.
    validation_days : int, optional
        Length of that validation slice; default ``horizon_days``, at most a third of the history.
    validation_customers : int or None
        The choice fits and ranks at most this many customers (default :data:`VALIDATION_CUSTOMERS`), drawn
        without replacement from a fixed seed; None = all. The final fit always uses every customer.
    variant : ValueForecast, optional
        Reuse the clock and spend model another forecast chose (e.g. the holdout's, ``check.forecast``)
        instead of choosing again; its ``validation`` and ``chosen_at`` are carried over.
    customer_col, date_col, amount_col : str
        Column names (as in :func:`grade_customers`).

    Returns
    -------
    ValueForecast

    Raises
    ------
    ValueError
        Bad horizon/origin/sample size, rows after ``observation_end`` or before ``start_date``, no repeat
        purchases. TypeError: ``variant`` is not a ValueForecast.
    """
    _check_forecast_args(horizon_days, origin, variant, validation_customers)
    end = parse_date(observation_end, "observation_end")
    start = None if start_date is None else parse_date(start_date, "start_date")
    cols = {"customer_col": customer_col, "date_col": date_col, "amount_col": amount_col}
    validation = pd.DataFrame(columns=["origin", "spend_model", "n_customers", "spearman"])
    spend, chosen_at = "gamma_gamma", None
    if variant is not None:
        origin, spend, validation, chosen_at = variant.origin, variant.spend_model, variant.validation, variant.chosen_at
    elif origin == "auto" and start is None:
        origin = "first_purchase"
    elif origin == "auto":
        days = min(int(validation_days or horizon_days), max(1, (end - start).days // 3))
        (origin, spend), validation = _choose_variant(transactions, end=end, start=start, validation_days=days,
                                                      cols=cols, sample_size=validation_customers)
        chosen_at = end
    summary = clv.rfm_summary(transactions, observation_end=end, start_date=start, origin=origin, **cols)
    model = clv.fit_value_model(summary, left_truncated=origin == "window_start")
    pred = _predict(summary, model, horizon_days=int(horizon_days), customer_col=customer_col,
                    spend_models=(spend,))[spend]
    customers = pred[[customer_col, "PRED_PURCHASES", "PRED_SPEND", "P_ALIVE"]]
    return ValueForecast(customers, model, origin, spend, validation, end, int(horizon_days), chosen_at)


def top_share_capture(score: np.ndarray, actual: np.ndarray, share: float = 0.1) -> float:
    """Share of the total ``actual`` held by the top ``share`` of customers ranked by ``score``.

    Ties at the cut are split evenly (each tied customer counts with the fraction of the tied group that fits),
    so a score with few distinct values (grades) is not favoured or punished by an arbitrary tie order.
    """
    score, actual = np.asarray(score, float), np.asarray(actual, float)
    total = actual.sum()
    if len(score) == 0 or total <= 0:
        return float("nan")
    k = share * len(score)
    frame = pd.DataFrame({"s": score, "a": actual}).groupby("s", sort=True)["a"].agg(["sum", "size"])[::-1]
    above = frame["size"].cumsum().to_numpy() - frame["size"].to_numpy()
    take = np.clip(k - above, 0, frame["size"].to_numpy()) / frame["size"].to_numpy()
    return float((take * frame["sum"].to_numpy()).sum() / total)


@dataclass(frozen=True)
class ValueCheck:
    """The forecast and the grades on the same holdout (graded/forecast at the cut-off, spend after it).

    Attributes
    ----------
    table : DataFrame
        One row per method in :data:`VALUE_METHODS` order: method ('forecast' = BG/NBD + Gamma–Gamma,
        'grades' = grade as an ordinal score, best grade highest, 'past_spend' = spend up to the cut-off),
        spearman (rank correlation with later spend over all customers graded at the cut-off, later non-buyers
        included with spend 0 and average ranks for ties), top_decile_capture (share of later spend held by the
        top 10 % by the method; ties split evenly), buyer_auc (how well the method ranks who buys again: ROC AUC,
        ties one half), spearman_buyers (rank correlation among the customers who did buy again: who spends
        more), n_customers.
    by_grade : DataFrame
        GRADE, CUSTOMERS, PRED_SPEND (mean forecast), FUTURE_SPEND (mean actual), PRED_PURCHASES (mean),
        FUTURE_BUYER_SHARE — per grade at the cut-off, in grade order.
    customers : DataFrame
        ``customer_col``, GRADE, PRED_PURCHASES, PRED_SPEND, P_ALIVE, FUTURE_SPEND.
    forecast : ValueForecast
        The forecast made at the cut-off.
    """

    table: pd.DataFrame
    by_grade: pd.DataFrame
    customers: pd.DataFrame
    forecast: ValueForecast


def value_check(transactions: pd.DataFrame, holdout: HoldoutCheck, *, start_date: Any = None,
                customer_col: str = "CLNT_ID", date_col: str = "SESS_DT", amount_col: str = "REVENUE",
                rules: GradeRules | Mapping[str, Any] | None = None) -> ValueCheck:
    """Forecast from the holdout's cut-off and compare it with the grades on the holdout's later spend.

    ``transactions`` are the ones given to :func:`holdout_check` (rows after the cut-off are ignored for the
    fit); the horizon is the holdout's (cutoff, horizon_end]. Customers are those graded at the cut-off.

    The comparison is the same for every method: every customer with a purchase up to the cut-off (customers
    whose first purchase comes later are left out of all methods), later spend 0 for those who do not buy
    again, average ranks for ties (the grades have four values, past spend and the forecast many), one horizon.
    Because most customers do not buy again, the Spearman over everybody mostly measures who buys again; the
    table therefore also gives that half (buyer_auc) and the other (spearman_buyers) for every method.
    """
    if not isinstance(holdout, HoldoutCheck):
        raise TypeError("holdout must be the result of holdout_check")
    rules = resolve_rules(rules)
    dates = pd.to_datetime(transactions[date_col]).dt.normalize()
    forecast = forecast_value(transactions[dates <= holdout.cutoff], observation_end=holdout.cutoff,
                              horizon_days=int((holdout.horizon_end - holdout.cutoff).days), start_date=start_date,
                              customer_col=customer_col, date_col=date_col, amount_col=amount_col)
    customers = holdout.customers.merge(forecast.customers, on=customer_col, how="left", validate="1:1")
    future = customers["FUTURE_SPEND"].to_numpy(float)
    scores = {
        "forecast": customers["PRED_SPEND"].to_numpy(float),
        "grades": (len(rules.grade_order) - 1 - _grade_positions(customers, rules)).astype(float),
        "past_spend": customers["TOT_PRICE"].to_numpy(float),
    }
    table = _value_check_table(scores, future, len(customers))
    by_grade = _value_by_grade_holdout(customers, rules)
    kept = customers[[customer_col, "GRADE", "PRED_PURCHASES", "PRED_SPEND", "P_ALIVE", "FUTURE_SPEND"]]
    return ValueCheck(table, by_grade, kept, forecast)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).rank(method="average").to_numpy(float)


def _rank_correlation(score_ranks: np.ndarray, actual_ranks: np.ndarray) -> float:
    """Pearson correlation of two rank vectors (= Spearman of the values); NaN when either is constant."""
    if len(score_ranks) < 2 or score_ranks.std() == 0 or actual_ranks.std() == 0:
        return float("nan")
    return float(np.corrcoef(score_ranks, actual_ranks)[0, 1])


def buyer_auc(score: np.ndarray, bought: np.ndarray) -> float:
    """P(score of a random later buyer > score of a random non-buyer), ties counting one half (ROC AUC).

    NaN when everybody or nobody bought. Computed from average ranks (Mann–Whitney), so a score with few
    distinct values (grades) is treated exactly like a fine one.
    """
    return _auc_from_ranks(_average_ranks(np.asarray(score, float)), np.asarray(bought, bool))


def _auc_from_ranks(score_ranks: np.ndarray, bought: np.ndarray) -> float:
    """Mann–Whitney AUC from the scores' average ranks over everybody (see :func:`buyer_auc`)."""
    n_pos, n_neg = int(bought.sum()), int((~bought).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((score_ranks[bought].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _value_check_table(scores: dict[str, np.ndarray], future: np.ndarray, n_customers: int) -> pd.DataFrame:
    """The :attr:`ValueCheck.table`: Spearman over all customers and its two halves, top-decile capture.

    With most customers not buying again, the Spearman over everybody is mostly "who buys again" (buyer_auc);
    spearman_buyers is the other half, "who of the later buyers spends more". The later spend is ranked once.
    """
    future_ranks = _average_ranks(future)
    buyers = future > 0
    buyer_ranks = _average_ranks(future[buyers])
    rows = []
    for method in VALUE_METHODS:
        score = scores[method]
        score_ranks = _average_ranks(score)
        rows.append({"method": method,
                     "spearman": round(_rank_correlation(score_ranks, future_ranks), 4),
                     "top_decile_capture": round(top_share_capture(score, future), 4),
                     "buyer_auc": round(_auc_from_ranks(score_ranks, buyers), 4),
                     "spearman_buyers": round(_rank_correlation(_average_ranks(score[buyers]), buyer_ranks), 4),
                     "n_customers": n_customers})
    return pd.DataFrame(rows)


def _value_by_grade_holdout(customers: pd.DataFrame, rules: GradeRules) -> pd.DataFrame:
    positions = _grade_positions(customers, rules)
    frame = customers.assign(_pos=positions, FUTURE_BUYER=customers["FUTURE_SPEND"] > 0)
    grouped = frame.groupby("_pos").agg(CUSTOMERS=("PRED_SPEND", "size"), PRED_SPEND=("PRED_SPEND", "mean"),
                                        FUTURE_SPEND=("FUTURE_SPEND", "mean"),
                                        PRED_PURCHASES=("PRED_PURCHASES", "mean"),
                                        FUTURE_BUYER_SHARE=("FUTURE_BUYER", "mean"))
    grouped = grouped.reindex(range(len(rules.grade_order)))
    grouped["CUSTOMERS"] = grouped["CUSTOMERS"].fillna(0).astype(np.int64)
    return grouped.reset_index(drop=True).assign(GRADE=list(rules.grade_order))[
        ["GRADE", "CUSTOMERS", "PRED_SPEND", "FUTURE_SPEND", "PRED_PURCHASES", "FUTURE_BUYER_SHARE"]]


def customer_value_forecast(graded: pd.DataFrame, forecast: ValueForecast, *,
                            customer_col: str = "CLNT_ID") -> pd.DataFrame:
    """The data product ``customer_value_forecast``: every graded customer with their forecast.

    Returns
    -------
    DataFrame
        ``customer_col`` then :data:`FORECAST_COLUMNS`: GRADE (as graded), PRED_PURCHASES (expected purchase
        days in the horizon), PRED_SPEND (expected spend, whole KRW), P_ALIVE (3 decimals); sorted by id.
    """
    _require(graded, (customer_col, "GRADE"), "graded")
    out = graded[[customer_col, "GRADE"]].merge(forecast.customers, on=customer_col, how="left", validate="1:1")
    missing = int(out["PRED_SPEND"].isna().sum())
    if missing:
        raise ValueError(f"{missing:,} graded customer(s) have no forecast: grade and forecast the same "
                         "transactions up to the same date")
    return out.sort_values(customer_col, kind="mergesort").reset_index(drop=True)


def value_by_grade(value: pd.DataFrame, *, rules: GradeRules | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Expected value per grade from :func:`customer_value_forecast`.

    Returns
    -------
    DataFrame
        GRADE (grade order), CUSTOMERS, PRED_PURCHASES (mean), PRED_SPEND (mean per customer),
        PRED_SPEND_TOTAL, PRED_SPEND_SHARE, P_ALIVE (mean). Empty grades have NaN means.
    """
    rules = resolve_rules(rules)
    _require(value, ("GRADE", *FORECAST_COLUMNS[1:]), "value")
    frame = value.assign(_pos=_grade_positions(value, rules))
    grouped = (frame.groupby("_pos").agg(CUSTOMERS=("PRED_SPEND", "size"), PRED_PURCHASES=("PRED_PURCHASES", "mean"),
                                         PRED_SPEND=("PRED_SPEND", "mean"), PRED_SPEND_TOTAL=("PRED_SPEND", "sum"),
                                         P_ALIVE=("P_ALIVE", "mean"))
               .reindex(range(len(rules.grade_order))))
    grouped["CUSTOMERS"] = grouped["CUSTOMERS"].fillna(0).astype(np.int64)
    grouped["PRED_SPEND_TOTAL"] = grouped["PRED_SPEND_TOTAL"].fillna(0.0)
    total = grouped["PRED_SPEND_TOTAL"].sum()
    grouped["PRED_SPEND_SHARE"] = grouped["PRED_SPEND_TOTAL"] / total if total else np.nan
    return grouped.reset_index(drop=True).assign(GRADE=list(rules.grade_order))[
        ["GRADE", "CUSTOMERS", "PRED_PURCHASES", "PRED_SPEND", "PRED_SPEND_TOTAL", "PRED_SPEND_SHARE", "P_ALIVE"]]


def upgrade_candidates(value: pd.DataFrame, *, size: int | None = None, customer_col: str = "CLNT_ID",
                       rules: GradeRules | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Customers below the best grade whose forecast is at least the best grade's median forecast.

    The bar comes from the data (the typical best-grade customer's expected spend), not a hand-set number:
    these customers are expected to spend like a typical top-grade customer but get a lower grade's
    treatment — the ones a campaign should try to move up.

    Returns
    -------
    DataFrame
        ``customer_col``, GRADE, PRED_PURCHASES, PRED_SPEND, rank (1 = highest PRED_SPEND; ties by id),
        at most ``size`` rows (all when None). Empty when the best grade has no customers.
    """
    rules = resolve_rules(rules)
    _require(value, (customer_col, "GRADE", "PRED_PURCHASES", "PRED_SPEND"), "value")
    if size is not None and (isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0):
        raise ValueError(f"size={size!r} must be a non-negative integer or None")
    positions = _grade_positions(value, rules)
    best = value["PRED_SPEND"].to_numpy(float)[positions == 0]
    bar = float(np.median(best)) if len(best) else np.inf
    keep = value[(positions > 0) & (value["PRED_SPEND"].to_numpy(float) >= bar)]
    out = keep.sort_values(["PRED_SPEND", customer_col], ascending=[False, True], kind="mergesort")
    out = out[[customer_col, "GRADE", "PRED_PURCHASES", "PRED_SPEND"]].head(size if size is not None else len(out))
    return out.assign(rank=np.arange(1, len(out) + 1, dtype=np.int64)).reset_index(drop=True)


def value_forecast_check(check: ValueCheck) -> pd.DataFrame:
    """The data product ``value_forecast_check``: method, spearman, n_customers (read by the report index)."""
    if not isinstance(check, ValueCheck):
        raise TypeError("check must be the result of value_check")
    return check.table[["method", "spearman", "n_customers"]].copy()
