"""The shared playbook reader: grade order and playbooks from the rule files, as chapters 2 and 3 read them."""
from __future__ import annotations

import pytest

from helpers.chapters import playbooks
from helpers.common.rules import load_rules


def test_grade_order_and_playbooks_follow_grades_yaml():
    assert playbooks.grade_order() == ("스타", "나비", "계륵", "관리제외")
    books = playbooks.grade_playbooks()
    assert list(books) == ["스타", "나비", "계륵", "관리제외"]
    raw = load_rules("grades.yaml")["playbooks"]["나비"]
    assert books["나비"]["summary"] == f"{raw['goal']} — {raw['actions'][0]}"
    detail = books["나비"]["detail"].split("\n")
    assert detail[0] == f"[나비] {raw['description']}" and detail[1] == f"목표: {raw['goal']}"
    assert detail[-1] == f"메시지 예시: {raw['message']}"
    assert not books["스타"]["detail"].endswith("메시지 예시: ")  # empty message: no line


def test_grade_overrides_merge_and_unknown_keys_raise():
    order = playbooks.grade_order({"grade_order": ["나비", "스타", "계륵", "관리제외"]})
    assert order[:2] == ("나비", "스타")
    books = playbooks.grade_playbooks({"playbooks": {"스타": {"goal": "새 목표", "actions": ["하나"]}}})
    assert books["스타"]["summary"] == "새 목표 — 하나"
    with pytest.raises(ValueError, match="unknown key"):
        playbooks.grade_order({"grade_ordr": []})
    with pytest.raises(ValueError, match="no playbook"):
        playbooks.grade_playbooks({"grade_order": ["스타", "나비", "계륵", "관리제외", "신규"]})


def test_segment_playbooks_follow_segments_yaml():
    books = playbooks.segment_playbooks()
    assert list(books) == ["꼼꼼이", "매니아", "털털이"]
    assert books["꼼꼼이"]["summary"] == "비교쟁이 소비자를 타겟팅하자 / 고민쟁이 소비자를 타겟팅하자"
    lines = books["매니아"]["detail"].split("\n")
    assert lines[:2] == ["[매니아]", "* 재구매 욕구를 타겟팅하자"] and lines[2].startswith("  - 소모품인")
    assert not any(line != line.rstrip() for line in lines)  # folded YAML points are stripped
