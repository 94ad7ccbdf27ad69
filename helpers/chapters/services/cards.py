"""The profile card of chapter 6: which columns it shows, how each is written, and its renderers.

One card spec (:data:`CARD_FIELDS`) drives three renderers that must agree: Python text (:func:`card_text`),
Python HTML (:func:`card_html`) and the offline lookup page (``helpers.chapters.services.lookup``). Field values
are formatted once in Python (:func:`display_frame`); the page only fills the same templates with those
strings, so its cards read exactly like the report's. Each field has a one-line Korean reason.

Public API: NA_TEXT, PROFILE_COLUMNS, RECENT_COLUMNS, RECENT_HEADERS, CARD_FIELDS, check_card_spec,
format_codes, format_column, display_frame, fill_fields, playbook_dict, Card, make_card, card_text, CARD_CSS, card_html, cards_html.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from helpers.common.formats import format_krw
from helpers.common.labels import DEVICE_LABELS, GENDER_LABELS, REGION_LABELS, age_label

__all__ = [
    "NA_TEXT",
    "PROFILE_COLUMNS",
    "RECENT_COLUMNS",
    "RECENT_HEADERS",
    "CARD_FIELDS",
    "check_card_spec",
    "format_codes",
    "format_column",
    "display_frame",
    "fill_fields",
    "playbook_dict",
    "Card",
    "make_card",
    "card_text",
    "CARD_CSS",
    "card_html",
    "cards_html",
]

NA_TEXT = "–"          # what a missing value reads as in every card (Python and the lookup page)

# ------------------------------------------------------------------------------------------------
# The card spec: profile columns, their display format, field templates
# ------------------------------------------------------------------------------------------------
#: Columns of :attr:`ProfileBook.table` (the ``customer_profiles`` product) -> display format (:data:`FORMATS`:
#: text | int | krw | idx | pct | dec1 | date, or a code translated with the shared labels: gender | age | device |
#: region | place). Every card text is filled from these, formatted once; the product keeps the codes.
PROFILE_COLUMNS: dict[str, str] = {
    "CLNT_ID": "text",
    "GENDER": "gender", "AGE": "age", "DEMOGRAPHICS": "text",
    "N_SESSIONS": "int", "MAIN_DEVICE": "device", "DEVICE_SESSIONS": "int",
    "REGION": "region", "CITY": "text", "REGION_SESSIONS": "int",
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
                                  "PLACE": "place"}
RECENT_HEADERS = ("날짜", "채널", "상품군", "금액", "기기·매장")

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
         "{GRADE}: 최근성 {R_SCORE} + 최빈성 {F_SCORE}, 총 구매액 {TOT_PRICE} (구매금액 {M_SCORE}점)"),
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
        (("TOTAL_LINES",), "온라인 {ONLINE_LINES}건 {ONLINE_AMOUNT} · 오프라인 {OFFLINE_LINES}건 {OFFLINE_AMOUNT}",
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
        (("OFFLINE_LINES",), "{OFFLINE_LINES}건 · {OFFLINE_AMOUNT} · 주 매장 {OFFLINE_STORE}",
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


#: Number formats of the card; money in 억/만 원 (``helpers.common.formats.format_krw``).
FORMATS = {"int": "{:,.0f}", "idx": "{:.1f}", "dec1": "{:.1f}", "pct": "{:.1%}"}
#: Code columns shown in Korean words (shared labels); ``place`` is a device (online) or a store name (offline).
LABELLED = {"gender": GENDER_LABELS, "device": DEVICE_LABELS, "region": REGION_LABELS, "place": DEVICE_LABELS}


def _number_texts(uniques: np.ndarray, kind: str) -> list[str]:
    if kind == "krw":
        return [format_krw(float(u)) for u in uniques]
    if kind == "age":
        return [age_label(u) for u in uniques]
    if kind not in FORMATS:
        raise ValueError(f"unknown display format {kind!r}")
    return [FORMATS[kind].format(float(u)) for u in uniques]


def format_codes(values: pd.Series, kind: str) -> tuple[np.ndarray, list]:
    """``(codes, texts)``: each row's distinct value (``-1`` = missing, in order of first appearance) and the
    display string of every distinct value (None = shown as missing). Formats each distinct value once."""
    if kind == "date":
        days = pd.to_datetime(values, errors="coerce").to_numpy(dtype="datetime64[D]")
        codes, uniques = pd.factorize(days, use_na_sentinel=True)
        return codes, [str(u) for u in np.asarray(uniques, dtype="datetime64[D]")]
    if kind == "text" or kind in LABELLED:
        codes, uniques = pd.factorize(values.astype("str"), use_na_sentinel=True)
        labels = LABELLED.get(kind, {})
        return codes, [None if u == "" else labels.get(str(u), str(u)) for u in uniques]
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    codes, uniques = pd.factorize(numbers, use_na_sentinel=True)
    return codes, _number_texts(uniques, kind)


def format_column(values: pd.Series, kind: str) -> np.ndarray:
    """Display strings (object array, None = missing) of one column (:func:`format_codes`)."""
    codes, texts = format_codes(values, kind)
    lookup = np.array(texts + [None], dtype=object)
    return lookup[codes]  # code -1 (missing) takes the trailing None


def display_frame(table: pd.DataFrame, formats: Mapping[str, str] = PROFILE_COLUMNS) -> pd.DataFrame:
    """Every column of ``formats`` present in ``table`` as display text (object dtype, None = missing)."""
    # dtype=object: pandas would otherwise infer its str dtype and turn the missing None into NaN.
    return pd.DataFrame({col: format_column(table[col], kind) for col, kind in formats.items() if col in table},
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


def playbook_dict(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """``profile_playbooks`` rows (``KIND, NAME, SUMMARY``) as ``{"grade": {name: summary}, "segment": {...}}``."""
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
        lines.append("  " + "  ".join(r[:3]) + f"  {r[3]}  {r[4]}")
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

