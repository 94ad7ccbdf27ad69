"""Find, check, clean and cache the six L.Point tables; hand chapters a :class:`Dataset`.

The first load of a folder parses the CSVs in DuckDB (``engine.clean_tables``), validates the cleaned
tables against the declared schemas (``schemas``) and stores them as Parquet under
``data/cache/<key>/`` where the key is built from the source files' checksums and the cleaning code.
Later loads (every other chapter, every rerun) only read Parquet.

The window views and the shared queries run on the engine chosen by ``engine`` (``duckdb``, the default, or
``spark``; also ``$HELPERS_ENGINE``, see :mod:`helpers.data.backends`). Both engines give the same frames and
the same cleaned tables, so the cache key does not name the engine.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import secrets
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from helpers.common import config
from helpers.common.dates import parse_date
from helpers.common.errors import DataError
from helpers.data import backends, engine, faults, rawscan
from helpers.data.synthetic.constants import GENERATOR_VERSION
from helpers.data.views import Views

CACHE_FORMAT = 4
#: Sort keys of the window tables (every other column is a function of these, so the order is total up to
#: identical rows); the other window queries end in their own total ORDER BY.
WINDOW_ORDER = {"purchases": "CLNT_ID, SESS_ID, HITS_SEQ, PD_C, PD_BUY_AM, PD_BUY_CT", "sessions": "CLNT_ID, SESS_ID",
                "customers": "CLNT_ID", "search1": "CLNT_ID, SESS_ID, KWD_NM", "search2": "SESS_DT, KWD_NM",
                "kwd": "KWD_NM"}  # bump when the cached layout changes


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


STAMPS_FILE = "raw_checksums.json"


def raw_checksums(files: dict[str, Path], cache_root: Path) -> dict[str, str]:
    """sha256 of every raw file, re-read only when the file's (size, mtime_ns, inode) stamp changed.

    Every chapter of a run loads the same data: hashing ~1 GB of CSVs per chapter cost 1.5–3 s each at full
    scale. The stamp is the rule git and make use for "unchanged"; a file rewritten with the same size and
    modification time to the nanosecond would not be noticed (state this if your tools do that: delete
    ``<cache>/raw_checksums.json`` then).
    """
    path = cache_root / STAMPS_FILE
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    sums, changed = {}, False
    for key, p in files.items():
        try:
            st = p.stat()
        except OSError as exc:
            raise faults.describe_os_error(p, exc, "reading") from None
        stamp, name = [st.st_size, st.st_mtime_ns, st.st_ino], str(p.resolve())
        rec = known.get(name)
        if rec and rec.get("stamp") == stamp:
            sums[key] = rec["sha256"]
            continue
        sums[key] = file_checksum(p)
        known[name], changed = {"stamp": stamp, "sha256": sums[key]}, True
    if changed:
        try:
            cache_root.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{STAMPS_FILE}.{os.getpid()}.{secrets.token_hex(3)}")
            tmp.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs the hashing next time
    return sums


def file_checksum(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise faults.describe_os_error(path, exc, "reading") from None


def detect_encoding(path: Path, encoding: str = "auto") -> str:
    """'utf-8' (BOM or not) or 'cp949', checked over the whole file (error names the line and the fix)."""
    return rawscan.check_encoding(Path(path), encoding)


def _transcode(path: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "r", encoding="cp949", newline="") as src, open(dest, "w", encoding="utf-8", newline="") as out:
        shutil.copyfileobj(src, out, 1 << 22)
    return dest


def _code_version() -> str:
    h = hashlib.sha256()
    for mod in ("data/engine.py", "data/views.py", "data/schemas.py", "common/config.py", "data/loader.py", "data/parsing.py",
                "data/cleaning.py", "data/rawscan.py", "data/queries/cleaning.py", "data/backends/duckdb.py"):
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


def _verify_cache(target: Path) -> tuple[dict | None, str]:
    """The cache's meta when every Parquet matches its recorded rows and checksum; else (None, why)."""
    meta_path = target / "meta.json"
    if not meta_path.exists():
        return None, "" if not target.exists() else "meta.json missing"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        for name, rec in meta["tables"].items():
            path = target / f"{name}.parquet"
            if not path.exists():
                return None, f"{path.name} missing"
            if file_checksum(path) != rec["sha256"]:
                return None, f"{path.name} checksum differs"
            if pq.ParquetFile(path).metadata.num_rows != rec["rows"]:
                return None, f"{path.name} row count differs"
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - unreadable meta or Parquet: rebuild, never use
        return None, f"unreadable ({type(exc).__name__})"
    return meta, ""


