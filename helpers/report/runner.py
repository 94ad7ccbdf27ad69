"""Render the whole report: validate parameters, execute every numbered notebook with papermill, convert to
HTML (with and without code), write ``index.html`` with the run record, and swap the finished folder into
``reports/<start>_<end>/`` only when every chapter succeeded.
"""
from __future__ import annotations

import html
import json
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from helpers.common import config
from helpers.common.dates import parse_date
from helpers.common.errors import DataError
from helpers.data.loader import load_dataset, synthetic_dir
from helpers.report import publish

TYPE_NAMES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


class ParameterError(ValueError):
    """A run parameter is unknown, ill-typed or inconsistent; nothing was executed."""


class ChapterFailed(RuntimeError):
    """A notebook raised: names the chapter and the failing cell."""


@dataclass
class ChapterResult:
    notebook: str
    title: str
    status: str = "pending"
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    error: str = ""


@dataclass
class RunResult:
    report_dir: Path
    chapters: list[ChapterResult] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)
    total_seconds: float = 0.0


# ---------------------------------------------------------------------------------------------------
# Notebooks and their parameters
# ---------------------------------------------------------------------------------------------------

def discover_notebooks(nb_dir: Path = config.NOTEBOOKS_DIR, only: list[str] | None = None) -> list[Path]:
    """Numbered notebooks (``NN_name.ipynb``) in order; ``only`` keeps those whose name starts with an item."""
    nbs = sorted(p for p in Path(nb_dir).glob("[0-9][0-9]_*.ipynb"))
    if only:
        unknown = [o for o in only if not any(p.name.startswith(o) for p in nbs)]
        if unknown:
            raise ParameterError(f"--only {unknown}: no such notebook in {nb_dir} ({[p.name for p in nbs]}).")
        nbs = [p for p in nbs if any(p.name.startswith(o) for o in only)]
    if not nbs:
        raise ParameterError(f"No numbered notebooks (NN_name.ipynb) in {nb_dir}.")
    return nbs


def notebook_parameters(path: Path) -> dict[str, dict]:
    """Declared parameters of a notebook: name -> {type, default, help} (from the `parameters` cell)."""
    import papermill as pm
    params = pm.inspect_notebook(str(path))
    out = {}
    for name, info in params.items():
        type_name = (info.get("inferred_type_name") or "None").split("[")[0].strip()
        out[name] = {"type": type_name, "default": info.get("default"), "help": info.get("help", "")}
    return out


def notebook_title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("# ").strip()
    return path.stem


def _check_type(name: str, value, type_name: str, where: str):
    expected = TYPE_NAMES.get(type_name)
    if expected is None:
        return value
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, bool) or not isinstance(value, expected):
        raise ParameterError(f"Parameter '{name}' must be {type_name} ({where}), got {type(value).__name__} "
                             f"{value!r}.")
    return value


def load_params_file(path: str | Path | None) -> dict:
    if not path:
        return {}
    import yaml
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"--params '{p}' does not exist: give a YAML file of parameter: value lines.")
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ParameterError(f"--params '{p}' must be a mapping of parameter names to values.")
    return data


def validate_parameters(params: dict, notebooks: list[Path]) -> dict[str, dict]:
    """Check names, types and dates before anything runs; return the parameters of each notebook.

    Raises
    ------
    ParameterError
        Unknown name (papermill would only warn), wrong type, bad date, start after end, missing globals.
    """
    declared = {nb.name: notebook_parameters(nb) for nb in notebooks}
    for nb, decl in declared.items():
        missing = [g for g in config.GLOBAL_PARAMETERS if g not in decl]
        if missing:
            raise ParameterError(f"Notebook {nb} does not declare the global parameter(s) {missing} in its "
                                 "`parameters` cell.")
    known = set(config.GLOBAL_PARAMETERS).union(*[set(d) for d in declared.values()])
    unknown = sorted(set(params) - known)
    if unknown:
        raise ParameterError(f"Unknown parameter(s) {unknown}. Known: {sorted(known)}.")
    for name, typ in config.GLOBAL_PARAMETERS.items():
        if name in params:
            params[name] = _check_type(name, params[name], typ.__name__, "global")
    start = parse_date(params["start_date"], "start_date")
    end = parse_date(params["end_date"], "end_date")
    if start > end:
        raise ParameterError(f"start_date {start.date()} is after end_date {end.date()}: swap them.")
    per_nb = {}
    for nb, decl in declared.items():
        values = {}
        for name, value in params.items():
            if name in decl:
                values[name] = _check_type(name, value, decl[name]["type"], f"declared in {nb}")
        per_nb[nb] = values
    return per_nb


