"""The report's marketing playbooks (공략법) and grade order, read from the rule files.

Chapter 3 owns ``resources/grades.yaml`` (grade order, point rates, one playbook per grade) and chapter 2 owns
``resources/segments.yaml`` (one playbook per behaviour segment). Chapter 6 shows those playbooks on every
profile card. Rather than importing chapters 2 and 3 (chapters meet through data products or a shared module),
it reads the same YAML here, through the one rule loader :func:`helpers.common.rules.load_rules`.

Only what a reader of the playbooks needs is read; validating the rule files stays with the chapters that
own them (they fail first in a run, since chapters 2 and 3 render before chapter 6). The module imports
nothing but ``helpers.common``, so it can move to ``helpers/chapters/`` as a shared module as it stands.

Public API: grade_order, grade_playbooks, segment_playbooks.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.common.rules import load_rules, merge_rules

__all__ = ["grade_order", "grade_playbooks", "segment_playbooks"]

GRADES_FILE = "grades.yaml"
SEGMENTS_FILE = "segments.yaml"


def _grade_rules(rules: Mapping[str, Any] | None) -> dict[str, Any]:
    """``grades.yaml`` with ``rules`` laid over it (new grades' playbooks may be added)."""
    base = load_rules(GRADES_FILE)
    if not rules:
        return base
    if not isinstance(rules, Mapping):
        raise TypeError(f"grade rules must be None or a dict shaped like {GRADES_FILE}, got {type(rules).__name__}")
    return merge_rules(base, rules, what=f"grading rules ({GRADES_FILE})", open_paths=("playbooks",))


def grade_order(rules: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """Grades best to worst (``grade_order`` of ``grades.yaml``, e.g. 스타, 나비, 계륵, 관리제외)."""
    return tuple(str(g) for g in _grade_rules(rules)["grade_order"])


def _grade_text(grade: str, book: Mapping[str, Any]) -> tuple[str, tuple[str, ...], str]:
    """Goal, actions and the playbook as one Korean block (description, goal, bulleted actions, message)."""
    actions = book.get("actions") or ()
    actions = (str(actions),) if isinstance(actions, str) else tuple(str(a) for a in actions)
    goal = str(book.get("goal", ""))
    lines = [f"[{grade}] {book.get('description', '')}", f"목표: {goal}"]
    lines += [f"- {action}" for action in actions]
    if book.get("message"):
        lines.append(f"메시지 예시: {book['message']}")
    return goal, actions, "\n".join(lines)


def grade_playbooks(rules: Mapping[str, Any] | None = None) -> dict[str, dict[str, str]]:
    """Per grade in grade order: ``summary`` (goal — first action) and ``detail`` (the whole playbook).

    Raises
    ------
    ValueError
        A grade of ``grade_order`` has no playbook (the message names it and the file).
    """
    merged = _grade_rules(rules)
    books = merged.get("playbooks") or {}
    out = {}
    for grade in grade_order(rules):
        if grade not in books:
            raise ValueError(f"{GRADES_FILE}: grade {grade!r} has no playbook; add playbooks.{grade} "
                             "(description, goal, actions).")
        goal, actions, detail = _grade_text(grade, books[grade])
        first = f" — {actions[0]}" if actions else ""
        out[grade] = {"summary": f"{goal}{first}", "detail": detail}
    return out


def _segment_book(name: str, items) -> dict[str, str]:
    titles, lines = [], [f"[{name}]"]
    for item in items or ():
        if isinstance(item, Mapping):
            titles.append(str(item.get("title", "")))
            lines.append(f"* {item.get('title', '')}")
            lines += [f"  - {str(p).strip()}" for p in item.get("points", ())]
        else:
            titles.append(str(item))
            lines.append(f"* {item}")
    return {"summary": " / ".join(t for t in titles if t) or "공략법 없음",
            "detail": "\n".join(lines) if titles else "공략법 없음"}


def segment_playbooks() -> dict[str, dict[str, str]]:
    """Per behaviour segment of ``segments.yaml`` (display order): ``summary`` (the playbook's titles joined by
    `` / ``) and ``detail`` (``[name]``, ``* title``, ``  - point`` lines); "공략법 없음" when a segment has none."""
    raw = load_rules(SEGMENTS_FILE)
    return {str(s["name"]): _segment_book(str(s["name"]), s.get("playbook"))
            for s in raw.get("segments") or [] if isinstance(s, Mapping) and "name" in s}
