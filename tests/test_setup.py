"""The two setup paths (pip via make, conda via environment.yml) install the same packages."""
from __future__ import annotations

import re
import tomllib

import yaml

from helpers.common import config

CONDA_NAMES = {"python-duckdb": "duckdb"}


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", spec)
    return m.group(1).lower(), m.group(3).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pip = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda.update(_split(s) for s in dep["pip"] if not s.startswith("-e"))
        elif not dep.startswith(("python=", "pip")) or dep.startswith("pip "):
            name, spec = _split(dep)
            conda[CONDA_NAMES.get(name, name)] = spec
    assert conda == pip


def test_ci_runs_the_readme_test_command():
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (config.PROJECT_ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make report" in readme
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.startswith("#")]
    assert commands[-1] == "make test"


def test_makefile_is_self_documenting():
    mk = (config.PROJECT_ROOT / "Makefile").read_text()
    documented = set(re.findall(r"^([a-z]+):.*## ", mk, flags=re.M))
    assert {"help", "report", "test", "bench", "install", "lint", "profile", "scan"} <= documented


def test_make_profile_and_scan_call_the_venv_python_and_need_an_id():
    import subprocess
    dry = subprocess.run(["make", "-n", "profile", "ID=82232", "REPORT_DIR=reports/x"], cwd=config.PROJECT_ROOT,
                         capture_output=True, text=True, timeout=60)
    assert ".venv/bin/python -m helpers profile 82232 --report-dir reports/x" in dry.stdout, dry.stderr
    dry = subprocess.run(["make", "-n", "scan", "ID=7"], cwd=config.PROJECT_ROOT, capture_output=True, text=True,
                         timeout=60)
    assert ".venv/bin/python -m helpers scan 7" in dry.stdout and "--report-dir" not in dry.stdout.split("scan 7")[1]


def test_keras_backend_is_jax():
    import os

    import helpers  # noqa: F401
    assert os.environ["KERAS_BACKEND"] == "jax"
    import keras
    assert keras.backend.backend() == "jax"