# ---------------------------------------------------------------------------------------------------
# Execution
# ---------------------------------------------------------------------------------------------------

class _PeakMemory:
    """Polls the resident memory of this process's children (the notebook kernel) while a chapter runs."""

    def __init__(self, interval: float = 0.2):
        import psutil
        self._proc, self._interval = psutil.Process(), interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil
        while not self._stop.is_set():
            total = 0
            try:
                for child in self._proc.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(self._interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager
    return "lpoint-report" if "lpoint-report" in KernelSpecManager().find_kernel_specs() else "python3"


_CDN_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.IGNORECASE)


def _to_html(nb_path: Path, out_path: Path, *, hide_code: bool) -> None:
    from nbconvert import HTMLExporter
    nb = nbformat.read(nb_path, as_version=4)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        for cell in nb.cells:  # analysts see results, not warnings or parameter echoes
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.get("outputs", []) if o.get("name") != "stderr"]
                if "injected-parameters" in cell.metadata.get("tags", []) or \
                        "parameters" in cell.metadata.get("tags", []):
                    cell.outputs = []
    body, _ = exporter.from_notebook_node(nb)
    # The report must open offline: drop the template's CDN scripts (require.js, MathJax); the chapters use
    # neither widgets nor LaTeX, and every image is already embedded.
    body = _CDN_SCRIPT.sub("", body)
    out_path.write_text(body, encoding="utf-8")


