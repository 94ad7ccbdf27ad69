"""Chapter 2 words: ``describe_*`` Korean sentences computed from the results of :mod:`.compute`, and
``*_table`` analyst views in which every code value is Korean (``30F`` -> ``30대 여성``, ``main`` ->
``주 고객군``, True/False -> 예/아니오). Headers and display kinds: ``labels.SEGMENTS_HEADERS`` / ``_KINDS``.
Data products keep the codes; only these views translate them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from helpers.chapters.segments.compute import OVERALL_LABEL, UNCLASSIFIED, VARIABLES, behaviour_wide
from helpers.chapters.segments.rules import SegmentRules, playbook, resolve_rules
from helpers.chapters.segments.stability import transition_matrix
from helpers.common.checks import require_columns
from helpers.common.formats import format_count, format_pct
from helpers.common.korean import has_final_consonant, josa
from helpers.common.labels import GENDER_LABELS, age_label

__all__ = [
    "CUSTOMER_STATUS_LABELS",
    "GROUP_STATUS_LABELS",
    "PATTERN_STATUS_LABELS",
    "behaviour_wide_table",
    "category_changes_table",
    "category_patterns_table",
    "describe_categories",
    "describe_category",
    "describe_groups",
    "describe_playbook",
    "describe_sizes",
    "describe_stability",
    "describe_summary",
    "group_label",
    "groups_table",
    "rules_map_table",
    "transition_table",
]

GROUP_STATUS_LABELS: dict[str, str] = {
    "main": "주 고객군", "outside_top_n": "상위 고객군 밖", "below_min_customers": "최소 고객 수 미만",
}
PATTERN_STATUS_LABELS: dict[str, str] = {
    "scored": "판정", "no_scored_groups": "판정된 고객군 없음", "no_purchases": "구매 없음",
    "missing_values": "행동 값 없음",
}
CUSTOMER_STATUS_LABELS: dict[str, str] = {
    "ok": "판정", "no_category": "상품군 없음", "no_revenue": "매출 없음",
    "top_category_not_main": "최다 구매 상품군이 주요 상품군 아님", "category_not_scored": "상품군 패턴 없음",
}
#: Decimals of each behaviour variable in the wide tables (seconds, page views, searches, won).
VARIABLE_DECIMALS: dict[str, int] = {"time": 1, "views": 1, "searches": 2, "price": 0}
_GROUP_CODE = re.compile(r"^(\d{2})([FM])$")
DASH = "–"


# ---------------------------------------------------------------------------------------------
# Code values -> Korean
# ---------------------------------------------------------------------------------------------
def group_label(code) -> str:
    """``'30F'`` -> ``'30대 여성'``; other values as they are (``'-'`` for missing)."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return DASH
    match = _GROUP_CODE.match(str(code))
    if not match:
        return str(code)
    return f"{age_label(int(match.group(1)))} {GENDER_LABELS[match.group(2)]}"


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "예" if bool(v) else "아니오").astype("str")


def _text(values: pd.Series, labels: Mapping[str, str] | None = None) -> pd.Series:
    """Missing -> '–', codes through ``labels`` (unknown codes shown as they are)."""
    return values.map(lambda v: DASH if v is None or (not isinstance(v, str) and pd.isna(v)) or v == ""
                      else (labels or {}).get(v, str(v))).astype("str")


def _bit_names(tied: str, rules: SegmentRules) -> str:
    return ", ".join(rules.variable_labels[v] for v in tied.split(",")) if isinstance(tied, str) and tied else DASH


# ---------------------------------------------------------------------------------------------
# Analyst tables
# ---------------------------------------------------------------------------------------------
def groups_table(groups: pd.DataFrame) -> pd.DataFrame:
    """:func:`~.compute.main_groups` with Korean groups, 예/아니오 and Korean statuses."""
    require_columns(groups, ("group", "n_customers", "n_lines", "rank", "is_main", "status"), "groups")
    out = groups[["group", "n_customers", "n_lines", "rank", "is_main", "status"]].copy()
    out["group"] = out["group"].map(group_label).astype("str")
    out["is_main"] = _yes_no(out["is_main"])
    out["status"] = _text(out["status"], GROUP_STATUS_LABELS)
    return out


