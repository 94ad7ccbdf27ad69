"""One end-to-end render on tiny synthetic data, shared by every test that reads a rendered report."""
from __future__ import annotations

import pytest

from helpers.common import config
from helpers.report import runner


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The report of every notebook in notebooks/ rendered on tiny synthetic data (fast model settings)."""
    root = tmp_path_factory.mktemp("e2e")
    mp = pytest.MonkeyPatch()
    mp.setenv("LPOINT_CACHE_DIR", str(root / "cache"))
    mp.setattr(config, "CACHE_DIR", root / "cache")
    mp.setattr(config, "SYNTHETIC_DIR", root / "synthetic")
    messages = []
    extra = {}
    declared = set()
    for nb in runner.discover_notebooks():
        declared |= set(runner.notebook_parameters(nb))
    if "fast" in declared:
        extra["fast"] = True
    res = runner.run_report(scale="tiny", output_root=root / "reports", extra_params=extra, progress=messages.append)
    res.messages = messages
    yield res
    mp.undo()