def _table_record(path: Path) -> dict:
    return {"rows": pq.ParquetFile(path).metadata.num_rows, "sha256": file_checksum(path)}


def _build_cache(files: dict[str, Path], work: Path, encoding: str, sums: dict, progress,
                 engine_choice: str = "duckdb") -> tuple[dict, dict]:
    """Scan, parse and clean the tables into ``work``; return the meta (files, log, tables) and raw scans.

    ``engine_choice`` names the engine of the run (see :func:`_clean`).
    """
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:  # numpy and I/O release the GIL
        futures = {k: pool.submit(rawscan.scan, p, encoding, sums[k]) for k, p in files.items()}
        scans = {k: f.result() for k, f in futures.items()}
    utf8 = {k: (_transcode(p, work / "utf8" / f"{k}.csv") if scans[k].encoding == "cp949" else p)
            for k, p in files.items()}
    result = _clean(utf8, work, files, scans, engine_choice, progress)
    from helpers.data import schemas  # pandera is slow to import: only when cleaning
    schemas.validate_parquet(result.paths, files)
    shutil.rmtree(work / "utf8", ignore_errors=True)
    for leftover in work.glob("*.lines.csv"):
        leftover.unlink()
    engine_rows = result.rows
    result.rejected.to_parquet(work / "rejected_lines.parquet", index=False)
    tables = {k: _table_record(p) for k, p in result.paths.items()}
    tables["rejected_lines"] = _table_record(work / "rejected_lines.parquet")
    file_rows = [{"table": k, "file": files[k].name, "sha256": scans[k].sha256, "encoding": scans[k].encoding,
                  "raw_rows": engine_rows[f"raw_{k}"], "set_aside": engine_rows[f"set_aside_{k}"],
                  "dropped": engine_rows[f"dropped_{k}"], "clean_rows": engine_rows[k]} for k in files]
    return {"files": file_rows, "log": result.log, "tables": tables}, scans


def _clean(utf8: dict, work: Path, files: dict, scans: dict, engine_choice: str, progress):
    """``engine.clean_tables`` on the chosen engine: on Spark, Spark's CSV reader parses and Spark runs the shared
    cleaning steps; DuckDB (default) uses its strict reader and its own connection."""
    options = {}
    if engine_choice != "duckdb":
        from helpers.data.backends.spark import parse_spark  # noqa: PLC0415 - optional extra
        options = {"backend": backends.get_backend(engine_choice), "parse": parse_spark}
    try:
        return engine.clean_tables(utf8, work, sources=files, scans=scans, threads=os.cpu_count(), progress=progress,
                                   **options)
    finally:
        if options:
            options["backend"].close()


def _publish_cache(work: Path, target: Path, meta: dict) -> None:
    """meta.json last (its presence means complete), then one rename; a damaged old copy is moved away first."""
    tmp_meta = work / f".meta.{os.getpid()}.json"
    tmp_meta.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp_meta, work / "meta.json")
    if target.exists():
        trash = target.with_name(f".{target.name}.damaged-{os.getpid()}-{secrets.token_hex(3)}")
        target.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    work.rename(target)


