"""Tests of helpers.common.rules: one YAML loader, one merge."""
import pytest

from helpers.common.rules import load_rules, merge_rules


def test_merge_nested_replaces_lists_and_keeps_base():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 2}
    out = merge_rules(base, {"a": {"y": [9]}}, what="test rules")
    assert out == {"a": {"x": 1, "y": [9]}, "b": 2}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 2}  # input untouched


def test_unknown_key_rejected_with_known_keys():
    with pytest.raises(ValueError, match=r"test rules: unknown key 'a.z'; known keys here: \['x'\]"):
        merge_rules({"a": {"x": 1}}, {"a": {"z": 2}}, what="test rules")


def test_open_path_accepts_new_entries():
    out = merge_rules({"playbooks": {"스타": "p"}}, {"playbooks": {"신규": "q"}}, what="t", open_paths=["playbooks"])
    assert out["playbooks"] == {"스타": "p", "신규": "q"}


def test_load_rules_returns_a_fresh_copy():
    a = load_rules("grades.yaml")
    a["__mutated__"] = True
    assert "__mutated__" not in load_rules("grades.yaml")
