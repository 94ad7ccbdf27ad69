"""Where a run builds its report and how the finished report replaces the previous one.

A run builds everything in a private work folder beside the final one and only then swaps it into place,
so a failed or killed run never replaces the last good report of its window.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def new_work_folder(output_root: Path, name: str) -> Path:
    """A fresh private folder for one run of report ``name`` (notebooks/, html/, html_code/ inside)."""
    tmp = output_root / f".{name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    for sub in ("notebooks", "html", "html_code"):
        (tmp / sub).mkdir(parents=True)
    return tmp


def keep_failed(tmp: Path, output_root: Path, name: str) -> Path:
    """Move a failed run's work folder to ``.failed-<name>`` (replacing an older one) for inspection."""
    failed = output_root / f".failed-{name}"
    if failed.exists():
        shutil.rmtree(failed)
    tmp.rename(failed)
    return failed


def swap_into_place(tmp: Path, final: Path) -> None:
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    if old.exists():
        shutil.rmtree(old)


def point_latest(root: Path, name: str) -> None:
    link, tmp_link = root / "latest", root / f".latest-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(name)
    os.replace(tmp_link, link)
