"""Chapter 6 "Customer Profiling" (고객 프로파일링, report section 05): dip -> targets -> profile cards.

The report's service flow, with every rule a parameter:

1. **Demand dip** — :func:`choose_dip` picks a category and dates from chapter 4's ``demand_dips`` (the largest
   drop by default, or the most recent, or a given category).
2. **Targets** — :func:`select_targets`: customers whose rank-1 preference (chapter 5) is that category, ranked
   by the index, then value grade (grade order of chapter 3: 스타 > 나비 > 계륵 > 관리제외), then the margin
   of rank 1 over rank 2, then id. Under the report's scaling every rank-1 index is 100, so the grade decides.
3. **Profiles** — :func:`build_profiles` assembles, for any set of customers and vectorised over all of them,
   demographics, main device and region (mode over sessions), value grade with point rate, behaviour segment,
   top-3 preferences, on/offline purchase history, survey answers and co-purchase recommendations
   (:class:`ProfileBook`). A :class:`Card` renders one customer with a one-line Korean reason per field
   (:data:`CARD_FIELDS`), as text (:func:`card_text`) or HTML (:func:`card_html`).

The same card spec drives three renderers that must agree: Python text, Python HTML, and the offline lookup
page (:func:`write_lookup`: ``lookup.html`` + ``lookup/p_<k>.js`` shards loaded on demand by ``<script>``,
so it works from ``file://``). Field values are formatted once in Python (:func:`display_frame`); the page
only fills the same templates with those strings, so its cards read exactly like the report's.

Upstream data products are read from ``<output_dir>/data/<name>.parquet`` (:func:`read_products`); a missing
product names the chapter to run first.

Public API
----------
Inputs:     UPSTREAM, UpstreamMissing, read_products, normalise_product, parse_client_id
Step 1:     DipChoice, choose_dip, describe_dip, plot_dips
Step 2:     select_targets, describe_targets, plot_targets
Step 3:     ProfileBook, build_profiles, profile_playbooks, describe_profiles
Cards:      CARD_FIELDS, PROFILE_COLUMNS, Card, display_frame, fill_fields, make_card, card_text, card_html,
            cards_html, CARD_CSS, check_card_spec
Campaign:   campaign_targets, campaign_view, describe_campaign, describe_card
Lookup:     ReportProfiles, write_lookup, LookupSite, describe_lookup
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.common import config
from helpers.common.checks import require_columns
from helpers.common.korean import josa

__all__ = [
    "UPSTREAM",
    "UpstreamMissing",
    "read_products",
    "normalise_product",
    "parse_client_id",
    "DipChoice",
    "choose_dip",
    "describe_dip",
    "plot_dips",
    "select_targets",
    "describe_targets",
    "plot_targets",
    "ProfileBook",
    "build_profiles",
    "profile_playbooks",
    "describe_profiles",
    "CARD_FIELDS",
    "PROFILE_COLUMNS",
    "Card",
    "display_frame",
    "fill_fields",
    "make_card",
    "card_text",
    "card_html",
    "cards_html",
    "CARD_CSS",
    "check_card_spec",
    "campaign_targets",
    "campaign_view",
    "describe_campaign",
    "describe_card",
    "ReportProfiles",
    "write_lookup",
    "LookupSite",
    "describe_lookup",
]

NA_TEXT = "–"          # what a missing value reads as in every card (Python and the lookup page)
DIP_RULES = ("largest", "recent")
#: Which dips count first when several kinds are listed (chapter 4 writes forecast, back-test and actual dips):
#: forward-looking forecasts, then dips seen in the window, then back-test forecasts. Korean label of each.
DIP_SOURCES: dict[str, tuple[int, str]] = {
    "forecast": (0, "예측"), "future": (0, "예측"), "in-window": (1, "분석 기간 내 실적"), "actual": (1, "분석 기간 내 실적"),
    "backtest": (2, "과거 시점 예측 검증"),
}
MAX_ID_DIGITS = 18
GENDER_KO = {"F": "여성", "M": "남성"}
BIT_LABELS = ("고려시간", "조회수", "검색", "구매단가")  # segments.yaml bit_order: time, views, searches, price


# ------------------------------------------------------------------------------------------------
# Upstream data products
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upstream:
    chapter: str
    required: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)


#: The data products chapter 6 reads, the chapter that writes each, required columns and accepted aliases.
UPSTREAM: dict[str, Upstream] = {
    "copurchase_edges": Upstream("1장 데이터 탐색 (notebooks/01_*.ipynb)",
                                 ("cat_a", "cat_b", "count", "lift")),
    "customer_segments": Upstream(
        "2장 행동 기반 세분화 (notebooks/02_*.ipynb)", ("CLNT_ID", "TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"),
        {"customer": "CLNT_ID", "top_category": "TOP_CATEGORY", "pattern": "PATTERN", "segment": "SEGMENT",
         "label": "SEGMENT_TYPE", "segment_type": "SEGMENT_TYPE"}),
    "customer_grades": Upstream(
        "3장 고객 가치 등급 (notebooks/03_*.ipynb)",
        ("CLNT_ID", "GRADE", "POINT_RATE", "R_SCORE", "F_SCORE", "M_SCORE", "TOT_PRICE"), {"customer": "CLNT_ID"}),
    "demand_dips": Upstream("4장 수요 예측 (notebooks/04_*.ipynb)", ("category", "start", "end", "drop_pct"),
                            {"unique_id": "category", "id": "category", "max_drop_pct": "drop_pct", "n_days": "days"}),
    "preference_top3": Upstream(
        "5장 선호지수 (notebooks/05_*.ipynb)",
        ("CLNT_ID", "rank1", "rank1_index", "rank2", "rank2_index", "rank3", "rank3_index"), {"customer": "CLNT_ID"}),
}


class UpstreamMissing(FileNotFoundError):
    """A data product of an earlier chapter is missing: the message names the chapter to run first."""


def _report_dir(output_dir: str | Path) -> Path:
    return Path(output_dir or config.REPORTS_DIR / "scratch")


def normalise_product(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Rename accepted aliases (e.g. ``customer`` -> ``CLNT_ID``) and check the required columns.

    Raises
    ------
    ValueError
        Unknown product name or a required column missing (the message lists what the frame has).
    """
    if name not in UPSTREAM:
        raise ValueError(f"unknown upstream product {name!r}; known: {sorted(UPSTREAM)}")
    spec = UPSTREAM[name]
    renames = {c: spec.aliases[c] for c in df.columns if c in spec.aliases and spec.aliases[c] not in df.columns}
    out = df.rename(columns=renames)
    missing = [c for c in spec.required if c not in out.columns]
    if missing:
        raise ValueError(f"data product {name!r} lacks column(s) {missing} (it has {list(df.columns)}); rerun "
                         f"{spec.chapter} with the current code.")
    return out


