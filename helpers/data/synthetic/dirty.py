"""Dirty rows and format quirks added to the clean simulation (each counted in ``GenerationResult.dirty``)."""
from __future__ import annotations

import numpy as np

from helpers.data.synthetic.constants import (
    _DIRTY_RATES,
    CATEGORIES,
    DEVICE_SHARES,
    DIRTY_RULES,
    OUTLIER_SESSION_KRW,
    PRICE_DIV1000_CATEGORIES,
    PRICE_DIV1000_MIN_TRUE_PRICE,
    SESSIONLESS_LINE_SHARE,
)
from helpers.data.synthetic.population import _draw_by_category
from helpers.data.synthetic.utils import _group_starts, _pick, _rate_count


def _big_quantities(rng, p_price: np.ndarray, p_qty: np.ndarray, quirks: dict) -> np.ndarray:
    """Big quantities written "1,440" (cheap items only, so no session becomes an outlier by accident)."""
    L = len(p_price)
    cheap = np.flatnonzero(p_price <= 3_000)
    n_big = min(len(cheap), max(1, round(2e-5 * L)))
    big = rng.choice(cheap, n_big, replace=False) if n_big else np.zeros(0, dtype=np.int64)
    p_qty[big] = rng.choice([1_000, 1_200, 1_440, 2_000, 2_400], n_big)
    quirks["product_quantity_with_separator"] = int(n_big)
    special = np.zeros(L, dtype=bool)
    special[big] = True
    return special


def _div1000_and_negative(rng, lines: dict, p_price: np.ndarray, special: np.ndarray, counts: dict) -> None:
    """÷1000 prices (expensive lines of the listed categories, never a product's only line), negative prices."""
    p_prod = lines["product"]
    div_cats = [CATEGORIES.index(c) for c in PRICE_DIV1000_CATEGORIES]
    cand = np.flatnonzero(np.isin(lines["cat"], div_cats) & (p_price >= PRICE_DIV1000_MIN_TRUE_PRICE) & ~special)
    if len(cand):
        order = np.lexsort((rng.random(len(cand)), p_prod[cand]))
        cand = cand[order]
        later = (np.arange(len(cand)) - _group_starts(p_prod[cand])) > 0
        cand = cand[later]
    n_div = _rate_count(_DIRTY_RATES["price_div1000_of_eligible"], len(cand))
    div = rng.choice(cand, n_div, replace=False) if n_div else np.zeros(0, dtype=np.int64)
    p_price[div] = np.maximum(1, np.round(p_price[div] / 1000)).astype(np.int64)
    special[div] = True
    counts["price_div1000"] = int(n_div)
    free = np.flatnonzero(~special)
    neg = _pick(rng, free, _rate_count(_DIRTY_RATES["negative_amount"], len(p_price), 2))
    p_price[neg] = -p_price[neg]
    special[neg] = True
    counts["negative_amount"] = len(neg)


