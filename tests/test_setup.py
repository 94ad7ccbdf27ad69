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
    assert {"help", "report", "test", "bench", "install"} <= documented


def test_keras_backend_is_jax():
    import os

    import helpers  # noqa: F401
    assert os.environ["KERAS_BACKEND"] == "jax"
    import keras
    assert keras.backend.backend() == "jax"
