"""Chapter 3: customer value grading (report section 02 "고객 가치 분류", the "333 법칙").

Each customer gets a recency, a frequency and a monetary score (1-3) from their purchases up to an
as-of date; recency + frequency is their *interest*, the monetary score their *money*; the two
high/low flags give one of four grades (스타, 나비, 계륵, 관리제외) with a point rate.

All thresholds, the grade rule table, the grade order and the playbooks live in
``helpers/resources/grades.yaml``; every function takes ``rules=`` to override them (a
:class:`GradeRules` or a nested dict merged over the defaults). Nothing here assumes the 2018
window: recency counts calendar months back from the as-of month.

The functions work on any shop's transactions: one row per purchase line, session or customer-day
(several rows per customer and day are fine), with the customer, date and amount columns named by
the caller. They never mutate their input, and they refuse rows outside the allowed date range
instead of filtering them silently.

Public API
----------
Rules:       GradeRules, GradeRule, Playbook, default_rules, resolve_rules
Grading:     grade_customers
Summaries:   score_distribution, interest_money_grid, grade_summary, playbook, playbook_table
Beyond:      grade_migration -> GradeMigration, holdout_check -> HoldoutCheck
Figures:     plot_score_distributions, plot_grade_grid, plot_grade_summary, plot_migration,
             plot_holdout
Sentences:   describe_scores, describe_grid, describe_grades, describe_points, describe_migration,
             describe_holdout
"""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd
import yaml

from helpers.common import config
from helpers.common.checks import require_columns

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

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
    "grade_customers",
    "score_distribution",
    "interest_money_grid",
    "grade_summary",
    "playbook",
    "playbook_table",
    "GradeMigration",
    "grade_migration",
    "HoldoutCheck",
    "holdout_check",
    "plot_score_distributions",
    "plot_grade_grid",
    "plot_grade_summary",
    "plot_migration",
    "plot_holdout",
    "describe_scores",
    "describe_grid",
    "describe_grades",
    "describe_points",
    "describe_migration",
    "describe_holdout",
]

#: Output columns of :func:`grade_customers`, after the customer id column (named by the caller).
GRADED_COLUMNS: tuple[str, ...] = (
    "FIRST_DT", "LAST_DT", "N_DAYS", "MEAN_DAY", "LAST_MONTH", "MONTHS_AGO", "TOT_PRICE",
    "R_SCORE", "F_SCORE", "M_SCORE", "INTEREST", "INTEREST_HIGH", "MONEY_HIGH",
    "GRADE", "POINT_RATE", "POINTS",
)

#: Grade-at-A label of customers with no purchase in the first window (migration matrix row).
NEW_LABEL = "신규"
#: Grade-at-B label of customers with no purchase in the second window (migration matrix column).
LAPSED_LABEL = "미구매"
#: Migration move codes (column MOVE) and their Korean labels (column MOVE_LABEL).
MOVE_LABELS: dict[str, str] = {
    "up": "상승", "same": "유지", "down": "하락", "new": NEW_LABEL, "lapsed": LAPSED_LABEL,
}

_SCORE_KINDS: dict[str, str] = {"R_SCORE": "최근성", "F_SCORE": "최빈성", "M_SCORE": "구매금액"}
_NS_PER_DAY = 86_400 * 10**9


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GradeRule:
    """One row of the grade rule table: the grade of an (interest high, money high) cell."""

    grade: str
    interest_high: bool
    money_high: bool
    point_rate: float


@dataclass(frozen=True)
class Playbook:
    """A grade's marketing playbook (the report's 공략법), in Korean."""

    grade: str
    description: str
    goal: str
    actions: tuple[str, ...]
    message: str = ""

    def text(self) -> str:
        """The playbook as one block of Korean text (description, goal, bulleted actions)."""
        lines = [f"[{self.grade}] {self.description}", f"목표: {self.goal}"]
        lines += [f"- {action}" for action in self.actions]
        if self.message:
            lines.append(f"메시지 예시: {self.message}")
        return "\n".join(lines)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, (float, np.floating))) and np.isfinite(value)


