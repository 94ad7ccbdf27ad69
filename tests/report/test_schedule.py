"""Chapters side by side: the scheduler keeps chapter 6 after 1-5, returns results in order, stops on failure."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from report.test_runner import PARAMS_SRC

from helpers.report import runner

NOTEBOOKS = [Path(f"{i:02d}_chapter.ipynb") for i in range(1, 7)]


def _recorder(delays: dict[str, float], fail: str = ""):
    log, lock, running, peak = [], threading.Lock(), [0], [0]

    def run_one(i, nb):
        tag = nb.stem[:2]
        with lock:
            log.append(("start", tag))
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(delays.get(tag, 0.01))
        with lock:
            running[0] -= 1
            log.append(("end", tag))
        if tag == fail:
            raise RuntimeError(f"chapter {tag} failed")
        return runner.ChapterResult(notebook=nb.stem, title=str(i))

    return run_one, log, peak


def test_chapter_six_waits_for_the_others_and_results_keep_notebook_order():
    run_one, log, peak = _recorder({"04": 0.2})
    results = runner._schedule(NOTEBOOKS, run_one, jobs=2)
    assert [r.notebook for r in results] == [nb.stem for nb in NOTEBOOKS]
    assert [r.title for r in results] == ["1", "2", "3", "4", "5", "6"]
    start6 = log.index(("start", "06"))
    assert all(log.index(("end", t)) < start6 for t in ("01", "02", "03", "04", "05"))
    assert peak[0] == 2  # two at a time, never more
    assert log.index(("end", "05")) < log.index(("end", "04"))  # 05 ran beside the slow 04


def test_one_job_runs_in_order():
    run_one, log, peak = _recorder({})
    runner._schedule(NOTEBOOKS, run_one, jobs=1)
    assert [t for kind, t in log if kind == "start"] == ["01", "02", "03", "04", "05", "06"]
    assert peak[0] == 1


def test_failure_stops_new_starts_and_is_raised():
    run_one, log, _ = _recorder({"01": 0.1}, fail="02")
    with pytest.raises(RuntimeError, match="chapter 02 failed"):
        runner._schedule(NOTEBOOKS, run_one, jobs=2)
    started = {t for kind, t in log if kind == "start"}
    assert "06" not in started
    assert ("end", "01") in log  # the chapter already running was allowed to finish


def test_only_some_chapters_wait_only_for_those_present():
    run_one, log, _ = _recorder({})
    nbs = [NOTEBOOKS[4], NOTEBOOKS[5]]
    runner._schedule(nbs, run_one, jobs=2)
    assert log.index(("end", "05")) < log.index(("start", "06"))


def test_kernels_side_by_side_each_see_their_own_chapter(tmp_path, raw_folder, monkeypatch):
    """Two real kernels at once: each gets its own LPOINT_CHAPTER (per-kernel environment, not os.environ),
    its own IPC sockets, and both chapters' products reach the catalogue."""
    monkeypatch.setenv("LPOINT_CACHE_DIR", str(tmp_path / "cache"))
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    for n in ("01", "02"):
        nb = nbformat.v4.new_notebook()
        body = ("import os, time, pandas as pd\nfrom helpers.report import present\ntime.sleep(1)\n"
                f"present.save_product(pd.DataFrame({{'who': [os.environ['LPOINT_CHAPTER']]}}), 'p{n}', output_dir)")
        nb.cells = [nbformat.v4.new_markdown_cell(f"# 장 {n}"),
                    nbformat.v4.new_code_cell(PARAMS_SRC, metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(body)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, nb_dir / f"{n}_ch.ipynb")
    res = runner.run_report(data_dir=str(raw_folder), notebooks_dir=nb_dir, output_root=tmp_path / "out",
                            jobs=2, progress=lambda *_: None)
    data = res.report_dir / "data"
    assert pd.read_parquet(data / "p01.parquet")["who"].tolist() == ["01"]
    assert pd.read_parquet(data / "p02.parquet")["who"].tolist() == ["02"]
    catalogue = json.loads((data / "catalogue.json").read_text(encoding="utf-8"))
    assert {catalogue["p01"]["chapter"], catalogue["p02"]["chapter"]} == {"01", "02"}
    assert all(c.peak_rss_mb > 0 for c in res.chapters)
