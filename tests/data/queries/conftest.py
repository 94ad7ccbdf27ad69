"""Shared fixtures of the query tests: one Dataset over the hand-made quirky raw folder per test module."""
from __future__ import annotations

import pytest
from conftest import write_raw_folder

from helpers.data.loader import load_dataset


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("queries")
    d = load_dataset(write_raw_folder(tmp / "raw"), "2018-04-01", "2018-09-30", cache_dir=tmp / "cache",
                     progress=lambda *_: None)
    yield d
    d.close()

