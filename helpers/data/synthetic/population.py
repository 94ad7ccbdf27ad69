"""Products (Master), clients, purchase sessions and purchase lines."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data.synthetic.constants import (
    _BRAND_SYLLABLES_1,
    _BRAND_SYLLABLES_2,
    _BRANDS_PER_CATEGORY,
    _CLAC3_SUFFIXES,
    _FLOORED_CATEGORIES,
    _TRANSACTION_SIZES,
    AGE_SHARES,
    BRANDS,
    CATEGORIES,
    CITIES,
    CLAC1_SHARES,
    CLAC2_BY_CLAC1,
    COPURCHASE_PAIR_PROB,
    DEVICE_SHARES,
    FAVOURITE_SESSION_SHARE,
    FAVOURITE_WEIGHTS,
    GENDER_SHARES,
    ITEM_WORDS,
    MULTI_BUY_CATEGORIES,
    MULTI_CATEGORY_SESSION_SHARE,
    N_CLAC3,
    PATTERN_EFFECTS,
    PATTERN_VARIABLES,
    PLANTED_COPURCHASE_PAIRS,
    PLANTED_PATTERNS,
    PLANTED_PRICE_MEDIAN,
    PLANTED_PRICE_SIGMA,
    PRICE_FLOOR_EXPENSIVE,
    PRICE_LEVEL,
    PRICE_PARAMS,
    REFERENCE_DAYS,
    REGION_SHARES,
    SCALES,
    SESSIONLESS_LINE_SHARE,
    UNPLANTED_PRICE_LEVEL,
)
from helpers.data.synthetic.utils import _choice_cdf, _group_starts, _norm, _rng

# ------------------------------------------------------------------------------------------------
# Generation steps
# ------------------------------------------------------------------------------------------------

def _sizes(scale: str, n_days: int) -> dict[str, int]:
    base = SCALES[scale]
    out = dict(base)
    for key in _TRANSACTION_SIZES:
        out[key] = max(1, int(round(base[key] * n_days / REFERENCE_DAYS)))
    return out


def _pattern_multipliers() -> np.ndarray:
    """(37 x 4) multipliers for (time, views, searches, price) by category."""
    m = np.array([[PATTERN_EFFECTS[v]["neutral"] for v in PATTERN_VARIABLES]] * len(CATEGORIES))
    for c, bits in PLANTED_PATTERNS.items():
        m[CATEGORIES.index(c)] = [PATTERN_EFFECTS[v]["high" if b == "1" else "low"]
                                  for v, b in zip(PATTERN_VARIABLES, bits)]
    return m


def _brand_vocab(seed: int) -> tuple[list[str], np.ndarray]:
    """Brand names and the category of each (real names first, then made-up ones)."""
    names, cats = [], []
    rng = _rng(seed, "brands")
    made = [a + b + c for a in _BRAND_SYLLABLES_1 for b in _BRAND_SYLLABLES_2 for c in ("", "코", "나", "스")]
    order = rng.permutation(len(made))
    used = 0
    for i, c in enumerate(CATEGORIES):
        own = list(BRANDS[c])
        while len(own) < _BRANDS_PER_CATEGORY:
            own.append(made[order[used % len(made)]])
            used += 1
        names += own
        cats += [i] * len(own)
    return names, np.array(cats)


def _clac_tables() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """CLAC2 names with their CLAC1 index; CLAC3 names with their CLAC2 index (898 in all)."""
    clac2, clac2_cat = [], []
    for i, c in enumerate(CATEGORIES):
        for name in CLAC2_BY_CLAC1[c]:
            clac2.append(name)
            clac2_cat.append(i)
    n2 = len(clac2)
    per = np.full(n2, N_CLAC3 // n2)
    per[: N_CLAC3 - per.sum()] += 1
    clac3, clac3_of2 = [], []
    for j, name in enumerate(clac2):
        for k in range(per[j]):
            clac3.append(f"{name} {_CLAC3_SUFFIXES[k % len(_CLAC3_SUFFIXES)]}")
            clac3_of2.append(j)
    return clac2, np.array(clac2_cat), clac3, np.array(clac3_of2)


def _master_classes(rng, n: int, seed: int) -> dict:
    """Category, CLAC2/CLAC3, brand and bracket flag of every product (CLAC1 shares flattened ^0.8)."""
    shares = _norm(list(CLAC1_SHARES.values()))
    alloc = _norm(shares ** 0.8)
    per_cat = np.maximum(3, np.floor(alloc * n).astype(int))
    per_cat[0] += n - per_cat.sum()
    cat = np.repeat(np.arange(len(CATEGORIES)), per_cat).astype(np.int16)
    n = len(cat)
    clac2, clac2_cat, clac3, clac3_of2 = _clac_tables()
    n2_per_cat = np.bincount(clac2_cat, minlength=len(CATEGORIES))
    off2 = np.concatenate([[0], np.cumsum(n2_per_cat)[:-1]])
    c2 = off2[cat] + np.floor(rng.random(n) ** 1.3 * n2_per_cat[cat]).astype(int)
    n3_per_2 = np.bincount(clac3_of2, minlength=len(clac2))
    off3 = np.concatenate([[0], np.cumsum(n3_per_2)[:-1]])
    c3 = off3[c2] + np.floor(rng.random(n) * n3_per_2[c2]).astype(int)

    brands, brand_cat = _brand_vocab(seed)
    nb_per_cat = np.bincount(brand_cat, minlength=len(CATEGORIES))
    offb = np.concatenate([[0], np.cumsum(nb_per_cat)[:-1]])
    brand = offb[cat] + np.floor(rng.random(n) ** 1.6 * nb_per_cat[cat]).astype(int)
    bracketed = rng.random(n) < 0.15
    return {"cat": cat, "clac2": c2, "clac3": c3, "clac2_names": clac2, "clac3_names": clac3, "brand": brand,
            "bracketed": bracketed, "brand_names": brands, "n": n}


def _master_prices(rng, cat: np.ndarray, n: int) -> dict:
    """Unit price (planted price bit, floors, round steps), popularity within category and PD_C codes."""
    # Unit prices.
    mult = _pattern_multipliers()[:, 3]
    median = np.array([PRICE_PARAMS.get(c, (PLANTED_PRICE_MEDIAN, PLANTED_PRICE_SIGMA))[0] for c in CATEGORIES])
    sigma = np.array([PRICE_PARAMS.get(c, (PLANTED_PRICE_MEDIAN, PLANTED_PRICE_SIGMA))[1] for c in CATEGORIES])
    level = np.array([1.0 if c in PLANTED_PATTERNS else UNPLANTED_PRICE_LEVEL for c in CATEGORIES])
    price = median[cat] * mult[cat] * level[cat] * PRICE_LEVEL * np.exp(sigma[cat] * rng.standard_normal(n))
    floor = np.full(len(CATEGORIES), 500.0)
    floor[[CATEGORIES.index(c) for c in _FLOORED_CATEGORIES]] = PRICE_FLOOR_EXPENSIVE
    price = np.clip(price, floor[cat], 6_000_000)
    step = np.where(price >= 100_000, 1000, np.where(price >= 10_000, 100, 10))  # ÷1000 errors stay exact
    price = (np.round(price / step) * step).astype(np.int64)
    price = np.maximum(price, floor[cat].astype(np.int64))

    # Popularity within category (mild Zipf over a random order).
    rank = np.empty(n)
    order = np.lexsort((rng.random(n), cat))
    starts = _group_starts(cat[order])
    rank[order] = np.arange(n) - starts + 1
    popularity = rank ** -0.6

    pd_c = rng.choice(int(n * 1.15) + 2_000, size=n, replace=False).astype(np.int64) + 1
    return {"price": price, "popularity": popularity, "pd_c": pd_c}


def _master_names(rng, cat: np.ndarray, brand: np.ndarray, brands: list, n: int):
    """Product names "[brand] modifier item" plus the quirks of the real names."""
    # Product names: "[brand] modifier item" plus the quirks of the real names.
    item_words, item_off, item_n = [], [], []
    for c in CATEGORIES:
        item_off.append(len(item_words))
        item_n.append(len(ITEM_WORDS[c]))
        item_words += list(ITEM_WORDS[c])
    item_off, item_n = np.array(item_off), np.array(item_n)
    item = item_off[cat] + np.floor(rng.random(n) * item_n[cat]).astype(int)
    modifiers = ["", "신상", "베이직", "프리미엄", "2018 S/S", "여름", "데일리", "오버핏", "슬림핏", "대용량", "미니",
                 "정품", "특가", "1+1", "무료배송", "국내산", "블랙", "화이트", "네이비", "베이지"]
    mod = rng.integers(0, len(modifiers), n)
    comma_suffixes = [" 블랙, 화이트", " S, M, L", " 1+1, 무료배송", " 2종 택1, 단독", " 30ml, 50ml"]
    quote_suffixes = [' 13.3"', ' "한정수량"', ' 24" 캐리어']
    u = rng.random(n)
    brand_arr = pa.array(brands).take(pa.array(brand))
    name = pc.binary_join_element_wise(
        brand_arr, pa.array(modifiers).take(pa.array(mod)), pa.array(item_words).take(pa.array(item)), " ")
    name = pc.replace_substring_regex(name, "  +", " ")
    # Quirks: commas (4 %), double quotes (1 %), '◈123◈' suffix (1 %), leading '=' (0.2 %).
    comma = u < 0.04
    quote = (u >= 0.04) & (u < 0.05)
    diamond = (u >= 0.05) & (u < 0.06)
    equals = (u >= 0.06) & (u < 0.062)
    suffix = np.full(n, "", dtype=object)
    suffix[comma] = np.array(comma_suffixes, dtype=object)[rng.integers(0, len(comma_suffixes), comma.sum())]
    suffix[quote] = np.array(quote_suffixes, dtype=object)[rng.integers(0, len(quote_suffixes), quote.sum())]
    nums = rng.integers(100, 1000, n)
    diamond_txt = pc.binary_join_element_wise("◈", pc.cast(pa.array(nums), pa.string()), "◈", "")
    suffix_arr = pc.if_else(pa.array(diamond), diamond_txt, pa.array(suffix, type=pa.string()))
    name = pc.binary_join_element_wise(name, suffix_arr, "")
    name = pc.if_else(pa.array(equals), pc.binary_join_element_wise("=", name, ""), name)
    return name


def _make_master(sizes: dict, seed: int) -> dict:
    rng = _rng(seed, "master")
    m = _master_classes(rng, sizes["master"], seed)
    m.update(_master_prices(rng, m["cat"], m["n"]))
    m["name"] = _master_names(rng, m["cat"], m["brand"], m["brand_names"], m["n"])
    return m
def _favourite_distribution() -> dict:
    """Per (gender, age) favourite probabilities (37-vector) and the non-favourite draw ``q``."""
    shares = _norm(list(CLAC1_SHARES.values()))
    table = {}
    for key, weights in FAVOURITE_WEIGHTS.items():
        p = np.zeros(len(CATEGORIES))
        for c, w in weights.items():
            p[CATEGORIES.index(c)] = w
        p += (1 - p.sum()) * shares
        table[key] = p
    return {"table": table, "shares": shares}


def _make_clients(sizes: dict, n_days: int, seed: int, fav: dict) -> dict:
    rng = _rng(seed, "clients")
    n = sizes["clients"]
    id_space = 7 * n + 1_000
    ids = np.sort(rng.choice(id_space, size=n, replace=False).astype(np.int64) + 1)
    members = np.zeros(n, dtype=bool)
    members[rng.permutation(n)[: min(sizes["members"], n)]] = True
    genders = np.array(list(GENDER_SHARES))
    ages = np.array(list(AGE_SHARES))
    gender = np.where(members, genders[_choice_cdf(rng, np.cumsum(list(GENDER_SHARES.values())), n)], "")
    age = np.where(members, ages[_choice_cdf(rng, np.cumsum(list(AGE_SHARES.values())), n)], 0)

    favourite = np.empty(n, dtype=np.int16)
    non_members = ~members
    favourite[non_members] = _choice_cdf(rng, np.cumsum(fav["shares"]), non_members.sum())
    for (g, a), p in fav["table"].items():
        sel = members & (gender == g) & (age == a)
        if sel.any():
            favourite[sel] = _choice_cdf(rng, np.cumsum(p), sel.sum())

    device = _choice_cdf(rng, np.cumsum(list(DEVICE_SHARES.values())), n)
    region = _choice_cdf(rng, np.cumsum(list(REGION_SHARES.values())), n)
    city_names, city_region, city_w = [], [], []
    for r_i, r in enumerate(REGION_SHARES):
        for k, cname in enumerate(CITIES[r]):
            city_names.append(cname)
            city_region.append(r_i)
            city_w.append((k + 1) ** -0.9)
    city_region, city_w = np.array(city_region), np.array(city_w)
    city = np.empty(n, dtype=np.int64)
    for r_i in range(len(REGION_SHARES)):  # 16 regions
        sel = region == r_i
        idx = np.flatnonzero(city_region == r_i)
        city[sel] = idx[_choice_cdf(rng, np.cumsum(city_w[idx]), sel.sum())]

    # Purchase sessions: 1 + gamma-Poisson extra (many one-day buyers, a few very frequent ones).
    # For windows shorter than 183 days only part of the population buys at all.
    active_share = min(1.0, n_days / REFERENCE_DAYS) ** 0.7
    active = rng.random(n) < active_share
    n_active = max(1, int(active.sum()))
    extra_mean = max(0.05, sizes["product_sessions"] / n_active - 1)
    shape = 0.4
    rate = rng.gamma(shape, extra_mean / shape, n)
    n_sessions = np.where(active, 1 + rng.poisson(rate), 0)
    basket = rng.gamma(2.0, 0.5, n)                 # client basket-size factor, mean 1
    seq_offset = rng.geometric(0.02, n) - 1          # sessions before the window (lifetime counter)
    return {"id": ids, "member": members, "gender": gender, "age": age, "favourite": favourite,
            "device": device, "region": region, "city": city, "city_names": city_names,
            "n_sessions": n_sessions, "basket": basket, "seq_offset": seq_offset, "n": n}


def _draw_by_category(rng, cats: np.ndarray, pools: list[np.ndarray], weights: list[np.ndarray]) -> np.ndarray:
    """For each element's category, draw one index from that category's pool (loop over 37 categories)."""
    out = np.zeros(len(cats), dtype=np.int64)
    for k in range(len(pools)):
        sel = np.flatnonzero(cats == k)
        if len(sel) and len(pools[k]):
            out[sel] = pools[k][_choice_cdf(rng, np.cumsum(weights[k]), len(sel))]
    return out


def _non_favourite_draw(clients: dict, fav: dict) -> np.ndarray:
    """Category shares for the non-favourite draws, corrected for the favourites' pull (sums to 1)."""
    n_cat = len(CATEGORIES)
    shares = fav["shares"]
    # Non-favourite draw q: the global shares corrected for the favourites' pull, so that line shares
    # across all clients stay close to DATA.md.
    fav_marg = np.bincount(clients["favourite"][clients["n_sessions"] > 0], minlength=n_cat).astype(float)
    fav_marg = fav_marg / max(1.0, fav_marg.sum())
    f = FAVOURITE_SESSION_SHARE
    # Floors keep every category present in every group (higher for the planted ones, which chapter 2
    # compares within each age x gender group).
    floor = np.where([c in PLANTED_PATTERNS for c in CATEGORIES], 0.8, 0.5) * shares
    q = np.maximum((shares - f * fav_marg) / (1 - f), floor)
    q = _norm(q)
    return q


