"""The chapter-6 store files: offline purchases and the sign-up survey."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers.data.synthetic.constants import (
    _DIRTY_RATES,
    _OFFLINE_NOTES,
    CATEGORIES,
    CITIES,
    CLAC1_SHARES,
    OFFLINE_UNKNOWN_CATEGORY,
    PLANTED_PRICE_MEDIAN,
    PRICE_PARAMS,
    REGION_SHARES,
    STORES,
    SURVEY_CATEGORIES,
    SURVEY_CHANNELS,
    SURVEY_REASONS,
    _survey_category,
)
from helpers.data.synthetic.utils import _choice_cdf, _norm, _pick, _rate_count, _rng
from helpers.data.synthetic.writer import _dict_array


def _region_of_city(city: np.ndarray) -> np.ndarray:
    region_of = []
    for r_i, r in enumerate(REGION_SHARES):
        region_of += [r_i] * len(CITIES[r])
    return np.array(region_of)[city]


def _make_store_data(sizes, clients, sessions, start: date, n_days: int, seed: int, dirty: bool) -> dict:
    rng = _rng(seed, "store")
    buyers = np.unique(sessions["client"])
    max_id = int(clients["id"].max()) if len(clients["id"]) else 0
    out = _offline(rng, sizes, clients, buyers, max_id, start, n_days, dirty)
    out.update(_survey(rng, sizes, clients, buyers, max_id, n_days, start))
    return out


def _store_ids(rng, clients: dict, buyers: np.ndarray, max_id: int, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """``n`` client ids: about 90 % buyers, 10 % unknown ids above every online id."""
    unknown = rng.random(n) < 0.10
    known_idx = buyers[rng.integers(0, len(buyers), n)] if len(buyers) else np.zeros(n, dtype=np.int64)
    ids = clients["id"][known_idx].copy()
    ids[unknown] = max_id + 1 + rng.choice(10 * n + 10, unknown.sum(), replace=False)
    return ids, known_idx, int(unknown.sum())


def _offline(rng, sizes, clients, buyers, max_id: int, start: date, n_days: int, dirty: bool) -> dict:
    """Offline purchases (favourite-driven categories, dirty negative amounts and unknown categories)."""
    n = sizes["offline"]
    ids, known_idx, unknown_offline = _store_ids(rng, clients, buyers, max_id, n)
    shares = _norm(list(CLAC1_SHARES.values()))
    cat = np.where(rng.random(n) < 0.6, clients["favourite"][known_idx], _choice_cdf(rng, np.cumsum(shares), n))
    median = np.array([PRICE_PARAMS.get(c, (PLANTED_PRICE_MEDIAN, 0.5))[0] for c in CATEGORIES])
    amount = np.round(median[cat] * np.exp(0.6 * rng.standard_normal(n)) * rng.integers(1, 4, n), -2).astype(np.int64)
    amount = np.maximum(amount, 1_000)
    cat_names = list(CATEGORIES) + [OFFLINE_UNKNOWN_CATEGORY]
    dirty_negative = dirty_category = 0
    if dirty and n:
        dirty_negative = _rate_count(_DIRTY_RATES["offline_negative_amount"], n)
        dirty_category = _rate_count(_DIRTY_RATES["offline_unknown_category"], n)
        pick = _pick(rng, n, dirty_negative + dirty_category)
        amount[pick[:dirty_negative]] *= -1
        cat[pick[dirty_negative:]] = len(CATEGORIES)
        dirty_negative, dirty_category = len(pick[:dirty_negative]), len(pick[dirty_negative:])
    dates = pd.date_range(start, periods=n_days, freq="D").strftime("%Y-%m-%d").tolist()
    day = rng.integers(0, n_days, n)
    note_idx = rng.integers(0, len(_OFFLINE_NOTES), n)
    note_null = rng.random(n) < 0.6
    order = np.lexsort((ids, day))
    offline = pa.table({
        "CLNT_ID": ids[order],
        "STORE_NM": _dict_array(rng.integers(0, len(STORES), n)[order], list(STORES)),
        "PURCHASE_DT": _dict_array(day[order], dates),
        "CLAC1_NM": _dict_array(cat[order], cat_names),
        "AMOUNT": amount[order],
        "CONSIDER_MIN": np.round(np.exp(np.log(12) + 0.7 * rng.standard_normal(n)), 1)[order],
        "NOTE": pa.DictionaryArray.from_arrays(pa.array(note_idx[order].astype(np.int32),
                                                        mask=note_null[order]), pa.array(_OFFLINE_NOTES)),
    })

    return {"offline": offline, "unknown_offline": unknown_offline, "dirty_negative": int(dirty_negative),
            "dirty_category": int(dirty_category)}


def _survey(rng, sizes, clients, buyers, max_id: int, n_days: int, start: date) -> dict:
    """Sign-up survey: one row per client (favourite mapped to the four survey categories 75 % of the time)."""
    dates = pd.date_range(start, periods=n_days, freq="D").strftime("%Y-%m-%d").tolist()
    m = sizes["survey"]
    ids_s, known_s, unknown_survey = _store_ids(rng, clients, buyers, max_id, m)
    ids_s, first = np.unique(ids_s, return_index=True)
    known_s = known_s[first]
    unknown_survey = int((ids_s > max_id).sum())
    m = len(ids_s)
    fav_survey = np.array([SURVEY_CATEGORIES.index(_survey_category(c)) for c in CATEGORIES])
    true_cat = fav_survey[clients["favourite"][known_s]]
    unknown_mask = ids_s > max_id
    fav = np.where((rng.random(m) < 0.75) & ~unknown_mask, true_cat, rng.integers(0, len(SURVEY_CATEGORIES), m))
    survey = pa.table({
        "CLNT_ID": ids_s,
        "SIGNUP_DT": _dict_array(rng.integers(0, n_days, m), dates),
        "FAV_CATEGORY": _dict_array(fav, list(SURVEY_CATEGORIES)),
        "REASON": _dict_array(_choice_cdf(rng, np.cumsum([0.3, 0.35, 0.15, 0.2]), m), list(SURVEY_REASONS)),
        "CHANNEL": _dict_array(_choice_cdf(rng, np.cumsum([0.4, 0.2, 0.25, 0.15]), m), list(SURVEY_CHANNELS)),
    })
    return {"survey": survey, "unknown_survey": unknown_survey}