@dataclass(frozen=True)
class GradeRules:
    """Validated grading rules (defaults in ``helpers/resources/grades.yaml``).

    Attributes
    ----------
    recency_levels : tuple of (max_months_ago, score)
        First level with ``MONTHS_AGO <= max_months_ago`` wins; thresholds strictly increasing.
    recency_otherwise : int
        Score when no recency level matches.
    frequency_levels : tuple of (max_mean_day, score)
        First level with ``MEAN_DAY <= max_mean_day`` wins; thresholds strictly increasing.
    frequency_otherwise : int
        Score of repeat buyers matching no level.
    frequency_single_day : int
        Score of customers who bought on one day only (MEAN_DAY undefined).
    monetary_levels : tuple of (min_total, score)
        First level with ``TOT_PRICE >= min_total`` wins; thresholds strictly decreasing.
    monetary_otherwise : int
        Score when no monetary level matches.
    interest_high_above : float
        INTEREST_HIGH means ``R_SCORE + F_SCORE > interest_high_above``.
    money_high_min_score : int
        MONEY_HIGH means ``M_SCORE >= money_high_min_score``.
    grades : tuple of GradeRule
        Exactly one grade per (interest_high, money_high) cell.
    grade_order : tuple of str
        Grades from best to worst (migration up/down, holdout monotonicity, display order).
    playbooks : tuple of Playbook
        One per grade.
    """

    recency_levels: tuple[tuple[int, int], ...]
    recency_otherwise: int
    frequency_levels: tuple[tuple[float, int], ...]
    frequency_otherwise: int
    frequency_single_day: int
    monetary_levels: tuple[tuple[float, int], ...]
    monetary_otherwise: int
    interest_high_above: float
    money_high_min_score: int
    grades: tuple[GradeRule, ...]
    grade_order: tuple[str, ...]
    playbooks: tuple[Playbook, ...]

    def __post_init__(self) -> None:
        self._validate_levels("recency", self.recency_levels, increasing=True, integer=True)
        self._validate_levels("frequency", self.frequency_levels, increasing=True, integer=False)
        self._validate_levels("monetary", self.monetary_levels, increasing=False, integer=False)
        for name in ("recency_otherwise", "frequency_otherwise", "frequency_single_day",
                     "monetary_otherwise", "money_high_min_score"):
            if not _is_int(getattr(self, name)):
                raise ValueError(f"grading rules: {name} must be an integer score, "
                                 f"got {getattr(self, name)!r}")
        if not _is_number(self.interest_high_above):
            raise ValueError("grading rules: interest.high_above must be a number, "
                             f"got {self.interest_high_above!r}")
        self._validate_grade_table()

    @staticmethod
    def _validate_levels(kind: str, levels: tuple, *, increasing: bool, integer: bool) -> None:
        thresholds = []
        for level in levels:
            if len(level) != 2:
                raise ValueError(f"grading rules: scores.{kind}.levels entries need a threshold "
                                 f"and a score, got {level!r}")
            threshold, score = level
            ok = _is_int(threshold) if integer else _is_number(threshold)
            if not ok or threshold < 0:
                raise ValueError(f"grading rules: scores.{kind}.levels threshold {threshold!r} "
                                 f"must be a non-negative {'integer' if integer else 'number'}")
            if not _is_int(score):
                raise ValueError(f"grading rules: scores.{kind}.levels score {score!r} "
                                 "must be an integer")
            thresholds.append(threshold)
        steps = np.diff(np.asarray(thresholds, dtype=float))
        if (increasing and (steps <= 0).any()) or (not increasing and (steps >= 0).any()):
            order = "increasing" if increasing else "decreasing"
            raise ValueError(f"grading rules: scores.{kind}.levels thresholds {thresholds} "
                             f"must be strictly {order} (first matching level wins)")

    def _validate_grade_table(self) -> None:
        names = [rule.grade for rule in self.grades]
        for rule in self.grades:
            if not isinstance(rule.grade, str) or not rule.grade.strip():
                raise ValueError(f"grading rules: grade name {rule.grade!r} must be a non-empty "
                                 "string")
            if rule.grade in (NEW_LABEL, LAPSED_LABEL):
                raise ValueError(f"grading rules: grade name {rule.grade!r} is reserved for "
                                 "migration labels; choose another name")
            if not isinstance(rule.interest_high, bool) or not isinstance(rule.money_high, bool):
                raise ValueError(f"grading rules: grade {rule.grade!r} needs true/false "
                                 "interest_high and money_high")
            if not _is_number(rule.point_rate) or not 0 <= rule.point_rate <= 1:
                raise ValueError(f"grading rules: grade {rule.grade!r} point_rate "
                                 f"{rule.point_rate!r} must be a fraction in [0, 1] "
                                 "(0.008 means 0.8%)")
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"grading rules: grade names {duplicated} appear more than once")
        cells: dict[tuple[bool, bool], list[str]] = {}
        for rule in self.grades:
            cells.setdefault((rule.interest_high, rule.money_high), []).append(rule.grade)
        overlapping = {cell: g for cell, g in cells.items() if len(g) > 1}
        if overlapping:
            detail = "; ".join(f"interest_high={i}, money_high={m}: {g}"
                               for (i, m), g in overlapping.items())
            raise ValueError(f"grading rules: grade table overlaps ({detail}); "
                             "each cell needs exactly one grade")
        missing = [(i, m) for i in (True, False) for m in (True, False) if (i, m) not in cells]
        if missing:
            detail = "; ".join(f"interest_high={i}, money_high={m}" for i, m in missing)
            raise ValueError(f"grading rules: grade table is incomplete, no grade for ({detail})")
        if sorted(self.grade_order) != sorted(names) or len(set(self.grade_order)) != len(names):
            raise ValueError(f"grading rules: grade_order {list(self.grade_order)} must list "
                             f"each grade {names} exactly once")
        book_names = [book.grade for book in self.playbooks]
        if sorted(book_names) != sorted(names):
            raise ValueError(f"grading rules: playbooks {book_names} must have exactly one "
                             f"entry per grade {names}")

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradeRules:
        """Build rules from a dict shaped like ``grades.yaml`` (every key required)."""

        def get(path: str) -> Any:
            node: Any = data
            for key in path.split("."):
                if not isinstance(node, Mapping) or key not in node:
                    raise ValueError(f"grading rules: missing key {path!r} "
                                     "(see helpers/resources/grades.yaml for the layout)")
                node = node[key]
            return node

        def levels(kind: str, threshold_key: str) -> tuple:
            raw = get(f"scores.{kind}.levels")
            if not isinstance(raw, (list, tuple)):
                raise ValueError(f"grading rules: scores.{kind}.levels must be a list")
            out = []
            for item in raw:
                if not isinstance(item, Mapping) or set(item) != {threshold_key, "score"}:
                    raise ValueError(f"grading rules: scores.{kind}.levels entries need exactly "
                                     f"the keys {threshold_key!r} and 'score', got {item!r}")
                out.append((item[threshold_key], item["score"]))
            return tuple(out)

        grades = []
        for item in get("grades"):
            keys = {"grade", "interest_high", "money_high", "point_rate"}
            if not isinstance(item, Mapping) or set(item) != keys:
                raise ValueError(f"grading rules: grades entries need exactly the keys "
                                 f"{sorted(keys)}, got {item!r}")
            grades.append(GradeRule(str(item["grade"]), item["interest_high"],
                                    item["money_high"], item["point_rate"]))
        books = []
        for grade, item in dict(get("playbooks")).items():
            if not isinstance(item, Mapping) or not {"description", "goal", "actions"} <= set(item):
                raise ValueError(f"grading rules: playbooks.{grade} needs description, goal "
                                 "and actions")
            actions = item["actions"]
            if isinstance(actions, str):
                actions = [actions]
            books.append(Playbook(str(grade), str(item["description"]), str(item["goal"]),
                                  tuple(str(a) for a in actions), str(item.get("message") or "")))
        return cls(
            recency_levels=levels("recency", "max_months_ago"),
            recency_otherwise=get("scores.recency.otherwise"),
            frequency_levels=levels("frequency", "max_mean_day"),
            frequency_otherwise=get("scores.frequency.otherwise"),
            frequency_single_day=get("scores.frequency.single_day"),
            monetary_levels=levels("monetary", "min_total"),
            monetary_otherwise=get("scores.monetary.otherwise"),
            interest_high_above=get("interest.high_above"),
            money_high_min_score=get("money.high_min_score"),
            grades=tuple(grades),
            grade_order=tuple(str(g) for g in get("grade_order")),
            playbooks=tuple(books),
        )

    # -- lookups ------------------------------------------------------------------------------
    @property
    def point_rates(self) -> dict[str, float]:
        """Point rate per grade, in grade order."""
        rates = {rule.grade: float(rule.point_rate) for rule in self.grades}
        return {grade: rates[grade] for grade in self.grade_order}

    def grade_of(self, *, interest_high: bool, money_high: bool) -> str:
        """The grade of one (interest high, money high) cell."""
        for rule in self.grades:
            if rule.interest_high == bool(interest_high) and rule.money_high == bool(money_high):
                return rule.grade
        raise AssertionError("unreachable: the grade table is validated as complete")

    def playbook(self, grade: str) -> Playbook:
        """The playbook of ``grade``; ValueError names the known grades."""
        for book in self.playbooks:
            if book.grade == grade:
                return book
        raise ValueError(f"unknown grade {grade!r}; known grades: {list(self.grade_order)}")

    def score_values(self, column: str) -> tuple[int, ...]:
        """All scores ``column`` ('R_SCORE', 'F_SCORE' or 'M_SCORE') can take, ascending."""
        if column == "R_SCORE":
            values = [s for _, s in self.recency_levels] + [self.recency_otherwise]
        elif column == "F_SCORE":
            values = [s for _, s in self.frequency_levels] + [self.frequency_otherwise,
                                                              self.frequency_single_day]
        elif column == "M_SCORE":
            values = [s for _, s in self.monetary_levels] + [self.monetary_otherwise]
        else:
            raise ValueError(f"unknown score column {column!r}; use one of {list(_SCORE_KINDS)}")
        return tuple(sorted({int(v) for v in values}))