def _extra_categories(rng, primary: np.ndarray, n_cats: np.ndarray, q_cdf: np.ndarray) -> np.ndarray:
    """(sessions x 4) categories: the primary, then co-purchase partners or non-favourite draws."""
    s, n_cat = len(primary), len(CATEGORIES)
    cats = np.full((s, 4), -1, dtype=np.int16)
    cats[:, 0] = primary
    partner = np.full(n_cat, -1)
    for a, b in PLANTED_COPURCHASE_PAIRS:
        partner[CATEGORIES.index(a)] = CATEGORIES.index(b)
        partner[CATEGORIES.index(b)] = CATEGORIES.index(a)
    for slot in (1, 2, 3):
        need = n_cats > slot
        draw = _choice_cdf(rng, q_cdf, s)
        if slot == 1:
            use_partner = (partner[primary] >= 0) & (rng.random(s) < COPURCHASE_PAIR_PROB)
            draw = np.where(use_partner, partner[primary], draw)
        draw = np.where(need, draw, -1)
        for _ in range(50):  # redraw collisions with earlier slots (bounded; almost always 1–2 passes)
            clash = need & (cats[:, :slot] == draw[:, None]).any(axis=1)
            if not clash.any():
                break
            draw[clash] = _choice_cdf(rng, q_cdf, clash.sum())
        else:
            clash = need & (cats[:, :slot] == draw[:, None]).any(axis=1)
            n_cats[clash] = slot
            draw[clash] = -1
        cats[:, slot] = np.where(n_cats > slot, draw, -1)

    return cats


