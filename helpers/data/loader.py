"""Find, check, clean and cache the six L.Point tables; hand chapters a :class:`Dataset`.

The first load of a folder parses the CSVs in DuckDB (``engine.clean_tables``), validates the cleaned
tables against the declared schemas (``schemas``) and stores them as Parquet under
``data/cache/<key>/`` where the key is built from the source files' checksums and the cleaning code.
Later loads (every other chapter, every rerun) only read Parquet.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.common import config
from helpers.common.dates import parse_date
from helpers.common.errors import DataError
from helpers.data import engine

CACHE_FORMAT = 3  # bump when the cached layout changes


# ------------------------------------------------------------------------------------------------
# Finding files
# ------------------------------------------------------------------------------------------------

def find_tables(data_dir: str | Path) -> dict[str, Path]:
    """Locate the six tables in ``data_dir`` by number and name.

    Accepts the original names (``제5회 Big Data Competition-분석용데이터-01.Pruduct.csv``) and renamed
    ones (``01.Product.csv``), case-insensitively.

    Raises
    ------
    DataError
        The folder does not exist, a table is missing, or a table matches several files.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise DataError(f"data_dir '{folder}' is not a folder: point data_dir at the folder holding the six "
                        "L.Point CSV files (or leave it empty to use the built-in synthetic data).")
    csvs = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    found: dict[str, Path] = {}
    problems = []
    for key, (num, stems) in config.TABLES.items():
        pat = re.compile(rf"(^|[^0-9]){num}\.\s*({'|'.join(stems)})\.csv$", re.IGNORECASE)
        hits = [p for p in csvs if pat.search(p.name)]
        if not hits:
            problems.append(f"table {num} {stems[-1]}: no file named like '{num}.{stems[-1]}.csv' or "
                            f"'…-{num}.{stems[0]}.csv'")
        elif len(hits) > 1:
            problems.append(f"table {num} {stems[-1]}: several files match ({', '.join(h.name for h in hits)}); "
                            "keep one")
        else:
            found[key] = hits[0]
    if problems:
        have = ", ".join(p.name for p in csvs) or "no CSV files"
        raise DataError(f"Data folder '{folder}': " + "; ".join(problems) + f". The folder has: {have}.")
    return found


def file_checksum(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def detect_encoding(path: Path, encoding: str = "auto") -> str:
    """'utf-8' (BOM or not) or 'cp949', from the first MiB unless given explicitly."""
    allowed = {"auto", "utf-8", "utf-8-sig", "cp949", "euc-kr"}
    if encoding not in allowed:
        raise DataError(f"encoding='{encoding}' is not supported: use one of {sorted(allowed)}.")
    if encoding != "auto":
        return "utf-8" if encoding.startswith("utf") else "cp949"
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    head = head.removeprefix(codecs.BOM_UTF8)
    cut = head.rfind(b"\n")
    head = head[: cut if cut > 0 else len(head)]
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp949")
        return "cp949"
    except UnicodeDecodeError as exc:
        raise DataError(f"File '{path}' is neither UTF-8 nor CP949 (byte {exc.start}): re-save it as UTF-8 "
                        "or pass encoding=...") from None


def _transcode(path: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "r", encoding="cp949", newline="") as src, open(dest, "w", encoding="utf-8", newline="") as out:
        shutil.copyfileobj(src, out, 1 << 22)
    return dest


def _code_version() -> str:
    h = hashlib.sha256()
    for mod in ("data/engine.py", "data/schemas.py", "common/config.py", "data/loader.py"):
        h.update((Path(__file__).parents[1] / mod).read_bytes())
    return h.hexdigest()[:12] + f"-f{CACHE_FORMAT}"


# ------------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------------

@dataclass
class Fingerprint:
    """What data a report was made from: shown in every report's run record."""

    source: str
    data_dir: str
    files: list[dict] = field(default_factory=list)   # table, file, sha256, encoding, raw_rows, clean_rows
    cache_key: str = ""
    cache_hit: bool = False

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.files)


def _check_columns(files: dict[str, Path], encodings: dict[str, str], utf8: dict[str, Path]) -> None:
    con = engine.connect(1)
    try:
        for key, path in utf8.items():
            try:
                cols = engine.raw_columns(con, path)
            except Exception as exc:  # DuckDB parse error: say which file
                raise DataError(f"File '{files[key]}' could not be read as CSV ({encodings[key]}): {exc}") from None
            missing = [c for c in engine.RAW_COLUMNS[key] if c not in cols]
            if missing:
                raise DataError(f"File '{files[key]}' (table {config.TABLES[key][0]} {key}) lacks column(s) "
                                f"{', '.join(missing)}; it has {', '.join(cols)}. Fix the header or the file.")
    finally:
        con.close()


