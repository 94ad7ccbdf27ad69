"""Search keywords, Search1 (buyers' searches per session) and Search2 (all visitors' daily searches)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data.synthetic.constants import (
    _BRANDS_PER_CATEGORY,
    CATEGORIES,
    CLAC1_SHARES,
    ITEM_WORDS,
    REFERENCE_DAYS,
    SCALES,
)
from helpers.data.synthetic.population import _draw_by_category
from helpers.data.synthetic.utils import _choice_cdf, _norm, _rng


def _keyword_vocab(sizes: dict, master: dict, seed: int) -> dict:
    """Search keywords: items, brands, modifier+item, brand+item, brand+modifier+item (category-tagged)."""
    rng = _rng(seed, "keywords")
    items, item_cat = [], []
    for i, c in enumerate(CATEGORIES):
        items += list(ITEM_WORDS[c])
        item_cat += [i] * len(ITEM_WORDS[c])
    items_arr, item_cat = pa.array(items), np.array(item_cat)
    brands = master["brand_names"]
    brand_cat = np.repeat(np.arange(len(CATEGORIES)), _BRANDS_PER_CATEGORY)
    mods = ["여성", "남성", "아동", "여름", "빅사이즈", "세트", "1+1", "특가", "신상", "정품", "대용량", "미니", "블랙",
            "화이트", "네이비", "린넨", "오버핏", "추천", "할인", "국내산", "유기농", "휴대용", "무선", "고급",
            "가성비",
            "선물", "2018", "인기", "명품", "초특가"]
    n_items, n_brands, n_mods = len(items), len(brands), len(mods)
    target = sizes["keywords2"]
    # Candidate codes: (type, a, b, c) packed into one integer; unique; then ordered by popularity.
    m = int(target * 1.6) + 2_000
    kind = _choice_cdf(rng, np.cumsum([0.02, 0.02, 0.16, 0.30, 0.50]), m)
    it = rng.integers(0, n_items, m)
    k_cat = item_cat[it]
    br = k_cat * _BRANDS_PER_CATEGORY + rng.integers(0, _BRANDS_PER_CATEGORY, m)  # brand of the same category
    md = rng.integers(0, n_mods, m)
    it = np.where(kind == 1, 0, it)
    br = np.where(np.isin(kind, (0, 2)), 0, br)
    md = np.where(np.isin(kind, (0, 1, 3)), 0, md)
    code = ((kind * 4096 + it) * 4096 + br) * 64 + md
    # Always include every single item and brand so short keywords exist.
    base = np.concatenate([(0 * 4096 + np.arange(n_items)) * 4096 * 64,
                           ((1 * 4096 + 0) * 4096 + np.arange(n_brands)) * 64])
    code, first = np.unique(np.concatenate([base, code]), return_index=True)
    order = np.argsort(first, kind="stable")       # keep base words first, then draw order
    code = code[order][:target]
    md = code % 64
    br = (code // 64) % 4096
    it = (code // (64 * 4096)) % 4096
    kind = code // (64 * 4096 * 4096)
    cat = np.where(kind == 1, brand_cat[br], item_cat[it])
    nulls = pa.nulls(len(code), pa.string())
    a = pc.if_else(pa.array(np.isin(kind, (1, 3, 4))), pa.array(brands).take(pa.array(br)), nulls)
    b = pc.if_else(pa.array(np.isin(kind, (2, 4))), pa.array(mods).take(pa.array(md)), nulls)
    c = pc.if_else(pa.array(kind != 1), items_arr.take(pa.array(it)), nulls)
    text = pc.binary_join_element_wise(a, b, c, " ", null_handling="skip")
    # Popularity: shorter keywords and earlier draws are more popular.
    pop_rank = np.argsort(np.argsort(kind + rng.random(len(code)) * 2.5, kind="stable"), kind="stable") + 1
    return {"text": text, "cat": cat, "rank": pop_rank, "n": len(code)}


def _make_search1(sessions: dict, vocab: dict, sizes: dict, seed: int) -> dict:
    rng = _rng(seed, "search1")
    sess = np.repeat(np.arange(sessions["n"]), sessions["n_kw"])
    n = len(sess)
    primary = sessions["primary"][sess].astype(np.int64)
    shares = _norm(list(CLAC1_SHARES.values()))
    random_cat = _choice_cdf(rng, np.cumsum(shares), n)
    kw_cat = np.where((primary >= 0) & (rng.random(n) < 0.8), primary, random_cat)
    # Search1 uses the most popular keywords1 keywords of the vocabulary.
    in_v1 = np.flatnonzero(vocab["rank"] <= sizes["keywords1"])
    pools, weights = [], []
    for k in range(len(CATEGORIES)):
        idx = in_v1[vocab["cat"][in_v1] == k]
        pools.append(idx)
        weights.append(vocab["rank"][idx].astype(float) ** -0.8)
    empty = np.array([len(p) == 0 for p in pools])
    kw_cat = np.where(empty[kw_cat], CATEGORIES.index("여성의류"), kw_cat)
    kw = _draw_by_category(rng, kw_cat, pools, weights)
    key = sess.astype(np.int64) * (1 << 24) + kw
    _, keep = np.unique(key, return_index=True)   # one row per (session, keyword)
    keep.sort()
    sess, kw = sess[keep], kw[keep]
    cnt = rng.geometric(0.53, len(sess)).astype(np.int64)
    return {"sess": sess, "kw": kw, "cnt": cnt, "n": len(sess)}


def _make_search2(vocab: dict, sizes: dict, day_weight: np.ndarray, seed: int) -> dict:
    """Daily searches of all visitors: each keyword appears on a day with a popularity-driven probability."""
    rng = _rng(seed, "search2")
    n_days = len(day_weight)
    target_per_day = sizes["search2"] / n_days
    w = vocab["rank"].astype(float) ** -0.85
    lo, hi = 1e-9, 1e6
    for _ in range(80):  # bisection on the scale so that expected rows match the target
        mid = np.sqrt(lo * hi)
        if np.minimum(1.0, mid * w).sum() < target_per_day:
            lo = mid
        else:
            hi = mid
    p = np.minimum(1.0, lo * w)
    dw = day_weight / day_weight.mean()
    rows_day, rows_kw = [], []
    chunk = max(1, 4_000_000 // n_days)
    for k0 in range(0, vocab["n"], chunk):  # chunks of keywords × all days, for bounded memory
        pk = p[k0:k0 + chunk]
        prob = np.minimum(1.0, pk[:, None] * dw[None, :])
        hit = rng.random(prob.shape) < prob
        kk, dd = np.nonzero(hit)
        rows_kw.append(kk + k0)
        rows_day.append(dd)
    kw = np.concatenate(rows_kw)
    day = np.concatenate(rows_day)
    order = np.lexsort((vocab["rank"][kw], day))
    kw, day = kw[order], day[order]
    # The most searched keyword gets ~30,000 searches a day at full scale, fewer on smaller scales.
    top = 30_000 * min(1.0, target_per_day / (SCALES["full"]["search2"] / REFERENCE_DAYS)) ** 0.5
    mean_cnt = 1 + top * w[kw] / w.max() * dw[day]
    cnt = 1 + rng.poisson(rng.gamma(1.5, (mean_cnt - 1 + 1e-9) / 1.5))
    return {"day": day, "kw": kw, "cnt": cnt.astype(np.int64), "n": len(kw)}