@functools.lru_cache(maxsize=1)
def _default_rules_dict() -> dict[str, Any]:
    # Beside this module rather than importlib.resources: works the same from a source tree,
    # an editable install or a wheel (package-data ships resources/*).
    path = config.RESOURCES_DIR / "grades.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def default_rules() -> GradeRules:
    """The report's rules, read from ``helpers/resources/grades.yaml`` (cached)."""
    return _cached_default_rules()


@functools.lru_cache(maxsize=1)
def _cached_default_rules() -> GradeRules:
    return GradeRules.from_dict(_default_rules_dict())


def _merge(base: dict[str, Any], override: Mapping[str, Any], path: str) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in base and path != "playbooks":
            raise ValueError(f"grading rules: unknown key {where!r}; known keys here: "
                             f"{sorted(base)}")
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            merged[key] = _merge(base[key], value, where)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve_rules(rules: GradeRules | Mapping[str, Any] | None = None) -> GradeRules:
    """Turn ``rules=`` into :class:`GradeRules`.

    ``None`` gives the defaults; a :class:`GradeRules` is used as is; a dict shaped like
    ``grades.yaml`` is merged over the defaults (nested dicts key by key, lists replaced whole,
    unknown keys rejected), e.g. ``{"money": {"high_min_score": 2}}``.
    """
    if rules is None:
        return default_rules()
    if isinstance(rules, GradeRules):
        return rules
    if isinstance(rules, Mapping):
        return GradeRules.from_dict(_merge(copy.deepcopy(_default_rules_dict()), rules, ""))
    raise TypeError(f"rules must be None, a GradeRules or a dict, got {type(rules).__name__}")


