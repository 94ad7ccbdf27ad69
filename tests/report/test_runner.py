"""Runner: parameters are checked before anything runs; failures name the chapter and keep the last report."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from helpers.common.errors import DataError
from helpers.report import runner
from helpers.report.runner import ChapterFailed, ParameterError

PARAMS_SRC = '''start_date: str = "2018-04-01"  # first day (ISO)
end_date: str = "2018-09-30"  # last day, inclusive (ISO)
data_dir: str = ""  # data folder, empty means synthetic
output_dir: str = ""  # report folder
seed: int = 42  # random seed
threshold: float = 0.2  # a chapter parameter'''


def _notebook(path: Path, body: str, title: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}"),
                nbformat.v4.new_code_cell(PARAMS_SRC, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def nb_dir(tmp_path):
    d = tmp_path / "nbs"
    d.mkdir()
    _notebook(d / "01_first.ipynb", "from pathlib import Path\n"
              "(Path(output_dir) / 'data').mkdir(exist_ok=True)\n"
              "(Path(output_dir) / 'data' / 'x.csv').write_text(f'{threshold}')\n"
              "from IPython.display import Markdown, display\ndisplay(Markdown(f'첫 장 {threshold}'))\n"
              "print('학습 로그 category 1/2')",
              "첫 장")
    _notebook(d / "02_second.ipynb", "print(start_date, end_date)", "둘째 장")
    return d


def _run(nb_dir, raw_folder, out, *, progress=lambda *_: None, **kw):
    return runner.run_report(data_dir=str(raw_folder), notebooks_dir=nb_dir, output_root=out, progress=progress,
                             **kw)


def test_render_writes_html_index_products_and_latest(nb_dir, raw_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("LPOINT_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "reports"
    res = _run(nb_dir, raw_folder, out, extra_params={"threshold": 0.5})
    final = out / "2018-04-01_2018-09-30"
    assert res.report_dir == final and [c.status for c in res.chapters] == ["ok", "ok"]
    for stem in ("01_first", "02_second"):
        assert (final / "html" / f"{stem}.html").exists() and (final / "html_code" / f"{stem}.html").exists()
    analyst = (final / "html" / "01_first.html").read_text(encoding="utf-8")
    with_code = (final / "html_code" / "01_first.html").read_text(encoding="utf-8")
    assert "첫 장 0.5" in analyst and "write_text" not in analyst and "write_text" in with_code
    assert "학습 로그" not in analyst and "학습 로그 category 1/2" in with_code  # logs: console and code version
    assert (final / "data" / "x.csv").read_text() == "0.5"
    index = (final / "index.html").read_text(encoding="utf-8")
    assert "첫 장" in index and "sha256" in index
    run = json.loads((final / "run.json").read_text(encoding="utf-8"))
    assert run["parameters"]["threshold"] == 0.5 and run["row_counts"]["purchase_lines"] == 8  # the line whose PD_C is not in Master stays, as (미분류)
    assert (out / "latest").resolve() == final.resolve()


@pytest.mark.parametrize("extra,message", [
    ({"thresold": 0.3}, r"Unknown parameter\(s\) \['thresold'\]"),
    ({"threshold": "high"}, r"'threshold' must be float"),
    ({"seed": "7"}, r"'seed' must be int"),
    ({"start_date": "2018-09-01", "end_date": "2018-04-01"}, "is after end_date"),
    ({"end_date": "2018-02-30"}, "end_date='2018-02-30' is not a date"),
])
def test_bad_parameters_fail_before_execution(nb_dir, raw_folder, tmp_path, monkeypatch, extra, message):
    monkeypatch.setenv("LPOINT_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "reports"
    with pytest.raises((ParameterError, DataError), match=message):
        _run(nb_dir, raw_folder, out, extra_params=extra)
    assert not out.exists() or not any(out.iterdir())


def test_window_not_covered_by_data_fails_before_execution(nb_dir, raw_folder, tmp_path):
    with pytest.raises(DataError, match="covers"):
        _run(nb_dir, raw_folder, tmp_path / "reports", start_date="2018-04-01", end_date="2019-01-31")
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_failing_chapter_is_named_and_previous_report_kept(nb_dir, raw_folder, tmp_path):
    out = tmp_path / "reports"
    _run(nb_dir, raw_folder, out)
    good = (out / "2018-04-01_2018-09-30" / "html" / "02_second.html").read_text(encoding="utf-8")
    _notebook(nb_dir / "02_second.ipynb", "x = 1\nraise ValueError('planted failure')", "둘째 장")
    with pytest.raises(ChapterFailed, match=r"02_second failed in cell 3 .*ValueError: planted failure"):
        _run(nb_dir, raw_folder, out)
    assert (out / "2018-04-01_2018-09-30" / "html" / "02_second.html").read_text(encoding="utf-8") == good
    assert (out / ".failed-2018-04-01_2018-09-30" / "notebooks" / "02_second.ipynb").exists()


def test_cli_exit_codes(raw_folder, tmp_path):
    from helpers.report.cli import main
    code = main(["report", "--data-dir", str(raw_folder), "--start", "2018-10-01", "--end", "2018-04-01",
                 "--output-root", str(tmp_path / "r")])
    assert code == 2


def test_notebook_without_globals_is_rejected(tmp_path, raw_folder):
    d = tmp_path / "nbs"
    d.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('start_date: str = "2018-04-01"', metadata={"tags": ["parameters"]})]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, d / "01_bad.ipynb")
    with pytest.raises(ParameterError, match="does not declare the global parameter"):
        _run(d, raw_folder, tmp_path / "r")


def test_partial_run_does_not_replace_the_full_report(nb_dir, raw_folder, tmp_path):
    out = tmp_path / "reports"
    _run(nb_dir, raw_folder, out)
    res = _run(nb_dir, raw_folder, out, only=["02"])
    assert res.report_dir.name == "2018-04-01_2018-09-30_only-02"
    assert (out / "2018-04-01_2018-09-30" / "html" / "01_first.html").exists()
    assert os.readlink(out / "latest") == "2018-04-01_2018-09-30"


def test_save_product_writes_parquet_and_csv_unless_huge(tmp_path):
    import pandas as pd

    from helpers.report import present as report
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["가", "나", "다"]})
    report.save_product(df, "small", tmp_path)
    assert pd.read_parquet(tmp_path / "data" / "small.parquet").equals(df)
    assert (tmp_path / "data" / "small.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "1,가"
    report.save_product(df, "big", tmp_path, csv_max_rows=2)
    assert (tmp_path / "data" / "big.parquet").exists() and not (tmp_path / "data" / "big.csv").exists()


def test_only_reuses_the_windows_last_complete_products(nb_dir, raw_folder, tmp_path):
    out = tmp_path / "reports"
    _notebook(nb_dir / "02_second.ipynb", "from pathlib import Path\n"
              "from IPython.display import Markdown, display\n"
              "display(Markdown('읽음 ' + (Path(output_dir) / 'data' / 'x.csv').read_text()))", "둘째 장")
    with pytest.raises(ChapterFailed, match="FileNotFoundError"):  # no complete report yet: nothing to reuse
        _run(nb_dir, raw_folder, out, only=["02"])
    _run(nb_dir, raw_folder, out, extra_params={"threshold": 0.7}, jobs=1)  # 02 reads 01's file: one at a time
    res = _run(nb_dir, raw_folder, out, only=["02"])
    page = (res.report_dir / "html" / "02_second.html").read_text(encoding="utf-8")
    assert "읽음 0.7" in page


def test_progress_lines_reach_the_console_and_a_silent_chapter_gets_a_heartbeat(tmp_path):
    path = tmp_path / "progress.log"
    seen = []
    with runner._ProgressTail(path, seen.append, heartbeat=0.3, interval=0.05):
        path.write_text("category 1/2 여성의류\n", encoding="utf-8")
        time.sleep(0.2)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("category 2/2 가구\n")
        time.sleep(0.8)
    assert seen[:2] == ["      category 1/2 여성의류", "      category 2/2 가구"]
    assert any(line.startswith("      … still running") for line in seen[2:])


def test_chapter_loggers_write_to_the_runner_progress_file(tmp_path, monkeypatch):
    import logging

    from helpers.report import present
    path = tmp_path / "p.log"
    monkeypatch.setenv(present.PROGRESS_ENV, str(path))
    logger = logging.getLogger("helpers")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    try:
        present.route_progress()
        logging.getLogger("helpers.chapters.demand.compute").info("LSTM: category %d/%d", 3, 10)
        logging.getLogger("helpers.chapters.demand.compute").debug("not shown")
    finally:
        logger.handlers[:], logger.propagate, logger.level = saved
    assert path.read_text(encoding="utf-8") == "LSTM: category 3/10\n"


def test_rendered_pages_are_framed_and_name_no_work_folder(nb_dir, raw_folder, tmp_path, capfd):
    console = []
    res = _run(nb_dir, raw_folder, tmp_path / "reports", progress=console.append)
    # printed progress reaches the console (tagged "01| " when chapters run side by side)
    assert any(line.endswith("      학습 로그 category 1/2") for line in console), console
    err = capfd.readouterr().err  # the kernels' own stderr (inherited file descriptor)
    assert "without encryption" not in err and "KeyboardInterrupt caught" not in err, err[-500:]
    for sub in ("html", "html_code"):
        page = (res.report_dir / sub / "02_second.html").read_text(encoding="utf-8")
        assert "<title>둘째 장 · " in page and 'href="../index.html"' in page and 'rel="prev"' in page
    for path in res.report_dir.rglob("*"):
        if path.suffix in (".html", ".ipynb", ".json"):
            assert ".tmp-" not in path.read_text(encoding="utf-8"), path
