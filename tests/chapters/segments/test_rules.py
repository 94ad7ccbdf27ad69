"""Tests of helpers.chapters.segments.rules (chapter 2). Expected values are worked out by hand in the comments."""
import copy

import pytest
import yaml

from helpers.chapters.segments import compute as sg
from helpers.chapters.segments import words as wd
from helpers.common import config


# ------------------------------------------------------------------------------------------
# Rules (segments.yaml)
# ------------------------------------------------------------------------------------------
def test_map_covers_all_16_patterns_once_and_follows_the_rule():
    rules = sg.load_segment_rules()
    table = rules.map_frame()
    assert sorted(table["pattern"]) == [format(i, "04b") for i in range(16)]
    assert table["pattern"].is_unique
    for row in table.itertuples():
        time_bit, views_bit, _, price_bit = (int(b) for b in row.pattern)
        expected = "꼼꼼이" if time_bit and views_bit else "매니아" if price_bit else "털털이"
        assert row.segment == expected, row.pattern
        assert rules.segment_of(row.pattern) == expected
    assert rules.segments == ("꼼꼼이", "매니아", "털털이")


def test_report_sub_type_labels():
    rules = sg.load_segment_rules()
    assert {p: rules.label_of(p) for p in ("1101", "1111", "0011", "0000", "0010")} == {
        "1101": "덜 꼼꼼이", "1111": "더 꼼꼼이", "0011": "매니아", "0000": "더 털털이", "0010": "덜 털털이"}
    assert rules.label_of("0100") == "털털이"  # unnamed in the report -> the segment name
    assert rules.pattern_search["0010"] == "검색어 입력 有" and rules.pattern_search["1101"] == "검색어 입력 無"


def _raw_rules():
    return yaml.safe_load((config.RESOURCES_DIR / "segments.yaml").read_text(encoding="utf-8"))


def test_rules_validation_rejects_duplicates_gaps_and_unquoted_patterns():
    raw = _raw_rules()
    assert sg.parse_segment_rules(raw).segment_of("0011") == "매니아"

    duplicated = copy.deepcopy(raw)
    duplicated["patterns"][1]["pattern"] = "0000"  # 0000 twice, 0001 missing
    with pytest.raises(ValueError, match=r"exactly once.*0000.*0001"):
        sg.parse_segment_rules(duplicated)

    missing = copy.deepcopy(raw)
    missing["patterns"] = missing["patterns"][:-1]
    with pytest.raises(ValueError, match="1111"):
        sg.parse_segment_rules(missing)

    unquoted = yaml.safe_load(yaml.safe_dump(raw).replace("pattern: '0011'", "pattern: 0011"))
    with pytest.raises(ValueError, match="quote"):
        sg.parse_segment_rules(unquoted)

    unknown = copy.deepcopy(raw)
    unknown["patterns"][0]["segment"] = "알뜰이"
    with pytest.raises(ValueError, match="알뜰이"):
        sg.parse_segment_rules(unknown)

    no_playbook = copy.deepcopy(raw)
    del no_playbook["segments"][0]["playbook"]
    with pytest.raises(ValueError, match="playbook"):
        sg.parse_segment_rules(no_playbook)


def test_playbooks_are_the_reports_texts():
    assert [item["title"] for item in sg.playbook("꼼꼼이")] == ["비교쟁이 소비자를 타겟팅하자", "고민쟁이 소비자를 타겟팅하자"]
    assert [item["title"] for item in sg.playbook("매니아")] == ["재구매 욕구를 타겟팅하자", "소비자의 지인도 타겟팅하자"]
    assert [item["title"] for item in sg.playbook("털털이")] == ["저렴이를 활용하여 타겟팅하자", "귀차니즘 소비자를 타겟팅하자"]
    assert any("1.5%" in p for item in sg.playbook("매니아") for p in item["points"])
    text = wd.describe_playbook("털털이")
    assert text.startswith("**털털이 공략법**") and "2+1, 1+1" in text
    with pytest.raises(ValueError, match="꼼꼼이"):
        sg.playbook("알뜰이")


def test_partial_rules_are_laid_over_the_yaml():
    raw = _raw_rules()
    patterns = copy.deepcopy(raw["patterns"])
    patterns[3]["segment"] = "털털이"  # 0011: 매니아 -> 털털이
    merged = sg.resolve_rules({"patterns": patterns})
    assert merged.segment_of("0011") == "털털이"
    assert merged.playbooks == sg.load_segment_rules().playbooks  # the rest comes from segments.yaml
    with pytest.raises(ValueError, match="unknown key 'pattern'"):
        sg.resolve_rules({"pattern": patterns})
    assert sg.load_segment_rules().variable_labels["views"] == "조회수"  # labels.BIT_LABELS