# --------------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------------
def _parse_date(value: Any, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}={value!r} is not a date; pass an ISO date like '2018-09-30'") \
            from exc
    if pd.isna(stamp):
        raise ValueError(f"{name} is missing; pass an ISO date like '2018-09-30'")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


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

    codes, uniques = pd.factorize(customers, sort=True)
    return _Prepared(codes.astype(np.int64), uniques, days, amount,
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


def _graded_frame(customer_col: str, customers: Any, firsts: np.ndarray, lasts: np.ndarray,
                  n_days: np.ndarray, totals: np.ndarray, as_of_day: int,
                  rules: GradeRules) -> pd.DataFrame:
    n_days = n_days.astype(np.int64)
    repeat = n_days > 1
    # One-day buyers have no purchase interval: NaN by construction, scored by single_day.
    mean_day = np.full(len(n_days), np.nan)
    np.divide((lasts - firsts).astype(float), (n_days - 1).astype(float), out=mean_day,
              where=repeat)
    last_months = lasts.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
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
        "FIRST_DT": firsts.astype("datetime64[D]").astype("datetime64[ns]"),
        "LAST_DT": lasts.astype("datetime64[D]").astype("datetime64[ns]"),
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
    })


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
    as_of_ts = _parse_date(as_of, "as_of")
    start_ts = None if start_date is None else _parse_date(start_date, "start_date")
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
    _require(graded, tuple(_SCORE_KINDS), "graded")
    parts = []
    total = len(graded)
    for column, label in _SCORE_KINDS.items():
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
    a_ts, b_ts = _parse_date(first, first_name), _parse_date(second, second_name)
    if a_ts >= b_ts:
        raise ValueError(f"{first_name}={a_ts:%Y-%m-%d} must be before {second_name}={b_ts:%Y-%m-%d}")
    start_ts = None if start_date is None else _parse_date(start_date, "start_date")
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
    if lookback_days is not None and (not _is_int(lookback_days) or lookback_days < 1):
        raise ValueError(f"lookback_days={lookback_days!r} must be a positive integer or None")
    prepared = _prepare(transactions, customer_col=customer_col, date_col=date_col,
                        amount_col=amount_col)
    a_day, b_day = _day_number(a_ts), _day_number(b_ts)
    _check_range(prepared, lowest=None if start_ts is None else _day_number(start_ts),
                 highest=b_day, low_name="start_date", high_name="as_of_b")

    def window(day: int) -> np.ndarray:
        mask = prepared.days <= day
        if lookback_days is not None:
            mask &= prepared.days > day - lookback_days
        return mask

    graded_a, codes_a = _grade_prepared(prepared.subset(window(a_day)), as_of_day=a_day,
                                        rules=rules)
    graded_b, codes_b = _grade_prepared(prepared.subset(window(b_day)), as_of_day=b_day,
                                        rules=rules)

    order = list(rules.grade_order)
    n_grades = len(order)
    # Customer codes index prepared.uniques, so both sides align without a join;
    # GRADE's categories are grade_order, so its codes are grade positions (0 = best).
    n_all = len(prepared.uniques)
    code_of = {}
    for name, graded, codes in (("a", graded_a, codes_a), ("b", graded_b, codes_b)):
        full = np.full(n_all, n_grades, dtype=np.int64)  # n_grades = absent (신규 / 미구매)
        full[codes] = graded["GRADE"].cat.codes.to_numpy(np.int64)
        code_of[name] = full
    seen = np.flatnonzero((code_of["a"] < n_grades) | (code_of["b"] < n_grades))
    ga, gb = code_of["a"][seen], code_of["b"][seen]

    moves = list(MOVE_LABELS)  # up, same, down, new, lapsed
    move = np.select(
        [ga == n_grades, gb == n_grades, gb < ga, gb > ga],
        [moves.index("new"), moves.index("lapsed"), moves.index("up"), moves.index("down")],
        moves.index("same")).astype(np.int64)
    customers_frame = pd.DataFrame({
        customer_col: prepared.uniques.take(seen).array,
        "GRADE_A": pd.Categorical.from_codes(ga, categories=order + [NEW_LABEL]),
        "GRADE_B": pd.Categorical.from_codes(gb, categories=order + [LAPSED_LABEL]),
        "MOVE": pd.Categorical.from_codes(move, categories=moves),
        "MOVE_LABEL": pd.Categorical.from_codes(move, categories=list(MOVE_LABELS.values())),
    })
    size = n_grades + 1
    matrix = pd.DataFrame(np.bincount(ga * size + gb, minlength=size * size).reshape(size, size),
                          index=pd.Index(order + [NEW_LABEL], name="GRADE_A"),
                          columns=pd.Index(order + [LAPSED_LABEL], name="GRADE_B"))
    move_counts = np.bincount(move, minlength=len(moves))
    total = len(seen)
    summary = pd.DataFrame({
        "MOVE": moves,
        "MOVE_LABEL": list(MOVE_LABELS.values()),
        "CUSTOMERS": move_counts.astype(np.int64),
        "SHARE": move_counts / total if total else np.nan,
    })
    return GradeMigration(customers_frame, matrix, summary, graded_a, graded_b, a_ts, b_ts,
                          tuple(order))


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


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2:
        return float("nan")
    rx = pd.Series(x).rank(method="average").to_numpy(float)
    ry = pd.Series(y).rank(method="average").to_numpy(float)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


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
    graded, graded_codes = _grade_prepared(prepared.subset(past), as_of_day=cut_day,
                                           rules=rules)

    n_all = len(prepared.uniques)
    future_all = np.bincount(prepared.codes[~past], weights=prepared.amount[~past],
                             minlength=n_all)
    future_rows = np.bincount(prepared.codes[~past], minlength=n_all)
    is_graded = np.zeros(n_all, dtype=bool)
    is_graded[graded_codes] = True
    new_mask = ~is_graded & (future_rows > 0)

    future = future_all[graded_codes]
    buyer = future_rows[graded_codes] > 0
    customers_frame = pd.DataFrame({
        customer_col: graded[customer_col].array,
        "GRADE": graded["GRADE"].array,
        "TOT_PRICE": graded["TOT_PRICE"].to_numpy(float),
        "FUTURE_SPEND": future,
        "FUTURE_BUYER": buyer,
    })

    order = list(rules.grade_order)
    positions = graded["GRADE"].cat.codes.to_numpy(np.int64)
    n_grades = len(order)
    counts = np.bincount(positions, minlength=n_grades)
    buyers = np.bincount(positions, weights=buyer.astype(float), minlength=n_grades)
    totals = np.bincount(positions, weights=future, minlength=n_grades)
    medians = (pd.Series(future).groupby(positions).median()
               .reindex(range(n_grades)).to_numpy(float))
    total_future = totals.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_spend = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
        by_grade = pd.DataFrame({
            "GRADE": order,
            "CUSTOMERS": counts.astype(np.int64),
            "BUYERS": buyers.astype(np.int64),
            "BUYER_SHARE": np.where(counts > 0, buyers / np.maximum(counts, 1), np.nan),
            "MEAN_SPEND": mean_spend,
            "MEDIAN_SPEND": medians,
            "TOTAL_SPEND": totals,
            "SPEND_SHARE": totals / total_future if total_future else np.nan,
        })
    observed = mean_spend[counts > 0]
    monotonic = bool(np.all(np.diff(observed) <= 0))
    # Best grade gets the highest number so a positive correlation means "better grade, more spend".
    spearman = _spearman((n_grades - 1 - positions).astype(float), future)
    return HoldoutCheck(customers_frame, by_grade, spearman, monotonic,
                        int(new_mask.sum()), float(future_all[new_mask].sum()), cut_ts, end_ts)