def read_products(output_dir: str | Path, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read upstream products from ``<output_dir>/data/<name>.parquet`` (normalised, see :data:`UPSTREAM`).

    Raises
    ------
    UpstreamMissing
        A product file is absent: run the named chapter first into the same ``output_dir``.
    """
    folder = _report_dir(output_dir) / "data"
    out = {}
    for name in (list(UPSTREAM) if names is None else list(names)):
        if name not in UPSTREAM:
            raise ValueError(f"unknown upstream product {name!r}; known: {sorted(UPSTREAM)}")
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise UpstreamMissing(f"data product '{name}' not found at {path}: run {UPSTREAM[name].chapter} first "
                                  f"with the same output_dir ({_report_dir(output_dir)}), or render the whole "
                                  "report (python -m helpers report).")
        out[name] = normalise_product(name, pd.read_parquet(path))
    return out


def parse_client_id(text: Any) -> int:
    """A customer id typed by a person -> int (zero padding allowed, as in the raw files).

    Raises
    ------
    ValueError
        Not 1-18 digits (letters, signs, blanks inside, empty): the message says what was wrong.
    """
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        if text < 0:
            raise ValueError(f"고객 ID는 0 이상의 숫자여야 합니다 (입력: {text!r}).")
        return int(text)
    s = str(text).strip() if text is not None else ""
    if not s:
        raise ValueError("고객 ID가 비어 있습니다: 숫자로 된 고객 ID(CLNT_ID)를 입력하세요.")
    if not re.fullmatch(rf"\d{{1,{MAX_ID_DIGITS}}}", s):
        raise ValueError(f"고객 ID '{s}'의 형식이 잘못되었습니다: 숫자만으로 된 1~{MAX_ID_DIGITS}자리 고객 ID(CLNT_ID)를 "
                         "입력하세요.")
    return int(s)








def _grade_order(grade_order: Sequence[str] | None) -> tuple[str, ...]:
    if grade_order is not None:
        return tuple(grade_order)
    from helpers.chapters.grades import compute as grading
    return tuple(grading.default_rules().grade_order)


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
        if not self.has_dates:
            return "기간 미정"
        return f"{self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d}"


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
        allowed = set(map(str, targetable))
        skipped = ~table["category"].astype(str).isin(allowed)
        if skipped.any() and not category:
            note = f" (선호 1순위 고객이 없는 상품군의 구간 {int(skipped.sum())}개 제외)"
        if not category:
            table = table[~skipped]
    if category:
        table = table[table["category"].astype(str) == category]
    if table.empty:
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


def describe_dip(dip: DipChoice) -> str:
    return dip.reason


def plot_dips(dips: pd.DataFrame, dip: DipChoice, *, top_n: int = 12):
    """Horizontal bars: drop (%) of the largest dips, the chosen one highlighted."""
    from helpers.common.figures import new_figure

    fig = new_figure(figsize=(10, 4.5))
    ax = fig.add_subplot()
    if dips is None or dips.empty:
        ax.text(0.5, 0.5, "4장에서 예측된 수요 급감 구간이 없습니다", ha="center", va="center", fontsize=12)
        ax.set_axis_off()
        return fig
    dips = normalise_product("demand_dips", dips)
    table = dips.assign(start=pd.to_datetime(dips["start"]), end=pd.to_datetime(dips["end"]))
    if "source" in table.columns:  # the same kind of dips choose_dip chose from
        priority = table["source"].map(lambda v: DIP_SOURCES.get(str(v), (1, ""))[0])
        table = table[priority == priority.min()]
    table = table.sort_values(["drop_pct", "start"], ascending=[False, False], kind="mergesort").head(top_n)
    labels = [f"{c} {s:%m-%d}~{e:%m-%d}" for c, s, e in zip(table["category"], table["start"], table["end"])]
    chosen = ((table["category"].astype(str) == dip.category) & (table["start"] == dip.start)).to_numpy()
    colors = np.where(chosen, "#c0392b", "#9bb0cc")
    bars = ax.barh(labels, table["drop_pct"].to_numpy(float) * 100, color=colors)
    ax.bar_label(bars, labels=[f"{v:.1%}" for v in table["drop_pct"]], fontsize=8, padding=2)
    ax.invert_yaxis()
    ax.set_xlabel("평소 대비 수요 감소율 (%)")
    ax.set_title(f"상품군별 수요 급감 구간 (상위 {len(table)}개, 빨간색: 이번 캠페인 대상)")
    ax.margins(x=0.15)
    return fig


# ------------------------------------------------------------------------------------------------
# Step 2: targets
# ------------------------------------------------------------------------------------------------
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
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError(f"size must be an integer >= 0 (0 keeps all), got {size!r}")
    if not isinstance(category, str) or not category.strip():
        raise ValueError("category must name the target category, e.g. '여성의류'")
    order = _grade_order(grade_order)
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
    n_candidates = len(out)
    if size:
        out = out.head(size).reset_index(drop=True)
    out.insert(0, "TARGET_RANK", np.arange(1, len(out) + 1, dtype=np.int64))
    out.attrs["n_candidates"] = n_candidates
    return out


def describe_targets(targets: pd.DataFrame, candidates: pd.DataFrame | None = None) -> str:
    """E.g. '여성의류 선호 1순위 고객 3,120명 중 상위 100명을 선정했고, 스타 12명, 나비 30명 ...'."""
    n_cand = len(candidates) if candidates is not None else int(targets.attrs.get("n_candidates", len(targets)))
    if targets.empty:
        return "선호 1순위가 이 상품군인 고객이 없어 타겟 명단이 비어 있습니다."
    cat = str(targets["TARGET_CATEGORY"].iloc[0])
    counts = targets["GRADE"].fillna("등급 없음").value_counts()
    order = list(dict.fromkeys(list(_grade_order(None)) + list(counts.index)))
    parts = [f"{g} {int(counts[g]):,}명" for g in order if g in counts.index]
    all100 = bool((targets["PREF_INDEX"] == targets["PREF_INDEX"].iloc[0]).all())
    tie = " 1순위 지수는 모두 같아(고객별 최댓값 100) 등급과 2순위와의 차이로 순서를 정했습니다." if all100 else ""
    return (f"{cat} 선호지수 1순위 고객 {n_cand:,}명 중 상위 {len(targets):,}명을 선정했으며 등급 구성은 "
            f"{', '.join(parts)}입니다.{tie}")


def plot_targets(candidates: pd.DataFrame, targets: pd.DataFrame, *, grade_order: Sequence[str] | None = None):
    """Grade mix of all rank-1 candidates vs the selected targets (share of each list)."""
    from helpers.common.figures import new_figure

    order = list(_grade_order(grade_order)) + ["등급 없음"]
    fig = new_figure(figsize=(9, 4))
    ax = fig.add_subplot()
    x = np.arange(len(order))
    width = 0.38
    for offset, frame, label, color in ((-width / 2, candidates, f"1순위 고객 전체 ({len(candidates):,}명)", "#9bb0cc"),
                                        (width / 2, targets, f"선정 타겟 ({len(targets):,}명)", "#c0392b")):
        counts = frame["GRADE"].fillna("등급 없음").value_counts()
        share = np.array([counts.get(g, 0) for g in order], dtype=float) / max(len(frame), 1)
        bars = ax.bar(x + offset, share * 100, width, label=label, color=color)
        ax.bar_label(bars, labels=[f"{s:.0%}" for s in share], fontsize=8)
    ax.set_xticks(x, order)
    ax.set_ylabel("고객 비율 (%)")
    cat = str(targets["TARGET_CATEGORY"].iloc[0]) if len(targets) else ""
    ax.set_title(f"{cat} 선호 1순위 고객과 선정 타겟의 등급 구성")
    ax.legend()
    ax.margins(y=0.15)
    return fig


# ------------------------------------------------------------------------------------------------
# The card spec: profile columns, their display format, field templates
# ------------------------------------------------------------------------------------------------
#: Columns of :attr:`ProfileBook.table` (the ``customer_profiles`` product) -> display format
#: (text | int | krw | idx | pct | dec1 | date). Every card text is filled from these, formatted once.
PROFILE_COLUMNS: dict[str, str] = {
    "CLNT_ID": "text",
    "GENDER": "text", "AGE": "int", "DEMOGRAPHICS": "text",
    "N_SESSIONS": "int", "MAIN_DEVICE": "text", "DEVICE_SESSIONS": "int",
    "REGION": "text", "CITY": "text", "REGION_SESSIONS": "int",
    "GRADE": "text", "POINT_RATE": "pct", "R_SCORE": "int", "F_SCORE": "int", "M_SCORE": "int",
    "TOT_PRICE": "krw", "LAST_DT": "date",
    "SEGMENT": "text", "SEGMENT_TYPE": "text", "TOP_CATEGORY": "text", "PATTERN": "text", "PATTERN_TEXT": "text",
    "RANK1": "text", "RANK1_INDEX": "idx", "RANK2": "text", "RANK2_INDEX": "idx", "RANK3": "text",
    "RANK3_INDEX": "idx",
    "ONLINE_LINES": "int", "ONLINE_AMOUNT": "krw", "ONLINE_LAST_DT": "date",
    "OFFLINE_LINES": "int", "OFFLINE_AMOUNT": "krw", "OFFLINE_LAST_DT": "date", "OFFLINE_STORE": "text",
    "OFFLINE_CONSIDER_MIN": "dec1",
    "TOTAL_LINES": "int", "RECENT_SHOWN": "int",
    "SIGNUP_DT": "date", "SURVEY_FAV_CATEGORY": "text", "SURVEY_REASON": "text", "SURVEY_CHANNEL": "text",
    "RECOMMENDED": "text", "RECOMMEND_DETAIL": "text",
}
#: Columns of the recent-purchases table -> display format.
RECENT_COLUMNS: dict[str, str] = {"DATE": "date", "CHANNEL": "text", "CATEGORY": "text", "AMOUNT": "krw",
                                  "PLACE": "text"}
RECENT_HEADERS = ("날짜", "채널", "상품군", "금액(원)", "기기·매장")

#: The card: (key, label, variants). A variant is (needs, value template, reason template); the first variant
#: whose ``needs`` columns all have a value (not missing, not "0") is used. ``{COL}`` is the column's display
#: text, ``–`` when missing.
CARD_FIELDS: tuple[tuple[str, str, tuple[tuple[tuple[str, ...], str, str], ...]], ...] = (
    ("demographics", "성별·연령", (
        (("DEMOGRAPHICS",), "{DEMOGRAPHICS}", "회원 정보(Custom 테이블) 기준: 성별 {GENDER}, 연령대 {AGE}"),
        ((), "정보 없음", "회원 정보(Custom 테이블)에 없는 고객이라 성별·연령을 알 수 없습니다"),
    )),
    ("device", "주 사용 기기", (
        (("MAIN_DEVICE",), "{MAIN_DEVICE}", "주 사용 기기: {MAIN_DEVICE} (세션 {N_SESSIONS}회 중 {DEVICE_SESSIONS}회)"),
        ((), "정보 없음", "분석 기간의 구매 세션 기록이 없습니다"),
    )),
    ("region", "주 지역", (
        (("REGION", "CITY"), "{REGION} · {CITY}",
         "주 접속 지역: {REGION} (세션 {N_SESSIONS}회 중 {REGION_SESSIONS}회), 그 안에서 가장 많은 시·군·구 {CITY}"),
        (("REGION",), "{REGION}", "주 접속 지역: {REGION} (세션 {N_SESSIONS}회 중 {REGION_SESSIONS}회)"),
        ((), "정보 없음", "분석 기간의 구매 세션 기록이 없습니다"),
    )),
    ("grade", "가치 등급", (
        (("GRADE",), "{GRADE} · 포인트 적립 {POINT_RATE}",
         "{GRADE}: 최근성 {R_SCORE} + 최빈성 {F_SCORE}, 총 구매액 {TOT_PRICE}원 (구매금액 {M_SCORE}점)"),
        ((), "등급 없음", "분석 기간에 온라인 구매가 없어 가치 등급이 없습니다"),
    )),
    ("segment", "행동 유형", (
        (("SEGMENT",), "{SEGMENT_TYPE}",
         "구매액 1위 상품군 {TOP_CATEGORY}의 행동 패턴 {PATTERN}({PATTERN_TEXT}) → {SEGMENT}"),
        (("TOP_CATEGORY",), "유형 없음", "구매액 1위 상품군({TOP_CATEGORY})이 행동 세분화 대상 주요 상품군이 아닙니다"),
        ((), "유형 없음", "행동 세분화 결과가 없습니다 (분석 기간 온라인 구매 없음)"),
    )),
    ("preference", "선호 상품군 Top 3", (
        (("RANK1", "RANK2", "RANK3"), "① {RANK1} {RANK1_INDEX} · ② {RANK2} {RANK2_INDEX} · ③ {RANK3} {RANK3_INDEX}",
         "베이지안 선호지수(고객별 최댓값 100, 구매 이력 × 연령·성별): 1순위 {RANK1} {RANK1_INDEX}점, "
         "2순위 {RANK2} {RANK2_INDEX}점"),
        (("RANK1", "RANK2"), "① {RANK1} {RANK1_INDEX} · ② {RANK2} {RANK2_INDEX}",
         "베이지안 선호지수(고객별 최댓값 100, 구매 이력 × 연령·성별): 1순위 {RANK1} {RANK1_INDEX}점, "
         "2순위 {RANK2} {RANK2_INDEX}점 (점수가 있는 상품군 2개)"),
        (("RANK1",), "① {RANK1} {RANK1_INDEX}",
         "베이지안 선호지수(고객별 최댓값 100, 구매 이력 × 연령·성별): 1순위 {RANK1} {RANK1_INDEX}점 (상품군 1개)"),
        ((), "정보 없음", "선호지수가 계산되지 않은 고객입니다"),
    )),
    ("history", "구매 이력 (온·오프라인)", (
        (("TOTAL_LINES",), "온라인 {ONLINE_LINES}건 {ONLINE_AMOUNT}원 · 오프라인 {OFFLINE_LINES}건 {OFFLINE_AMOUNT}원",
         "온·오프라인 구매 {TOTAL_LINES}건 중 최근 {RECENT_SHOWN}건을 아래 표에 표시 (마지막 온라인 구매 "
         "{ONLINE_LAST_DT})"),
        ((), "구매 없음", "분석 기간의 온·오프라인 구매 기록이 없습니다"),
    )),
    ("recommend", "추천 상품군", (
        (("RECOMMENDED",), "{RECOMMENDED}",
         "선호 1순위 상품군({RANK1})과 같은 세션에서 함께 구매되는 상품군, 향상도(lift) 순: {RECOMMEND_DETAIL}"),
        (("RANK1",), "추천 없음", "선호 1순위 상품군({RANK1})과 함께 구매되는(lift > 1) 상품군이 공동구매 네트워크에 없습니다"),
        ((), "추천 없음", "선호 상품군이 없어 추천할 수 없습니다"),
    )),
    ("offline", "오프라인 매장", (
        (("OFFLINE_LINES",), "{OFFLINE_LINES}건 · {OFFLINE_AMOUNT}원 · 주 매장 {OFFLINE_STORE}",
         "매장 직원이 입력한 구매 기록(고객 ID 일치) {OFFLINE_LINES}건, 마지막 구매 {OFFLINE_LAST_DT}, "
         "평균 고려시간 {OFFLINE_CONSIDER_MIN}분"),
        ((), "기록 없음", "매장 직원이 입력한 오프라인 구매 기록이 없습니다"),
    )),
    ("survey", "가입 설문", (
        (("SURVEY_FAV_CATEGORY",), "{SURVEY_FAV_CATEGORY} · {SURVEY_REASON} · {SURVEY_CHANNEL}",
         "가입 설문({SIGNUP_DT}) 응답: 즐겨 구매하는 제품군 {SURVEY_FAV_CATEGORY}, 이유 {SURVEY_REASON}, "
         "선호 구매 형태 {SURVEY_CHANNEL}"),
        ((), "응답 없음", "가입 설문 응답이 없습니다"),
    )),
)
_TOKEN = re.compile(r"\{([A-Z0-9_]+)\}")


def check_card_spec() -> None:
    """Every column a card template or variant condition names exists in :data:`PROFILE_COLUMNS` (tests call it)."""
    for key, _label, variants in CARD_FIELDS:
        if not variants or variants[-1][0]:
            raise ValueError(f"card field {key!r} needs a last variant without conditions (the fallback)")
        for needs, value, why in variants:
            for col in list(needs) + _TOKEN.findall(value) + _TOKEN.findall(why):
                if col not in PROFILE_COLUMNS:
                    raise ValueError(f"card field {key!r} uses unknown column {col!r}")


def _format_values(values: pd.Series, kind: str) -> np.ndarray:
    """Display strings (object array, None = missing) of one column; formats each distinct value once."""
    if kind == "date":
        dates = pd.to_datetime(values, errors="coerce")
        out = dates.dt.strftime("%Y-%m-%d").to_numpy(dtype=object, na_value=None)
        return out
    if kind == "text":
        codes, uniques = pd.factorize(values.astype("str"), use_na_sentinel=True)
        texts = [None if u == "" else str(u) for u in uniques]
    else:
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        codes, uniques = pd.factorize(numbers, use_na_sentinel=True)
        fmt = {"int": "{:,.0f}", "krw": "{:,.0f}", "idx": "{:.1f}", "dec1": "{:.1f}", "pct": "{:.1%}"}.get(kind)
        if fmt is None:
            raise ValueError(f"unknown display format {kind!r}")
        texts = [fmt.format(float(u)) for u in uniques]
    lookup = np.array(texts + [None], dtype=object)
    return lookup[codes]  # code -1 (missing) takes the trailing None


def display_frame(table: pd.DataFrame, formats: Mapping[str, str] = PROFILE_COLUMNS) -> pd.DataFrame:
    """Every column of ``formats`` present in ``table`` as display text (object dtype, None = missing)."""
    # dtype=object: pandas would otherwise infer its str dtype and turn the missing None into NaN.
    return pd.DataFrame({col: _format_values(table[col], kind) for col, kind in formats.items() if col in table},
                        index=table.index, dtype=object)


def _has_value(col: np.ndarray) -> np.ndarray:
    return np.array([isinstance(v, str) and v != "" and v != "0" for v in col], dtype=bool)


def _fill(template: str, shown: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    parts = _TOKEN.split(template)
    out = np.full(rows.sum(), parts[0], dtype=object)
    for i in range(1, len(parts), 2):
        col = shown[parts[i]].to_numpy(dtype=object)[rows] if parts[i] in shown else np.full(rows.sum(), None)
        col = np.where(pd.isna(col), NA_TEXT, col)
        out = out + col + parts[i + 1]
    return out


def fill_fields(shown: pd.DataFrame) -> pd.DataFrame:
    """Vectorised card texts: ``<key>_VALUE`` and ``<key>_WHY`` for every field of :data:`CARD_FIELDS`.

    ``shown`` is :func:`display_frame` output (columns it lacks count as missing).
    """
    out = {}
    n = len(shown)
    has = {col: _has_value(shown[col].to_numpy(dtype=object)) if col in shown else np.zeros(n, dtype=bool)
           for col in PROFILE_COLUMNS}
    for key, _label, variants in CARD_FIELDS:
        value = np.full(n, None, dtype=object)
        why = np.full(n, None, dtype=object)
        todo = np.ones(n, dtype=bool)
        for needs, v_tpl, w_tpl in variants:
            rows = todo.copy()
            for col in needs:
                rows &= has[col]
            if rows.any():
                value[rows] = _fill(v_tpl, shown, rows)
                why[rows] = _fill(w_tpl, shown, rows)
            todo &= ~rows
        out[f"{key}_VALUE"] = value
        out[f"{key}_WHY"] = why
    return pd.DataFrame(out, index=shown.index)


# ------------------------------------------------------------------------------------------------
# Playbooks
# ------------------------------------------------------------------------------------------------
def _grade_playbooks(grade_rules=None) -> dict[str, dict[str, str]]:
    from helpers.chapters.grades import compute as grading
    rules = grading.resolve_rules(grade_rules)
    out = {}
    for grade in rules.grade_order:
        book = rules.playbook(grade)
        first = f" — {book.actions[0]}" if book.actions else ""
        out[grade] = {"summary": f"{book.goal}{first}", "detail": book.text()}
    return out


def _segment_playbooks() -> dict[str, dict[str, str]]:
    """Segment playbooks from ``helpers.chapters.segments.compute`` (chapter 2).

    ADAPTER (kept small on purpose): when ``helpers.chapters.segments.compute`` cannot give them (not importable, or no
    ``playbook``), read ``helpers/resources/segments.yaml`` directly — ``segments: [{name, playbook}]`` or a
    ``playbooks: {segment: ...}`` mapping — and fall back to "공략법 없음".
    """
    items: dict[str, Any] = {}
    try:
        from helpers.chapters.segments import compute as segmentation
        rules = segmentation.load_segment_rules()
        items = {name: segmentation.playbook(name, rules=rules) for name in rules.segments}
    except Exception:  # noqa: BLE001 - chapter 2 module missing or mid-change: use the YAML directly
        try:
            import yaml
            raw = yaml.safe_load((config.RESOURCES_DIR / "segments.yaml").read_text(encoding="utf-8")) or {}
            items = dict(raw.get("playbooks") or {})
            items.update({s["name"]: s.get("playbook") for s in raw.get("segments") or [] if "name" in s})
        except Exception:  # noqa: BLE001
            items = {}
    out = {}
    for name, book in items.items():
        titles, lines = [], [f"[{name}]"]
        for item in book or ():
            if isinstance(item, Mapping):
                titles.append(str(item.get("title", "")))
                lines.append(f"* {item.get('title', '')}")
                lines += [f"  - {p}" for p in item.get("points", ())]
            else:
                titles.append(str(item))
                lines.append(f"* {item}")
        out[str(name)] = {"summary": " / ".join(t for t in titles if t) or "공략법 없음",
                          "detail": "\n".join(lines) if titles else "공략법 없음"}
    return out


def profile_playbooks(*, grade_rules=None) -> pd.DataFrame:
    """Playbooks shown on the cards: ``KIND`` (grade | segment), ``NAME``, ``SUMMARY`` (one line), ``DETAIL``."""
    rows = [{"KIND": kind, "NAME": name, "SUMMARY": book["summary"], "DETAIL": book["detail"]}
            for kind, books in (("grade", _grade_playbooks(grade_rules)), ("segment", _segment_playbooks()))
            for name, book in books.items()]
    out = pd.DataFrame(rows, columns=["KIND", "NAME", "SUMMARY", "DETAIL"])
    return out.astype({c: "str" for c in out.columns})


def _playbook_dict(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"grade": {}, "segment": {}}
    for kind, name, summary in zip(frame["KIND"], frame["NAME"], frame["SUMMARY"]):
        out.setdefault(str(kind), {})[str(name)] = str(summary)
    return out


# ------------------------------------------------------------------------------------------------
# Cards
# ------------------------------------------------------------------------------------------------
@dataclass
class Card:
    """One customer's profile card: fields ``(key, label, value, why)``, recent purchases, playbooks."""

    client_id: int
    fields: list[tuple[str, str, str, str]]
    recent: list[tuple[str, ...]]
    playbooks: list[tuple[str, str, str]]
    badges: list[str]
    data: dict[str, str] = field(default_factory=dict)  # display text of the profile columns (missing left out)

    def field(self, key: str) -> tuple[str, str]:
        for k, _label, value, why in self.fields:
            if k == key:
                return value, why
        raise KeyError(key)


def make_card(row: pd.DataFrame, recent: pd.DataFrame, playbooks: Mapping[str, Mapping[str, str]]) -> Card:
    """Render one profile (a one-row ``ProfileBook.table``-like frame) and its recent purchases as a :class:`Card`."""
    if len(row) != 1:
        raise ValueError(f"make_card needs exactly one profile row, got {len(row)}")
    shown = display_frame(row)
    texts = fill_fields(shown).iloc[0]
    fields = [(key, label, texts[f"{key}_VALUE"], texts[f"{key}_WHY"]) for key, label, _ in CARD_FIELDS]
    rec = display_frame(recent, RECENT_COLUMNS) if len(recent) else pd.DataFrame(columns=list(RECENT_COLUMNS))
    recent_rows = [tuple(v if isinstance(v, str) else NA_TEXT for v in r) for r in
                   rec[list(RECENT_COLUMNS)].itertuples(index=False, name=None)]
    s = {k: v for k, v in shown.iloc[0].items() if isinstance(v, str) and v}
    books, badges = [], []
    if s.get("GRADE"):
        badges.append(s["GRADE"])
        if s["GRADE"] in playbooks.get("grade", {}):
            books.append(("등급", s["GRADE"], playbooks["grade"][s["GRADE"]]))
    if s.get("SEGMENT"):
        badges.append(s.get("SEGMENT_TYPE") or s["SEGMENT"])
        if s["SEGMENT"] in playbooks.get("segment", {}):
            books.append(("행동 유형", s["SEGMENT"], playbooks["segment"][s["SEGMENT"]]))
    return Card(int(row["CLNT_ID"].iloc[0]), fields, recent_rows, books, badges, s)


def card_text(card: Card) -> str:
    """The card as plain text (terminal, CLI)."""
    width = max(len(label) for _, label, _, _ in card.fields)
    head = f"고객 {card.client_id} 프로파일" + (f"  [{' · '.join(card.badges)}]" if card.badges else "")
    lines = [head, "=" * 60]
    for _key, label, value, why in card.fields:
        lines.append(f"{label.ljust(width)} : {value}")
        lines.append(f"{' ' * width}   └ {why}")
    lines.append("-" * 60)
    lines.append("최근 구매 (온·오프라인): " + ("없음" if not card.recent else ""))
    for r in card.recent:
        lines.append("  " + "  ".join(r[:3]) + f"  {r[3]}원  {r[4]}")
    if card.playbooks:
        lines.append("마케팅 공략법:")
        lines += [f"  [{kind} {name}] {summary}" for kind, name, summary in card.playbooks]
    return "\n".join(lines)


#: Styles of the card, shared by the report (via :func:`cards_html`) and the lookup page.
CARD_CSS = """
.lpc{font-family:'NanumGothic','Malgun Gothic','Apple SD Gothic Neo',sans-serif;border:1px solid #cfd8e6;
border-radius:10px;padding:14px 16px;margin:14px 0;max-width:1000px;background:#f9fbfe;color:#222}
.lpc-head{display:flex;justify-content:space-between;align-items:baseline;border-bottom:2px solid #c8102e;
padding-bottom:6px;margin-bottom:10px}
.lpc-id{font-size:1.25em;font-weight:bold}
.lpc-badge{display:inline-block;border-radius:10px;padding:2px 10px;margin-left:4px;font-size:.85em;
background:#fde8eb;color:#8a0b20}
.lpc-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px}
.lpc-tile{background:#fff;border:1px solid #e3e8ef;border-radius:8px;padding:8px 10px}
.lpc-label{font-size:.78em;color:#667}
.lpc-value{font-weight:bold;margin:2px 0}
.lpc-why{font-size:.8em;color:#46566e}
.lpc-sub{margin-top:12px;font-weight:bold;font-size:.92em}
.lpc table{border-collapse:collapse;font-size:.85em;margin-top:4px}
.lpc td,.lpc th{border-bottom:1px solid #e6e6e6;padding:3px 10px;text-align:left}
.lpc-book{font-size:.85em;margin:3px 0}
"""


def card_html(card: Card) -> str:
    """The card as an HTML fragment (classes styled by :data:`CARD_CSS`)."""
    e = html.escape
    badges = "".join(f'<span class="lpc-badge">{e(b)}</span>' for b in card.badges)
    tiles = "".join(
        f'<div class="lpc-tile" data-field="{key}"><div class="lpc-label">{e(label)}</div>'
        f'<div class="lpc-value">{e(value)}</div><div class="lpc-why">{e(why)}</div></div>'
        for key, label, value, why in card.fields)
    if card.recent:
        rows = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in r) + "</tr>" for r in card.recent)
        recent = ("<table><tr>" + "".join(f"<th>{h}</th>" for h in RECENT_HEADERS) + "</tr>" + rows + "</table>")
    else:
        recent = '<div class="lpc-book">없음</div>'
    books = "".join(f'<div class="lpc-book"><b>[{e(kind)} {e(name)}]</b> {e(summary)}</div>'
                    for kind, name, summary in card.playbooks) or '<div class="lpc-book">공략법 없음</div>'
    return (f'<div class="lpc" data-id="{card.client_id}"><div class="lpc-head">'
            f'<span class="lpc-id">고객 {card.client_id}</span><span>{badges}</span></div>'
            f'<div class="lpc-grid">{tiles}</div><div class="lpc-sub">최근 구매 (온·오프라인)</div>{recent}'
            f'<div class="lpc-sub">마케팅 공략법</div>{books}</div>')