def _failure_message(nb: Path, exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError
    if isinstance(exc, PapermillExecutionError):
        src = "\n".join(exc.source.splitlines()[:6])
        return (f"Chapter {nb.stem} failed in cell {exc.cell_index} (execution {exc.exec_count}): "
                f"{exc.ename}: {exc.evalue}\n--- cell source ---\n{src}")
    return f"Chapter {nb.stem} failed: {type(exc).__name__}: {exc}"


def run_report(*, start_date: str = config.DEFAULT_START, end_date: str = config.DEFAULT_END,
               data_dir: str | None = None, seed: int = config.DEFAULT_SEED, scale: str = config.DEFAULT_SCALE,
               params_file: str | None = None, extra_params: dict | None = None,
               output_root: str | Path = config.REPORTS_DIR, notebooks_dir: str | Path = config.NOTEBOOKS_DIR,
               only: list[str] | None = None, progress=print) -> RunResult:
    """Render the report for the window into ``<output_root>/<start>_<end>/`` (atomically).

    Raises
    ------
    ParameterError, DataError
        Before any notebook runs.
    ChapterFailed
        A notebook failed; the previous report for the window is left untouched.
    """
    t0 = time.time()
    params = load_params_file(params_file)
    params.update(extra_params or {})
    for flag, value in (("start_date", start_date), ("end_date", end_date), ("seed", seed)):
        params.setdefault(flag, value)
    params.setdefault("data_dir", data_dir or "")
    notebooks = discover_notebooks(Path(notebooks_dir), only)
    params.setdefault("output_dir", "")
    per_nb = validate_parameters(params, notebooks)

    # Data: generate synthetic data if needed, clean + cache, check the window is covered — all before
    # executing anything, so bad data stops the run with the loader's message.
    start, end = params["start_date"], params["end_date"]
    if not params["data_dir"]:
        folder, _ = synthetic_dir(scale=scale, seed=params["seed"], start_date=start, end_date=end,
                                  progress=progress)
        params["data_dir"] = str(folder)
    ds = load_dataset(params["data_dir"], start, end, seed=params["seed"], progress=progress)
    counts = ds.row_counts()
    fingerprint = ds.fingerprint
    log = ds.cleaning_log
    ds.close()
    if counts["purchase_lines"] == 0:
        raise DataError(f"No purchase lines in {start}..{end} in '{params['data_dir']}': choose another window.")

    output_root = Path(output_root)
    output_root.mkdir(parents=True, exist_ok=True)
    name = f"{parse_date(start, 'start_date').date()}_{parse_date(end, 'end_date').date()}"
    if only:  # a partial run never replaces the full report of the window
        name += "_only-" + "-".join(only)
    final = output_root / name
    tmp = publish.new_work_folder(output_root, name)
    kernel = _kernel_name()
    result = RunResult(report_dir=final, parameters={k: v for k, v in params.items() if k != "output_dir"})
    import papermill as pm
    for i, nb in enumerate(notebooks, 1):
        chapter = ChapterResult(notebook=nb.stem, title=notebook_title(nb))
        result.chapters.append(chapter)
        progress(f"[{i}/{len(notebooks)}] {nb.stem}: {chapter.title} …")
        nb_params = dict(per_nb[nb.name], **{"data_dir": params["data_dir"], "output_dir": str(tmp)})
        out_nb = tmp / "notebooks" / nb.name
        c0 = time.time()
        try:
            with _PeakMemory() as mem:
                pm.execute_notebook(str(nb), str(out_nb), parameters=nb_params, kernel_name=kernel,
                                    cwd=str(Path(notebooks_dir)), progress_bar=False, log_output=False,
                                    request_save_on_cell_execute=False)
        except Exception as exc:  # noqa: BLE001 - every failure stops the run with the chapter named
            chapter.status, chapter.seconds = "failed", time.time() - c0
            chapter.error = _failure_message(nb, exc)
            failed = publish.keep_failed(tmp, output_root, name)
            raise ChapterFailed(chapter.error + f"\nExecuted notebook kept in {failed / 'notebooks' / nb.name}; "
                                f"the previous report in {final} is unchanged.") from None
        chapter.seconds, chapter.peak_rss_mb = time.time() - c0, mem.peak / 2**20
        chapter.status = "ok"
        _to_html(out_nb, tmp / "html" / f"{nb.stem}.html", hide_code=True)
        _to_html(out_nb, tmp / "html_code" / f"{nb.stem}.html", hide_code=False)
        progress(f"      done in {chapter.seconds:.1f} s (kernel peak {chapter.peak_rss_mb:,.0f} MB)")

    result.total_seconds = time.time() - t0
    _write_index(tmp, result, fingerprint, counts, log)
    (tmp / "run.json").write_text(json.dumps(_run_json(result, fingerprint, counts), ensure_ascii=False, indent=1,
                                             default=str), encoding="utf-8")
    publish.swap_into_place(tmp, final)
    if not only:
        publish.point_latest(output_root, name)
    progress(f"Report ready: {final / 'index.html'} ({result.total_seconds:.1f} s)")
    return result


def _run_json(result: RunResult, fingerprint, counts) -> dict:
    from helpers.report.present import git_commit, package_versions
    return {"parameters": result.parameters, "chapters": [asdict(c) for c in result.chapters],
            "total_seconds": result.total_seconds, "data": asdict(fingerprint), "row_counts": counts,
            "git_commit": git_commit(), "packages": package_versions()}


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, border=0, classes="t", escape=True)