def _session_baskets(rng, sizes: dict, clients: dict, q: np.ndarray) -> dict:
    """Client, primary category, lines and categories of every purchase session."""
    q_cdf = np.cumsum(q)
    f = FAVOURITE_SESSION_SHARE
    client = np.repeat(np.arange(clients["n"]), clients["n_sessions"])
    s = len(client)
    primary = np.where(rng.random(s) < f, clients["favourite"][client], _choice_cdf(rng, q_cdf, s)).astype(np.int16)

    mean_lines = sizes["product_lines"] / max(1, sizes["product_sessions"])
    n_lines = 1 + rng.poisson(clients["basket"][client] * (mean_lines - 1))
    multi_ok = n_lines >= 2
    p_multi = min(0.95, MULTI_CATEGORY_SESSION_SHARE / max(1e-9, multi_ok.mean()))
    multi = multi_ok & (rng.random(s) < p_multi)
    n_cats = np.where(multi, np.minimum(n_lines, 2 + rng.binomial(2, 0.2, s)), 1)
    cats = _extra_categories(rng, primary, n_cats, q_cdf)
    return {"client": client, "primary": primary, "n_lines": n_lines, "n_cats": n_cats, "cats": cats}


def _session_days(rng, primary: np.ndarray, intensity: np.ndarray) -> np.ndarray:
    s, n_cat = len(primary), len(CATEGORIES)
    # Dates: in proportion to the primary category's daily intensity, by systematic sampling (daily session
    # counts equal the expected ones up to rounding), handed to the category's sessions in random order.
    day = np.zeros(s, dtype=np.int32)
    for k in range(n_cat):
        sel = np.flatnonzero(primary == k)
        if len(sel):
            cdf = np.cumsum(intensity[k])
            u = (np.arange(len(sel)) + rng.random()) / len(sel) * cdf[-1]
            day[sel[rng.permutation(len(sel))]] = np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
    return day