def cards_html(cards: Iterable[Card]) -> str:
    """Several cards with their styles, ready for ``IPython.display.HTML``."""
    return f"<style>{CARD_CSS}</style>" + "".join(card_html(c) for c in cards)


# ------------------------------------------------------------------------------------------------
# Step 3: profiles (vectorised)
# ------------------------------------------------------------------------------------------------
def _mode(frame: pd.DataFrame, key: str, value: str, date: str) -> pd.DataFrame:
    """Per ``key``: the most frequent ``value`` (ties: latest ``date``, then name) and its count."""
    if frame.empty:
        return pd.DataFrame({key: pd.Series(dtype="int64"), value: pd.Series(dtype="str"),
                             "n": pd.Series(dtype="int64")})
    g = (frame[[key, value, date]].dropna(subset=[value])
         .groupby([key, value], sort=False, observed=True)
         .agg(n=(date, "size"), last=(date, "max")).reset_index())
    g = g.sort_values([key, "n", "last", value], ascending=[True, False, False, True], kind="mergesort")
    return g.drop_duplicates(key)[[key, value, "n"]].reset_index(drop=True)


def _pattern_texts(patterns: Iterable[str]) -> dict[str, str]:
    out = {}
    for p in patterns:
        p = str(p)
        if len(p) == len(BIT_LABELS) and set(p) <= {"0", "1"}:
            out[p] = " ".join(f"{lab}{'↑' if b == '1' else '↓'}" for lab, b in zip(BIT_LABELS, p))
    return out


