"""Where a run builds its report and how the finished report replaces the previous one.

Layout under ``output_root``::

    <name>            -> .builds/<name>-<stamp>-<pid>-<rand>   (a symlink: the report everyone opens)
    latest            -> <name>                                (symlink to the last full report)
    .builds/<name>-…/ one folder per run; ``.owner`` inside names the pid and host that build it
    .failed-<name>/   the work folder of the last failed run of ``<name>``, kept for inspection

A run builds everything in its own folder under ``.builds`` and then switches the ``<name>`` symlink with
one ``rename`` (:func:`swap_into_place`). At every instant ``<name>`` points at a complete report: a run
killed at any point (even between the last steps of the swap) leaves the previous report visible, and the
next run removes what the killed run left behind (:func:`clean_stale`: build folders and temporary links of
processes that are no longer alive and that no link points at). Two runs of the same window each build in
their own folder, so both finish; the later swap wins and the earlier build is removed.

A report folder written by older versions (a real directory at ``<name>``) is moved into ``.builds`` once;
that migration is the only moment without a visible report (two renames, microseconds apart).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import time
from pathlib import Path

BUILDS = ".builds"
OWNER_FILE = ".owner"
#: Test hook: when this variable names a step, the process writes ``$LPOINT_PUBLISH_PAUSE_FILE`` and sleeps
#: there (so a test can SIGKILL it at a known point). Steps: ``built``, ``linked``, ``swapped``.
PAUSE_ENV = "LPOINT_PUBLISH_PAUSE"


def _pause(step: str) -> None:
    if os.environ.get(PAUSE_ENV) == step:
        Path(os.environ.get(PAUSE_ENV + "_FILE", "publish.paused")).write_text(step, encoding="utf-8")
        time.sleep(3600)


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine (permission errors count as alive)."""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _owner_alive(folder: Path) -> bool:
    """Whether the run that owns ``folder`` may still be working (unknown owners count as alive)."""
    try:
        owner = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # No owner file: a finished build that lost its link, or one being created this very moment.
        try:
            return time.time() - folder.lstat().st_mtime < 60
        except OSError:
            return False
    if owner.get("linked"):  # a finished build: only a link keeps it
        return False
    if owner.get("host") != socket.gethostname():
        return True
    return pid_alive(owner.get("pid", -1))


def _linked_builds(output_root: Path) -> set[str]:
    """Names of the build folders some link in ``output_root`` points at."""
    used = set()
    for entry in output_root.iterdir() if output_root.is_dir() else ():
        if entry.is_symlink():
            target = os.readlink(entry)
            if target.startswith(BUILDS + "/"):
                used.add(target.split("/", 1)[1])
    return used


def clean_stale(output_root: Path) -> list[Path]:
    """Remove build folders and temporary links left by dead runs; return what was removed."""
    output_root = Path(output_root)
    removed = []
    for link in output_root.glob(".*.link-*"):
        pid = link.name.rsplit("-", 2)[-2] if link.name.count("-") >= 2 else ""
        if link.is_symlink() and pid.isdigit() and not pid_alive(int(pid)):
            link.unlink(missing_ok=True)
            removed.append(link)
    for old in list(output_root.glob(".*.tmp-*")) + list(output_root.glob(".*.old-*")):  # older versions' folders
        pid = old.name.rsplit("-", 1)[-1]
        if old.is_dir() and not old.is_symlink() and pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    builds = output_root / BUILDS
    if not builds.is_dir():
        return removed
    used = _linked_builds(output_root)
    for folder in sorted(builds.iterdir()):
        if folder.name in used or not folder.is_dir() or _owner_alive(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def new_work_folder(output_root: Path, name: str) -> Path:
    """A fresh private folder for one run of report ``name`` (notebooks/, html/, html_code/ inside).

    Stale folders of dead runs are removed first. The folder is unique per run (time, pid, random part),
    so concurrent runs of the same window never share files.
    """
    output_root = Path(output_root)
    clean_stale(output_root)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    tmp = output_root / BUILDS / f"{name}-{stamp}-{os.getpid()}-{secrets.token_hex(3)}"
    for sub in ("notebooks", "html", "html_code"):
        (tmp / sub).mkdir(parents=True)
    _write_owner(tmp, {"pid": os.getpid(), "host": socket.gethostname(), "name": name, "started": stamp})
    return tmp


def _write_owner(folder: Path, owner: dict) -> None:
    tmp = folder / f"{OWNER_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(owner), encoding="utf-8")
    os.replace(tmp, folder / OWNER_FILE)


def keep_failed(tmp: Path, output_root: Path, name: str) -> Path:
    """Move a failed run's work folder to ``.failed-<name>`` (replacing an older one) for inspection."""
    failed = Path(output_root) / f".failed-{name}"
    for _ in range(5):  # a concurrent failed run may put its own folder there in between
        if failed.exists():
            trash = failed.with_name(failed.name + f".old-{os.getpid()}-{secrets.token_hex(3)}")
            try:
                failed.rename(trash)
            except OSError:
                continue
            shutil.rmtree(trash, ignore_errors=True)
        try:
            tmp.rename(failed)
            (failed / OWNER_FILE).unlink(missing_ok=True)
            return failed
        except OSError:
            continue
    return tmp


def _adopt_legacy(final: Path) -> None:
    """Move a report directory of the old layout into ``.builds`` and link it (the one non-atomic step)."""
    builds = final.parent / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / f"{final.name}-legacy-{secrets.token_hex(3)}"
    final.rename(target)
    link = final.parent / f".{final.name}.link-{os.getpid()}-{secrets.token_hex(3)}"
    link.symlink_to(f"{BUILDS}/{target.name}")
    os.replace(link, final)


def swap_into_place(tmp: Path, final: Path) -> None:
    """Point ``final`` at the finished build folder ``tmp`` with one atomic rename; remove the old build.

    ``tmp`` must be a folder made by :func:`new_work_folder` (under ``final.parent / .builds``).
    """
    tmp, final = Path(tmp), Path(final)
    _pause("built")
    if final.exists() and not final.is_symlink():
        _adopt_legacy(final)
    old = os.readlink(final) if final.is_symlink() else None
    link = final.parent / f".{final.name}.link-{os.getpid()}-{secrets.token_hex(3)}"
    link.symlink_to(f"{BUILDS}/{tmp.name}")
    _pause("linked")
    os.replace(link, final)
    _write_owner(tmp, {"linked": True, "name": final.name})  # from now on only a link keeps it
    _pause("swapped")
    if old and old.startswith(BUILDS + "/") and old.split("/", 1)[1] not in _linked_builds(final.parent):
        shutil.rmtree(final.parent / old, ignore_errors=True)


def point_latest(root: Path, name: str) -> None:
    """Point ``root/latest`` at report ``name`` (atomic; safe with concurrent runs)."""
    link = Path(root) / "latest"
    tmp_link = Path(root) / f".latest.link-{os.getpid()}-{secrets.token_hex(3)}"
    tmp_link.symlink_to(name)
    os.replace(tmp_link, link)
