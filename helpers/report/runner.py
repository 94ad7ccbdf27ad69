"""Render the whole report: validate parameters, execute every numbered notebook with papermill, convert to
HTML (with and without code), write ``index.html`` with the run record, and swap the finished folder into
``reports/<start>_<end>/`` only when every chapter succeeded.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from helpers.common import config
from helpers.common.dates import parse_date
from helpers.common.errors import DataError
from helpers.data import backends
from helpers.data.loader import load_dataset, synthetic_dir
from helpers.report import publish, site
from helpers.report.present import CHAPTER_ENV, PROGRESS_ENV

#: Run parameters that choose the engine (not notebook parameters): they reach every chapter's kernel through
#: the environment (``$HELPERS_ENGINE``, ``$HELPERS_SPARK_MASTER``), so no notebook has to declare them.
ENGINE_PARAMETERS = {"engine": backends.ENGINE_ENV, "spark_master": "HELPERS_SPARK_MASTER"}

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
    """Polls the resident memory of one chapter's kernel (and its children) while the chapter runs.

    ``pid`` is read from ``holder`` (the kernel manager writes it when the kernel starts), so chapters that run
    side by side are measured apart.
    """

    def __init__(self, holder: dict, interval: float = 0.2):
        self._holder, self._interval = holder, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        import psutil
        pid = self._holder.get("pid")
        if not pid:
            return 0
        try:
            proc = psutil.Process(pid)
            procs = [proc, *proc.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
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


#: The kernel's own log stays quiet on the console: the client interrupts the kernel before shutting it down, which
#: it logs as "ERROR | KeyboardInterrupt caught in kernel". Failures in a chapter still stop the run (cell errors).
KERNEL_ARGS = ("--IPKernelApp.log_level=CRITICAL",)


def _ipc_kernel_manager(env: dict[str, str], holder: dict, ipc_dir: str):
    """A kernel manager that talks to the kernel over local IPC sockets instead of TCP, starts the kernel with
    ``env`` added to its environment, and records the kernel's pid in ``holder``.

    The kernel then never warns ``Kernel is running over TCP without encryption`` (the sockets are files
    readable only by this user), and nothing listens on a network port. The environment is per kernel (not
    ``os.environ``), so chapters can run side by side.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            # IPC "ports" are files <ip>-<n>: a private prefix per kernel, or kernels started together collide
            kwargs.setdefault("ip", os.path.join(ipc_dir, "kernel"))
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["env"] = {**(kw.get("env") or os.environ), **env}
            await super()._async_launch_kernel(kernel_cmd, **kw)
            holder["pid"] = getattr(self.provisioner, "pid", None)

    return IpcKernelManager


class _ConsoleLines:
    """A file-like sink for the kernel's printed output: each complete line becomes a progress line."""

    def __init__(self, progress):
        self.progress, self._buffer = progress, ""

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            if line.strip():
                self.progress(f"      {line.rstrip()}")
        return len(text)

    def flush(self) -> None:
        if self._buffer.strip():
            self.progress(f"      {self._buffer.rstrip()}")
        self._buffer = ""


class _ProgressTail:
    """Prints the kernel's progress lines (``helpers`` loggers, see ``present.route_progress``) as they come,
    and a heartbeat every ``heartbeat`` seconds, so a long chapter is never silent on the console."""

    def __init__(self, path: Path, progress, *, heartbeat: float = 60.0, interval: float = 1.0):
        self.path, self.progress, self.heartbeat, self.interval = path, progress, heartbeat, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        offset, t0, last = 0, time.time(), time.time()
        while True:
            stopping = self._stop.wait(self.interval)
            if self.path.exists():
                with open(self.path, encoding="utf-8") as fh:
                    fh.seek(offset)
                    lines = fh.read()
                    offset = fh.tell()
                for line in lines.splitlines():
                    self.progress(f"      {line}")
                    last = time.time()
            if stopping:
                return
            if time.time() - last >= self.heartbeat:
                self.progress(f"      … still running ({time.time() - t0:,.0f} s)")
                last = time.time()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _execute(nb: Path, out_nb: Path, params: dict, *, kernel: str, cwd: Path, chapter: str, progress) -> float:
    """Run one notebook with papermill; returns the kernel's peak resident memory in bytes."""
    import papermill as pm
    fd, progress_file = tempfile.mkstemp(prefix="lpoint-progress-", suffix=".log")
    os.close(fd)
    holder: dict = {}
    ipc_dir = tempfile.mkdtemp(prefix="lpoint-kernel-")
    manager = _ipc_kernel_manager({CHAPTER_ENV: chapter, PROGRESS_ENV: progress_file}, holder, ipc_dir)
    try:
        printed = _ConsoleLines(progress)  # what the chapter prints (training progress) reaches the console live
        with _PeakMemory(holder) as mem, _ProgressTail(Path(progress_file), progress):
            pm.execute_notebook(str(nb), str(out_nb), parameters=params, kernel_name=kernel, cwd=str(cwd),
                                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                kernel_manager_class=manager, stdout_file=printed,
                                extra_arguments=list(KERNEL_ARGS))
        printed.flush()
    finally:
        Path(progress_file).unlink(missing_ok=True)
        shutil.rmtree(ipc_dir, ignore_errors=True)
    return mem.peak


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
            if cell.cell_type == "code":  # printed text is a log (progress, warnings): console and code version only
                cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
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