# --------------------------------------------------------------------------------------------
# Figures (Korean labels)
# --------------------------------------------------------------------------------------------
def _new_figure(width: float, height: float) -> Figure:
    import warnings

    from matplotlib.figure import Figure

    with warnings.catch_warnings():
        # koreanize-matplotlib 0.1.1 uses distutils' LooseVersion; keep that out of reports.
        warnings.simplefilter("ignore", DeprecationWarning)
        import koreanize_matplotlib  # noqa: F401  (registers a Korean font for the labels)

    # A bare Figure (no pyplot) so notebooks show it once, from the returned object.
    return Figure(figsize=(width, height), layout="constrained")


def _comma_axis(ax: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))


def _annotate_heatmap(ax: Any, values: np.ndarray, texts: list[list[str]]) -> None:
    high = values.max() if values.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            dark = high > 0 and values[i, j] > high * 0.6
            ax.text(j, i, texts[i][j], ha="center", va="center", fontsize=9,
                    color="white" if dark else "black")


def plot_score_distributions(scores: pd.DataFrame) -> Figure:
    """Three bar panels (최근성, 최빈성, 구매금액): customers per score, from
    :func:`score_distribution`."""
    _require(scores, ("SCORE_TYPE", "SCORE_LABEL", "SCORE", "CUSTOMERS", "SHARE"), "scores")
    fig = _new_figure(12, 3.8)
    axes = fig.subplots(1, 3)
    for ax, column in zip(axes, _SCORE_KINDS):
        part = scores[scores["SCORE_TYPE"] == column]
        bars = ax.bar(part["SCORE"].astype(str), part["CUSTOMERS"], color="#4C72B0")
        ax.bar_label(bars, labels=[f"{c:,}\n({s:.1%})" for c, s in
                                   zip(part["CUSTOMERS"], part["SHARE"].fillna(0))], fontsize=8)
        ax.set_title(f"{_SCORE_KINDS[column]} ({column[0]})")
        ax.set_xlabel("점수")
        ax.set_ylabel("고객 수")
        _comma_axis(ax)
        ax.margins(y=0.2)
    fig.suptitle("고객 서열 요소별 인원 분포")
    return fig