def _with_extra_sessions(rng, sizes: dict, clients: dict, intensity: np.ndarray, b: dict, day: np.ndarray) -> dict:
    """Purchase sessions plus Session rows without Product lines, ordered by client and date."""
    client, primary, n_lines, cats, n_cats = b["client"], b["primary"], b["n_lines"], b["cats"], b["n_cats"]
    s = len(client)
    # Extra Session rows whose lines are not in Product (neutral behaviour, dated by total intensity).
    # (as many more as the purchase sessions whose row is left out later: SESSIONLESS_LINE_SHARE)
    n_extra = max(0, sizes["session_rows"] - sizes["product_sessions"]) + int(round(SESSIONLESS_LINE_SHARE * s))
    buyers = client
    extra_client = buyers[rng.integers(0, max(1, s), n_extra)] if s else np.zeros(0, dtype=np.int64)
    extra_day = _choice_cdf(rng, np.cumsum(intensity.sum(axis=0)), n_extra)

    all_client = np.concatenate([client, extra_client]).astype(np.int64)
    all_day = np.concatenate([day, extra_day]).astype(np.int32)
    all_primary = np.concatenate([primary, np.full(n_extra, -1, dtype=np.int16)])
    all_lines = np.concatenate([n_lines, np.zeros(n_extra, dtype=np.int64)])
    all_cats = np.concatenate([cats, np.full((n_extra, 4), -1, dtype=np.int16)])
    all_ncats = np.concatenate([n_cats, np.zeros(n_extra, dtype=np.int64)])
    order = np.lexsort((rng.random(len(all_client)), all_day, all_client))
    all_client, all_day, all_primary = all_client[order], all_day[order], all_primary[order]
    all_lines, all_cats, all_ncats = all_lines[order], all_cats[order], all_ncats[order]
    total = len(all_client)
    rank = np.arange(total) - _group_starts(all_client)
    sess_seq = clients["seq_offset"][all_client] + rank + 1
    return {"client": all_client, "day": all_day, "primary": all_primary, "n_lines": all_lines,
            "cats": all_cats, "n_cats": all_ncats, "sess_seq": sess_seq, "n": total}