def engine_environment(params: dict) -> dict[str, str]:
    """Take the engine's run parameters out of ``params``; return the environment variables they set.

    ``engine`` is checked here (an unknown engine stops the run before anything executes).
    """
    env = {}
    for name, var in ENGINE_PARAMETERS.items():
        value = params.pop(name, None)
        if value:
            env[var] = backends.engine_name(str(value)) if name == "engine" else str(value)
    return env


class _Environment:
    """Set environment variables for the run (chapter kernels inherit them); restore the old values after."""

    def __init__(self, values: dict[str, str]):
        self.values, self.saved = values, {}

    def __enter__(self):
        self.saved = {k: os.environ.get(k) for k in self.values}
        os.environ.update(self.values)
        return self

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _load_window(params: dict, scale: str, progress) -> tuple[dict, object, object]:
    """Generate synthetic data if needed, clean + cache, check the window is covered — all before executing
    anything, so bad data stops the run with the loader's message. Returns (row counts, fingerprint, log)."""
    start, end = params["start_date"], params["end_date"]
    if not params["data_dir"]:
        folder, _ = synthetic_dir(scale=scale, seed=params["seed"], start_date=start, end_date=end,
                                  progress=progress)
        params["data_dir"] = str(folder)
    ds = load_dataset(params["data_dir"], start, end, seed=params["seed"], progress=progress)
    counts, fingerprint, log = ds.row_counts(), ds.fingerprint, ds.cleaning_log
    ds.close()
    if counts["purchase_lines"] == 0:
        raise DataError(f"No purchase lines in {start}..{end} in '{params['data_dir']}': choose another window.")
    return counts, fingerprint, log


def _run_chapter(nb: Path, nb_params: dict, tmp: Path, *, kernel: str, cwd: Path, progress, failed: Path,
                 final: Path) -> ChapterResult:
    """Execute one chapter and convert it to both HTML versions; a failure raises (the caller keeps the folder)."""
    chapter = ChapterResult(notebook=nb.stem, title=notebook_title(nb))
    out_nb = tmp / "notebooks" / nb.name
    c0 = time.time()
    try:
        peak = _execute(nb, out_nb, nb_params, kernel=kernel, cwd=cwd, chapter=nb.stem[:2], progress=progress)
    except Exception as exc:  # noqa: BLE001 - every failure stops the run with the chapter named
        chapter.status, chapter.seconds = "failed", time.time() - c0
        chapter.error = _failure_message(nb, exc)
        raise ChapterFailed(chapter.error + f"\nExecuted notebook kept in {failed / 'notebooks' / nb.name}; "
                            f"the previous report in {final} is unchanged.") from None
    chapter.seconds, chapter.peak_rss_mb = time.time() - c0, peak / 2**20
    chapter.status = "ok"
    _to_html(out_nb, tmp / "html" / f"{nb.stem}.html", hide_code=True)
    _to_html(out_nb, tmp / "html_code" / f"{nb.stem}.html", hide_code=False)
    progress(f"      done in {chapter.seconds:.1f} s (kernel peak {chapter.peak_rss_mb:,.0f} MB)")
    return chapter


