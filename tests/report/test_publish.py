"""Report swap: atomic at every instant, safe when killed, safe with two runs of the same window."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.report import publish

NAME = "2018-04-01_2018-09-30"

# One run as a separate process: build a report whose index says ``label``, swap it in, point latest.
RUN = """
import sys, time
from pathlib import Path
from helpers.report import publish
root, name, label, hold = Path(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
tmp = publish.new_work_folder(root, name)
(tmp / "index.html").write_text("report " + label, encoding="utf-8")
time.sleep(hold)
publish.swap_into_place(tmp, root / name)
publish.point_latest(root, name)
"""


def _run(root: Path, label: str, *, hold: float = 0.0, pause: str | None = None, wait: bool = True):
    env = dict(os.environ)
    env.pop(publish.PAUSE_ENV, None)
    if pause:
        env[publish.PAUSE_ENV] = pause
        env[publish.PAUSE_ENV + "_FILE"] = str(root.parent / f"paused-{label}")
    proc = subprocess.Popen([sys.executable, "-c", RUN, str(root), NAME, label, str(hold)], env=env)
    if wait:
        assert proc.wait(timeout=60) == 0
    return proc


def _visible(root: Path) -> str:
    return (root / NAME / "index.html").read_text(encoding="utf-8")


def _kill_at(root: Path, step: str) -> None:
    proc = _run(root, f"killed-{step}", pause=step, wait=False)
    marker = root.parent / f"paused-killed-{step}"
    deadline = time.time() + 60
    while not marker.exists():
        assert proc.poll() is None, "the run ended before reaching the pause point"
        assert time.time() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.parametrize("step", ["built", "linked"])
def test_sigkill_before_the_switch_leaves_previous_report(tmp_path, step):
    root = tmp_path / "reports"
    _run(root, "one")
    _kill_at(root, step)
    assert _visible(root) == "report one"
    assert (root / "latest" / "index.html").read_text(encoding="utf-8") == "report one"
    # The next run removes what the killed one left (its build folder, its temporary link) and succeeds.
    _run(root, "two")
    assert _visible(root) == "report two"
    builds = sorted(p.name for p in (root / publish.BUILDS).iterdir())
    assert builds == [os.readlink(root / NAME).split("/", 1)[1]]
    assert not list(root.glob(".*.link-*"))


def test_sigkill_after_the_switch_shows_the_complete_new_report(tmp_path):
    root = tmp_path / "reports"
    _run(root, "one")
    _kill_at(root, "swapped")  # the link already points at the new build; the old build was not removed yet
    assert _visible(root) == "report killed-swapped"
    _run(root, "two")
    assert _visible(root) == "report two"
    assert len(list((root / publish.BUILDS).iterdir())) == 1


def test_sigkill_on_first_run_leaves_nothing_half_visible(tmp_path):
    root = tmp_path / "reports"
    root.mkdir()
    _kill_at(root, "linked")
    assert not (root / NAME).exists() and not (root / NAME).is_symlink()
    _run(root, "one")
    assert _visible(root) == "report one"


def test_two_concurrent_runs_of_one_window_both_finish(tmp_path):
    root = tmp_path / "reports"
    _run(root, "zero")
    procs = [_run(root, label, hold=1.0, wait=False) for label in ("a", "b")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert _visible(root) in {"report a", "report b"}
    # The losing build is unlinked; it is removed at once or by the next run's cleanup.
    _run(root, "c")
    assert _visible(root) == "report c"
    leftover = [p for p in (root / publish.BUILDS).iterdir() if p.name != os.readlink(root / NAME).split("/", 1)[1]]
    assert all(time.time() - p.stat().st_mtime < 60 for p in leftover)  # only a just-orphaned build may remain


def test_legacy_directory_is_adopted(tmp_path):
    root = tmp_path / "reports"
    (root / NAME).mkdir(parents=True)
    (root / NAME / "index.html").write_text("report legacy", encoding="utf-8")
    assert _visible(root) == "report legacy"
    _run(root, "new")
    assert (root / NAME).is_symlink() and _visible(root) == "report new"
    assert len(list((root / publish.BUILDS).iterdir())) == 1


def test_keep_failed_replaces_older_failure(tmp_path):
    root = tmp_path / "reports"
    for label in ("first", "second"):
        tmp = publish.new_work_folder(root, NAME)
        (tmp / "why.txt").write_text(label, encoding="utf-8")
        failed = publish.keep_failed(tmp, root, NAME)
    assert failed == root / f".failed-{NAME}"
    assert (failed / "why.txt").read_text(encoding="utf-8") == "second"
    assert not list((root / publish.BUILDS).iterdir())


def test_stale_cleanup_keeps_live_and_linked_builds(tmp_path):
    root = tmp_path / "reports"
    _run(root, "one")
    live = publish.new_work_folder(root, NAME)  # this process is alive: its build stays
    publish.clean_stale(root)
    assert live.is_dir() and _visible(root) == "report one"
    assert publish.pid_alive(os.getpid()) and not publish.pid_alive(2**22 + 12345)


def test_leftovers_of_the_old_layout_are_removed_when_their_run_is_dead(tmp_path):
    root = tmp_path / "reports"
    dead = root / f".{NAME}.tmp-{2**22 + 777}"
    live = root / f".{NAME}.tmp-{os.getpid()}"
    for folder in (dead, live):
        (folder / "notebooks").mkdir(parents=True)
    _run(root, "one")
    assert not dead.exists() and live.exists() and _visible(root) == "report one"