def _clean_into_cache(data_dir, files, target: Path, encoding: str, sums: dict, damaged: str, progress,
                      engine_choice: str = "duckdb") -> dict:
    progress(f"[data] cleaning {len(files)} tables from {data_dir} (first run; cached afterwards)")
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        meta, _ = _build_cache(files, work, encoding, sums, progress, engine_choice)
        if damaged:
            meta["log"].append({"table": "cache", "rule": f"캐시 손상({damaged}) → CSV에서 다시 만듦", "rows": 1,
                                "action": "repaired"})
        _publish_cache(work, target, meta)
        return meta
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - machine faults and parser failures get a clear message
        if faults.is_machine_fault(exc):
            raise faults.describe_os_error(getattr(exc, "filename", None) or target.parent, exc,
                                           "writing the cleaned tables to") from None
        raise DataError(f"Parsing the tables in '{data_dir}' failed: {exc}") from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def prepare(data_dir: str | Path, *, encoding: str = "auto", cache_dir: str | Path | None = None,
            source: str | None = None, progress=print,
            engine: str | None = None) -> tuple[dict[str, Path], pd.DataFrame, Fingerprint]:
    """Clean the folder's tables once (cached, verified on every read) and return Parquet paths, log, fingerprint.

    ``engine`` (``duckdb``/``spark``, default ``$HELPERS_ENGINE`` or DuckDB) runs the cleaning; both engines write
    the same cleaned tables, so the cache key does not include it and either engine reuses the other's cache.

    Two loaders of the same data wait for each other (a lock per cache key): the second finds the finished
    cache. A cached Parquet whose checksum or row count differs from the record is rebuilt from the CSVs.
    """
    engine_choice = backends.engine_name(engine)
    files = find_tables(data_dir)
    if encoding not in rawscan.ENCODINGS:
        raise DataError(f"encoding='{encoding}' is not supported: use one of {sorted(rawscan.ENCODINGS)}.")
    cache_root = Path(cache_dir) if cache_dir else config.CACHE_DIR
    sums = raw_checksums(files, cache_root)
    key_src = json.dumps({"sums": sums, "enc": encoding, "code": _code_version()}, sort_keys=True)
    key = hashlib.sha256(key_src.encode()).hexdigest()[:20]
    target = cache_root / key
    fp = Fingerprint(source=source or f"folder {Path(data_dir).resolve()}", data_dir=str(Path(data_dir).resolve()),
                     cache_key=key)
    try:
        cache_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise faults.describe_os_error(cache_root, exc, "creating the cache folder") from None
    with faults.locked(cache_root / f".{key}.lock"):
        meta, damaged = _verify_cache(target)
        fp.cache_hit = meta is not None
        if meta is None:
            if damaged:
                progress(f"[data] cache {target} is damaged ({damaged}): rebuilding it from the CSVs")
            meta = _clean_into_cache(data_dir, files, target, encoding, sums, damaged, progress, engine_choice)
    fp.files = meta["files"]
    paths = {k: target / f"{k}.parquet" for k in (*config.TABLES, "rejected_lines")}
    return paths, pd.DataFrame(meta["log"]), fp