def plot_grade_grid(grid: pd.DataFrame, *,
                    rules: GradeRules | Mapping[str, Any] | None = None) -> Figure:
    """Heatmap of the R+F × M grid (from :func:`interest_money_grid`): counts and grade names,
    monetary score 3 at the top."""
    rules = resolve_rules(rules)
    if not isinstance(grid, pd.DataFrame) or list(grid.columns) != [1, 2]:
        raise ValueError("grid must be the output of interest_money_grid (columns 1 and 2)")
    shown = grid.sort_index(ascending=False)
    values = shown.to_numpy(dtype=float)
    total = values.sum()
    texts = [[f"{rules.grade_of(interest_high=col == 2, money_high=m >= rules.money_high_min_score)}"
              f"\n{int(v):,}명" + (f"\n({v / total:.1%})" if total else "")
              for col, v in zip(shown.columns, row)]
             for m, row in zip(shown.index, values)]
    fig = _new_figure(6, 4.5)
    ax = fig.subplots()
    image = ax.imshow(values, cmap="Blues", aspect="auto")
    _annotate_heatmap(ax, values, texts)
    threshold = rules.interest_high_above
    ax.set_xticks([0, 1], [f"등급 1\n(최근성+최빈성 ≤ {threshold:g})",
                           f"등급 2\n(최근성+최빈성 > {threshold:g})"])
    ax.set_yticks(range(len(shown.index)), [f"구매금액 {m}" for m in shown.index])
    ax.set_xlabel("관심도 (최근성 + 최빈성)")
    ax.set_ylabel("구매금액 점수")
    ax.set_title("고객 서열 군집화")
    fig.colorbar(image, ax=ax, label="고객 수")
    return fig


