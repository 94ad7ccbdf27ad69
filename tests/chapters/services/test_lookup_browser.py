"""The offline lookup page in a real headless browser: opened from file://, shards loaded on demand."""
from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

import pytest
from chapters.services.fixtures import EXPECTED_101, make_book

from helpers.chapters.services import cards, lookup

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)),
                       reason="headless browser test needs Debian chromium at /usr/bin/chromium "
                              "(apt-get install -y chromium)"),
]


def dump_dom(page: Path, query: str, profile_dir: Path) -> str:
    """Open ``page`` + ``query`` in headless chromium and return the DOM after scripts have run."""
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile_dir}", "--virtual-time-budget=3000", "--dump-dom",
           page.resolve().as_uri() + query]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def visible(dom: str) -> str:
    """The DOM without the page's own script and styles (so the card spec embedded there cannot match)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    book = make_book()
    # 7 shards: 101 -> p_3, 102 -> p_4, 103 -> p_5; shard 0 stays empty (no file written).
    return lookup.write_lookup(book, out, n_shards=7, window="2018-04-01 ~ 2018-09-30", source="hand-made"), book


def test_lookup_page_shows_a_known_customers_card(site, tmp_path):
    lookup, book = site
    assert lookup.page.name == "lookup.html" and lookup.shard_dir == lookup.page.parent / "lookup"
    assert sorted(p.name for p in lookup.shard_dir.glob("p_*.js")) == ["p_3.js", "p_4.js", "p_5.js"]
    assert lookup.shard_dir.joinpath("p_3.js").read_text(encoding="utf-8").startswith("LP.register(3,")
    dom = visible(dump_dom(lookup.page, "?id=0101", tmp_path / "chrome"))
    assert 'class="lpc" data-id="101"' in dom
    for value, why in EXPECTED_101.values():
        assert html.escape(value, quote=False) in dom
        assert html.escape(why, quote=False) in dom
    # The page renders exactly the cards of the Python report (same HTML for the same customer).
    assert cards.card_html(book.card(101)) in dom
    assert "찾을 수 없" not in dom


def test_lookup_page_other_customers_and_hash_form(site, tmp_path):
    lookup, book = site
    dom = visible(dump_dom(lookup.page, "#id=103", tmp_path / "chrome"))
    assert cards.card_html(book.card(103)) in dom
    assert "분석 기간에 온라인 구매가 없어 가치 등급이 없습니다" in dom


@pytest.mark.parametrize("query", ["?id=108", "?id=104"])  # 108: in p_3 but absent; 104: p_6 was never written
def test_lookup_page_unknown_id_says_not_found(site, tmp_path, query):
    lookup, _ = site
    dom = visible(dump_dom(lookup.page, query, tmp_path / "chrome"))
    assert "찾을 수 없" in dom and 'class="lpc"' not in dom


def test_lookup_page_malformed_id_says_what_is_wrong(site, tmp_path):
    lookup, _ = site
    dom = visible(dump_dom(lookup.page, "?id=12ab", tmp_path / "chrome"))
    assert "형식이 잘못되었습니다" in dom and "찾을 수 없" not in dom and 'class="lpc"' not in dom


def test_lookup_page_links_back_to_the_report_and_names_the_window(site, tmp_path):
    page, _ = site
    dom = visible(dump_dom(page.page, "?id=101", tmp_path / "chrome"))
    assert '<a href="index.html" class="lp-home">← 보고서 목차</a>' in dom  # index.html sits beside lookup.html
    assert '<a href="html/06_services.html">6장 신규 서비스</a>' in dom
    assert "분석 기간 2018-04-01 ~ 2018-09-30 · 데이터: hand-made" in dom
    assert "<title>고객 프로파일 조회</title>" in dom
