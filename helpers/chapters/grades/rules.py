"""Chapter 3's business rules: thresholds, the grade table, grade order and playbooks (``grades.yaml``).

The defaults live in ``helpers/resources/grades.yaml``, read with :func:`helpers.common.rules.load_rules`; a
user's overrides are laid over them with :func:`helpers.common.rules.merge_rules` (unknown keys rejected,
new playbooks allowed) and validated by :class:`GradeRules`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from helpers.common.rules import load_rules, merge_rules

__all__ = ["NEW_LABEL", "LAPSED_LABEL", "SCORE_KINDS", "GradeRule", "Playbook", "GradeRules", "default_rules",
           "resolve_rules"]

#: Grade-at-A label of customers with no purchase in the first window (migration matrix row).
NEW_LABEL = "신규"
#: Grade-at-B label of customers with no purchase in the second window (migration matrix column).
LAPSED_LABEL = "미구매"
#: Score columns and their Korean names.
SCORE_KINDS: dict[str, str] = {"R_SCORE": "최근성", "F_SCORE": "최빈성", "M_SCORE": "구매금액"}
_RULES_FILE = "grades.yaml"

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
            raise ValueError(f"unknown score column {column!r}; use one of {list(SCORE_KINDS)}")
        return tuple(sorted({int(v) for v in values}))



def default_rules() -> GradeRules:
    """The report's rules, read from ``helpers/resources/grades.yaml`` (cached)."""
    return _cached_default_rules()


@functools.lru_cache(maxsize=1)
def _cached_default_rules() -> GradeRules:
    return GradeRules.from_dict(load_rules(_RULES_FILE))


def resolve_rules(rules: GradeRules | Mapping[str, Any] | None = None) -> GradeRules:
    """Turn ``rules=`` into :class:`GradeRules`.

    ``None`` gives the defaults; a :class:`GradeRules` is used as is; a dict shaped like
    ``grades.yaml`` is merged over the defaults (nested dicts key by key, lists replaced whole,
    unknown keys rejected, new playbooks allowed), e.g. ``{"money": {"high_min_score": 2}}``.
    """
    if rules is None:
        return default_rules()
    if isinstance(rules, GradeRules):
        return rules
    if isinstance(rules, Mapping):
        merged = merge_rules(load_rules(_RULES_FILE), rules, what="grading rules", open_paths=["playbooks"])
        return GradeRules.from_dict(merged)
    raise TypeError(f"rules must be None, a GradeRules or a dict, got {type(rules).__name__}")