def plot_grade_summary(summary: pd.DataFrame) -> Figure:
    """Customer share vs revenue share per grade, and the point cost each grade implies
    (from :func:`grade_summary`)."""
    _require(summary, ("GRADE", "CUSTOMER_SHARE", "REVENUE_SHARE", "POINT_COST", "POINT_RATE"),
             "summary")
    fig = _new_figure(11, 4)
    left, right = fig.subplots(1, 2)
    x = np.arange(len(summary))
    width = 0.38
    for offset, column, label, color in ((-width / 2, "CUSTOMER_SHARE", "고객 비중", "#4C72B0"),
                                         (width / 2, "REVENUE_SHARE", "매출 비중", "#DD8452")):
        share = summary[column].fillna(0).to_numpy(float)
        bars = left.bar(x + offset, share * 100, width, label=label, color=color)
        left.bar_label(bars, labels=[f"{s:.1%}" for s in share], fontsize=8)
    left.set_xticks(x, summary["GRADE"])
    left.set_ylabel("비중 (%)")
    left.set_title("등급별 고객 비중과 매출 비중")
    left.legend()
    left.margins(y=0.15)
    bars = right.bar(x, summary["POINT_COST"], color="#55A868")
    right.bar_label(bars, labels=[f"{c:,.0f}원\n({r:.1%})" for c, r in
                                  zip(summary["POINT_COST"], summary["POINT_RATE"])], fontsize=8)
    right.set_xticks(x, summary["GRADE"])
    right.set_ylabel("포인트 비용 (원)")
    _comma_axis(right)
    right.set_title("등급별 포인트 비용 (적립률)")
    right.margins(y=0.2)
    return fig


def plot_migration(migration: GradeMigration) -> Figure:
    """Heatmap of the grade transition matrix (rows: grade at A, columns: grade at B)."""
    if not isinstance(migration, GradeMigration):
        raise TypeError("migration must be the result of grade_migration")
    matrix = migration.matrix
    values = matrix.to_numpy(dtype=float)
    texts = [[f"{int(v):,}" for v in row] for row in values]
    fig = _new_figure(7, 5.5)
    ax = fig.subplots()
    image = ax.imshow(values, cmap="Purples", aspect="auto")
    _annotate_heatmap(ax, values, texts)
    ax.set_xticks(range(matrix.shape[1]), list(matrix.columns))
    ax.set_yticks(range(matrix.shape[0]), list(matrix.index))
    ax.set_xlabel(f"{migration.as_of_b:%Y-%m-%d} 기준 등급")
    ax.set_ylabel(f"{migration.as_of_a:%Y-%m-%d} 기준 등급")
    ax.set_title("고객 등급 이동")
    fig.colorbar(image, ax=ax, label="고객 수")
    return fig


def plot_holdout(holdout: HoldoutCheck) -> Figure:
    """Per grade: mean and median later spend, and the share who bought again."""
    if not isinstance(holdout, HoldoutCheck):
        raise TypeError("holdout must be the result of holdout_check")
    table = holdout.by_grade
    fig = _new_figure(11, 4)
    left, right = fig.subplots(1, 2)
    x = np.arange(len(table))
    mean = table["MEAN_SPEND"].fillna(0).to_numpy(float)
    bars = left.bar(x, mean, color="#4C72B0", label="평균")
    left.bar_label(bars, labels=[f"{v:,.0f}원" for v in mean], fontsize=8)
    left.scatter(x, table["MEDIAN_SPEND"].fillna(0), color="#C44E52", zorder=3, label="중앙값")
    left.set_xticks(x, table["GRADE"])
    left.set_ylabel("1인당 구매액 (원)")
    _comma_axis(left)
    left.set_title(f"{holdout.cutoff:%Y-%m-%d} 등급별 이후 구매액 "
                   f"(~{holdout.horizon_end:%Y-%m-%d})")
    left.legend()
    left.margins(y=0.15)
    share = table["BUYER_SHARE"].fillna(0).to_numpy(float)
    bars = right.bar(x, share * 100, color="#8172B3")
    right.bar_label(bars, labels=[f"{s:.1%}" for s in share], fontsize=8)
    right.set_xticks(x, table["GRADE"])
    right.set_ylabel("재구매 고객 비율 (%)")
    right.set_title("등급별 이후 기간 구매 고객 비율")
    right.margins(y=0.15)
    return fig