def prepare(data_dir: str | Path, *, encoding: str = "auto", cache_dir: str | Path | None = None,
            source: str | None = None, progress=print) -> tuple[dict[str, Path], pd.DataFrame, Fingerprint]:
    """Clean the folder's tables once (cached) and return the Parquet paths, cleaning log and fingerprint."""
    files = find_tables(data_dir)
    cache_root = Path(cache_dir) if cache_dir else config.CACHE_DIR
    encodings = {k: detect_encoding(p, encoding) for k, p in files.items()}
    sums = {k: file_checksum(p) for k, p in files.items()}
    key_src = json.dumps({"sums": sums, "enc": encodings, "code": _code_version()}, sort_keys=True)
    key = hashlib.sha256(key_src.encode()).hexdigest()[:20]
    target = cache_root / key
    meta_path = target / "meta.json"
    fp = Fingerprint(source=source or f"folder {Path(data_dir).resolve()}", data_dir=str(Path(data_dir).resolve()),
                     cache_key=key)
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        fp.files, fp.cache_hit = meta["files"], True
        paths = {k: target / f"{k}.parquet" for k in config.TABLES}
        return paths, pd.DataFrame(meta["log"]), fp

    progress(f"[data] cleaning {len(files)} tables from {data_dir} (first run; cached afterwards)")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=target.parent))
    try:
        utf8 = {k: (_transcode(p, work / "utf8" / f"{k}.csv") if encodings[k] == "cp949" else p)
                for k, p in files.items()}
        _check_columns(files, encodings, utf8)
        try:
            result = engine.clean_tables(utf8, work, threads=os.cpu_count())
        except Exception as exc:
            raise DataError(f"Parsing the tables in '{data_dir}' failed: {exc}") from None
        from helpers.data import schemas
        schemas.validate_parquet(result.paths, files)
        shutil.rmtree(work / "utf8", ignore_errors=True)
        fp.files = [{"table": k, "file": files[k].name, "sha256": sums[k], "encoding": encodings[k],
                     "raw_rows": result.rows[f"raw_{k}"], "clean_rows": result.rows[k]} for k in files]
        (work / "meta.json").write_text(json.dumps({"files": fp.files, "log": result.log}, ensure_ascii=False,
                                                   indent=1), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    paths = {k: target / f"{k}.parquet" for k in config.TABLES}
    return paths, pd.DataFrame(result.log), fp


class Dataset:
    """The cleaned tables restricted to ``[start_date, end_date]`` (inclusive), as pandas frames.

    Frames are built in DuckDB once per (data, window) and cached as Parquet beside the cleaned tables,
    so that every chapter of a run reads them instead of recomputing the joins.
    """

    def __init__(self, paths: dict[str, Path], log: pd.DataFrame, fingerprint: Fingerprint,
                 start_date: str, end_date: str, *, check_coverage: bool = True):
        self.start = parse_date(start_date, "start_date")
        self.end = parse_date(end_date, "end_date")
        if self.start > self.end:
            raise DataError(f"start_date {self.start.date()} is after end_date {self.end.date()}: swap them.")
        self.paths = paths
        self.fingerprint = fingerprint
        s, e = self.start.date().isoformat(), self.end.date().isoformat()
        self._views = engine.Views(paths, s, e)
        lo, hi = self._views.date_range()
        self.data_start, self.data_end = lo, hi
        if check_coverage and (self.start < lo or self.end > hi):
            raise DataError(f"The data in '{fingerprint.data_dir}' covers {lo.date()}..{hi.date()} but the "
                            f"requested window is {s}..{e}: choose start_date/end_date inside the data.")
        outside = self._views.window_counts()
        extra = pd.DataFrame([
            {"table": "session", "rule": f"분석 기간({s}..{e}) 밖 세션", "rows": outside["session_outside"],
             "action": "excluded"},
            {"table": "product", "rule": f"분석 기간({s}..{e}) 밖 구매 행", "rows": outside["product_outside"],
             "action": "excluded"},
        ])
        self.cleaning_log = pd.concat([log, extra], ignore_index=True)
        self._window_dir = paths["product"].parent / f"window_{s}_{e}"
        self._memo: dict[str, pd.DataFrame] = {}

    # -- cached window tables -------------------------------------------------------------------
    def _ensure(self, name: str, sql: str) -> str:
        """Write the window table once (Parquet) and return it as a DuckDB source, without loading it."""
        path = self._window_dir / f"{name}.parquet"
        if not path.exists():
            self._views.write(sql, path)
        return f"read_parquet('{path}')"

    def _purchases_src(self) -> str:
        return self._ensure("purchases", self._views.purchases_sql())

    def _cached(self, name: str, sql: str) -> pd.DataFrame:
        if name not in self._memo:
            self._ensure(name, sql)
            df = pd.read_parquet(self._window_dir / f"{name}.parquet")
            for col in df.columns.intersection(["CLNT_AGE"]):
                df[col] = df[col].astype("Int64")
            for col in df.columns.intersection(["SESS_DT", "date"]):
                df[col] = pd.to_datetime(df[col])
            self._memo[name] = df
        return self._memo[name]

    def purchases(self) -> pd.DataFrame:
        """Purchase lines joined with session, category and customer (columns: docs/ARCHITECTURE.md)."""
        df = self._cached("purchases", self._views.purchases_sql())
        return df

    def sessions(self) -> pd.DataFrame:
        """Purchase sessions in the window with SEARCH_CNT (Σ Search1 counts, 0 when none)."""
        return self._cached("sessions", self._views.sessions_sql())

    def customers(self) -> pd.DataFrame:
        """The cleaned Custom table (members; CLNT_GENDER / CLNT_AGE may be NA after repair)."""
        return self._cached("customers", "SELECT * FROM custom")

    def clients(self) -> pd.DataFrame:
        """Every member (Custom) and every buyer of the window: ``CLNT_ID, CLNT_GENDER, CLNT_AGE, buys``.

        Buyers without a Custom row have NA demographics; members without purchases have ``buys`` False.
        """
        return self._cached("clients", self._views.clients_sql(self._purchases_src()))

    def search1(self) -> pd.DataFrame:
        """Search1 rows of sessions in the window."""
        return self._cached("search1", self._views.search1_sql())

    def search2(self) -> pd.DataFrame:
        """Daily search counts of all visitors in the window."""
        return self._cached("search2", self._views.search2_sql())

    def keyword_counts(self, source: str = "search1") -> pd.DataFrame:
        """Σ SEARCH_CNT per keyword over the window (KWD_NM, SEARCH_CNT), aggregated in the engine."""
        if source not in {"search1", "search2"}:
            raise DataError(f"source='{source}': use 'search1' (buyers) or 'search2' (all visitors).")
        return self._cached(f"kwd_{source}", self._views.keyword_counts_sql(source))

    def daily_revenue(self) -> pd.DataFrame:
        """Long table ``category, date, revenue, lines``: every day × CLAC1 category, 0-filled."""
        return self._cached("daily_revenue", self._views.daily_revenue_sql(self._purchases_src()))

    def customer_daily(self) -> pd.DataFrame:
        """Revenue per customer and purchase day (``CLNT_ID, SESS_DT, REVENUE, sessions``)."""
        return self._cached("customer_daily", self._views.customer_daily_sql(self._purchases_src()))

    def row_counts(self) -> dict[str, int]:
        """Rows of the window, counted in the engine (no table is loaded for this)."""
        sessions = self._ensure("sessions", self._views.sessions_sql())
        return self._views.row_counts(self._purchases_src(), sessions)

    def close(self) -> None:
        self._views.close()


def load_dataset(data_dir: str | Path | None, start_date: str, end_date: str, *, encoding: str = "auto",
                 seed: int = config.DEFAULT_SEED, scale: str = config.DEFAULT_SCALE,
                 cache_dir: str | Path | None = None, progress=print) -> Dataset:
    """Load the L.Point tables of ``data_dir`` for the window (synthetic data when ``data_dir`` is empty).

    Parameters
    ----------
    data_dir : str, Path or None
        Folder with the six CSV tables. Empty/None: the built-in synthetic data (``scale``, ``seed``),
        generated once and reused.
    start_date, end_date : str
        Inclusive ISO dates of the analysis window.

    Raises
    ------
    DataError
        Missing folder/file/column, unreadable encoding, window outside the data, invalid values that
        cannot be repaired.
    """
    source = None
    marker = Path(data_dir) / ".complete" if data_dir else None
    if marker is not None and marker.exists():  # a synthetic folder made by synthetic_dir()
        source = marker.read_text(encoding="utf-8")
    if not data_dir:
        data_dir, source = synthetic_dir(scale=scale, seed=seed, start_date=start_date, end_date=end_date,
                                         progress=progress)
    paths, log, fp = prepare(data_dir, encoding=encoding, cache_dir=cache_dir, source=source, progress=progress)
    return Dataset(paths, log, fp, start_date, end_date)


def synthetic_dir(*, scale: str = config.DEFAULT_SCALE, seed: int = config.DEFAULT_SEED,
                  start_date: str = config.DEFAULT_START, end_date: str = config.DEFAULT_END,
                  root: str | Path | None = None, progress=print) -> tuple[Path, str]:
    """Folder of the synthetic data covering the window, generated on first use (deterministic)."""
    if scale not in config.SCALES:
        raise DataError(f"scale='{scale}' is not one of {config.SCALES}.")
    start, end = parse_date(start_date, "start_date"), parse_date(end_date, "end_date")
    g_start = min(start, pd.Timestamp(config.DEFAULT_START)).date().isoformat()
    g_end = max(end, pd.Timestamp(config.DEFAULT_END)).date().isoformat()
    root = Path(root) if root else config.SYNTHETIC_DIR
    folder = root / f"{scale}-seed{seed}-{g_start}_{g_end}"
    label = f"synthetic {scale} (seed {seed}, {g_start}..{g_end})"
    if not (folder / ".complete").exists():
        from helpers.data import synthetic
        progress(f"[data] generating {label} in {folder}")
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=root))
        synthetic.generate(tmp, start_date=g_start, end_date=g_end, scale=scale, seed=seed)
        (tmp / ".complete").write_text(label, encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)
    return folder, label