def _session_ids(rng, all_client: np.ndarray) -> np.ndarray:
    total = len(all_client)
    # SESS_ID: drawn from a range smaller than the number of sessions, so ids repeat across clients;
    # repeats within a client are replaced by fresh ids.
    sess_id = rng.integers(1, max(1_000, int(total * 1.2)), total).astype(np.int64)
    key = all_client * (1 << 31) + sess_id
    _, first = np.unique(key, return_index=True)
    dup = np.ones(total, dtype=bool)
    dup[first] = False
    sess_id[dup] = max(1_000, int(total * 1.2)) + np.arange(dup.sum())
    return sess_id


def _behaviour(rng, sizes: dict, clients: dict, all_client: np.ndarray, all_primary: np.ndarray) -> dict:
    """Page views, seconds, Search1 rows, device and city of every session (planted multipliers)."""
    total = len(all_client)
    # Behaviour variables with the planted multipliers of the primary category.
    mult = np.vstack([_pattern_multipliers(), np.ones((1, 4))])  # row -1 -> neutral
    m = mult[all_primary]
    views_raw = np.exp(np.log(57.0) + 0.75 * rng.standard_normal(total)) * m[:, 1]
    views = np.clip(np.round(views_raw), 1, 500)
    spv = np.exp(np.log(20.0) + 0.3 * rng.standard_normal(total))
    hr = np.clip(np.round(views_raw * spv * m[:, 0] / m[:, 1]), 1, 80_000).astype(np.int64)
    # Search1 rows per session: Poisson with the planted multiplier (calibrated to the target rows).
    search_mult = m[:, 2]
    lam = sizes["search1"] * 1.03 / max(1e-9, search_mult.sum())
    n_kw = rng.poisson(lam * search_mult)

    device = np.where(rng.random(total) < 0.92, clients["device"][all_client],
                      _choice_cdf(rng, np.cumsum(list(DEVICE_SHARES.values())), total))
    moved = rng.random(total) < 0.05
    city = clients["city"][all_client].copy()
    city[moved] = clients["city"][rng.integers(0, clients["n"], moved.sum())]  # another client's city
    return {"views": views, "hr": hr, "n_kw": n_kw, "device": device, "city": city}