def _write_index(folder: Path, result: RunResult, fingerprint, counts: dict, log: pd.DataFrame) -> None:
    from helpers.report.present import git_commit, package_versions
    esc = html.escape
    products = sorted((folder / "data").glob("*.parquet")) if (folder / "data").exists() else []
    chapters = "".join(
        f"<tr><td><a href='html/{c.notebook}.html'>{esc(c.title)}</a></td>"
        f"<td><a href='html_code/{c.notebook}.html'>코드 포함</a> · <a href='notebooks/{c.notebook}.ipynb'>ipynb</a></td>"
        f"<td>{'성공' if c.status == 'ok' else '실패: ' + esc(c.status)}</td><td>{c.seconds:,.1f} s</td>"
        f"<td>{c.peak_rss_mb:,.0f} MB</td></tr>" for c in result.chapters)
    params = "".join(f"<tr><td>{esc(k)}</td><td>{esc(str(v))}</td></tr>" for k, v in result.parameters.items())
    from helpers.chapters.eda.compute import cleaning_log_table
    files = pd.DataFrame(fingerprint.files)
    if not files.empty:
        files["sha256"] = files["sha256"].str[:16] + "…"
        files = files.rename(columns={"table": "테이블", "file": "파일", "encoding": "인코딩", "raw_rows": "원본 행 수",
                                      "clean_rows": "정제 후 행 수"})
    log_view = cleaning_log_table(log[log["rows"] > 0])
    count_labels = {"purchase_lines": "구매 행", "sessions": "구매 세션", "customers_buying": "구매 고객",
                    "members": "회원(Custom)"}
    lookup = ("<p><a href='lookup.html'>고객 ID로 프로파일 찾아보기 (오프라인에서 열리는 조회 페이지)</a></p>"
              if (folder / "lookup.html").exists() else "")
    prods = "".join(f"<li>{p.stem}: <a href='data/{p.name}'>parquet</a>"
                    + (f" · <a href='data/{p.stem}.csv'>csv</a>" if p.with_suffix(".csv").exists() else "")
                    + "</li>" for p in products) or "<li>없음</li>"
    versions = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in package_versions().items())
    counts_html = "".join(f"<tr><td>{esc(count_labels.get(k, k))}</td><td>{v:,}</td></tr>" for k, v in counts.items())
    page = f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>L.Point 마케팅 분석 리포트 {esc(result.parameters['start_date'])} ~ {esc(result.parameters['end_date'])}</title>
<style>body{{font-family:'NanumGothic','Malgun Gothic',sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table.t,table{{border-collapse:collapse;margin:.5em 0}}td,th{{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}}
h2{{border-bottom:2px solid #c00;padding-bottom:4px}}</style></head><body>
<h1>L.Point 온라인 행동 데이터 마케팅 분석 리포트</h1>
<p>분석 기간 <b>{esc(result.parameters['start_date'])} ~ {esc(result.parameters['end_date'])}</b> ·
데이터: {esc(fingerprint.source)} · 전체 소요 {result.total_seconds:,.1f}초</p>
<h2>장(chapter)</h2><table><tr><th>장</th><th>다른 형식</th><th>상태</th><th>소요 시간</th><th>최대 메모리</th></tr>
{chapters}</table>
<h2>데이터 산출물</h2>{lookup}<ul>{prods}</ul>
<h2>실행 기록</h2><h3>파라미터</h3><table>{params}</table>
<h3>데이터 지문</h3><p>출처: {esc(fingerprint.source)} · 캐시 키 {esc(fingerprint.cache_key)}</p>{_table(files)}
<h3>분석 기간 행 수</h3><table>{counts_html}</table>
<h3>정제 기록 (해당 행이 있는 규칙)</h3>{_table(log_view)}
<h3>코드와 패키지</h3><p>git commit: {esc(git_commit())}</p><table>{versions}</table>
</body></html>"""
    (folder / "index.html").write_text(page, encoding="utf-8")


def main_report(args) -> int:
    try:
        run_report(start_date=args.start, end_date=args.end, data_dir=args.data_dir, seed=args.seed,
                   scale=args.scale, params_file=args.params, output_root=args.output_root, only=args.only)
    except (ParameterError, DataError) as exc:
        print(f"ERROR (nothing was executed): {exc}", file=sys.stderr)
        return 2
    except ChapterFailed as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0
