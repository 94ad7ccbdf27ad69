"""Chapter 6 "Real Smart Store" (온오프라인 통합): store records matched to online customers, and the entrance scan.

The store files themselves (offline purchases entered by staff, the sign-up survey) are read and cleaned by the
data layer, :mod:`helpers.data.stores`. Here: how many store records belong to an online customer
(:func:`match_summary`), what the survey says (:func:`survey_distribution`), and what the entrance scanner shows
for a scanned id (:func:`scan`: welcome coupons of :mod:`helpers.chapters.services.coupons` and a profile
summary; an unknown id gets the sign-up offer).

Public API: match_summary, survey_distribution, ScanResult, scan, example_scans.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.chapters.services.cards import make_card
from helpers.chapters.services.coupons import coupon_rules, welcome_coupons
from helpers.chapters.services.inputs import parse_client_id
from helpers.chapters.services.profiles import ReportProfiles
from helpers.data.stores import SURVEY_QUESTIONS, StoreData

__all__ = ["match_summary", "survey_distribution", "ScanResult", "scan", "example_scans"]


# ------------------------------------------------------------------------------------------------
# Matching with the online customers
# ------------------------------------------------------------------------------------------------
def match_summary(store: StoreData, online_ids: Any, *, customer_col: str = "CLNT_ID") -> pd.DataFrame:
    """How many store records belong to a known online customer.

    Parameters
    ----------
    store : StoreData
    online_ids : array-like
        Ids of the online customers (e.g. every profiled customer).

    Returns
    -------
    pandas.DataFrame
        One row per source (``offline``, ``survey``): ``SOURCE`` (Korean label), ``RECORDS``,
        ``MATCHED_RECORDS``, ``RECORD_MATCH_SHARE``, ``CUSTOMERS`` (distinct ids), ``MATCHED_CUSTOMERS``,
        ``CUSTOMER_MATCH_SHARE`` (shares NaN when there are no records).
    """
    if not isinstance(store, StoreData):
        raise TypeError(f"store must be a StoreData (from load_store_data), got {type(store).__name__}")
    ids = pd.Index(pd.unique(np.asarray(online_ids).ravel()))
    rows = []
    for label, frame in (("오프라인 구매", store.offline), ("가입 설문", store.survey)):
        if customer_col not in frame:
            raise ValueError(f"store frame lacks column {customer_col!r} (customer_col)")
        col = frame[customer_col]
        matched = col.isin(ids).to_numpy()
        distinct = pd.unique(col.to_numpy())
        matched_distinct = int(pd.Index(distinct).isin(ids).sum())
        n = len(frame)
        rows.append({"SOURCE": label, "RECORDS": n, "MATCHED_RECORDS": int(matched.sum()),
                     "RECORD_MATCH_SHARE": matched.sum() / n if n else np.nan,
                     "CUSTOMERS": len(distinct), "MATCHED_CUSTOMERS": matched_distinct,
                     "CUSTOMER_MATCH_SHARE": matched_distinct / len(distinct) if len(distinct) else np.nan})
    out = pd.DataFrame(rows)
    out["SOURCE"] = out["SOURCE"].astype("str")
    return out


def survey_distribution(survey: pd.DataFrame) -> pd.DataFrame:
    """Answer counts per question and option (all four options, 0 when nobody chose one).

    Returns
    -------
    pandas.DataFrame
        ``QUESTION_KEY, QUESTION, OPTION_NO`` (1-4), ``OPTION, ANSWERS, SHARE`` (of valid answers).
    """
    rows = []
    for col, (question, options) in SURVEY_QUESTIONS.items():
        if col not in survey:
            raise ValueError(f"survey lacks column {col!r}")
        counts = survey[col].value_counts()
        total = int(counts.sum())
        for i, opt in enumerate(options, 1):
            n = int(counts.get(opt, 0))
            rows.append({"QUESTION_KEY": col, "QUESTION": question, "OPTION_NO": i, "OPTION": opt, "ANSWERS": n,
                         "SHARE": n / total if total else np.nan})
    out = pd.DataFrame(rows)
    for col in ("QUESTION_KEY", "QUESTION", "OPTION"):
        out[col] = out[col].astype("str")
    return out


# ------------------------------------------------------------------------------------------------
# Entrance scan
# ------------------------------------------------------------------------------------------------
@dataclass
class ScanResult:
    """What the entrance scanner shows for one scanned id.

    Attributes
    ----------
    status : {"known", "unknown", "malformed"}
    input : str
        The scanned text as given.
    client_id : int or None
        Parsed id (None when malformed).
    message : str
        Korean message for staff / the app.
    coupons : pandas.DataFrame
        :func:`welcome_coupons` rows (known), the sign-up offer (unknown, ``PREF_RANK`` 0), empty (malformed).
    summary : list of (label, value)
        Profile summary lines (known customers).
    card : cards.Card or None
    """

    status: str
    input: str
    client_id: int | None
    message: str
    coupons: pd.DataFrame
    summary: list[tuple[str, str]]
    card: Any = None

    def text(self) -> str:
        """The scan result as plain text (CLI)."""
        lines = [self.message]
        if self.summary:
            width = max(len(label) for label, _ in self.summary)
            lines.append("-" * 60)
            lines += [f"{label.ljust(width)} : {value}" for label, value in self.summary]
        if len(self.coupons):
            lines.append("-" * 60)
            lines.append("웰컴 쿠폰:")
            for row in self.coupons.itertuples(index=False):
                lines.append(f"  • {row.COUPON} (유효 {row.VALID_DAYS}일)")
                lines.append(f"      └ {row.REASON}")
            perks = [p for p in pd.unique(self.coupons["PERK"].dropna()) if p]
            lines += [f"  + 등급 혜택: {p}" for p in perks]
        return "\n".join(lines)


_SUMMARY_FIELDS = ("demographics", "grade", "segment", "preference", "history", "offline", "survey")


def _signup_offer(cid: int, r: Mapping) -> pd.DataFrame:
    """The one coupon an id without an online record gets (``PREF_RANK`` 0)."""
    offer = r["signup_offer"]
    coupons = pd.DataFrame({
        "CLNT_ID": [cid], "PREF_RANK": [0], "CATEGORY": pd.array([None], dtype="str"), "PREF_INDEX": [np.nan],
        "GRADE": pd.array([None], dtype="str"), "DISCOUNT_PCT": [float(offer["discount_pct"])],
        "POINT_RATE": [np.nan], "VALID_DAYS": [int(r["valid_days"])],
        "COUPON": pd.array([offer["coupon"]], dtype="str"), "PERK": pd.array([""], dtype="str"),
        "REASON": pd.array([f"고객 ID {cid}에 해당하는 온라인 고객 기록이 없어 가입 권유 쿠폰을 드립니다. {offer['message']}"],
                           dtype="str")})
    return coupons.astype({"CLNT_ID": "int64", "PREF_RANK": "int64"})


def scan(client_id: Any, profiles, *, rules: Mapping | None = None) -> ScanResult:
    """Entrance scan: welcome coupons and profile summary for a scanned customer id.

    Parameters
    ----------
    client_id : str or int
        As scanned or typed (zero padding allowed).
    profiles : compute.ProfileBook, compute.ReportProfiles or path
        Where profiles come from; a path is a rendered report folder (``ReportProfiles``).
    rules : mapping, optional
        Coupon rule overrides (:func:`~helpers.chapters.services.coupons.coupon_rules`).

    Returns
    -------
    ScanResult
        ``known``: coupons for the top preferences × grade benefit, with the reason, and the profile summary;
        ``unknown``: the sign-up offer; ``malformed``: a message saying what is wrong (no exception).
    """
    r = coupon_rules(rules)
    if isinstance(profiles, (str, Path)):
        profiles = ReportProfiles(profiles)
    text = "" if client_id is None else str(client_id)
    empty = welcome_coupons(pd.DataFrame(columns=["CLNT_ID", "GRADE", "POINT_RATE", "RANK1", "RANK1_INDEX", "RANK2",
                                                  "RANK2_INDEX", "RANK3", "RANK3_INDEX"]), rules=rules).iloc[0:0]
    try:
        cid = parse_client_id(client_id)
    except ValueError as exc:
        return ScanResult("malformed", text, None, f"스캔 오류: {exc}", empty, [])
    found = profiles.lookup(cid)
    if found is None:
        return ScanResult("unknown", text, cid, f"고객 ID {cid}: 등록된 온라인 고객이 아닙니다 → L.POINT 가입 권유",
                          _signup_offer(cid, r), [])
    row, recent = found
    card = make_card(row, recent, getattr(profiles, "playbook_map", {}))
    coupons = welcome_coupons(row, rules=rules)
    summary = [(label, value) for key, label, value, _why in card.fields if key in _SUMMARY_FIELDS]
    grade = row["GRADE"].iloc[0]
    head = f"고객 {cid} 환영합니다" + (f" [{grade}]" if pd.notna(grade) else "") + \
        f" · 맞춤 쿠폰 {len(coupons)}장"
    return ScanResult("known", text, cid, head, coupons, summary, card)


def example_scans(profiles, known_id: Any = None, *, rules: Mapping | None = None) -> list[ScanResult]:
    """Three example scans for the report: a known customer (``known_id`` or the first profiled one), an id no
    online customer has (one above the largest), and a malformed input."""
    ids = profiles.table["CLNT_ID"]
    if len(ids) == 0:
        raise ValueError("no profiles: nothing to scan")
    known = ids.iloc[0] if known_id is None else known_id
    unknown = int(ids.max()) + 1
    return [scan(str(known), profiles, rules=rules), scan(str(unknown), profiles, rules=rules),
            scan("12A45", profiles, rules=rules)]