#: Chapters that read the data products of other chapters (notebook number -> the numbers it waits for).
#: Every other chapter reads only the data, so it may run beside the others (docs/ARCHITECTURE.md hand-offs).
AFTER = {"06": ("01", "02", "03", "04", "05")}


def _chapter_progress(progress, nb: Path, *, parallel: bool):
    """The console printer of one chapter: lines carry the chapter number when chapters run side by side."""
    if not parallel:
        return progress
    tag = nb.stem[:2]
    return lambda line: progress(f"{tag}| {line}")


def _schedule(notebooks: list[Path], run_one, *, jobs: int) -> list[ChapterResult]:
    """Run ``run_one(i, nb)`` for every notebook, at most ``jobs`` at a time, honouring :data:`AFTER`.

    Results come back in notebook order. The first failure stops new starts; chapters already running finish,
    then the failure is raised.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    order = {nb: i for i, nb in enumerate(notebooks, 1)}
    present_ids = {nb.stem[:2] for nb in notebooks}
    waits = {nb: set(AFTER.get(nb.stem[:2], ())) & present_ids for nb in notebooks}
    pending, done_ids, running, results = list(notebooks), set(), {}, {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while pending or running:
            for nb in [nb for nb in pending if waits[nb] <= done_ids][: max(1, jobs) - len(running)]:
                pending.remove(nb)
                running[pool.submit(run_one, order[nb], nb)] = nb
            if not running:
                raise RuntimeError(f"AFTER has a cycle among {[nb.stem for nb in pending]}")
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                nb = running.pop(fut)
                if fut.exception() is not None:
                    pending.clear()
                    wait(running)
                    raise fut.exception()
                results[nb], _ = fut.result(), done_ids.add(nb.stem[:2])
    return [results[nb] for nb in notebooks]


def run_report(*, start_date: str = config.DEFAULT_START, end_date: str = config.DEFAULT_END,
               data_dir: str | None = None, seed: int = config.DEFAULT_SEED, scale: str = config.DEFAULT_SCALE,
               params_file: str | None = None, extra_params: dict | None = None,
               output_root: str | Path = config.REPORTS_DIR, notebooks_dir: str | Path = config.NOTEBOOKS_DIR,
               only: list[str] | None = None, jobs: int = config.DEFAULT_JOBS, engine: str | None = None,
               spark_master: str | None = None, progress=print) -> RunResult:
    """Render the report for the window into ``<output_root>/<start>_<end>/`` (atomically).

    ``jobs`` chapters run side by side (each in its own kernel) where :data:`AFTER` allows: a chapter that reads
    other chapters' data products starts when they have finished.
    ``engine`` (``duckdb``/``spark``; also ``engine:`` in the parameters file or ``$HELPERS_ENGINE``) runs the
    data layer and the shared queries; ``spark_master`` picks the Spark cluster (default ``local[*]``).

    Raises
    ------
    ParameterError, DataError
        Before any notebook runs.
    ChapterFailed
        A notebook failed; the previous report for the window is left untouched.
    """
    params = load_params_file(params_file)
    params.update(extra_params or {})
    params.update({k: v for k, v in (("engine", engine), ("spark_master", spark_master)) if v})
    env = engine_environment(params)
    with _Environment(env):
        result = _run_report(params, scale=scale, start_date=start_date, end_date=end_date, seed=seed,
                             data_dir=data_dir, output_root=output_root, notebooks_dir=notebooks_dir, only=only,
                             jobs=jobs, progress=progress)
    return result


def _run_report(params: dict, *, scale, start_date, end_date, data_dir, seed, output_root, notebooks_dir, only,
                jobs, progress) -> RunResult:
    t0 = time.time()
    for flag, value in (("start_date", start_date), ("end_date", end_date), ("seed", seed)):
        params.setdefault(flag, value)
    params.setdefault("data_dir", data_dir or "")
    notebooks = discover_notebooks(Path(notebooks_dir), only)
    params.setdefault("output_dir", "")
    per_nb = validate_parameters(params, notebooks)

    counts, fingerprint, log = _load_window(params, scale, progress)
    start, end = params["start_date"], params["end_date"]
    output_root = Path(output_root).resolve()  # kernels run in notebooks/: a relative root would land there
    output_root.mkdir(parents=True, exist_ok=True)
    name = f"{parse_date(start, 'start_date').date()}_{parse_date(end, 'end_date').date()}"
    if only:  # a partial run never replaces the full report of the window
        name += "_only-" + "-".join(only)
    final = output_root / name
    tmp = publish.new_work_folder(output_root, name)
    kernel = _kernel_name()
    result = RunResult(report_dir=final, parameters={k: v for k, v in params.items() if k != "output_dir"})
    result.parameters["engine"] = backends.engine_name()  # the run's engine ($HELPERS_ENGINE set above)
    if only:
        reused = reuse_products(output_root / name.split("_only-")[0], tmp)
        if reused:
            progress(f"--only: reusing {reused} data products of the window's last complete report")
    def run_one(i: int, nb: Path) -> ChapterResult:
        say = _chapter_progress(progress, nb, parallel=jobs > 1)
        say(f"[{i}/{len(notebooks)}] {nb.stem}: {notebook_title(nb)} …")
        nb_params = dict(per_nb[nb.name], **{"data_dir": params["data_dir"], "output_dir": str(tmp)})
        return _run_chapter(nb, nb_params, tmp, kernel=kernel, cwd=Path(notebooks_dir), progress=say,
                            failed=output_root / f".failed-{name}", final=final)

    try:
        result.chapters = _schedule(notebooks, run_one, jobs=jobs)
    except ChapterFailed:  # chapters still running have finished: keep the work folder for inspection
        publish.keep_failed(tmp, output_root, name)
        raise

    result.total_seconds = time.time() - t0
    _finish_site(tmp, final, result, fingerprint, counts, log)
    (tmp / "run.json").write_text(json.dumps(_run_json(result, fingerprint, counts), ensure_ascii=False, indent=1,
                                             default=str), encoding="utf-8")
    publish.swap_into_place(tmp, final)
    if not only:
        publish.point_latest(output_root, name)
    progress(f"Report ready: {final / 'index.html'} ({result.total_seconds:.1f} s)")
    return result


def reuse_products(complete: Path, tmp: Path) -> int:
    """Copy the data products of the window's last complete report into a partial run's folder.

    ``--only 06`` then reads the products of chapters 1-5 from the same window instead of failing; the
    chapters that run overwrite their own products. Returns the number of products copied (0: none found).
    """
    source = complete / "data"
    if not source.is_dir():
        return 0
    shutil.copytree(source, tmp / "data", dirs_exist_ok=True)
    return len(list(source.glob("*.parquet")))


def _finish_site(tmp: Path, final: Path, result: RunResult, fingerprint, counts: dict, log) -> None:
    """Frame every page, write the index, and remove the private work folder's name from every output."""
    pages = [site.PageRef(c.notebook, c.title) for c in result.chapters]
    window = f"{result.parameters['start_date']} ~ {result.parameters['end_date']}"
    hide = tuple(dict.fromkeys([str(tmp.resolve()), str(tmp)]))
    site.frame_site(tmp, pages, window=window, source=fingerprint.source, hide_paths=hide)
    for nb in (tmp / "notebooks").glob("*.ipynb"):  # the executed notebooks name the final folder instead
        text = nb.read_text(encoding="utf-8")
        for path in hide:
            text = text.replace(path, str(final))
        nb.write_text(text, encoding="utf-8")
    site.write_index(tmp, result, fingerprint, counts, log, pages)


def _run_json(result: RunResult, fingerprint, counts) -> dict:
    from helpers.report.present import git_commit, package_versions
    return {"parameters": result.parameters, "chapters": [asdict(c) for c in result.chapters],
            "total_seconds": result.total_seconds, "data": asdict(fingerprint), "row_counts": counts,
            "git_commit": git_commit(), "packages": package_versions()}


def main_report(args) -> int:
    try:
        run_report(start_date=args.start, end_date=args.end, data_dir=args.data_dir, seed=args.seed,
                   scale=args.scale, params_file=args.params, output_root=args.output_root, only=args.only,
                   jobs=getattr(args, 'jobs', config.DEFAULT_JOBS),
                   engine=getattr(args, "engine", None), spark_master=getattr(args, "spark_master", None),
                   progress=lambda message: print(message, flush=True))
    except (ParameterError, DataError) as exc:
        print(f"ERROR (nothing was executed): {exc}", file=sys.stderr)
        return 2
    except ChapterFailed as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0
