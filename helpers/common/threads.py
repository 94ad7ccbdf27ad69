"""Thread limits for numerical code: one BLAS thread around many tiny linear-algebra calls."""
from __future__ import annotations

import contextlib
import ctypes
import functools
from typing import Any


@contextlib.contextmanager
def single_thread_blas():
    """Run the block with OpenBLAS limited to one thread, restored afterwards (no-op when none is found).

    Optimisers (L-BFGS-B) and Kalman filters make thousands of tiny BLAS calls; OpenBLAS's worker threads made
    them 16-50x slower on a busy 2-core machine (20 SARIMAX fits: 91 s vs 5.7 s; a 10-step BG/NBD fit: 20 ms CPU
    instead of 0.4 ms), and a threaded sum can differ in the last bit between runs. Uses ``threadpoolctl`` when
    installed, else the OpenBLAS libraries the process has loaded (Linux ``/proc/self/maps``).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
        return
    handles = []
    for get, put in openblas_thread_calls():
        handles.append((put, int(get())))
        put(1)
    try:
        yield
    finally:
        for put, count in handles:
            put(count)


@functools.lru_cache(maxsize=1)
def openblas_thread_calls() -> tuple[tuple[Any, Any], ...]:
    """(get_num_threads, set_num_threads) of every OpenBLAS library loaded in this process (Linux), looked up once."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({ln.split()[-1] for ln in maps if "openblas" in ln.lower() and ".so" in ln})
    except OSError:
        return ()
    calls = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"), ("openblas", "")):
            get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            if get is not None and put is not None:
                calls.append((get, put))
                break
    return tuple(calls)
