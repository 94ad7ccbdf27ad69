"""The machine's faults as clear errors: permissions, full disk, read-only folders, locks between loaders."""
from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from helpers.common.errors import DataError

_WHAT_TO_DO = {
    errno.ENOSPC: "the disk is full: free space there, or point LPOINT_CACHE_DIR / the output folder at a disk "
                  "with room, then run again",
    errno.EDQUOT: "the disk quota is used up: free space there, or point LPOINT_CACHE_DIR at another disk",
    errno.EACCES: "permission denied: give this user access to it (chmod / chown), or copy it somewhere readable "
                  "and writable",
    errno.EPERM: "operation not permitted: give this user access to it, or use another folder",
    errno.EROFS: "the file system is read-only: point LPOINT_CACHE_DIR / the output folder at a writable disk",
    errno.ENOENT: "it does not exist (moved or deleted while running?): check the path and run again",
}


def describe_os_error(path: str | Path, exc: BaseException, doing: str) -> DataError:
    """A DataError naming the file, what was being done and what to do about ``exc``."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code is None and "No space left" in text:
        code = errno.ENOSPC
    if code is None and "Permission denied" in text:
        code = errno.EACCES
    hint = _WHAT_TO_DO.get(code, f"{type(exc).__name__}: {text}")
    return DataError(f"Error {doing} '{path}': {hint}.")


def is_machine_fault(exc: BaseException) -> bool:
    """OSError, or a DuckDB I/O error whose message is an OS fault (disk full, permission)."""
    return isinstance(exc, OSError) or any(s in str(exc) for s in ("No space left", "Permission denied",
                                                                   "Read-only file system", "Disk quota"))


@contextmanager
def locked(lock_path: Path):
    """Hold an exclusive lock (``flock``) on ``lock_path`` (a lock file, or a folder itself) while the block runs;
    waits for other holders."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:  # a folder is locked itself (no lock file is left in it)
        fd = os.open(lock_path, os.O_RDONLY) if lock_path.is_dir() else os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise describe_os_error(lock_path, exc, "creating the lock file") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