def _extra_lines(rng, sessions: dict, master: dict, lines: dict, counts: dict, details: dict) -> list[tuple]:
    """HITS_SEQ = 1 lines in distinct purchase sessions and the one ≈ 100 M KRW session (extra 상품권 line)."""
    n_h1 = _rate_count(_DIRTY_RATES["hits_seq_1"], lines["n"])
    prod_sessions = np.flatnonzero(sessions["n_lines"] > 0)
    h1_sess = _pick(rng, prod_sessions, n_h1)
    h1_cat = sessions["primary"][h1_sess].astype(np.int64)
    pools = [np.flatnonzero(master["cat"] == k) for k in range(len(CATEGORIES))]
    h1_prod = _draw_by_category(rng, h1_cat, pools, [master["popularity"][p] for p in pools])
    ones = np.ones(len(h1_sess), dtype=np.int64)
    extra = [(h1_sess, h1_prod, master["price"][h1_prod], ones, ones, np.zeros(len(h1_sess), dtype=np.int64))]
    counts["hits_seq_1"] = int(len(h1_sess))
    gift = pools[CATEGORIES.index("상품권")]
    out_pool = np.setdiff1d(prod_sessions, h1_sess)
    if len(out_pool) and len(gift):
        out_sess = int(_pick(rng, out_pool, 1)[0])
        gift_price = 500_000
        extra.append((np.array([out_sess]), np.array([gift[np.argmax(master["price"][gift])]]),
                      np.array([gift_price]), np.array([OUTLIER_SESSION_KRW // gift_price]),
                      np.array([lines["hits"][lines["sess"] == out_sess].max() + 1]), np.array([0])))
        counts["outlier_session"] = 1
        details["outlier_session"] = {"session_index": out_sess}
    return extra


def product_rows(rng, lines: dict, sessions: dict, master: dict, dirty: bool) -> dict:
    """Product rows in file order (``ri`` indexes the ``all_*`` arrays), with the dirty rows and counts."""
    counts = {k: 0 for k in DIRTY_RULES}
    details: dict = {}
    quirks: dict = {}
    p_price, p_qty = lines["price"].copy(), lines["qty"].copy()
    special = _big_quantities(rng, p_price, p_qty, quirks)
    cols = [lines["sess"], lines["product"], p_price, p_qty, lines["hits"], lines["option"]]
    if dirty:
        _div1000_and_negative(rng, lines, p_price, special, counts)
        for extra in _extra_lines(rng, sessions, master, lines, counts, details):
            cols = [np.concatenate([a, b]) for a, b in zip(cols, extra)]
    rows = dict(zip(("sess", "prod", "price", "qty", "hits", "opt"), cols))
    row_index = np.arange(len(rows["sess"]))
    if dirty:  # exact duplicates of ordinary rows, written right after the original
        ordinary = np.flatnonzero(rows["hits"][: lines["n"]] > 1)
        ordinary = ordinary[~special[ordinary]]
        dup = np.sort(_pick(rng, ordinary, _rate_count(_DIRTY_RATES["duplicate_product_rows"], lines["n"], 2)))
        row_index = np.concatenate([row_index, dup])
        counts["duplicate_product_rows"] = len(dup)
    # Output order: by session (clients, then their sessions by date), then hit sequence; copies follow.
    order = np.lexsort((np.arange(len(row_index)), rows["hits"][row_index], rows["sess"][row_index]))
    rows.update(ri=row_index[order], counts=counts, details=details, quirks=quirks)
    return rows


def session_values(rng, sessions: dict, product: dict, n_days: int, dirty: bool) -> dict:
    """Session columns with the dirty values (dates outside the window, smartTV, empty time / page views)."""
    S, counts, details = sessions["n"], product["counts"], product["details"]
    out = {"day": sessions["day"].astype(np.int64).copy(), "views": sessions["views"].astype(float),
           "hr": sessions["hr"].astype(np.int64), "hr_null": np.zeros(S, dtype=bool),
           "views_null": np.zeros(S, dtype=bool), "device": sessions["device"].copy(),
           "devices": list(DEVICE_SHARES) + ["smartTV"]}
    if not dirty:
        return out
    prod_sessions = np.flatnonzero(sessions["n_lines"] > 0)
    outlier = [details["outlier_session"]["session_index"]] if "outlier_session" in details else []
    candidates = np.setdiff1d(prod_sessions, outlier)
    outside = _pick(rng, candidates, _rate_count(_DIRTY_RATES["session_outside_window"], S, 2))
    shift = rng.integers(1, 4, len(outside))
    before = rng.random(len(outside)) < 0.5
    out["day"][outside] = np.where(before, -shift, n_days - 1 + shift)
    counts["session_outside_window"] = len(outside)
    details["session_outside_window_index"] = outside.tolist()
    details["session_outside_window_product_rows"] = int(np.isin(product["sess"][product["ri"]], outside).sum())
    tv = _pick(rng, S, _rate_count(_DIRTY_RATES["session_device_smarttv"], S))
    out["device"][tv] = len(DEVICE_SHARES)
    counts["session_device_smarttv"] = len(tv)
    empty_hr = _pick(rng, S, _rate_count(_DIRTY_RATES["session_empty_time"], S))
    out["hr_null"][empty_hr] = True
    counts["session_empty_time"] = len(empty_hr)
    empty_pv = _pick(rng, S, _rate_count(_DIRTY_RATES["session_nan_page_views"], S))
    out["views_null"][empty_pv] = True
    counts["session_nan_page_views"] = len(empty_pv)
    return out


def custom_values(rng, clients: dict, counts: dict, dirty: bool) -> dict:
    """Custom rows (members) with the dirty ages (99) and genders ('X')."""
    member_idx = np.flatnonzero(clients["member"])
    gender = clients["gender"][member_idx].astype(object)
    age = clients["age"][member_idx].astype(np.int64)
    if dirty and len(member_idx):
        n_a = _rate_count(_DIRTY_RATES["custom_age_99"], len(member_idx))
        n_g = _rate_count(_DIRTY_RATES["custom_gender_x"], len(member_idx))
        pick = _pick(rng, len(member_idx), n_a + n_g)
        age[pick[:n_a]] = 99
        gender[pick[n_a:]] = "X"
        counts["custom_age_99"] = len(pick[:n_a])
        counts["custom_gender_x"] = len(pick[n_a:])
    return {"idx": member_idx, "gender": gender, "age": age}


def sessionless(rng, sessions: dict, product: dict, share: float = SESSIONLESS_LINE_SHARE) -> np.ndarray:
    """Mask of Session rows to write: purchase sessions holding ``share`` of the lines lose their row.

    As in the real files (DATA.md: 15 % of Product lines have no Session row). The chosen sessions are random
    purchase sessions, never the outlier session or one moved outside the window (those are dirty rows with
    their own counts); their Product and Search1 rows stay.
    """
    keep = np.ones(sessions["n"], dtype=bool)
    details = product["details"]
    taken = set()
    if "outlier_session" in details:
        taken.add(details["outlier_session"]["session_index"])
    taken.update(details.get("session_outside_window_index", []))
    eligible = np.setdiff1d(np.flatnonzero(sessions["n_lines"] > 0), np.array(sorted(taken), dtype=np.int64))
    order = rng.permutation(eligible)
    cum = np.cumsum(sessions["n_lines"][order])
    n_drop = int(np.searchsorted(cum, share * sessions["n_lines"].sum(), side="right"))
    keep[order[:n_drop]] = False
    product["quirks"]["sessions_without_row"] = int(n_drop)
    product["quirks"]["product_lines_without_session"] = int((~keep[product["sess"][product["ri"]]]).sum())
    return keep