def _make_sessions(sizes: dict, clients: dict, intensity: np.ndarray, seed: int, fav: dict) -> dict:
    rng = _rng(seed, "sessions")
    q = _non_favourite_draw(clients, fav)
    baskets = _session_baskets(rng, sizes, clients, q)
    day = _session_days(rng, baskets["primary"], intensity)
    out = _with_extra_sessions(rng, sizes, clients, intensity, baskets, day)
    out["sess_id"] = _session_ids(rng, out["client"])
    out.update(_behaviour(rng, sizes, clients, out["client"], out["primary"]))
    out["q"] = q
    return out


def _line_options(rng, cat: np.ndarray, n: int) -> tuple[np.ndarray, list[str]]:
    """Option text (PD_ADD_NM) of every line by kind of product: colours/sizes, shoe sizes, volumes, picks."""
    colours = ["블랙", "화이트", "네이비", "그레이", "베이지", "아이보리", "레드", "핑크", "카키", "브라운", "블루",
               "민트"]
    sizes_ = ["44", "55", "66", "77", "S", "M", "L", "XL", "90", "95", "100", "105", "110", "120", "130", "140",
              "150", "160"]
    shoes = [str(x) for x in range(220, 285, 5)]
    volumes = ["30ml", "50ml", "100ml", "150ml", "200ml", "500ml", "1L", "30정", "60정", "90정"]
    options = ["(not set)"]
    apparel0 = len(options)
    options += [f"색상:{c}|사이즈:{s}" for c in colours for s in sizes_]
    options += [f"색상:{c}|사이즈:{s} / 1개" for c in colours[:4] for s in sizes_[:8]]
    apparel_n = len(options) - apparel0
    shoe0 = len(options)
    options += [f"색상:{c}|사이즈:{s}" for c in colours for s in shoes]
    shoe_n = len(options) - shoe0
    vol0 = len(options)
    options += [f"용량:{v}" for v in volumes] + [f"용량:{v} / 2개" for v in volumes[:5]]
    vol_n = len(options) - vol0
    pick0 = len(options)
    options += [f"선택:{i}번" for i in range(1, 9)] + [f"옵션:{c}" for c in colours]
    pick_n = len(options) - pick0
    kind_of = {"apparel": ("여성의류", "남성의류", "유아동의류", "속옷/양말/홈웨어", "스포츠패션", "아웃도어/레저",
                           "시즌스포츠"),
               "volume": ("화장품/뷰티케어", "퍼스널케어", "건강식품"),
               "shoe": ("패션잡화",)}
    opt = np.zeros(n, dtype=np.int64)
    v = rng.random(n)
    for kind, start, count, p_set in (("apparel", apparel0, apparel_n, 0.85), ("shoe", shoe0, shoe_n, 0.6),
                                      ("volume", vol0, vol_n, 0.5)):
        ks = [CATEGORIES.index(c) for c in kind_of[kind]]
        sel = np.isin(cat, ks) & (v < p_set)
        opt[sel] = start + rng.integers(0, count, sel.sum())
    other = ~np.isin(cat, [CATEGORIES.index(c) for cs in kind_of.values() for c in cs]) & (v < 0.25)
    opt[other] = pick0 + rng.integers(0, pick_n, other.sum())
    return opt, options


