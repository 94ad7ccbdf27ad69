"""Business rules as commented YAML in ``helpers/resources/``: one loader and one merge for every rule file.

A chapter reads its defaults with :func:`load_rules` and lays a user's overrides over them with
:func:`merge_rules`. Unknown keys are rejected (a typo must not silently keep the default) except below
the paths a rule file declares open, where a user may add entries (a new grade's playbook, a new coupon).
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from helpers.common import config


@functools.lru_cache(maxsize=None)
def _read(name: str) -> dict[str, Any]:
    path = config.RESOURCES_DIR / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_rules(name: str) -> dict[str, Any]:
    """A fresh copy of ``helpers/resources/<name>`` (parsed once per process)."""
    return copy.deepcopy(_read(name))


def merge_rules(base: Mapping[str, Any], override: Mapping[str, Any], *, what: str,
                open_paths: Iterable[str] = ()) -> dict[str, Any]:
    """``override`` laid over ``base``: nested mappings key by key, other values (lists too) replaced whole.

    Parameters
    ----------
    base, override
        The defaults and the user's changes; neither is modified.
    what
        Names the rules in error messages, e.g. ``"grading rules (grades.yaml)"``.
    open_paths
        Dotted paths below which new keys are allowed (``"playbooks"``); elsewhere an unknown key raises.

    Raises
    ------
    ValueError
        An override key that the defaults do not have, outside ``open_paths``; the message lists the known keys.
    """
    return _merge(base, override, "", what, frozenset(open_paths))


def _merge(base: Mapping, override: Mapping, path: str, what: str, open_paths: frozenset[str]) -> dict:
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in base and path not in open_paths:
            raise ValueError(f"{what}: unknown key {where!r}; known keys here: {sorted(map(str, base))}")
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            merged[key] = _merge(base[key], value, where, what, open_paths)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