def behaviour_wide_table(behaviour: pd.DataFrame, variable: str = "time", *, value: str = "mean") -> pd.DataFrame:
    """:func:`~.compute.behaviour_wide` for analysts: Korean group names in the first column, every number
    written with the variable's fixed decimals (differences signed); the last column is the group's 평균."""
    wide = behaviour_wide(behaviour, variable, value=value)
    decimals = VARIABLE_DECIMALS[variable]
    out = pd.DataFrame({"group": [group_label(g) for g in wide.index]})
    for column in wide.columns:
        numbers = wide[column].to_numpy(dtype=float)
        signed = value == "diff" and column != OVERALL_LABEL
        out[column] = [DASH if pd.isna(v) else ("+" if signed and v > 0 else "") + format_count(v, decimals)
                       for v in numbers]
    return out


def category_patterns_table(category_patterns: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None
                            ) -> pd.DataFrame:
    """The analyst's view of :func:`~.compute.category_patterns`: patterns, group counts, segment and
    sub-type, and the tied bits in Korean (``고려시간, 조회수``); missing values as '–'."""
    r = resolve_rules(rules)
    columns = ["category", "pattern", "pattern_2", "n_groups_scored", "n_groups_pattern", "n_groups_pattern_2",
               "segment_label", "label", "tied_bits"]
    require_columns(category_patterns, columns, "category_patterns")
    out = category_patterns[columns].copy()
    for column in ("pattern", "pattern_2", "segment_label", "label"):
        out[column] = _text(out[column])
    out["tied_bits"] = out["tied_bits"].map(lambda t: _bit_names(t, r)).astype("str")
    return out