def _recommendations(edges: pd.DataFrame, n: int, min_lift: float) -> pd.DataFrame:
    """Per anchor category: partners by lift (desc), count (desc), name, as display strings."""
    require_columns(edges, ("cat_a", "cat_b", "count", "lift"), "edges")
    both = pd.concat([
        pd.DataFrame({"anchor": edges["cat_a"].astype(str), "partner": edges["cat_b"].astype(str),
                      "count": edges["count"], "lift": edges["lift"]}),
        pd.DataFrame({"anchor": edges["cat_b"].astype(str), "partner": edges["cat_a"].astype(str),
                      "count": edges["count"], "lift": edges["lift"]}),
    ], ignore_index=True)
    both = both[(both["lift"] > min_lift) & (both["anchor"] != both["partner"])]
    both = both.sort_values(["anchor", "lift", "count", "partner"], ascending=[True, False, False, True],
                            kind="mergesort").groupby("anchor", sort=False).head(n)
    rows = []
    for anchor, grp in both.groupby("anchor", sort=True):
        rows.append({"RANK1": anchor, "RECOMMENDED": " · ".join(grp["partner"]),
                     "RECOMMEND_DETAIL": " · ".join(f"{p}(lift {lift:.2f})" for p, lift in
                                                    zip(grp["partner"], grp["lift"]))})
    return pd.DataFrame(rows, columns=["RANK1", "RECOMMENDED", "RECOMMEND_DETAIL"])


@dataclass
class ProfileBook:
    """Profiles of a set of customers (output of :func:`build_profiles`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer, columns :data:`PROFILE_COLUMNS` (typed values; ``CLNT_ID`` int64), sorted by id.
        Saved as the ``customer_profiles`` product.
    recent : pandas.DataFrame
        ``CLNT_ID, SEQ`` (1 = latest) and :data:`RECENT_COLUMNS`: the last ``n_recent`` on/offline purchase lines.
    playbooks : pandas.DataFrame
        :func:`profile_playbooks`.
    params : dict
    """

    table: pd.DataFrame
    recent: pd.DataFrame
    playbooks: pd.DataFrame
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ids = pd.Index(self.table["CLNT_ID"].to_numpy())
        self.playbook_map = _playbook_dict(self.playbooks)
        self._recent_ids = self.recent["CLNT_ID"].to_numpy(dtype=np.int64)  # sorted by id (build_profiles)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, client_id: Any) -> bool:
        try:
            return parse_client_id(client_id) in self._ids
        except ValueError:
            return False

    def lookup(self, client_id: Any) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """``(profile row, recent rows)`` of one customer, or None when unknown (``ValueError`` when malformed)."""
        cid = parse_client_id(client_id)
        pos = self._ids.get_indexer([cid])[0]
        if pos < 0:
            return None
        start, stop = np.searchsorted(self._recent_ids, [cid, cid + 1])
        return self.table.iloc[[pos]], self.recent.iloc[int(start):int(stop)]

    def card(self, client_id: Any) -> Card | None:
        """The :class:`Card` of one customer, None when unknown."""
        found = self.lookup(client_id)
        return None if found is None else make_card(found[0], found[1], self.playbook_map)

    def cards(self, client_ids: Iterable[Any]) -> list[Card]:
        """Cards of several customers (unknown ids skipped); meant for a few hundred at most."""
        return [c for c in (self.card(i) for i in client_ids) if c is not None]

    def reasons(self, client_ids: Iterable[Any] | None = None) -> pd.DataFrame:
        """Vectorised card texts (``CLNT_ID`` + ``<field>_VALUE`` / ``<field>_WHY``) for any set of customers.

        All 0.9 M customers of the full data take about 25 s and several GB of text: ask for the ids you need.
        """
        table = self.table if client_ids is None else self.table[self.table["CLNT_ID"].isin(list(client_ids))]
        texts = fill_fields(display_frame(table))
        texts.insert(0, "CLNT_ID", table["CLNT_ID"].to_numpy())
        return texts.reset_index(drop=True)