class Dataset:
    """The cleaned tables restricted to ``[start_date, end_date]`` (inclusive), as pandas frames.

    Frames are built in the engine (``engine``: DuckDB by default, or Spark) once per (data, window) and cached
    as Parquet beside the cleaned tables, so that every chapter of a run reads them instead of recomputing the
    joins. ``engine_options`` go to the backend (Spark: ``master``, ``shuffle_partitions``, ...).
    """

    def __init__(self, paths: dict[str, Path], log: pd.DataFrame, fingerprint: Fingerprint,
                 start_date: str, end_date: str, *, check_coverage: bool = True, engine: str | None = None,
                 engine_options: dict | None = None):
        self.start = parse_date(start_date, "start_date")
        self.end = parse_date(end_date, "end_date")
        if self.start > self.end:
            raise DataError(f"start_date {self.start.date()} is after end_date {self.end.date()}: swap them.")
        self.paths = paths
        self.fingerprint = fingerprint
        s, e = self.start.date().isoformat(), self.end.date().isoformat()
        self.engine = backends.engine_name(engine)
        self.backend = backends.get_backend(self.engine, **(engine_options or {}))
        self._views = Views(self.backend, {k: p for k, p in paths.items() if k in config.TABLES}, s, e)
        lo, hi = self._views.date_range()
        self.data_start, self.data_end = lo, hi
        if check_coverage and (self.start < lo or self.end > hi):
            raise DataError(f"The data in '{fingerprint.data_dir}' covers {lo.date()}..{hi.date()} but the "
                            f"requested window is {s}..{e}: choose start_date/end_date inside the data.")
        if self._views.count("session", self._views._win) == 0:
            raise DataError(f"Table 05 session of '{fingerprint.data_dir}' has no session in the window {s}..{e} "
                            f"(its sessions cover {lo.date()}..{hi.date()}): choose another window.")
        self.cleaning_log = pd.concat([log, self._window_log(s, e)], ignore_index=True)
        self._window_dir = paths["product"].parent / f"window_{s}_{e}"
        self._memo: dict[str, pd.DataFrame] = {}
        self._verified: set[str] = set()

    def _window_log(self, s: str, e: str) -> pd.DataFrame:
        """Rows each table loses to the window (and Search1 rows of sessions missing from Session)."""
        n = self._views.window_counts()
        rule = f"분석 기간({s}..{e}) 밖"
        return pd.DataFrame([
            {"table": "session", "rule": f"{rule} 세션", "rows": n["session_outside"], "action": "excluded"},
            {"table": "product", "rule": f"{rule} 구매 행", "rows": n["product_outside"], "action": "excluded"},
            {"table": "search1", "rule": f"{rule} 세션의 검색 행", "rows": n["search1_outside"], "action": "excluded"},
            {"table": "search1", "rule": "(CLNT_ID, SESS_ID)가 Session에 없는 검색 행", "rows": n["search1_orphan"],
             "action": "excluded"},
            {"table": "search2", "rule": f"{rule} 날짜의 검색 행", "rows": n["search2_outside"], "action": "excluded"},
        ])

    # -- cached window tables -------------------------------------------------------------------
    def _ensure(self, name: str, sql: str) -> str:
        """Write the window table once (Parquet, verified by checksum) and return its relation name."""
        path = self._window_dir / f"{name}.parquet"
        if name not in self._verified:
            try:
                with faults.locked(self._window_dir / ".lock"):
                    self._ensure_locked(name, sql, path)
            except OSError as exc:
                raise faults.describe_os_error(path, exc, "writing the window table") from None
            self.backend.register_parquet(f"w_{name}", path)
            self._verified.add(name)
        return f"w_{name}"

    def _ensure_locked(self, name: str, sql: str, path: Path) -> None:
        manifest_path = self._window_dir / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        rec = manifest.get(name)
        if path.exists() and rec:
            try:
                if _table_record(path) == rec:
                    return
            except Exception:  # noqa: BLE001 - unreadable: rebuilt below
                pass
            print(f"[data] window table {path} is damaged (checksum or rows differ): rebuilding it")
        try:  # a total order (up to identical rows): the same data gives the same bytes on every run
            self._views.write(sql, path, order_by=WINDOW_ORDER.get(name.split("_")[0]))
        except Exception as exc:  # noqa: BLE001
            if faults.is_machine_fault(exc):
                raise faults.describe_os_error(path, exc, "writing the window table") from None
            raise
        manifest[name] = _table_record(path)
        tmp = manifest_path.with_name(f".manifest.{os.getpid()}.{secrets.token_hex(3)}.json")
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, manifest_path)

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

    def query(self, fn, /, **params) -> pd.DataFrame:
        """Run a shared query (:mod:`helpers.data.queries`) over the window relations; returns its frame.

        ``fn(**params)`` returns SQL over ``purchases``, ``sessions``, ``clients`` and ``customers``. Only such
        analysis-size aggregates should cross into pandas. Results are memoised per (query, parameters). A
        query with a keyword ``d`` receives the engine's dialect (:class:`~helpers.data.backends.base.Dialect`).
        """
        key = f"q:{fn.__module__}.{fn.__qualname__}:{sorted(params.items())!r}"
        if key not in self._memo:
            self._register_window()
            if "d" in inspect.signature(fn).parameters and "d" not in params:
                params = dict(params, d=self.backend.dialect)
            df = self._views.df(fn(**params))
            for col in df.columns.intersection(["SESS_DT", "date"]):
                df[col] = pd.to_datetime(df[col])
            self._memo[key] = df
        return self._memo[key]

    def _register_window(self) -> None:
        """Window relations as engine views named as in :mod:`helpers.data.queries` (created once)."""
        if "window_views" in self._verified:
            return
        purchases = self._purchases_src()
        sources = {"purchases": purchases, "sessions": self._ensure("sessions", self._views.sessions_sql()),
                   "customers": self._ensure("customers", "SELECT * FROM custom"),
                   "clients": self._ensure("clients", self._views.clients_sql(purchases))}
        for name, src in sources.items():
            self.backend.view(name, f"SELECT * FROM {src}")
        self._verified.add("window_views")

    def rejected_lines(self) -> pd.DataFrame:
        """The first set-aside lines of every table: ``table, file, line, rule, text`` (a data product)."""
        return pd.read_parquet(self.paths["rejected_lines"]) if "rejected_lines" in self.paths else \
            pd.DataFrame(columns=["table", "file", "line", "rule", "text"])

    def sessionless_lines(self) -> pd.DataFrame:
        """Purchase lines without a Session row (no date, device or region; excluded from date-based analyses).

        One row: ``lines, revenue`` (KRW) of those lines, ``all_lines, all_revenue`` of every cleaned line,
        ``line_share, revenue_share`` (0..1, 4 decimals). Not window-specific: such lines have no date.
        """
        n, rev, total, total_rev = self._views.sessionless()
        return pd.DataFrame([{"lines": int(n), "revenue": float(round(rev)), "all_lines": int(total),
                              "all_revenue": float(round(total_rev)),
                              "line_share": round(n / total, 4) if total else 0.0,
                              "revenue_share": round(rev / total_rev, 4) if total_rev else 0.0}])

    def accounting(self) -> pd.DataFrame:
        """Row accounting per table: ``table, file, raw_rows, set_aside, dropped, clean_rows`` (raw = the rest)."""
        cols = ["table", "file", "raw_rows", "set_aside", "dropped", "clean_rows"]
        return self.fingerprint.table().reindex(columns=cols)

    def row_counts(self) -> dict[str, int]:
        """Rows of the window, counted in the engine (no table is loaded for this)."""
        sessions = self._ensure("sessions", self._views.sessions_sql())
        return self._views.row_counts(self._purchases_src(), sessions)

    def close(self) -> None:
        self._views.close()


