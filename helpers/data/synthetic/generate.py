"""The public entry point :func:`generate`: checks the arguments, runs the steps, writes files and truth."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.synthetic import dirty as dirty_rows
from helpers.data.synthetic import tables, truth
from helpers.data.synthetic.calendar import _daily_intensity, synthetic_weather
from helpers.data.synthetic.constants import (
    FILE_NAMES,
    MAX_WINDOW_DAYS,
    STORE_FILES,
    TABLE_KEYS,
    TRUTH_DIR,
    VALID_ENCODINGS,
    VALID_NAMINGS,
    VALID_SCALES,
    GenerationResult,
)
from helpers.data.synthetic.population import (
    _favourite_distribution,
    _make_clients,
    _make_lines,
    _make_master,
    _make_sessions,
    _sizes,
)
from helpers.data.synthetic.search import _keyword_vocab, _make_search1, _make_search2
from helpers.data.synthetic.store import _make_store_data
from helpers.data.synthetic.utils import _check_choice, _parse_date, _rng
from helpers.data.synthetic.writer import _Writer


def _check_arguments(start_date, end_date, scale, seed, naming, encoding, bom, dirty) -> tuple[date, date, int]:
    """Validated (start, end, seed); ValueError naming the parameter otherwise."""
    start = _parse_date(start_date, "start_date")
    end = _parse_date(end_date, "end_date")
    if end < start:
        raise ValueError(f"end_date={end} is before start_date={start}: give an end_date on or after start_date.")
    n_days = (end - start).days + 1
    if n_days > MAX_WINDOW_DAYS:
        raise ValueError(f"start_date..end_date spans {n_days} days; at most {MAX_WINDOW_DAYS} are supported.")
    _check_choice("scale", scale, VALID_SCALES)
    _check_choice("naming", naming, VALID_NAMINGS)
    _check_choice("encoding", encoding, VALID_ENCODINGS)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} is not a non-negative integer.")
    if not isinstance(bom, bool):
        raise ValueError(f"bom={bom!r} must be True or False.")
    if bom and encoding != "utf-8":
        raise ValueError("bom=True needs encoding='utf-8' (CP949 files have no byte-order mark).")
    if not isinstance(dirty, bool):
        raise ValueError(f"dirty={dirty!r} must be True or False.")
    return start, end, int(seed)


def simulate(start: date, end: date, scale: str, seed: int) -> dict:
    """The clean simulation: weather, intensity, products, clients, sessions, lines and searches."""
    n_days = (end - start).days + 1
    sizes = _sizes(scale, n_days)
    days = pd.date_range(start, end, freq="D")
    weather = synthetic_weather(start, end, seed)
    daily = _daily_intensity(days, weather, seed)
    fav = _favourite_distribution()
    master = _make_master(sizes, seed)
    clients = _make_clients(sizes, n_days, seed, fav)
    sessions = _make_sessions(sizes, clients, daily["intensity"], seed, fav)
    lines = _make_lines(sessions, master, seed)
    vocab = _keyword_vocab(sizes, master, seed)
    return {"sizes": sizes, "days": days, "n_days": n_days, "weather": weather, "daily": daily,
            "master": master, "clients": clients, "sessions": sessions, "lines": lines, "vocab": vocab,
            "search1": _make_search1(sessions, vocab, sizes, seed),
            "search2": _make_search2(vocab, sizes, daily["intensity"].sum(axis=0), seed)}


def _write_all(files: dict, sim: dict, product: dict, session: dict, custom: dict, *, start, end, seed,
               encoding, bom, dirty) -> tuple[dict, dict]:
    """Write every table and store file; return (row counts, format quirks)."""
    quirks = product["quirks"]
    writer = _Writer(encoding, bom)
    try:
        rows_product = tables.write_product(writer, files["product"], sim, product, seed, quirks)
        srng = _rng(seed, "session-format")
        tables.write_session(writer, files["session"], sim, session, srng, start, end, quirks)
        tables.write_searches(writer, files, sim, srng, sim["days"], quirks)
        tables.write_custom_master(writer, files, sim, custom, srng, quirks)
        store = _make_store_data(sim["sizes"], sim["clients"], sim["sessions"], start, sim["n_days"], seed, dirty)
        tables.write_store(writer, files, store, product["counts"], quirks)
    finally:
        writer.close()
    row_counts = {"product": rows_product, "search1": sim["search1"]["n"], "search2": sim["search2"]["n"],
                  "custom": len(custom["idx"]), "session": int(session["keep"].sum()), "master": sim["master"]["n"],
                  "offline_purchases": store["offline"].num_rows, "signup_survey": store["survey"].num_rows}
    return row_counts, quirks


def generate(out_dir, *, start_date="2018-04-01", end_date="2018-09-30", scale="sample", seed=42,
             naming="original", encoding="utf-8", bom=False, dirty=True) -> GenerationResult:
    """Write synthetic L.Point tables in the real format, the store files and the planted truth.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if missing; existing files of the same names are replaced).
    start_date, end_date : str
        Inclusive ISO dates of the window (any range up to ten years).
    scale : {'tiny', 'sample', 'full'}
        Row counts (:data:`SCALES`); transaction tables scale with the window length.
    seed : int
        Same arguments, same bytes.
    naming : {'original', 'short'}
        Competition file names (``…-01.Pruduct.csv``) or ``01.Product.csv`` ….
    encoding : {'utf-8', 'cp949'}
    bom : bool
        Start UTF-8 files with a byte-order mark (only with ``encoding='utf-8'``).
    dirty : bool
        Add the dirty rows of :data:`DIRTY_RULES`.

    Returns
    -------
    GenerationResult

    Raises
    ------
    ValueError
        A parameter is out of its allowed set or range; the message names it.
    """
    start, end, seed = _check_arguments(start_date, end_date, scale, seed, naming, encoding, bom, dirty)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / TRUTH_DIR).mkdir(exist_ok=True)
    sim = simulate(start, end, scale, seed)
    rng = _rng(seed, "dirty")
    product = dirty_rows.product_rows(rng, sim["lines"], sim["sessions"], sim["master"], dirty)
    session = dirty_rows.session_values(rng, sim["sessions"], product, sim["n_days"], dirty)
    session["keep"] = dirty_rows.sessionless(_rng(seed, "sessionless"), sim["sessions"], product)
    custom = dirty_rows.custom_values(rng, sim["clients"], product["counts"], dirty)
    files = {k: out / FILE_NAMES[naming][k] for k in TABLE_KEYS}
    files.update({k: out / v for k, v in STORE_FILES.items()})
    row_counts, quirks = _write_all(files, sim, product, session, custom, start=start, end=end, seed=seed,
                                    encoding=encoding, bom=bom, dirty=dirty)
    truth_files = truth.write_truth_tables(out / TRUTH_DIR, sim, sim["days"])
    params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "scale": scale, "seed": seed,
              "naming": naming, "encoding": encoding, "bom": bom, "dirty": dirty}
    content = truth.planted(truth_files["planted"], sim, params, row_counts, product, quirks)
    return GenerationResult(out_dir=out, files=files, truth_files=truth_files, row_counts=row_counts,
                            dirty=product["counts"], quirks=quirks, truth=content)
