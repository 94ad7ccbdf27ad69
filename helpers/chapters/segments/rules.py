"""Chapter 2's business rules: the 16-pattern -> segment map and the playbooks of ``resources/segments.yaml``.

Read with :func:`helpers.common.rules.load_rules`; a caller's mapping is laid over the file's defaults with
:func:`helpers.common.rules.merge_rules` (unknown keys are refused; lists such as ``patterns`` are replaced
whole) and the result is validated into an immutable :class:`SegmentRules`.

The bits' Korean names are the shared ``helpers.common.labels.BIT_LABELS`` (one wording in every chapter);
the ``variables`` list of the YAML documents the bits, its ``bit_order`` is checked.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from helpers.common.labels import BIT_LABELS
from helpers.common.rules import load_rules, merge_rules

__all__ = [
    "PATTERNS",
    "VARIABLES",
    "VARIABLE_LABELS",
    "SegmentRules",
    "load_segment_rules",
    "parse_segment_rules",
    "playbook",
    "resolve_rules",
]

# Bit order of a pattern (the report's order). Keys are fixed, independent of the caller's column names.
VARIABLES: tuple[str, ...] = ("time", "views", "searches", "price")
VARIABLE_LABELS: Mapping[str, str] = MappingProxyType(dict(zip(VARIABLES, BIT_LABELS)))
PATTERNS = np.array([format(code, "04b") for code in range(16)], dtype=object)
_PATTERN_RE = re.compile(r"^[01]{4}$")
RESOURCE = "segments.yaml"


@dataclass(frozen=True)
class SegmentRules:
    """Validated pattern -> segment map and playbooks (see ``helpers/resources/segments.yaml``).

    Attributes
    ----------
    segments : tuple of str
        Segment names in display order.
    pattern_segment, pattern_label, pattern_search : Mapping[str, str | None]
        For each of the 16 patterns: its segment, the report's sub-type label (or None) and the
        report's 검색어 입력 有/無 reading.
    descriptions, rules_text : Mapping[str, str]
        Per segment: behaviour description and the rule in words.
    playbooks : Mapping[str, tuple]
        Per segment: tuple of ``{"title": str, "points": tuple[str, ...]}`` (the report's 공략법).
    variable_labels : Mapping[str, str]
        Korean label of each bit variable (``labels.BIT_LABELS``).
    """

    segments: tuple[str, ...]
    pattern_segment: Mapping[str, str]
    pattern_label: Mapping[str, str | None]
    pattern_search: Mapping[str, str | None]
    descriptions: Mapping[str, str]
    rules_text: Mapping[str, str]
    playbooks: Mapping[str, tuple]
    variable_labels: Mapping[str, str]

    def segment_of(self, pattern: str) -> str:
        """Segment of a 4-bit pattern string such as ``'1101'``."""
        if pattern not in self.pattern_segment:
            raise ValueError(f"unknown pattern {pattern!r}: expected 4 characters of 0/1, e.g. '1101'")
        return self.pattern_segment[pattern]

    def label_of(self, pattern: str) -> str:
        """The report's sub-type label of a pattern, or its segment name when the report names none."""
        label = self.pattern_label.get(pattern)
        return label if label else self.segment_of(pattern)

    def map_frame(self) -> pd.DataFrame:
        """The complete map as a new frame.

        Returns
        -------
        DataFrame with columns ``pattern, time, views, searches, price`` (0/1 int),
        ``segment, label, search`` -- 16 rows, patterns ascending.
        """
        rows = []
        for pattern in PATTERNS:
            row: dict[str, Any] = {"pattern": pattern}
            row.update({var: int(bit) for var, bit in zip(VARIABLES, pattern)})
            row.update(segment=self.pattern_segment[pattern], label=self.pattern_label[pattern],
                       search=self.pattern_search[pattern])
            rows.append(row)
        return pd.DataFrame(rows)


def _rules_error(message: str) -> ValueError:
    return ValueError(f"segment rules ({RESOURCE} or the mapping passed as rules): {message}")


def _parse_playbook(name: str, book: Any) -> tuple:
    if not isinstance(book, list) or not book:
        raise _rules_error(f"segment {name!r} has no 'playbook' (a list of title/points items)")
    parsed = []
    for item in book:
        title = item.get("title") if isinstance(item, Mapping) else None
        points = item.get("points") if isinstance(item, Mapping) else None
        if not isinstance(title, str) or not isinstance(points, list) or not points:
            raise _rules_error(f"playbook item of {name!r} needs 'title' and a non-empty 'points' list")
        if not all(isinstance(p, str) and p.strip() for p in points):
            raise _rules_error(f"playbook points of {name!r} must be non-empty strings")
        parsed.append(MappingProxyType({"title": title, "points": tuple(p.strip() for p in points)}))
    return tuple(parsed)


def _parse_segments(entries: Any) -> tuple[list[str], dict[str, str], dict[str, str], dict[str, tuple]]:
    """Segment names in order, their descriptions, rules in words and playbooks."""
    segments: list[str] = []
    descriptions: dict[str, str] = {}
    rules_text: dict[str, str] = {}
    playbooks: dict[str, tuple] = {}
    for entry in entries or []:
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not isinstance(name, str) or not name:
            raise _rules_error(f"every segment needs a non-empty 'name', got {entry!r}")
        if name in segments:
            raise _rules_error(f"segment {name!r} is listed twice")
        if not isinstance(entry.get("description"), str) or not entry["description"].strip():
            raise _rules_error(f"segment {name!r} has no 'description'")
        playbooks[name] = _parse_playbook(name, entry.get("playbook"))
        segments.append(name)
        descriptions[name] = entry["description"].strip()
        rules_text[name] = str(entry.get("rule") or "").strip()
    if not segments:
        raise _rules_error("'segments' is empty")
    return segments, descriptions, rules_text, playbooks


def _parse_patterns(entries: Any, segments: list[str]) -> tuple[dict, dict, dict]:
    """Segment, sub-type label and search reading of each of the 16 patterns (each exactly once)."""
    pattern_segment: dict[str, str] = {}
    pattern_label: dict[str, str | None] = {}
    pattern_search: dict[str, str | None] = {}
    duplicates: list[str] = []
    for entry in entries or []:
        if not isinstance(entry, Mapping):
            raise _rules_error(f"every pattern entry must be a mapping, got {entry!r}")
        pattern = entry.get("pattern")
        if not isinstance(pattern, str) or not _PATTERN_RE.match(pattern):
            raise _rules_error(f"pattern {pattern!r} is not a 4-character string of 0/1; quote it in YAML (\"0011\")")
        if pattern in pattern_segment:
            duplicates.append(pattern)
            continue
        segment = entry.get("segment")
        if segment not in segments:
            raise _rules_error(f"pattern {pattern} names unknown segment {segment!r}; known: {segments}")
        label = entry.get("label")
        if label is not None and not isinstance(label, str):
            raise _rules_error(f"label of pattern {pattern} must be a string or null")
        pattern_segment[pattern], pattern_label[pattern] = segment, label
        pattern_search[pattern] = entry.get("search")
    missing = [p for p in PATTERNS if p not in pattern_segment]
    if duplicates or missing:
        raise _rules_error("every one of the 16 patterns must appear exactly once; "
                           f"listed more than once: {sorted(set(duplicates))}, missing: {missing}")
    return pattern_segment, pattern_label, pattern_search


def parse_segment_rules(raw: Mapping[str, Any]) -> SegmentRules:
    """Validate a raw rules mapping (the parsed YAML) and return :class:`SegmentRules`.

    Raises
    ------
    ValueError
        Wrong bit order, a pattern that is not a quoted 4-character 0/1 string, a pattern missing or
        listed twice, a pattern naming an unknown segment, or a segment without description/playbook.
    """
    if not isinstance(raw, Mapping):
        raise _rules_error(f"expected a mapping at the top level, got {type(raw).__name__}")
    for key in ("bit_order", "segments", "patterns"):
        if key not in raw:
            raise _rules_error(f"missing top-level key {key!r}")
    if list(raw["bit_order"]) != list(VARIABLES):
        raise _rules_error(f"bit_order must be {list(VARIABLES)}, got {raw['bit_order']!r}")
    segments, descriptions, rules_text, playbooks = _parse_segments(raw["segments"])
    pattern_segment, pattern_label, pattern_search = _parse_patterns(raw["patterns"], segments)
    return SegmentRules(
        segments=tuple(segments),
        pattern_segment=MappingProxyType({p: pattern_segment[p] for p in PATTERNS}),
        pattern_label=MappingProxyType({p: pattern_label[p] for p in PATTERNS}),
        pattern_search=MappingProxyType({p: pattern_search[p] for p in PATTERNS}),
        descriptions=MappingProxyType(descriptions),
        rules_text=MappingProxyType(rules_text),
        playbooks=MappingProxyType(playbooks),
        variable_labels=VARIABLE_LABELS,
    )


@functools.lru_cache(maxsize=1)
def load_segment_rules() -> SegmentRules:
    """Read and validate the package's ``resources/segments.yaml`` (cached; the result is immutable)."""
    return parse_segment_rules(load_rules(RESOURCE))


def resolve_rules(rules: SegmentRules | Mapping | None) -> SegmentRules:
    """The package rules (None), the given :class:`SegmentRules`, or a mapping laid over ``segments.yaml``."""
    if rules is None:
        return load_segment_rules()
    if isinstance(rules, SegmentRules):
        return rules
    if not isinstance(rules, Mapping):
        raise _rules_error(f"expected a mapping at the top level, got {type(rules).__name__}")
    return parse_segment_rules(merge_rules(load_rules(RESOURCE), rules, what=f"segment rules ({RESOURCE})"))


def playbook(segment: str, *, rules: SegmentRules | Mapping | None = None) -> tuple:
    """The report's 공략법 for a segment: tuple of ``{"title", "points"}`` mappings.

    Raises
    ------
    ValueError
        Unknown segment name (the message lists the known ones).
    """
    r = resolve_rules(rules)
    if segment not in r.playbooks:
        raise ValueError(f"unknown segment {segment!r}; known segments: {list(r.segments)}")
    return r.playbooks[segment]