def _make_lines(sessions: dict, master: dict, seed: int) -> dict:
    rng = _rng(seed, "lines")
    n_lines = sessions["n_lines"]
    sess = np.repeat(np.arange(sessions["n"]), n_lines)
    n = len(sess)
    rank = np.arange(n) - _group_starts(sess)
    primary_lines = n_lines[sess] - (sessions["n_cats"][sess] - 1)
    slot = np.maximum(0, rank - primary_lines + 1)
    cat = sessions["cats"][sess, slot].astype(np.int64)

    pools, weights = [], []
    for k in range(len(CATEGORIES)):
        idx = np.flatnonzero(master["cat"] == k)
        pools.append(idx)
        weights.append(master["popularity"][idx])
    product = _draw_by_category(rng, cat, pools, weights)
    price = master["price"][product].copy()
    # Quantities: consumables are often bought several at a time, other goods mostly one.
    multi_buy = np.isin(cat, [CATEGORIES.index(c) for c in MULTI_BUY_CATEGORIES])
    p2, p3 = np.where(multi_buy, 0.35, 0.05), np.where(multi_buy, 0.15, 0.01)
    qty = np.ones(n, dtype=np.int64)
    u = rng.random(n)
    qty[u < p2] = 2
    few = u < p3
    qty[few] = rng.integers(3, 6, few.sum())
    qty = np.where(price >= 500_000, np.minimum(qty, 2), qty)  # no accidental 50 M sessions
    checkout = 2 + np.floor(rng.random(sessions["n"]) * sessions["views"] * 0.8).astype(np.int64)
    hits = checkout[sess] + rank

    opt, options = _line_options(rng, cat, n)
    return {"sess": sess, "cat": cat, "product": product, "price": price, "qty": qty, "hits": hits,
            "option": opt, "options": options, "n": n}