def build_profiles(purchases: pd.DataFrame, sessions: pd.DataFrame, members: pd.DataFrame,
                   grades: pd.DataFrame, segments: pd.DataFrame, top3: pd.DataFrame, edges: pd.DataFrame, *,
                   offline: pd.DataFrame | None = None, survey: pd.DataFrame | None = None,
                   customers: Iterable[Any] | None = None, n_recent: int = 5, n_recommend: int = 3,
                   min_lift: float = 1.0, grade_rules=None) -> ProfileBook:
    """Profiles of every customer (or of ``customers``), built column-wise without a per-customer loop.

    Parameters
    ----------
    purchases : pandas.DataFrame
        ``Dataset.purchases()``: ``CLNT_ID, SESS_ID, HITS_SEQ, SESS_DT, CLAC1_NM, REVENUE, DVC_CTG_NM``.
    sessions : pandas.DataFrame
        ``Dataset.sessions()``: ``CLNT_ID, SESS_ID, SESS_DT, DVC_CTG_NM, ZON_NM, CITY_NM`` (device and region
        are the mode over these sessions; ties: the latest session, then name).
    members : pandas.DataFrame
        ``Dataset.customers()``: ``CLNT_ID, CLNT_GENDER, CLNT_AGE``.
    grades, segments, top3, edges : pandas.DataFrame
        Products ``customer_grades``, ``customer_segments``, ``preference_top3``, ``copurchase_edges``
        (normalised by :func:`normalise_product`).
    offline, survey : pandas.DataFrame, optional
        Cleaned store data (``helpers.chapters.services.smartstore``): merged into history, offline and survey fields.
    customers : iterable, optional
        Profile only these ids (unknown ones get an all-missing profile). Default: every customer seen online
        (purchases, sessions, Custom, grades, segments, preferences).
    n_recent : int, default 5
        Purchase lines kept per customer (online and offline together, latest first).
    n_recommend : int, default 3
        Co-purchase partners of the rank-1 category with ``lift > min_lift``, by lift.

    Returns
    -------
    ProfileBook

    Raises
    ------
    ValueError
        A missing column (named with its frame) or a bad option.
    """
    for name, value in (("n_recent", n_recent), ("n_recommend", n_recommend)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    require_columns(purchases, ("CLNT_ID", "SESS_ID", "HITS_SEQ", "SESS_DT", "CLAC1_NM", "REVENUE", "DVC_CTG_NM"),
             "purchases")
    require_columns(sessions, ("CLNT_ID", "SESS_ID", "SESS_DT", "DVC_CTG_NM", "ZON_NM", "CITY_NM"), "sessions")
    require_columns(members, ("CLNT_ID", "CLNT_GENDER", "CLNT_AGE"), "members")
    grades = normalise_product("customer_grades", grades)
    segments = normalise_product("customer_segments", segments)
    top3 = normalise_product("preference_top3", top3)
    edges = normalise_product("copurchase_edges", edges)
    offline = offline if offline is not None else _empty_offline()
    survey = survey if survey is not None else _empty_survey()
    require_columns(offline, ("CLNT_ID", "STORE_NM", "PURCHASE_DT", "CLAC1_NM", "AMOUNT", "CONSIDER_MIN"), "offline")
    require_columns(survey, ("CLNT_ID", "SIGNUP_DT", "FAV_CATEGORY", "REASON", "CHANNEL"), "survey")

    if customers is not None:
        given = np.asarray(list(customers))
        if given.dtype.kind in "iu" and (given >= 0).all():
            ids = np.unique(given.astype(np.int64))
        else:  # typed ids (text, zero padding): each checked so that a malformed one is named
            ids = np.unique(np.asarray([parse_client_id(c) for c in given.tolist()], dtype=np.int64))
        keep = pd.Index(ids)
        purchases, sessions, members, grades, segments, top3, offline, survey = (
            f[f["CLNT_ID"].isin(keep)] for f in (purchases, sessions, members, grades, segments, top3, offline,
                                                  survey))
    else:
        ids = np.unique(np.concatenate([f["CLNT_ID"].to_numpy(dtype=np.int64) for f in
                                        (purchases, sessions, members, grades, segments, top3)]))
    base = pd.DataFrame({"CLNT_ID": ids})

    # Demographics.
    mem = members.drop_duplicates("CLNT_ID")[["CLNT_ID", "CLNT_GENDER", "CLNT_AGE"]]
    t = base.merge(mem.rename(columns={"CLNT_GENDER": "GENDER", "CLNT_AGE": "AGE"}), on="CLNT_ID", how="left")
    gender = t["GENDER"].astype("str")
    age = pd.to_numeric(t["AGE"], errors="coerce").astype("Int64")
    gender_ko = gender.map(GENDER_KO).fillna("성별 미상").astype(object).to_numpy()
    age_ko = np.where(age.isna().to_numpy(), "연령 미상",
                      age.astype("float64").fillna(0).astype("int64").astype(str).to_numpy(dtype=object) + "대")
    known = (gender.notna() | age.notna()).to_numpy()
    t["GENDER"] = pd.array(gender.to_numpy(), dtype="str")
    t["AGE"] = age
    t["DEMOGRAPHICS"] = pd.array(np.where(known, gender_ko + " · " + age_ko, None), dtype="str")

    # Device and region: modes over sessions.
    n_sess = sessions.groupby("CLNT_ID").size().rename("N_SESSIONS")
    device = _mode(sessions, "CLNT_ID", "DVC_CTG_NM", "SESS_DT").rename(
        columns={"DVC_CTG_NM": "MAIN_DEVICE", "n": "DEVICE_SESSIONS"})
    region = _mode(sessions, "CLNT_ID", "ZON_NM", "SESS_DT").rename(columns={"ZON_NM": "REGION",
                                                                            "n": "REGION_SESSIONS"})
    in_region = sessions[["CLNT_ID", "ZON_NM", "CITY_NM", "SESS_DT"]].merge(
        region[["CLNT_ID", "REGION"]], left_on=["CLNT_ID", "ZON_NM"], right_on=["CLNT_ID", "REGION"])
    city = _mode(in_region, "CLNT_ID", "CITY_NM", "SESS_DT").rename(columns={"CITY_NM": "CITY"})
    t = t.merge(n_sess, left_on="CLNT_ID", right_index=True, how="left")
    t = t.merge(device, on="CLNT_ID", how="left").merge(region, on="CLNT_ID", how="left")
    t = t.merge(city[["CLNT_ID", "CITY"]], on="CLNT_ID", how="left")
    t["CITY"] = t["CITY"].mask(t["CITY"] == t["REGION"])  # metropolitan cities: CITY_NM repeats ZON_NM

    # Value grade (chapter 3).
    gcols = ["CLNT_ID", "GRADE", "POINT_RATE", "R_SCORE", "F_SCORE", "M_SCORE", "TOT_PRICE"] + \
        (["LAST_DT"] if "LAST_DT" in grades.columns else [])
    t = t.merge(grades[gcols].drop_duplicates("CLNT_ID"), on="CLNT_ID", how="left")
    if "LAST_DT" not in t:
        t["LAST_DT"] = pd.NaT

    # Behaviour segment (chapter 2).
    seg = segments[["CLNT_ID", "TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"]].drop_duplicates("CLNT_ID")
    t = t.merge(seg, on="CLNT_ID", how="left")
    for col in ("TOP_CATEGORY", "PATTERN", "SEGMENT", "SEGMENT_TYPE"):
        t[col] = t[col].astype("str")
    t["SEGMENT_TYPE"] = t["SEGMENT_TYPE"].fillna(t["SEGMENT"])
    t["PATTERN_TEXT"] = pd.array(t["PATTERN"].map(_pattern_texts(t["PATTERN"].dropna().unique())).to_numpy(),
                                 dtype="str")

    # Preferences (chapter 5) and co-purchase recommendations (chapter 1).
    pcols = ["CLNT_ID", "rank1", "rank1_index", "rank2", "rank2_index", "rank3", "rank3_index"]
    pref = top3[pcols].drop_duplicates("CLNT_ID").rename(columns={c: c.upper() for c in pcols[1:]})
    t = t.merge(pref, on="CLNT_ID", how="left")
    for col in ("RANK1", "RANK2", "RANK3"):
        t[col] = t[col].astype("str")
    t = t.merge(_recommendations(edges, n_recommend, min_lift), on="RANK1", how="left")

    # On/offline history.
    online = purchases.groupby("CLNT_ID").agg(ONLINE_LINES=("REVENUE", "size"), ONLINE_AMOUNT=("REVENUE", "sum"),
                                              ONLINE_LAST_DT=("SESS_DT", "max"))
    off = offline.groupby("CLNT_ID").agg(OFFLINE_LINES=("AMOUNT", "size"), OFFLINE_AMOUNT=("AMOUNT", "sum"),
                                         OFFLINE_LAST_DT=("PURCHASE_DT", "max"),
                                         OFFLINE_CONSIDER_MIN=("CONSIDER_MIN", "mean"))
    store = _mode(offline, "CLNT_ID", "STORE_NM", "PURCHASE_DT").rename(columns={"STORE_NM": "OFFLINE_STORE"})
    t = t.merge(online, left_on="CLNT_ID", right_index=True, how="left")
    t = t.merge(off, left_on="CLNT_ID", right_index=True, how="left")
    t = t.merge(store[["CLNT_ID", "OFFLINE_STORE"]], on="CLNT_ID", how="left")
    for col in ("N_SESSIONS", "DEVICE_SESSIONS", "REGION_SESSIONS", "ONLINE_LINES", "OFFLINE_LINES"):
        t[col] = t[col].fillna(0).astype("int64")
    t["ONLINE_AMOUNT"] = t["ONLINE_AMOUNT"].fillna(0.0).astype("float64")
    t["OFFLINE_AMOUNT"] = t["OFFLINE_AMOUNT"].fillna(0).astype("int64")
    t["TOTAL_LINES"] = t["ONLINE_LINES"] + t["OFFLINE_LINES"]
    recent = _recent_lines(purchases, offline, n_recent)
    shown = recent.groupby("CLNT_ID").size().rename("RECENT_SHOWN")
    t = t.merge(shown, left_on="CLNT_ID", right_index=True, how="left")
    t["RECENT_SHOWN"] = t["RECENT_SHOWN"].fillna(0).astype("int64")

    # Sign-up survey.
    sv = survey[["CLNT_ID", "SIGNUP_DT", "FAV_CATEGORY", "REASON", "CHANNEL"]].drop_duplicates("CLNT_ID", keep="last")
    sv = sv.rename(columns={"FAV_CATEGORY": "SURVEY_FAV_CATEGORY", "REASON": "SURVEY_REASON",
                            "CHANNEL": "SURVEY_CHANNEL"})
    t = t.merge(sv, on="CLNT_ID", how="left")

    for col, kind in PROFILE_COLUMNS.items():
        if kind == "text" and col != "CLNT_ID":
            t[col] = pd.array(t[col].astype("str").to_numpy(), dtype="str")
        elif kind == "date":
            t[col] = pd.to_datetime(t[col]).astype("datetime64[ns]")
    table = t[list(PROFILE_COLUMNS)].sort_values("CLNT_ID", kind="mergesort").reset_index(drop=True)
    table["CLNT_ID"] = table["CLNT_ID"].astype("int64")
    params = {"n_recent": n_recent, "n_recommend": n_recommend, "min_lift": min_lift,
              "customers": "all" if customers is None else len(ids)}
    return ProfileBook(table=table, recent=recent, playbooks=profile_playbooks(grade_rules=grade_rules),
                       params=params)


def _empty_offline() -> pd.DataFrame:
    return pd.DataFrame({"CLNT_ID": pd.Series(dtype="int64"), "STORE_NM": pd.Series(dtype="str"),
                         "PURCHASE_DT": pd.Series(dtype="datetime64[ns]"), "CLAC1_NM": pd.Series(dtype="str"),
                         "AMOUNT": pd.Series(dtype="int64"), "CONSIDER_MIN": pd.Series(dtype="float64")})


def _empty_survey() -> pd.DataFrame:
    return pd.DataFrame({"CLNT_ID": pd.Series(dtype="int64"), "SIGNUP_DT": pd.Series(dtype="datetime64[ns]"),
                         "FAV_CATEGORY": pd.Series(dtype="str"), "REASON": pd.Series(dtype="str"),
                         "CHANNEL": pd.Series(dtype="str")})


def _recent_lines(purchases: pd.DataFrame, offline: pd.DataFrame, n: int) -> pd.DataFrame:
    """Last ``n`` lines per customer over online and offline purchases (numpy sort, no per-customer loop).

    Order: date descending; on the same day offline after online sessions (a store visit usually follows the
    browsing), then session / line order descending.
    """
    on_dates = pd.to_datetime(purchases["SESS_DT"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    off_dates = pd.to_datetime(offline["PURCHASE_DT"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    cid = np.concatenate([purchases["CLNT_ID"].to_numpy(dtype=np.int64), offline["CLNT_ID"].to_numpy(dtype=np.int64)])
    day = np.concatenate([on_dates, off_dates])
    is_off = np.concatenate([np.zeros(len(purchases), np.int64), np.ones(len(offline), np.int64)])
    sess = np.concatenate([purchases["SESS_ID"].to_numpy(dtype=np.int64), np.zeros(len(offline), np.int64)])
    seq = np.concatenate([purchases["HITS_SEQ"].to_numpy(dtype=np.int64), np.arange(len(offline), dtype=np.int64)])
    order = np.lexsort((-seq, -sess, -is_off, -day, cid))
    cid_sorted = cid[order]
    if len(order):
        starts = np.r_[0, np.flatnonzero(np.diff(cid_sorted)) + 1]
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(order)]))
        rank = np.arange(len(order)) - starts[group]
    else:
        rank = np.zeros(0, dtype=np.int64)
    pick = order[rank < n]
    n_on = len(purchases)
    on_pick, off_pick = pick[pick < n_on], pick[pick >= n_on] - n_on
    frames = [
        pd.DataFrame({"CLNT_ID": purchases["CLNT_ID"].to_numpy(dtype=np.int64)[on_pick], "_day": on_dates[on_pick],
                      "_off": 0, "_sess": purchases["SESS_ID"].to_numpy(dtype=np.int64)[on_pick],
                      "_seq": purchases["HITS_SEQ"].to_numpy(dtype=np.int64)[on_pick],
                      "CHANNEL": "온라인", "CATEGORY": purchases["CLAC1_NM"].to_numpy(dtype=object)[on_pick],
                      "AMOUNT": purchases["REVENUE"].to_numpy(dtype=float)[on_pick],
                      "PLACE": purchases["DVC_CTG_NM"].to_numpy(dtype=object)[on_pick]}),
        pd.DataFrame({"CLNT_ID": offline["CLNT_ID"].to_numpy(dtype=np.int64)[off_pick], "_day": off_dates[off_pick],
                      "_off": 1, "_sess": 0, "_seq": off_pick.astype(np.int64),
                      "CHANNEL": "오프라인", "CATEGORY": offline["CLAC1_NM"].to_numpy(dtype=object)[off_pick],
                      "AMOUNT": offline["AMOUNT"].to_numpy(dtype=float)[off_pick],
                      "PLACE": offline["STORE_NM"].to_numpy(dtype=object)[off_pick]}),
    ]
    rec = pd.concat(frames, ignore_index=True)
    rec = rec.sort_values(["CLNT_ID", "_day", "_off", "_sess", "_seq"], ascending=[True, False, False, False, False],
                          kind="mergesort").reset_index(drop=True)
    rec.insert(1, "SEQ", (rec.groupby("CLNT_ID").cumcount() + 1).astype("int64"))
    rec.insert(2, "DATE", pd.to_datetime(rec["_day"].to_numpy(dtype="datetime64[D]")).astype("datetime64[ns]"))
    rec = rec.drop(columns=["_day", "_off", "_sess", "_seq"])
    for col in ("CHANNEL", "CATEGORY", "PLACE"):
        rec[col] = pd.array(rec[col].to_numpy(), dtype="str")
    return rec[["CLNT_ID", "SEQ", "DATE", "CHANNEL", "CATEGORY", "AMOUNT", "PLACE"]]


def describe_profiles(book: ProfileBook) -> str:
    """Coverage of the profile fields, in one Korean sentence."""
    t = book.table
    n = max(len(t), 1)
    share = {k: t[c].notna().sum() / n for k, c in (("grade", "GRADE"), ("segment", "SEGMENT"),
                                                    ("demo", "DEMOGRAPHICS"), ("rec", "RECOMMENDED"))}
    off = int((t["OFFLINE_LINES"] > 0).sum())
    sv = int(t["SURVEY_FAV_CATEGORY"].notna().sum())
    return (f"고객 {len(t):,}명의 프로파일을 만들었습니다: 등급 {share['grade']:.1%}, 행동 유형 {share['segment']:.1%}, "
            f"성별·연령 {share['demo']:.1%}, 추천 상품군 {share['rec']:.1%}의 고객에게 값이 있고, 오프라인 구매 기록이 "
            f"연결된 고객 {off:,}명, 가입 설문 응답 고객 {sv:,}명입니다.")


# ------------------------------------------------------------------------------------------------
# Campaign list
# ------------------------------------------------------------------------------------------------
def campaign_targets(targets: pd.DataFrame, book: ProfileBook, dip: DipChoice, *, coupons=None) -> pd.DataFrame:
    """The target list as a campaign tool takes it: one row per target with offer and reasons.

    Returns
    -------
    pandas.DataFrame
        ``TARGET_RANK, CLNT_ID, TARGET_CATEGORY, PREF_INDEX, GRADE, POINT_RATE, SEGMENT_TYPE, GENDER, AGE,
        MAIN_DEVICE, REGION, RECOMMENDED, CAMPAIGN_START, CAMPAIGN_END, COUPON, DISCOUNT_PCT, WHY_TARGET,
        WHY_GRADE, WHY_SEGMENT, WHY_DEVICE``.
    """
    from helpers.chapters.services import smartstore

    require_columns(targets, ("TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY", "PREF_INDEX"), "targets")
    prof = book.table[book.table["CLNT_ID"].isin(targets["CLNT_ID"])]
    merged = targets[["TARGET_RANK", "CLNT_ID", "TARGET_CATEGORY", "PREF_INDEX"]].merge(prof, on="CLNT_ID",
                                                                                       how="left")
    offers = smartstore.welcome_coupons(merged, rules=coupons)
    first = offers[offers["PREF_RANK"] == 1][["CLNT_ID", "COUPON", "DISCOUNT_PCT"]]
    merged = merged.merge(first, on="CLNT_ID", how="left")
    texts = fill_fields(display_frame(merged))
    grade_txt = merged["GRADE"].fillna("등급 없음").astype(str).to_numpy(dtype=object)
    why_target = (merged["TARGET_CATEGORY"].astype(str).to_numpy(dtype=object) + " 선호지수 1순위("
                  + np.array([f"{v:.1f}" for v in merged["PREF_INDEX"]], dtype=object) + "), " + grade_txt
                  + (f", {dip.category} 수요 급감 {dip.period()} 대응" if dip.has_dates else ""))
    out = pd.DataFrame({
        "TARGET_RANK": merged["TARGET_RANK"].to_numpy(),
        "CLNT_ID": merged["CLNT_ID"].to_numpy(),
        "TARGET_CATEGORY": merged["TARGET_CATEGORY"].to_numpy(),
        "PREF_INDEX": merged["PREF_INDEX"].to_numpy(dtype=float),
        "GRADE": merged["GRADE"].to_numpy(),
        "POINT_RATE": merged["POINT_RATE"].to_numpy(dtype=float),
        "SEGMENT_TYPE": merged["SEGMENT_TYPE"].to_numpy(),
        "GENDER": merged["GENDER"].to_numpy(),
        "AGE": merged["AGE"].to_numpy(),
        "MAIN_DEVICE": merged["MAIN_DEVICE"].to_numpy(),
        "REGION": merged["REGION"].to_numpy(),
        "RECOMMENDED": merged["RECOMMENDED"].to_numpy(),
        "CAMPAIGN_START": pd.Series([dip.start] * len(merged), dtype="datetime64[ns]").to_numpy(),
        "CAMPAIGN_END": pd.Series([dip.end] * len(merged), dtype="datetime64[ns]").to_numpy(),
        "COUPON": merged["COUPON"].to_numpy(),
        "DISCOUNT_PCT": merged["DISCOUNT_PCT"].to_numpy(dtype=float),
        "WHY_TARGET": why_target,
        "WHY_GRADE": texts["grade_WHY"].to_numpy(),
        "WHY_SEGMENT": texts["segment_WHY"].to_numpy(),
        "WHY_DEVICE": texts["device_WHY"].to_numpy(),
    })
    for col in ("TARGET_CATEGORY", "GRADE", "SEGMENT_TYPE", "GENDER", "MAIN_DEVICE", "REGION", "RECOMMENDED",
                "COUPON", "WHY_TARGET", "WHY_GRADE", "WHY_SEGMENT", "WHY_DEVICE"):
        out[col] = pd.array(out[col].to_numpy(), dtype="str")
    out["AGE"] = pd.array(out["AGE"], dtype="Int64")
    return out.sort_values("TARGET_RANK", kind="mergesort").reset_index(drop=True)


#: Korean headers of :func:`campaign_view` (the report table; the product keeps the English column names).
CAMPAIGN_VIEW_COLUMNS: dict[str, str] = {
    "TARGET_RANK": "순위", "CLNT_ID": "고객 ID", "GRADE": "등급", "POINT_RATE": "적립률", "SEGMENT_TYPE": "행동 유형",
    "GENDER": "성별", "AGE": "연령대", "MAIN_DEVICE": "주 사용 기기", "REGION": "주 지역", "RECOMMENDED": "추천 상품군",
    "COUPON": "쿠폰", "WHY_TARGET": "선정 사유",
}


def campaign_view(campaign: pd.DataFrame) -> pd.DataFrame:
    """The campaign list as the report shows it: Korean headers, ids as text (no thousands separators)."""
    require_columns(campaign, CAMPAIGN_VIEW_COLUMNS, "campaign")
    view = campaign[list(CAMPAIGN_VIEW_COLUMNS)].copy()
    view["CLNT_ID"] = pd.array(view["CLNT_ID"].astype("int64").astype(str).to_numpy(), dtype="str")
    view["POINT_RATE"] = pd.array([NA_TEXT if pd.isna(v) else f"{v:.1%}" for v in view["POINT_RATE"]], dtype="str")
    view["GENDER"] = view["GENDER"].map(GENDER_KO).astype("str")
    view["AGE"] = pd.array([NA_TEXT if pd.isna(v) else f"{int(v)}대" for v in view["AGE"]], dtype="str")
    return view.rename(columns=CAMPAIGN_VIEW_COLUMNS)


def describe_campaign(campaign: pd.DataFrame, dip: DipChoice) -> str:
    """The campaign list in one Korean sentence: size, period, main device, mean discount."""
    if campaign.empty:
        return "타겟 고객이 없어 캠페인 명단이 비어 있습니다."
    device = campaign["MAIN_DEVICE"].value_counts(normalize=True)
    top_device = f"주 사용 기기 1위는 {device.index[0]}({device.iloc[0]:.0%})" if len(device) else "기기 정보가 없고"
    period = f"{dip.period()}에 맞춰 " if dip.has_dates else ""
    return (f"{period}{dip.category} 선호 고객 {len(campaign):,}명에게 보낼 명단이며, {top_device}이고 쿠폰 할인율은 "
            f"평균 {campaign['DISCOUNT_PCT'].mean():.1f}%입니다 (명단 파일 campaign_targets에 고객별 사유 포함).")


def describe_card(card: Card) -> str:
    """One sentence reading of a card: who the customer is and what to offer."""
    d = card.data
    who = " · ".join(x for x in (d.get("GRADE", "등급 없음"), d.get("SEGMENT_TYPE", "행동 유형 없음")))
    pref = f"{josa(d['RANK1'], '을', '를')} 가장 선호하며" if "RANK1" in d else "선호지수가 없으며"
    offer = (f"함께 구매되는 {d['RECOMMENDED']}의 상품을 추천합니다" if "RECOMMENDED" in d else
             "공동구매 네트워크에 뚜렷한 연결 상품군이 없어 선호 상품군 위주로 제안합니다")
    return f"첫 번째 카드의 고객 {card.client_id}({who})은 {pref}, {offer}."


# ------------------------------------------------------------------------------------------------
# Profiles from a rendered report (CLI, scan)
# ------------------------------------------------------------------------------------------------
class ReportProfiles:
    """Profiles saved by chapter 6 in ``<report_dir>/data`` (``customer_profiles``, ``customer_recent_purchases``,
    ``profile_playbooks``), read one customer at a time with Parquet filters.

    Raises
    ------
    UpstreamMissing
        The report folder or a product is missing (run the report, or chapter 6, first).
    """

    PRODUCTS = ("customer_profiles", "customer_recent_purchases", "profile_playbooks")

    def __init__(self, report_dir: str | Path):
        self.report_dir = Path(report_dir)
        data = self.report_dir / "data"
        for name in self.PRODUCTS:
            if not (data / f"{name}.parquet").is_file():
                raise UpstreamMissing(f"'{data / (name + '.parquet')}' not found: render the report first "
                                      "(python -m helpers report, chapter 06_services) or pass --report-dir "
                                      "pointing at a rendered report folder.")
        self._data = data
        self.playbook_map = _playbook_dict(pd.read_parquet(data / "profile_playbooks.parquet"))

    def lookup(self, client_id: Any) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        cid = parse_client_id(client_id)
        row = pd.read_parquet(self._data / "customer_profiles.parquet", filters=[("CLNT_ID", "==", cid)])
        if row.empty:
            return None
        recent = pd.read_parquet(self._data / "customer_recent_purchases.parquet", filters=[("CLNT_ID", "==", cid)])
        return row.head(1), recent.sort_values("SEQ", kind="mergesort")

    def card(self, client_id: Any) -> Card | None:
        found = self.lookup(client_id)
        return None if found is None else make_card(found[0], found[1], self.playbook_map)


# ------------------------------------------------------------------------------------------------
# Offline lookup page
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LookupSite:
    """What :func:`write_lookup` wrote."""

    page: Path
    shard_dir: Path
    n_customers: int
    n_shards: int
    n_files: int
    total_bytes: int


def _encode_column(values: pd.Series, kind: str, max_dict: int) -> tuple[np.ndarray, list[str] | None]:
    """One column as display text, dictionary-coded when it has few distinct values.

    Returns ``(codes, dictionary)`` (int32 codes, -1 = missing) or ``(texts, None)`` (object array, None = missing).
    """
    texts = _format_values(values, kind)
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=True)
    if len(uniques) <= max_dict:
        return codes.astype(np.int32), [str(u) for u in uniques]
    return texts, None


def _json_column(encoded: np.ndarray, coded: bool, rows: np.ndarray) -> list:
    part = encoded[rows]
    if coded:
        return [None if c < 0 else c for c in part.tolist()]
    return [v if isinstance(v, str) else None for v in part.tolist()]


def write_lookup(book: ProfileBook, output_dir: str | Path, *, n_shards: int = 256, max_dict: int = 4096,
                 title: str = "고객 프로파일 조회") -> LookupSite:
    """Write the offline lookup page ``<output_dir>/lookup.html`` and its shards ``lookup/p_<k>.js``.

    Customer ``id`` lives in shard ``id % n_shards``; the page loads a shard with a ``<script>`` tag when it is
    first needed (works from ``file://`` without a server). Each shard calls ``LP.register(k, {...})`` with
    compact JSON: one array of display texts per customer, columns with few distinct values dictionary-coded
    (the dictionaries live in the page). ``lookup.html?id=<CLNT_ID>`` (or ``#id=<CLNT_ID>``) searches at once.
    Old shards in ``lookup/`` are removed first. Columns are encoded one at a time and shards built from
    numpy arrays, so memory stays near the size of the profile table (full scale: 0.9 M customers).
    """
    if isinstance(n_shards, bool) or not isinstance(n_shards, (int, np.integer)) or not 1 <= n_shards <= 4096:
        raise ValueError(f"n_shards must be an integer in 1..4096, got {n_shards!r}")
    out = _report_dir(output_dir)
    shard_dir = out / "lookup"
    shard_dir.mkdir(parents=True, exist_ok=True)
    for old in shard_dir.glob("p_*.js"):
        old.unlink()
    table, recent = book.table, book.recent
    columns = [c for c in PROFILE_COLUMNS if c != "CLNT_ID"]
    prof = {c: _encode_column(table[c], PROFILE_COLUMNS[c], max_dict) for c in columns}
    rec = {c: _encode_column(recent[c], RECENT_COLUMNS[c], max_dict) for c in RECENT_COLUMNS}
    ids = table["CLNT_ID"].to_numpy(dtype=np.int64)
    rec_ids = recent["CLNT_ID"].to_numpy(dtype=np.int64)
    # Both tables are sorted by id: a customer's recent rows are one slice.
    rec_start = np.searchsorted(rec_ids, ids, side="left")
    rec_count = np.searchsorted(rec_ids, ids, side="right") - rec_start
    shard_of = ids % n_shards
    order = np.argsort(shard_of, kind="stable")
    bounds = np.searchsorted(shard_of[order], np.arange(n_shards + 1))
    total, n_files = 0, 0
    for k in range(n_shards):
        members = order[bounds[k]:bounds[k + 1]]
        if not len(members):
            continue
        rows = list(zip(*[_json_column(enc, d is not None, members) for enc, d in prof.values()]))
        counts = rec_count[members]
        rec_rows = (np.repeat(rec_start[members] - np.cumsum(counts) + counts, counts)
                    + np.arange(int(counts.sum())))
        flat = list(zip(*[_json_column(enc, d is not None, rec_rows) for enc, d in rec.values()]))
        cuts = np.r_[0, np.cumsum(counts)].tolist()
        recent_lists = [flat[a:b] for a, b in zip(cuts[:-1], cuts[1:])]
        payload = json.dumps({"ids": ids[members].tolist(), "rows": rows, "recent": recent_lists},
                             ensure_ascii=False, separators=(",", ":"))
        text = f"LP.register({k},{payload});\n"
        (shard_dir / f"p_{k}.js").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        n_files += 1
    meta = {
        "n_shards": int(n_shards), "columns": columns,
        "dicts": {c: d for c, (_, d) in prof.items() if d is not None},
        "recent_columns": list(RECENT_COLUMNS), "recent_dicts": {c: d for c, (_, d) in rec.items() if d is not None},
        "recent_headers": list(RECENT_HEADERS), "na": NA_TEXT,
        "fields": [[key, label, [[list(needs), v, w] for needs, v, w in variants]]
                   for key, label, variants in CARD_FIELDS],
        "playbooks": _playbook_dict(book.playbooks), "n_customers": int(len(table)), "title": title,
        "max_digits": MAX_ID_DIGITS, "examples": [int(i) for i in ids[:3]],
    }
    page = out / "lookup.html"
    text = _LOOKUP_PAGE.replace("__TITLE__", html.escape(title)).replace("__CSS__", CARD_CSS).replace(
        "__META__", json.dumps(meta, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))
    page.write_text(text, encoding="utf-8")
    total += len(text.encode("utf-8"))
    return LookupSite(page=page, shard_dir=shard_dir, n_customers=int(len(table)), n_shards=int(n_shards),
                      n_files=n_files, total_bytes=total)


def describe_lookup(site: LookupSite) -> str:
    return (f"고객 {site.n_customers:,}명의 프로파일을 조회 페이지([lookup.html](../lookup.html))에 담았습니다: "
            f"{site.n_files:,}개 파일({site.total_bytes / 2**20:,.1f} MB)로 나누어 필요한 조각만 읽으므로 "
            "서버 없이 파일을 열어 고객 ID를 입력하면 카드가 나타납니다.")


_LOOKUP_PAGE = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font-family:'NanumGothic','Malgun Gothic','Apple SD Gothic Neo',sans-serif;max-width:1040px;margin:1.5em auto;
color:#222;padding:0 1em}
h1{border-bottom:2px solid #c8102e;padding-bottom:6px}
#q{font-size:1.1em;padding:6px 10px;width:16em}
#go{font-size:1.05em;padding:6px 14px}
#msg{margin:.8em 0;color:#8a0b20;font-weight:bold}
.hint{color:#667;font-size:.85em}
__CSS__
</style></head>
<body>
<h1>__TITLE__</h1>
<form id="f" autocomplete="off"><input id="q" name="id" placeholder="고객 ID (CLNT_ID)" inputmode="numeric">
<button id="go" type="submit">조회</button></form>
<div class="hint" id="hint"></div>
<div id="msg" role="status"></div>
<div id="out"></div>
<script>
"use strict";
const META = __META__;
const LP = {shards: {}, waiting: {}};
LP.register = function (k, data) {
  const index = new Map();
  data.ids.forEach(function (id, i) { index.set(String(id), i); });
  LP.shards[k] = {data: data, index: index};
  const done = LP.waiting[k];
  delete LP.waiting[k];
  if (done) { done.forEach(function (f) { f(); }); }
};
function loadShard(k, then) {
  if (LP.shards[k]) { then(); return; }
  if (LP.waiting[k]) { LP.waiting[k].push(then); return; }
  LP.waiting[k] = [then];
  const s = document.createElement("script");
  s.src = "lookup/p_" + k + ".js";
  s.charset = "utf-8";
  s.onerror = function () { LP.register(k, {ids: [], rows: [], recent: []}); };
  document.head.appendChild(s);
}
function normalise(text) {
  const t = String(text == null ? "" : text).trim();
  if (!t) { return {error: "고객 ID를 입력하세요."}; }
  if (!new RegExp("^[0-9]{1," + META.max_digits + "}$").test(t)) {
    return {error: "고객 ID '" + t + "'의 형식이 잘못되었습니다: 숫자만으로 된 1~" + META.max_digits +
      "자리 고객 ID(CLNT_ID)를 입력하세요."};
  }
  return {id: t.replace(/^0+(?=[0-9])/, "")};
}
function decode(value, dict) {
  if (value === null || value === undefined) { return null; }
  return dict ? dict[value] : value;
}
function hasValue(v) { return v !== null && v !== undefined && v !== "" && v !== "0"; }
function fill(tpl, args) {
  return tpl.replace(/\\{([A-Z0-9_]+)\\}/g, function (m, c) {
    const v = args[c];
    return (v === null || v === undefined || v === "") ? META.na : v;
  });
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}
function renderCard(id, row, recent) {
  const args = {CLNT_ID: id};
  META.columns.forEach(function (c, j) { args[c] = decode(row[j], META.dicts[c]); });
  const card = el("div", "lpc");
  card.setAttribute("data-id", id);
  const head = el("div", "lpc-head");
  head.appendChild(el("span", "lpc-id", "고객 " + id));
  const badges = el("span");
  const books = [];
  if (hasValue(args.GRADE)) {
    badges.appendChild(el("span", "lpc-badge", args.GRADE));
    const b = META.playbooks.grade[args.GRADE];
    if (b !== undefined) { books.push(["등급", args.GRADE, b]); }
  }
  if (hasValue(args.SEGMENT)) {
    badges.appendChild(el("span", "lpc-badge", args.SEGMENT_TYPE || args.SEGMENT));
    const b = META.playbooks.segment[args.SEGMENT];
    if (b !== undefined) { books.push(["행동 유형", args.SEGMENT, b]); }
  }
  head.appendChild(badges);
  card.appendChild(head);
  const grid = el("div", "lpc-grid");
  META.fields.forEach(function (f) {
    const variant = f[2].find(function (v) { return v[0].every(function (c) { return hasValue(args[c]); }); });
    const tile = el("div", "lpc-tile");
    tile.setAttribute("data-field", f[0]);
    tile.appendChild(el("div", "lpc-label", f[1]));
    tile.appendChild(el("div", "lpc-value", fill(variant[1], args)));
    tile.appendChild(el("div", "lpc-why", fill(variant[2], args)));
    grid.appendChild(tile);
  });
  card.appendChild(grid);
  card.appendChild(el("div", "lpc-sub", "최근 구매 (온·오프라인)"));
  if (recent.length) {
    const table = el("table");
    const hr = el("tr");
    META.recent_headers.forEach(function (h) { hr.appendChild(el("th", "", h)); });
    table.appendChild(hr);
    recent.forEach(function (r) {
      const tr = el("tr");
      META.recent_columns.forEach(function (c, j) {
        const v = decode(r[j], META.recent_dicts[c]);
        tr.appendChild(el("td", "", v === null ? META.na : v));
      });
      table.appendChild(tr);
    });
    card.appendChild(table);
  } else {
    card.appendChild(el("div", "lpc-book", "없음"));
  }
  card.appendChild(el("div", "lpc-sub", "마케팅 공략법"));
  if (!books.length) { card.appendChild(el("div", "lpc-book", "공략법 없음")); }
  books.forEach(function (b) {
    const d = el("div", "lpc-book");
    d.appendChild(el("b", "", "[" + b[0] + " " + b[1] + "]"));
    d.appendChild(document.createTextNode(" " + b[2]));
    card.appendChild(d);
  });
  return card;
}
function search(text) {
  const msg = document.getElementById("msg");
  const out = document.getElementById("out");
  out.textContent = "";
  const n = normalise(text);
  if (n.error) { msg.textContent = n.error; return; }
  msg.textContent = "조회 중…";
  const k = Number(BigInt(n.id) % BigInt(META.n_shards));
  loadShard(k, function () {
    const shard = LP.shards[k];
    const i = shard.index.get(n.id);
    if (i === undefined) {
      msg.textContent = "고객 ID " + n.id + "에 해당하는 고객을 찾을 수 없습니다 (분석 기간의 고객 " +
        META.n_customers.toLocaleString("en-US") + "명 중에 없음).";
      return;
    }
    msg.textContent = "";
    out.appendChild(renderCard(n.id, shard.data.rows[i], shard.data.recent[i]));
  });
}
document.getElementById("f").addEventListener("submit", function (ev) {
  ev.preventDefault();
  const q = document.getElementById("q").value;
  if (window.history && history.replaceState) { history.replaceState(null, "", "?id=" + encodeURIComponent(q)); }
  search(q);
});
document.getElementById("hint").textContent = "고객 " + META.n_customers.toLocaleString("en-US") +
  "명 · 예: " + META.examples.join(", ");
(function () {
  const params = new URLSearchParams(window.location.search);
  let id = params.get("id");
  if (id === null && window.location.hash) {
    const h = window.location.hash.slice(1);
    id = new URLSearchParams(h).get("id");
    if (id === null) { id = decodeURIComponent(h); }
  }
  if (id !== null) { document.getElementById("q").value = id; search(id); }
})();
</script>
</body></html>
"""