def load_dataset(data_dir: str | Path | None, start_date: str, end_date: str, *, encoding: str = "auto",
                 seed: int = config.DEFAULT_SEED, scale: str = config.DEFAULT_SCALE,
                 cache_dir: str | Path | None = None, progress=print, engine: str | None = None,
                 engine_options: dict | None = None) -> Dataset:
    """Load the L.Point tables of ``data_dir`` for the window (synthetic data when ``data_dir`` is empty).

    Parameters
    ----------
    data_dir : str, Path or None
        Folder with the six CSV tables. Empty/None: the built-in synthetic data (``scale``, ``seed``),
        generated once and reused.
    start_date, end_date : str
        Inclusive ISO dates of the analysis window.
    engine : str, optional
        ``duckdb`` (default) or ``spark``; empty: ``$HELPERS_ENGINE``, else DuckDB. ``engine_options`` go to
        the backend (Spark: ``master`` — ``local[*]``, ``spark://...``, ``yarn``, ``sc://...`` —, ...).

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
    paths, log, fp = prepare(data_dir, encoding=encoding, cache_dir=cache_dir, source=source, progress=progress,
                             engine=engine)
    return Dataset(paths, log, fp, start_date, end_date, engine=engine, engine_options=engine_options)


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
    folder = root / f"{scale}-seed{seed}-{g_start}_{g_end}-g{GENERATOR_VERSION}"
    label = f"synthetic {scale} (seed {seed}, {g_start}..{g_end})"
    if not (folder / ".complete").exists():
        root.mkdir(parents=True, exist_ok=True)
        with faults.locked(root / f".{folder.name}.lock"):  # concurrent first runs generate once
            if not (folder / ".complete").exists():
                _generate_into(folder, label, scale=scale, seed=seed, start=g_start, end=g_end, progress=progress)
    return folder, label


def _generate_into(folder: Path, label: str, *, scale: str, seed: int, start: str, end: str, progress) -> None:
    from helpers.data import synthetic
    progress(f"[data] generating {label} in {folder}")
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        synthetic.generate(tmp, start_date=start, end_date=end, scale=scale, seed=seed)
        (tmp / ".complete").write_text(label, encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)
    except OSError as exc:
        raise faults.describe_os_error(folder, exc, "writing the synthetic data to") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