# --------------------------------------------------------------------------------------------
# One-sentence readings (Korean)
# --------------------------------------------------------------------------------------------
def describe_scores(scores: pd.DataFrame) -> str:
    """E.g. '최근 구매(최근성 최고점) 고객이 41.0%, 하루만 구매한 고객(최빈성 최저점)이 ...'."""
    _require(scores, ("SCORE_TYPE", "SCORE", "CUSTOMERS", "SHARE"), "scores")

    def share(column: str, best: bool) -> tuple[int, float]:
        part = scores[scores["SCORE_TYPE"] == column].sort_values("SCORE")
        row = part.iloc[-1] if best else part.iloc[0]
        return int(row["SCORE"]), float(row["SHARE"])

    r_score, r_share = share("R_SCORE", True)
    f_score, f_share = share("F_SCORE", False)
    m_score, m_share = share("M_SCORE", True)
    return (f"최근성 {r_score}점(가장 최근 구매) 고객이 {r_share:.1%}, 최빈성 {f_score}점(재구매 없음) "
            f"고객이 {f_share:.1%}이며, 구매금액 {m_score}점(최고 구간) 고객은 {m_share:.1%}입니다.")


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
            f"{values[i, j] / total:.1%}로 가장 많고, 관심도 등급 2(최근성+최빈성 높음) 고객은 "
            f"{high_interest:.1%}입니다.")


def describe_grades(summary: pd.DataFrame) -> str:
    """E.g. '스타 고객은 전체의 3.2%(1,234명)이지만 매출의 41.5%를 차지하고, ...'."""
    _require(summary, ("GRADE", "CUSTOMERS", "CUSTOMER_SHARE", "REVENUE_SHARE"), "summary")
    top, bottom = summary.iloc[0], summary.iloc[-1]

    def pct(value: float) -> str:
        return "-" if pd.isna(value) else f"{value:.1%}"

    # "이지만" only when the top grade really earns more than its head count suggests.
    joint = "이지만" if top["REVENUE_SHARE"] > top["CUSTOMER_SHARE"] else "이고"
    return (f"{top['GRADE']} 고객은 전체의 {pct(top['CUSTOMER_SHARE'])}"
            f"({int(top['CUSTOMERS']):,}명){joint} 매출의 {pct(top['REVENUE_SHARE'])}를 차지하고, "
            f"{bottom['GRADE']} 고객은 {pct(bottom['CUSTOMER_SHARE'])}"
            f"({int(bottom['CUSTOMERS']):,}명)로 매출의 {pct(bottom['REVENUE_SHARE'])}를 차지합니다.")


def describe_points(summary: pd.DataFrame) -> str:
    """Total point cost, as a share of revenue, and the largest grade's part of it."""
    _require(summary, ("GRADE", "REVENUE", "POINT_COST"), "summary")
    cost, revenue = float(summary["POINT_COST"].sum()), float(summary["REVENUE"].sum())
    if cost <= 0:
        return "등급별 적립률을 적용해도 포인트 비용이 발생하지 않습니다."
    largest = summary.loc[summary["POINT_COST"].idxmax()]
    return (f"등급별 적립률을 적용하면 포인트 비용은 총 {cost:,.0f}원으로 매출의 "
            f"{cost / revenue:.2%}이며, 그중 {largest['GRADE']} 등급이 "
            f"{largest['POINT_COST'] / cost:.1%}를 차지합니다.")


def describe_migration(migration: GradeMigration) -> str:
    """How many customers moved up, down, stayed, were new or lapsed between the two dates."""
    if not isinstance(migration, GradeMigration):
        raise TypeError("migration must be the result of grade_migration")
    counts = dict(zip(migration.summary["MOVE"], migration.summary["CUSTOMERS"]))
    total = sum(counts.values())
    if total == 0:
        return "두 기준일 모두 구매 고객이 없습니다."
    return (f"{migration.as_of_a:%Y-%m-%d}부터 {migration.as_of_b:%Y-%m-%d}까지 등급이 오른 고객은 "
            f"{counts['up']:,}명({counts['up'] / total:.1%}), 내린 고객은 {counts['down']:,}명"
            f"({counts['down'] / total:.1%}), 유지한 고객은 {counts['same']:,}명이며, "
            f"신규 {counts['new']:,}명, 미구매 {counts['lapsed']:,}명입니다.")


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
    return (f"{holdout.cutoff:%Y-%m-%d} 기준 등급으로 보면 이후 기간 1인당 구매액은 "
            f"{top['GRADE']} {top['MEAN_SPEND']:,.0f}원, {bottom['GRADE']} "
            f"{bottom['MEAN_SPEND']:,.0f}원으로, {verdict} (순위상관 {rho}).")
