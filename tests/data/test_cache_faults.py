"""Cache integrity and the machine's faults: damaged caches are rebuilt, concurrent loaders both succeed,
full disks, missing permissions and wrong encodings give errors that name the file and what to do."""
from __future__ import annotations

import errno
import json
import subprocess
import sys

import pandas as pd
import pytest

from helpers.common.errors import DataError
from helpers.data import engine
from helpers.data.loader import load_dataset

START, END = "2018-04-01", "2018-09-30"
QUIET = {"progress": lambda *_: None}


def _load(folder, cache):
    return load_dataset(folder, START, END, cache_dir=cache, **QUIET)


def _cache_folder(ds):
    return ds.paths["product"].parent


@pytest.mark.parametrize("damage", ["garbage", "truncated", "short", "meta"])
def test_damaged_cache_is_rebuilt_from_the_csvs(raw_folder, cache_dir, damage):
    first = _load(raw_folder, cache_dir)
    revenue = first.purchases()["REVENUE"].sum()
    folder = _cache_folder(first)
    first.close()
    product = folder / "product.parquet"
    if damage == "garbage":
        product.write_bytes(b"not a parquet file at all")
    elif damage == "truncated":
        product.write_bytes(product.read_bytes()[:-40])
    elif damage == "short":  # a valid Parquet with fewer rows
        pd.read_parquet(product).head(2).to_parquet(product, index=False)
    else:
        (folder / "meta.json").write_text("{broken", encoding="utf-8")
    again = _load(raw_folder, cache_dir)
    assert not again.fingerprint.cache_hit
    assert again.purchases()["REVENUE"].sum() == revenue
    rebuilt = again.cleaning_log[again.cleaning_log["table"] == "cache"]
    assert len(rebuilt) == 1 and "캐시 손상" in rebuilt["rule"].iloc[0]
    assert _load(raw_folder, cache_dir).fingerprint.cache_hit  # and verified on the next read
    again.close()


def test_damaged_window_table_is_rebuilt(raw_folder, cache_dir):
    ds = _load(raw_folder, cache_dir)
    n = len(ds.purchases())
    window = ds._window_dir / "purchases.parquet"
    ds.close()
    pd.read_parquet(window).head(1).to_parquet(window, index=False)
    again = _load(raw_folder, cache_dir)
    assert len(again.purchases()) == n
    again.close()


def test_cleaned_tables_are_byte_identical_on_rebuild(raw_folder, tmp_path):
    a, b = _load(raw_folder, tmp_path / "c1"), _load(raw_folder, tmp_path / "c2")
    for key in ("product", "session", "master", "custom", "search1", "search2", "rejected_lines"):
        assert a.paths[key].read_bytes() == b.paths[key].read_bytes(), key
    for ds in (a, b):  # and the window tables every chapter reads
        ds.purchases(), ds.sessions(), ds.customers(), ds.clients(), ds.search1(), ds.search2()
        ds.keyword_counts("search1"), ds.keyword_counts("search2"), ds.daily_revenue(), ds.customer_daily()
    names = sorted(p.name for p in a._window_dir.glob("*.parquet"))
    assert len(names) == 10
    for name in names:
        assert (a._window_dir / name).read_bytes() == (b._window_dir / name).read_bytes(), name
    a.close()
    b.close()


LOADER = """
import sys
from helpers.data.loader import load_dataset
ds = load_dataset(sys.argv[1], "2018-04-01", "2018-09-30", cache_dir=sys.argv[2], progress=lambda *_: None)
print(len(ds.purchases()), ds.purchases()["REVENUE"].sum())
"""


def test_concurrent_loaders_on_a_cold_cache_all_succeed(raw_folder, tmp_path):
    for round_ in range(2):
        cache = tmp_path / f"cache{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", LOADER, str(raw_folder), str(cache)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-500:] for o in outs]
        assert len({o[0] for o in outs}) == 1
        assert not [p for p in cache.iterdir() if p.name.startswith(".") and p.is_dir()]  # no work folder left


def test_disk_full_names_the_folder_and_what_to_do(raw_folder, cache_dir, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(engine, "clean_tables", full)
    with pytest.raises(DataError, match=r"disk is full.*LPOINT_CACHE_DIR"):
        _load(raw_folder, cache_dir)
    assert not [p for p in cache_dir.iterdir() if p.is_dir()]  # nothing half-written is kept


def test_duckdb_disk_full_is_a_clear_error(raw_folder, cache_dir, monkeypatch):
    import duckdb

    def full(*args, **kwargs):
        raise duckdb.IOException('IO Error: Could not write file "x.parquet": No space left on device')
    monkeypatch.setattr(engine, "clean_tables", full)
    with pytest.raises(DataError, match="disk is full"):
        _load(raw_folder, cache_dir)


def test_unreadable_input_names_the_file(raw_folder, cache_dir, monkeypatch):
    import builtins

    real_open = builtins.open
    target = next(raw_folder.glob("*05.Session.csv"))

    def guarded(path, *args, **kwargs):
        if str(path) == str(target):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", guarded)
    with pytest.raises(DataError, match=r"05\.Session\.csv.*permission denied"):
        _load(raw_folder, cache_dir)


def test_unwritable_cache_folder_is_a_clear_error(raw_folder, tmp_path, monkeypatch):
    from pathlib import Path

    def denied(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))
    monkeypatch.setattr(Path, "mkdir", denied)
    with pytest.raises(DataError, match=r"cache folder.*permission denied"):
        _load(raw_folder, tmp_path / "nope")


def test_wrong_encoding_names_file_line_and_fix(raw_folder, cache_dir):
    master = next(raw_folder.glob("*06.Master.csv"))
    text = master.read_text(encoding="utf-8")
    master.write_bytes(text.encode("cp949"))
    with pytest.raises(DataError, match=r"06\.Master\.csv.*as utf-8 line 2 is invalid.*encoding='auto'"):
        load_dataset(raw_folder, START, END, encoding="utf-8", cache_dir=cache_dir, **QUIET)
    ds = load_dataset(raw_folder, START, END, encoding="auto", cache_dir=cache_dir, **QUIET)  # the fix works
    assert "여성의류" in set(ds.purchases()["CLAC1_NM"])
    ds.close()


def test_mixed_encoding_late_in_the_file_is_found(raw_folder, cache_dir):
    master = next(raw_folder.glob("*06.Master.csv"))
    with open(master, "ab") as fh:
        fh.write(b"7," + "깨진 이름".encode("cp949") + b"\xff," + "가구,거실가구,소파\n".encode())
    with pytest.raises(DataError, match=r"06\.Master\.csv.*line 9"):
        _load(raw_folder, cache_dir)


def test_meta_records_rows_and_checksums(raw_folder, cache_dir):
    ds = _load(raw_folder, cache_dir)
    meta = json.loads((_cache_folder(ds) / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["tables"]) == {"product", "search1", "search2", "custom", "session", "master", "rejected_lines"}
    assert meta["tables"]["product"]["rows"] == len(pd.read_parquet(ds.paths["product"]))
    ds.close()
