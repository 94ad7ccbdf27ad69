"""Welcome coupons of chapter 6 "Real Smart Store": a customer's top preferences × their grade's benefit.

Rules live in ``helpers/resources/coupons.yaml`` (read with the one rule loader, overrides merged with the one
merge: a new grade or category may be added, any other unknown key is rejected). Used by the entrance scan
(``smartstore.scan``) and by the campaign list (``compute.campaign_targets``).

Public API: coupon_rules, welcome_coupons.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from helpers.common.rules import load_rules, merge_rules

__all__ = ["coupon_rules", "welcome_coupons"]

COUPONS_FILE = "coupons.yaml"


def coupon_rules(rules: Mapping | None = None) -> dict:
    """The coupon rules of ``resources/coupons.yaml`` with ``rules`` merged over them (validated).

    Raises
    ------
    ValueError
        Unknown key, non-numeric discount, ``top_n`` outside 1..3, a category text without ``{discount}``.
    """
    merged = merge_rules(load_rules(COUPONS_FILE), rules or {}, what=f"coupon rules ({COUPONS_FILE})",
                         open_paths=("grade_benefits", "category_texts"))
    if merged["top_n"] not in (1, 2, 3):
        raise ValueError(f"coupon rules: top_n must be 1, 2 or 3, got {merged['top_n']!r}")
    for name, benefit in list(merged["grade_benefits"].items()) + [("no_grade", merged["no_grade"])]:
        pct = benefit.get("discount_pct") if isinstance(benefit, Mapping) else None
        if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not 0 <= pct <= 100:
            raise ValueError(f"coupon rules: grade_benefits.{name}.discount_pct must be a number in 0..100, "
                             f"got {pct!r}")
    for cat, text in merged["category_texts"].items():
        if "{discount}" not in str(text):
            raise ValueError(f"coupon rules: category_texts.{cat} must contain '{{discount}}', got {text!r}")
    return merged


def welcome_coupons(profiles: pd.DataFrame, *, rules: Mapping | None = None) -> pd.DataFrame:
    """Coupons of each customer: top preferred categories × grade benefit (vectorised over customers).

    Parameters
    ----------
    profiles : pandas.DataFrame
        ``CLNT_ID, GRADE, POINT_RATE, RANK1, RANK1_INDEX, RANK2, RANK2_INDEX, RANK3, RANK3_INDEX`` (a
        ``ProfileBook.table`` or a slice of it).
    rules : mapping, optional
        Overrides of ``resources/coupons.yaml`` (:func:`coupon_rules`).

    Returns
    -------
    pandas.DataFrame
        ``CLNT_ID, PREF_RANK, CATEGORY, PREF_INDEX, GRADE, DISCOUNT_PCT, POINT_RATE, VALID_DAYS, COUPON, PERK,
        REASON``; one row per customer and preferred category (customers without preferences have none),
        ordered by customer then rank.
    """
    r = coupon_rules(rules)
    need = ["CLNT_ID", "GRADE", "POINT_RATE"] + [f"RANK{i}{s}" for i in (1, 2, 3) for s in ("", "_INDEX")]
    missing = [c for c in need if c not in profiles.columns]
    if missing:
        raise ValueError(f"profiles lacks column(s) {missing} (use ProfileBook.table)")
    long = _preferences_long(profiles, r["top_n"])
    grade = long["GRADE"].astype("str")
    benefits = r["grade_benefits"]
    base_pct = grade.map({g: b["discount_pct"] for g, b in benefits.items()}).fillna(r["no_grade"]["discount_pct"])
    perk = grade.map({g: b.get("perk", "") for g, b in benefits.items()}).fillna(r["no_grade"].get("perk", ""))
    discount = np.maximum(base_pct.to_numpy(float) - r["rank_step_pct"] * (long["PREF_RANK"].to_numpy() - 1),
                          r["min_discount_pct"])
    texts = r["category_texts"]
    category = long["CATEGORY"].astype(str).to_numpy(dtype=object)
    coupon = [str(texts.get(c, texts["default"])).replace("{category}", c).replace("{discount}", f"{d:g}")
              for c, d in zip(category, discount)]
    out = pd.DataFrame({
        "CLNT_ID": long["CLNT_ID"].to_numpy(dtype=np.int64),
        "PREF_RANK": long["PREF_RANK"].to_numpy(dtype=np.int64),
        "CATEGORY": pd.array(category, dtype="str"),
        "PREF_INDEX": long["PREF_INDEX"].to_numpy(dtype=float),
        "GRADE": pd.array(long["GRADE"].to_numpy(), dtype="str"),
        "DISCOUNT_PCT": discount.astype(float),
        "POINT_RATE": long["POINT_RATE"].to_numpy(dtype=float),
        "VALID_DAYS": np.full(len(long), int(r["valid_days"]), dtype=np.int64),
        "COUPON": pd.array(coupon, dtype="str"),
        "PERK": pd.array(perk.to_numpy(), dtype="str"),
        "REASON": pd.array(_coupon_reasons(long, category, grade, base_pct, r["rank_step_pct"]), dtype="str"),
    })
    return out.reset_index(drop=True)


def _preferences_long(profiles: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """One row per customer and preference rank 1..``top_n`` that has a category (customer, then rank)."""
    parts = []
    for rank in range(1, top_n + 1):
        part = profiles[["CLNT_ID", "GRADE", "POINT_RATE", f"RANK{rank}", f"RANK{rank}_INDEX"]].rename(
            columns={f"RANK{rank}": "CATEGORY", f"RANK{rank}_INDEX": "PREF_INDEX"})
        part = part[part["CATEGORY"].notna()].assign(PREF_RANK=rank)
        parts.append(part)
    return pd.concat(parts, ignore_index=True).sort_values(["CLNT_ID", "PREF_RANK"], kind="mergesort")


def _coupon_reasons(long: pd.DataFrame, category: np.ndarray, grade: pd.Series, base_pct: pd.Series,
                    rank_step_pct) -> np.ndarray:
    """'선호지수 2순위 패션잡화(80.5) × 스타 등급 혜택 15% - 순위당 2%p, 적립 0.8%' per coupon."""
    grade_txt = grade.fillna("등급 없음").to_numpy(dtype=object)
    rate_txt = np.array([("" if pd.isna(p) else f", 적립 {p:.1%}") for p in long["POINT_RATE"]], dtype=object)
    step = (f" - 순위당 {rank_step_pct}%p" if rank_step_pct else "")
    return (np.array([f"선호지수 {k}순위 " for k in long["PREF_RANK"]], dtype=object) + category
            + np.array([f"({v:.1f})" if pd.notna(v) else "" for v in long["PREF_INDEX"]], dtype=object)
            + " × " + grade_txt + " 등급 혜택 " + np.array([f"{b:g}%" for b in base_pct], dtype=object)
            + np.where(long["PREF_RANK"].to_numpy() > 1, step, "") + rate_txt)
