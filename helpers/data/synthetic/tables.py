"""Writing the six tables and the store files from the simulated arrays (format quirks counted)."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers.data.synthetic.constants import CATEGORIES, COLUMNS, REGION_SHARES
from helpers.data.synthetic.store import _region_of_city
from helpers.data.synthetic.utils import _rng
from helpers.data.synthetic.writer import _dict_array, _id_sql, _pad_flags


def write_product(writer, path, sim: dict, product: dict, seed: int, quirks: dict) -> int:
    clients, sessions, master, lines = sim["clients"], sim["sessions"], sim["master"], sim["lines"]
    ri = product["ri"]
    prng = _rng(seed, "product-format")
    pads = [_pad_flags(prng, len(product["sess"])) for _ in range(3)]
    bracket = master["bracketed"][product["prod"]]
    brand_vocab = master["brand_names"] + [f"[{b}]" for b in master["brand_names"]]
    n_brands = len(master["brand_names"])
    table = pa.table({
        "c": clients["id"][sessions["client"][product["sess"][ri]]],
        "s": sessions["sess_id"][product["sess"][ri]],
        "h": product["hits"][ri],
        "p": master["pd_c"][product["prod"][ri]],
        "o": _dict_array(product["opt"][ri], lines["options"]),
        "b": _dict_array(master["brand"][product["prod"][ri]] + n_brands * bracket[ri], brand_vocab),
        "am": product["price"][ri], "ct": product["qty"][ri],
        "pc": pads[0][ri], "ps": pads[1][ri], "pp": pads[2][ri],
    })
    writer.write(path, table, f"SELECT {_id_sql('c', 'pc')}, {_id_sql('s', 'ps')}, h, {_id_sql('p', 'pp')}, o, b, "
                 "format('{:,}', am) AS am, format('{:,}', ct) AS ct", COLUMNS["product"], ("am",))
    quirks["product_zero_padded_clnt_id"] = int((pads[0][ri] > 0).sum())
    quirks["product_zero_padded_sess_id"] = int((pads[1][ri] > 0).sum())
    quirks["product_zero_padded_pd_c"] = int((pads[2][ri] > 0).sum())
    return len(ri)


def write_session(writer, path, sim: dict, values: dict, srng, start, end, quirks: dict) -> None:
    clients, sessions = sim["clients"], sim["sessions"]
    S = sessions["n"]
    day_int = np.array([int(d.strftime("%Y%m%d")) for d in
                        pd.date_range(start - timedelta(days=3), end + timedelta(days=3), freq="D")])
    s_pad_c, s_pad_s = _pad_flags(srng, S), _pad_flags(srng, S)
    table = pa.table({
        "c": clients["id"][sessions["client"]], "s": sessions["sess_id"], "q": sessions["sess_seq"],
        "d": day_int[values["day"] + 3],
        "v": pa.array(values["views"], mask=values["views_null"]), "hr": pa.array(values["hr"], mask=values["hr_null"]),
        "dv": _dict_array(values["device"], values["devices"]),
        "z": _dict_array(_region_of_city(sessions["city"]), list(REGION_SHARES)),
        "ct": _dict_array(sessions["city"], clients["city_names"]),
        "pc": s_pad_c, "ps": s_pad_s,
    })
    if "keep" in values:  # sessions whose row is left out (their lines have no session, as in the real files)
        table = table.filter(pa.array(values["keep"]))
    writer.write(path, table, f"SELECT {_id_sql('c', 'pc')}, {_id_sql('s', 'ps')}, q, d, v::DOUBLE, "
                 "format('{:,}', hr) AS hr, dv, z, ct", COLUMNS["session"], ("hr",))
    quirks["session_zero_padded_clnt_id"] = int((s_pad_c > 0).sum())
    quirks["session_zero_padded_sess_id"] = int((s_pad_s > 0).sum())


def write_searches(writer, files: dict, sim: dict, srng, days, quirks: dict) -> None:
    clients, sessions, search1, search2, vocab = (sim[k] for k in ("clients", "sessions", "search1", "search2",
                                                                   "vocab"))
    q_pad_c, q_pad_s = _pad_flags(srng, search1["n"]), _pad_flags(srng, search1["n"])
    s1_sess = search1["sess"]
    writer.write(files["search1"], pa.table({
        "c": clients["id"][sessions["client"][s1_sess]], "s": sessions["sess_id"][s1_sess],
        "k": pa.DictionaryArray.from_arrays(pa.array(search1["kw"].astype(np.int32)), vocab["text"]),
        "n": search1["cnt"], "pc": q_pad_c, "ps": q_pad_s}),
        f"SELECT {_id_sql('c', 'pc')}, {_id_sql('s', 'ps')}, k, n", COLUMNS["search1"])
    quirks["search1_zero_padded_clnt_id"] = int((q_pad_c > 0).sum())
    all_days_int = np.array([int(d.strftime("%Y%m%d")) for d in days])
    writer.write(files["search2"], pa.table({
        "d": all_days_int[search2["day"]],
        "k": pa.DictionaryArray.from_arrays(pa.array(search2["kw"].astype(np.int32)), vocab["text"]),
        "n": search2["cnt"]}),
        "SELECT d, k, format('{:,}', n) AS n", COLUMNS["search2"], ("n",))
    quirks["search2_count_with_separator"] = int((search2["cnt"] >= 1000).sum())


def write_custom_master(writer, files: dict, sim: dict, custom: dict, srng, quirks: dict) -> None:
    clients, master = sim["clients"], sim["master"]
    c_pad = _pad_flags(srng, len(custom["idx"]))
    writer.write(files["custom"], pa.table({
        "c": clients["id"][custom["idx"]], "g": pa.array(custom["gender"], type=pa.string()),
        "a": custom["age"], "pc": c_pad}),
        f"SELECT {_id_sql('c', 'pc')}, g, a", COLUMNS["custom"])
    quirks["custom_zero_padded_clnt_id"] = int((c_pad > 0).sum())
    m_order = np.argsort(master["pd_c"], kind="stable")
    m_pad = _pad_flags(srng, master["n"])
    writer.write(files["master"], pa.table({
        "p": master["pd_c"][m_order], "nm": master["name"].take(pa.array(m_order)),
        "c1": _dict_array(master["cat"][m_order], list(CATEGORIES)),
        "c2": _dict_array(master["clac2"][m_order], master["clac2_names"]),
        "c3": _dict_array(master["clac3"][m_order], master["clac3_names"]), "pp": m_pad}),
        f"SELECT {_id_sql('p', 'pp')}, nm, c1, c2, c3", COLUMNS["master"])
    quirks["master_zero_padded_pd_c"] = int((m_pad > 0).sum())


def write_store(writer, files: dict, store: dict, counts: dict, quirks: dict) -> None:
    counts["offline_negative_amount"] = store["dirty_negative"]
    counts["offline_unknown_category"] = store["dirty_category"]
    quirks["offline_unknown_ids"] = store["unknown_offline"]
    quirks["survey_unknown_ids"] = store["unknown_survey"]
    writer.write(files["offline_purchases"], store["offline"], "SELECT *", COLUMNS["offline_purchases"])
    writer.write(files["signup_survey"], store["survey"], "SELECT *", COLUMNS["signup_survey"])
