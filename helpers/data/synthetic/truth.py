"""The planted ground truth written to ``_truth/`` (customers, daily intensity, weather, planted.json)."""
from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.data.synthetic.constants import (
    _FLOORED_CATEGORIES,
    CATEGORIES,
    COPURCHASE_PAIR_PROB,
    DAILY_NOISE_SIGMA,
    DIRTY_RULES,
    FAVOURITE_SESSION_SHARE,
    FAVOURITE_WEIGHTS,
    HOLIDAY_FACTORS,
    MARKET_WEEKDAY,
    MONTH_LEVEL,
    MULTI_CATEGORY_SESSION_SHARE,
    PATTERN_EFFECTS,
    PATTERN_VARIABLES,
    PLANTED_COPURCHASE_PAIRS,
    PLANTED_PATTERNS,
    PLANTED_PRICE_MEDIAN,
    PLANTED_PRICE_SIGMA,
    PLANTED_WEEKDAY_FACTORS,
    PRICE_DIV1000_CATEGORIES,
    PRICE_DIV1000_MIN_TRUE_PRICE,
    PRICE_FLOOR_EXPENSIVE,
    PRICE_LEVEL,
    SESSIONLESS_LINE_SHARE,
    TREND_ANCHOR,
    TREND_PER_YEAR,
    WEATHER_EFFECTS,
)


def write_truth_tables(truth_dir, sim: dict, days) -> dict:
    """customers / daily_intensity / weather Parquet files; returns the four truth paths."""
    clients, sessions, lines, daily, weather = (sim[k] for k in ("clients", "sessions", "lines", "daily",
                                                                 "weather"))
    n_sess_client = np.bincount(sessions["client"][sessions["n_lines"] > 0], minlength=clients["n"])
    fav_names = np.array(CATEGORIES, dtype=object)[clients["favourite"]]
    customers = pa.table({
        "CLNT_ID": clients["id"],
        "FAVOURITE_CLAC1": pa.array(fav_names, type=pa.string()),
        "IS_MEMBER": clients["member"],
        "CLNT_GENDER": pa.array(np.where(clients["member"], clients["gender"], None), type=pa.string()),
        "CLNT_AGE": pa.array(np.where(clients["member"], clients["age"], 0), type=pa.int64(),
                             mask=~clients["member"]),
        "N_SESSIONS": n_sess_client.astype(np.int64),
    })
    files = {"customers": truth_dir / "customers.parquet", "daily_intensity": truth_dir / "daily_intensity.parquet",
             "weather": truth_dir / "weather.parquet", "planted": truth_dir / "planted.json"}
    pq.write_table(customers, files["customers"])
    lines_per_cat = np.bincount(lines["cat"], minlength=len(CATEGORIES)).astype(float)
    inten = daily["intensity"]
    expected = inten / inten.sum(axis=1, keepdims=True) * lines_per_cat[:, None]
    n_cat, n_d = inten.shape
    di = pa.table({
        "category": pa.array(np.repeat(np.array(CATEGORIES, dtype=object), n_d), type=pa.string()),
        "date": pa.array(np.tile(days.to_numpy().astype("datetime64[ms]"), n_cat)),
        "expected_lines": expected.ravel(),
        "weekday_factor": daily["weekday"].ravel(), "holiday_factor": daily["holiday"].ravel(),
        "weather_factor": daily["weather"].ravel(), "trend_factor": daily["trend"].ravel(),
        "noise_factor": daily["noise"].ravel(), "season_factor": daily["season"].ravel(),
    })
    pq.write_table(di, files["daily_intensity"])
    w = weather.copy()
    w["date"] = w["date"].astype("datetime64[ms]")
    pq.write_table(pa.Table.from_pandas(w, preserve_index=False), files["weather"])
    return files


def _signals() -> dict:
    """The planted signals' parameters (module constants) as JSON-able values."""
    return {
        "patterns": {"variables": list(PATTERN_VARIABLES), "planted": PLANTED_PATTERNS,
                     "effects": PATTERN_EFFECTS},
        "weekday_factors": {c: list(v) for c, v in PLANTED_WEEKDAY_FACTORS.items()},
        "weekday_order": "Monday first (pandas day_of_week 0..6)",
        "holiday_factors": HOLIDAY_FACTORS, "month_level": MONTH_LEVEL, "market_weekday": list(MARKET_WEEKDAY),
        "sessionless_line_share_target": SESSIONLESS_LINE_SHARE, "price_level": PRICE_LEVEL,
        "weather_effects": WEATHER_EFFECTS,
        "trend_per_year": TREND_PER_YEAR, "trend_anchor": TREND_ANCHOR, "daily_noise_sigma": DAILY_NOISE_SIGMA,
        "copurchase_pairs": [list(p) for p in PLANTED_COPURCHASE_PAIRS],
        "copurchase_pair_prob": COPURCHASE_PAIR_PROB,
        "multi_category_session_share_target": MULTI_CATEGORY_SESSION_SHARE,
        "favourite_session_share": FAVOURITE_SESSION_SHARE,
        "favourite_weights": {f"{g}{a}": w_ for (g, a), w_ in FAVOURITE_WEIGHTS.items()},
        "price": {"planted_median": PLANTED_PRICE_MEDIAN, "planted_sigma": PLANTED_PRICE_SIGMA,
                  "div1000_categories": list(PRICE_DIV1000_CATEGORIES),
                  "floor_categories": list(_FLOORED_CATEGORIES), "floor_krw": PRICE_FLOOR_EXPENSIVE,
                  "div1000_min_true_price": PRICE_DIV1000_MIN_TRUE_PRICE},
    }


def planted(path, sim: dict, params: dict, row_counts: dict, product: dict, quirks: dict) -> dict:
    """Write ``planted.json`` (arguments, counts, dirty rows, planted signals) and return its content."""
    clients, sessions, lines = sim["clients"], sim["sessions"], sim["lines"]
    details = product["details"]
    details.pop("session_outside_window_index", None)
    if "outlier_session" in details:
        o = details["outlier_session"]["session_index"]
        details["outlier_session"].update({"CLNT_ID": int(clients["id"][sessions["client"][o]]),
                                           "SESS_ID": int(sessions["sess_id"][o])})
        del details["outlier_session"]["session_index"]
    L = lines["n"]
    fav_lines = np.mean(lines["cat"] == clients["favourite"][sessions["client"][lines["sess"]]]) if L else 0.0
    n_prod_sessions = int((sessions["n_lines"] > 0).sum())
    truth = {"generator": "helpers.data.synthetic", "params": params, "row_counts": row_counts,
             "dirty": product["counts"], "dirty_rules": DIRTY_RULES, "dirty_details": details, "quirks": quirks,
             **_signals(), "favourite_line_share_realised": round(float(fav_lines), 4),
             "sessions": {"product_sessions": n_prod_sessions, "session_rows": sessions["n"],
                          "multi_category_share": round(float((sessions["n_cats"][sessions["n_lines"] > 0] > 1)
                                                              .mean()), 4) if n_prod_sessions else 0.0}}
    text = json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True)
    path.write_text(text, encoding="utf-8")
    return json.loads(text)  # exactly what the file holds (tuples as lists, month keys as text)