def rules_map_table(rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """The 16-pattern map (bits 0/1, segment, the report's sub-type or '–', 검색어 입력 有/無)."""
    out = resolve_rules(rules).map_frame()
    out["label"] = _text(out["label"])
    out["search"] = _text(out["search"])
    return out


def category_changes_table(category_changes: pd.DataFrame) -> pd.DataFrame:
    """:func:`~.compute.category_stability` with 예/아니오 for ``changed`` and '–' for missing segments."""
    require_columns(category_changes, ("category", "changed", "modal_segment", "overall_segment"),
                    "category_changes")
    out = category_changes.copy()
    out["changed"] = _yes_no(out["changed"])
    for column in ("modal_segment", "overall_segment"):
        out[column] = _text(out[column])
    return out


def transition_table(transitions: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> pd.DataFrame:
    """Month-to-month moves as a from x to count table; the first column names the previous month's segment."""
    return transition_matrix(transitions, rules=rules).reset_index()


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------
def describe_groups(groups: pd.DataFrame, *, min_customers: int | None = None) -> str:
    """One sentence on the main groups and the groups left unscored (from :func:`~.compute.main_groups`)."""
    require_columns(groups, ("group", "n_customers", "is_main", "status"), "groups")
    main = groups[groups["is_main"].astype(bool)]
    small = groups[groups["status"] == "below_min_customers"]
    share = main["n_customers"].sum() / max(groups["n_customers"].sum(), 1)
    sentence = (f"고객 수 기준 상위 {len(main)}개 고객군({', '.join(map(group_label, main['group']))})을 주 고객군으로 "
                f"삼았고, 이들이 전체 고객군 고객의 {format_pct(share)}를 차지합니다")
    if len(small):
        guard = f"{format_count(min_customers)}명 미만" if min_customers is not None else "최소 고객 수 미만"
        sentence += (f"; {guard}인 {len(small)}개 고객군({', '.join(map(group_label, small['group']))})은 "
                     "점수화하지 않았습니다")
    return sentence + "."


def describe_category(category_patterns: pd.DataFrame, category: str,
                      *, rules: SegmentRules | Mapping | None = None) -> str:
    """One sentence on a category's pattern, e.g. '여성의류는 꼼꼼이(1101) 패턴으로 …'."""
    r = resolve_rules(rules)
    require_columns(category_patterns, ("category", "pattern", "segment"), "category_patterns")
    rows = category_patterns[category_patterns["category"] == category]
    if rows.empty:
        known = list(category_patterns["category"])
        raise ValueError(f"category {category!r} is not in category_patterns; known: {known}")
    row = rows.iloc[0]
    if pd.isna(row["pattern"]):
        return f"{josa(category, '은', '는')} 점수화된 고객군이 없어 행동 패턴을 정하지 못했습니다."
    if bool(row.get("split", False)):
        second = f"{row['segment_2']}({row['pattern_2']})"
        return (f"{josa(category, '은', '는')} 고객군이 {row['segment']}({row['pattern']})"
                f"{'과' if has_final_consonant(row['segment']) else '와'} {second} 두 패턴으로 "
                f"{row['n_groups_pattern']}:{row['n_groups_pattern_2']}로 고르게 나뉩니다.")
    bits = [r.variable_labels[v] for v, b in zip(VARIABLES, row["pattern"]) if b == "1"]
    high = (f"{'·'.join(bits)}{'이' if has_final_consonant(bits[-1]) else '가'} 고객군 평균보다 높습니다" if bits
            else "네 변수 모두 고객군 평균 이하입니다")
    return (f"{josa(category, '은', '는')} {row['segment']}({row['pattern']}) 패턴으로, "
            f"{row['n_groups_scored']}개 고객군 중 {row['n_groups_pattern']}개가 이 패턴과 같고 {high}.")


def describe_categories(category_patterns: pd.DataFrame, *, rules: SegmentRules | Mapping | None = None) -> str:
    """One sentence listing the categories of each segment, e.g. '꼼꼼이는 여성의류·패션잡화, …'."""
    r = resolve_rules(rules)
    require_columns(category_patterns, ("category", "segment", "segment_2"), "category_patterns")
    parts = []
    for segment, names in _segment_members(category_patterns, r).items():
        parts.append(f"{josa(segment, '은', '는')} {'·'.join(names)}")
    if not parts:
        return "점수화된 상품군이 없어 행동 세그먼트를 정하지 못했습니다."
    return ", ".join(parts) + " 상품군에서 나타납니다."


def _segment_members(category_patterns: pd.DataFrame, r: SegmentRules) -> dict[str, list[str]]:
    """Segment -> the categories showing it (either of a split's two patterns), rules order, empty left out."""
    out = {}
    for segment in r.segments:  # <= a handful of segments
        member = (category_patterns["segment"] == segment) | (category_patterns["segment_2"] == segment)
        names = [str(c) for c in category_patterns.loc[member.fillna(False), "category"]]
        if names:
            out[segment] = names
    return out


def describe_sizes(sizes: pd.DataFrame) -> str:
    """One sentence on segment sizes (from :func:`~.compute.segment_sizes`)."""
    require_columns(sizes, ("segment", "n_customers", "share", "revenue_share"), "sizes")
    total = int(sizes["n_customers"].sum())
    classified = sizes[sizes["segment"] != UNCLASSIFIED]
    if total == 0 or classified["n_customers"].sum() == 0:
        return "행동 세그먼트를 받은 고객이 없습니다."
    top = classified.sort_values("n_customers", ascending=False, kind="mergesort").iloc[0]
    unclassified = sizes.loc[sizes["segment"] == UNCLASSIFIED, "n_customers"].sum()
    sentence = (f"고객 {format_count(total)}명 중 {josa(top['segment'], '이', '가')} {format_pct(top['share'])}로 "
                f"가장 많고 매출의 {format_pct(top['revenue_share'])}를 차지합니다")
    if unclassified:
        sentence += (f"; {format_count(unclassified)}명({format_pct(unclassified / total)})은 세그먼트를 받지 "
                     "못했습니다(최다 구매 상품군이 주 상품군이 아닌 경우 등)")
    return sentence + "."


def describe_stability(category_changes: pd.DataFrame, transitions: pd.DataFrame | None = None) -> str:
    """One sentence on month-to-month stability (from :func:`~.compute.category_stability` and transitions)."""
    require_columns(category_changes, ("category", "changed"), "category_changes")
    changed = category_changes.loc[category_changes["changed"].astype(bool), "category"].astype(str).tolist()
    n = len(category_changes)
    if changed:
        sentence = f"주요 상품군 {n}개 중 {len(changed)}개({', '.join(changed)})의 세그먼트가 월에 따라 바뀌었습니다"
    else:
        sentence = f"주요 상품군 {n}개 모두 분석 기간 내내 같은 세그먼트를 유지했습니다"
    if transitions is not None and len(transitions):
        total = int(transitions["n_customers"].sum())
        stayed = int(transitions.loc[transitions["stayed"].astype(bool), "n_customers"].sum())
        sentence += (f"; 연속한 두 달에 모두 구매한 고객의 월간 이동 {format_count(total)}건 중 "
                     f"{format_pct(stayed / total)}가 같은 세그먼트에 머물렀습니다")
    return sentence + "."


def describe_playbook(segment: str, *, rules: SegmentRules | Mapping | None = None) -> str:
    """A segment's playbook as Markdown (heading, description, titled bullet lists) in Korean."""
    r = resolve_rules(rules)
    items = playbook(segment, rules=r)
    lines = [f"**{segment} 공략법** — {r.descriptions[segment]}", ""]
    for item in items:
        lines.append(f"*{item['title']}*")
        lines.extend(f"- {point}" for point in item["points"])
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def describe_summary(sizes: pd.DataFrame, category_patterns: pd.DataFrame, category_changes: pd.DataFrame,
                     *, rules: SegmentRules | Mapping | None = None) -> list[str]:
    """The chapter's three summary sentences (finding, meaning, action), computed from its results."""
    r = resolve_rules(rules)
    require_columns(sizes, ("segment", "n_customers", "share", "revenue", "revenue_share"), "sizes")
    classified = sizes[(sizes["segment"] != UNCLASSIFIED) & (sizes["n_customers"] > 0)]
    if classified.empty:
        return [describe_sizes(sizes), "세그먼트가 정해지지 않아 상품군별 행동 차이를 말할 수 없습니다.",
                "기간을 넓히거나 주 고객군 최소 고객 수를 낮춰 다시 계산합니다."]
    finding = describe_sizes(sizes)
    top = classified.sort_values(["revenue_share", "n_customers"], ascending=False, kind="mergesort").iloc[0]
    members = _segment_members(category_patterns, r).get(top["segment"], [])
    where = f"{'·'.join(members)} 상품군에서 나타나는 " if members else ""
    meaning = (f"매출 비중이 가장 큰 {josa(top['segment'], '은', '는')} {where}구매 행동 유형입니다"
               f"({r.descriptions[top['segment']].rstrip('.')}).")
    first = playbook(top["segment"], rules=r)[0]["title"]
    changed = category_changes.loc[category_changes["changed"].astype(bool), "category"].astype(str).tolist()
    recheck = (f" 월별로 세그먼트가 바뀐 {len(changed)}개 상품군({', '.join(changed)})은 매달 다시 판정합니다."
               if changed else " 주요 상품군의 세그먼트가 매달 같아 이 분류를 그대로 캠페인 대상 선정에 쓸 수 있습니다.")
    action = f"{top['segment']} 고객({format_pct(top['revenue_share'])} 매출)에는 '{first}' 공략법부터 적용합니다." + recheck
    return [finding, meaning, action]
